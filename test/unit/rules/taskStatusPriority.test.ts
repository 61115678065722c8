import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { closestStatus } from '../../../server/src/rules/task/invalidStatus';
import { findingsOf, fixedText, fixesFor, slice } from './taskRuleHarness';

describe('task-invalid-status quick fix', () => {
  test('replaces the value with the status it most likely means', () => {
    const text = 'id: a\ntitle: A\nstatus: DONE  # finished\n';
    const [finding] = findingsOf(text, 'task-invalid-status');
    assert.equal(slice(text, finding!.span), 'DONE');
    assert.equal(fixedText(text, 'task-invalid-status'), 'id: a\ntitle: A\nstatus: COMPLETED  # finished\n');
    assert.equal(fixedText('id: a\ntitle: A\nstatus: "running"\n', 'task-invalid-status'), 'id: a\ntitle: A\nstatus: "IN_PROGRESS"\n');
    assert.equal(fixedText('id: a\ntitle: A\nstatus: in progress\n', 'task-invalid-status'), 'id: a\ntitle: A\nstatus: IN_PROGRESS\n');
  });

  test('closest statuses', () => {
    const cases: [string, string | undefined][] = [
      ['DONE', 'COMPLETED'], ['complete', 'COMPLETED'], ['RUNNING', 'IN_PROGRESS'], ['pending', 'PENDING'], ['Canceled', 'CANCELLED'],
      ['FAILD', 'FAILED'], ['waiting-for-input', 'WAITING_FOR_INPUT'], ['blocked', 'WAITING_FOR_INPUT'], ['COMPLETD', 'COMPLETED'], ['banana', undefined],
    ];
    for (const [value, expected] of cases) assert.equal(closestStatus(value), expected, value);
  });

  test('nothing close: PENDING, not preferred', () => {
    const text = 'id: a\ntitle: A\nstatus: banana\n';
    const [fix, ...rest] = fixesFor(findingsOf(text, 'task-invalid-status')[0]!, text);
    assert.equal(rest.length, 0);
    assert.notEqual(fix!.preferred, true);
    assert.equal(fix!.edits[0]!.newText, 'PENDING');
  });
});

describe('task-invalid-priority quick fix', () => {
  test('a quoted whole number becomes the number', () => {
    const text = 'id: a\ntitle: A\npriority: "5"   # high\n';
    const [finding] = findingsOf(text, 'task-invalid-priority');
    assert.equal(slice(text, finding!.span), '"5"');
    assert.equal(fixedText(text, 'task-invalid-priority'), 'id: a\ntitle: A\npriority: 5   # high\n');
    assert.equal(fixedText("id: a\ntitle: A\npriority: ' -07 '\n", 'task-invalid-priority'), 'id: a\ntitle: A\npriority: -7\n');
  });

  test('no fix for words, fractions or numbers outside 32 bits', () => {
    for (const value of ['high', '"2.5"', '"99999999999"', '2.5']) {
      const text = `id: a\ntitle: A\npriority: ${value}\n`;
      const [finding] = findingsOf(text, 'task-invalid-priority');
      assert.ok(finding, value);
      assert.deepEqual(fixesFor(finding, text), [], value);
    }
  });
});

describe('task-priority-range', () => {
  test('a whole number outside 32 bits: warning on the value', () => {
    const text = 'id: a\ntitle: A\npriority: 3000000000\n';
    const [finding, ...rest] = findingsOf(text, 'task-priority-range');
    assert.equal(rest.length, 0);
    assert.equal(finding!.severity, 'warning');
    assert.equal(slice(text, finding!.span), '3000000000');
    assert.match(finding!.message, /3000000000 is outside the 32-bit integer range/);
    assert.deepEqual(findingsOf('id: a\ntitle: A\npriority: -2147483649\n', 'task-priority-range').length, 1);
  });

  test('the int32 bounds and invalid priorities are not reported here', () => {
    for (const value of ['2147483647', '-2147483648', '0', 'high', '"5"']) {
      assert.deepEqual(findingsOf(`id: a\ntitle: A\npriority: ${value}\n`, 'task-priority-range'), [], value);
    }
  });
});
