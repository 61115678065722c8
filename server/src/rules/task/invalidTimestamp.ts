/** `task-invalid-timestamp`: `createdAt` / `updatedAt` that are not ISO 8601. */
import * as l10n from '@vscode/l10n';
import { isIso8601, KERUTA_ENV_MAPPING } from '../../core/envMapping';
import { pairOf, resolveNode, scalarText } from '../../core/yamlDocuments';
import type { Finding, QuickFix, Rule } from '../ruleTypes';
import { isReplaceableScalar } from './shared';

export const CODE = 'task-invalid-timestamp';

const FIELDS = ['createdAt', 'updatedAt'] as const;

export const invalidTimestampRule: Rule = {
  code: CODE,
  description: '`createdAt` or `updatedAt` is not an ISO 8601 date or date-time; the Pod gets the text unchanged.',
  fix: 'Set the field to the current time, quoted ISO 8601 UTC.',
  checkTask(target, context) {
    const { task, doc } = target;
    const root = resolveNode(doc, doc.contents);
    const findings: Finding[] = [];
    for (const field of FIELDS) {
      const located = task.locations.fields.get(field);
      const node = pairOf(root, field)?.value;
      const value = scalarText(resolveNode(doc, node));
      // Absent, null or not a scalar (the parser reports wrong types): nothing to check here.
      if (!located || value === undefined || isIso8601(value.trim())) continue;
      const envName = KERUTA_ENV_MAPPING.find((entry) => entry.field === field)?.name ?? field;
      findings.push({
        code: CODE,
        severity: 'warning',
        message: l10n.t('`{0}` is not an ISO 8601 date or date-time (like 2026-11-01T09:00:00Z), so {1} gets this text unchanged. Write it as ISO 8601.', field, envName),
        span: located.valueSpan,
        data: { field, fixable: isReplaceableScalar(node, context.text) },
      });
    }
    return findings;
  },
  fixes(finding, context): QuickFix[] {
    const field = finding.data?.['field'];
    if (typeof field !== 'string' || !(FIELDS as readonly string[]).includes(field) || finding.data?.['fixable'] !== true) return [];
    return [{
      title: l10n.t('Set `{0}` to the current time ({1})', field, context.now),
      edits: [{ span: finding.span, newText: JSON.stringify(context.now) }],
      preferred: true,
    }];
  },
};
