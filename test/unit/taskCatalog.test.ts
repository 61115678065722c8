/**
 * The task catalog (client/src/tasks/taskCatalog.ts): ordering, duplicates, incomplete tasks, and
 * change events that fire only when something a view shows changed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findTaskInCatalog, TaskCatalog } from '../../client/src/tasks/taskCatalog';

const A = 'file:///ws/a.keruta.yaml';
const B = 'file:///ws/sub/b.keruta.yaml';

function taskYaml(fields: Record<string, string | number>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? JSON.stringify(value) : value}`)
    .join('\n');
}

const docs = (...tasks: Record<string, string | number>[]): string => tasks.map(taskYaml).join('\n---\n');

/** Counts change events. */
function watch(catalog: TaskCatalog): { readonly count: number } {
  const counter = { count: 0 };
  catalog.onDidChange(() => counter.count++);
  return counter;
}

const ids = (catalog: TaskCatalog): string[] => catalog.tasks().map((t) => t.parsed.task.id);

describe('task catalog', () => {
  test('lists tasks highest priority first, then by title, then by id, across files', () => {
    const catalog = new TaskCatalog();
    catalog.update(A, 'a.keruta.yaml', docs({ id: 'low', title: 'Zeta', priority: 1 }, { id: 'b2', title: 'Alpha', priority: 5 }, { id: 'b1', title: 'Alpha', priority: 5 }));
    catalog.update(B, 'sub/b.keruta.yaml', docs({ id: 'top', title: 'Omega', priority: 9 }, { id: 'mid', title: 'Beta', priority: 5 }, { id: 'neg', title: 'Any', priority: -3 }));
    assert.deepEqual(ids(catalog), ['top', 'b1', 'b2', 'mid', 'low', 'neg']);
  });

  test('titles compare numbers as numbers ("Step 2" before "Step 10")', () => {
    const catalog = new TaskCatalog();
    catalog.update(A, 'a.keruta.yaml', docs({ id: 'x', title: 'Step 10' }, { id: 'y', title: 'Step 2' }));
    assert.deepEqual(ids(catalog), ['y', 'x']);
  });

  test('keeps tasks by file: tasksOf in document order, files() with files that have no task', () => {
    const catalog = new TaskCatalog();
    catalog.update(A, 'a.keruta.yaml', docs({ id: 'one', title: 'One', priority: 1 }, { id: 'two', title: 'Two', priority: 7 }));
    catalog.update(B, 'sub/b.keruta.yaml', '# nothing yet\n');
    assert.deepEqual(catalog.tasksOf(A).map((t) => [t.parsed.documentIndex, t.parsed.task.id]), [[0, 'one'], [1, 'two']]);
    assert.deepEqual(catalog.tasksOf(B), []);
    assert.deepEqual(catalog.tasksOf('file:///unknown.keruta.yaml'), []);
    assert.deepEqual([...catalog.files()].sort(), [A, B]);
    assert.equal(catalog.relativePathOf(B), 'sub/b.keruta.yaml');
    const [one] = catalog.tasksOf(A);
    assert.equal(one?.fileUri, A);
    assert.equal(one?.relativePath, 'a.keruta.yaml');
  });

  test('lists incomplete tasks too, flagged as not complete', () => {
    const catalog = new TaskCatalog();
    catalog.update(A, 'a.keruta.yaml', docs({ id: 'ok', title: 'Complete' }, { id: 'no-title', priority: 3 }, { title: 'No id' }));
    const flags = catalog.tasks().map((t) => [t.parsed.task.id, t.parsed.task.title, t.parsed.complete]);
    assert.deepEqual(flags, [['no-title', '', false], ['ok', 'Complete', true], ['', 'No id', false]]);
  });

  test('finds every task with an id, duplicates in file order; a blank id finds nothing', () => {
    const catalog = new TaskCatalog();
    catalog.update(B, 'sub/b.keruta.yaml', docs({ id: 'dup', title: 'In B', priority: 9 }));
    catalog.update(A, 'a.keruta.yaml', docs({ id: 'dup', title: 'First in A' }, { id: 'dup', title: 'Second in A' }, { title: 'No id' }));
    assert.deepEqual(catalog.find('dup').map((t) => [t.relativePath, t.parsed.documentIndex]), [['a.keruta.yaml', 0], ['a.keruta.yaml', 1], ['sub/b.keruta.yaml', 0]]);
    assert.deepEqual(catalog.find('missing'), []);
    assert.deepEqual(catalog.find(''), []);
    assert.deepEqual(catalog.find('  '), []);
  });

  test('findTaskInCatalog prefers the file the Job names, otherwise the first', () => {
    const catalog = new TaskCatalog();
    catalog.update(A, 'a.keruta.yaml', docs({ id: 'dup', title: 'In A' }));
    catalog.update(B, 'sub/b.keruta.yaml', docs({ id: 'dup', title: 'In B' }));
    assert.equal(findTaskInCatalog(catalog, 'dup', 'sub/b.keruta.yaml')?.parsed.task.title, 'In B');
    assert.equal(findTaskInCatalog(catalog, 'dup', 'sub\\b.keruta.yaml')?.parsed.task.title, 'In B', 'a Windows path names the same file');
    assert.equal(findTaskInCatalog(catalog, 'dup', 'elsewhere.keruta.yaml')?.parsed.task.title, 'In A');
    assert.equal(findTaskInCatalog(catalog, 'dup')?.parsed.task.title, 'In A');
    assert.equal(findTaskInCatalog(catalog, 'other', 'a.keruta.yaml'), undefined);
  });

  test('returns the same objects from tasks(), tasksOf() and find() (identity is usable)', () => {
    const catalog = new TaskCatalog();
    catalog.update(A, 'a.keruta.yaml', docs({ id: 'x', title: 'X' }));
    assert.equal(catalog.tasks()[0], catalog.tasksOf(A)[0]);
    assert.equal(catalog.find('x')[0], catalog.tasksOf(A)[0]);
  });

  test('fires once per visible change, and not for the same tasks again', () => {
    const catalog = new TaskCatalog();
    const events = watch(catalog);
    const text = docs({ id: 'x', title: 'X', priority: 1 });
    assert.equal(catalog.update(A, 'a.keruta.yaml', text), true);
    assert.equal(events.count, 1);
    assert.equal(catalog.update(A, 'a.keruta.yaml', text), false);
    assert.equal(events.count, 1);
    assert.equal(catalog.update(A, 'a.keruta.yaml', docs({ id: 'x', title: 'X', priority: 2 })), true);
    assert.equal(events.count, 2);
    assert.equal(catalog.update(A, 'moved/a.keruta.yaml', docs({ id: 'x', title: 'X', priority: 2 })), true, 'the relative path is shown');
    assert.equal(events.count, 3);
  });

  test('an edit that only moves text fires nothing but keeps the new positions', () => {
    const catalog = new TaskCatalog();
    catalog.update(A, 'a.keruta.yaml', 'id: x\ntitle: X\n');
    const events = watch(catalog);
    assert.equal(catalog.update(A, 'a.keruta.yaml', '# a comment\n\nid: x\ntitle: X\n'), false);
    assert.equal(events.count, 0);
    const idField = catalog.tasksOf(A)[0]!.parsed.locations.fields.get('id');
    assert.deepEqual(idField?.keySpan, [13, 15]);
  });

  test('a file that comes and goes fires, even without tasks; removing an unknown file does not', () => {
    const catalog = new TaskCatalog();
    const events = watch(catalog);
    assert.equal(catalog.update(B, 'sub/b.keruta.yaml', ''), true);
    assert.equal(events.count, 1);
    assert.equal(catalog.remove(B), true);
    assert.equal(events.count, 2);
    assert.equal(catalog.remove(B), false);
    assert.equal(events.count, 2);
    assert.deepEqual(catalog.files(), []);
  });

  test('clear empties the catalog and fires only when there was something', () => {
    const catalog = new TaskCatalog();
    const events = watch(catalog);
    catalog.clear();
    assert.equal(events.count, 0);
    catalog.update(A, 'a.keruta.yaml', docs({ id: 'x', title: 'X' }));
    catalog.clear();
    assert.equal(events.count, 2);
    assert.deepEqual(catalog.tasks(), []);
    assert.deepEqual(catalog.find('x'), []);
  });

  test('tasks() follows removals (no stale sort cache)', () => {
    const catalog = new TaskCatalog();
    catalog.update(A, 'a.keruta.yaml', docs({ id: 'a', title: 'A' }));
    catalog.update(B, 'sub/b.keruta.yaml', docs({ id: 'b', title: 'B' }));
    assert.deepEqual(ids(catalog), ['a', 'b']);
    catalog.remove(A);
    assert.deepEqual(ids(catalog), ['b']);
  });

  test('after dispose no listener is called', () => {
    const catalog = new TaskCatalog();
    const events = watch(catalog);
    catalog.dispose();
    catalog.update(A, 'a.keruta.yaml', docs({ id: 'x', title: 'X' }));
    assert.equal(events.count, 0);
  });
});
