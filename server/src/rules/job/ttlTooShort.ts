/**
 * `ttl-too-short`: a TTL shorter than the collection window, where keruta collects
 * `/.keruta/doc` (tasks with `collect` not false, keruta Jobs with a collector).
 */
import * as l10n from '@vscode/l10n';
import { nodeAt, scalarNumber } from '../../core/yamlDocuments';
import type { Finding, Rule, RuleContext } from '../ruleTypes';
import { collectionApplies, nonEmptySpan, type Target, ttlParentPath, replaceValueFix } from './shared';

export const CODE = 'ttl-too-short';

function check(target: Target, context: RuleContext): Finding[] {
  const value = nodeAt(target.doc, [...ttlParentPath(target), 'ttlSecondsAfterFinished']);
  const ttl = scalarNumber(value);
  const span = nonEmptySpan(value);
  const window = context.settings.collectWindowSeconds;
  if (ttl === undefined || !span || ttl <= 0 || ttl >= window || !collectionApplies(target)) return [];
  return [{
    code: CODE,
    severity: 'warning',
    message: l10n.t('ttlSecondsAfterFinished: {0} is shorter than keruta\'s {1}-second collection window (keruta.collector.windowSeconds): Kubernetes may delete the Job and its Pods before keruta has collected /.keruta/doc. Raise it to at least {1}.', ttl, window),
    span,
    data: { ttl: window },
  }];
}

export const ttlTooShortRule: Rule = {
  code: CODE,
  description: '`ttlSecondsAfterFinished` shorter than the collection window (`keruta.collector.windowSeconds`) where keruta collects `/.keruta/doc`.',
  fix: 'Raise it to the collection window.',
  checkTask: (target, context) => check(target, context),
  checkJob: (target, context) => check(target, context),
  fixes: replaceValueFix('ttl', (ttl) => l10n.t('Set ttlSecondsAfterFinished: {0}', ttl)),
};
