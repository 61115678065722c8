/**
 * Codes the task parser reports itself (it owns them because it cannot build a task without
 * deciding them); listed here so that they are documented and can carry quick fixes elsewhere.
 */
import type { Rule } from './ruleTypes';

export const PARSER_RULES: readonly Rule[] = [
  { code: 'yaml-syntax', description: 'The file is not valid YAML (or a key is repeated); the task in that document is skipped.' },
  { code: 'task-not-a-mapping', description: 'A YAML document of a task file is not a mapping, so it holds no task.' },
  { code: 'task-invalid-type', description: 'A task field has the wrong type (e.g. a list where text is expected); its value is ignored.' },
];
