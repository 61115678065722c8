/**
 * The run store, fed by watches: one list-then-watch of keruta Jobs and one of their Pods per
 * namespace, shared by every task. Each change to a Job or one of its Pods derives the run's
 * state again (runState.ts); the step into a terminal phase is reported once through
 * `onDidFinish`; a crash loop that lasted too long stops the Job. No `vscode` import.
 */
import type { Job } from 'kubernetes-types/batch/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { ANNOTATION_STARTED_AT, ANNOTATION_TASK_FILE, ANNOTATION_TASK_ID, ANNOTATION_TASK_TITLE, LABEL_TASK_ID, MANAGED_SELECTOR } from '../../../server/src/core/jobRenderer';
import type { ClusterClient } from '../cluster/clusterClient';
import { type CacheChange, ListWatch, type ListWatchOptions } from '../cluster/listWatch';
import { Emitter, type Event } from '../util/events';
import { isActive, newestFirst, type RunChange, type RunFinished, type RunStore, type TrackedRun, type WatchHealth } from './runModel';
import { DEFAULT_CRASH_LOOP_FAIL_SECONDS, deriveRunState, finalTaskStatus, isTerminal, runContext, type RunState } from './runState';

export interface RunTrackerOptions {
  /** How long a crash loop may last before the run fails and its Job is stopped (seconds). */
  readonly crashLoopFailSeconds?: number;
  /** Watch tuning (tests shorten it). */
  readonly watch?: Omit<ListWatchOptions, 'labelSelector' | 'log'>;
  /** Gone runs kept for the tree, per namespace, newest first. */
  readonly keepGoneRuns?: number;
  readonly log?: (message: string) => void;
  readonly now?: () => number;
}

interface Entry {
  run: TrackedRun;
  job: Job | undefined;
  /** Whether a non-terminal state of the run was seen (a finish is then news, not history). */
  seenLive: boolean;
  recheck?: ReturnType<typeof setTimeout>;
}

interface NamespaceWatch {
  readonly jobs: ListWatch<Job>;
  readonly pods: ListWatch<Pod>;
}

/** The uid of the Job that controls a Pod. */
export function controllerUidOf(pod: Pod): string | undefined {
  const owner = pod.metadata?.ownerReferences?.find((ref) => ref.controller && ref.kind === 'Job');
  return owner?.uid ?? pod.metadata?.labels?.['batch.kubernetes.io/controller-uid'] ?? pod.metadata?.labels?.['controller-uid'];
}

function byCreationOf(a: Pod, b: Pod): number {
  return (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

export class RunTracker implements RunStore {
  private readonly entries = new Map<string, Entry>();
  /** Pods by their Job's uid (Pods may arrive before their Job). */
  private readonly podsByJob = new Map<string, Map<string, Pod>>();
  private readonly namespaces = new Map<string, NamespaceWatch>();
  private readonly changed = new Emitter<RunChange>();
  private readonly healthChanged = new Emitter<void>();
  private readonly finished = new Emitter<RunFinished>();
  private pending = new Map<string, TrackedRun>();
  private flushScheduled = false;
  private disposed = false;
  readonly onDidChange: Event<RunChange> = this.changed.event;
  readonly onDidChangeHealth: Event<void> = this.healthChanged.event;
  readonly onDidFinish: Event<RunFinished> = this.finished.event;
  /** The tracker asks for a Job to be stopped (its crash loop lasted too long). */
  private readonly stopRequested = new Emitter<TrackedRun>();
  readonly onDidRequestStop: Event<TrackedRun> = this.stopRequested.event;

  constructor(
    private readonly client: ClusterClient,
    private readonly options: RunTrackerOptions = {},
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Watches the namespace (once); resolves when its Jobs and Pods have been listed or the first attempt failed. */
  async watchNamespace(namespace: string): Promise<void> {
    let watch = this.namespaces.get(namespace);
    if (!watch) {
      const common = { labelSelector: MANAGED_SELECTOR, ...this.options.watch, ...(this.options.log ? { log: this.options.log } : {}) };
      watch = {
        jobs: new ListWatch<Job>(this.client, 'jobs', namespace, common),
        pods: new ListWatch<Pod>(this.client, 'pods', namespace, common),
      };
      this.namespaces.set(namespace, watch);
      watch.jobs.onDidChange((batch) => this.onJobs(batch));
      watch.pods.onDidChange((batch) => this.onPods(batch));
      watch.jobs.onDidChangeHealth(() => this.healthChanged.fire());
      watch.pods.onDidChangeHealth(() => this.healthChanged.fire());
      // Pods first, so that the Jobs' first states already see them.
      watch.pods.start();
      await Promise.race([watch.pods.whenSynced(), this.firstTrouble(watch.pods)]);
      watch.jobs.start();
    }
    const { jobs, pods } = watch;
    if (jobs.health.state === 'retrying' || pods.health.state === 'retrying') return;
    await Promise.race([Promise.all([jobs.whenSynced(), pods.whenSynced()]), this.firstTrouble(jobs), this.firstTrouble(pods)]);
  }

  private firstTrouble(listWatch: ListWatch<Job> | ListWatch<Pod>): Promise<void> {
    if (listWatch.health.state === 'retrying') return Promise.resolve();
    return new Promise((resolve) => {
      const subscription = listWatch.onDidChangeHealth((health) => {
        if (health.state === 'retrying') {
          subscription.dispose();
          resolve();
        }
      });
      void listWatch.whenSynced().then(() => subscription.dispose());
    });
  }

  /** Stops watching namespaces not in the set (their runs are forgotten). */
  retainNamespaces(keep: ReadonlySet<string>): void {
    for (const [namespace, watch] of this.namespaces) {
      if (keep.has(namespace)) continue;
      watch.jobs.dispose();
      watch.pods.dispose();
      this.namespaces.delete(namespace);
      for (const [uid, entry] of this.entries) {
        if (entry.run.namespace !== namespace) continue;
        if (entry.recheck) clearTimeout(entry.recheck);
        this.entries.delete(uid);
        this.podsByJob.delete(uid);
      }
      this.healthChanged.fire();
    }
  }

  watchedNamespaces(): string[] {
    return [...this.namespaces.keys()];
  }

  /** Shows a Job Keruta just created at once, before the watch reports it. */
  registerCreated(job: Job): TrackedRun | undefined {
    const uid = job.metadata?.uid;
    if (!uid) return undefined;
    const existing = this.entries.get(uid);
    if (existing) return existing.run;
    this.updateJob(job);
    this.flush();
    return this.entries.get(uid)?.run;
  }

  /** Marks a run as stopped by the user: its end is then not reported as a failure. */
  markStopped(uid: string, stopped = true): TrackedRun | undefined {
    const entry = this.entries.get(uid);
    if (!entry) return undefined;
    entry.run = { ...entry.run, stopped };
    this.queue(entry.run);
    this.flush();
    return entry.run;
  }

  // --- RunStore -------------------------------------------------------------------------------

  runs(): readonly TrackedRun[] {
    return [...this.entries.values()].map((entry) => entry.run).sort(newestFirst);
  }

  runsOfTask(taskId: string): readonly TrackedRun[] {
    const runs: TrackedRun[] = [];
    for (const entry of this.entries.values()) if (entry.run.taskId === taskId) runs.push(entry.run);
    return runs.sort(newestFirst);
  }

  activeRuns(): readonly TrackedRun[] {
    return this.runs().filter(isActive);
  }

  run(uid: string): TrackedRun | undefined {
    return this.entries.get(uid)?.run;
  }

  health(): ReadonlyMap<string, WatchHealth> {
    const result = new Map<string, WatchHealth>();
    for (const [namespace, watch] of this.namespaces) {
      const states = [watch.jobs.health, watch.pods.health];
      result.set(namespace, states.find((health) => health.state === 'retrying') ?? states.find((health) => health.state === 'connecting') ?? { state: 'live' });
    }
    return result;
  }

  dispose(): void {
    this.disposed = true;
    for (const watch of this.namespaces.values()) {
      watch.jobs.dispose();
      watch.pods.dispose();
    }
    this.namespaces.clear();
    for (const entry of this.entries.values()) if (entry.recheck) clearTimeout(entry.recheck);
    this.changed.dispose();
    this.healthChanged.dispose();
    this.finished.dispose();
    this.stopRequested.dispose();
  }

  // --- events ---------------------------------------------------------------------------------

  private onJobs(batch: readonly CacheChange<Job>[]): void {
    for (const change of batch) {
      if (change.type === 'deleted') this.jobGone(change.object);
      else this.updateJob(change.object);
    }
    this.flush();
  }

  private onPods(batch: readonly CacheChange<Pod>[]): void {
    const touched = new Set<string>();
    for (const { type, object: pod } of batch) {
      const jobUid = controllerUidOf(pod);
      const podUid = pod.metadata?.uid;
      if (!jobUid || !podUid) continue;
      let pods = this.podsByJob.get(jobUid);
      if (type === 'deleted') {
        pods?.delete(podUid);
      } else {
        if (!pods) this.podsByJob.set(jobUid, (pods = new Map<string, Pod>()));
        pods.set(podUid, pod);
      }
      touched.add(jobUid);
    }
    for (const uid of touched) {
      const entry = this.entries.get(uid);
      if (entry && !entry.run.gone) this.derive(entry, entry.job);
    }
    this.flush();
  }

  private podsOf(uid: string): Pod[] {
    return [...(this.podsByJob.get(uid)?.values() ?? [])].sort(byCreationOf);
  }

  private updateJob(job: Job): void {
    const uid = job.metadata?.uid;
    if (!uid) return;
    let entry = this.entries.get(uid);
    if (!entry) {
      const metadata = job.metadata ?? {};
      const taskId = metadata.labels?.[LABEL_TASK_ID] ?? metadata.annotations?.[ANNOTATION_TASK_ID] ?? '';
      const title = metadata.annotations?.[ANNOTATION_TASK_TITLE];
      const file = metadata.annotations?.[ANNOTATION_TASK_FILE];
      const run: TrackedRun = {
        uid,
        namespace: metadata.namespace ?? '',
        name: metadata.name ?? '',
        taskId,
        ...(title !== undefined ? { taskTitle: title } : {}),
        ...(file !== undefined ? { taskFile: file } : {}),
        createdAt: metadata.annotations?.[ANNOTATION_STARTED_AT] ?? metadata.creationTimestamp ?? new Date(this.now()).toISOString(),
        state: { phase: 'pending', taskStatus: undefined, podSummaries: [] },
        gone: false,
        stopped: false,
        pods: [],
      };
      entry = { run, job, seenLive: false };
      this.entries.set(uid, entry);
      this.derive(entry, job, undefined);
      return;
    }
    if (entry.run.gone) return; // a late event for a Job already reported deleted
    this.derive(entry, job);
  }

  private jobGone(job: Job): void {
    const uid = job.metadata?.uid;
    const entry = uid ? this.entries.get(uid) : undefined;
    if (!uid || !entry || entry.run.gone) return;
    if (entry.recheck) clearTimeout(entry.recheck);
    entry.recheck = undefined;
    entry.job = undefined;
    const previous = entry.run.state;
    // A finished run keeps its outcome; one deleted before it finished is simply gone.
    const state: RunState = isTerminal(previous) ? previous : deriveRunState(undefined, this.podsOf(uid), runContext(previous, this.now(), this.crashLoopSeconds()));
    entry.run = { ...entry.run, state, gone: true, pods: this.podsOf(uid) };
    this.podsByJob.delete(uid);
    this.queue(entry.run);
    this.pruneGone(entry.run.namespace);
  }

  private crashLoopSeconds(): number {
    return this.options.crashLoopFailSeconds ?? DEFAULT_CRASH_LOOP_FAIL_SECONDS;
  }

  private derive(entry: Entry, job: Job | undefined, previous: RunState | undefined = entry.run.state): void {
    if (entry.recheck) clearTimeout(entry.recheck);
    entry.recheck = undefined;
    const pods = this.podsOf(entry.run.uid);
    const now = this.now();
    const state = deriveRunState(job, pods, runContext(previous, now, this.crashLoopSeconds()));
    entry.job = job;
    entry.run = { ...entry.run, state, ...(job ? { job } : {}), pods };
    this.queue(entry.run);
    const outcome = finalTaskStatus(previous, state);
    const observedLive = entry.seenLive;
    if (!isTerminal(state)) entry.seenLive = true;
    if (outcome && !entry.run.stopped) this.finished.fire({ run: entry.run, outcome, observedLive });
    if (state.stopJob && !previous?.stopJob) this.stopRequested.fire(entry.run);
    if (state.recheckAt !== undefined && !this.disposed) {
      entry.recheck = setTimeout(() => {
        entry.recheck = undefined;
        if (!entry.run.gone && this.entries.get(entry.run.uid) === entry) {
          this.derive(entry, entry.job);
          this.flush();
        }
      }, Math.max(0, state.recheckAt - now));
    }
  }

  private pruneGone(namespace: string): void {
    const keep = this.options.keepGoneRuns ?? 100;
    const gone = [...this.entries.values()].filter((entry) => entry.run.gone && entry.run.namespace === namespace).sort((a, b) => newestFirst(a.run, b.run));
    for (const entry of gone.slice(keep)) this.entries.delete(entry.run.uid);
  }

  private queue(run: TrackedRun): void {
    this.pending.set(run.uid, run);
  }

  /** Reports the runs changed by one batch of events, once. */
  private flush(): void {
    if (this.pending.size === 0 || this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      const runs = [...this.pending.values()];
      this.pending = new Map();
      if (runs.length > 0 && !this.disposed) this.changed.fire({ runs });
    });
  }
}
