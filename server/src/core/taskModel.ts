/**
 * The keruta task as the rest of the system sees it. Pure data: no `vscode`, no LSP connection.
 */

export const TASK_STATUSES = [
  'PENDING',
  'IN_PROGRESS',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'WAITING_FOR_INPUT',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export function isTaskStatus(value: unknown): value is TaskStatus {
  return typeof value === 'string' && (TASK_STATUSES as readonly string[]).includes(value);
}

/** Half-open character offsets `[start, end)` into the task file's text. */
export type Span = readonly [start: number, end: number];

/** A value with where it stands in the file (`valueSpan`) and where its key stands (`keySpan`). */
export interface Located<T> {
  readonly value: T;
  readonly valueSpan: Span;
  readonly keySpan: Span;
}

/** A literal extra variable. */
export interface LiteralEnvVar {
  readonly name: string;
  readonly value: string;
}

/** A variable whose value comes from a Secret: rendered as `valueFrom.secretKeyRef`, never inlined. */
export interface SecretEnvVar {
  readonly name: string;
  readonly secretKeyRef: { readonly name: string; readonly key: string; readonly optional?: boolean };
}

export type TaskEnvVar = LiteralEnvVar | SecretEnvVar;

export function isSecretEnvVar(env: TaskEnvVar): env is SecretEnvVar {
  return 'secretKeyRef' in env;
}

export interface ResourceList {
  readonly cpu?: string;
  readonly memory?: string;
  readonly [resource: string]: string | undefined;
}

export interface TaskResources {
  readonly requests?: ResourceList;
  readonly limits?: ResourceList;
}

/** How a task runs: the `job` section of a task document. */
export interface TaskJobSpec {
  readonly image?: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  /** Extra env in file order, rendered after the seven KERUTA_TASK_* variables. */
  readonly env: readonly TaskEnvVar[];
  readonly resources?: TaskResources;
  readonly namespace?: string;
  readonly serviceAccountName?: string;
  readonly ttlSecondsAfterFinished?: number;
  readonly backoffLimit?: number;
  readonly activeDeadlineSeconds?: number;
  /** Whether `/.keruta/doc` is collected after the run (default true). */
  readonly collect?: boolean;
}

/** A task after defaults are applied: what the renderer consumes. */
export interface Task {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly priority: number;
  readonly status: TaskStatus;
  readonly createdAt?: string;
  readonly updatedAt?: string;
  readonly documents: readonly string[];
  readonly job: TaskJobSpec;
}

/** Positions of the task's fields, for diagnostics and position-aware write-back. */
export interface TaskLocations {
  /** The whole YAML document holding the task. */
  readonly documentSpan: Span;
  /** The top-level mapping, when the document is one. */
  readonly mappingSpan?: Span;
  /** Every top-level key of the task, including unknown ones (for diagnostics). */
  readonly fields: ReadonlyMap<string, Located<unknown>>;
  /** Every key of the `job` section. */
  readonly jobFields: ReadonlyMap<string, Located<unknown>>;
}

export interface ParsedTask {
  /** Index of the YAML document in the file (0-based). */
  readonly documentIndex: number;
  readonly task: Task;
  readonly locations: TaskLocations;
  /** Whether the task had every required field (id, title) and can be run. */
  readonly complete: boolean;
}

export type ProblemSeverity = 'error' | 'warning' | 'information';

/** Something wrong in a task file; the parser reports these instead of throwing. */
export interface TaskFileProblem {
  /** Stable string code, e.g. `yaml-syntax`, `task-missing-id`. */
  readonly code: string;
  readonly severity: ProblemSeverity;
  readonly message: string;
  readonly span: Span;
}

export interface ParsedTaskFile {
  readonly tasks: readonly ParsedTask[];
  readonly problems: readonly TaskFileProblem[];
}

/** The top-level keys a task document may have. */
export const TASK_KEYS = [
  'id',
  'title',
  'description',
  'priority',
  'status',
  'createdAt',
  'updatedAt',
  'documents',
  'job',
] as const;

/** The keys of a task's `job` section. */
export const JOB_KEYS = [
  'image',
  'command',
  'args',
  'env',
  'resources',
  'namespace',
  'serviceAccountName',
  'ttlSecondsAfterFinished',
  'backoffLimit',
  'activeDeadlineSeconds',
  'collect',
] as const;

/** File name patterns of keruta task files. */
export const TASK_FILE_GLOB = '**/*.keruta.{yaml,yml}';

export function isTaskFileName(path: string): boolean {
  return /\.keruta\.ya?ml$/i.test(path);
}
