/**
 * The status writer: batching per file (a burst of outcomes costs one write, none lost), the
 * rules for writing an outcome (newest run, still IN_PROGRESS), and retry when the user typed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEdits, type TaskTextEdit } from '../../server/src/core/taskEdits';
import { parseTaskFile } from '../../server/src/core/taskParser';
import type { TrackedRun } from '../../client/src/runs/runModel';
import { StatusWriter, type TaskFileAccess } from '../../client/src/runs/statusWriter';

class MemoryFiles implements TaskFileAccess {
  applied = 0;
  /** Called before each apply: lets a test change the text as if the user typed. */
  beforeApply: ((file: string) => void) | undefined;
  constructor(readonly texts: Map<string, string>) {}
  read(file: string): Promise<string | undefined> {
    return Promise.resolve(this.texts.get(file));
  }
  async applyEdits(file: string, basedOn: string, edits: readonly TaskTextEdit[]): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, 2));
    this.beforeApply?.(file);
    if (this.texts.get(file) !== basedOn) return false;
    this.applied++;
    this.texts.set(file, applyEdits(basedOn, edits));
    return true;
  }
}

function tasks(count: number, status = 'IN_PROGRESS'): string {
  return Array.from({ length: count }, (_, index) => `# task ${index}\nid: t${index}\ntitle: T${index}\nstatus: ${status}\n`).join('---\n');
}

function run(taskId: string, uid = `uid-${taskId}`, createdAt = '2026-01-01T00:00:00.000Z'): TrackedRun {
  return { uid, namespace: 'default', name: `job-${uid}`, taskId, createdAt, state: { phase: 'succeeded', taskStatus: 'COMPLETED', podSummaries: [] }, gone: false, stopped: false, pods: [] };
}

const statusOf = (text: string, id: string): string | undefined => parseTaskFile(text).tasks.find((task) => task.task.id === id)?.task.status;

describe('status writer', () => {
  test('twenty outcomes in one file at once: all written, in far fewer writes, comments kept', async () => {
    const files = new MemoryFiles(new Map([['f', tasks(20)]]));
    const writer = new StatusWriter(files, () => 'f', { runsOfTask: (id) => [run(id)] });
    const results = await Promise.all(Array.from({ length: 20 }, (_, index) => writer.writeOutcome(run(`t${index}`), index % 2 === 0 ? 'COMPLETED' : 'FAILED')));
    assert.ok(results.every((result) => result.written));
    const text = files.texts.get('f')!;
    for (let index = 0; index < 20; index++) assert.equal(statusOf(text, `t${index}`), index % 2 === 0 ? 'COMPLETED' : 'FAILED');
    assert.ok(files.applied <= 3, `${files.applied} writes for 20 outcomes`);
    assert.equal(text.match(/^# task \d+$/gm)?.length, 20);
  });

  test('a start is written as IN_PROGRESS at the time the Job was rendered with, else now', async () => {
    const files = new MemoryFiles(new Map([['f', tasks(2, 'PENDING')]]));
    const writer = new StatusWriter(files, () => 'f', { runsOfTask: () => [] }, { now: () => new Date('2026-11-27T10:00:00.000Z') });
    assert.ok((await writer.writeStarted('f', 't0', '2026-11-27T09:59:59.123Z')).written);
    assert.ok((await writer.writeStarted('f', 't1')).written);
    const tasksNow = parseTaskFile(files.texts.get('f')!).tasks.map((task) => [task.task.id, task.task.status, task.task.updatedAt]);
    assert.deepEqual(tasksNow, [
      ['t0', 'IN_PROGRESS', '2026-11-27T09:59:59.123Z'],
      ['t1', 'IN_PROGRESS', '2026-11-27T10:00:00.000Z'],
    ]);
  });

  test('an outcome is not written for an older run, nor over a status that is no longer IN_PROGRESS', async () => {
    const files = new MemoryFiles(new Map([['f', `${tasks(1)}---\nid: done\ntitle: D\nstatus: COMPLETED\n`]]));
    const newer = run('t0', 'new', '2026-01-02T00:00:00.000Z');
    const writer = new StatusWriter(files, () => 'f', { runsOfTask: (id) => (id === 't0' ? [newer, run('t0', 'old')] : [run(id)]) });
    const old = await writer.writeOutcome(run('t0', 'old'), 'FAILED');
    assert.equal(old.written, false);
    assert.match(old.written ? '' : old.reason, /newer run/);
    const done = await writer.writeOutcome(run('done'), 'FAILED');
    assert.equal(done.written, false);
    assert.equal(statusOf(files.texts.get('f')!, 't0'), 'IN_PROGRESS');
    assert.equal(statusOf(files.texts.get('f')!, 'done'), 'COMPLETED');
    assert.equal(files.applied, 0);
  });

  test('the user typed meanwhile: the write is computed again on the new text, and what they typed stays', async () => {
    const files = new MemoryFiles(new Map([['f', tasks(2)]]));
    let typed = false;
    files.beforeApply = (file) => {
      if (typed) return;
      typed = true;
      files.texts.set(file, `${files.texts.get(file)!}# typed by the user\n`);
    };
    const writer = new StatusWriter(files, () => 'f', { runsOfTask: (id) => [run(id)] });
    const result = await writer.writeOutcome(run('t1'), 'COMPLETED');
    assert.equal(result.written, true);
    const text = files.texts.get('f')!;
    assert.equal(statusOf(text, 't1'), 'COMPLETED');
    assert.match(text, /# typed by the user\n$/);
  });

  test('two writes of one task in a burst land in order (documents, then the status)', async () => {
    const files = new MemoryFiles(new Map([['f', tasks(1)]]));
    const writer = new StatusWriter(files, () => 'f', { runsOfTask: (id) => [run(id)] });
    const [documents, outcome] = await Promise.all([writer.writeDocuments(run('t0'), ['.keruta/artifacts/t0/job/README.md']), writer.writeOutcome(run('t0'), 'COMPLETED')]);
    assert.ok(documents.written && outcome.written);
    const parsed = parseTaskFile(files.texts.get('f')!).tasks[0]!.task;
    assert.equal(parsed.status, 'COMPLETED');
    assert.deepEqual(parsed.documents, ['.keruta/artifacts/t0/job/README.md']);
  });
});
