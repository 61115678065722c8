/**
 * Hover: task keys and `job` keys (what they carry, their variable, type and default), the
 * KERUTA_TASK_* names (the field each carries and the whole seed mapping), status values, and the
 * Job fields whose effect is on the cluster (`restartPolicy`, `ttlSecondsAfterFinished`,
 * `backoffLimit`, `activeDeadlineSeconds`). Line-based, so it works in broken YAML too.
 */
import * as l10n from '@vscode/l10n';
import { type Hover, MarkupKind, type Position } from 'vscode-languageserver';
import { isTaskStatus } from '../../core/taskModel';
import type { NormalizedSettings } from '../serverSettings';
import { clusterFieldDoc, envMappingTable, envNameDoc, isClusterField, jobKeyDoc, keyMarkdown, restartPolicyValueDoc, statusDoc, taskKeyDoc } from './docs';
import type { FeatureDocument } from './types';
import { documentBounds, isJobDocumentText, pathMatches, samePath, splitLines, wordContext } from './yamlOutline';

const KERUTA_NAME = /^KERUTA_TASK_\w*$/;

export function hoverAt(document: FeatureDocument, position: Position, settings: NormalizedSettings): Hover | null {
  if (document.kind !== 'task' && document.kind !== 'yaml') return null;
  const lines = splitLines(document.text);
  const context = wordContext(lines, position.line, position.character);
  if (!context) return null;
  const bounds = documentBounds(lines, position.line);
  const isJob = document.kind === 'yaml' && isJobDocumentText(lines, bounds.start, bounds.end);
  if (document.kind === 'yaml' && !isJob) return null;
  const markdown = contentFor(document.kind === 'task', context.text, context.role, context.path, settings);
  if (markdown === undefined) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: markdown },
    range: { start: { line: position.line, character: context.word.start }, end: { line: position.line, character: context.word.end } },
  };
}

function contentFor(taskFile: boolean, word: string, role: 'key' | 'value' | 'other', path: readonly (string | number)[], settings: NormalizedSettings): string | undefined {
  if (KERUTA_NAME.test(word)) {
    const doc = envNameDoc(word, settings);
    const head = doc ? `**\`${word}\`**\n\n${doc}` : l10n.t('`{0}` is not one of the variables keruta sets.', word);
    return `${head}\n\n${envMappingTable(word)}`;
  }
  if (taskFile) {
    if (role === 'key' && path.length === 1) {
      const doc = taskKeyDoc(word, settings);
      return doc ? keyMarkdown(word, doc, l10n.t('task field')) : undefined;
    }
    if (role === 'key' && path.length === 2 && path[0] === 'job') {
      if (word === 'restartPolicy') {
        return [`**\`restartPolicy\`**`, clusterFieldDoc('restartPolicy')!, l10n.t('A task\'s `job` section has no `restartPolicy`: keruta always renders `Never`.')].join('\n\n');
      }
      const doc = jobKeyDoc(word, settings);
      return doc ? keyMarkdown(word, doc, l10n.t('job field')) : undefined;
    }
    if (role === 'value' && samePath(path, ['status']) && isTaskStatus(word)) {
      return [`**\`${word}\`** — ${l10n.t('task status')}`, statusDoc(word), l10n.t('The Pod gets it as `KERUTA_TASK_STATUS`.')].join('\n\n');
    }
    return undefined;
  }
  if (role === 'key' && isClusterField(word)) {
    const jobLevel = word !== 'restartPolicy' && pathMatches(path, ['spec', word]);
    const podLevel = word === 'restartPolicy' && pathMatches(path, ['spec', 'template', 'spec', 'restartPolicy']);
    if (jobLevel || podLevel) return [`**\`${word}\`** — ${l10n.t('Job field')}`, clusterFieldDoc(word)!].join('\n\n');
  }
  if (role === 'value' && (word === 'Never' || word === 'OnFailure') && pathMatches(path, ['spec', 'template', 'spec', 'restartPolicy'])) {
    return [`**\`restartPolicy: ${word}\`**`, restartPolicyValueDoc(word)].join('\n\n');
  }
  return undefined;
}
