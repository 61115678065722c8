/**
 * `job-onfailure-pod-failure-policy`: `restartPolicy: OnFailure` in a Job with a
 * `podFailurePolicy`, which only allows Never.
 */
import * as l10n from '@vscode/l10n';
import { isScalar } from 'yaml';
import { nodeAt, scalarText } from '../../core/yamlDocuments';
import type { Finding, QuickFix, Rule } from '../ruleTypes';
import { keySpanIn, nonEmptySpan, POD_SPEC_PATH, replaceScalar } from './shared';

export const CODE = 'job-onfailure-pod-failure-policy';

export const onFailurePodFailurePolicyRule: Rule = {
  code: CODE,
  description: '`restartPolicy: OnFailure` in a Job with a `podFailurePolicy`: the API server accepts only Never there.',
  fix: 'Set `restartPolicy: Never`.',
  checkJob(target, context): Finding[] {
    const { doc } = target;
    const jobSpec = nodeAt(doc, ['spec']);
    const policy = nodeAt(doc, ['podFailurePolicy'], jobSpec);
    if (policy === undefined || (isScalar(policy) && policy.value === null)) return [];
    const value = nodeAt(doc, [...POD_SPEC_PATH, 'restartPolicy']);
    const span = nonEmptySpan(value);
    if (scalarText(value) !== 'OnFailure' || !span) return [];
    const policyKey = keySpanIn(jobSpec, 'podFailurePolicy');
    return [{
      code: CODE,
      severity: 'error',
      message: l10n.t(
        'With spec.podFailurePolicy the Job must use restartPolicy Never: the API server answers "{0}". OnFailure would restart containers in place, so the failures the policy matches never reach it.',
        'spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified',
      ),
      span,
      ...(policyKey ? { related: [{ uri: context.uri, span: policyKey, message: l10n.t('podFailurePolicy is set here') }] } : {}),
    }];
  },
  fixes(finding, context): QuickFix[] {
    return [{ title: l10n.t('Set restartPolicy: Never'), edits: [replaceScalar(context.text, finding.span, 'Never')], preferred: true }];
  },
};
