/** `task-description-over-budget`: the description does not fit KERUTA_TASK_DESCRIPTION's byte budget. */
import * as l10n from '@vscode/l10n';
import { utf8Length } from '../../core/truncate';
import type { Rule } from '../ruleTypes';

export const CODE = 'task-description-over-budget';

export const descriptionOverBudgetRule: Rule = {
  code: CODE,
  description: 'The description is larger (UTF-8 bytes) than `keruta.job.descriptionBudgetBytes`: KERUTA_TASK_DESCRIPTION gets it cut, the full text is in /.keruta/task/task.json.',
  checkTask(target, context) {
    const field = target.task.locations.fields.get('description');
    const budget = context.settings.descriptionBudgetBytes;
    if (!field) return [];
    const bytes = utf8Length(target.task.task.description);
    if (bytes <= budget) return [];
    return [{
      code: CODE,
      severity: 'information',
      message: l10n.t(
        'The description is {0} bytes, over the {1}-byte budget (keruta.job.descriptionBudgetBytes): KERUTA_TASK_DESCRIPTION gets it cut on a character boundary, ending with a "truncated by keruta" marker. The full text is in /.keruta/task/task.json in the Pod.',
        bytes,
        budget,
      ),
      span: field.keySpan,
      data: { bytes, budget },
    }];
  },
};
