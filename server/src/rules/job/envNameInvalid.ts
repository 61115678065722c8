/**
 * `env-name-invalid`: env names that even the relaxed rule rejects (empty, `=`, or anything but
 * printable ASCII). Every Kubernetes version rejects them.
 */
import * as l10n from '@vscode/l10n';
import type { Finding, Rule } from '../ruleTypes';
import { allEnvEntries, nonEmptySpan, type Target } from './shared';

export const CODE = 'env-name-invalid';

/** Whether the relaxed rule (any printable ASCII except `=`, not empty) accepts a name. */
export function isRelaxedEnvName(name: string): boolean {
  return name !== '' && !/[^\x20-\x7e]|=/.test(name);
}

function check(target: Target): Finding[] {
  return allEnvEntries(target).flatMap((entry): Finding[] => {
    const span = nonEmptySpan(entry.nameNode);
    if (entry.name === undefined || !span || isRelaxedEnvName(entry.name)) return [];
    const field = `${entry.field}.name`;
    const message = entry.name === ''
      ? l10n.t('The variable has no name: the API server rejects the Job with "{0}: Required value". Give it a name.', field)
      : l10n.t(
        'The API server rejects the Job: "{0}: Invalid value: {1}: a valid environment variable name must consist only of printable ASCII characters other than \'=\'". Rename the variable.',
        field,
        JSON.stringify(entry.name),
      );
    return [{ code: CODE, severity: 'error', message, span }];
  });
}

export const envNameInvalidRule: Rule = {
  code: CODE,
  description: 'An env name that no Kubernetes version accepts: empty, containing `=`, or with characters outside printable ASCII.',
  checkTask: (target) => check(target),
  checkJob: (target) => check(target),
};
