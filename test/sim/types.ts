/**
 * Interfaces between the parts of the cluster simulator: the object store (REST storage and
 * watches), the workload runtime (Job controller + kubelet + container file systems + logs), and
 * the protocol handlers (REST, watch, logs, exec). Each part is built against these only.
 */
import type { Readable } from 'node:stream';

/** The stored resources. */
export type ResourceName = 'namespaces' | 'pods' | 'secrets' | 'jobs';

export interface ObjectMetaLike {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  finalizers?: string[];
  generation?: number;
}

/** Any stored object: plain JSON as it goes over the wire. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMetaLike;
  [field: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly type: WatchEventType;
  readonly resource: ResourceName;
  /** A deep copy of the object after the change (for DELETED: as it was, with the deletion's resourceVersion). */
  readonly object: KubeObject;
  readonly resourceVersion: number;
}

/** A parsed label selector (`a=b,c!=d,e,!f,g in (x,y),h notin (z)`). */
export interface LabelSelector {
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
}

/**
 * The in-memory storage. One global, monotonically increasing resourceVersion, as etcd gives.
 * All methods are synchronous and return deep copies; listeners are called synchronously after
 * each change (controllers must defer their own reactions).
 */
export interface Store {
  /** The latest resourceVersion handed out. */
  readonly resourceVersion: number;
  /** Stores a new object: sets uid, resourceVersion, creationTimestamp, and a name from generateName. Throws StoreError('AlreadyExists'). */
  create(resource: ResourceName, object: KubeObject): KubeObject;
  get(resource: ResourceName, namespace: string | undefined, name: string): KubeObject | undefined;
  list(resource: ResourceName, namespace?: string, selector?: LabelSelector, fieldSelector?: (object: KubeObject) => boolean): KubeObject[];
  /** Replaces an existing object (bumping its resourceVersion) and emits MODIFIED. Throws StoreError('NotFound'). */
  update(resource: ResourceName, object: KubeObject): KubeObject;
  /** Reads, lets `change` edit a copy, and updates; undefined when the object does not exist. */
  mutate(resource: ResourceName, namespace: string | undefined, name: string, change: (object: KubeObject) => void): KubeObject | undefined;
  /** Removes the object and emits DELETED; undefined when it did not exist. */
  remove(resource: ResourceName, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Every change, for controllers. Returns the unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void;
  /**
   * The events of `resource` after `resourceVersion`, for resuming a watch; `'expired'` when
   * that version is older than the retained history (the watch answers 410 Expired).
   */
  eventsSince(resource: ResourceName, resourceVersion: number): StoreEvent[] | 'expired';
  /** Forgets all history up to now, so that every older resourceVersion is expired (a fault). */
  compact(): void;
}

export class StoreError extends Error {
  constructor(
    readonly reason: 'NotFound' | 'AlreadyExists' | 'Conflict',
    message: string,
  ) {
    super(message);
  }
}

/** Simulated time: every delay in the simulator goes through this so tests can speed it up. */
export interface SimClock {
  /** Milliseconds of real time for `seconds` of simulated time. */
  ms(seconds: number): number;
  /** setTimeout in simulated seconds; returns a cancel function. Timers stop when the simulator closes. */
  after(seconds: number, action: () => void): () => void;
  /** The current time as an RFC 3339 string (second precision), as Kubernetes writes it. */
  nowIso(): string;
}

// ---------------------------------------------------------------------------------------------
// The workload runtime, as seen by the log and exec handlers

export type ContainerRuntimeState =
  | { readonly state: 'waiting'; readonly reason: string; readonly message?: string }
  | { readonly state: 'running'; readonly startedAt: string }
  | { readonly state: 'terminated'; readonly exitCode: number; readonly reason: string; readonly finishedAt: string };

/** A container's log: text so far, and live chunks until the container (instance) ends. */
export interface LogSource {
  /** Everything logged so far. */
  text(): string;
  /** Whether the container instance has ended (no more output will come). */
  ended(): boolean;
  /** Called for each later chunk; returns unsubscribe. */
  onData(listener: (chunk: string) => void): () => void;
  /** Called once when the instance ends (immediately-if-already is the caller's job, via ended()). */
  onEnd(listener: () => void): () => void;
}

export type FileEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'character-device' | 'block-device' | 'fifo';

/** One entry of a directory walk, in the order `tar` would write it. */
export interface FileEntry {
  /**
   * Path relative to the walked directory, '/'-separated, e.g. `./notes/a.md`. Hostile images may
   * report crafted paths here (`../../etc/passwd`, `/abs/path`), which tar then writes as-is.
   */
  readonly path: string;
  readonly type: FileEntryType;
  readonly size: number;
  readonly mode: number;
  readonly mtime: Date;
  /** For symlinks and hard links. */
  readonly linkname?: string;
  /** The content of a regular file, streamed (files can be large and generated on the fly). */
  open?(): Readable;
}

/** The file system a container sees (its volume mounts resolved), for exec. */
export interface ContainerFileSystem {
  exists(path: string): boolean;
  isDirectory(path: string): boolean;
  /** All entries below `dir` (not including `dir` itself), depth-first, parents before children. */
  walk(dir: string): FileEntry[];
  readFile(path: string): Buffer | undefined;
  /** Creates or replaces a regular file (e.g. `touch /.keruta/ctl/release`); throws if the parent is missing or read-only. */
  writeFile(path: string, content: Buffer): void;
  mkdir(path: string): void;
  /** Environment of the container (for `env` / `printenv`). */
  env(): Readonly<Record<string, string>>;
}

/** What the runtime offers to the log and exec handlers. */
export interface WorkloadRuntime {
  /** The state of a container of a pod, or undefined when the pod or container does not exist. */
  containerState(namespace: string, pod: string, container: string): ContainerRuntimeState | undefined;
  /** The log of the current (or, with previous, the last terminated) instance of a container. */
  logs(namespace: string, pod: string, container: string, previous: boolean): LogSource | undefined;
  /** The file system of a running container; undefined when the container is not running. */
  fileSystem(namespace: string, pod: string, container: string): ContainerFileSystem | undefined;
}
