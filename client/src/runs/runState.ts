/**
 * A run's state, derived from its Job and Pods as the watch last delivered them: the phase the tree
 * and status bar show, the reason behind it, and the task status to write back. Pure and stateless
 * except for the little the caller carries from one call to the next (when a crash loop was first
 * seen, whether it already failed the run), so the same objects always give the same state.
 *
 * ```ts
 * const next = deriveRunState(job, pods, runContext(previous, Date.now(), crashLoopFailSeconds));
 * const status = finalTaskStatus(previous, next); // COMPLETED/FAILED once, on entering a terminal phase
 * if (next.stopJob && !previous?.stopJob) deleteJob(); // the crash loop lasted too long
 * if (next.recheckAt !== undefined) schedule(next.recheckAt); // a waiting Pod sends no events
 * ```
 *
 * The task's outcome is judged from the Job's conditions, which the Job controller derives from
 * the Pod phase, that is from the main container's exit code: the collector always exits 0.
 */
import * as l10n from '@vscode/l10n';
import type { Job, JobCondition } from 'kubernetes-types/batch/v1';
import type { ContainerStateTerminated, Pod } from 'kubernetes-types/core/v1';
import { COLLECTOR_CONTAINER } from '../../../server/src/core/collectorPod';
import {
  byCreation,
  CRASH_LOOP_BACK_OFF,
  isCollectorWaiting,
  isMainCrashLooping,
  isMainRestartingAfterCrash,
  isPodActive,
  isPodFinished,
  lastCrashedRunMillis,
  mainContainerStatus,
  mainWaitingMessage,
  podProblems,
  type PodSummary,
  summarizePod,
} from './podState';

export { type PodSummary } from './podState';

/** Upstream keruta fails a task whose Pod crash-loops for five minutes. */
export const DEFAULT_CRASH_LOOP_FAIL_SECONDS = 300;

/**
 * - `pending`: no Pod runs yet (not created, not scheduled, pulling, waiting for a Secret, backing off);
 * - `running`: a Pod runs;
 * - `finishing`: the task is done well, the Job not yet Complete (`SuccessCriteriaMet`, or the main
 *   container exited 0 while the collector keeps the Pod up for `/.keruta/doc`);
 * - `failing`: the Job will fail (`FailureTarget`) and is stopping its Pods;
 * - `succeeded` / `failed`: terminal (`Complete` / `Failed`, or a crash loop that lasted too long);
 * - `gone`: the Job no longer exists (deleted by its TTL, by Stop, or by someone else).
 */
export type RunPhase = 'pending' | 'running' | 'finishing' | 'failing' | 'succeeded' | 'failed' | 'gone';

export type RunTaskStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface RunState {
  readonly phase: RunPhase;
  /** Set only in the terminal phases: `COMPLETED` or `FAILED` (never `IN_PROGRESS`: Run Task writes that). */
  readonly taskStatus: RunTaskStatus | undefined;
  /**
   * The Kubernetes reason: the Job condition's (`BackoffLimitExceeded`, `DeadlineExceeded`,
   * `PodFailurePolicy`, `CompletionsReached`…) or a Pod's (`ImagePullBackOff`, `ErrImagePull`,
   * `CreateContainerConfigError`, `Unschedulable`, `CrashLoopBackOff`…).
   */
  readonly reason?: string;
  /** The Kubernetes message behind `reason` (condition message, waiting message, scheduler message). */
  readonly message?: string;
  /** The Job's `status.startTime`. */
  readonly startedAt?: string;
  /** When the Job finished: `completionTime`, or the `Failed` condition's transition time. */
  readonly finishedAt?: string;
  /** The Job's Pods, oldest first. */
  readonly podSummaries: readonly PodSummary[];
  /** The main container's exit code in the newest Pod that has one. */
  readonly mainExitCode?: number;
  /**
   * The run failed without the Job knowing: a crash loop, or a collector that could not start,
   * lasted longer than allowed. The Job should be stopped (stays true while the Job exists).
   */
  readonly stopJob?: boolean;
  /** When the current crash loop was first seen (the caller's clock, ms); pass it back as `firstCrashLoopAt`. */
  readonly crashLoopSince?: number;
  /** When the collector was first seen unable to start (the caller's clock, ms); pass it back as `firstCollectorStuckAt`. */
  readonly collectorStuckSince?: number;
  /** Derive the state again at this time (the caller's clock, ms; always later than `now`) even without events: a crash loop may then have lasted too long. */
  readonly recheckAt?: number;
}

export interface RunStateContext {
  /** The caller's clock, ms (e.g. `Date.now()`); only compared with `firstCrashLoopAt`. */
  readonly now: number;
  /** How long a crash loop, or a collector that cannot start, may last before the run fails (default 300 s). */
  readonly crashLoopFailSeconds?: number;
  /** The previous state's `crashLoopSince`. */
  readonly firstCrashLoopAt?: number;
  /** The previous state's `collectorStuckSince`. */
  readonly firstCollectorStuckAt?: number;
  /** The previous state failed the run (`stopJob`), with this reason: keep that verdict while the Job exists. */
  readonly failedVerdict?: { readonly reason?: string; readonly message?: string };
}

/** The context for the next derivation, carried over from the previous state of the same run. */
export function runContext(previous: RunState | undefined, now: number, crashLoopFailSeconds = DEFAULT_CRASH_LOOP_FAIL_SECONDS): RunStateContext {
  return {
    now,
    crashLoopFailSeconds,
    ...(previous?.crashLoopSince !== undefined ? { firstCrashLoopAt: previous.crashLoopSince } : {}),
    ...(previous?.collectorStuckSince !== undefined ? { firstCollectorStuckAt: previous.collectorStuckSince } : {}),
    ...(previous?.stopJob ? { failedVerdict: withText(previous.reason, previous.message) } : {}),
  };
}

function trueCondition(job: Job, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** Pods the Job controls; Pods without owner information (hand-built ones) are taken as given. */
function ownedBy(job: Job): (pod: Pod) => boolean {
  const uid = job.metadata?.uid;
  return (pod) => {
    if (!uid) return true;
    const owner = pod.metadata?.ownerReferences?.find((ref) => ref.controller && ref.kind === 'Job');
    const label = pod.metadata?.labels?.['batch.kubernetes.io/controller-uid'] ?? pod.metadata?.labels?.['controller-uid'];
    if (owner) return owner.uid === uid;
    if (label !== undefined) return label === uid;
    return true;
  };
}

function withText(reason: string | undefined, message: string | undefined): { reason?: string; message?: string } {
  return { ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

export function deriveRunState(job: Job | undefined, pods: readonly Pod[], context: RunStateContext): RunState {
  const limitMs = (context.crashLoopFailSeconds ?? DEFAULT_CRASH_LOOP_FAIL_SECONDS) * 1000;
  const own = (job ? pods.filter(ownedBy(job)) : [...pods]).sort(byCreation);
  const podSummaries = own.map(summarizePod);
  const newestExit = [...podSummaries].reverse().find((s) => s.mainExitCode !== undefined)?.mainExitCode;
  const common = { podSummaries, ...(newestExit !== undefined ? { mainExitCode: newestExit } : {}) };
  if (!job) return { phase: 'gone', taskStatus: undefined, ...common };

  const startedAt = job.status?.startTime;
  const timing = { ...(startedAt ? { startedAt } : {}) };
  const crashLoopFailure = (since: number | undefined, kubernetesMessage: string | undefined): RunState => ({
    phase: 'failed',
    taskStatus: 'FAILED',
    reason: CRASH_LOOP_BACK_OFF,
    message: kubernetesMessage
      ? l10n.t('The main container crash-looped for more than {0} s: {1}', limitMs / 1000, kubernetesMessage)
      : l10n.t('The main container crash-looped for more than {0} s', limitMs / 1000),
    ...timing,
    ...common,
    stopJob: true,
    ...(since !== undefined ? { crashLoopSince: since } : {}),
  });

  // Once written back as FAILED, a run failed here (crash loop, collector) stays failed until the
  // Job is gone, whatever its Pods do while it is being stopped.
  if (context.failedVerdict) {
    return {
      phase: 'failed',
      taskStatus: 'FAILED',
      ...context.failedVerdict,
      ...timing,
      ...common,
      stopJob: true,
      ...(context.firstCrashLoopAt !== undefined ? { crashLoopSince: context.firstCrashLoopAt } : {}),
      ...(context.firstCollectorStuckAt !== undefined ? { collectorStuckSince: context.firstCollectorStuckAt } : {}),
    };
  }

  const complete = trueCondition(job, 'Complete');
  const failed = trueCondition(job, 'Failed');
  if (failed || complete) {
    const terminal = (failed ?? complete)!;
    const finishedAt = (complete ? job.status?.completionTime : undefined) ?? terminal.lastTransitionTime;
    return {
      phase: failed ? 'failed' : 'succeeded',
      taskStatus: failed ? 'FAILED' : 'COMPLETED',
      ...withText(terminal.reason, terminal.message),
      ...timing,
      ...(finishedAt ? { finishedAt } : {}),
      ...common,
    };
  }
  const failureTarget = trueCondition(job, 'FailureTarget');
  if (failureTarget) return { phase: 'failing', taskStatus: undefined, ...withText(failureTarget.reason, failureTarget.message), ...timing, ...common };
  const successCriteria = trueCondition(job, 'SuccessCriteriaMet');
  if (successCriteria) return { phase: 'finishing', taskStatus: undefined, ...withText(successCriteria.reason, successCriteria.message), ...timing, ...common };

  // A crash loop: counted from its first sighting, through the short runs between back-offs.
  const crashing = own.filter(isMainCrashLooping).at(-1);
  let crashLoopSince: number | undefined;
  if (crashing) {
    const lastRun = lastCrashedRunMillis(crashing);
    // A run that lasted longer than the limit ended the old loop; this is a new one. The kubelet's
    // timestamps count whole seconds, hence the extra second.
    const ranWell = lastRun !== undefined && lastRun > limitMs + 1000;
    crashLoopSince = context.firstCrashLoopAt !== undefined && !ranWell ? context.firstCrashLoopAt : context.now;
    if (context.now - crashLoopSince >= limitMs) return crashLoopFailure(crashLoopSince, mainWaitingMessage(crashing));
  } else if (context.firstCrashLoopAt !== undefined && own.some(isMainRestartingAfterCrash)) {
    crashLoopSince = context.firstCrashLoopAt;
  }
  // A collector that cannot start (its image cannot be pulled, its configuration is wrong, it
  // crash-loops) keeps the Pod from ever finishing, whatever the main container does: after the
  // same limit the run fails and the Job is stopped, rather than stay in progress for ever.
  const newestActive = own.filter(isPodActive).at(-1);
  const collectorProblem = newestActive ? podProblems(newestActive).find((problem) => problem.container === COLLECTOR_CONTAINER) : undefined;
  // The clock runs from the first sighting while the collector keeps waiting (between two reasons too).
  const collectorStuckSince = collectorProblem ? (context.firstCollectorStuckAt ?? context.now) : newestActive && isCollectorWaiting(newestActive) ? context.firstCollectorStuckAt : undefined;
  if (collectorProblem && collectorStuckSince !== undefined && context.now - collectorStuckSince >= limitMs) {
    const detail = collectorProblem.message ? `${collectorProblem.reason}: ${collectorProblem.message}` : collectorProblem.reason;
    return {
      phase: 'failed',
      taskStatus: 'FAILED',
      reason: collectorProblem.reason,
      message: l10n.t('The collector container could not start for more than {0} s ({1}), so the Pod could never finish; the Job was stopped. Check keruta.collector.image.', limitMs / 1000, detail),
      ...timing,
      ...common,
      stopJob: true,
      collectorStuckSince,
    };
  }

  // A Pod waiting in back-off sends no events: ask to be called again when a limit is reached.
  // Past it (the container runs again), the next CrashLoopBackOff event fails the run at once.
  const deadlines = [crashLoopSince, collectorStuckSince].filter((since): since is number => since !== undefined).map((since) => since + limitMs).filter((at) => at > context.now);
  const crashTracking = {
    ...(crashLoopSince !== undefined ? { crashLoopSince } : {}),
    ...(collectorStuckSince !== undefined ? { collectorStuckSince } : {}),
    ...(deadlines.length > 0 ? { recheckAt: Math.min(...deadlines) } : {}),
  };

  const suspended = trueCondition(job, 'Suspended');
  if (suspended) return { phase: 'pending', taskStatus: undefined, ...withText(suspended.reason, suspended.message), ...timing, ...common };

  const active = own.filter(isPodActive);
  const unfinished = own.filter((pod) => !isPodFinished(pod));
  const newestMain = active.length > 0 ? mainContainerStatus(active.at(-1)!) : undefined;
  // Pods being deleted (deadline, failure target) still run until they have stopped.
  let phase: RunPhase = unfinished.some((pod) => pod.status?.phase === 'Running') ? 'running' : 'pending';
  let ended: ContainerStateTerminated | undefined = newestMain?.state?.terminated;
  if (newestMain?.state?.terminated?.exitCode === 0) {
    // The main container is done and only the collector keeps the Pod up for `/.keruta/doc`.
    phase = 'finishing';
  } else if (unfinished.length === 0 && own.length > 0) {
    // Every Pod has ended and the Job controller has not said what follows yet.
    const last = own.at(-1)!;
    ended = mainContainerStatus(last)?.state?.terminated;
    if (last.status?.phase === 'Succeeded') phase = 'finishing';
    else {
      const failedPods = Math.max(job.status?.failed ?? 0, own.filter((pod) => pod.status?.phase === 'Failed').length);
      phase = failedPods > (job.spec?.backoffLimit ?? 6) ? 'failing' : 'pending'; // pending: a replacement Pod comes
    }
  }

  // The newest Pod's trouble, its main container's first.
  const problem = [...unfinished].reverse().flatMap(podProblems)[0];
  let text: { reason?: string; message?: string } = {};
  if (problem) text = withText(problem.reason, problem.message);
  else if (ended && ended.exitCode !== 0) text = withText(ended.reason, ended.message);
  return { phase, taskStatus: undefined, ...text, ...timing, ...common, ...crashTracking };
}

export function isTerminal(state: RunState): boolean {
  return state.phase === 'succeeded' || state.phase === 'failed';
}

/**
 * The status to write back to the task file: only on the step into a terminal phase, so repeated
 * events (or a terminal Job seen again after a re-list) never write it twice.
 */
export function finalTaskStatus(previous: RunState | undefined, next: RunState): 'COMPLETED' | 'FAILED' | undefined {
  if (!isTerminal(next) || (previous && isTerminal(previous))) return undefined;
  return next.taskStatus === 'COMPLETED' || next.taskStatus === 'FAILED' ? next.taskStatus : undefined;
}

/**
 * Short text for the status bar and the tree (translated): "Running", "Failed: BackoffLimitExceeded (exit code 3)",
 * "Pending: ImagePullBackOff". The Kubernetes reason stays as Kubernetes gives it.
 */
export function describeRunState(state: RunState): string {
  // Each phase spells out its whole variants, so that a translation can order the reason and the exit code freely.
  const reason = state.reason ? state.reason : undefined;
  const failedRun = state.phase === 'failed' || state.phase === 'failing' || (state.phase === 'running' && state.reason !== undefined);
  const code = failedRun && state.mainExitCode !== undefined && state.mainExitCode !== 0 ? state.mainExitCode : undefined;
  switch (state.phase) {
    case 'pending':
      return reason !== undefined ? l10n.t('Pending: {0}', reason) : l10n.t('Pending');
    case 'running':
      // A running run has an exit code to show only when a reason (a failed container) comes with it.
      if (reason !== undefined) return code !== undefined ? l10n.t('Running: {0} (exit code {1})', reason, code) : l10n.t('Running: {0}', reason);
      return l10n.t('Running');
    case 'finishing':
      return l10n.t('Finishing');
    case 'failing':
      if (reason !== undefined) return code !== undefined ? l10n.t('Failing: {0} (exit code {1})', reason, code) : l10n.t('Failing: {0}', reason);
      return code !== undefined ? l10n.t('Failing (exit code {0})', code) : l10n.t('Failing');
    case 'succeeded':
      return l10n.t('Succeeded');
    case 'failed':
      if (reason !== undefined) return code !== undefined ? l10n.t('Failed: {0} (exit code {1})', reason, code) : l10n.t('Failed: {0}', reason);
      return code !== undefined ? l10n.t('Failed (exit code {0})', code) : l10n.t('Failed');
    case 'gone':
      return l10n.t('Gone');
  }
}

