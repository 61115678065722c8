import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEdits, check, fakeWorkspace, findingsOf, fixesFor, slice, URI } from './taskRuleHarness';

const CODE = 'task-duplicate-id';
const OTHER = 'file:///w/tasks/other.keruta.yaml';

describe('task-duplicate-id', () => {
  test('reports an id used by another task of the same file, on the id value, with the other as related', () => {
    const text = 'id: build\ntitle: A\n---\nid: build\ntitle: B\n';
    const findings = findingsOf(text, CODE);
    assert.equal(findings.length, 2);
    const [first, second] = findings;
    assert.equal(first!.severity, 'error');
    assert.equal(slice(text, first!.span), 'build');
    assert.deepEqual(first!.span, [4, 9]);
    assert.deepEqual(second!.span, [27, 32]);
    assert.match(first!.message, /`build`/);
    assert.deepEqual(first!.related?.map((r) => ({ uri: r.uri, span: r.span, text: r.text })), [{ uri: URI, span: [27, 32], text: undefined }]);
    assert.deepEqual(second!.related?.map((r) => r.span), [[4, 9]]);
  });

  test('reports an id used in another task file, with that file\'s location and text', () => {
    const other = '# other\nid: "build"\ntitle: Other\n';
    const text = 'id: build\ntitle: A\n';
    const [finding, ...rest] = findingsOf(text, CODE, { workspace: fakeWorkspace({ [OTHER]: other, [URI]: 'id: build\n' }) });
    assert.equal(rest.length, 0, 'the file itself (stale index text included) is not another file');
    assert.equal(slice(text, finding!.span), 'build');
    const related = finding!.related ?? [];
    assert.equal(related.length, 1);
    assert.equal(related[0]!.uri, OTHER);
    assert.equal(related[0]!.text, other);
    assert.equal(slice(other, related[0]!.span), '"build"');
    assert.match(related[0]!.message, /build/);
  });

  test('counts same-file and other-file duplicates together', () => {
    const text = 'id: x\ntitle: A\n---\nid: x\ntitle: B\n';
    const findings = findingsOf(text, CODE, { workspace: fakeWorkspace({ [OTHER]: 'id: x\ntitle: C\n' }) });
    assert.equal(findings.length, 2);
    assert.deepEqual(findings[0]!.related?.map((r) => r.uri), [URI, OTHER]);
    assert.match(findings[0]!.message, /^2 other tasks/);
  });

  test('offers a distinct free id per occurrence, keeping the quoting', () => {
    const text = 'id: "job"\ntitle: A\n---\nid: job\ntitle: B\n---\nid: job-2\ntitle: C\n';
    const findings = findingsOf(text, CODE, { workspace: fakeWorkspace({ [OTHER]: 'id: job-3\ntitle: D\n' }) });
    assert.equal(findings.length, 2);
    const first = fixesFor(findings[0]!, text);
    const second = fixesFor(findings[1]!, text);
    assert.equal(first.length, 1);
    assert.equal(applyEdits(text, first[0]!.edits), 'id: "job-4"\ntitle: A\n---\nid: job\ntitle: B\n---\nid: job-2\ntitle: C\n');
    const both = applyEdits(text, [...first[0]!.edits, ...second[0]!.edits]);
    assert.equal(both, 'id: "job-4"\ntitle: A\n---\nid: job-5\ntitle: B\n---\nid: job-2\ntitle: C\n');
    assert.deepEqual(findingsOf(both, CODE), [], 'both fixes together leave no duplicate');
  });

  test('a numeric id is renamed to text that stays text', () => {
    const text = 'id: 123\ntitle: A\n---\nid: "123"\ntitle: B\n';
    const [finding] = findingsOf(text, CODE);
    assert.equal(applyEdits(text, fixesFor(finding!, text)[0]!.edits), 'id: 123-2\ntitle: A\n---\nid: "123"\ntitle: B\n');
  });

  test('no rename for an id given by an alias, and none for a stale diagnostic', () => {
    const text = 'id: &name shared\ntitle: A\n---\nid: shared\ntitle: B\n';
    const findings = findingsOf(text, CODE);
    assert.equal(findings.length, 2);
    const aliased = 'x-anchor: &n shared\nid: *n\ntitle: A\n---\nid: shared\ntitle: B\n';
    const [viaAlias] = findingsOf(aliased, CODE);
    assert.equal(slice(aliased, viaAlias!.span), '*n');
    assert.deepEqual(fixesFor(viaAlias!, aliased), []);
    const [plain] = findingsOf('id: a\ntitle: A\n---\nid: a\ntitle: B\n', CODE);
    assert.deepEqual(fixesFor(plain!, 'id: b\ntitle: A\n---\nid: a\ntitle: B\n'), []);
  });

  test('unique and empty ids are not reported', () => {
    assert.deepEqual(findingsOf('id: a\ntitle: A\n---\nid: b\ntitle: B\n', CODE, { workspace: fakeWorkspace({ [OTHER]: 'id: c\ntitle: C\n' }) }), []);
    assert.deepEqual(findingsOf('id: ""\ntitle: A\n---\nid: ""\ntitle: B\n', CODE), []);
    assert.ok(check('id: ""\ntitle: A\n').some((f) => f.code === 'task-missing-id'));
  });
});
