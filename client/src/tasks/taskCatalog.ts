/**
 * The tasks of every task file in the workspace, parsed and kept by file URI. Pure: the vscode
 * side (workspaceTasks.ts) feeds it text; views and commands read it and listen for changes.
 */
import type { ParsedTask } from '../../../server/src/core/taskModel';
import { parseTaskFile } from '../../../server/src/core/taskParser';
import { Emitter, type Disposable, type Event } from '../util/events';

/** One task of one task file. Only `parsed.complete` tasks can be run. */
export interface CatalogTask {
  readonly fileUri: string;
  /** The file relative to its workspace folder (as in the Job's `keruta.io/task-file` annotation). */
  readonly relativePath: string;
  readonly parsed: ParsedTask;
}

interface CatalogFile {
  readonly relativePath: string;
  readonly tasks: readonly CatalogTask[];
  /** What views show of the file; locations are left out so that edits elsewhere fire no event. */
  readonly signature: string;
}

const collator = new Intl.Collator(undefined, { numeric: true });

/** Highest priority first, then title, then id; file and document order keep it total. */
function byPriorityTitleId(a: CatalogTask, b: CatalogTask): number {
  const ta = a.parsed.task;
  const tb = b.parsed.task;
  return (
    tb.priority - ta.priority ||
    collator.compare(ta.title, tb.title) ||
    collator.compare(ta.id, tb.id) ||
    byFileOrder(a, b)
  );
}

function byFileOrder(a: CatalogTask, b: CatalogTask): number {
  return collator.compare(a.relativePath, b.relativePath) || compareStrings(a.fileUri, b.fileUri) || a.parsed.documentIndex - b.parsed.documentIndex;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function signatureOf(relativePath: string, tasks: readonly ParsedTask[]): string {
  return JSON.stringify([relativePath, tasks.map((t) => [t.documentIndex, t.complete, t.task])]);
}

export class TaskCatalog implements Disposable {
  private readonly byFile = new Map<string, CatalogFile>();
  private sorted: readonly CatalogTask[] | undefined;
  private readonly changed = new Emitter<void>();
  /** Fires after something views show changed (not on edits that only move text around). */
  readonly onDidChange: Event<void> = this.changed.event;

  /** Parses the file's text and keeps its tasks; returns whether anything visible changed. */
  update(fileUri: string, relativePath: string, text: string): boolean {
    const parsed = parseTaskFile(text).tasks;
    const signature = signatureOf(relativePath, parsed);
    const visible = this.byFile.get(fileUri)?.signature !== signature;
    // Always keep the newest parse: callers read locations from it even when nothing visible changed.
    this.byFile.set(fileUri, { relativePath, signature, tasks: parsed.map((p) => ({ fileUri, relativePath, parsed: p })) });
    this.sorted = undefined;
    if (visible) this.changed.fire();
    return visible;
  }

  remove(fileUri: string): boolean {
    if (!this.byFile.delete(fileUri)) return false;
    this.sorted = undefined;
    this.changed.fire();
    return true;
  }

  clear(): void {
    if (this.byFile.size === 0) return;
    this.byFile.clear();
    this.sorted = undefined;
    this.changed.fire();
  }

  /** Every task, complete or not: highest priority first, then title, then id. */
  tasks(): readonly CatalogTask[] {
    this.sorted ??= [...this.byFile.values()].flatMap((file) => file.tasks).sort(byPriorityTitleId);
    return this.sorted;
  }

  /** The tasks of one file, in document order. */
  tasksOf(fileUri: string): readonly CatalogTask[] {
    return this.byFile.get(fileUri)?.tasks ?? [];
  }

  /** Every task with this id (ids may be duplicated across and within files), in file order. */
  find(taskId: string): readonly CatalogTask[] {
    if (taskId.trim() === '') return [];
    return this.tasks().filter((t) => t.parsed.task.id === taskId).sort(byFileOrder);
  }

  /** URIs of the task files known, including files without tasks. */
  files(): readonly string[] {
    return [...this.byFile.keys()];
  }

  relativePathOf(fileUri: string): string | undefined {
    return this.byFile.get(fileUri)?.relativePath;
  }

  dispose(): void {
    this.changed.dispose();
    this.byFile.clear();
    this.sorted = undefined;
  }
}

/**
 * The task a Job was made from: the one in the file its `keruta.io/task-file` annotation names,
 * otherwise the first with that id.
 */
export function findTaskInCatalog(catalog: TaskCatalog, taskId: string, taskFileHint?: string): CatalogTask | undefined {
  const candidates = catalog.find(taskId);
  const normalized = taskFileHint?.replace(/\\/g, '/');
  return (normalized ? candidates.find((t) => t.relativePath.replace(/\\/g, '/') === normalized) : undefined) ?? candidates[0];
}
