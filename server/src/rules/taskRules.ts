/** Rules for task files only (task structure, ids, keys, timestamps, description). */
import type { Rule } from './ruleTypes';
import { descriptionOverBudgetRule } from './task/descriptionOverBudget';
import { duplicateIdRule } from './task/duplicateId';
import { invalidPriorityRule } from './task/invalidPriority';
import { invalidStatusRule } from './task/invalidStatus';
import { invalidTimestampRule } from './task/invalidTimestamp';
import { missingIdRule } from './task/missingId';
import { missingTitleRule } from './task/missingTitle';
import { priorityRangeRule } from './task/priorityRange';
import { unknownKeyRule } from './task/unknownKey';

export const TASK_RULES: readonly Rule[] = [
  duplicateIdRule,
  unknownKeyRule,
  missingIdRule,
  missingTitleRule,
  invalidTimestampRule,
  descriptionOverBudgetRule,
  invalidStatusRule,
  invalidPriorityRule,
  priorityRangeRule,
];
