import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ruleFor } from '../../../server/src/rules';
import { TASK_RULES } from '../../../server/src/rules/taskRules';

/** Codes the task parser reports; the task rules only add fixes for them. */
const PARSER_CODES = ['task-missing-id', 'task-missing-title', 'task-invalid-status', 'task-invalid-priority'];

describe('task rule registry', () => {
  test('one rule per code, each with a one-line description (and fix), registered in the registry', () => {
    const codes = TASK_RULES.map((rule) => rule.code);
    assert.equal(new Set(codes).size, codes.length, 'codes are unique');
    for (const rule of TASK_RULES) {
      assert.match(rule.code, /^task-[a-z0-9-]+$/);
      assert.match(rule.description, /^[^\n]+$/, rule.code);
      if (rule.fix !== undefined) {
        assert.match(rule.fix, /^[^\n]+$/, rule.code);
        assert.ok(rule.fixes, `${rule.code} documents a fix it does not offer`);
      }
      assert.equal(ruleFor(rule.code)?.fixes, rule.fixes, `${rule.code} resolves to this module's fixes`);
    }
  });

  test('codes the parser reports get fixes only, never a second report', () => {
    for (const code of PARSER_CODES) {
      const rule = TASK_RULES.find((r) => r.code === code);
      assert.ok(rule?.fixes, code);
      assert.equal(rule.checkTask, undefined, code);
      assert.equal(rule.checkJob, undefined, code);
    }
  });
});
