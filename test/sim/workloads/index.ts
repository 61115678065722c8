/**
 * The simulator's workloads: a Job controller (with garbage collection and TTL-after-finished), a
 * scheduler and a kubelet for one node, running containers as scripted image programs with
 * in-memory file systems and logs. It watches the store and writes Pods and statuses back; the
 * log and exec handlers read containers through the `WorkloadRuntime` methods.
 *
 * ```ts
 * const workloads = new SimWorkloads({ store, clock });
 * workloads.start();   // subscribes; existing Jobs and Pods are picked up
 * …
 * workloads.close();   // unsubscribes, cancels every timer
 * ```
 */
import type { ContainerFileSystem, ContainerRuntimeState, LogSource, SimClock, Store, StoreEvent, WorkloadRuntime } from '../types';
import { JobController } from './jobController';
import { Kubelet } from './kubelet';
import { DEFAULT_NODE_CAPACITY, DEFAULT_NODE_NAME, type NodeCapacity } from './scheduler';
import { guarded, TimerSet } from './timers';

export { SIM_IMAGES, renderSimImageTable, type SimImage } from './images';
export { largeDocBytes } from './largeDoc';
export { DEFAULT_NODE_CAPACITY, DEFAULT_NODE_NAME, type NodeCapacity } from './scheduler';
export { SIM_TIMINGS } from './timing';
export { JOB_TRACKING_FINALIZER, ORPHAN_FINALIZER } from './jobController';

export interface SimWorkloadsOptions {
  readonly store: Store;
  readonly clock: SimClock;
  /** The one node's name (default `keruta-sim-node`). */
  readonly nodeName?: string;
  /** The node's allocatable resources (default 4 CPUs, 8Gi). */
  readonly node?: NodeCapacity;
  /** The node's IP, reported as `status.hostIP` (default 172.18.0.2). */
  readonly hostIP?: string;
}

export class SimWorkloads implements WorkloadRuntime {
  readonly nodeName: string;
  readonly node: NodeCapacity;
  private readonly timers: TimerSet;
  private readonly kubelet: Kubelet;
  private readonly jobs: JobController;
  private readonly pending: StoreEvent[] = [];
  private drainScheduled = false;
  private unsubscribe: (() => void) | undefined;
  private closed = false;

  constructor(private readonly options: SimWorkloadsOptions) {
    this.nodeName = options.nodeName ?? DEFAULT_NODE_NAME;
    this.node = options.node ?? DEFAULT_NODE_CAPACITY;
    this.timers = new TimerSet(options.clock);
    this.kubelet = new Kubelet({
      store: options.store,
      clock: options.clock,
      timers: this.timers.child(),
      nodeName: this.nodeName,
      node: this.node,
      hostIP: options.hostIP ?? '172.18.0.2',
    });
    this.jobs = new JobController({ store: options.store, clock: options.clock, timers: this.timers.child(), nodeName: this.nodeName, node: this.node });
  }

  /** Subscribes to the store and picks up the Jobs and Pods already in it. */
  start(): void {
    if (this.unsubscribe || this.closed) return;
    this.unsubscribe = this.options.store.subscribe((event) => this.onEvent(event));
    guarded('collecting dangling pods', () => this.jobs.collectDangling());
    for (const pod of this.options.store.list('pods')) this.kubelet.enqueue(pod.metadata.namespace, pod.metadata.name!);
    for (const job of this.options.store.list('jobs')) this.jobs.enqueue(job.metadata.namespace, job.metadata.name!);
  }

  /** Unsubscribes and cancels every timer; containers stop where they are. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.pending.length = 0;
    this.timers.dispose();
    this.jobs.close();
    this.kubelet.close();
  }

  containerState(namespace: string, pod: string, container: string): ContainerRuntimeState | undefined {
    return this.kubelet.containerState(namespace, pod, container);
  }

  logs(namespace: string, pod: string, container: string, previous: boolean): LogSource | undefined {
    return this.kubelet.logs(namespace, pod, container, previous);
  }

  fileSystem(namespace: string, pod: string, container: string): ContainerFileSystem | undefined {
    return this.kubelet.fileSystem(namespace, pod, container);
  }

  /** Store listener: only queues; the reaction runs in a microtask, never inside the store's emit. */
  private onEvent(event: StoreEvent): void {
    if (this.closed) return;
    this.pending.push(event);
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    queueMicrotask(() => this.drain());
  }

  private drain(): void {
    this.drainScheduled = false;
    const events = this.pending.splice(0);
    for (const event of events) {
      if (this.closed) return;
      guarded(`handling ${event.type} ${event.resource}`, () => this.dispatch(event));
    }
  }

  private dispatch(event: StoreEvent): void {
    const { metadata } = event.object;
    switch (event.resource) {
      case 'pods':
        this.kubelet.enqueue(metadata.namespace, metadata.name!);
        this.jobs.podEvent(event);
        break;
      case 'jobs':
        this.jobs.jobEvent(event);
        break;
      case 'secrets':
        this.kubelet.secretsChanged(metadata.namespace);
        break;
      default:
        break;
    }
  }
}
