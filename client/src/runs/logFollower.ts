/**
 * Follows the log of one container of a run's Pod, live and from the start, and keeps the text in
 * memory so that it stays readable after the Pod is gone (a finished Job is deleted by its TTL).
 * No `vscode` import: views read `text` and listen to the events.
 *
 * client-node's `Log` drops the body of every non-200 answer (only the HTTP code is left) and does
 * not forward errors of the response stream. So a 400 is classified by reading the Pod (the
 * container not started yet, or not in the Pod at all), errors of the stream are caught through
 * the `pipe` event of our Writable, and the end of a stream is checked against the Pod too: an
 * unscheduled Pod answers with an empty 200, and a stream cut while the container still runs is
 * resumed (skipping the bytes already received).
 */
import { Writable } from 'node:stream';
import type * as K8sModule from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import * as l10n from '@vscode/l10n';
import { type ClusterAction, type ClusterError, explainClusterError } from '../cluster/errors';
import type { K8s, KubeConfig } from '../cluster/kubeConfig';
import { type Disposable, Emitter, type Event } from '../util/events';

type V1Pod = K8sModule.V1Pod;

/** The container whose log is followed. */
export interface LogTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** What the log belongs to (the task title), for display. */
  readonly title?: string;
}

export type LogStatus = 'waiting' | 'following' | 'ended' | 'error';

export type LogState =
  /** The container has not started: `reason` as the kubelet or scheduler gives it (`ContainerCreating`, `Unschedulable`, …). */
  | { readonly status: 'waiting'; readonly reason?: string; readonly detail?: string }
  | { readonly status: 'following' }
  /** The container finished (or its Pod went away) and the whole log was received. */
  | { readonly status: 'ended' }
  | { readonly status: 'error'; readonly error: ClusterError };

export type LogOutcome = { readonly kind: 'ended' } | { readonly kind: 'error'; readonly error: ClusterError };

/** Delays of the retries while the container has not started (and of resuming a cut stream). */
export interface LogRetryTiming {
  /** First retry delay (default 500 ms), doubled after each retry… */
  readonly firstDelayMs: number;
  /** …up to this (default 5 s). */
  readonly maxDelayMs: number;
  /** Waiting for the container to start is given up after this long (default 5 min). */
  readonly giveUpAfterMs: number;
}

export interface LogFollowerOptions {
  /** Characters kept in memory (default 10 Mi); beyond that the oldest part is dropped. */
  readonly maxLength?: number;
  readonly timing?: Partial<LogRetryTiming>;
}

export const DEFAULT_LOG_TIMING: LogRetryTiming = { firstDelayMs: 500, maxDelayMs: 5_000, giveUpAfterMs: 5 * 60_000 };
export const DEFAULT_MAX_LOG_LENGTH = 10 * 1024 * 1024;
const FOLLOWING_GRACE_MS = 200;

/** `namespace/pod/container`: one follower per target. */
export function logKey(target: LogTarget): string {
  return `${target.namespace}/${target.pod}/${target.container}`;
}

/** What the Pod says about the container, after a 400 or the end of a stream. */
type ContainerCheck =
  | { readonly kind: 'pod-gone' }
  | { readonly kind: 'no-such-container'; readonly containers: readonly string[] }
  | { readonly kind: 'not-started'; readonly reason?: string; readonly detail?: string }
  | { readonly kind: 'running' }
  /** Terminated, waiting to restart after a run, or the Pod finished: this instance's log is complete. */
  | { readonly kind: 'finished' }
  /** The Pod could not be read (no `get pods` permission, network): the caller guesses. */
  | { readonly kind: 'unknown' };

function checkContainer(pod: V1Pod, container: string): ContainerCheck {
  const spec = pod.spec;
  const containers = [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])].map((c) => c.name);
  if (!containers.includes(container)) return { kind: 'no-such-container', containers };
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return { kind: 'finished' };
  const status = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])].find(
    (s) => s.name === container,
  );
  if (status?.state?.running) return { kind: 'running' };
  if (status?.state?.terminated) return { kind: 'finished' };
  if (status && (status.restartCount > 0 || status.lastState?.terminated)) return { kind: 'finished' };
  const waiting = status?.state?.waiting;
  if (waiting?.reason) return { kind: 'not-started', reason: waiting.reason, ...(waiting.message ? { detail: waiting.message } : {}) };
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') return { kind: 'not-started', reason: scheduled.reason ?? 'Unschedulable', ...(scheduled.message ? { detail: scheduled.message } : {}) };
  return { kind: 'not-started', reason: phase ?? 'Pending' };
}

/** client-node's `Log` turns a failed fetch (no answer at all) into a bare 500 without body or headers. */
function isTransportFailure(error: unknown): boolean {
  const record = error as { code?: unknown; body?: unknown; headers?: unknown };
  return record.code === 500 && record.body === undefined && typeof record.headers === 'object' && record.headers !== null && Object.keys(record.headers).length === 0;
}

function httpCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

export class LogFollower implements Disposable {
  private readonly parts: string[] = [];
  private length = 0;
  private joined: string | undefined = '';
  private dropped = 0;
  private current: LogState = { status: 'waiting' };
  private readonly timing: LogRetryTiming;
  private readonly maxLength: number;
  /** Bytes of the container's log received so far: skipped when a cut stream is resumed. */
  private receivedBytes = 0;
  /** One decoder for the whole byte stream, so that a character split between chunks (or resumed streams) is kept whole. */
  private readonly decoder = new TextDecoder('utf-8');
  /** Bumped by every attempt, restart and dispose: callbacks of older attempts do nothing. */
  private generation = 0;
  private controller: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private delayMs: number;
  private waitingSince: number | undefined;
  private started = false;
  /**
   * The Pod said the container finished and the log was asked for once more since: a 400 or an
   * empty stream may have been answered before the container started, and it may have run and
   * finished (a quick container) before the Pod was read.
   */
  private askedAfterFinish = false;
  private disposed = false;
  private readonly appendEmitter = new Emitter<string>();
  private readonly stateEmitter = new Emitter<LogState>();
  private readonly endEmitter = new Emitter<LogOutcome>();

  /** Text appended to the log (already decoded). */
  readonly onDidAppend: Event<string> = this.appendEmitter.event;
  /** Any change of `state`. */
  readonly onDidChangeState: Event<LogState> = this.stateEmitter.event;
  /** Once per start (or restart): the log is complete, or following it failed. */
  readonly onDidEnd: Event<LogOutcome> = this.endEmitter.event;

  constructor(
    private readonly k8s: K8s,
    private readonly kc: KubeConfig,
    readonly target: LogTarget,
    options: LogFollowerOptions = {},
  ) {
    this.timing = { ...DEFAULT_LOG_TIMING, ...options.timing };
    this.maxLength = Math.max(1024, options.maxLength ?? DEFAULT_MAX_LOG_LENGTH);
    this.delayMs = this.timing.firstDelayMs;
  }

  get state(): LogState {
    return this.current;
  }

  get status(): LogStatus {
    return this.current.status;
  }

  /** The state in one English sentence (views build their own, localized, from `state`). */
  get message(): string {
    const state = this.current;
    switch (state.status) {
      case 'waiting':
        return `Waiting for the container to start${state.reason ? ` (${state.reason}${state.detail ? `: ${state.detail}` : ''})` : ''}…`;
      case 'following':
        return 'Following the log.';
      case 'ended':
        return 'The log ended.';
      case 'error':
        return `${state.error.message}\n${state.error.fix}`;
    }
  }

  get outcome(): LogOutcome | undefined {
    if (this.current.status === 'ended') return { kind: 'ended' };
    if (this.current.status === 'error') return { kind: 'error', error: this.current.error };
    return undefined;
  }

  /** The log as kept: all of it, or its newest `maxLength` characters (see `droppedLength`). */
  get text(): string {
    this.joined ??= this.parts.join('');
    return this.joined;
  }

  /** Characters dropped from the start of the log to stay within `maxLength`. */
  get droppedLength(): number {
    return this.dropped;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Starts following; later calls do nothing (see `restart`). */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    void this.attempt();
  }

  /** Follows again after an error (the text kept so far stays; the stream resumes after it). */
  restart(): void {
    if (this.disposed) return;
    this.stopStream();
    this.started = true;
    this.delayMs = this.timing.firstDelayMs;
    this.waitingSince = undefined;
    this.askedAfterFinish = false;
    this.setState({ status: 'waiting' });
    void this.attempt();
  }

  /** Stops following (aborts the stream and any retry). The text stays readable. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopStream();
    this.appendEmitter.dispose();
    this.stateEmitter.dispose();
    this.endEmitter.dispose();
  }

  private stopStream(): void {
    this.generation++;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.controller?.abort();
    this.controller = undefined;
  }

  private get action(): ClusterAction {
    const server = this.kc.getCurrentCluster()?.server;
    return {
      verb: 'get',
      resource: 'pods',
      subresource: 'log',
      group: '',
      namespace: this.target.namespace,
      name: this.target.pod,
      ...(server ? { server } : {}),
    };
  }

  private setState(state: LogState): void {
    this.current = state;
    this.stateEmitter.fire(state);
  }

  private finish(outcome: LogOutcome): void {
    this.stopStream();
    this.append(this.decoder.decode());
    this.setState(outcome.kind === 'ended' ? { status: 'ended' } : { status: 'error', error: outcome.error });
    this.endEmitter.fire(outcome);
  }

  private append(text: string): void {
    if (text === '') return;
    this.parts.push(text);
    this.length += text.length;
    this.joined = undefined;
    if (this.length > this.maxLength) this.dropOldest();
    this.appendEmitter.fire(text);
  }

  /** Keeps the newest 90 % of `maxLength` (so that dropping is rare), cut at a line start when one is near. */
  private dropOldest(): void {
    const all = this.parts.join('');
    let cut = all.length - Math.floor(this.maxLength * 0.9);
    const newline = all.indexOf('\n', cut - 1);
    if (newline >= 0 && newline + 1 - cut < 4096) cut = newline + 1;
    this.dropped += cut;
    const kept = all.slice(cut);
    this.parts.length = 0;
    this.parts.push(kept);
    this.length = kept.length;
    this.joined = kept;
  }

  private schedule(action: () => void): void {
    const generation = this.generation;
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.timing.maxDelayMs);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (generation === this.generation && !this.disposed) action();
    }, delay);
  }

  private async attempt(): Promise<void> {
    if (this.disposed) return;
    const generation = ++this.generation;
    const current = (): boolean => generation === this.generation && !this.disposed;
    let skip = this.receivedBytes;
    let delivered = false;
    let settle: (result: 'end' | { error: unknown }) => void = () => undefined;
    const closed = new Promise<'end' | { error: unknown }>((resolve) => {
      settle = resolve;
    });
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        if (current()) {
          let bytes = chunk;
          if (skip > 0) {
            const skipped = Math.min(skip, bytes.length);
            skip -= skipped;
            bytes = bytes.subarray(skipped);
          }
          if (bytes.length > 0) {
            delivered = true;
            this.receivedBytes += bytes.length;
            if (this.current.status !== 'following') this.setState({ status: 'following' });
            this.append(this.decoder.decode(bytes, { stream: true }));
          }
        }
        callback();
      },
    });
    sink.on('finish', () => settle('end'));
    sink.on('error', (error) => settle({ error }));
    // `Log` pipes the response into us without handling its errors (an abort, a dropped connection).
    sink.on('pipe', (source: NodeJS.ReadableStream) => source.on('error', (error) => settle({ error })));

    let controller: AbortController;
    try {
      controller = await new this.k8s.Log(this.kc).log(this.target.namespace, this.target.pod, this.target.container, sink, { follow: true, timestamps: false });
    } catch (error) {
      if (current()) await this.requestFailed(error, generation);
      return;
    }
    if (!current()) {
      controller.abort();
      return;
    }
    this.controller = controller;
    // An unscheduled Pod answers with an empty log that ends at once: only a stream that brings
    // text or stays open is "following", so that the status does not flicker while waiting.
    const promote = setTimeout(() => {
      if (current() && this.current.status !== 'following') this.setState({ status: 'following' });
    }, FOLLOWING_GRACE_MS);
    const result = await closed;
    clearTimeout(promote);
    if (!current()) return;
    this.controller = undefined;
    if (delivered) {
      this.delayMs = this.timing.firstDelayMs;
      this.waitingSince = undefined;
    }
    await this.streamClosed(generation, result, delivered);
  }

  private async readPod(): Promise<{ pod: V1Pod } | { gone: true } | { failed: unknown }> {
    try {
      const pod = await this.kc.makeApiClient(this.k8s.CoreV1Api).readNamespacedPod({ name: this.target.pod, namespace: this.target.namespace });
      return { pod };
    } catch (error) {
      return httpCode(error) === 404 ? { gone: true } : { failed: error };
    }
  }

  private async check(): Promise<ContainerCheck> {
    const read = await this.readPod();
    if ('gone' in read) return { kind: 'pod-gone' };
    if ('failed' in read) return { kind: 'unknown' };
    return checkContainer(read.pod, this.target.container);
  }

  /** The stream ended: the container finished, or the stream was cut, or the Pod was not scheduled yet. */
  private async streamClosed(generation: number, result: 'end' | { error: unknown }, delivered: boolean): Promise<void> {
    const check = await this.check();
    if (generation !== this.generation || this.disposed) return;
    switch (check.kind) {
      case 'running':
        // Cut while the container runs (API server timeout, kubelet restart): resume after what we have.
        this.schedule(() => void this.attempt());
        return;
      case 'not-started':
        this.wait(check.reason, check.detail);
        return;
      case 'unknown':
        // The Pod cannot be read: a stream that failed is an error, one that ended is complete.
        this.finish(result === 'end' ? { kind: 'ended' } : { kind: 'error', error: explainClusterError(result.error, this.action) });
        return;
      case 'finished':
        if (!delivered && this.askAgainAfterFinish()) return;
        this.finish({ kind: 'ended' });
        return;
      default:
        this.finish({ kind: 'ended' });
    }
  }

  private async requestFailed(error: unknown, generation: number): Promise<void> {
    const code = httpCode(error);
    if (isTransportFailure(error)) {
      this.finish({ kind: 'error', error: explainClusterError(new TypeError('fetch failed'), this.action) });
      return;
    }
    if (code === 404) {
      this.finish(this.receivedBytes > 0 ? { kind: 'ended' } : { kind: 'error', error: this.podGone() });
      return;
    }
    if (code !== 400) {
      this.finish({ kind: 'error', error: explainClusterError(error, this.action) });
      return;
    }
    // 400: the container is waiting to start, or not in the Pod (the body with the reason is lost).
    const check = await this.check();
    if (generation !== this.generation || this.disposed) return;
    switch (check.kind) {
      case 'pod-gone':
        this.finish(this.receivedBytes > 0 ? { kind: 'ended' } : { kind: 'error', error: this.podGone() });
        return;
      case 'no-such-container':
        this.finish({ kind: 'error', error: this.noSuchContainer(check.containers) });
        return;
      case 'finished':
        // It ran since the 400 (ask again for its log), or it has no log to serve (removed with the container).
        if (this.askAgainAfterFinish()) return;
        this.finish({ kind: 'ended' });
        return;
      case 'not-started':
        this.wait(check.reason, check.detail);
        return;
      case 'running':
      case 'unknown':
        // Started between the two requests, or the Pod cannot be read: most 400s mean "waiting".
        this.wait(undefined, undefined);
        return;
    }
  }

  /** Asks for the log once more (at once) if not done yet since the container finished. */
  private askAgainAfterFinish(): boolean {
    if (this.askedAfterFinish) return false;
    this.askedAfterFinish = true;
    void this.attempt();
    return true;
  }

  private wait(reason: string | undefined, detail: string | undefined): void {
    const now = Date.now();
    this.waitingSince ??= now;
    if (now - this.waitingSince >= this.timing.giveUpAfterMs) {
      this.finish({ kind: 'error', error: this.neverStarted(reason, detail) });
      return;
    }
    const state = this.current;
    if (state.status !== 'waiting' || state.reason !== reason || state.detail !== detail) {
      this.setState({ status: 'waiting', ...(reason !== undefined ? { reason } : {}), ...(detail !== undefined ? { detail } : {}) });
    }
    this.schedule(() => void this.attempt());
  }

  private podGone(): ClusterError {
    const { namespace, pod } = this.target;
    return {
      kind: 'not-found',
      code: 404,
      message: l10n.t('The Pod "{0}" no longer exists in namespace "{1}", so its log is gone. Its Job may have been deleted by its TTL (ttlSecondsAfterFinished), or by Stop or Clean Up.', pod, namespace),
      fix: l10n.t('Run the task again to get a new log; to keep finished Jobs longer, raise keruta.job.ttlSecondsAfterFinished.'),
    };
  }

  private noSuchContainer(containers: readonly string[]): ClusterError {
    const { pod, container } = this.target;
    return {
      kind: 'invalid',
      code: 400,
      message:
        containers.length > 0
          ? l10n.t('The Pod "{0}" has no container "{1}" (its containers: {2}).', pod, container, containers.join(', '))
          : l10n.t('The Pod "{0}" has no container "{1}".', pod, container),
      fix: l10n.t('Show the log of one of its containers.'),
    };
  }

  private neverStarted(reason: string | undefined, detail: string | undefined): ClusterError {
    const { pod, container } = this.target;
    const minutes = Math.round(this.timing.giveUpAfterMs / 6_000) / 10;
    let message: string;
    if (!reason) message = l10n.t('The container "{0}" of Pod "{1}" did not start within {2} minutes.', container, pod, minutes);
    else if (!detail) message = l10n.t('The container "{0}" of Pod "{1}" did not start within {2} minutes. It is still waiting: {3}.', container, pod, minutes, reason);
    else message = l10n.t('The container "{0}" of Pod "{1}" did not start within {2} minutes. It is still waiting: {3} ({4}).', container, pod, minutes, reason, detail);
    return {
      kind: 'timeout',
      message,
      fix: l10n.t('Check the run for the reason (image pull, a missing Secret, no node with enough resources), then show the logs again.'),
    };
  }
}

/** The followers of this window, one per `namespace/pod/container`, so that re-opening a log shows what was kept. */
export class LogRegistry implements Disposable {
  private readonly followers = new Map<string, LogFollower>();
  private readonly addEmitter = new Emitter<LogFollower>();
  readonly onDidAdd: Event<LogFollower> = this.addEmitter.event;

  /** The follower of `target`: the existing one (restarted if it failed), or a new, started one from `create`. */
  follow(target: LogTarget, create: (target: LogTarget) => LogFollower): LogFollower {
    const key = logKey(target);
    const existing = this.followers.get(key);
    if (existing && !existing.isDisposed) {
      if (existing.status === 'error') existing.restart();
      return existing;
    }
    const follower = create(target);
    this.followers.set(key, follower);
    this.addEmitter.fire(follower);
    follower.start();
    return follower;
  }

  get(target: Pick<LogTarget, 'namespace' | 'pod' | 'container'>): LogFollower | undefined {
    return this.followers.get(logKey(target));
  }

  all(): readonly LogFollower[] {
    return [...this.followers.values()];
  }

  /** Stops and forgets every follower (e.g. when the cluster context changes). */
  clear(): void {
    for (const follower of this.followers.values()) follower.dispose();
    this.followers.clear();
  }

  dispose(): void {
    this.clear();
    this.addEmitter.dispose();
  }
}
