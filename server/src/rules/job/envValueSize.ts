/**
 * `env-value-size`: a literal env value near or over Linux's limit for one `NAME=value` string
 * (MAX_ARG_STRLEN, 131072 bytes with the terminating NUL). Over it the container cannot start.
 */
import * as l10n from '@vscode/l10n';
import { MAX_ENV_VAR_BYTES } from '../../core/limits';
import { utf8Length } from '../../core/truncate';
import { spanOf } from '../../core/yamlDocuments';
import type { Finding, Rule } from '../ruleTypes';
import { allEnvEntries, type Target } from './shared';

export const CODE = 'env-value-size';

/** From this share of the limit on, a warning. */
export const WARN_SHARE = 0.75;

function check(target: Target): Finding[] {
  return allEnvEntries(target).flatMap((entry): Finding[] => {
    const span = spanOf(entry.valueKey);
    if (entry.value === undefined || !span) return [];
    const bytes = utf8Length(`${entry.name ?? ''}=${entry.value}`);
    // The kernel counts the terminating NUL: NAME=value may have at most MAX - 1 bytes.
    if (bytes + 1 > MAX_ENV_VAR_BYTES) {
      return [{
        code: CODE,
        severity: 'error',
        message: l10n.t(
          '{0}=… is {1} bytes; Linux allows at most {2} bytes for one variable (MAX_ARG_STRLEN), so the container fails to start with "argument list too long". Pass large data as a file (a ConfigMap or Secret volume) instead.',
          entry.name ?? '',
          bytes,
          MAX_ENV_VAR_BYTES - 1,
        ),
        span,
      }];
    }
    if (bytes > MAX_ENV_VAR_BYTES * WARN_SHARE) {
      return [{
        code: CODE,
        severity: 'warning',
        message: l10n.t(
          '{0}=… is {1} bytes, {2}% of the {3}-byte limit for one variable: a little more and the container fails to start with "argument list too long". Pass large data as a file (a ConfigMap or Secret volume) instead.',
          entry.name ?? '',
          bytes,
          Math.floor((bytes * 100) / MAX_ENV_VAR_BYTES),
          MAX_ENV_VAR_BYTES - 1,
        ),
        span,
      }];
    }
    return [];
  });
}

export const envValueSizeRule: Rule = {
  code: CODE,
  description: 'A literal env value over 75% of (warning) or over (error) the 131072-byte limit for one `NAME=value` string.',
  checkTask: (target) => check(target),
  checkJob: (target) => check(target),
};
