/**
 * `task-invalid-status`: reported by the task parser; this module adds the quick fix: the valid
 * status the value most likely means.
 */
import * as l10n from '@vscode/l10n';
import { TASK_STATUSES, type TaskStatus } from '../../core/taskModel';
import type { QuickFix, Rule } from '../ruleTypes';
import { closestMatch, scalarSourceValue } from './shared';

export const CODE = 'task-invalid-status';

/** Other words for the statuses (after upper-casing and folding spaces and dashes to `_`). */
const SYNONYMS: Readonly<Record<string, TaskStatus>> = {
  DONE: 'COMPLETED', COMPLETE: 'COMPLETED', SUCCEEDED: 'COMPLETED', SUCCESS: 'COMPLETED', SUCCESSFUL: 'COMPLETED', FINISHED: 'COMPLETED', OK: 'COMPLETED',
  RUNNING: 'IN_PROGRESS', STARTED: 'IN_PROGRESS', ACTIVE: 'IN_PROGRESS', INPROGRESS: 'IN_PROGRESS', DOING: 'IN_PROGRESS', WIP: 'IN_PROGRESS',
  TODO: 'PENDING', NEW: 'PENDING', OPEN: 'PENDING', QUEUED: 'PENDING', WAITING_TO_RUN: 'PENDING', SCHEDULED: 'PENDING',
  FAIL: 'FAILED', FAILURE: 'FAILED', ERROR: 'FAILED', ERRORED: 'FAILED',
  CANCELED: 'CANCELLED', CANCEL: 'CANCELLED', ABORTED: 'CANCELLED', STOPPED: 'CANCELLED',
  WAITING: 'WAITING_FOR_INPUT', BLOCKED: 'WAITING_FOR_INPUT', ON_HOLD: 'WAITING_FOR_INPUT', NEEDS_INPUT: 'WAITING_FOR_INPUT', INPUT_REQUIRED: 'WAITING_FOR_INPUT',
};

/** The status `value` most likely means, if any. */
export function closestStatus(value: string): TaskStatus | undefined {
  const normalized = value.trim().toUpperCase().replace(/[\s-]+/g, '_');
  if ((TASK_STATUSES as readonly string[]).includes(normalized)) return normalized as TaskStatus;
  const synonym = SYNONYMS[normalized] ?? SYNONYMS[normalized.replace(/_/g, '')];
  if (synonym) return synonym;
  return closestMatch(normalized, TASK_STATUSES) as TaskStatus | undefined;
}

export const invalidStatusRule: Rule = {
  code: CODE,
  description: '`status` is not one of PENDING, IN_PROGRESS, COMPLETED, FAILED, CANCELLED, WAITING_FOR_INPUT; it is treated as PENDING.',
  fix: 'Replace it with the status it most likely means (`DONE` → `COMPLETED`, `running` → `IN_PROGRESS`), else with PENDING.',
  fixes(finding, context): QuickFix[] {
    const original = context.text.slice(finding.span[0], finding.span[1]);
    const value = scalarSourceValue(original);
    if (value === undefined) return [];
    const status = closestStatus(value);
    if (status !== undefined) {
      const quote = original.startsWith('"') || original.startsWith("'") ? original[0]! : '';
      return [{ title: l10n.t('Change `status` to {0}', status), edits: [{ span: finding.span, newText: `${quote}${status}${quote}` }], preferred: true }];
    }
    return [{ title: l10n.t('Change `status` to PENDING (what it is treated as now)'), edits: [{ span: finding.span, newText: 'PENDING' }] }];
  },
};
