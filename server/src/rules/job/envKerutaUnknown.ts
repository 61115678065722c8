/**
 * `env-keruta-unknown`: a `KERUTA_*` name keruta does not set (a misspelling such as
 * `KERUTA_TASK_CREATEDAT`), with the variable it most likely means.
 */
import * as l10n from '@vscode/l10n';
import { KERUTA_ENV_NAMES } from '../../core/envMapping';
import type { Finding, QuickFix, Rule } from '../ruleTypes';
import { allEnvEntries, editDistance, KNOWN_KERUTA_NAMES, nonEmptySpan, replaceScalar, type Target } from './shared';

export const CODE = 'env-keruta-unknown';

const normalize = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9]/g, '');
const withoutTask = (normalized: string): string => normalized.replace(/^KERUTATASK/, 'KERUTA');

/**
 * The KERUTA_TASK_* name `name` most likely stands for: equal once case and separators are
 * ignored (also without `TASK`), a unique name it abbreviates (`KERUTA_TASK_DESC`), or the unique
 * nearest within two edits.
 */
export function suggestKerutaName(name: string): string | undefined {
  const wanted = normalize(name);
  const exact = KERUTA_ENV_NAMES.find((candidate) => normalize(candidate) === wanted || withoutTask(normalize(candidate)) === withoutTask(wanted));
  if (exact !== undefined) return exact;
  const field = withoutTask(wanted).slice('KERUTA'.length);
  if (field.length >= 3) {
    const prefixed = KERUTA_ENV_NAMES.filter((candidate) => withoutTask(normalize(candidate)).slice('KERUTA'.length).startsWith(field));
    if (prefixed.length === 1) return prefixed[0];
  }
  let best: string | undefined;
  let bestDistance = 3;
  let tie = false;
  for (const candidate of KERUTA_ENV_NAMES) {
    const distance = editDistance(wanted, normalize(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      tie = false;
    } else if (distance === bestDistance) {
      tie = true;
    }
  }
  return tie ? undefined : best;
}

function check(target: Target): Finding[] {
  return allEnvEntries(target).flatMap((entry): Finding[] => {
    const span = nonEmptySpan(entry.nameNode);
    const name = entry.name;
    if (name === undefined || !span || !/^keruta_/i.test(name) || KNOWN_KERUTA_NAMES.has(name)) return [];
    const suggestion = suggestKerutaName(name);
    const message = suggestion !== undefined
      ? l10n.t('{0} is not a variable keruta sets, so programs reading keruta\'s variables never see it. Did you mean {1}?', name, suggestion)
      : l10n.t('{0} is not a variable keruta sets, so programs reading keruta\'s variables never see it. keruta sets {1}.', name, KERUTA_ENV_NAMES.join(', '));
    return [{ code: CODE, severity: 'warning', message, span, ...(suggestion !== undefined ? { data: { suggestion } } : {}) }];
  });
}

export const envKerutaUnknownRule: Rule = {
  code: CODE,
  description: 'A `KERUTA_*` env name that is not one of the seven keruta sets (e.g. `KERUTA_TASK_CREATEDAT`).',
  fix: 'Rename it to the suggested KERUTA_TASK_* name.',
  checkTask: (target) => check(target),
  checkJob: (target) => check(target),
  fixes(finding, context): QuickFix[] {
    const suggestion = finding.data?.['suggestion'];
    if (typeof suggestion !== 'string') return [];
    return [{ title: l10n.t('Rename to {0}', suggestion), edits: [replaceScalar(context.text, finding.span, suggestion)], preferred: true }];
  },
};
