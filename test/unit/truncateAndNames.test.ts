import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isDns1123Label, isValidLabelValue, jobGenerateName, taskIdLabelValue } from '../../server/src/core/names';
import { TRUNCATION_MARKER, truncateUtf8, utf8Length } from '../../server/src/core/truncate';

describe('truncateUtf8', () => {
  test('leaves text within the budget alone', () => {
    assert.deepEqual(truncateUtf8('abc', 3), { text: 'abc', truncated: false });
  });

  test('never splits a multi-byte character or a surrogate pair', () => {
    const marker = '…';
    // 'é' is 2 bytes, '🙂' is 4 bytes (2 UTF-16 units), '…' is 3 bytes.
    assert.equal(truncateUtf8('ééé', 5, marker).text, 'é…');
    assert.equal(truncateUtf8('🙂🙂', 7, marker).text, '🙂…');
    assert.equal(truncateUtf8('🙂🙂', 6, marker).text, '…');
  });

  test('for any text and budget: fits, is valid UTF-8, and is a prefix plus the marker', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.integer({ min: 0, max: 600 }), (text, budget) => {
        const { text: out, truncated } = truncateUtf8(text, budget);
        assert.ok(utf8Length(out) <= Math.max(budget, 0));
        assert.equal(Buffer.from(out, 'utf8').toString('utf8'), out);
        if (!truncated) assert.equal(out, text);
        else if (out.endsWith(TRUNCATION_MARKER)) assert.ok(text.startsWith(out.slice(0, out.length - TRUNCATION_MARKER.length)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('names', () => {
  test('generateName for any id is a DNS-1123 prefix with room for five characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (id) => {
        const prefix = jobGenerateName(id);
        assert.ok(prefix.startsWith('keruta-') && prefix.endsWith('-'));
        assert.ok(isDns1123Label(`${prefix}x9z0q`), prefix);
      }),
      { numRuns: 500 },
    );
  });

  test('label values are valid for any id, and readable ids are kept', () => {
    assert.equal(taskIdLabelValue('nightly-report'), 'nightly-report');
    assert.equal(taskIdLabelValue('123'), '123');
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (id) => {
        assert.ok(isValidLabelValue(taskIdLabelValue(id)), taskIdLabelValue(id));
      }),
      { numRuns: 500 },
    );
  });

  test('different ids that slug the same still get different names and labels', () => {
    assert.notEqual(jobGenerateName('a b'), jobGenerateName('a-b'));
    assert.notEqual(taskIdLabelValue('a b'), taskIdLabelValue('a/b'));
  });
});
