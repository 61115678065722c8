/** Rules for task files only (task structure, ids, keys, timestamps, description). */
import type { Rule } from './ruleTypes';

export const TASK_RULES: readonly Rule[] = [];
