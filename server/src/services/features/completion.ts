/**
 * Completion in task files (task keys, `job` keys, `status` values, KERUTA_TASK_* names in
 * `job.env`) and in `batch/v1` Job YAML (KERUTA_TASK_* names in container env, pod
 * `restartPolicy` values). Reads the lines around the cursor, so it works while the YAML is
 * still being typed and does not parse.
 */
import * as l10n from '@vscode/l10n';
import {
  type CompletionItem,
  CompletionItemKind,
  InsertTextFormat,
  InsertTextMode,
  MarkupKind,
  type Position,
  type Range,
} from 'vscode-languageserver';
import { KERUTA_ENV_MAPPING } from '../../core/envMapping';
import { JOB_KEYS, TASK_KEYS, TASK_STATUSES } from '../../core/taskModel';
import type { NormalizedSettings } from '../serverSettings';
import { envNameDoc, jobKeyDoc, type KeyDoc, keyMarkdown, restartPolicyValueDoc, statusDoc, taskKeyDoc } from './docs';
import type { FeatureDocument } from './types';
import {
  type CursorContext,
  cursorContext,
  documentBounds,
  isJobDocumentText,
  type OutlinePath,
  pathMatches,
  type PathPattern,
  samePath,
  scanLines,
  splitLines,
  unquote,
} from './yamlOutline';

const TASK_ENV_NAME: PathPattern = ['job', 'env', '#', 'name'];
const JOB_ENV_NAME: PathPattern = ['spec', 'template', 'spec', ['containers', 'initContainers'], '#', 'env', '#', 'name'];
const JOB_RESTART_POLICY: PathPattern = ['spec', 'template', 'spec', 'restartPolicy'];

export function completionItems(document: FeatureDocument, position: Position, settings: NormalizedSettings): CompletionItem[] {
  if (document.kind !== 'task' && document.kind !== 'yaml') return [];
  const lines = splitLines(document.text);
  const context = cursorContext(lines, position.line, position.character);
  if (!context) return [];
  const bounds = documentBounds(lines, position.line);
  const range = (): Range => ({
    start: { line: position.line, character: context.word.start },
    end: { line: position.line, character: context.word.end },
  });

  if (document.kind === 'task') {
    if (context.kind === 'key') {
      if (context.path.length === 0) return keyItems(TASK_KEYS, (key) => taskKeyDoc(key, settings), l10n.t('task field'), context, range(), present(lines, bounds, position.line, []));
      if (samePath(context.path, ['job'])) return keyItems(JOB_KEYS, (key) => jobKeyDoc(key, settings), l10n.t('job field'), context, range(), present(lines, bounds, position.line, ['job']));
      return [];
    }
    if (samePath(context.path, ['status'])) {
      return TASK_STATUSES.map((status, index) => valueItem(status, CompletionItemKind.EnumMember, l10n.t('task status'), statusDoc(status), context, range(), index, status === 'PENDING'));
    }
    if (pathMatches(context.path, TASK_ENV_NAME)) return envNameItems(lines, bounds, position.line, context, range(), settings, true);
    return [];
  }

  // Job YAML: only in batch/v1 Job documents.
  if (context.kind !== 'value' || !isJobDocumentText(lines, bounds.start, bounds.end)) return [];
  if (pathMatches(context.path, JOB_ENV_NAME)) return envNameItems(lines, bounds, position.line, context, range(), settings, false);
  if (pathMatches(context.path, JOB_RESTART_POLICY)) {
    return (['Never', 'OnFailure'] as const).map((value, index) =>
      valueItem(value, CompletionItemKind.EnumMember, l10n.t('restart policy of a Job\'s Pod'), restartPolicyValueDoc(value), context, range(), index, value === 'Never'),
    );
  }
  return [];
}

/** Keys already written in the mapping at `path` of the document (the cursor's line left out). */
function present(lines: readonly string[], bounds: { start: number; end: number }, cursorLine: number, path: OutlinePath): Set<string> {
  const keys = new Set<string>();
  for (const record of scanLines(lines, bounds.start, bounds.end, cursorLine)) {
    if (!record.blockText && record.shape.key && samePath(record.parent, path)) keys.add(record.shape.key.name);
  }
  return keys;
}

function markdown(value: string): { kind: typeof MarkupKind.Markdown; value: string } {
  return { kind: MarkupKind.Markdown, value };
}

const STATUS_CHOICE = `\${1|${TASK_STATUSES.join(',')}|}`;

function keyItems(
  keys: readonly string[],
  docOf: (key: string) => KeyDoc | undefined,
  where: string,
  context: Extract<CursorContext, { kind: 'key' }>,
  range: Range,
  existing: ReadonlySet<string>,
): CompletionItem[] {
  const items: CompletionItem[] = [];
  const childIndent = ' '.repeat(context.column + 2);
  keys.forEach((key, index) => {
    if (existing.has(key)) return;
    const doc = docOf(key);
    let newText = `${key}: $0`;
    if (context.colonFollows) newText = key;
    else if (key === 'job' || key === 'resources') newText = `${key}:\n${childIndent}$0`;
    else if (key === 'env') newText = `${key}:\n${childIndent}- name: $1\n${childIndent}  value: $0`;
    else if (key === 'documents' || key === 'command' || key === 'args') newText = `${key}:\n${childIndent}- $0`;
    else if (key === 'status') newText = `${key}: ${STATUS_CHOICE}`;
    items.push({
      label: key,
      kind: CompletionItemKind.Property,
      detail: doc ? `${where} · ${doc.type}` : where,
      ...(doc ? { documentation: markdown(keyMarkdown(key, doc, where)) } : {}),
      sortText: String(index).padStart(2, '0'),
      filterText: key,
      insertTextFormat: InsertTextFormat.Snippet,
      insertTextMode: InsertTextMode.asIs,
      textEdit: { range, newText },
    });
  });
  return items;
}

function valueItem(
  value: string,
  kind: CompletionItemKind,
  detail: string,
  documentation: string,
  context: CursorContext,
  range: Range,
  index: number,
  preselect: boolean,
): CompletionItem {
  const needsSpace = context.kind === 'value' && context.needsSpace;
  return {
    label: value,
    kind,
    detail,
    documentation: markdown(documentation),
    sortText: String(index).padStart(2, '0'),
    filterText: value,
    ...(preselect ? { preselect: true } : {}),
    textEdit: { range, newText: needsSpace ? ` ${value}` : value },
  };
}

/** The KERUTA_TASK_* names not yet in this env list. */
function envNameItems(
  lines: readonly string[],
  bounds: { start: number; end: number },
  cursorLine: number,
  context: CursorContext,
  range: Range,
  settings: NormalizedSettings,
  taskFile: boolean,
): CompletionItem[] {
  const list = context.path.slice(0, -2);
  const taken = new Set<string>();
  for (const record of scanLines(lines, bounds.start, bounds.end, cursorLine)) {
    const { key, value } = record.shape;
    if (key?.name === 'name' && value && record.parent.length === list.length + 1 && samePath(record.parent.slice(0, -1), list)) taken.add(unquote(value.text));
  }
  const note = taskFile
    ? l10n.t('keruta already sets this variable from the task. An entry in `job.env` comes after keruta\'s in the Job and replaces its value.')
    : undefined;
  return KERUTA_ENV_MAPPING.filter((entry) => !taken.has(entry.name)).map((entry, index) => {
    const documentation = [envNameDoc(entry.name, settings) ?? '', note].filter((part) => part !== undefined && part !== '').join('\n\n');
    return valueItem(entry.name, CompletionItemKind.Variable, l10n.t('task field {0}', entry.field), documentation, context, range, index, false);
  });
}
