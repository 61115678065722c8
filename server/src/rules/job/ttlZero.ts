/** `ttl-zero`: `ttlSecondsAfterFinished: 0` deletes the Job and its Pods the moment it finishes. */
import * as l10n from '@vscode/l10n';
import { nodeAt, scalarNumber } from '../../core/yamlDocuments';
import type { Finding, Rule, RuleContext } from '../ruleTypes';
import { collectionApplies, nonEmptySpan, proposedTtl, type Target, ttlParentPath, replaceValueFix } from './shared';

export const CODE = 'ttl-zero';

function check(target: Target, context: RuleContext): Finding[] {
  const value = nodeAt(target.doc, [...ttlParentPath(target), 'ttlSecondsAfterFinished']);
  const span = nonEmptySpan(value);
  if (scalarNumber(value) !== 0 || !span) return [];
  const ttl = proposedTtl(context.settings.collectWindowSeconds);
  return [{
    code: CODE,
    severity: 'warning',
    message: collectionApplies(target)
      ? l10n.t('ttlSecondsAfterFinished: 0 makes Kubernetes delete the Job and its Pods as soon as it finishes: the logs are lost and keruta cannot collect /.keruta/doc. Keep them a while, e.g. {0} seconds.', ttl)
      : l10n.t('ttlSecondsAfterFinished: 0 makes Kubernetes delete the Job and its Pods as soon as it finishes: the logs and the Job\'s status are lost before anyone can read them. Keep them a while, e.g. {0} seconds.', ttl),
    span,
    data: { ttl },
  }];
}

export const ttlZeroRule: Rule = {
  code: CODE,
  description: '`ttlSecondsAfterFinished: 0`: the Job and its Pods are deleted as soon as it finishes, with their logs and `/.keruta/doc`.',
  fix: 'Set it to 3600 (or the collection window, when longer).',
  checkTask: (target, context) => check(target, context),
  checkJob: (target, context) => check(target, context),
  fixes: replaceValueFix('ttl', (ttl) => l10n.t('Set ttlSecondsAfterFinished: {0}', ttl)),
};
