/**
 * Writes a run's effect on its task into the task file: `IN_PROGRESS` when Run Task starts it,
 * then its outcome (`COMPLETED`, `FAILED`, `CANCELLED`) exactly once. The file is edited with the
 * core's minimal, position-aware edits, so comments and formatting stay. No `vscode` import: the
 * file access comes in through `TaskFileAccess` (open documents in VS Code, the file system in tests).
 *
 * When is an outcome written? When the run is the newest known run of its task and the task in
 * the file still says `IN_PROGRESS`. That makes the write idempotent across re-lists, reloads and
 * windows (the second writer finds the status already final) and never undoes what the user wrote
 * by hand after starting the run.
 */
import { taskUpdateEdits, type TaskTextEdit, type TaskUpdate } from '../../../server/src/core/taskEdits';
import type { TaskStatus } from '../../../server/src/core/taskModel';
import { parseTasks } from '../../../server/src/core/yamlText';
import type { RunStore, TrackedRun } from './runModel';

/** Reading and editing task files; a file is named by a string the locator hands out (a URI). */
export interface TaskFileAccess {
  /** The file's current text (the open document's, if it is open); undefined when it does not exist. */
  read(file: string): Promise<string | undefined>;
  /**
   * Applies edits computed on `basedOn`. Resolves false, changing nothing, when the text is no
   * longer `basedOn` (the user typed meanwhile): the caller computes the edits again.
   */
  applyEdits(file: string, basedOn: string, edits: readonly TaskTextEdit[]): Promise<boolean>;
}

/** Finds the file that holds a task: by id, preferring the Job's `keruta.io/task-file` hint. */
export type TaskLocator = (taskId: string, taskFileHint?: string) => string | undefined;

export type WriteResult =
  | { readonly written: true; readonly file: string; readonly status: TaskStatus; readonly problem?: string }
  | { readonly written: false; readonly reason: string };

export interface StatusWriterOptions {
  readonly now?: () => Date;
  readonly log?: (message: string) => void;
}

const ATTEMPTS = 3;

/** One requested change of one task, waiting for its file's next batch. */
interface PendingWrite {
  readonly taskId: string;
  readonly update: (now: string) => TaskUpdate;
  /** Why not to write, given the task's current status; undefined to write. */
  readonly refuse: (current: TaskStatus) => string | undefined;
  readonly what: string;
  readonly resolve: (result: WriteResult) => void;
}

/**
 * Writes are batched per file: while one batch is being written, the next requests wait and then
 * go together (one read, one edit, one write), so a burst of runs finishing in one file costs one
 * write, not one each, and none is lost.
 */
export class StatusWriter {
  private readonly pending = new Map<string, PendingWrite[]>();
  private readonly busy = new Set<string>();

  constructor(
    private readonly files: TaskFileAccess,
    private readonly locate: TaskLocator,
    private readonly store: Pick<RunStore, 'runsOfTask'>,
    private readonly options: StatusWriterOptions = {},
  ) {}

  private now(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
  }

  /**
   * Run Task started a run: the task becomes IN_PROGRESS, whatever it said before, updated at
   * `startedAt` (the time the Job was rendered with) or now.
   */
  writeStarted(file: string, taskId: string, startedAt?: string): Promise<WriteResult> {
    return this.enqueue(file, { taskId, what: 'status IN_PROGRESS', update: (now) => ({ status: 'IN_PROGRESS', updatedAt: startedAt ?? now }), refuse: () => undefined });
  }

  /** A run ended: written only when it is the task's newest run and the task is still IN_PROGRESS. */
  writeOutcome(run: TrackedRun, status: 'COMPLETED' | 'FAILED' | 'CANCELLED'): Promise<WriteResult> {
    const file = this.locate(run.taskId, run.taskFile);
    if (!file) return Promise.resolve({ written: false, reason: `no task file in the workspace has the task ${run.taskId}` });
    return this.enqueue(file, {
      taskId: run.taskId,
      what: `status ${status}`,
      update: (now) => ({ status, updatedAt: now }),
      refuse: (current) => {
        const newest = this.store.runsOfTask(run.taskId)[0];
        if (newest && newest.uid !== run.uid) return `a newer run (${newest.name}) of the task exists`;
        if (current !== 'IN_PROGRESS') return `the task's status is ${current}, not IN_PROGRESS`;
        return undefined;
      },
    });
  }

  /** Records collected files on the run's task (`documents`, workspace-relative), replacing the list. */
  writeDocuments(run: TrackedRun, documents: readonly string[]): Promise<WriteResult> {
    const file = this.locate(run.taskId, run.taskFile);
    if (!file) return Promise.resolve({ written: false, reason: `no task file in the workspace has the task ${run.taskId}` });
    return this.enqueue(file, { taskId: run.taskId, what: 'documents', update: () => ({ documents }), refuse: () => undefined });
  }

  private enqueue(file: string, write: Omit<PendingWrite, 'resolve'>): Promise<WriteResult> {
    return new Promise((resolve) => {
      const list = this.pending.get(file) ?? [];
      list.push({ ...write, resolve });
      this.pending.set(file, list);
      void this.drain(file);
    });
  }

  private async drain(file: string): Promise<void> {
    if (this.busy.has(file)) return;
    this.busy.add(file);
    try {
      for (let batch = this.take(file); batch.length > 0; batch = this.take(file)) {
        try {
          await this.writeBatch(file, batch);
        } catch (error) {
          const reason = `writing ${file} failed: ${error instanceof Error ? error.message : String(error)}`;
          for (const write of batch) write.resolve(this.skipped(reason));
        }
      }
    } finally {
      this.busy.delete(file);
    }
  }

  /** The waiting writes, at most one per task (a second write of a task waits for the next batch). */
  private take(file: string): PendingWrite[] {
    const waiting = this.pending.get(file) ?? [];
    const batch: PendingWrite[] = [];
    const later: PendingWrite[] = [];
    const tasks = new Set<string>();
    for (const write of waiting) {
      if (tasks.has(write.taskId)) later.push(write);
      else {
        tasks.add(write.taskId);
        batch.push(write);
      }
    }
    if (later.length > 0) this.pending.set(file, later);
    else this.pending.delete(file);
    return batch;
  }

  private async writeBatch(file: string, batch: readonly PendingWrite[]): Promise<void> {
    let open = [...batch];
    for (let attempt = 0; attempt < ATTEMPTS && open.length > 0; attempt++) {
      const text = await this.files.read(file);
      if (text === undefined) {
        for (const write of open) write.resolve(this.skipped(`${file} no longer exists`));
        return;
      }
      // One parse serves the whole batch: the status checks and every task's edits.
      const parsed = parseTasks(text);
      const statuses = new Map(parsed.file.tasks.map((task) => [task.task.id, task.task.status] as const));
      const now = this.now();
      const edits: TaskTextEdit[] = [];
      const done: { write: PendingWrite; result: WriteResult }[] = [];
      for (const write of open) {
        const current = statuses.get(write.taskId);
        if (current === undefined) {
          write.resolve(this.skipped(`${file} has no task ${write.taskId} any more`));
          continue;
        }
        const refusal = write.refuse(current);
        if (refusal) {
          write.resolve(this.skipped(`${write.what} for ${write.taskId} not written: ${refusal}`));
          continue;
        }
        const update = write.update(now);
        // Edits of different tasks never overlap (each stays inside its own YAML document).
        const result = taskUpdateEdits(text, write.taskId, update, parsed);
        edits.push(...result.edits);
        done.push({ write, result: { written: true, file, status: update.status ?? current, ...(result.problem ? { problem: result.problem } : {}) } });
      }
      if (done.length === 0) return;
      if (await this.files.applyEdits(file, text, edits)) {
        for (const { write, result } of done) {
          this.options.log?.(`${write.taskId}: ${write.what} written to ${file}${result.written && result.problem ? ` (${result.problem})` : ''}`);
          write.resolve(result);
        }
        return;
      }
      // The file changed meanwhile (the user typed): compute everything again on the new text.
      open = done.map(({ write }) => write);
    }
    for (const write of open) write.resolve(this.skipped(`${file} kept changing; ${write.what} for ${write.taskId} was not written`));
  }

  private skipped(reason: string): WriteResult {
    this.options.log?.(reason);
    return { written: false, reason };
  }
}
