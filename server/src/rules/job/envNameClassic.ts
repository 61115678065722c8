/**
 * `env-name-classic`: env names only the relaxed rule accepts (Kubernetes 1.32 on; 1.30 and 1.31
 * with the RelaxedEnvironmentVariableValidation feature gate). The severity follows what is known
 * of the cluster: relaxed → nothing, unknown → warning, classic → error.
 */
import * as l10n from '@vscode/l10n';
import type { Finding, Rule, RuleContext } from '../ruleTypes';
import { isRelaxedEnvName } from './envNameInvalid';
import { allEnvEntries, nonEmptySpan, type Target } from './shared';

export const CODE = 'env-name-classic';

const CLASSIC = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** What an API server with the classic rule answers about `name`, or undefined when it accepts it. */
export function classicRejection(name: string): string | undefined {
  if (!CLASSIC.test(name)) {
    return "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";
  }
  if (name === '.') return "must not be '.'";
  if (name === '..') return "must not be '..'";
  if (name.startsWith('..')) return "must not start with '..'";
  return undefined;
}

function check(target: Target, context: RuleContext): Finding[] {
  const rule = context.settings.envNameRule;
  if (rule === 'relaxed') return [];
  return allEnvEntries(target).flatMap((entry): Finding[] => {
    const span = nonEmptySpan(entry.nameNode);
    if (entry.name === undefined || !span || !isRelaxedEnvName(entry.name)) return [];
    const rejection = classicRejection(entry.name);
    if (rejection === undefined) return [];
    const answer = `${entry.field}.name: Invalid value: ${JSON.stringify(entry.name)}: ${rejection}`;
    const message = rule === 'classic'
      ? l10n.t(
        'This cluster checks env names with the classic rule, so the API server rejects the Job: "{0}". Use only letters, digits, \'_\', \'-\' and \'.\', not starting with a digit.',
        answer,
      )
      : l10n.t(
        'Only Kubernetes 1.32 and later accept this name (1.30 and 1.31 only with the RelaxedEnvironmentVariableValidation feature gate); older API servers reject the Job: "{0}". Use only letters, digits, \'_\', \'-\' and \'.\', not starting with a digit, to run anywhere.',
        answer,
      );
    return [{ code: CODE, severity: rule === 'classic' ? 'error' : 'warning', message, span }];
  });
}

export const envNameClassicRule: Rule = {
  code: CODE,
  description: 'An env name only Kubernetes 1.32+ accepts (outside `[-._a-zA-Z][-._a-zA-Z0-9]*`): an error on classic clusters, a warning when the version is unknown.',
  checkTask: (target, context) => check(target, context),
  checkJob: (target, context) => check(target, context),
};
