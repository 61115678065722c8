/**
 * The simulated scheduler + kubelet for one node. It binds unbound Pods (or marks them
 * Unschedulable), then runs each Pod's containers as image programs (images.ts): init containers
 * in order, native sidecars kept running beside the regular containers and sent SIGTERM when those
 * have ended, restarts per restartPolicy with CrashLoopBackOff, pull and config errors, and
 * graceful deletion. Every change is written back as the Pod's `status`.
 *
 * Everything is driven by `sync(namespace, name)` (from store events, deferred) and by timers in
 * simulated time; nothing runs inside a store listener.
 */
import { randomBytes } from 'node:crypto';
import type { Container, ContainerStatus, PodSpec } from 'kubernetes-types/core/v1';
import type { ContainerFileSystem, ContainerRuntimeState, KubeObject, LogSource, SimClock, Store } from '../types';
import { type PodView, resolveEnv } from './env';
import { type ContainerProcess, type ContainerRole, imageBehaviour } from './images';
import { ContainerLog } from './logs';
import { baseRootFs, type MountSpec, SimContainerFs } from './podFileSystem';
import {
  type ContainerInstance,
  type ContainerRecord,
  type PodModel,
  renderPodStatus,
  runtimeState,
  type TerminatedModel,
  terminalPhase,
} from './podStatus';
import { type NodeCapacity, schedulingProblem } from './scheduler';
import { SIM_TIMINGS } from './timing';
import { doublingBackoff, guarded, KeyedQueue, type TimerSet } from './timers';
import { setUpVolumes } from './volumes';

export interface KubeletOptions {
  readonly store: Store;
  readonly clock: SimClock;
  readonly timers: TimerSet;
  readonly nodeName: string;
  readonly node: NodeCapacity;
  readonly hostIP: string;
}

interface PodObject extends KubeObject {
  spec?: PodSpec;
  status?: { phase?: string };
}

interface StoredPod extends KubeObject {
  spec?: PodSpec;
  status?: { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
}

const podKey = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}

function sameStringMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

export class Kubelet {
  private readonly pods = new Map<string, PodModel>();
  private readonly syncQueue: KeyedQueue;
  private readonly reconcileQueue: KeyedQueue;
  private readonly flushQueue: KeyedQueue;
  private nextIp = 0;

  constructor(private readonly options: KubeletOptions) {
    this.syncQueue = new KeyedQueue('kubelet sync', (key) => this.sync(...splitKey(key)));
    this.reconcileQueue = new KeyedQueue('kubelet reconcile', (key) => {
      const pod = this.pods.get(key);
      if (pod) this.reconcile(pod);
    });
    this.flushQueue = new KeyedQueue('kubelet status', (key) => {
      const pod = this.pods.get(key);
      if (pod) this.flushNow(pod);
    });
  }

  /** A Pod changed (or appeared, or went): look at it soon. */
  enqueue(namespace: string | undefined, name: string): void {
    this.syncQueue.add(podKey(namespace, name));
  }

  /** Secrets changed: retry Pods stuck on a missing Secret now rather than at the next retry. */
  secretsChanged(namespace: string | undefined): void {
    for (const pod of this.pods.values()) {
      if (pod.namespace !== namespace || pod.deleting || pod.finished) continue;
      if (pod.bound && !pod.sandboxReady && pod.volumeError !== undefined) {
        pod.timers.cancelAll();
        this.setUpSandbox(pod);
      }
      for (const record of [...pod.init, ...pod.regular]) {
        if (record.configBlocked) {
          record.timers.cancelAll();
          this.attemptCreate(pod, record);
        }
      }
    }
  }

  close(): void {
    this.syncQueue.close();
    this.reconcileQueue.close();
    this.flushQueue.close();
    for (const pod of this.pods.values()) this.teardown(pod);
  }

  // --- WorkloadRuntime ----------------------------------------------------------------------

  containerState(namespace: string, name: string, container: string): ContainerRuntimeState | undefined {
    const pod = this.pods.get(podKey(namespace, name));
    if (pod) {
      const record = this.record(pod, container);
      return record ? runtimeState(record.state) : undefined;
    }
    return this.storedContainerState(namespace, name, container);
  }

  logs(namespace: string, name: string, container: string, previous: boolean): LogSource | undefined {
    const pod = this.pods.get(podKey(namespace, name));
    const record = pod && this.record(pod, container);
    if (!record) return undefined;
    const lastId = record.lastTerminated?.containerID?.replace(/^containerd:\/\//, '');
    if (previous) return lastId ? record.instances.get(lastId)?.log : undefined;
    if (record.state.kind === 'waiting') return lastId ? record.instances.get(lastId)?.log : undefined;
    return record.latest?.log;
  }

  fileSystem(namespace: string, name: string, container: string): ContainerFileSystem | undefined {
    const pod = this.pods.get(podKey(namespace, name));
    const record = pod && this.record(pod, container);
    const instance = record?.instance;
    return instance && !instance.exited ? instance.fs : undefined;
  }

  private record(pod: PodModel, name: string): ContainerRecord | undefined {
    return pod.regular.find((c) => c.name === name) ?? pod.init.find((c) => c.name === name);
  }

  /** For Pods the kubelet does not run (finished before it started): what their stored status says. */
  private storedContainerState(namespace: string, name: string, container: string): ContainerRuntimeState | undefined {
    const stored: StoredPod | undefined = this.options.store.get('pods', namespace, name);
    if (!stored) return undefined;
    const declared = [...(stored.spec?.containers ?? []), ...(stored.spec?.initContainers ?? [])].some((c) => c.name === container);
    if (!declared) return undefined;
    const statuses = [...(stored.status?.containerStatuses ?? []), ...(stored.status?.initContainerStatuses ?? [])];
    const state = statuses.find((s) => s.name === container)?.state;
    if (state?.running) return { state: 'running', startedAt: state.running.startedAt ?? '' };
    if (state?.terminated) {
      const t = state.terminated;
      return { state: 'terminated', exitCode: t.exitCode, reason: t.reason ?? '', finishedAt: t.finishedAt ?? '' };
    }
    const waiting = state?.waiting;
    return { state: 'waiting', reason: waiting?.reason ?? 'ContainerCreating', ...(waiting?.message ? { message: waiting.message } : {}) };
  }

  // --- Pod lifecycle --------------------------------------------------------------------------

  private sync(namespace: string, name: string): void {
    const key = podKey(namespace, name);
    const object: PodObject | undefined = this.options.store.get('pods', namespace, name);
    let pod = this.pods.get(key);
    if (pod && (!object || object.metadata.uid !== pod.uid)) {
      this.teardown(pod);
      pod = undefined;
    }
    if (!object) return;
    if (!pod) {
      pod = this.adopt(object);
      if (!pod) {
        this.removeUnmanaged(object);
        return;
      }
    }
    this.observe(pod, object);
    if (object.metadata.deletionTimestamp && !pod.deleting) this.beginDeletion(pod, object);
    else if (pod.deleting && pod.removalDue) this.tryRemove(pod);
  }

  /** Starts managing a Pod that is ours to run; undefined when it is not (another node, already over). */
  private adopt(object: PodObject): PodModel | undefined {
    const spec = object.spec;
    const phase = object.status?.phase;
    if (!spec || phase === 'Succeeded' || phase === 'Failed') return undefined;
    if (spec.nodeName && spec.nodeName !== this.options.nodeName) return undefined;
    const namespace = object.metadata.namespace ?? 'default';
    const name = object.metadata.name!;
    const timers = this.options.timers.child();
    const record = (container: Container, role: ContainerRole): ContainerRecord => ({
      spec: container,
      name: container.name,
      role,
      behaviour: imageBehaviour(container, role),
      timers: timers.child(),
      state: { kind: 'waiting', reason: role === 'regular' && (spec.initContainers ?? []).length === 0 ? 'ContainerCreating' : 'PodInitializing' },
      lifecycle: 'new',
      restartCount: 0,
      everStarted: false,
      pullAttempts: 0,
      configBlocked: false,
      crashBackoffSeconds: SIM_TIMINGS.crashLoopBackoffBase,
      termSent: false,
      instances: new Map(),
    });
    const pod: PodModel = {
      uid: object.metadata.uid!,
      namespace,
      name,
      meta: structuredClone(object.metadata),
      spec: structuredClone(spec),
      timers,
      init: (spec.initContainers ?? []).map((c) => record(c, c.restartPolicy === 'Always' ? 'sidecar' : 'init')),
      regular: (spec.containers ?? []).map((c) => record(c, 'regular')),
      bound: Boolean(spec.nodeName),
      hostIP: this.options.hostIP,
      sandboxReady: false,
      initialized: (spec.initContainers ?? []).length === 0,
      initFailed: false,
      stoppingSidecars: false,
      finished: false,
      deleting: false,
      removalDue: false,
      removed: false,
      conditionTimes: new Map(),
    };
    this.pods.set(podKey(namespace, name), pod);
    if (object.metadata.deletionTimestamp) return pod; // never started; sync() deletes it
    if (!pod.bound) {
      const problem = schedulingProblem(spec, this.options.node);
      if (problem) {
        pod.unschedulableMessage = problem;
        this.flush(pod);
        return pod;
      }
      this.bind(pod);
    }
    this.startPod(pod);
    return pod;
  }

  /** The scheduler's binding: nodeName (written with the first status) plus PodScheduled=True. */
  private bind(pod: PodModel): void {
    pod.bound = true;
    pod.spec = { ...pod.spec, nodeName: this.options.nodeName };
  }

  private observe(pod: PodModel, object: PodObject): void {
    const before = pod.meta;
    pod.meta = structuredClone(object.metadata);
    if (!sameStringMap(before.labels, pod.meta.labels) || !sameStringMap(before.annotations, pod.meta.annotations)) {
      const view = this.view(pod);
      for (const volume of pod.volumes?.values() ?? []) volume.refresh?.(view);
    }
  }

  private view(pod: PodModel): PodView {
    return { metadata: pod.meta, spec: pod.spec, hostIP: pod.hostIP, ...(pod.podIP ? { podIP: pod.podIP } : {}), nodeCapacity: this.options.node };
  }

  private startPod(pod: PodModel): void {
    pod.startTime = this.options.clock.nowIso();
    this.flush(pod);
    pod.timers.after(SIM_TIMINGS.sandboxSeconds, `sandbox ${pod.name}`, () => this.setUpSandbox(pod));
  }

  private setUpSandbox(pod: PodModel): void {
    if (pod.deleting || pod.finished) return;
    const setup = setUpVolumes(this.view(pod), this.options.store);
    if (!setup.ok) {
      // FailedMount: the Pod stays in ContainerCreating and the kubelet retries.
      pod.volumeError = setup.message;
      pod.timers.after(SIM_TIMINGS.configRetrySeconds, `mount ${pod.name}`, () => this.setUpSandbox(pod));
      return;
    }
    pod.volumeError = undefined;
    pod.volumes = setup.volumes;
    pod.podIP = this.allocateIp();
    pod.sandboxReady = true;
    this.reconcile(pod);
  }

  private allocateIp(): string {
    const n = this.nextIp++;
    return `10.244.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
  }

  /** Level-triggered: start what should run next, and finish the Pod when everything has ended. */
  private reconcile(pod: PodModel): void {
    if (pod.deleting || pod.finished || !pod.sandboxReady) return;
    let initDone = true;
    for (const record of pod.init) {
      if (record.role === 'sidecar') {
        if (record.lifecycle === 'new') this.startContainer(pod, record);
        // The next init container waits until the sidecar has started.
        if (!record.everStarted) {
          initDone = false;
          break;
        }
        continue;
      }
      if (record.state.kind === 'terminated' && record.state.exitCode === 0 && record.lifecycle === 'exited') continue;
      if (record.lifecycle === 'exited') {
        pod.initFailed = true; // failed with restartPolicy Never
        initDone = false;
        break;
      }
      if (record.lifecycle === 'new') this.startContainer(pod, record);
      initDone = false;
      break;
    }
    pod.initialized = initDone;
    if (initDone) {
      for (const record of pod.regular) if (record.lifecycle === 'new') this.startContainer(pod, record);
    }
    const regularOver = pod.initFailed || (initDone && pod.regular.every((c) => c.lifecycle === 'exited'));
    if (regularOver) {
      pod.stoppingSidecars = true;
      for (const record of pod.init) {
        if (record.role !== 'sidecar') continue;
        if (record.lifecycle === 'running' && !record.termSent) this.sendTerm(pod, record);
        else if (record.lifecycle === 'starting' || record.lifecycle === 'restarting' || record.lifecycle === 'new') {
          // Not running: the kubelet just stops trying.
          record.timers.cancelAll();
          record.lifecycle = 'exited';
        }
      }
      if (pod.init.every((c) => c.role !== 'sidecar' || c.lifecycle === 'exited')) this.finishPod(pod);
    }
    this.flush(pod);
  }

  private finishPod(pod: PodModel): void {
    pod.finalPhase = terminalPhase(pod);
    pod.finished = true;
    for (const record of [...pod.init, ...pod.regular]) record.timers.cancelAll();
  }

  // --- containers -----------------------------------------------------------------------------

  private startContainer(pod: PodModel, record: ContainerRecord): void {
    record.lifecycle = 'starting';
    record.state = { kind: 'waiting', reason: 'ContainerCreating' };
    record.timers.after(SIM_TIMINGS.createSeconds, `create ${pod.name}/${record.name}`, () => this.attemptCreate(pod, record));
    this.flush(pod);
  }

  private attemptCreate(pod: PodModel, record: ContainerRecord): void {
    if (pod.deleting || pod.finished || record.lifecycle === 'exited') return;
    if (record.behaviour.pullError && !record.everStarted) {
      this.pullFailed(pod, record);
      return;
    }
    const resolved = resolveEnv(record.spec, this.view(pod), this.options.store);
    if (!resolved.ok) {
      record.configBlocked = true;
      record.state = { kind: 'waiting', reason: 'CreateContainerConfigError', message: resolved.message };
      record.timers.after(SIM_TIMINGS.configRetrySeconds, `config ${pod.name}/${record.name}`, () => this.attemptCreate(pod, record));
      this.flush(pod);
      return;
    }
    record.configBlocked = false;
    this.launch(pod, record, resolved.env);
  }

  private pullFailed(pod: PodModel, record: ContainerRecord): void {
    record.pullAttempts++;
    const image = record.behaviour.ref.normalized;
    record.state = {
      kind: 'waiting',
      reason: 'ErrImagePull',
      message: `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`,
    };
    this.flush(pod);
    record.timers.after(SIM_TIMINGS.errImagePullSeconds, `pull ${pod.name}/${record.name}`, () => {
      record.state = { kind: 'waiting', reason: 'ImagePullBackOff', message: `Back-off pulling image "${record.spec.image ?? ''}"` };
      this.flush(pod);
      const backoff = doublingBackoff(record.pullAttempts, SIM_TIMINGS.imagePullBackoffBase, SIM_TIMINGS.imagePullBackoffCap);
      record.timers.after(backoff, `pull ${pod.name}/${record.name}`, () => this.pullFailed(pod, record));
    });
  }

  private launch(pod: PodModel, record: ContainerRecord, env: Record<string, string>): void {
    const id = randomBytes(32).toString('hex');
    const mounts: MountSpec[] = [];
    for (const mount of record.spec.volumeMounts ?? []) {
      const volume = pod.volumes?.get(mount.name);
      if (volume) mounts.push({ mountPath: mount.mountPath, volume, ...(mount.readOnly ? { readOnly: true } : {}), ...(mount.subPath ? { subPath: mount.subPath } : {}) });
    }
    const fs = new SimContainerFs(baseRootFs(record.behaviour.rootFs, pod.name), mounts, env, () => this.fileSystemChanged(pod));
    const instance: ContainerInstance = {
      id,
      log: new ContainerLog(),
      fs,
      startedAt: this.options.clock.nowIso(),
      timers: record.timers.child(),
      exited: false,
      termListeners: [],
      fsListeners: [],
      othersListeners: [],
    };
    if (record.everStarted) record.restartCount++;
    record.everStarted = true;
    record.termSent = false;
    record.instance = instance;
    record.latest = instance;
    record.instances.set(id, instance);
    // Keep the current and the previous instance (for `logs --previous`).
    while (record.instances.size > 2) record.instances.delete(record.instances.keys().next().value!);
    record.lifecycle = 'running';
    record.state = { kind: 'running', startedAt: instance.startedAt };
    const process = this.process(pod, record, instance);
    guarded(`image ${record.behaviour.kind} in ${pod.name}/${record.name}`, () => record.behaviour.run(process));
    this.othersChanged(pod);
    this.reconcileQueue.add(podKey(pod.namespace, pod.name));
    this.flush(pod);
  }

  private process(pod: PodModel, record: ContainerRecord, instance: ContainerInstance): ContainerProcess {
    return {
      role: record.role,
      containerName: record.name,
      restartCount: record.restartCount,
      env: instance.fs.env(),
      fs: instance.fs,
      log: (line) => instance.log.write(`${line}\n`),
      // Deferred, so that a program exiting inside run() or a listener never re-enters the kubelet.
      exit: (code) => queueMicrotask(() => this.exited(pod, record, instance, code)),
      after: (seconds, action) => instance.timers.after(seconds, `${pod.name}/${record.name}`, () => (instance.exited ? undefined : action())),
      onTerm: (listener) => instance.termListeners.push(listener),
      onFileSystemChange: (listener) => instance.fsListeners.push(listener),
      othersRunning: () => pod.regular.some((other) => other !== record && other.lifecycle === 'running'),
      onOthersChange: (listener) => instance.othersListeners.push(listener),
    };
  }

  private exited(pod: PodModel, record: ContainerRecord, instance: ContainerInstance, exitCode: number): void {
    if (instance.exited) return;
    instance.exited = true;
    instance.timers.dispose();
    instance.log.end();
    if (record.instance === instance) record.instance = undefined;
    const terminated: TerminatedModel = {
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      startedAt: instance.startedAt,
      finishedAt: this.options.clock.nowIso(),
      containerID: `containerd://${instance.id}`,
    };
    record.state = { kind: 'terminated', ...terminated };
    this.othersChanged(pod);
    if (pod.deleting || pod.removed) {
      record.lifecycle = 'exited';
      this.flush(pod);
      return;
    }
    const policy = pod.spec.restartPolicy ?? 'Always';
    const restart =
      record.role === 'sidecar'
        ? !pod.stoppingSidecars
        : record.role === 'init'
          ? exitCode !== 0 && policy !== 'Never'
          : policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
    if (restart) {
      record.lifecycle = 'restarting';
      const delay = record.crashBackoffSeconds;
      record.crashBackoffSeconds = Math.min(delay * 2, SIM_TIMINGS.crashLoopBackoffCap);
      record.timers.after(SIM_TIMINGS.crashShownSeconds, `backoff ${pod.name}/${record.name}`, () => {
        record.lastTerminated = terminated;
        record.state = {
          kind: 'waiting',
          reason: 'CrashLoopBackOff',
          message: `back-off ${delay}s restarting failed container=${record.name} pod=${pod.name}_${pod.namespace}(${pod.uid})`,
        };
        this.flush(pod);
      });
      record.timers.after(delay, `restart ${pod.name}/${record.name}`, () => {
        record.lastTerminated = terminated;
        this.attemptCreate(pod, record);
      });
    } else {
      record.lifecycle = 'exited';
    }
    this.reconcileQueue.add(podKey(pod.namespace, pod.name));
    this.flush(pod);
  }

  private sendTerm(pod: PodModel, record: ContainerRecord): void {
    const instance = record.instance;
    if (!instance) return;
    record.termSent = true;
    const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
    instance.timers.after(grace, `kill ${pod.name}/${record.name}`, () => this.exited(pod, record, instance, 137));
    if (instance.termListeners.length === 0) {
      queueMicrotask(() => this.exited(pod, record, instance, 137));
      return;
    }
    for (const listener of instance.termListeners) guarded(`SIGTERM handler of ${pod.name}/${record.name}`, listener);
  }

  private fileSystemChanged(pod: PodModel): void {
    queueMicrotask(() => {
      for (const record of [...pod.init, ...pod.regular]) {
        const instance = record.instance;
        if (!instance || instance.exited) continue;
        for (const listener of instance.fsListeners) guarded(`file system listener of ${pod.name}/${record.name}`, listener);
      }
    });
  }

  private othersChanged(pod: PodModel): void {
    queueMicrotask(() => {
      for (const record of [...pod.init, ...pod.regular]) {
        const instance = record.instance;
        if (!instance || instance.exited) continue;
        for (const listener of instance.othersListeners) guarded(`process listener of ${pod.name}/${record.name}`, listener);
      }
    });
  }

  // --- deletion -------------------------------------------------------------------------------

  /** deletionTimestamp set: stop every container now, write the final status, leave the store soon. */
  private beginDeletion(pod: PodModel, object: PodObject): void {
    pod.deleting = true;
    const now = this.options.clock.nowIso();
    for (const record of [...pod.init, ...pod.regular]) {
      record.timers.cancelAll();
      if (record.instance) {
        this.exited(pod, record, record.instance, 137);
      } else if (pod.bound && record.lifecycle !== 'exited' && record.state.kind !== 'terminated') {
        record.state = {
          kind: 'terminated',
          exitCode: 137,
          reason: 'ContainerStatusUnknown',
          message: 'The container could not be located when the pod was terminated',
          finishedAt: now,
        };
      }
      record.lifecycle = 'exited';
    }
    if (!pod.finished && pod.bound) {
      pod.finalPhase = terminalPhase(pod);
      pod.finished = true;
    }
    this.flush(pod);
    const grace = object.metadata.deletionGracePeriodSeconds ?? 0;
    const delay = pod.bound ? Math.min(Math.max(0, grace), SIM_TIMINGS.maxRemovalDelaySeconds) : 0;
    pod.timers.after(delay, `remove ${pod.name}`, () => {
      pod.removalDue = true;
      this.tryRemove(pod);
    });
  }

  /** Removes the Pod from the store once its finalizers are gone (the Job controller removes its own). */
  private tryRemove(pod: PodModel): void {
    const object = this.options.store.get('pods', pod.namespace, pod.name);
    if (!object || object.metadata.uid !== pod.uid) return;
    if ((object.metadata.finalizers ?? []).length > 0) return; // sync() retries on the next change
    this.flushNow(pod);
    this.options.store.remove('pods', pod.namespace, pod.name);
  }

  /** A deleted Pod the kubelet never ran: nothing to stop, it just goes once its finalizers are gone. */
  private removeUnmanaged(object: PodObject): void {
    if (!object.metadata.deletionTimestamp || (object.metadata.finalizers ?? []).length > 0) return;
    const { namespace, name, uid } = object.metadata;
    this.options.timers.after(0, `remove ${name ?? ''}`, () => {
      const current = this.options.store.get('pods', namespace, name!);
      if (current && current.metadata.uid === uid && (current.metadata.finalizers ?? []).length === 0) this.options.store.remove('pods', namespace, name!);
    });
  }

  private teardown(pod: PodModel): void {
    pod.removed = true;
    pod.timers.dispose();
    for (const record of [...pod.init, ...pod.regular]) {
      for (const instance of record.instances.values()) {
        instance.exited = true;
        instance.log.end();
      }
      record.instance = undefined;
    }
    if (this.pods.get(podKey(pod.namespace, pod.name)) === pod) this.pods.delete(podKey(pod.namespace, pod.name));
  }

  // --- status -----------------------------------------------------------------------------------

  private flush(pod: PodModel): void {
    this.flushQueue.add(podKey(pod.namespace, pod.name));
  }

  private flushNow(pod: PodModel): void {
    if (pod.removed) return;
    const object = this.options.store.get('pods', pod.namespace, pod.name);
    if (!object || object.metadata.uid !== pod.uid) return;
    const status = renderPodStatus(pod, this.options.clock.nowIso());
    const spec = object['spec'] as PodSpec | undefined;
    const needsBinding = pod.bound && !spec?.nodeName;
    if (!needsBinding && JSON.stringify(object['status']) === JSON.stringify(status)) return;
    object['status'] = status;
    if (needsBinding) object['spec'] = { ...spec, nodeName: this.options.nodeName };
    this.options.store.update('pods', object);
  }
}
