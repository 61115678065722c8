/**
 * Write-back of status, updatedAt and documents into task files: golden before/after texts for
 * each layout, and a property over generated task files (comments, quoting, key orders, flow and
 * block mappings, CRLF) that only the updated fields change and every other line stays as it was.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { applyEdits, type TaskTextEdit, type TaskUpdate, type TaskUpdateField, taskUpdateEdits } from '../../server/src/core/taskEdits';
import { TASK_STATUSES, type Task } from '../../server/src/core/taskModel';
import { parseTaskFile } from '../../server/src/core/taskParser';
import { parseTasks } from '../../server/src/core/yamlText';

const NOW = '2026-12-01T10:00:00.000Z';

/** The edits for `update`, applied. */
function write(before: string, id: string, update: TaskUpdate): { after: string; result: ReturnType<typeof taskUpdateEdits> } {
  const result = taskUpdateEdits(before, id, update);
  return { after: applyEdits(before, result.edits), result };
}

function expectedTask(task: Task, update: TaskUpdate, skipped: readonly TaskUpdateField[]): Task {
  const written = (field: TaskUpdateField): boolean => update[field] !== undefined && !skipped.includes(field);
  return {
    ...task,
    status: written('status') ? update.status! : task.status,
    updatedAt: written('updatedAt') ? update.updatedAt : task.updatedAt,
    documents: written('documents') ? [...update.documents!] : task.documents,
  };
}

/**
 * Re-parses both texts: the first task with `id` has the new values, every other field of it and
 * every other task is as before, and the parser reports the same problems.
 */
function assertOnlyUpdated(before: string, after: string, id: string, update: TaskUpdate, skipped: readonly TaskUpdateField[] = []): void {
  const old = parseTaskFile(before);
  const now = parseTaskFile(after);
  assert.equal(now.tasks.length, old.tasks.length, 'number of tasks');
  const target = old.tasks.findIndex((task) => task.task.id === id);
  // Problems of the written fields (`documents:` without a value) go; every other one stays.
  const written = (['status', 'updatedAt', 'documents'] as const).filter((field) => update[field] !== undefined && !skipped.includes(field));
  const writtenSpans = written.flatMap((field) => {
    const located = old.tasks[target]?.locations.fields.get(field);
    return located ? [[located.keySpan[0], Math.max(located.keySpan[1], located.valueSpan[1])] as const] : [];
  });
  const kept = old.problems.filter((problem) => !writtenSpans.some(([start, end]) => problem.span[0] >= start && problem.span[1] <= end));
  assert.deepEqual(now.problems.map((problem) => problem.code), kept.map((problem) => problem.code), 'parser problems');
  old.tasks.forEach((oldTask, index) => {
    const newTask = now.tasks[index]!;
    assert.equal(newTask.documentIndex, oldTask.documentIndex);
    const updated = index === target;
    assert.deepEqual(newTask.task, updated ? expectedTask(oldTask.task, update, skipped) : oldTask.task, `task ${oldTask.task.id}`);
    // Unknown keys too: every key that was not written keeps its value.
    const writtenKeys = new Set<string>(updated ? (['status', 'updatedAt', 'documents'] as const).filter((field) => update[field] !== undefined && !skipped.includes(field)) : []);
    const plain = (fields: ReadonlyMap<string, { value: unknown }>): [string, unknown][] => [...fields].filter(([key]) => !writtenKeys.has(key)).map(([key, located]) => [key, located.value]);
    assert.deepEqual(plain(newTask.locations.fields), plain(oldTask.locations.fields), `other fields of ${oldTask.task.id}`);
  });
}

/** Edits are sorted and apart: none starts where another ends (editors may refuse such pairs). */
function assertSeparate(edits: readonly TaskTextEdit[]): void {
  for (let i = 1; i < edits.length; i++) assert.ok(edits[i - 1]!.span[1] < edits[i]!.span[0], `edits touch or overlap: ${JSON.stringify(edits)}`);
}

function assertLineBreaks(before: string, after: string): void {
  if (before.includes('\r\n')) assert.doesNotMatch(after, /[^\r]\n|^\n/, 'a bare LF in a CRLF file');
  else assert.doesNotMatch(after, /\r/, 'a CR in an LF file');
}

/** Golden check: the exact text, the re-parse, the line breaks and what `problem` says. */
function golden(before: string, id: string, update: TaskUpdate, expected: string, options: { skipped?: TaskUpdateField[]; problem?: RegExp } = {}): void {
  const { after, result } = write(before, id, update);
  assert.equal(after, expected);
  assertSeparate(result.edits);
  assert.equal(result.found, true);
  assert.deepEqual(result.skipped ?? [], options.skipped ?? []);
  if (options.problem) assert.match(result.problem ?? '', options.problem);
  else assert.equal(result.problem, undefined);
  assertOnlyUpdated(before, after, id, update, options.skipped);
  assertLineBreaks(before, after);
  // Writing the same values again changes nothing.
  assert.equal(write(after, id, update).after, after, 'not idempotent');
}

const crlf = (text: string): string => text.replace(/\n/g, '\r\n');

describe('taskUpdateEdits: golden texts', () => {
  test('comments everywhere: values replaced in place, quoting kept, the missing list added after updatedAt', () => {
    const before = [
      '# Nightly report — keep this header',
      'id: "123"   # unique',
      '',
      'title: Report # short',
      '# the status, written by keruta',
      'status: PENDING    # do not edit by hand',
      'createdAt: "2026-11-01T09:00:00Z"',
      "updatedAt: '2026-11-01T09:00:00Z' # ISO 8601",
      '',
      '# how it runs',
      'job:',
      '  image: busybox:1.36.1 # pinned',
      '  # trailing job comment',
      '# end of file',
      '',
    ].join('\n');
    const after = [
      '# Nightly report — keep this header',
      'id: "123"   # unique',
      '',
      'title: Report # short',
      '# the status, written by keruta',
      'status: IN_PROGRESS    # do not edit by hand',
      'createdAt: "2026-11-01T09:00:00Z"',
      `updatedAt: '${NOW}' # ISO 8601`,
      'documents:',
      '  - .keruta/artifacts/123/run-1/README.md',
      '',
      '# how it runs',
      'job:',
      '  image: busybox:1.36.1 # pinned',
      '  # trailing job comment',
      '# end of file',
      '',
    ].join('\n');
    golden(before, '123', { status: 'IN_PROGRESS', updatedAt: NOW, documents: ['.keruta/artifacts/123/run-1/README.md'] }, after);
  });

  test('each quoting style is kept; a plain timestamp becomes double-quoted', () => {
    golden('id: a\ntitle: t\nstatus: "PENDING"\nupdatedAt: 2026-11-01T09:00:00Z\n', 'a', { status: 'FAILED', updatedAt: NOW },
      `id: a\ntitle: t\nstatus: "FAILED"\nupdatedAt: "${NOW}"\n`);
    golden("id: a\ntitle: t\nstatus: 'PENDING'\nupdatedAt: \"2026-11-01T09:00:00Z\"\n", 'a', { status: 'CANCELLED', updatedAt: NOW },
      `id: a\ntitle: t\nstatus: 'CANCELLED'\nupdatedAt: "${NOW}"\n`);
    golden('id: a\ntitle: t\nstatus: PENDING\n', 'a', { status: 'WAITING_FOR_INPUT' }, 'id: a\ntitle: t\nstatus: WAITING_FOR_INPUT\n');
  });

  test('missing keys go after status with the mapping’s indentation; timestamps inserted double-quoted', () => {
    golden('---\n  id: a   # indented document\n  status: PENDING # s\n  title: t\n', 'a', { status: 'IN_PROGRESS', updatedAt: NOW, documents: ['out/a.md'] },
      `---\n  id: a   # indented document\n  status: IN_PROGRESS # s\n  updatedAt: "${NOW}"\n  documents:\n    - out/a.md\n  title: t\n`);
  });

  test('without status, missing keys go after the last key, past the comments that belong to its value', () => {
    golden('id: a\ntitle: t\njob:\n  image: x\n  # about job\n\n# about the file\n', 'a', { status: 'COMPLETED', updatedAt: NOW },
      `id: a\ntitle: t\njob:\n  image: x\n  # about job\nstatus: COMPLETED\nupdatedAt: "${NOW}"\n\n# about the file\n`);
    // No final line break: none is added at the end.
    golden('id: a\ntitle: t', 'a', { status: 'FAILED' }, 'id: a\ntitle: t\nstatus: FAILED');
  });

  test('a byte order mark and `? key` forms do not shift the indentation', () => {
    golden('\uFEFFid: a\n', 'a', { documents: ['x'], updatedAt: NOW }, `\uFEFFid: a\nupdatedAt: "${NOW}"\ndocuments:\n  - x\n`);
    golden('? status\n: PENDING\nid: a\n', 'a', { status: 'FAILED', updatedAt: NOW }, `? status\n: FAILED\nupdatedAt: "${NOW}"\nid: a\n`);
  });

  test('a multi-line or block scalar value becomes one line', () => {
    golden('id: a\nstatus: |\n  PENDING\nz: 1\n', 'a', { status: 'FAILED' }, 'id: a\nstatus: FAILED\nz: 1\n');
    golden('id: a\nstatus: "PEND\n  ING"   # c\nz: 1\n', 'a', { status: 'FAILED' }, 'id: a\nstatus: "FAILED"   # c\nz: 1\n');
  });

  test('never after a block scalar that keeps its trailing blank lines', () => {
    golden('id: a\ntitle: t\ndescription: |+\n  keep\n\n', 'a', { status: 'FAILED' }, 'id: a\ntitle: t\nstatus: FAILED\ndescription: |+\n  keep\n\n');
    // Only such keys: the new key goes first.
    golden('id: |+\n  a\n\n', 'a\n\n', { status: 'FAILED', updatedAt: NOW }, `status: FAILED\nupdatedAt: "${NOW}"\nid: |+\n  a\n\n`);
    golden('  id: |+\n    a\n\n', 'a\n\n', { documents: ['x'] }, '  documents:\n    - x\n  id: |+\n    a\n\n');
  });

  test('a clipped block scalar as the last value: the new key follows its last line', () => {
    golden('id: a\ntitle: t\ndescription: |\n  line 1\n  line 2\n\n# end\n', 'a', { status: 'FAILED' },
      'id: a\ntitle: t\ndescription: |\n  line 1\n  line 2\nstatus: FAILED\n\n# end\n');
  });

  test('empty values are filled, comments after them kept', () => {
    golden('id: a\ntitle: t\nstatus:   # set by keruta\nupdatedAt:\ndocuments: # collected\njob: {}\n', 'a', { status: 'IN_PROGRESS', updatedAt: NOW, documents: ['a.md', 'b.md'] },
      `id: a\ntitle: t\nstatus: IN_PROGRESS   # set by keruta\nupdatedAt: "${NOW}"\ndocuments: # collected\n  - a.md\n  - b.md\njob: {}\n`);
    golden('id: a\ntitle: t\nstatus: ~\n', 'a', { status: 'FAILED' }, 'id: a\ntitle: t\nstatus: FAILED\n');
  });

  test('the n-th task of a multi-document file; the others stay byte-for-byte', () => {
    const one = '# first\nid: one\ntitle: One\nstatus: PENDING\n';
    const two = '--- # second\nid: two\ntitle: Two\nstatus: PENDING\nupdatedAt: "2026-11-01T09:00:00Z"\n';
    const three = '---\nid: three\ntitle: Three\nstatus: PENDING\n...\n';
    golden(one + two + three, 'two', { status: 'COMPLETED', updatedAt: NOW },
      one + `--- # second\nid: two\ntitle: Two\nstatus: COMPLETED\nupdatedAt: "${NOW}"\n` + three);
    golden(one + two + three, 'three', { documents: ['x.md'] }, one + two + '---\nid: three\ntitle: Three\nstatus: PENDING\ndocuments:\n  - x.md\n...\n');
  });

  test('flow-style tasks: values replaced in the braces, keys and a flow list added', () => {
    golden('{id: a, title: b}\n', 'a', { status: 'IN_PROGRESS', updatedAt: NOW, documents: ['a,b.md', 'c.md'] },
      `{id: a, title: b, status: IN_PROGRESS, updatedAt: "${NOW}", documents: ["a,b.md", c.md]}\n`);
    golden("# flow\n{ id: a, status: 'PENDING', title: b, documents: [] } # trailing\n", 'a', { status: 'FAILED', updatedAt: NOW, documents: ['r.md'] },
      `# flow\n{ id: a, status: 'FAILED', updatedAt: "${NOW}", title: b, documents: [r.md] } # trailing\n`);
    golden('{\n  id: a,   # c\n  title: b,\n  status: PENDING,\n}\n', 'a', { status: 'COMPLETED', updatedAt: NOW },
      `{\n  id: a,   # c\n  title: b,\n  status: COMPLETED, updatedAt: "${NOW}",\n}\n`);
    golden('{id: a, title: b, status}\n', 'a', { status: 'FAILED' }, '{id: a, title: b, status: FAILED}\n');
    golden('{id: a, title: b, documents: }\n', 'a', { documents: ['x'] }, '{id: a, title: b, documents: [x] }\n');
  });

  test('CRLF files get CRLF in every new line', () => {
    const before = crlf('id: a\ntitle: t\nstatus: PENDING\ndocuments:\n  - old.md\njob:\n  image: x\n');
    golden(before, 'a', { status: 'COMPLETED', updatedAt: NOW, documents: ['a.md', 'b.md'] },
      crlf(`id: a\ntitle: t\nstatus: COMPLETED\nupdatedAt: "${NOW}"\ndocuments:\n  - a.md\n  - b.md\njob:\n  image: x\n`));
    golden(crlf('id: a\ntitle: t\ndocuments:\n'), 'a', { documents: ['a.md'] }, crlf('id: a\ntitle: t\ndocuments:\n  - a.md\n'));
  });

  test('documents: an existing block list’s items are replaced, comments above the key and the first item kept', () => {
    const before = [
      'id: a',
      'title: t',
      '# files keruta collected',
      'documents:   # newest run',
      '  # from run 1',
      '  - old/README.md   # first',
      '  # between',
      '  - old/b.md # last',
      '    # deeper, about b',
      '# about job',
      'job:',
      '  image: x',
      '',
    ].join('\n');
    const after = [
      'id: a',
      'title: t',
      '# files keruta collected',
      'documents:   # newest run',
      '  # from run 1',
      '  - new/README.md',
      '  - new/b.md',
      '    # deeper, about b',
      '# about job',
      'job:',
      '  image: x',
      '',
    ].join('\n');
    golden(before, 'a', { documents: ['new/README.md', 'new/b.md'] }, after);
    // A list at the key's own indentation keeps it.
    golden('id: a\ntitle: t\ndocuments:\n- a.md\n- b.md\njob: {}\n', 'a', { documents: ['c.md'] }, 'id: a\ntitle: t\ndocuments:\n- c.md\njob: {}\n');
  });

  test('documents: a flow list or a scalar on the key’s line becomes a block list; a comment after it stays', () => {
    golden('id: a\ntitle: t\ndocuments: [] # none yet\njob: {}\n', 'a', { documents: ['a.md'] }, 'id: a\ntitle: t\ndocuments: # none yet\n  - a.md\njob: {}\n');
    golden('id: a\ntitle: t\ndocuments: [a.md,\n  b.md]\n', 'a', { documents: ['c.md'] }, 'id: a\ntitle: t\ndocuments:\n  - c.md\n');
    golden('  id: a\n  title: t\n  documents: "one.md"\n', 'a', { documents: ['a.md', 'b.md'] }, '  id: a\n  title: t\n  documents:\n    - a.md\n    - b.md\n');
  });

  test('documents: an empty list is written as []', () => {
    golden('id: a\ntitle: t\ndocuments: # c\n  - a.md\n  - b.md\njob: {}\n', 'a', { documents: [] }, 'id: a\ntitle: t\ndocuments: [] # c\njob: {}\n');
    golden('id: a\ntitle: t\ndocuments: [a.md]\n', 'a', { documents: [] }, 'id: a\ntitle: t\ndocuments: []\n');
    golden('id: a\ntitle: t\n', 'a', { documents: [] }, 'id: a\ntitle: t\ndocuments: []\n');
    golden('id: a\ntitle: t\ndocuments:\n', 'a', { documents: [] }, 'id: a\ntitle: t\ndocuments: []\n');
  });

  test('documents: paths YAML 1.1 would misread are double-quoted, the rest plain', () => {
    const paths = ['yes', 'on', 'No', 'null', '~', '1.10', '0x1F', '012', '2026-11-01.md', 'a: b', '- x', '#x', 'a #b', ' lead', 'it\'s "q".md', '[x]', 'docs/レポート.md', 'a/b-c_d.e'];
    const quoted = new Set(['yes', 'on', 'No', 'null', '~', '1.10', '0x1F', '012', '2026-11-01.md', 'a: b', '- x', '#x', 'a #b', ' lead', '[x]']);
    const { after } = write('id: a\ntitle: t\n', 'a', { documents: paths });
    const lines = after.split('\n').slice(3, 3 + paths.length);
    paths.forEach((path, index) => assert.equal(lines[index], `  - ${quoted.has(path) ? JSON.stringify(path) : path}`));
    assertOnlyUpdated('id: a\ntitle: t\n', after, 'a', { documents: paths });
    // In a flow mapping, flow indicators are quoted too.
    const flow = write('{id: a, title: t}', 'a', { documents: ['a,b', 'c{d}', 'plain.md'] }).after;
    assert.equal(flow, '{id: a, title: t, documents: ["a,b", "c{d}", plain.md]}');
  });

  test('aliases are refused; the other fields are still written', () => {
    const before = 'id: a\ntitle: t\ncreatedAt: &created "2026-11-01T09:00:00Z"\nupdatedAt: *created\nstatus: PENDING\n';
    golden(before, 'a', { status: 'IN_PROGRESS', updatedAt: NOW }, 'id: a\ntitle: t\ncreatedAt: &created "2026-11-01T09:00:00Z"\nupdatedAt: *created\nstatus: IN_PROGRESS\n',
      { skipped: ['updatedAt'], problem: /`updatedAt`.*alias \(\*created\)/ });
    golden('id: a\ntitle: t\ns: &s PENDING\nstatus: *s\ndocuments: &d [a.md]\nother: *d\n', 'a', { status: 'FAILED', documents: ['b.md'] },
      'id: a\ntitle: t\ns: &s PENDING\nstatus: *s\ndocuments: &d [a.md]\nother: *d\n', { skipped: ['status', 'documents'], problem: /`status`.*alias.*`documents`.*&d/ });
  });

  test('an anchor that aliases use is never rewritten; an unused one stays in place', () => {
    golden('id: a\ntitle: t\nstatus: &st PENDING\nx-copy: *st\n', 'a', { status: 'FAILED' }, 'id: a\ntitle: t\nstatus: &st PENDING\nx-copy: *st\n',
      { skipped: ['status'], problem: /&st/ });
    golden('id: a\ntitle: t\nstatus: &st PENDING\n', 'a', { status: 'FAILED' }, 'id: a\ntitle: t\nstatus: &st FAILED\n');
    // An anchor inside the old list that something outside uses.
    golden('id: a\ntitle: t\ndocuments:\n  - &readme README.md\nx-main: *readme\n', 'a', { documents: ['b.md'] }, 'id: a\ntitle: t\ndocuments:\n  - &readme README.md\nx-main: *readme\n',
      { skipped: ['documents'], problem: /&readme/ });
    // Aliases inside the old list are replaced with it.
    golden('x-base: &b base.md\nid: a\ntitle: t\ndocuments:\n  - *b\n  - c.md\n', 'a', { documents: ['d.md'] }, 'x-base: &b base.md\nid: a\ntitle: t\ndocuments:\n  - d.md\n');
  });

  test('a value that is not a single value is left alone', () => {
    golden('id: a\ntitle: t\nstatus: [PENDING]\n', 'a', { status: 'FAILED', updatedAt: NOW }, `id: a\ntitle: t\nstatus: [PENDING]\nupdatedAt: "${NOW}"\n`,
      { skipped: ['status'], problem: /`status`.*not a single value/ });
  });

  test('duplicate ids: the first is edited and the problem names the documents', () => {
    const before = 'id: d\ntitle: first\nstatus: PENDING\n---\nid: d\ntitle: second\nstatus: PENDING\n';
    const { after, result } = write(before, 'd', { status: 'FAILED' });
    assert.equal(after, 'id: d\ntitle: first\nstatus: FAILED\n---\nid: d\ntitle: second\nstatus: PENDING\n');
    assert.equal(result.found, true);
    assert.match(result.problem ?? '', /2 tasks have the id "d" \(documents 1, 2\); only the first/);
    assertOnlyUpdated(before, after, 'd', { status: 'FAILED' });
  });

  test('a missing task: found is false and nothing changes', () => {
    const none = taskUpdateEdits('id: a\ntitle: t\n', 'b', { status: 'FAILED' });
    assert.deepEqual(none, { edits: [], found: false, problem: 'No task with id "b" in the file.' });
    const broken = taskUpdateEdits('id: a\ntitle: t\n---\nid: b\ntitle: [\n', 'b', { status: 'FAILED' });
    assert.equal(broken.found, false);
    assert.match(broken.problem ?? '', /1 document with YAML errors/);
    assert.equal(taskUpdateEdits('', 'a', { status: 'FAILED' }).found, false);
    // A task without an id is never a match, not even for an empty id.
    assert.deepEqual(taskUpdateEdits('id:\ntitle: t\n', '', { status: 'FAILED' }), { edits: [], found: false, problem: 'No task id was given.' });
    // Ids are compared as written: `1.10` is "1.10", not 1.1.
    assert.equal(taskUpdateEdits('id: 1.10\ntitle: t\n', '1.1', { status: 'FAILED' }).found, false);
    golden('id: 1.10\ntitle: t\n', '1.10', { status: 'FAILED' }, 'id: 1.10\ntitle: t\nstatus: FAILED\n');
  });

  test('an empty update changes nothing', () => {
    assert.deepEqual(taskUpdateEdits('id: a\ntitle: t\n', 'a', {}), { edits: [], found: true });
  });
});

describe('applyEdits', () => {
  test('applies edits given in any order', () => {
    const edits: TaskTextEdit[] = [{ span: [4, 5], newText: 'E' }, { span: [0, 1], newText: 'A' }, { span: [2, 2], newText: '+' }];
    assert.equal(applyEdits('abcdef', edits), 'Ab+cdEf');
  });

  test('insertions at one offset keep their order; an insertion at the end of a replacement follows it', () => {
    assert.equal(applyEdits('ab', [{ span: [1, 1], newText: '1' }, { span: [1, 1], newText: '2' }]), 'a12b');
    assert.equal(applyEdits('abc', [{ span: [1, 1], newText: '+' }, { span: [0, 1], newText: 'X' }]), 'X+bc');
  });

  test('throws on overlapping edits and spans outside the text', () => {
    assert.throws(() => applyEdits('abcdef', [{ span: [0, 3], newText: '' }, { span: [2, 4], newText: '' }]), /overlaps/);
    assert.throws(() => applyEdits('abcdef', [{ span: [1, 3], newText: '' }, { span: [2, 2], newText: 'x' }]), /overlaps/);
    assert.throws(() => applyEdits('abc', [{ span: [2, 4], newText: '' }]), /outside/);
    assert.throws(() => applyEdits('abc', [{ span: [2, 1], newText: '' }]), /outside/);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: generated task files

interface Entry {
  readonly key: string;
  /** Lines relative to the mapping's indentation (nested lines carry their own). */
  readonly lines: readonly string[];
}

const timestamp = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((date) => date.toISOString());
const status = fc.constantFrom(...TASK_STATUSES);
const quoted = (value: string, style: 'plain' | 'double' | 'single'): string => (style === 'double' ? JSON.stringify(value) : style === 'single' ? `'${value}'` : value);
const quoteStyle = fc.constantFrom('plain' as const, 'double' as const, 'single' as const);
const path = fc.oneof(
  fc.constantFrom('.keruta/artifacts/t/run-1/README.md', 'yes', 'on', '1.10', '2026-11-01.md', 'a: b', '- x', '#x', 'a #b', 'a,b.md', '[x]', 'docs/レポート.md', "it's.md", ''),
  fc.string({ maxLength: 12 }),
);
const comment = fc.constantFrom('# a comment', '#', '# status: FAILED', '   # indented: yes', '# documents:');

/** Optional blank or comment lines before an entry, and an optional comment after its first line. */
function decorate(entry: fc.Arbitrary<Entry>): fc.Arbitrary<Entry> {
  return fc.tuple(entry, fc.array(fc.oneof(comment, fc.constant('')), { maxLength: 2 }), fc.option(comment, { nil: undefined })).map(([base, before, after]) => ({
    key: base.key,
    lines: [...before, after === undefined ? base.lines[0]! : `${base.lines[0]!}   ${after.trim()}`, ...base.lines.slice(1)],
  }));
}

function blockEntries(id: string): fc.Arbitrary<Entry[]> {
  const optional: fc.Arbitrary<Entry>[] = [
    fc.constantFrom<Entry>(
      { key: 'description', lines: ['description: plain words'] },
      { key: 'description', lines: ['description: |', '  line one', '', '  line three'] },
      { key: 'description', lines: ['description: >-', '  folded', '  text'] },
    ),
    fc.constant<Entry>({ key: 'priority', lines: ['priority: 5'] }),
    fc.oneof(
      fc.tuple(status, quoteStyle).map(([value, style]): Entry => ({ key: 'status', lines: [`status: ${quoted(value, style)}`] })),
      fc.constant<Entry>({ key: 'status', lines: ['status:'] }),
    ),
    timestamp.map((value): Entry => ({ key: 'createdAt', lines: [`createdAt: "${value}"`] })),
    fc.oneof(
      fc.tuple(timestamp, quoteStyle).map(([value, style]): Entry => ({ key: 'updatedAt', lines: [`updatedAt: ${quoted(value, style)}`] })),
      fc.constant<Entry>({ key: 'updatedAt', lines: ['updatedAt:'] }),
    ),
    fc.constantFrom<Entry>(
      { key: 'documents', lines: ['documents: []'] },
      { key: 'documents', lines: ['documents: [a.md, "b c.md"]'] },
      { key: 'documents', lines: ['documents:'] },
      { key: 'documents', lines: ['documents:', '  - old.md', '  # between', '  - "older.md"'] },
      { key: 'documents', lines: ['documents:', '  # first', '  - old.md'] },
      { key: 'documents', lines: ['documents:', '- flush.md'] },
    ),
    fc.constantFrom<Entry>(
      { key: 'job', lines: ['job:', '  image: busybox:1.36.1', '  command: ["/bin/sh", "-c", "echo hi"]'] },
      { key: 'job', lines: ['job:', '  image: busybox:1.36.1', '  # last job comment'] },
      { key: 'job', lines: ['job: {image: "busybox:1.36.1"}'] },
    ),
    fc.constant<Entry>({ key: 'x-note', lines: ['x-note: kept as written'] }),
  ];
  const required: Entry[] = [{ key: 'id', lines: [`id: ${id}`] }, { key: 'title', lines: ['title: "A: title"'] }];
  return fc
    .tuple(...optional.map((arbitrary) => fc.option(decorate(arbitrary), { nil: undefined })), ...required.map((entry) => decorate(fc.constant(entry))))
    .map((entries) => entries.filter((entry): entry is Entry => entry !== undefined))
    .chain((entries) => fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }));
}

function flowEntries(id: string): fc.Arbitrary<string[]> {
  const optional: fc.Arbitrary<string>[] = [
    fc.tuple(status, quoteStyle).map(([value, style]) => `status: ${quoted(value, style)}`),
    fc.tuple(timestamp, quoteStyle).map(([value, style]) => `updatedAt: ${quoted(value, style)}`),
    fc.constantFrom('documents: []', 'documents: [a.md]'),
    fc.constant('priority: 3'),
  ];
  return fc
    .tuple(...optional.map((arbitrary) => fc.option(arbitrary, { nil: undefined })))
    .map((entries) => [`id: ${id}`, "title: 'flow'", ...entries.filter((entry): entry is string => entry !== undefined)])
    .chain((entries) => fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }));
}

interface Generated {
  readonly text: string;
  readonly ids: readonly string[];
}

const documentArb = (id: string): fc.Arbitrary<string[]> =>
  fc.oneof(
    fc.tuple(blockEntries(id), fc.constantFrom(0, 2)).map(([entries, indent]) => entries.flatMap((entry) => entry.lines).map((line) => (line === '' ? line : ' '.repeat(indent) + line))),
    fc.tuple(flowEntries(id), fc.boolean(), fc.option(comment, { nil: undefined })).map(([entries, multiLine, after]) => {
      const body = multiLine ? [`{ ${entries.join(',\n  ')} }`] : [`{${entries.join(', ')}}`];
      return (after === undefined ? body : [`${body[0]!} ${after.trim()}`]).flatMap((text) => text.split('\n'));
    }),
  );

const fileArb: fc.Arbitrary<Generated> = fc
  .tuple(fc.integer({ min: 1, max: 3 }), quoteStyle)
  .chain(([count, idStyle]) => {
    const ids = Array.from({ length: count }, (_, index) => `t${index}`);
    const idTexts = ids.map((id) => quoted(id, idStyle));
    return fc
      .tuple(fc.tuple(...idTexts.map(documentArb)), fc.boolean(), fc.boolean(), fc.boolean(), fc.option(comment, { nil: undefined }))
      .map(([documents, windows, finalBreak, leadingMarker, header]) => {
        const lines: string[] = header === undefined ? [] : [header];
        documents.forEach((document, index) => {
          if (index > 0 || leadingMarker) lines.push(index % 2 === 0 ? '---' : '--- # next task');
          lines.push(...document);
        });
        const text = lines.join(windows ? '\r\n' : '\n') + (finalBreak ? (windows ? '\r\n' : '\n') : '');
        return { text, ids };
      });
  });

const updateArb: fc.Arbitrary<TaskUpdate> = fc.record(
  { status, updatedAt: timestamp, documents: fc.array(path, { maxLength: 4 }) },
  { requiredKeys: [] },
);

/** Lines of `text` that the target task's updated keys (or its whole flow mapping) stand on. */
function touchedLines(text: string, id: string, update: TaskUpdate): Set<number> {
  const task = parseTaskFile(text).tasks.find((candidate) => candidate.task.id === id)!;
  const lineOf = (offset: number): number => text.slice(0, offset).split('\n').length - 1;
  const spans: [number, number][] = [];
  const mapping = task.locations.mappingSpan!;
  if (text[mapping[0]] === '{') spans.push([mapping[0], mapping[1]]);
  else {
    for (const field of ['status', 'updatedAt', 'documents'] as const) {
      const located = task.locations.fields.get(field);
      if (update[field] !== undefined && located) spans.push([located.keySpan[0], Math.max(located.keySpan[1], located.valueSpan[1])]);
    }
  }
  const all = text.split('\n');
  const lines = new Set<number>();
  for (const [start, rawEnd] of spans) {
    let end = rawEnd;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    // A block list's span runs on over comment lines below its last item: those are not its lines.
    let last = lineOf(end);
    while (last > lineOf(start) && /^\s*(#.*)?\r?$/.test(all[last]!)) last--;
    for (let line = lineOf(start); line <= last; line++) lines.add(line);
  }
  return lines;
}

/** The lines (without their line breaks: the last line may gain one) outside `touched`. */
const untouched = (text: string, touched: Set<number>): string[] => text.split(/\r?\n/).filter((_, index) => !touched.has(index));

describe('taskUpdateEdits: generated task files', () => {
  test('only the updated fields change, every other line stays byte-for-byte', () => {
    let inserted = 0;
    let replaced = 0;
    let windows = 0;
    let flow = 0;
    let later = 0;
    fc.assert(
      fc.property(fileArb, fc.nat(), updateArb, ({ text, ids }, pick, update) => {
        assert.ok(parseTaskFile(text).problems.every((problem) => problem.code === 'task-invalid-type'), `generated file has problems: ${JSON.stringify(text)}`);
        const id = ids[pick % ids.length]!;
        const result = taskUpdateEdits(text, id, update);
        assert.equal(result.found, true);
        assert.equal(result.problem, undefined);
        assertSeparate(result.edits);
        const after = applyEdits(text, result.edits);
        assertOnlyUpdated(text, after, id, update);
        assertLineBreaks(text, after);
        assert.deepEqual(untouched(after, touchedLines(after, id, update)), untouched(text, touchedLines(text, id, update)), `lines outside the updated fields changed:\n${text}\n=>\n${after}`);
        for (const edit of result.edits) {
          if (edit.span[0] === edit.span[1]) inserted++;
          else replaced++;
        }
        if (text.includes('\r\n')) windows++;
        const target = parseTaskFile(text).tasks.find((task) => task.task.id === id)!;
        if (text[target.locations.mappingSpan![0]] === '{') flow++;
        if (target.documentIndex > 0) later++;
      }),
      { numRuns: 400, seed: 20261201 },
    );
    // The generator covers each layout.
    assert.ok(inserted > 100 && replaced > 100, `few edits of a kind: ${inserted} insertions, ${replaced} replacements`);
    assert.ok(windows > 100 && flow > 50 && later > 100, `few CRLF files (${windows}), flow tasks (${flow}) or later documents (${later})`);
  });
});

describe('taskUpdateEdits: one parse for several tasks', () => {
  test('edits computed from a shared parse equal those from a fresh parse, for every task of the file', () => {
    fc.assert(
      fc.property(fileArb, updateArb, ({ text, ids }, update) => {
        const shared = parseTasks(text);
        for (const id of ids) assert.deepEqual(taskUpdateEdits(text, id, update, shared), taskUpdateEdits(text, id, update));
        // All of them applied at once (as the status writer's batch does) still leave every task readable.
        const all = ids.flatMap((id) => taskUpdateEdits(text, id, update, shared).edits);
        const after = parseTaskFile(applyEdits(text, all));
        for (const id of ids) {
          const task = after.tasks.find((candidate) => candidate.task.id === id);
          assert.ok(task, `task ${id} lost`);
          if (update.status !== undefined) assert.equal(task.task.status, update.status);
        }
      }),
      { numRuns: 150, seed: 20261127 },
    );
  });
});
