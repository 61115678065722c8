/** `task-priority-range`: a whole-number `priority` outside the 32-bit range. */
import * as l10n from '@vscode/l10n';
import type { Rule } from '../ruleTypes';

export const CODE = 'task-priority-range';

export const INT32_MIN = -2_147_483_648;
export const INT32_MAX = 2_147_483_647;

export const priorityRangeRule: Rule = {
  code: CODE,
  description: '`priority` is a whole number outside the 32-bit range (-2147483648 to 2147483647).',
  checkTask(target) {
    const field = target.task.locations.fields.get('priority');
    const priority = target.task.task.priority;
    // An invalid priority is the parser's (task-invalid-priority) and leaves the default 0.
    if (!field || (priority >= INT32_MIN && priority <= INT32_MAX)) return [];
    return [{
      code: CODE,
      severity: 'warning',
      message: l10n.t('`priority` {0} is outside the 32-bit integer range (-2147483648 to 2147483647). KERUTA_TASK_PRIORITY gets it as written, but programs that read it as a 32-bit integer fail or wrap around. Use a number in that range.', String(priority)),
      span: field.valueSpan,
    }];
  },
};
