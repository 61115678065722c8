/** `task-unknown-key`: a key keruta does not read, at the top level of a task or in its `job`. */
import * as l10n from '@vscode/l10n';
import { JOB_KEYS, type Located, TASK_KEYS } from '../../core/taskModel';
import type { Finding, QuickFix, Rule } from '../ruleTypes';
import { closestMatch, scalarSourceValue } from './shared';

export const CODE = 'task-unknown-key';

/** Keys starting with `x-` are left alone: the usual place for YAML anchors to reuse. */
const EXTENSION_KEY = /^x-/;

type Section = 'task' | 'job';

function check(fields: ReadonlyMap<string, Located<unknown>>, section: Section): Finding[] {
  const known: readonly string[] = section === 'task' ? TASK_KEYS : JOB_KEYS;
  const other: readonly string[] = section === 'task' ? JOB_KEYS : TASK_KEYS;
  const findings: Finding[] = [];
  for (const [key, located] of fields) {
    if (known.includes(key) || EXTENSION_KEY.test(key)) continue;
    const span = located.keySpan;
    if (other.includes(key)) {
      const message = section === 'task'
        ? l10n.t('`{0}` is a `job` key, not a task key, so keruta ignores it here. Move it under `job`.', key)
        : l10n.t('`{0}` is a task key, not a `job` key, so keruta ignores it here. Move it to the top level of the task.', key);
      findings.push({ code: CODE, severity: 'warning', message, span, data: { key, section } });
      continue;
    }
    const guess = closestMatch(key, known);
    // Renaming to a key the mapping already has would make the YAML invalid (repeated key).
    const suggestion = guess !== undefined && !fields.has(guess) ? guess : undefined;
    let message: string;
    if (suggestion !== undefined) {
      message = section === 'task'
        ? l10n.t('`{0}` is not a task key, so keruta ignores it. Did you mean `{1}`?', key, suggestion)
        : l10n.t('`{0}` is not a `job` key, so keruta ignores it. Did you mean `{1}`?', key, suggestion);
    } else {
      message = section === 'task'
        ? l10n.t('`{0}` is not a task key, so keruta ignores it. Task keys are: {1}.', key, known.join(', '))
        : l10n.t('`{0}` is not a `job` key, so keruta ignores it. `job` keys are: {1}.', key, known.join(', '));
    }
    findings.push({ code: CODE, severity: 'warning', message, span, data: suggestion !== undefined ? { key, section, suggestion } : { key, section } });
  }
  return findings;
}

export const unknownKeyRule: Rule = {
  code: CODE,
  description: 'A key that is not a task key (or not a `job` key, inside `job`); keruta ignores it. Keys starting with `x-` are allowed.',
  fix: 'Rename the key to the one it most likely misspells (same letters in another case, or at most two edits away).',
  checkTask(target) {
    return [...check(target.task.locations.fields, 'task'), ...check(target.task.locations.jobFields, 'job')];
  },
  fixes(finding, context): QuickFix[] {
    const key = finding.data?.['key'];
    const suggestion = finding.data?.['suggestion'];
    if (typeof key !== 'string' || typeof suggestion !== 'string') return [];
    // The diagnostic may be stale: only rename the key it was about.
    if (scalarSourceValue(context.text.slice(finding.span[0], finding.span[1])) !== key) return [];
    return [{
      title: l10n.t('Rename `{0}` to `{1}`', key, suggestion),
      edits: [{ span: finding.span, newText: suggestion }],
      preferred: true,
    }];
  },
};
