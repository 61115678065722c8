/**
 * `ttl-missing`: nothing sets `ttlSecondsAfterFinished`, so the finished Job and its Pods are
 * never deleted. Information for tasks (only when the `keruta.job.ttlSecondsAfterFinished`
 * setting is null too) and plain Jobs; a warning for keruta Jobs.
 */
import * as l10n from '@vscode/l10n';
import { isMap, isScalar } from 'yaml';
import { keySpanAt, nodeAt, pairOf, spanOf } from '../../core/yamlDocuments';
import type { Finding, QuickFix, Rule, RuleContext } from '../ruleTypes';
import { firstKeySpan, pointerOf, proposedTtl, type Target, ttlEdit, ttlParentPath } from './shared';

export const CODE = 'ttl-missing';

function check(target: Target, context: RuleContext): Finding[] {
  const parentPath = ttlParentPath(target);
  const parent = nodeAt(target.doc, parentPath);
  const pair = pairOf(parent, 'ttlSecondsAfterFinished');
  const data = { path: pointerOf(parentPath), ttl: proposedTtl(context.settings.collectWindowSeconds) };
  if (target.kind === 'task') {
    if (pair || context.settings.defaultTtlSeconds !== null) return [];
    const span = keySpanAt(target.doc, ['job']) ?? keySpanAt(target.doc, ['id']) ?? firstKeySpan(target.doc.contents);
    if (!span) return [];
    return [{
      code: CODE,
      severity: 'information',
      message: l10n.t('Neither this task nor the keruta.job.ttlSecondsAfterFinished setting sets ttlSecondsAfterFinished: the Job and its Pods are never deleted after the run and pile up in the namespace. Set job.ttlSecondsAfterFinished (e.g. {0}).', data.ttl),
      span,
      data,
    }];
  }
  if (!isMap(parent)) return [];
  if (pair && !(isScalar(pair.value) && pair.value.value === null)) return [];
  const span = spanOf(pair?.key) ?? keySpanAt(target.doc, parentPath);
  if (!span) return [];
  return [{
    code: CODE,
    severity: target.keruta ? 'warning' : 'information',
    message: l10n.t('spec.ttlSecondsAfterFinished is not set: Kubernetes never deletes the Job and its Pods after they finish, so they pile up in the namespace until someone deletes them. Set it (e.g. {0}) to have them cleaned up.', data.ttl),
    span,
    data,
  }];
}

export const ttlMissingRule: Rule = {
  code: CODE,
  description: 'No `ttlSecondsAfterFinished` (in the task, the setting, or the Job): the finished Job and its Pods are never deleted.',
  fix: 'Add `ttlSecondsAfterFinished: 3600` (under `spec` in a Job, under `job` in a task).',
  checkTask: (target, context) => check(target, context),
  checkJob: (target, context) => check(target, context),
  fixes(finding, context): QuickFix[] {
    const { path, ttl } = finding.data ?? {};
    if (typeof path !== 'string' || typeof ttl !== 'number') return [];
    const edit = ttlEdit(context.text, finding.span[0], path, ttl);
    return edit ? [{ title: l10n.t('Add ttlSecondsAfterFinished: {0}', ttl), edits: [edit], preferred: true }] : [];
  },
};
