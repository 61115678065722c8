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
import { parseTaskFile } from '../../../server/src/core/taskParser';
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

export class StatusWriter {
  /** One write at a time per file, in order, so two runs finishing together both land. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly files: TaskFileAccess,
    private readonly locate: TaskLocator,
    private readonly store: Pick<RunStore, 'runsOfTask'>,
    private readonly options: StatusWriterOptions = {},
  ) {}

  private now(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
  }

  /** Run Task started a run: the task becomes IN_PROGRESS, whatever it said before. */
  writeStarted(file: string, taskId: string): Promise<WriteResult> {
    return this.serialize(file, () => this.write(file, taskId, 'IN_PROGRESS', () => undefined));
  }

  /** A run ended: written only when it is the task's newest run and the task is still IN_PROGRESS. */
  writeOutcome(run: TrackedRun, status: 'COMPLETED' | 'FAILED' | 'CANCELLED'): Promise<WriteResult> {
    const file = this.locate(run.taskId, run.taskFile);
    if (!file) return Promise.resolve({ written: false, reason: `no task file in the workspace has the task ${run.taskId}` });
    return this.serialize(file, () =>
      this.write(file, run.taskId, status, (current) => {
        const newest = this.store.runsOfTask(run.taskId)[0];
        if (newest && newest.uid !== run.uid) return `a newer run (${newest.name}) of the task exists`;
        if (current !== 'IN_PROGRESS') return `the task's status is ${current}, not IN_PROGRESS`;
        return undefined;
      }),
    );
  }

  /** Records collected files on the run's task (`documents`, workspace-relative), replacing the list. */
  writeDocuments(run: TrackedRun, documents: readonly string[]): Promise<WriteResult> {
    const file = this.locate(run.taskId, run.taskFile);
    if (!file) return Promise.resolve({ written: false, reason: `no task file in the workspace has the task ${run.taskId}` });
    return this.serialize(file, () => this.writeUpdate(file, run.taskId, { documents }, 'documents'));
  }

  private serialize<T>(file: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(file) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(file, settled);
    void settled.then(() => {
      if (this.queues.get(file) === settled) this.queues.delete(file);
    });
    return next;
  }

  private async write(file: string, taskId: string, status: TaskStatus, refuse: (current: TaskStatus) => string | undefined): Promise<WriteResult> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const text = await this.files.read(file);
      if (text === undefined) return this.skipped(`${file} no longer exists`);
      const task = parseTaskFile(text).tasks.find((candidate) => candidate.task.id === taskId);
      if (!task) return this.skipped(`${file} has no task ${taskId} any more`);
      const refusal = refuse(task.task.status);
      if (refusal) return this.skipped(`${status} for ${taskId} not written: ${refusal}`);
      const { edits, found, problem } = taskUpdateEdits(text, taskId, { status, updatedAt: this.now() });
      if (!found) return this.skipped(`${file} has no task ${taskId} any more`);
      if (await this.files.applyEdits(file, text, edits)) {
        this.options.log?.(`${taskId}: status ${status} written to ${file}${problem ? ` (${problem})` : ''}`);
        return { written: true, file, status, ...(problem ? { problem } : {}) };
      }
    }
    return this.skipped(`${file} kept changing; ${status} for ${taskId} was not written`);
  }

  private async writeUpdate(file: string, taskId: string, update: TaskUpdate, what: string): Promise<WriteResult> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const text = await this.files.read(file);
      if (text === undefined) return this.skipped(`${file} no longer exists`);
      const { edits, found, problem } = taskUpdateEdits(text, taskId, update);
      if (!found) return this.skipped(`${file} has no task ${taskId} any more`);
      const status = parseTaskFile(text).tasks.find((candidate) => candidate.task.id === taskId)?.task.status ?? 'PENDING';
      if (await this.files.applyEdits(file, text, edits)) {
        this.options.log?.(`${taskId}: ${what} written to ${file}${problem ? ` (${problem})` : ''}`);
        return { written: true, file, status, ...(problem ? { problem } : {}) };
      }
    }
    return this.skipped(`${file} kept changing; ${what} for ${taskId} was not written`);
  }

  private skipped(reason: string): WriteResult {
    this.options.log?.(reason);
    return { written: false, reason };
  }
}
