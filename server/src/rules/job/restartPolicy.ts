/**
 * `job-restart-policy`: a Job's Pod template without `restartPolicy` (which then defaults to
 * Always) or with `Always`. The API server rejects both.
 */
import * as l10n from '@vscode/l10n';
import { type Document, isMap, isScalar } from 'yaml';
import type { Span } from '../../core/taskModel';
import { keySpanAt, nodeAt, pathFromPointer, type PathSegment, scalarText } from '../../core/yamlDocuments';
import type { Finding, QuickFix, Rule } from '../ruleTypes';
import { documentAt, keySpanIn, nonEmptySpan, POD_SPEC_PATH, pointerOf, replaceScalar, setKeyEdit } from './shared';

export const CODE = 'job-restart-policy';

/** What current API servers answer, and what older ones (which default the policy to Always first) answer. */
const API_ANSWER = 'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"';
const OLDER_API_ANSWER = 'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"';

/** Where a missing policy is reported: the empty `restartPolicy:` key, else the pod spec's key. */
function expectedSpan(doc: Document.Parsed, podPath: readonly PathSegment[]): Span | undefined {
  return keySpanIn(nodeAt(doc, podPath), 'restartPolicy') ?? keySpanAt(doc, podPath);
}

export const restartPolicyRule: Rule = {
  code: CODE,
  description: 'The Pod template has no `restartPolicy` (so it defaults to Always) or has Always: the API server rejects the Job.',
  fix: 'Set `restartPolicy: Never` (added as the first key of the Pod spec, or replacing the value).',
  checkJob(target): Finding[] {
    const { doc } = target;
    const podSpec = nodeAt(doc, POD_SPEC_PATH);
    if (!isMap(podSpec)) return [];
    const value = nodeAt(doc, ['restartPolicy'], podSpec);
    const text = scalarText(value);
    const data = { path: pointerOf(POD_SPEC_PATH) };
    if (value === undefined || (isScalar(value) && value.value === null)) {
      // Missing, or written without a value (`restartPolicy:`): the default Always applies.
      const span = expectedSpan(doc, POD_SPEC_PATH);
      if (!span) return [];
      return [{
        code: CODE,
        severity: 'error',
        message: l10n.t(
          'restartPolicy is not set, so the Pod template defaults it to Always, which Jobs reject: the API server answers "{0}" (older servers: "{1}"). Set restartPolicy: Never.',
          API_ANSWER,
          OLDER_API_ANSWER,
        ),
        span,
        data,
      }];
    }
    if (text !== 'Always') return [];
    const span = nonEmptySpan(value);
    if (!span) return [];
    return [{
      code: CODE,
      severity: 'error',
      message: l10n.t(
        'Jobs do not accept restartPolicy Always: the API server answers "{0}" (older servers: "{1}"). Use Never: each retry gets a new Pod and failed Pods are kept with their logs.',
        API_ANSWER,
        OLDER_API_ANSWER,
      ),
      span,
      data: { ...data, replace: true },
    }];
  },
  fixes(finding, context): QuickFix[] {
    const title = l10n.t('Set restartPolicy: Never');
    if (finding.data?.['replace'] === true) {
      return [{ title, edits: [replaceScalar(context.text, finding.span, 'Never')], preferred: true }];
    }
    const path = finding.data?.['path'];
    if (typeof path !== 'string') return [];
    const doc = documentAt(context.text, finding.span[0]);
    if (!doc) return [];
    const podPath = pathFromPointer(path);
    const expected = expectedSpan(doc, podPath);
    if (!expected || expected[0] !== finding.span[0] || expected[1] !== finding.span[1]) return [];
    const edit = setKeyEdit(context.text, doc, podPath, 'restartPolicy', 'Never', 'first');
    return edit ? [{ title, edits: [edit], preferred: true }] : [];
  },
};
