/** The rule registry: every rule, by code. Each group lists its own modules. */
import { JOB_RULES } from './jobRules';
import { PARSER_RULES } from './parserRules';
import type { Rule } from './ruleTypes';
import { TASK_RULES } from './taskRules';

export const ALL_RULES: readonly Rule[] = mergeByCode([...PARSER_RULES, ...TASK_RULES, ...JOB_RULES]);

/**
 * One rule per code: a code the parser reports may get its fixes from a task rule module; the
 * later definition's fields win, the earlier ones fill in.
 */
function mergeByCode(rules: readonly Rule[]): Rule[] {
  const merged = new Map<string, Rule>();
  for (const rule of rules) merged.set(rule.code, { ...merged.get(rule.code), ...rule });
  return [...merged.values()];
}

const BY_CODE = new Map(ALL_RULES.map((rule) => [rule.code, rule]));

export function ruleFor(code: string): Rule | undefined {
  return BY_CODE.get(code);
}
