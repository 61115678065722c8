import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findingsOf, fixesFor, slice } from './taskRuleHarness';

const CODE = 'task-description-over-budget';

describe('task-description-over-budget', () => {
  test('information on the description key when its UTF-8 size is over the budget', () => {
    const text = 'id: a\ntitle: A\ndescription: |\n  日本語のテキスト\n';
    // 8 characters × 3 bytes + newline = 25 bytes.
    const [finding, ...rest] = findingsOf(text, CODE, { settings: { descriptionBudgetBytes: 24 } });
    assert.equal(rest.length, 0);
    assert.equal(finding!.severity, 'information');
    assert.equal(slice(text, finding!.span), 'description');
    assert.match(finding!.message, /25 bytes, over the 24-byte budget/);
    assert.match(finding!.message, /KERUTA_TASK_DESCRIPTION.*character boundary/);
    assert.match(finding!.message, /\/\.keruta\/task\/task\.json/);
    assert.deepEqual(fixesFor(finding!, text), []);
  });

  test('at the budget exactly, or without a description, nothing', () => {
    assert.deepEqual(findingsOf('id: a\ntitle: A\ndescription: |\n  日本語のテキスト\n', CODE, { settings: { descriptionBudgetBytes: 25 } }), []);
    assert.deepEqual(findingsOf('id: a\ntitle: A\n', CODE, { settings: { descriptionBudgetBytes: 1 } }), []);
    assert.deepEqual(findingsOf(`id: a\ntitle: A\ndescription: ${'x'.repeat(16384)}\n`, CODE), [], 'default budget is 16 KiB');
    assert.equal(findingsOf(`id: a\ntitle: A\ndescription: ${'x'.repeat(16385)}\n`, CODE).length, 1);
  });
});
