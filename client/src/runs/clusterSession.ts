/**
 * The cluster side of one configuration: client-node (imported on first use, so activation does
 * not pay for it), the kubeconfig the settings name, and the run engine on top (tracker, status
 * writer, run service). A new configuration gets a new session; views hold the `SessionRunStore`,
 * which follows whichever session is current. No `vscode` import.
 */
import * as l10n from '@vscode/l10n';
import { type ClusterClient, createClusterClient } from '../cluster/clusterClient';
import type { ClusterError } from '../cluster/errors';
import { type K8s, type KubeConfigOptions, loadKubeConfig } from '../cluster/kubeConfig';
import { Emitter, type Disposable, type Event } from '../util/events';
import { isActive, newestFirst, type RunChange, type RunFinished, type RunStore, type TrackedRun, type WatchHealth } from './runModel';
import { type ArtifactSettings, ArtifactService, type CollectionRecord, type CollectionStart } from './artifactService';
import { RunService } from './runService';
import { RunTracker } from './runTracker';
import { StatusWriter, type TaskFileAccess, type TaskLocator } from './statusWriter';

export interface SessionSettings extends KubeConfigOptions {
  readonly enabled: boolean;
  readonly trusted: boolean;
  readonly crashLoopFailSeconds: number;
}

/** Why there is no cluster, or the engine when there is one. */
export type SessionState =
  | { readonly kind: 'disabled' }
  | { readonly kind: 'untrusted' }
  | { readonly kind: 'error'; readonly error: ClusterError }
  | { readonly kind: 'ready'; readonly session: ClusterSession };

export interface ClusterSession {
  readonly client: ClusterClient;
  readonly artifacts: ArtifactService;
  readonly tracker: RunTracker;
  readonly service: RunService;
  readonly settings: SessionSettings;
}

export interface SessionDeps {
  readonly loadK8s: () => Promise<K8s>;
  readonly files: TaskFileAccess;
  readonly locate: TaskLocator;
  readonly log: (message: string) => void;
  /** Where a run's files go and the collection limits; undefined: the task has no workspace folder. */
  readonly artifactSettings: (run: TrackedRun) => Promise<ArtifactSettings | undefined>;
}

/** Same settings, same session: nothing cluster-related changed. */
export function sameSessionSettings(a: SessionSettings, b: SessionSettings): boolean {
  return (
    a.enabled === b.enabled &&
    a.trusted === b.trusted &&
    a.configPath === b.configPath &&
    a.context === b.context &&
    a.inCluster === b.inCluster &&
    a.crashLoopFailSeconds === b.crashLoopFailSeconds
  );
}

/** Builds the session for the settings, or says why there is none. Never rejects. */
export async function openSession(settings: SessionSettings, deps: SessionDeps): Promise<SessionState> {
  // An untrusted workspace must not even read a kubeconfig the workspace may have chosen.
  if (!settings.trusted) return { kind: 'untrusted' };
  if (!settings.enabled) return { kind: 'disabled' };
  let k8s: K8s;
  try {
    k8s = await deps.loadK8s();
  } catch (error) {
    return { kind: 'error', error: { kind: 'unknown', message: l10n.t('The Kubernetes client could not be loaded: {0}', String(error)), fix: l10n.t('Reinstall the Keruta extension.') } };
  }
  const loaded = loadKubeConfig(settings, k8s);
  if ('error' in loaded) return { kind: 'error', error: loaded.error };
  const client = createClusterClient(loaded, k8s);
  const tracker = new RunTracker(client, { crashLoopFailSeconds: settings.crashLoopFailSeconds, log: deps.log });
  const writer = new StatusWriter(deps.files, deps.locate, tracker, { log: deps.log });
  const artifacts = new ArtifactService(client, writer, deps.artifactSettings, deps.log);
  artifacts.followFinishes(tracker.onDidFinish);
  // When a main container ends: collect /.keruta/doc, record it, release the collector.
  const service = new RunService(client, tracker, writer, deps.log, artifacts.handler());
  deps.log(`Cluster: context ${loaded.contextName}, server ${loaded.server}`);
  return { kind: 'ready', session: { client, artifacts, tracker, service, settings } };
}

export function disposeSession(state: SessionState): void {
  if (state.kind !== 'ready') return;
  state.session.service.dispose();
  state.session.tracker.dispose();
  state.session.artifacts.dispose();
}

/** Collections of the current session, for views. */
export interface ArtifactStore {
  records(uid: string): readonly CollectionRecord[];
  readonly onDidCollect: Event<CollectionRecord>;
  readonly onDidStartCollect: Event<CollectionStart>;
}

/** An ArtifactStore that follows the current session's artifact service. */
export class SessionArtifactStore implements ArtifactStore, Disposable {
  private current: ArtifactService | undefined;
  private subscriptions: Disposable[] = [];
  private readonly collected = new Emitter<CollectionRecord>();
  private readonly started = new Emitter<CollectionStart>();
  readonly onDidCollect: Event<CollectionRecord> = this.collected.event;
  readonly onDidStartCollect: Event<CollectionStart> = this.started.event;

  follow(service: ArtifactService | undefined): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.current = service;
    if (service) {
      this.subscriptions.push(
        service.onDidCollect((record) => this.collected.fire(record)),
        service.onDidStartCollect((start) => this.started.fire(start)),
      );
    }
  }

  records(uid: string): readonly CollectionRecord[] {
    return this.current?.records(uid) ?? [];
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.collected.dispose();
    this.started.dispose();
  }
}

/** A RunStore that follows the current session's tracker (empty without one). */
export class SessionRunStore implements RunStore, Disposable {
  private current: RunStore | undefined;
  private subscriptions: Disposable[] = [];
  private readonly changed = new Emitter<RunChange>();
  private readonly healthChanged = new Emitter<void>();
  private readonly finished = new Emitter<RunFinished>();
  readonly onDidChange: Event<RunChange> = this.changed.event;
  readonly onDidChangeHealth: Event<void> = this.healthChanged.event;
  readonly onDidFinish: Event<RunFinished> = this.finished.event;

  follow(store: RunStore | undefined): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    const before = this.current?.runs() ?? [];
    this.current = store;
    if (store) {
      this.subscriptions.push(
        store.onDidChange((change) => this.changed.fire(change)),
        store.onDidChangeHealth(() => this.healthChanged.fire()),
        store.onDidFinish((finish) => this.finished.fire(finish)),
      );
    }
    this.changed.fire({ runs: [...before, ...(store?.runs() ?? [])] });
    this.healthChanged.fire();
  }

  runs(): readonly TrackedRun[] {
    return this.current?.runs() ?? [];
  }

  runsOfTask(taskId: string): readonly TrackedRun[] {
    return this.current?.runsOfTask(taskId) ?? [];
  }

  activeRuns(): readonly TrackedRun[] {
    return this.current?.activeRuns() ?? this.runs().filter(isActive).sort(newestFirst);
  }

  run(uid: string): TrackedRun | undefined {
    return this.current?.run(uid);
  }

  health(): ReadonlyMap<string, WatchHealth> {
    return this.current?.health() ?? new Map();
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.changed.dispose();
    this.healthChanged.dispose();
    this.finished.dispose();
  }
}
