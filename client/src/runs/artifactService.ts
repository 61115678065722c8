/**
 * Collection as part of a run's life: when a Pod's main container has ended, collect
 * `/.keruta/doc` (on success; on failure too when asked), record the files on the task
 * (`documents`), release the collector (a failed release is a warning and keeps the files), and
 * delete the Job when the settings ask for it. Also collection on demand. No `vscode` import.
 */
import path from 'node:path';
import * as l10n from '@vscode/l10n';
import type { ClusterClient } from '../cluster/clusterClient';
import type { Pod } from 'kubernetes-types/core/v1';
import { type Disposable, Emitter, type Event } from '../util/events';
import { CollectError, collectArtifacts, type CollectedArtifacts, type CollectProgress } from './artifactCollector';
import { collectorStatus } from './podState';
import type { RunFinished, TrackedRun } from './runModel';
import { type MainFinishedHandler, releaseCollector } from './runService';
import type { ExtractLimits } from './safeExtract';
import type { StatusWriter } from './statusWriter';

export interface ArtifactSettings {
  /** Absolute folder artifacts go under. */
  readonly outputRoot: string;
  /** Absolute workspace folder, to record `documents` relative to it. */
  readonly workspaceRoot: string;
  readonly limits: ExtractLimits;
  readonly collectOnFailure: boolean;
  readonly deleteJobAfterCollect: boolean;
}

export interface CollectionRecord {
  readonly run: TrackedRun;
  readonly pod: string;
  readonly trigger: 'automatic' | 'on-demand';
  readonly at: number;
  readonly result?: CollectedArtifacts;
  readonly error?: CollectError;
  /** The collector could not be released (the Pod ends by itself after its window). */
  readonly releaseWarning?: string;
}

/** Cancellation and progress of an on-demand collection. */
export interface CollectOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: CollectProgress) => void;
}

/** A collection under way: `done` resolves with its record (it never rejects). */
export interface CollectionStart {
  readonly run: TrackedRun;
  readonly pod: string;
  readonly trigger: CollectionRecord['trigger'];
  readonly done: Promise<CollectionRecord>;
}

/** Where collected files are recorded: workspace-relative paths with `/`. */
export function documentPaths(workspaceRoot: string, result: CollectedArtifacts): string[] {
  return result.files.map((file) => path.relative(workspaceRoot, path.join(result.folder, ...file.split('/'))).split(path.sep).join('/'));
}

/** What the collector container of the Pod was doing, for a message: "ErrImagePull: …", "StartError (exit code 128): …". */
function collectorStateOf(pod: Pod | undefined): string | undefined {
  const status = pod ? collectorStatus(pod) : undefined;
  const waiting = status?.state?.waiting ?? status?.lastState?.waiting;
  const ended = status?.state?.terminated ?? status?.lastState?.terminated;
  if (waiting?.reason) return waiting.message ? `${waiting.reason}: ${waiting.message}` : waiting.reason;
  if (ended) return `${ended.reason ?? 'Terminated'} (exit code ${ended.exitCode})${ended.message ? `: ${ended.message}` : ''}`;
  return undefined;
}

export class ArtifactService {
  private readonly collected = new Emitter<CollectionRecord>();
  private readonly started = new Emitter<CollectionStart>();
  private readonly history = new Map<string, CollectionRecord[]>();
  /** Runs whose main container was seen ending with the collector waiting (collection was up to the handler). */
  private readonly handled = new Set<string>();
  private readonly subscriptions: Disposable[] = [];
  /** Every collection: automatic or on demand, succeeded or failed. */
  readonly onDidCollect: Event<CollectionRecord> = this.collected.event;
  /** A collection begins (for progress in the UI). */
  readonly onDidStartCollect: Event<CollectionStart> = this.started.event;

  constructor(
    private readonly client: ClusterClient,
    private readonly writer: StatusWriter,
    /** The settings for a run's task; undefined when it has no workspace folder (nothing is collected). */
    private readonly settingsFor: (run: TrackedRun) => Promise<ArtifactSettings | undefined>,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  records(uid: string): readonly CollectionRecord[] {
    return this.history.get(uid) ?? [];
  }

  /** The RunService handler: collect (by exit code and settings), then release, then maybe delete the Job. */
  handler(): MainFinishedHandler {
    const release = releaseCollector(this.client);
    return async (run, pod, exitCode) => {
      this.handled.add(run.uid);
      const settings = await this.settingsFor(run);
      let record: CollectionRecord | undefined;
      if (settings && (exitCode === 0 || settings.collectOnFailure)) record = await this.collect(run, pod, settings, 'automatic');
      let releaseWarning: string | undefined;
      try {
        await release(run, pod, exitCode);
      } catch (error) {
        releaseWarning = `${error instanceof Error ? error.message : String(error)}. The Pod ends by itself when the collection window passes.`;
        this.log(`${run.name}: ${releaseWarning}`);
      }
      if (record) this.remember({ ...record, ...(releaseWarning ? { releaseWarning } : {}) });
      if (record?.result && settings?.deleteJobAfterCollect) {
        await this.client.deleteJob(run.namespace, run.name).catch((error: unknown) => this.log(`${run.name}: not deleted after collection: ${String(error)}`));
      }
    };
  }

  /**
   * Says so when a run seen live succeeded but its files were never collected because its collector
   * was never seen running after the main container ended (it crashed, or the collection window
   * passed while the cluster could not be watched): otherwise nothing would tell the user.
   */
  followFinishes(onDidFinish: Event<RunFinished>): void {
    this.subscriptions.push(onDidFinish((finished) => void this.reportUncollected(finished)));
  }

  private async reportUncollected({ run, outcome, observedLive }: RunFinished): Promise<void> {
    if (!observedLive || outcome !== 'COMPLETED' || run.stopped || this.handled.has(run.uid)) return;
    // Jobs rendered without the collector have nothing to collect.
    const summary = run.state.podSummaries.find((pod) => pod.collectorRunning !== undefined);
    if (!summary) return;
    const settings = await this.settingsFor(run);
    if (!settings) return;
    const state = collectorStateOf(run.pods.find((pod) => pod.metadata?.name === summary.name));
    const message = state
      ? l10n.t('The collector container of {0} was never seen running after the main container ended ({1}).', summary.name, state)
      : l10n.t('The collector container of {0} was never seen running after the main container ended.', summary.name);
    const error = new CollectError(
      'collector-not-running',
      message,
      l10n.t('Check keruta.collector.image (it needs sh and tar; busybox works) and keruta.collector.windowSeconds, then run the task again.'),
    );
    this.log(`${run.name}: not collected: ${message}`);
    this.remember({ run, pod: summary.name, trigger: 'automatic', at: Date.now(), error });
  }

  /** Collects now, without releasing the collector (the run may still be going). */
  async collectNow(run: TrackedRun, pod?: string, options: CollectOptions = {}): Promise<CollectionRecord> {
    const target = pod ?? [...run.state.podSummaries].reverse().find((summary) => summary.collectorRunning)?.name ?? run.state.podSummaries.at(-1)?.name;
    const settings = await this.settingsFor(run);
    if (!target || !settings) {
      const error = !target
        ? new CollectError('not-started', l10n.t('The run {0} has no Pod to collect from.', run.name), l10n.t('Try again once the run has a Pod.'))
        : new CollectError('io', l10n.t('The task of {0} is not in a workspace folder: there is nowhere to put its files.', run.name), l10n.t('Open the folder that holds the task file.'));
      const record: CollectionRecord = { run, pod: target ?? '', trigger: 'on-demand', at: Date.now(), error };
      this.remember(record);
      return record;
    }
    const record = await this.collect(run, target, settings, 'on-demand', options);
    this.remember(record);
    return record;
  }

  private collect(run: TrackedRun, pod: string, settings: ArtifactSettings, trigger: CollectionRecord['trigger'], options: CollectOptions = {}): Promise<CollectionRecord> {
    const done = this.collectInto(run, pod, settings, trigger, options);
    this.started.fire({ run, pod, trigger, done });
    return done;
  }

  private async collectInto(run: TrackedRun, pod: string, settings: ArtifactSettings, trigger: CollectionRecord['trigger'], options: CollectOptions): Promise<CollectionRecord> {
    const base = { run, pod, trigger, at: Date.now() };
    try {
      const ttl = run.job?.spec?.ttlSecondsAfterFinished;
      const result = await collectArtifacts(this.client, {
        namespace: run.namespace,
        pod,
        taskId: run.taskId || run.name,
        jobName: run.name,
        outputRoot: settings.outputRoot,
        limits: settings.limits,
        ...(ttl !== undefined ? { ttlSecondsAfterFinished: ttl } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      this.log(`${run.name}: collected ${result.files.length} file(s), ${result.bytes} bytes into ${result.folder}${result.refused.length > 0 ? `; refused: ${result.refused.map((entry) => `${entry.name} (${entry.reason})`).join(', ')}` : ''}`);
      if (!result.empty && run.taskId) {
        const write = await this.writer.writeDocuments(run, documentPaths(settings.workspaceRoot, result));
        if (!write.written) this.log(`${run.name}: documents not recorded: ${write.reason}`);
      }
      return { ...base, result };
    } catch (error) {
      const failure = error instanceof CollectError ? error : new CollectError('io', String(error), l10n.t('Try again.'));
      this.log(`${run.name}: collection failed: ${failure.message} ${failure.fix}`);
      return { ...base, error: failure };
    }
  }

  private remember(record: CollectionRecord): void {
    const list = this.history.get(record.run.uid) ?? [];
    list.push(record);
    this.history.set(record.run.uid, list);
    this.collected.fire(record);
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.collected.dispose();
    this.started.dispose();
  }
}
