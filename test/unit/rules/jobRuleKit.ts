/** Helpers for the Job rule tests: analyze a text, pick findings, apply quick fixes. */
import assert from 'node:assert/strict';
import { ruleFor } from '../../../server/src/rules';
import { DEFAULT_RULE_SETTINGS, EMPTY_WORKSPACE, type Finding, type JobSchemaValidator, type QuickFix, type RuleSettings, type TextEditSpec } from '../../../server/src/rules/ruleTypes';
import { analyze } from '../../../server/src/services/analysis';

export const JOB_URI = 'file:///w/job.yaml';
export const TASK_URI = 'file:///w/t.keruta.yaml';

export interface RunOptions {
  readonly settings?: Partial<RuleSettings>;
  readonly validateJobSchema?: JobSchemaValidator;
}

function settingsOf(options: RunOptions): RuleSettings {
  return { ...DEFAULT_RULE_SETTINGS, ...options.settings };
}

/** Every finding of a Job YAML text (`kind: 'yaml'`) or a task file. */
export function analyzeText(kind: 'yaml' | 'task', text: string, options: RunOptions = {}): readonly Finding[] {
  const uri = kind === 'yaml' ? JOB_URI : TASK_URI;
  return analyze(kind, {
    uri,
    text,
    settings: settingsOf(options),
    workspace: EMPTY_WORKSPACE,
    ...(options.validateJobSchema ? { validateJobSchema: options.validateJobSchema } : {}),
  }).findings;
}

/** The findings with `code`, in text order. */
export function findingsOf(kind: 'yaml' | 'task', text: string, code: string, options: RunOptions = {}): Finding[] {
  return analyzeText(kind, text, options).filter((finding) => finding.code === code).sort((a, b) => a.span[0] - b.span[0]);
}

/** The one finding with `code` (fails when there is not exactly one). */
export function single(kind: 'yaml' | 'task', text: string, code: string, options: RunOptions = {}): Finding {
  const found = findingsOf(kind, text, code, options);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(found, null, 1)}`);
  return found[0]!;
}

export function textUnder(text: string, finding: { span: readonly [number, number] }): string {
  return text.slice(finding.span[0], finding.span[1]);
}

export function applyEdits(text: string, edits: readonly TextEditSpec[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.span[0] - a.span[0])) out = out.slice(0, edit.span[0]) + edit.newText + out.slice(edit.span[1]);
  return out;
}

export function fixesOf(text: string, finding: Finding, options: RunOptions = {}): readonly QuickFix[] {
  const rule = ruleFor(finding.code);
  assert.ok(rule, `no rule ${finding.code}`);
  return rule.fixes?.({ span: finding.span, ...(finding.data ? { data: finding.data } : {}) }, { uri: JOB_URI, text, settings: settingsOf(options), now: '2025-01-01T00:00:00Z' }) ?? [];
}

/** The text after the only quick fix of `finding`; also returns its title. */
export function fixed(text: string, finding: Finding, options: RunOptions = {}): { text: string; title: string } {
  const fixes = fixesOf(text, finding, options);
  assert.equal(fixes.length, 1, `expected one fix, got ${JSON.stringify(fixes)}`);
  return { text: applyEdits(text, fixes[0]!.edits), title: fixes[0]!.title };
}

/** A minimal valid Job around a Pod spec body (indented by 6, as under spec.template.spec). */
export function job(podSpec: string, extra: { spec?: string; metadata?: string } = {}): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: demo',
    ...(extra.metadata ? [extra.metadata] : []),
    'spec:',
    ...(extra.spec ? [extra.spec] : ['  ttlSecondsAfterFinished: 3600']),
    '  template:',
    '    spec:',
    podSpec,
    '',
  ].join('\n');
}
