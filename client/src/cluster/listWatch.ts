/**
 * List-then-watch of one kind in one namespace, as client-go's reflector does it: list once,
 * watch from the list's resourceVersion, resume from the last version seen (events and
 * BOOKMARKs) when a watch ends, list again only when the server says the version is too old
 * (410), and back off after errors. Never polls. Keeps a cache keyed by uid and reports changes
 * in batches, including the ones a re-list reveals (objects deleted while nobody watched).
 */
import * as l10n from '@vscode/l10n';
import type { ClusterClient, WatchedKind, WatchHandle } from './clusterClient';
import { ClusterRequestError } from './clusterClient';
import type { ClusterError } from './errors';
import { Emitter, type Event } from '../util/events';
import type { WatchHealth } from '../runs/runModel';

export interface WatchedObject {
  readonly metadata?: { readonly uid?: string; readonly name?: string; readonly resourceVersion?: string };
}

export interface CacheChange<T> {
  readonly type: 'added' | 'modified' | 'deleted';
  readonly object: T;
}

export interface ListWatchOptions {
  readonly labelSelector: string;
  /** A watch silent this long (no event, no BOOKMARK) is given up and resumed. Default 90 s (BOOKMARKs come about every minute). */
  readonly idleTimeoutMs?: number;
  /** The server ends each watch after a random time in this range (seconds); it is then resumed. Default 240–360. */
  readonly watchTimeoutSeconds?: readonly [min: number, max: number];
  /** Back-off after failures: first delay, doubling up to the maximum (ms). Default 500 → 30 000. */
  readonly backoffMs?: readonly [initial: number, max: number];
  readonly log?: (message: string) => void;
}

const DEFAULTS = {
  idleTimeoutMs: 90_000,
  watchTimeoutSeconds: [240, 360] as const,
  backoffMs: [500, 30_000] as const,
};

/** A watch that ends this soon without delivering anything counts as a failure (no hot loop). */
const MIN_HEALTHY_WATCH_MS = 1000;

export class ListWatch<T extends WatchedObject> {
  private readonly cache = new Map<string, T>();
  private resourceVersion: string | undefined;
  private current: WatchHandle | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private disposed = false;
  private generation = 0;
  private syncedOnce = false;
  private readonly syncWaiters: (() => void)[] = [];
  private readonly changes = new Emitter<readonly CacheChange<T>[]>();
  private readonly healthChanged = new Emitter<WatchHealth>();
  private currentHealth: WatchHealth = { state: 'connecting' };
  /** Batches of changes: from the first list, from re-lists, from watch events. */
  readonly onDidChange: Event<readonly CacheChange<T>[]> = this.changes.event;
  readonly onDidChangeHealth: Event<WatchHealth> = this.healthChanged.event;

  constructor(
    private readonly client: ClusterClient,
    readonly kind: WatchedKind,
    readonly namespace: string,
    private readonly options: ListWatchOptions,
  ) {}

  get health(): WatchHealth {
    return this.currentHealth;
  }

  /** Whether the first list has been delivered. */
  get synced(): boolean {
    return this.syncedOnce;
  }

  /** Resolves once the first list has been delivered (never rejects; see `health` for trouble). */
  whenSynced(): Promise<void> {
    if (this.syncedOnce || this.disposed) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  items(): T[] {
    return [...this.cache.values()];
  }

  start(): void {
    void this.list();
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.current?.abort();
    this.current = undefined;
    for (const resolve of this.syncWaiters.splice(0)) resolve();
    this.changes.dispose();
    this.healthChanged.dispose();
  }

  private setHealth(health: WatchHealth): void {
    const same = health.state === this.currentHealth.state && health.state !== 'retrying';
    this.currentHealth = health;
    if (!same) this.healthChanged.fire(health);
  }

  private async list(): Promise<void> {
    const generation = ++this.generation;
    let items: T[];
    let version: string | undefined;
    try {
      const list = this.kind === 'jobs' ? await this.client.listJobs(this.namespace, this.options.labelSelector) : await this.client.listPods(this.namespace, this.options.labelSelector);
      if (generation !== this.generation) return;
      items = (list.items ?? []) as T[];
      version = list.metadata?.resourceVersion;
    } catch (error) {
      if (generation !== this.generation) return;
      this.retry(error instanceof ClusterRequestError ? error.cluster : undefined, () => void this.list());
      return;
    }
    this.replace(items);
    this.resourceVersion = version;
    this.failures = 0;
    this.setHealth({ state: 'live' });
    if (!this.syncedOnce) {
      this.syncedOnce = true;
      for (const resolve of this.syncWaiters.splice(0)) resolve();
    }
    void this.watch();
  }

  /** Swaps the cache for a fresh list, reporting what changed since the last one. */
  private replace(items: readonly T[]): void {
    const batch: CacheChange<T>[] = [];
    const seen = new Set<string>();
    for (const object of items) {
      const uid = object.metadata?.uid;
      if (!uid) continue;
      seen.add(uid);
      const before = this.cache.get(uid);
      this.cache.set(uid, object);
      if (!before) batch.push({ type: 'added', object });
      else if (before.metadata?.resourceVersion !== object.metadata?.resourceVersion) batch.push({ type: 'modified', object });
    }
    for (const [uid, object] of this.cache) {
      if (!seen.has(uid)) {
        this.cache.delete(uid);
        batch.push({ type: 'deleted', object });
      }
    }
    if (batch.length > 0) this.changes.fire(batch);
  }

  private async watch(): Promise<void> {
    const generation = ++this.generation;
    const [min, max] = this.options.watchTimeoutSeconds ?? DEFAULTS.watchTimeoutSeconds;
    const startedAt = Date.now();
    let delivered = false;
    let expired = false;
    const handle = await this.client.watch(
      this.kind,
      this.namespace,
      {
        labelSelector: this.options.labelSelector,
        ...(this.resourceVersion ? { resourceVersion: this.resourceVersion } : {}),
        timeoutSeconds: Math.round(min + Math.random() * (max - min)),
        idleTimeoutMs: this.options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
      },
      (type, object) => {
        if (generation !== this.generation) return;
        delivered = true;
        if (type === 'ERROR') {
          const status = object as { code?: number; reason?: string; message?: string };
          if (status.code === 410) expired = true;
          else this.options.log?.(`${this.kind} watch in ${this.namespace}: ${status.message ?? 'error event'}`);
          return;
        }
        const watched = object as T;
        const version = watched.metadata?.resourceVersion;
        if (type === 'BOOKMARK') {
          if (version) this.resourceVersion = version;
          return;
        }
        this.apply(type, watched);
        if (version) this.resourceVersion = version;
      },
      (error) => {
        if (generation !== this.generation) return;
        this.current = undefined;
        if (expired) {
          // The version we would resume from is gone: only a new list can say what changed.
          this.options.log?.(`${this.kind} watch in ${this.namespace}: resource version expired (410); listing again`);
          void this.list();
          return;
        }
        const healthy = delivered || Date.now() - startedAt >= MIN_HEALTHY_WATCH_MS;
        if (!error && healthy) {
          // The server ended the watch (its timeout, a restart, a load balancer): resume at once.
          this.failures = 0;
          void this.watch();
          return;
        }
        if (error?.kind === 'timeout' && healthy) {
          this.options.log?.(`${this.kind} watch in ${this.namespace} went silent; resuming`);
          void this.watch();
          return;
        }
        this.retry(error, () => void this.watch());
      },
    );
    if (generation !== this.generation) {
      handle.abort();
      return;
    }
    this.current = handle;
    // Connected (the server answered 200 and streams): the namespace is live again.
    this.setHealth({ state: 'live' });
  }

  private apply(type: string, object: T): void {
    const uid = object.metadata?.uid;
    if (!uid) return;
    if (type === 'DELETED') {
      const before = this.cache.get(uid);
      this.cache.delete(uid);
      if (before) this.changes.fire([{ type: 'deleted', object }]);
      return;
    }
    if (type !== 'ADDED' && type !== 'MODIFIED') return;
    const before = this.cache.get(uid);
    // A resumed watch may repeat what the list already gave: no change, no event.
    if (before && before.metadata?.resourceVersion === object.metadata?.resourceVersion) return;
    this.cache.set(uid, object);
    this.changes.fire([{ type: before ? 'modified' : 'added', object }]);
  }

  private retry(error: ClusterError | undefined, again: () => void): void {
    if (this.disposed) return;
    const [initial, max] = this.options.backoffMs ?? DEFAULTS.backoffMs;
    const delay = Math.min(max, initial * 2 ** this.failures) * (0.8 + Math.random() * 0.4);
    this.failures++;
    const generation = this.generation;
    const explained: ClusterError = error ?? {
      kind: 'unknown',
      message: l10n.t('The {0} watch in {1} ended without a reason.', this.kind, this.namespace),
      fix: l10n.t('Keruta retries by itself.'),
    };
    this.options.log?.(`${this.kind} watch in ${this.namespace} failed (${explained.message}); retrying in ${Math.round(delay)} ms`);
    this.setHealth({ state: 'retrying', error: explained, retryAt: Date.now() + delay });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (generation === this.generation && !this.disposed) again();
    }, delay);
  }
}
