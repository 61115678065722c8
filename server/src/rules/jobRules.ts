/** Rules for Jobs: Job YAML documents and the `job` section of task files. */
import type { Rule } from './ruleTypes';

export const JOB_RULES: readonly Rule[] = [];
