import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findingsOf, fixedText, fixesFor, NOW, slice } from './taskRuleHarness';

const CODE = 'task-invalid-timestamp';

describe('task-invalid-timestamp', () => {
  test('warns on a non-ISO createdAt, on the value, and names the variable', () => {
    const text = 'id: a\ntitle: A\ncreatedAt: 11/01/2026 09:00   # US style\nupdatedAt: "2026-11-01T09:00:00Z"\n';
    const [finding, ...rest] = findingsOf(text, CODE);
    assert.equal(rest.length, 0);
    assert.equal(finding!.severity, 'warning');
    assert.equal(slice(text, finding!.span), '11/01/2026 09:00');
    assert.match(finding!.message, /`createdAt` is not an ISO 8601.*KERUTA_TASK_CREATED_AT/);
    assert.equal(fixedText(text, CODE), `id: a\ntitle: A\ncreatedAt: "${NOW}"   # US style\nupdatedAt: "2026-11-01T09:00:00Z"\n`);
  });

  test('updatedAt too; numbers (epoch seconds) are not ISO 8601', () => {
    const text = 'id: a\ntitle: A\nupdatedAt: 1730000000\n';
    const [finding] = findingsOf(text, CODE);
    assert.equal(slice(text, finding!.span), '1730000000');
    assert.match(finding!.message, /KERUTA_TASK_UPDATED_AT/);
    assert.equal(fixedText(text, CODE), `id: a\ntitle: A\nupdatedAt: "${NOW}"\n`);
  });

  test('ISO dates, date-times with offsets, unquoted ones and space-separated ones pass', () => {
    for (const value of ['2026-11-01', '"2026-11-01T09:00:00Z"', '2026-11-01T09:00:00+09:00', "'2026-11-01 09:00:00'", '2026-11-01T09:00:00.123Z']) {
      assert.deepEqual(findingsOf(`id: a\ntitle: A\ncreatedAt: ${value}\n`, CODE), [], value);
    }
  });

  test('absent, null and non-scalar values are left to the parser', () => {
    assert.deepEqual(findingsOf('id: a\ntitle: A\ncreatedAt:\n', CODE), []);
    assert.deepEqual(findingsOf('id: a\ntitle: A\ncreatedAt: [1]\n', CODE), []);
  });

  test('a block scalar is reported but not rewritten', () => {
    const text = 'id: a\ntitle: A\ncreatedAt: |\n  yesterday\n';
    const [finding] = findingsOf(text, CODE);
    assert.ok(finding);
    assert.deepEqual(fixesFor(finding, text), []);
  });
});
