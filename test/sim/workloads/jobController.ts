/**
 * The simulated Job controller (plus the garbage collector and TTL-after-finished controller, as
 * far as Jobs need them). Level-triggered: `sync` reads the Job and its Pods from the store and
 * moves them one step: count finished Pods (tracking finalizers), add `SuccessCriteriaMet` /
 * `FailureTarget`, then `Complete` / `Failed` once no Pod runs, create (replacement) Pods with
 * back-off, enforce `activeDeadlineSeconds`, and delete finished Jobs after their TTL.
 */
import type { PodSpec, PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { KubeObject, SimClock, Store, StoreEvent } from '../types';
import { type NodeCapacity, schedulingProblem } from './scheduler';
import { SIM_TIMINGS } from './timing';
import { doublingBackoff, KeyedQueue, simSecondsUntil, type TimerSet } from './timers';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const ORPHAN_FINALIZER = 'orphan';

export interface JobControllerOptions {
  readonly store: Store;
  readonly clock: SimClock;
  readonly timers: TimerSet;
  readonly nodeName: string;
  readonly node: NodeCapacity;
}

interface JobCondition {
  type: string;
  status: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

interface JobStatus {
  conditions?: JobCondition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number;
  uncountedTerminatedPods?: Record<string, unknown>;
  ready?: number;
}

interface JobSpecLike {
  parallelism?: number;
  completions?: number;
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  suspend?: boolean;
  template?: PodTemplateSpec;
}

interface JobObject extends KubeObject {
  spec?: JobSpecLike;
  status?: JobStatus;
}

interface PodObject extends KubeObject {
  spec?: PodSpec;
  status?: { phase?: string; conditions?: { type: string; status: string }[]; containerStatuses?: { restartCount?: number }[]; initContainerStatuses?: { restartCount?: number }[] };
}

/** In-memory bookkeeping per Job (by uid); everything else lives in the store. */
interface JobState {
  readonly timers: TimerSet;
  startedAtMs?: number;
  finishedAtMs?: number;
  deadlineArmed: boolean;
  deadlinePassed: boolean;
  ttlArmed: boolean;
  backoff?: { forFailures: number; ready: boolean };
  /** Pods that left the store with the tracking finalizer (uid → last phase), from DELETED events. */
  readonly vanished: Map<string, string>;
  /** Owned Pods seen unfinished with the tracking finalizer (uid → phase): counted if they vanish. */
  readonly tracked: Map<string, string>;
  /** Pods already counted into succeeded/failed. */
  readonly counted: Set<string>;
}

const REASONS = {
  success: { reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
  backoff: { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
  deadline: { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' },
} as const;

function controllerUid(pod: KubeObject): string | undefined {
  return pod.metadata.ownerReferences?.find((ref) => ref.controller && ref.kind === 'Job')?.uid;
}

function controllerName(pod: KubeObject): string | undefined {
  return pod.metadata.ownerReferences?.find((ref) => ref.controller && ref.kind === 'Job')?.name;
}

function isTerminal(pod: PodObject): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

function hasTrackingFinalizer(pod: KubeObject): boolean {
  return (pod.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
}

function isReady(pod: PodObject): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function withoutTrackingFinalizer(object: KubeObject): void {
  const finalizers = (object.metadata.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
  if (finalizers.length > 0) object.metadata.finalizers = finalizers;
  else delete object.metadata.finalizers;
}

const jobKey = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;

export class JobController {
  private readonly states = new Map<string, JobState>();
  private readonly queue: KeyedQueue;

  constructor(private readonly options: JobControllerOptions) {
    this.queue = new KeyedQueue('job sync', (key) => {
      const slash = key.indexOf('/');
      this.sync(key.slice(0, slash), key.slice(slash + 1));
    });
  }

  enqueue(namespace: string | undefined, name: string): void {
    this.queue.add(jobKey(namespace, name));
  }

  jobEvent(event: StoreEvent): void {
    if (event.type === 'DELETED') this.collectGarbage(event.object);
    else this.enqueue(event.object.metadata.namespace, event.object.metadata.name!);
  }

  podEvent(event: StoreEvent): void {
    const uid = controllerUid(event.object);
    const name = controllerName(event.object);
    if (!uid || !name) return;
    if (event.type === 'DELETED' && hasTrackingFinalizer(event.object)) {
      // Gone before it was counted: a Pod that disappears unfinished counts as failed.
      this.state(uid).vanished.set(event.object.metadata.uid!, (event.object as PodObject).status?.phase ?? 'Pending');
    }
    this.enqueue(event.object.metadata.namespace, name);
  }

  /**
   * At start-up: Pods whose controlling Job is gone (deleted while nobody watched) are deleted, as
   * the garbage collector would. Only at start, so it never races a Job deletion in flight.
   */
  collectDangling(): void {
    const jobs = new Set(this.options.store.list('jobs').map((job) => job.metadata.uid));
    for (const pod of this.options.store.list('pods') as PodObject[]) {
      const uid = controllerUid(pod);
      if (uid && !jobs.has(uid) && (!pod.metadata.deletionTimestamp || hasTrackingFinalizer(pod))) this.deletePod(pod, true);
    }
  }

  close(): void {
    this.queue.close();
    for (const state of this.states.values()) state.timers.dispose();
    this.states.clear();
  }

  private state(uid: string): JobState {
    let state = this.states.get(uid);
    if (!state) {
      state = {
        timers: this.options.timers.child(),
        deadlineArmed: false,
        deadlinePassed: false,
        ttlArmed: false,
        vanished: new Map(),
        tracked: new Map(),
        counted: new Set(),
      };
      this.states.set(uid, state);
    }
    return state;
  }

  private ownedPods(namespace: string | undefined, uid: string): PodObject[] {
    // Filtered before the store copies them: copying every Pod of the namespace per sync grew as N².
    return this.options.store.list('pods', namespace, undefined, (pod) => controllerUid(pod) === uid);
  }

  private sync(namespace: string, name: string): void {
    const { store, clock } = this.options;
    const job: JobObject | undefined = store.get('jobs', namespace, name);
    if (!job) return;
    const uid = job.metadata.uid!;
    const state = this.state(uid);
    const spec = job.spec ?? {};
    const previous: JobStatus = job.status ?? {};
    const conditions: JobCondition[] = structuredClone(previous.conditions ?? []);
    const has = (type: string): boolean => conditions.some((c) => c.type === type && c.status === 'True');
    const now = clock.nowIso();
    const addCondition = (type: string, reason: string, message: string): void => {
      const existing = conditions.find((c) => c.type === type);
      const fresh = { type, status: 'True', lastProbeTime: now, lastTransitionTime: now, reason, message };
      if (existing) Object.assign(existing, fresh);
      else conditions.push(fresh);
    };
    const pods = this.ownedPods(namespace, uid);

    // 1. Count finished Pods that still carry the tracking finalizer, and tracked Pods that vanished.
    let succeeded = previous.succeeded ?? 0;
    let failed = previous.failed ?? 0;
    const count = (podUid: string, result: 'succeeded' | 'failed'): void => {
      if (state.counted.has(podUid)) return;
      state.counted.add(podUid);
      state.tracked.delete(podUid);
      if (result === 'succeeded') succeeded++;
      else failed++;
    };
    const toRelease: PodObject[] = [];
    const present = new Set<string>();
    for (const pod of pods) {
      const podUid = pod.metadata.uid!;
      present.add(podUid);
      if (!hasTrackingFinalizer(pod)) continue;
      if (pod.status?.phase === 'Succeeded') count(podUid, 'succeeded');
      else if (pod.status?.phase === 'Failed' || pod.metadata.deletionTimestamp) count(podUid, 'failed');
      else {
        if (!state.counted.has(podUid)) state.tracked.set(podUid, pod.status?.phase ?? 'Pending');
        continue;
      }
      toRelease.push(pod);
    }
    // A Pod that left the store before it was counted: failed unless it had succeeded.
    for (const [podUid, phase] of [...state.tracked, ...state.vanished]) {
      if (!present.has(podUid)) count(podUid, phase === 'Succeeded' ? 'succeeded' : 'failed');
    }
    state.vanished.clear();

    let active = pods.filter((pod) => !isTerminal(pod) && !pod.metadata.deletionTimestamp);
    let terminating = pods.filter((pod) => !isTerminal(pod) && pod.metadata.deletionTimestamp).length;
    const deleteActive = (): void => {
      for (const pod of active) this.deletePod(pod);
      terminating += active.length;
      active = [];
    };
    const finished = has('Complete') || has('Failed');

    let startTime = previous.startTime;
    let completionTime = previous.completionTime;
    if (job.metadata.deletionTimestamp) {
      // Being deleted (foreground): no new Pods; the REST layer removes the Job once they are gone.
      if (!(job.metadata.finalizers ?? []).includes(ORPHAN_FINALIZER)) deleteActive();
    } else if (finished) {
      // Nothing more to do but count stragglers; the TTL is armed below.
    } else if (spec.suspend) {
      deleteActive();
      if (!has('Suspended')) addCondition('Suspended', 'JobSuspended', 'Job suspended');
      startTime = undefined;
      state.startedAtMs = undefined;
      state.deadlineArmed = false;
      state.deadlinePassed = false;
      state.backoff = undefined;
      state.timers.cancelAll();
    } else {
      const suspended = conditions.find((c) => c.type === 'Suspended' && c.status === 'True');
      if (suspended) Object.assign(suspended, { status: 'False', lastProbeTime: now, lastTransitionTime: now, reason: 'JobResumed', message: 'Job resumed' });
      if (!startTime) {
        startTime = now;
        state.startedAtMs = Date.now();
      }
      state.startedAtMs ??= Date.parse(startTime);
      this.armDeadline(job, state);

      const completions = spec.completions ?? 1;
      const parallelism = spec.parallelism ?? 1;
      const backoffLimit = spec.backoffLimit ?? 6;
      const targetStored = has('SuccessCriteriaMet') || has('FailureTarget');
      if (!targetStored) {
        if (state.deadlinePassed) addCondition('FailureTarget', REASONS.deadline.reason, REASONS.deadline.message);
        else if (succeeded >= completions) addCondition('SuccessCriteriaMet', REASONS.success.reason, REASONS.success.message);
        else if (failed > backoffLimit || this.pastBackoffLimitOnFailure(spec, active, backoffLimit)) {
          addCondition('FailureTarget', REASONS.backoff.reason, REASONS.backoff.message);
        }
      }
      if (has('SuccessCriteriaMet') || has('FailureTarget')) {
        deleteActive();
        // The terminal condition comes in a later update, once no Pod is left running.
        if (targetStored && terminating === 0) {
          if (has('SuccessCriteriaMet')) {
            addCondition('Complete', REASONS.success.reason, REASONS.success.message);
            completionTime = now;
          } else {
            const target = conditions.find((c) => c.type === 'FailureTarget')!;
            addCondition('Failed', target.reason ?? REASONS.backoff.reason, target.message ?? REASONS.backoff.message);
          }
          state.finishedAtMs = Date.now();
        }
      } else {
        const wanted = Math.min(parallelism, completions - succeeded) - active.length;
        if (wanted > 0 && this.backoffElapsed(job, state, failed)) {
          for (let i = 0; i < wanted; i++) {
            const pod = this.createPod(job);
            if (!pod) continue;
            active.push(pod);
            state.tracked.set(pod.metadata.uid!, 'Pending');
          }
        }
      }
    }

    // 2. Write the status (only when it changed), then release the counted Pods.
    const status: JobStatus = {
      ...(conditions.length > 0 ? { conditions } : {}),
      ...(startTime ? { startTime } : {}),
      ...(completionTime ? { completionTime } : {}),
      ...(active.length > 0 ? { active: active.length } : {}),
      ...(succeeded > 0 ? { succeeded } : {}),
      ...(failed > 0 ? { failed } : {}),
      terminating,
      uncountedTerminatedPods: {},
      ready: active.filter(isReady).length,
    };
    if (JSON.stringify(status) !== JSON.stringify(job.status ?? {})) {
      job.status = status;
      store.update('jobs', job);
    }
    for (const pod of toRelease) {
      store.mutate('pods', pod.metadata.namespace, pod.metadata.name!, (object) => {
        if (object.metadata.uid === pod.metadata.uid) withoutTrackingFinalizer(object);
      });
    }
    if (has('Complete') || has('Failed')) this.armTtl(job, state, conditions);
  }

  /** restartPolicy OnFailure: container restarts of running Pods count against the backoff limit. */
  private pastBackoffLimitOnFailure(spec: JobSpecLike, active: readonly PodObject[], backoffLimit: number): boolean {
    if (spec.template?.spec?.restartPolicy !== 'OnFailure') return false;
    let restarts = 0;
    for (const pod of active) {
      for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) restarts += status.restartCount ?? 0;
    }
    return backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit;
  }

  /** After the n-th failure, replacements wait 10 s · 2^(n-1), at most 360 s. */
  private backoffElapsed(job: JobObject, state: JobState, failed: number): boolean {
    if (failed === 0) return true;
    if (state.backoff?.forFailures !== failed) {
      state.backoff = { forFailures: failed, ready: false };
      const backoff = state.backoff;
      const delay = doublingBackoff(failed, SIM_TIMINGS.jobBackoffBase, SIM_TIMINGS.jobBackoffCap);
      state.timers.after(delay, `job back-off ${job.metadata.name ?? ''}`, () => {
        backoff.ready = true;
        this.enqueue(job.metadata.namespace, job.metadata.name!);
      });
    }
    return state.backoff.ready;
  }

  private armDeadline(job: JobObject, state: JobState): void {
    const deadline = job.spec?.activeDeadlineSeconds;
    if (deadline === undefined || state.deadlineArmed || state.startedAtMs === undefined) return;
    state.deadlineArmed = true;
    const due = state.startedAtMs + this.options.clock.ms(deadline);
    state.timers.after(simSecondsUntil(this.options.clock, due), `deadline ${job.metadata.name ?? ''}`, () => {
      state.deadlinePassed = true;
      this.enqueue(job.metadata.namespace, job.metadata.name!);
    });
  }

  private armTtl(job: JobObject, state: JobState, conditions: readonly JobCondition[]): void {
    const ttl = job.spec?.ttlSecondsAfterFinished;
    if (ttl === undefined || ttl === null || state.ttlArmed) return;
    state.ttlArmed = true;
    const terminal = conditions.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    const finishedAt = state.finishedAtMs ?? (terminal?.lastTransitionTime ? Date.parse(terminal.lastTransitionTime) : Date.now());
    const { namespace, name, uid } = job.metadata;
    state.timers.after(simSecondsUntil(this.options.clock, finishedAt + this.options.clock.ms(ttl)), `ttl ${name ?? ''}`, () => {
      const current = this.options.store.get('jobs', namespace, name!);
      // Background propagation: the Job goes now, the garbage collector deletes its Pods.
      if (current && current.metadata.uid === uid) this.options.store.remove('jobs', namespace, name!);
    });
  }

  private createPod(job: JobObject): PodObject | undefined {
    const { store } = this.options;
    const name = job.metadata.name!;
    const uid = job.metadata.uid!;
    const template = job.spec?.template ?? {};
    const labels: Record<string, string> = { ...template.metadata?.labels };
    labels['batch.kubernetes.io/controller-uid'] ??= uid;
    labels['batch.kubernetes.io/job-name'] ??= name;
    labels['controller-uid'] ??= uid;
    labels['job-name'] ??= name;
    const spec: PodSpec = structuredClone(template.spec ?? { containers: [] });
    // The scheduler's work, done at once when the Pod fits; otherwise the kubelet reports it Unschedulable.
    if (!spec.nodeName && !schedulingProblem(spec, this.options.node)) spec.nodeName = this.options.nodeName;
    try {
      return store.create('pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          generateName: `${name}-`,
          namespace: job.metadata.namespace,
          labels,
          ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
          ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name, uid, controller: true, blockOwnerDeletion: true }],
          finalizers: [JOB_TRACKING_FINALIZER],
        },
        spec,
        status: { phase: 'Pending' },
      });
    } catch (error) {
      console.error(`keruta-sim workloads: cannot create a Pod for Job ${name}: ${String(error)}`);
      return undefined;
    }
  }

  /** Graceful deletion as the API server does it: deletionTimestamp and grace period (the kubelet finishes it). */
  private deletePod(pod: PodObject, dropFinalizer = false): void {
    const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
    this.options.store.mutate('pods', pod.metadata.namespace, pod.metadata.name!, (object) => {
      if (object.metadata.uid !== pod.metadata.uid) return;
      object.metadata.deletionTimestamp ??= this.options.clock.nowIso();
      object.metadata.deletionGracePeriodSeconds ??= grace;
      if (dropFinalizer) withoutTrackingFinalizer(object);
    });
  }

  /** The Job left the store: delete its Pods (background), or orphan them when it carried `orphan`. */
  private collectGarbage(job: KubeObject): void {
    const uid = job.metadata.uid!;
    const orphan = (job.metadata.finalizers ?? []).includes(ORPHAN_FINALIZER);
    const state = this.states.get(uid);
    state?.timers.dispose();
    this.states.delete(uid);
    for (const pod of this.ownedPods(job.metadata.namespace, uid)) {
      if (orphan) {
        this.options.store.mutate('pods', pod.metadata.namespace, pod.metadata.name!, (object) => {
          const refs = (object.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== uid);
          if (refs.length > 0) object.metadata.ownerReferences = refs;
          else delete object.metadata.ownerReferences;
          withoutTrackingFinalizer(object);
        });
      } else if (!pod.metadata.deletionTimestamp || hasTrackingFinalizer(pod)) {
        // Nobody is left to count it: the tracking finalizer goes with the owner.
        this.deletePod(pod, true);
      }
    }
  }
}
