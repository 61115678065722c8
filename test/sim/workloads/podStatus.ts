/**
 * The kubelet's model of a Pod and its containers, and how it renders into `status` exactly as a
 * real kubelet writes it (field order included: Go marshals struct fields in declaration order).
 */
import type { Container, PodSpec } from 'kubernetes-types/core/v1';
import type { ContainerRuntimeState, ObjectMetaLike } from '../types';
import type { ContainerRole, ImageBehaviour } from './images';
import type { ContainerLog } from './logs';
import type { SimContainerFs } from './podFileSystem';
import type { TimerSet } from './timers';
import type { ManagedVolume } from './volumes';

export interface TerminatedModel {
  readonly exitCode: number;
  readonly reason: string;
  readonly message?: string;
  readonly startedAt?: string;
  readonly finishedAt: string;
  readonly containerID?: string;
}

export type StateModel =
  | { readonly kind: 'waiting'; readonly reason: string; readonly message?: string }
  | { readonly kind: 'running'; readonly startedAt: string }
  | ({ readonly kind: 'terminated' } & TerminatedModel);

/** One run of a container: its id, log, file system and timers. */
export interface ContainerInstance {
  readonly id: string;
  readonly log: ContainerLog;
  readonly fs: SimContainerFs;
  readonly startedAt: string;
  readonly timers: TimerSet;
  exited: boolean;
  readonly termListeners: (() => void)[];
  readonly fsListeners: (() => void)[];
  readonly othersListeners: (() => void)[];
}

/**
 * Where a container is in its life: `new` (not asked to start), `starting` (creating, or stuck
 * on a pull or config error), `running`, `restarting` (in back-off), `exited` (for good).
 */
export type Lifecycle = 'new' | 'starting' | 'running' | 'restarting' | 'exited';

export interface ContainerRecord {
  readonly spec: Container;
  readonly name: string;
  readonly role: ContainerRole;
  readonly behaviour: ImageBehaviour;
  readonly timers: TimerSet;
  state: StateModel;
  lastTerminated?: TerminatedModel;
  lifecycle: Lifecycle;
  restartCount: number;
  /** Has run at least once (so it has a containerID and a pulled image). */
  everStarted: boolean;
  pullAttempts: number;
  /** Waiting on CreateContainerConfigError (retried on Secret events). */
  configBlocked: boolean;
  crashBackoffSeconds: number;
  termSent: boolean;
  /** The running instance. */
  instance?: ContainerInstance;
  /** Recent instances by id (the current and the previous one), for logs. */
  readonly instances: Map<string, ContainerInstance>;
  latest?: ContainerInstance;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface PodModel {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  meta: ObjectMetaLike;
  spec: PodSpec;
  readonly timers: TimerSet;
  readonly init: ContainerRecord[];
  readonly regular: ContainerRecord[];
  bound: boolean;
  unschedulableMessage?: string;
  hostIP: string;
  podIP?: string;
  startTime?: string;
  sandboxReady: boolean;
  volumeError?: string;
  volumes?: Map<string, ManagedVolume>;
  initialized: boolean;
  initFailed: boolean;
  /** SIGTERM has gone to the sidecars: they are not restarted any more. */
  stoppingSidecars: boolean;
  /** Terminal: phase is decided, nothing will run again. */
  finished: boolean;
  finalPhase?: PodPhase;
  deleting: boolean;
  removalDue: boolean;
  removed: boolean;
  readonly conditionTimes: Map<string, { status: string; time: string }>;
}

export function runtimeState(state: StateModel): ContainerRuntimeState {
  switch (state.kind) {
    case 'waiting':
      return { state: 'waiting', reason: state.reason, ...(state.message !== undefined ? { message: state.message } : {}) };
    case 'running':
      return { state: 'running', startedAt: state.startedAt };
    default:
      return { state: 'terminated', exitCode: state.exitCode, reason: state.reason, finishedAt: state.finishedAt };
  }
}

function terminatedJson(state: TerminatedModel): Record<string, unknown> {
  return {
    exitCode: state.exitCode,
    reason: state.reason,
    ...(state.message !== undefined ? { message: state.message } : {}),
    ...(state.startedAt !== undefined ? { startedAt: state.startedAt } : {}),
    finishedAt: state.finishedAt,
    ...(state.containerID !== undefined ? { containerID: state.containerID } : {}),
  };
}

function stateJson(state: StateModel): Record<string, unknown> {
  switch (state.kind) {
    case 'waiting':
      return { waiting: { reason: state.reason, ...(state.message !== undefined ? { message: state.message } : {}) } };
    case 'running':
      return { running: { startedAt: state.startedAt } };
    default:
      return { terminated: terminatedJson(state) };
  }
}

export function isReady(record: ContainerRecord): boolean {
  if (record.role === 'init') return record.state.kind === 'terminated' && record.state.exitCode === 0;
  return record.state.kind === 'running';
}

function containerStatusJson(record: ContainerRecord): Record<string, unknown> {
  return {
    name: record.name,
    state: stateJson(record.state),
    lastState: record.lastTerminated ? { terminated: terminatedJson(record.lastTerminated) } : {},
    ready: isReady(record),
    restartCount: record.restartCount,
    image: record.behaviour.ref.normalized,
    imageID: record.everStarted ? record.behaviour.ref.imageID : '',
    ...(record.latest ? { containerID: `containerd://${record.latest.id}` } : {}),
    started: record.state.kind === 'running',
  };
}

/** Guaranteed, Burstable or BestEffort, from requests and limits. */
export function qosClass(spec: PodSpec): string {
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const container of containers) {
    const requests = (container.resources?.requests ?? {}) as Record<string, string | number>;
    const limits = (container.resources?.limits ?? {}) as Record<string, string | number>;
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
    for (const resource of ['cpu', 'memory']) {
      const limit = limits[resource];
      const request = requests[resource] ?? limit;
      if (limit === undefined || String(request) !== String(limit)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The phase the Pod has while it is not finished (see `terminalPhase` for the end). */
export function livePhase(pod: PodModel): PodPhase {
  if (pod.finished) return pod.finalPhase ?? 'Failed';
  if (!pod.bound || !pod.initialized) return 'Pending';
  if (pod.regular.some((c) => !c.everStarted && c.lifecycle !== 'exited')) return 'Pending';
  return 'Running';
}

/** Succeeded when every regular container exited 0 (native sidecars do not count), else Failed. */
export function terminalPhase(pod: PodModel): PodPhase {
  if (pod.initFailed) return 'Failed';
  const ok = pod.regular.every((c) => c.state.kind === 'terminated' && c.state.exitCode === 0);
  return ok ? 'Succeeded' : 'Failed';
}

function condition(pod: PodModel, type: string, status: boolean, now: string, reason?: string, message?: string): Record<string, unknown> {
  const value = status ? 'True' : 'False';
  let seen = pod.conditionTimes.get(type);
  if (!seen || seen.status !== value) {
    seen = { status: value, time: now };
    pod.conditionTimes.set(type, seen);
  }
  return {
    type,
    status: value,
    lastProbeTime: null,
    lastTransitionTime: seen.time,
    ...(reason !== undefined ? { reason } : {}),
    ...(message !== undefined ? { message } : {}),
  };
}

/** The Pod's `status`, as the scheduler and kubelet would have written it. */
export function renderPodStatus(pod: PodModel, now: string): Record<string, unknown> {
  const qos = qosClass(pod.spec);
  if (!pod.bound) {
    return {
      phase: 'Pending',
      conditions: pod.unschedulableMessage
        ? [condition(pod, 'PodScheduled', false, now, 'Unschedulable', pod.unschedulableMessage)]
        : [],
      qosClass: qos,
    };
  }
  const phase = livePhase(pod);
  const done = phase === 'Succeeded' || phase === 'Failed';
  const completedReason = done ? 'PodCompleted' : undefined;
  const incompleteInit = pod.init.filter((c) => (c.role === 'sidecar' ? !c.everStarted : !(c.state.kind === 'terminated' && c.state.exitCode === 0)));
  const unready = [...pod.init.filter((c) => c.role === 'sidecar'), ...pod.regular].filter((c) => !isReady(c));
  const allReady = unready.length === 0 && !done && pod.initialized;
  const names = (records: readonly ContainerRecord[]): string => `[${records.map((c) => c.name).join(' ')}]`;
  const conditions = [
    condition(pod, 'PodReadyToStartContainers', pod.sandboxReady && !done, now),
    pod.initialized || (done && !pod.initFailed)
      ? condition(pod, 'Initialized', true, now, completedReason)
      : condition(pod, 'Initialized', false, now, 'ContainersNotInitialized', `containers with incomplete status: ${names(incompleteInit)}`),
    allReady
      ? condition(pod, 'Ready', true, now)
      : condition(pod, 'Ready', false, now, completedReason ?? 'ContainersNotReady', done ? undefined : `containers with unready status: ${names(unready)}`),
    allReady
      ? condition(pod, 'ContainersReady', true, now)
      : condition(pod, 'ContainersReady', false, now, completedReason ?? 'ContainersNotReady', done ? undefined : `containers with unready status: ${names(unready)}`),
    condition(pod, 'PodScheduled', true, now),
  ];
  return {
    phase,
    conditions,
    hostIP: pod.hostIP,
    hostIPs: [{ ip: pod.hostIP }],
    ...(pod.podIP ? { podIP: pod.podIP, podIPs: [{ ip: pod.podIP }] } : {}),
    ...(pod.startTime ? { startTime: pod.startTime } : {}),
    ...(pod.init.length > 0 ? { initContainerStatuses: pod.init.map(containerStatusJson) } : {}),
    containerStatuses: pod.regular.map(containerStatusJson),
    qosClass: qos,
  };
}
