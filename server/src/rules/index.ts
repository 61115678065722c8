/** The rule registry: every rule, by code. Each group lists its own modules. */
import { JOB_RULES } from './jobRules';
import type { Rule } from './ruleTypes';
import { TASK_RULES } from './taskRules';

export const ALL_RULES: readonly Rule[] = [...TASK_RULES, ...JOB_RULES];

const BY_CODE = new Map(ALL_RULES.map((rule) => [rule.code, rule]));

export function ruleFor(code: string): Rule | undefined {
  return BY_CODE.get(code);
}
