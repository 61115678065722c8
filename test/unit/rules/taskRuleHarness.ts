/** Shared by the task rule tests: run the analysis on a text, find a rule's fixes, apply edits. */
import { analyze } from '../../../server/src/services/analysis';
import type { Span } from '../../../server/src/core/taskModel';
import { parseTaskFile } from '../../../server/src/core/taskParser';
import { ruleFor } from '../../../server/src/rules';
import { DEFAULT_RULE_SETTINGS, EMPTY_WORKSPACE, type Finding, type QuickFix, type RuleSettings, type TextEditSpec, type WorkspaceTasks } from '../../../server/src/rules/ruleTypes';

export const URI = 'file:///w/tasks/main.keruta.yaml';
export const NOW = '2026-11-05T12:34:56Z';

export interface CheckOptions {
  readonly settings?: Partial<RuleSettings>;
  readonly workspace?: WorkspaceTasks;
  readonly uri?: string;
}

export function check(text: string, options: CheckOptions = {}): Finding[] {
  return [...analyze('task', {
    uri: options.uri ?? URI,
    text,
    settings: { ...DEFAULT_RULE_SETTINGS, ...options.settings },
    workspace: options.workspace ?? EMPTY_WORKSPACE,
  }).findings];
}

/** Findings with one code. */
export function findingsOf(text: string, code: string, options: CheckOptions = {}): Finding[] {
  return check(text, options).filter((finding) => finding.code === code);
}

export function slice(text: string, span: Span): string {
  return text.slice(span[0], span[1]);
}

/** The quick fixes the registry offers for a finding, as the server asks for them (code, span, data). */
export function fixesFor(finding: Finding, text: string, now = NOW): readonly QuickFix[] {
  const rule = ruleFor(finding.code);
  return rule?.fixes?.({ span: finding.span, ...(finding.data ? { data: finding.data } : {}) }, { uri: URI, text, settings: DEFAULT_RULE_SETTINGS, now }) ?? [];
}

/** Applies non-overlapping edits (from the end, so that earlier offsets stay valid). */
export function applyEdits(text: string, edits: readonly TextEditSpec[]): string {
  return [...edits]
    .sort((a, b) => b.span[0] - a.span[0])
    .reduce((out, edit) => out.slice(0, edit.span[0]) + edit.newText + out.slice(edit.span[1]), text);
}

/** The text after the only fix offered for the only finding with `code`. */
export function fixedText(text: string, code: string, options: CheckOptions = {}): string {
  const findings = findingsOf(text, code, options);
  if (findings.length !== 1) throw new Error(`expected one ${code}, got ${JSON.stringify(findings)}`);
  const fixes = fixesFor(findings[0]!, text);
  if (fixes.length !== 1) throw new Error(`expected one fix for ${code}, got ${JSON.stringify(fixes)}`);
  return applyEdits(text, fixes[0]!.edits);
}

/** A fake workspace index: other files' texts by uri (their ids read with the real parser). */
export function fakeWorkspace(files: Readonly<Record<string, string>>): WorkspaceTasks {
  return {
    tasksWithId(id, exceptUri) {
      const out: { uri: string; span: Span; text: string }[] = [];
      for (const [uri, text] of Object.entries(files)) {
        if (uri === exceptUri) continue;
        for (const finding of idSpans(text)) if (finding.id === id) out.push({ uri, span: finding.span, text });
      }
      return out;
    },
  };
}

function idSpans(text: string): { id: string; span: Span }[] {
  return parseTaskFile(text).tasks.flatMap((task) => {
    const field = task.locations.fields.get('id');
    return field && task.task.id !== '' ? [{ id: task.task.id, span: field.valueSpan }] : [];
  });
}
