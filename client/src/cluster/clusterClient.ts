/**
 * The cluster behind a small interface: the few Kubernetes requests Keruta makes, as plain JSON
 * (`kubernetes-types` shapes, timestamps as the server wrote them), with every failure turned into
 * a `ClusterRequestError` that carries a clear `ClusterError`. No `vscode` import; the caller
 * passes the lazily imported client-node module.
 *
 * Requests go through client-node's authentication and transport (`RequestContext`,
 * `applySecurityAuthentication`, its fetch with the kubeconfig's TLS dispatcher) but skip its
 * typed models, which turn timestamps into `Date`s that the watch never delivers.
 */
import { Writable } from 'node:stream';
import * as l10n from '@vscode/l10n';
import type { Job, JobList } from 'kubernetes-types/batch/v1';
import type { Pod, PodList } from 'kubernetes-types/core/v1';
import { type ClusterAction, type ClusterError, explainClusterError } from './errors';
import type { K8s, KubeConfig, LoadedKubeConfig } from './kubeConfig';

/** A failed cluster request, explained. */
export class ClusterRequestError extends Error {
  constructor(readonly cluster: ClusterError) {
    super(cluster.message);
    this.name = 'ClusterRequestError';
  }
}

export function clusterErrorOf(error: unknown, action: ClusterAction): ClusterError {
  return error instanceof ClusterRequestError ? error.cluster : explainClusterError(error, action);
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchHandle {
  abort(): void;
}

export interface WatchOptions {
  readonly resourceVersion?: string;
  readonly labelSelector?: string;
  /** Ask the server to end the watch after this long (it is then resumed from the last version). */
  readonly timeoutSeconds?: number;
  /** The watch is given up (and resumed) when nothing, not even a BOOKMARK, arrives for this long. */
  readonly idleTimeoutMs?: number;
}

export interface ClusterVersion {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
}

export interface ExecOutput {
  /**
   * Receives the command's stdout with flow control: while it is full (`write` returned false)
   * the connection is paused until it drains, so a slow disk never makes the archive pile up in memory.
   */
  readonly stdout?: Writable;
  readonly stderr?: Writable;
  /** Aborting closes the connection; the promise then resolves with `success: false`. */
  readonly signal?: AbortSignal;
  /** Told the size of each piece of stdout as it arrives (for progress). */
  readonly onStdout?: (bytes: number) => void;
}

export interface ExecResult {
  readonly success: boolean;
  readonly message?: string;
  readonly exitCode?: number;
}

export type WatchedKind = 'jobs' | 'pods';

/** What Keruta asks of a cluster. Every method rejects with `ClusterRequestError` only. */
export interface ClusterClient {
  readonly contextName: string;
  readonly server: string;
  /** The kubeconfig context's namespace, if it sets one. */
  readonly contextNamespace?: string;
  /** `/version`: what the cluster runs (decides native sidecars and the env-name rule). */
  version(): Promise<ClusterVersion>;
  createJob(namespace: string, job: Job): Promise<Job>;
  /** Deletes with `propagationPolicy: Background`; a Job already gone is not an error. */
  deleteJob(namespace: string, name: string): Promise<'deleted' | 'gone'>;
  getJob(namespace: string, name: string): Promise<Job | undefined>;
  listJobs(namespace: string, labelSelector: string): Promise<JobList>;
  listPods(namespace: string, labelSelector: string): Promise<PodList>;
  /**
   * Watches a kind in a namespace. `onEvent` gets every event line; `onDone` is called once when
   * the watch ends: without an error when the server closed it (or `timeoutSeconds` passed), with
   * an explained error otherwise (`kind: 'timeout'` when it went idle).
   */
  watch(
    kind: WatchedKind,
    namespace: string,
    options: WatchOptions,
    onEvent: (type: WatchEventType, object: unknown) => void,
    onDone: (error?: ClusterError) => void,
  ): Promise<WatchHandle>;
  /**
   * Runs a command in a container (no shell: `command` is the argv). Resolves with the command's
   * Status (`Success`, or `Failure` with its message and exit code) once the stream has ended.
   */
  exec(namespace: string, pod: string, container: string, command: readonly string[], output: ExecOutput): Promise<ExecResult>;
  /** The Pod, or undefined when it does not exist. */
  getPod(namespace: string, name: string): Promise<Pod | undefined>;
  /** The client-node KubeConfig and module, for features that need client-node's own helpers (logs, exec). */
  readonly kc: KubeConfig;
  readonly k8s: K8s;
}

const API_PATHS: Record<WatchedKind, { prefix: string; group: string }> = {
  jobs: { prefix: '/apis/batch/v1', group: 'batch' },
  pods: { prefix: '/api/v1', group: '' },
};

function collectionPath(kind: WatchedKind, namespace: string): string {
  return `${API_PATHS[kind].prefix}/namespaces/${encodeURIComponent(namespace)}/${kind}`;
}

/** The subset of an ApiException that `explainClusterError` reads. */
class HttpStatusError extends Error {
  constructor(
    readonly code: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${code}`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function createClusterClient(loaded: LoadedKubeConfig, k8s: K8s): ClusterClient {
  const { kc } = loaded;
  const server = loaded.server.replace(/\/+$/, '');
  const http = new k8s.IsomorphicFetchHttpLibrary();

  async function request(method: 'GET' | 'POST' | 'DELETE', path: string, query: Record<string, string>, action: ClusterAction, body?: unknown): Promise<unknown> {
    const url = new URL(server + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    try {
      const context = new k8s.RequestContext(url.toString(), k8s.HttpMethod[method]);
      context.setHeaderParam('Accept', 'application/json');
      if (body !== undefined) {
        context.setHeaderParam('Content-Type', 'application/json');
        context.setBody(JSON.stringify(body));
      }
      await kc.applySecurityAuthentication(context);
      const response = await http.send(context).toPromise();
      const parsed = parseJson(await response.body.text());
      if (response.httpStatusCode < 200 || response.httpStatusCode > 299) throw new HttpStatusError(response.httpStatusCode, parsed);
      return parsed;
    } catch (error) {
      throw new ClusterRequestError(explainClusterError(error, { ...action, server }));
    }
  }

  return {
    contextName: loaded.contextName,
    server,
    ...(loaded.namespace ? { contextNamespace: loaded.namespace } : {}),
    kc,
    k8s,

    async version() {
      const info = (await request('GET', '/version', {}, { verb: 'get', resource: 'version', group: '' })) as Partial<ClusterVersion>;
      return { major: String(info.major ?? ''), minor: String(info.minor ?? ''), gitVersion: String(info.gitVersion ?? '') };
    },

    async createJob(namespace, job) {
      const action: ClusterAction = { verb: 'create', resource: 'jobs', group: 'batch', namespace };
      return (await request('POST', collectionPath('jobs', namespace), {}, action, job)) as Job;
    },

    async deleteJob(namespace, name) {
      const action: ClusterAction = { verb: 'delete', resource: 'jobs', group: 'batch', namespace, name };
      try {
        await request('DELETE', `${collectionPath('jobs', namespace)}/${encodeURIComponent(name)}`, {}, action, {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          propagationPolicy: 'Background',
        });
        return 'deleted';
      } catch (error) {
        if (error instanceof ClusterRequestError && error.cluster.code === 404) return 'gone';
        throw error;
      }
    },

    async getJob(namespace, name) {
      const action: ClusterAction = { verb: 'get', resource: 'jobs', group: 'batch', namespace, name };
      try {
        return (await request('GET', `${collectionPath('jobs', namespace)}/${encodeURIComponent(name)}`, {}, action)) as Job;
      } catch (error) {
        if (error instanceof ClusterRequestError && error.cluster.code === 404 && error.cluster.kind !== 'namespace-not-found') return undefined;
        throw error;
      }
    },

    async listJobs(namespace, labelSelector) {
      const action: ClusterAction = { verb: 'list', resource: 'jobs', group: 'batch', namespace };
      return (await request('GET', collectionPath('jobs', namespace), { labelSelector }, action)) as JobList;
    },

    async listPods(namespace, labelSelector) {
      const action: ClusterAction = { verb: 'list', resource: 'pods', group: '', namespace };
      return (await request('GET', collectionPath('pods', namespace), { labelSelector }, action)) as PodList;
    },

    async getPod(namespace, name) {
      const action: ClusterAction = { verb: 'get', resource: 'pods', group: '', namespace, name };
      try {
        return (await request('GET', `${collectionPath('pods', namespace)}/${encodeURIComponent(name)}`, {}, action)) as Pod;
      } catch (error) {
        if (error instanceof ClusterRequestError && error.cluster.code === 404 && error.cluster.kind !== 'namespace-not-found') return undefined;
        throw error;
      }
    },

    async exec(namespace, pod, container, command, output) {
      const action: ClusterAction = { verb: 'create', resource: 'pods', subresource: 'exec', group: '', namespace, name: pod, server };
      // The API server refuses an exec without any stream (400): without a caller's stderr,
      // keep the command's own for the message.
      const stderrChunks: Buffer[] = [];
      const stderr =
        output.stderr ??
        new Writable({
          write(chunk: Buffer, _encoding, callback) {
            if (stderrChunks.length < 64) stderrChunks.push(chunk);
            callback();
          },
        });
      let socket: { pause(): void; resume(): void; terminate(): void } | undefined;
      const target = output.stdout;
      // client-node writes stdout without looking at backpressure: pause the WebSocket instead.
      // Frames already received keep arriving while paused: wait for one 'drain', not one per frame.
      let waitingForDrain = false;
      const stdout = target
        ? new Writable({
            write(chunk: Buffer, _encoding, callback) {
              // After an abort nothing more is passed on (frames already received may still come).
              if (output.signal?.aborted) return callback();
              output.onStdout?.(chunk.length);
              if (!target.write(chunk) && socket && !waitingForDrain) {
                const paused = socket;
                waitingForDrain = true;
                paused.pause();
                target.once('drain', () => {
                  waitingForDrain = false;
                  paused.resume();
                });
              }
              callback();
            },
          })
        : null;
      try {
        return await new Promise<ExecResult>((resolve, reject) => {
          const onAbort = (): void => {
            // At once, without a closing handshake (the connection may be paused).
            socket?.terminate();
            resolve({ success: false, message: 'aborted' });
          };
          if (output.signal?.aborted) return onAbort();
          output.signal?.addEventListener('abort', onAbort, { once: true });
          new k8s.Exec(kc)
            .exec(namespace, pod, container, [...command], stdout, stderr, null, false, (status) => {
              const exitCause = status.details?.causes?.find((cause) => cause.reason === 'ExitCode')?.message;
              const errorText = Buffer.concat(stderrChunks).toString('utf8').trim().slice(0, 2000);
              const message = [status.message, errorText].filter(Boolean).join(': ');
              resolve({
                success: status.status === 'Success',
                ...(message ? { message } : {}),
                ...(exitCause !== undefined ? { exitCode: Number(exitCause) } : {}),
              });
            })
            .then((ws) => {
              socket = ws;
              // Aborted while connecting: close it as soon as it exists.
              if (output.signal?.aborted) ws.terminate();
              ws.on('close', () => resolve({ success: false, message: l10n.t('The exec stream closed without a status.') }));
            })
            .catch(reject);
        });
      } catch (error) {
        // client-node rejects with the WebSocket's ErrorEvent (not an Error): look at the error it carries.
        const carried = error !== null && typeof error === 'object' && !(error instanceof Error) && (error as { error?: unknown }).error instanceof Error ? (error as { error: Error }).error : error;
        // The WebSocket upgrade's refusal only says "Unexpected server response: 403".
        const refused = /Unexpected server response: (\d{3})/.exec(carried instanceof Error ? carried.message : String(carried));
        throw new ClusterRequestError(explainClusterError(refused ? new HttpStatusError(Number(refused[1]), undefined) : carried, action));
      }
    },

    async watch(kind, namespace, options, onEvent, onDone) {
      const action: ClusterAction = { verb: 'watch', resource: kind, group: API_PATHS[kind].group, namespace, server };
      const watch = new k8s.Watch(kc);
      // client-node gives up a watch that is silent this long; BOOKMARKs keep a healthy one talking.
      // (The field is private in the typings but is the documented knob of the JavaScript class.)
      if (options.idleTimeoutMs !== undefined) (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs = options.idleTimeoutMs;
      const query: Record<string, string | number | boolean> = { allowWatchBookmarks: true };
      if (options.resourceVersion) query['resourceVersion'] = options.resourceVersion;
      if (options.labelSelector) query['labelSelector'] = options.labelSelector;
      if (options.timeoutSeconds !== undefined) query['timeoutSeconds'] = options.timeoutSeconds;
      let done = false;
      const finish = (error?: unknown): void => {
        if (done) return;
        done = true;
        if (error === null || error === undefined) return onDone();
        const statusCode = (error as { statusCode?: unknown }).statusCode;
        // A refused watch only tells its HTTP status; explain it like any answer with that code.
        onDone(explainClusterError(typeof statusCode === 'number' ? new HttpStatusError(statusCode, undefined) : error, action));
      };
      try {
        const controller = await watch.watch(collectionPath(kind, namespace), query, (type: string, object: unknown) => onEvent(type as WatchEventType, object), finish);
        return { abort: () => controller.abort() };
      } catch (error) {
        finish(error);
        return { abort: () => undefined };
      }
    },
  };
}
