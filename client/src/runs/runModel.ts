/**
 * What the rest of the client sees of runs: a keruta Job as the watch last delivered it, its
 * derived state, and the store that holds them. Views read this; they never see client-node.
 */
import type { Job } from 'kubernetes-types/batch/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { ClusterError } from '../cluster/errors';
import type { Event } from '../util/events';
import type { RunState } from './runState';

/** One keruta Job and what it means for its task. */
export interface TrackedRun {
  /** The Job's uid: stable across re-lists and reloads. */
  readonly uid: string;
  readonly namespace: string;
  /** The Job's name. */
  readonly name: string;
  /** From the `keruta.io/task-id` label/annotation. */
  readonly taskId: string;
  /** From the `keruta.io/task-title` annotation. */
  readonly taskTitle?: string;
  /** From the `keruta.io/task-file` annotation: the task file, relative to its workspace folder. */
  readonly taskFile?: string;
  /** When the run was started: the `keruta.io/started-at` annotation (ms precision), else the Job's creationTimestamp. */
  readonly createdAt: string;
  /** Derived from the Job and its Pods; `gone` once the Job was deleted and no earlier terminal state is known. */
  readonly state: RunState;
  /**
   * The Job no longer exists (its TTL, Stop, Clean Up or someone else deleted it). `state` then
   * keeps the last state seen while it existed, unless the run never got that far.
   */
  readonly gone: boolean;
  /** The user stopped the run from this window. */
  readonly stopped: boolean;
  /** The Job as last seen (undefined once gone). */
  readonly job?: Job;
  /** The Job's Pods as last seen, oldest first. */
  readonly pods: readonly Pod[];
}

/** How the watch of one namespace is doing. */
export type WatchHealth =
  | { readonly state: 'connecting' }
  | { readonly state: 'live' }
  /** Lost: retrying with back-off; `error` says why (unreachable, 403, …). */
  | { readonly state: 'retrying'; readonly error: ClusterError; readonly retryAt: number };

export interface RunChange {
  /** Runs whose state changed (including runs that appeared or went). */
  readonly runs: readonly TrackedRun[];
}

/** A run reached its outcome: emitted once per Job, when it entered a terminal phase while watched. */
export interface RunFinished {
  readonly run: TrackedRun;
  readonly outcome: 'COMPLETED' | 'FAILED';
  /**
   * Whether the run was seen before it finished. False for runs that had already finished when
   * the watch first listed them (after a reload): their outcome is written back, not announced.
   */
  readonly observedLive: boolean;
}

/** The runs the client knows about, fed by the watches. */
export interface RunStore {
  /** Every known run, newest first. */
  runs(): readonly TrackedRun[];
  /** A task's runs, newest first. */
  runsOfTask(taskId: string): readonly TrackedRun[];
  /** Runs that are not terminal and not gone, newest first. */
  activeRuns(): readonly TrackedRun[];
  run(uid: string): TrackedRun | undefined;
  /** Namespaces watched and how each watch is doing. */
  health(): ReadonlyMap<string, WatchHealth>;
  readonly onDidChange: Event<RunChange>;
  readonly onDidChangeHealth: Event<void>;
  readonly onDidFinish: Event<RunFinished>;
}

export function isActive(run: TrackedRun): boolean {
  return !run.gone && run.state.phase !== 'succeeded' && run.state.phase !== 'failed' && run.state.phase !== 'gone';
}

/** Newest first, by start time (instants, whatever the ISO precision) then name. */
export function newestFirst(a: TrackedRun, b: TrackedRun): number {
  return (Date.parse(b.createdAt) || 0) - (Date.parse(a.createdAt) || 0) || b.name.localeCompare(a.name);
}
