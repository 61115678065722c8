/**
 * `task-invalid-priority`: reported by the task parser; this module adds the quick fix for a
 * number written as text (`"5"`): write it as the number.
 */
import * as l10n from '@vscode/l10n';
import type { QuickFix, Rule } from '../ruleTypes';
import { INT32_MAX, INT32_MIN } from './priorityRange';

export const CODE = 'task-invalid-priority';

const QUOTED_INTEGER = /^(["'])\s*([-+]?\d+)\s*\1$/;

export const invalidPriorityRule: Rule = {
  code: CODE,
  description: '`priority` is not a whole number; it is treated as 0.',
  fix: 'A quoted whole number (`"5"`) is written as the number (`5`).',
  fixes(finding, context): QuickFix[] {
    const match = QUOTED_INTEGER.exec(context.text.slice(finding.span[0], finding.span[1]));
    if (!match) return [];
    const number = Number(match[2]);
    if (!Number.isSafeInteger(number) || number < INT32_MIN || number > INT32_MAX) return [];
    return [{ title: l10n.t('Write the priority as the number {0}', number), edits: [{ span: finding.span, newText: String(number) }], preferred: true }];
  },
};
