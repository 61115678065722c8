/**
 * Brings what a Job left in `/.keruta/doc` into the workspace: `tar` runs in the Pod's collector
 * sidecar (which shares the folder with the main container and outlives it), its stdout streams
 * straight into a safe extraction in a fresh hidden folder, and only a complete extraction is
 * moved into place at `<output>/<task id>/<job name>/` (`-2`, `-3`… when that exists: an earlier
 * collection is never overwritten). No `vscode` import.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import * as l10n from '@vscode/l10n';
import type { Pod } from 'kubernetes-types/core/v1';
import { COLLECT_COMMAND, COLLECTOR_CONTAINER, DOC_DIR, MAIN_CONTAINER } from '../../../server/src/core/collectorPod';
import { type ClusterClient, clusterErrorOf } from '../cluster/clusterClient';
import type { ClusterError } from '../cluster/errors';
import { ExtractLimitError, type ExtractLimits, extractTar, type RefusedEntry } from './safeExtract';

export interface CollectRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly taskId: string;
  readonly jobName: string;
  /** Absolute folder the artifacts go under (keruta.collector.outputFolder, resolved). */
  readonly outputRoot: string;
  readonly limits: ExtractLimits;
  /** The Job's ttlSecondsAfterFinished, to explain a Pod that is gone. */
  readonly ttlSecondsAfterFinished?: number;
  /** Cancels the collection: nothing is kept, the collector is not released (collect again later). */
  readonly signal?: AbortSignal;
  /** Told how far the collection is, as the archive arrives. */
  readonly onProgress?: (progress: CollectProgress) => void;
}

export interface CollectProgress {
  /** Bytes of the tar stream received so far. */
  readonly bytes: number;
  /** Files written or being written so far. */
  readonly files: number;
}

/** The user cancelled (the request's signal). */
class CollectCancelled extends Error {}

function cancelledError(request: CollectRequest): CollectError {
  return new CollectError('cancelled', l10n.t('The collection of {0} was cancelled. Nothing was kept.', request.pod), l10n.t('Collect again while the run keeps its collector.'));
}

export interface CollectedArtifacts {
  /** Absolute folder the files were put in. */
  readonly folder: string;
  /** The files, relative to `folder`, with `/` separators. */
  readonly files: readonly string[];
  readonly bytes: number;
  /** Entries refused for safety (links, devices, absolute paths, `..`). */
  readonly refused: readonly RefusedEntry[];
  /** `/.keruta/doc` held nothing (or did not exist): a note, not an error. */
  readonly empty: boolean;
}

export type CollectFailure = 'pod-gone' | 'collector-not-running' | 'not-started' | 'cluster' | 'limit' | 'tar-failed' | 'io' | 'cancelled';

export class CollectError extends Error {
  constructor(
    readonly kind: CollectFailure,
    message: string,
    readonly fix: string,
    readonly cluster?: ClusterError,
  ) {
    super(message);
    this.name = 'CollectError';
  }
}

/** A file or folder name that is safe on every OS. */
export function safeSegment(name: string): string {
  const cleaned = [...name]
    .map((char) => (char.charCodeAt(0) < 32 || '<>:"/\\|?*'.includes(char) ? '_' : char))
    .join('')
    .replace(/^\.+/, '_')
    .slice(0, 120);
  return cleaned === '' ? '_' : cleaned;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** Checks that the collector still runs and the main container has started; explains otherwise. */
export function checkPodReady(pod: Pod | undefined, request: Pick<CollectRequest, 'pod' | 'ttlSecondsAfterFinished'>): void {
  if (!pod) {
    throw new CollectError(
      'pod-gone',
      request.ttlSecondsAfterFinished === undefined
        ? l10n.t('The Pod {0} no longer exists: its Job was probably deleted after it finished, or the Pod was evicted.', request.pod)
        : l10n.t('The Pod {0} no longer exists: its Job was probably deleted after it finished (ttlSecondsAfterFinished: {1} s), or the Pod was evicted.', request.pod, request.ttlSecondsAfterFinished),
      l10n.t('Collect sooner, or give the task a longer job.ttlSecondsAfterFinished (setting keruta.job.ttlSecondsAfterFinished).'),
    );
  }
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const collector = statuses.find((status) => status.name === COLLECTOR_CONTAINER);
  const main = statuses.find((status) => status.name === MAIN_CONTAINER);
  if (!collector) {
    throw new CollectError(
      'collector-not-running',
      l10n.t('The Pod {0} has no running collector sidecar yet.', request.pod),
      l10n.t('Wait until the Pod has started, or turn on keruta.collector.enabled before running the task.'),
    );
  }
  if (!collector.state?.running) {
    const ended = collector.state?.terminated;
    const waitingReason = collector.state?.waiting?.reason;
    let message: string;
    if (ended) {
      message =
        typeof ended.reason === 'string'
          ? l10n.t('The collector of {0} has ended ({1}): it was released, its collection window passed, or the Pod was evicted; the files left with it.', request.pod, ended.reason)
          : l10n.t('The collector of {0} has ended (exit code {1}): it was released, its collection window passed, or the Pod was evicted; the files left with it.', request.pod, String(ended.exitCode));
    } else {
      message = typeof waitingReason === 'string' ? l10n.t('The collector of {0} is not running ({1}).', request.pod, waitingReason) : l10n.t('The collector of {0} is not running (waiting).', request.pod);
    }
    throw new CollectError('collector-not-running', message, l10n.t('Collect while the run is finishing, or raise keruta.collector.windowSeconds.'));
  }
  if (main && !main.state?.running && !main.state?.terminated && (main.lastState?.terminated === undefined)) {
    throw new CollectError('not-started', l10n.t('The main container of {0} has not started yet: there is nothing to collect.', request.pod), l10n.t('Try again once the run is going.'));
  }
}

/**
 * After a stream that broke off: when the Pod went away, is being deleted, or its collector ended
 * meanwhile, throws the CollectError that says so (rather than tar's or the stream's words).
 */
async function explainLostPod(client: ClusterClient, request: CollectRequest): Promise<void> {
  let pod: Pod | undefined;
  try {
    pod = await client.getPod(request.namespace, request.pod);
  } catch {
    return; // the cluster cannot say; the caller reports the stream's own message
  }
  if (!pod) {
    throw new CollectError(
      'pod-gone',
      request.ttlSecondsAfterFinished === undefined
        ? l10n.t('The Pod {0} went away during the collection (deleted, evicted, or its Job removed); its files went with it. Nothing was kept.', request.pod)
        : l10n.t(
            'The Pod {0} went away during the collection (deleted, evicted, or its Job removed (ttlSecondsAfterFinished: {1} s)); its files went with it. Nothing was kept.',
            request.pod,
            request.ttlSecondsAfterFinished,
          ),
      l10n.t('Keep the Pod until the collection has ended; if the Job is deleted automatically, give the task a longer job.ttlSecondsAfterFinished (setting keruta.job.ttlSecondsAfterFinished).'),
    );
  }
  const deleting = pod.metadata?.deletionTimestamp;
  if (deleting) {
    throw new CollectError(
      'pod-gone',
      l10n.t('The Pod {0} was deleted during the collection (its deletion started at {1}); its files go with it. Nothing was kept.', request.pod, String(deleting)),
      l10n.t('Keep the Pod until the collection has ended (do not delete or drain it meanwhile).'),
    );
  }
  checkPodReady(pod, request);
}

/** Collects `/.keruta/doc` of the Pod. Rejects only with CollectError. */
export async function collectArtifacts(client: ClusterClient, request: CollectRequest): Promise<CollectedArtifacts> {
  if (request.signal?.aborted) throw cancelledError(request);
  const action = { verb: 'create', resource: 'pods', subresource: 'exec', group: '', namespace: request.namespace, name: request.pod };
  let pod: Pod | undefined;
  try {
    pod = await client.getPod(request.namespace, request.pod);
  } catch (error) {
    const cluster = clusterErrorOf(error, { ...action, verb: 'get', subresource: undefined });
    throw new CollectError('cluster', cluster.message, cluster.fix, cluster);
  }
  checkPodReady(pod, request);

  const root = path.resolve(request.outputRoot);
  const staging = path.join(root, `.keruta-tmp-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(staging, { recursive: true });
  } catch (error) {
    throw new CollectError('io', l10n.t('Could not create {0}: {1}', staging, String(error)), l10n.t('Check that the workspace folder is writable, or change keruta.collector.outputFolder.'));
  }
  const abort = new AbortController();
  const extraction = extractTar(staging, request.limits);
  // A limit or a disk error stops the stream at once.
  extraction.done.catch(() => abort.abort());
  // So does the user: the extraction fails with CollectCancelled and the exec ends (or never starts).
  const cancel = (): void => {
    extraction.abort(new CollectCancelled('cancelled'));
    abort.abort();
  };
  request.signal?.addEventListener('abort', cancel, { once: true });
  // Cancelled while the Pod was being checked: stop before anything streams.
  if (request.signal?.aborted) cancel();
  let received = 0;
  const onStdout = request.onProgress
    ? (bytes: number): void => {
        received += bytes;
        request.onProgress?.({ bytes: received, files: extraction.files() });
      }
    : undefined;
  const stderr: Buffer[] = [];
  try {
    let result;
    try {
      result = await client.exec(request.namespace, request.pod, COLLECTOR_CONTAINER, COLLECT_COMMAND, {
        stdout: extraction.input,
        stderr: new Writable({
          write(chunk: Buffer, _encoding, callback) {
            if (stderr.length < 64) stderr.push(chunk);
            callback();
          },
        }),
        signal: abort.signal,
        ...(onStdout ? { onStdout } : {}),
      });
    } catch (error) {
      const cluster = clusterErrorOf(error, action);
      extraction.abort(new Error('exec failed'));
      throw new CollectError('cluster', cluster.message, cluster.fix, cluster);
    }
    const errorText = Buffer.concat(stderr).toString('utf8').trim();
    if (!result.success && !abort.signal.aborted) {
      extraction.abort(new Error('tar failed'));
      await extraction.done.catch(() => undefined);
      if (/No such file or directory/i.test(errorText) && errorText.includes(DOC_DIR)) return await finish(root, staging, request, { files: [], bytes: 0, refused: [] });
      await explainLostPod(client, request);
      const said = errorText || result.message;
      let message: string;
      if (result.exitCode !== undefined) {
        message = said ? l10n.t('tar in the collector of {0} failed (exit code {1}): {2}', request.pod, result.exitCode, said) : l10n.t('tar in the collector of {0} failed (exit code {1}): no message', request.pod, result.exitCode);
      } else {
        message = said ? l10n.t('tar in the collector of {0} failed: {1}', request.pod, said) : l10n.t('tar in the collector of {0} failed: no message', request.pod);
      }
      throw new CollectError(
        'tar-failed',
        message,
        /not found|executable file/i.test(`${errorText} ${result.message ?? ''}`)
          ? l10n.t('The collector image needs sh and tar: set keruta.collector.image to one that has them (busybox does).')
          : l10n.t('See the message; try again.'),
      );
    }
    extraction.input.end();
    const extracted = await extraction.done;
    return await finish(root, staging, request, extracted);
  } catch (error) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    if (error instanceof CollectCancelled) throw cancelledError(request);
    if (error instanceof CollectError) throw error;
    if (error instanceof ExtractLimitError) {
      throw error.limit === 'maxBytes'
        ? new CollectError(
            'limit',
            l10n.t('Collection of {0} stopped: the files are larger than {1} bytes (at least {2}). Nothing was kept.', request.pod, error.allowed, error.reached),
            l10n.t('Raise keruta.collector.maxBytes (now {0}) or make the task write less to /.keruta/doc.', error.allowed),
          )
        : new CollectError(
            'limit',
            l10n.t('Collection of {0} stopped: there are more than {1} files. Nothing was kept.', request.pod, error.allowed),
            l10n.t('Raise keruta.collector.maxFiles (now {0}) or make the task write less to /.keruta/doc.', error.allowed),
          );
    }
    throw new CollectError('io', l10n.t('Collection of {0} failed: {1}', request.pod, error instanceof Error ? error.message : String(error)), l10n.t('Check the workspace folder and try again.'));
  } finally {
    request.signal?.removeEventListener('abort', cancel);
  }
}

/** Placing collections one at a time: two finishing at once would both pick the same free name. */
let placing: Promise<unknown> = Promise.resolve();

async function finish(root: string, staging: string, request: CollectRequest, extracted: { files: readonly string[]; bytes: number; refused: readonly RefusedEntry[] }): Promise<CollectedArtifacts> {
  const placed = placing.then(() => place(root, staging, request));
  placing = placed.catch(() => undefined);
  const folder = await placed;
  return { folder, files: extracted.files, bytes: extracted.bytes, refused: extracted.refused, empty: extracted.files.length === 0 };
}

/** Moves the staging folder to the first free `<job>`, `<job>-2`, `<job>-3`… name; returns it. */
async function place(root: string, staging: string, request: CollectRequest): Promise<string> {
  const parent = path.join(root, safeSegment(request.taskId));
  await mkdir(parent, { recursive: true });
  const base = safeSegment(request.jobName);
  for (let n = 1; ; n++) {
    const folder = n === 1 ? path.join(parent, base) : path.join(parent, `${base}-${n}`);
    if (await exists(folder)) continue;
    try {
      await rename(staging, folder);
      return folder;
    } catch (error) {
      // Taken meanwhile (another window collecting into the same folder): try the next name.
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM') && n < 10_000 && (await exists(folder))) continue;
      throw error;
    }
  }
}
