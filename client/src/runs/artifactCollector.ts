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

export type CollectFailure = 'pod-gone' | 'collector-not-running' | 'not-started' | 'cluster' | 'limit' | 'tar-failed' | 'io';

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

function describeTtl(ttl: number | undefined): string {
  return ttl === undefined ? '' : ` (ttlSecondsAfterFinished: ${ttl} s)`;
}

/** Checks that the collector still runs and the main container has started; explains otherwise. */
export function checkPodReady(pod: Pod | undefined, request: Pick<CollectRequest, 'pod' | 'ttlSecondsAfterFinished'>): void {
  if (!pod) {
    throw new CollectError(
      'pod-gone',
      `The Pod ${request.pod} no longer exists: its Job was probably deleted after it finished${describeTtl(request.ttlSecondsAfterFinished)}, or the Pod was evicted.`,
      'Collect sooner, or give the task a longer job.ttlSecondsAfterFinished (setting keruta.job.ttlSecondsAfterFinished).',
    );
  }
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const collector = statuses.find((status) => status.name === COLLECTOR_CONTAINER);
  const main = statuses.find((status) => status.name === MAIN_CONTAINER);
  if (!collector) {
    throw new CollectError('collector-not-running', `The Pod ${request.pod} has no running collector sidecar yet.`, 'Wait until the Pod has started, or turn on keruta.collector.enabled before running the task.');
  }
  if (!collector.state?.running) {
    const ended = collector.state?.terminated;
    throw new CollectError(
      'collector-not-running',
      ended
        ? `The collector of ${request.pod} has ended (${ended.reason ?? 'exit code ' + String(ended.exitCode)}): it was released, its collection window passed, or the Pod was evicted; the files left with it.`
        : `The collector of ${request.pod} is not running (${collector.state?.waiting?.reason ?? 'waiting'}).`,
      'Collect while the run is finishing, or raise keruta.collector.windowSeconds.',
    );
  }
  if (main && !main.state?.running && !main.state?.terminated && (main.lastState?.terminated === undefined)) {
    throw new CollectError('not-started', `The main container of ${request.pod} has not started yet: there is nothing to collect.`, 'Try again once the run is going.');
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
  const nothingKept = 'Nothing was kept.';
  if (!pod) {
    throw new CollectError(
      'pod-gone',
      `The Pod ${request.pod} went away during the collection (deleted, evicted, or its Job removed${describeTtl(request.ttlSecondsAfterFinished)}); its files went with it. ${nothingKept}`,
      'Keep the Pod until the collection has ended; if the Job is deleted automatically, give the task a longer job.ttlSecondsAfterFinished (setting keruta.job.ttlSecondsAfterFinished).',
    );
  }
  const deleting = pod.metadata?.deletionTimestamp;
  if (deleting) {
    throw new CollectError(
      'pod-gone',
      `The Pod ${request.pod} was deleted during the collection (its deletion started at ${String(deleting)}); its files go with it. ${nothingKept}`,
      'Keep the Pod until the collection has ended (do not delete or drain it meanwhile).',
    );
  }
  checkPodReady(pod, request);
}

/** Collects `/.keruta/doc` of the Pod. Rejects only with CollectError. */
export async function collectArtifacts(client: ClusterClient, request: CollectRequest): Promise<CollectedArtifacts> {
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
    throw new CollectError('io', `Could not create ${staging}: ${String(error)}`, 'Check that the workspace folder is writable, or change keruta.collector.outputFolder.');
  }
  const abort = new AbortController();
  const extraction = extractTar(staging, request.limits);
  // A limit or a disk error stops the stream at once.
  extraction.done.catch(() => abort.abort());
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
      throw new CollectError(
        'tar-failed',
        `tar in the collector of ${request.pod} failed${result.exitCode !== undefined ? ` (exit code ${result.exitCode})` : ''}: ${errorText || result.message || 'no message'}`,
        /not found|executable file/i.test(`${errorText} ${result.message ?? ''}`) ? 'The collector image needs sh and tar: set keruta.collector.image to one that has them (busybox does).' : 'See the message; try again.',
      );
    }
    extraction.input.end();
    const extracted = await extraction.done;
    return await finish(root, staging, request, extracted);
  } catch (error) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    if (error instanceof CollectError) throw error;
    if (error instanceof ExtractLimitError) {
      const setting = error.limit === 'maxBytes' ? 'keruta.collector.maxBytes' : 'keruta.collector.maxFiles';
      throw new CollectError('limit', `Collection of ${request.pod} stopped: ${error.message}. Nothing was kept.`, `Raise ${setting} (now ${error.allowed}) or make the task write less to /.keruta/doc.`);
    }
    throw new CollectError('io', `Collection of ${request.pod} failed: ${error instanceof Error ? error.message : String(error)}`, 'Check the workspace folder and try again.');
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
