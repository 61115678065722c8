/**
 * What one Pod of a keruta Job says about the run: its main container, its trouble (pull, config,
 * scheduling, crash loop) and a one-line summary for the tree. Pure: reads `kubernetes-types`
 * objects as the API server returns them.
 */
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1';
import { COLLECTOR_CONTAINER, MAIN_CONTAINER } from '../../../server/src/core/collectorPod';

export const CRASH_LOOP_BACK_OFF = 'CrashLoopBackOff';
export const UNSCHEDULABLE = 'Unschedulable';

/**
 * Waiting reasons that mean a container cannot start until someone fixes something, shown while
 * they last. `ContainerCreating` and `PodInitializing` are ordinary steps and not listed.
 */
export const PROBLEM_WAITING_REASONS: ReadonlySet<string> = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  CRASH_LOOP_BACK_OFF,
]);

/** One Pod of a run, as the tree shows it. */
export interface PodSummary {
  readonly name: string;
  /** `status.phase` (`Pending` before the kubelet wrote one). */
  readonly phase: string;
  /** Ready containers over containers, as `kubectl get pods` counts them (sidecars included). */
  readonly ready: string;
  /** Restarts of all containers together. */
  readonly restarts: number;
  /** Why the Pod is not simply running: a waiting or terminated reason, `Unschedulable`, `Terminating`, `Evicted`… */
  readonly reason?: string;
  /**
   * Exit code of the main container's last finished run: its terminated state, or, while it
   * waits in CrashLoopBackOff, the run that crashed.
   */
  readonly mainExitCode?: number;
  /** Only for Pods with a collector: whether it still runs (so `/.keruta/doc` can be copied out). */
  readonly collectorRunning?: boolean;
}

/** A reason to show for a run that is not finished, with the Kubernetes message behind it. */
export interface PodProblem {
  readonly pod: string;
  readonly container?: string;
  readonly reason: string;
  readonly message?: string;
}

export function podName(pod: Pod): string {
  return pod.metadata?.name ?? '';
}

export function isPodFinished(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Not finished and not being deleted: a Pod whose state still matters for the run. */
export function isPodActive(pod: Pod): boolean {
  return !isPodFinished(pod) && !pod.metadata?.deletionTimestamp;
}

/**
 * The name of the container whose exit code is the task's outcome: `main` in every Job keruta
 * renders; for a hand-edited Job (Run Job YAML) the first regular container that is not the collector.
 */
export function mainContainerName(pod: Pod): string | undefined {
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  const statusNames = (pod.status?.containerStatuses ?? []).map((s) => s.name);
  if (names.includes(MAIN_CONTAINER) || statusNames.includes(MAIN_CONTAINER)) return MAIN_CONTAINER;
  return [...names, ...statusNames].find((name) => name !== COLLECTOR_CONTAINER);
}

export function mainContainerStatus(pod: Pod): ContainerStatus | undefined {
  const name = mainContainerName(pod);
  return name === undefined ? undefined : pod.status?.containerStatuses?.find((s) => s.name === name);
}

/** The collector container's status (a native sidecar's among the init containers). */
export function collectorStatus(pod: Pod): ContainerStatus | undefined {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((s) => s.name === COLLECTOR_CONTAINER);
}

/** The collector has not started yet (or not again): it waits, whatever the reason. */
export function isCollectorWaiting(pod: Pod): boolean {
  return collectorStatus(pod)?.state?.waiting !== undefined;
}

function hasCollector(pod: Pod): boolean {
  const named = (c: { name: string }): boolean => c.name === COLLECTOR_CONTAINER;
  return (pod.spec?.initContainers ?? []).some(named) || (pod.spec?.containers ?? []).some(named) || collectorStatus(pod) !== undefined;
}

export function mainExitCode(pod: Pod): number | undefined {
  const main = mainContainerStatus(pod);
  if (!main) return undefined;
  if (main.state?.terminated) return main.state.terminated.exitCode;
  if (main.state?.waiting?.reason === CRASH_LOOP_BACK_OFF) return main.lastState?.terminated?.exitCode;
  return undefined;
}

/** The main container waits in CrashLoopBackOff right now. */
export function isMainCrashLooping(pod: Pod): boolean {
  return isPodActive(pod) && mainContainerStatus(pod)?.state?.waiting?.reason === CRASH_LOOP_BACK_OFF;
}

/**
 * The main container is between two runs of a crash loop: it has been restarted after failing
 * and has not ended well since (running again, or just crashed and about to wait).
 */
export function isMainRestartingAfterCrash(pod: Pod): boolean {
  if (!isPodActive(pod) || pod.spec?.restartPolicy === 'Never') return false;
  const main = mainContainerStatus(pod);
  if (!main) return false;
  if (main.state?.waiting?.reason === CRASH_LOOP_BACK_OFF) return true;
  if (main.state?.terminated) return main.state.terminated.exitCode !== 0;
  return main.restartCount > 0 && (main.lastState?.terminated?.exitCode ?? 0) !== 0;
}

/**
 * How long the run that crashed last had been up before it crashed, in ms (from the kubelet's
 * own timestamps, so no clock skew), when the main container waits in CrashLoopBackOff.
 */
export function lastCrashedRunMillis(pod: Pod): number | undefined {
  const last = mainContainerStatus(pod)?.lastState?.terminated;
  if (!last?.startedAt || !last.finishedAt) return undefined;
  const millis = Date.parse(last.finishedAt) - Date.parse(last.startedAt);
  return Number.isFinite(millis) ? millis : undefined;
}

/** The waiting message of the main container, when it waits. */
export function mainWaitingMessage(pod: Pod): string | undefined {
  return mainContainerStatus(pod)?.state?.waiting?.message;
}

/** Trouble that keeps this Pod from running its task, the main container's first; none for a healthy or finished Pod. */
export function podProblems(pod: Pod): PodProblem[] {
  if (isPodFinished(pod)) return [];
  const name = podName(pod);
  const problems: PodProblem[] = [];
  const mainName = mainContainerName(pod);
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  statuses.sort((a, b) => Number(b.name === mainName) - Number(a.name === mainName));
  for (const status of statuses) {
    const waiting = status.state?.waiting;
    if (!waiting?.reason || !PROBLEM_WAITING_REASONS.has(waiting.reason)) continue;
    problems.push({
      pod: name,
      container: status.name,
      reason: waiting.reason,
      ...(waiting.message !== undefined ? { message: waiting.message } : {}),
    });
  }
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === UNSCHEDULABLE) {
    problems.push({ pod: name, reason: UNSCHEDULABLE, ...(scheduled.message !== undefined ? { message: scheduled.message } : {}) });
  }
  return problems;
}

function readyCount(pod: Pod): string {
  const regular = pod.spec?.containers?.map((c) => c.name) ?? (pod.status?.containerStatuses ?? []).map((s) => s.name);
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name);
  const counted = new Set([...regular, ...sidecars]);
  const ready = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].filter((s) => counted.has(s.name) && s.ready).length;
  return `${ready}/${counted.size}`;
}

function summaryReason(pod: Pod): string | undefined {
  if (pod.metadata?.deletionTimestamp && !isPodFinished(pod)) return 'Terminating';
  if (pod.status?.reason) return pod.status.reason;
  const problem = podProblems(pod)[0];
  if (problem) return problem.reason;
  const main = mainContainerStatus(pod);
  return main?.state?.waiting?.reason ?? main?.state?.terminated?.reason;
}

export function summarizePod(pod: Pod): PodSummary {
  const restarts = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
  const reason = summaryReason(pod);
  const exitCode = mainExitCode(pod);
  return {
    name: podName(pod),
    phase: pod.status?.phase ?? 'Pending',
    ready: readyCount(pod),
    restarts,
    ...(reason !== undefined ? { reason } : {}),
    ...(exitCode !== undefined ? { mainExitCode: exitCode } : {}),
    ...(hasCollector(pod) ? { collectorRunning: collectorStatus(pod)?.state?.running !== undefined && !isPodFinished(pod) } : {}),
  };
}

/** Oldest first, by creation time, then name. */
export function byCreation(a: Pod, b: Pod): number {
  const at = a.metadata?.creationTimestamp ?? '';
  const bt = b.metadata?.creationTimestamp ?? '';
  return at < bt ? -1 : at > bt ? 1 : podName(a).localeCompare(podName(b));
}
