/**
 * A run's life from the user's side: start (create the Job, write IN_PROGRESS), stop (delete the
 * Job in the background, write CANCELLED), outcomes written back as the tracker reports them, and
 * clean-up of finished Jobs. No `vscode` import; the commands put a UI around it.
 */
import * as l10n from '@vscode/l10n';
import type { Job } from 'kubernetes-types/batch/v1';
import { COLLECTOR_CONTAINER, RELEASE_COMMAND } from '../../../server/src/core/collectorPod';
import { ANNOTATION_STARTED_AT, MANAGED_SELECTOR } from '../../../server/src/core/jobRenderer';
import { type ClusterClient, clusterErrorOf } from '../cluster/clusterClient';
import type { ClusterError } from '../cluster/errors';
import type { Disposable } from '../util/events';
import { isActive, type TrackedRun } from './runModel';
import type { RunTracker } from './runTracker';
import type { StatusWriter, WriteResult } from './statusWriter';

export interface StartRunRequest {
  readonly taskId: string;
  /** The task file, as the status writer names files (none for a Job that names no known task). */
  readonly file?: string;
  readonly namespace: string;
  /** The rendered Job (its metadata.namespace is set to `namespace`). */
  readonly job: Job;
  /** When the run starts (ISO 8601): the time the Job was rendered with, the task's new updatedAt. Default: now. */
  readonly startedAt?: string;
}

export interface StartedRun {
  readonly run: TrackedRun | undefined;
  readonly job: Job;
  readonly write: WriteResult;
}

/**
 * Called once per Pod when its main container has ended and only the collector keeps the Pod
 * up: collect `/.keruta/doc` (or not, by exit code and settings), then release the collector so
 * that the Pod, and the Job, can finish.
 */
export type MainFinishedHandler = (run: TrackedRun, pod: string, exitCode: number) => Promise<void>;

const RELEASE_ATTEMPTS = 4;

/** Without collection: release the collector at once, so the Job does not wait for its window. */
export function releaseCollector(client: ClusterClient): MainFinishedHandler {
  return async (run, pod) => {
    // A connection blip must not leave the Pod up for the whole window: try a few times.
    for (let attempt = 1; ; attempt++) {
      let problem: string;
      try {
        const result = await client.exec(run.namespace, pod, COLLECTOR_CONTAINER, RELEASE_COMMAND, {});
        if (result.success) return;
        problem = result.message ?? 'no message';
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      if (attempt >= RELEASE_ATTEMPTS) throw new Error(`releasing the collector of ${pod} failed: ${problem}`);
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    }
  };
}

export interface CleanUpResult {
  readonly deleted: readonly string[];
  readonly failed: readonly { readonly name: string; readonly error: ClusterError }[];
}

function isFinished(job: Job): boolean {
  return job.status?.conditions?.some((condition) => (condition.type === 'Complete' || condition.type === 'Failed') && condition.status === 'True') ?? false;
}

export class RunService implements Disposable {
  private readonly subscriptions: Disposable[] = [];
  /** Outcome writes in flight, so that tests and the benchmark can wait for them. */
  private readonly writes = new Set<Promise<unknown>>();
  private readonly lastWrites = new Map<string, WriteResult>();
  /** Pods (`jobUid/pod`) whose main-finished handler ran: once per Pod. */
  private readonly handled = new Set<string>();
  private readonly onMainFinished: MainFinishedHandler;

  constructor(
    private readonly client: ClusterClient,
    private readonly tracker: RunTracker,
    private readonly writer: StatusWriter,
    private readonly log: (message: string) => void = () => undefined,
    onMainFinished?: MainFinishedHandler,
  ) {
    this.onMainFinished = onMainFinished ?? releaseCollector(client);
    this.subscriptions.push(
      tracker.onDidChange(({ runs }) => {
        for (const run of runs) this.maybeHandleMainFinished(run);
      }),
      tracker.onDidFinish(({ run, outcome }) => this.track(run.uid, this.writer.writeOutcome(run, outcome))),
      tracker.onDidRequestStop((run) => {
        this.log(`${run.name}: the main container crash-looped too long; stopping the Job`);
        this.track(run.uid, this.deleteJob(run));
      }),
    );
  }

  /** The task's run that is still going, if any (Run Task asks before starting another). */
  activeRunOf(taskId: string): TrackedRun | undefined {
    return this.tracker.runsOfTask(taskId).find(isActive);
  }

  /** Creates the Job and marks the task IN_PROGRESS. Rejects with `ClusterRequestError` when the Job could not be created. */
  async start(request: StartRunRequest): Promise<StartedRun> {
    // Watch first, so that no event of the new Job is missed.
    await this.tracker.watchNamespace(request.namespace);
    const metadata = {
      ...request.job.metadata,
      namespace: request.namespace,
      annotations: { ...request.job.metadata?.annotations, [ANNOTATION_STARTED_AT]: request.startedAt ?? new Date().toISOString() },
    };
    const created = await this.client.createJob(request.namespace, { ...request.job, metadata });
    const run = this.tracker.registerCreated(created);
    this.log(`${request.taskId}: created Job ${request.namespace}/${created.metadata?.name ?? '?'}`);
    const write: WriteResult = request.file ? await this.writer.writeStarted(request.file, request.taskId, request.startedAt) : { written: false, reason: l10n.t('the Job names no task file of this workspace') };
    return { run, job: created, write };
  }

  /** Deletes the run's Job (Pods go in the background) and writes CANCELLED. */
  async stop(uid: string): Promise<WriteResult> {
    const run = this.tracker.run(uid);
    if (!run) return { written: false, reason: `no run ${uid} is known` };
    this.tracker.markStopped(uid, true);
    try {
      await this.client.deleteJob(run.namespace, run.name);
    } catch (error) {
      this.tracker.markStopped(uid, false);
      throw error;
    }
    const write = this.writer.writeOutcome(run, 'CANCELLED');
    this.track(uid, write);
    return write;
  }

  /** Deletes every finished keruta Job in the namespace. */
  async cleanUp(namespace: string): Promise<CleanUpResult> {
    const list = await this.client.listJobs(namespace, MANAGED_SELECTOR);
    const deleted: string[] = [];
    const failed: { name: string; error: ClusterError }[] = [];
    await Promise.all(
      (list.items ?? []).filter(isFinished).map(async (job) => {
        const name = job.metadata?.name ?? '';
        try {
          await this.client.deleteJob(namespace, name);
          deleted.push(name);
        } catch (error) {
          failed.push({ name, error: clusterErrorOf(error, { verb: 'delete', resource: 'jobs', group: 'batch', namespace, name }) });
        }
      }),
    );
    return { deleted: deleted.sort(), failed };
  }

  /** The last outcome write of a run (for tests, the benchmark and the log). */
  lastWrite(uid: string): WriteResult | undefined {
    return this.lastWrites.get(uid);
  }

  /** Resolves when every write started so far has settled. */
  async settled(): Promise<void> {
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
  }

  private maybeHandleMainFinished(run: TrackedRun): void {
    if (run.gone || run.stopped) return;
    for (const pod of run.state.podSummaries) {
      const key = `${run.uid}/${pod.name}`;
      if (pod.collectorRunning !== true || pod.mainExitCode === undefined || this.handled.has(key)) continue;
      // The main container of this Pod has ended for good (restartPolicy Never) and the collector waits.
      if (run.job?.spec?.template.spec?.restartPolicy === 'OnFailure' && pod.mainExitCode !== 0) continue;
      this.handled.add(key);
      const work = this.onMainFinished(run, pod.name, pod.mainExitCode).catch((error: unknown) => {
        this.log(`${run.name}: ${error instanceof Error ? error.message : String(error)}`);
      });
      this.track(run.uid, work);
    }
  }

  private async deleteJob(run: TrackedRun): Promise<void> {
    try {
      await this.client.deleteJob(run.namespace, run.name);
    } catch (error) {
      this.log(`Could not stop ${run.namespace}/${run.name}: ${clusterErrorOf(error, { verb: 'delete', resource: 'jobs', group: 'batch', namespace: run.namespace, name: run.name }).message}`);
    }
  }

  private track(uid: string, work: Promise<WriteResult | void>): void {
    const settled = work.then(
      (result) => {
        if (result) this.lastWrites.set(uid, result);
      },
      (error: unknown) => this.log(`Writing the outcome of ${uid} failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.writes.add(settled);
    void settled.finally(() => this.writes.delete(settled));
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }
}
