/**
 * Helpers for the collection tests and the collection benchmark: a file tree as a comparable
 * value, the size of a folder while it fills, a waiting Pod whose collector still runs, and a TCP
 * proxy in front of the simulator that can cut every connection through it at once (what a node
 * going away does to an exec stream), and an API front whose exec honours images without programs.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import YAML from 'yaml';
import { type ClusterClient, createClusterClient } from '../../client/src/cluster/clusterClient';
import { type K8s, loadKubeConfig } from '../../client/src/cluster/kubeConfig';
import type { TrackedRun } from '../../client/src/runs/runModel';
import { execUpgradeHandler } from '../sim/exec';
import { type CommandTable, DEFAULT_COMMANDS } from '../sim/execCommands';
import { podNotFound } from '../sim/logs';
import { json, type SimServer, startSimServer } from '../sim/server';
import type { Simulator } from '../sim/simulator';
import { parseImage } from '../sim/workloads/images';
import type { CollectionRecord } from '../../client/src/runs/artifactService';
import type { Engine } from './harness';

export type TreeEntry =
  | { readonly type: 'file'; readonly size: number; readonly sha256: string }
  | { readonly type: 'directory' }
  | { readonly type: 'symlink'; readonly target: string }
  | { readonly type: 'other' };

function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** Every entry below `root` (not `root` itself), by relative path with `/`, sorted; links are not followed. */
export async function treeOf(root: string): Promise<Map<string, TreeEntry>> {
  const tree = new Map<string, TreeEntry>();
  const visit = async (dir: string, prefix: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const full = path.join(dir, name);
      const relative = prefix === '' ? name : `${prefix}/${name}`;
      const info = await lstat(full);
      if (info.isSymbolicLink()) tree.set(relative, { type: 'symlink', target: await readlink(full) });
      else if (info.isDirectory()) {
        tree.set(relative, { type: 'directory' });
        await visit(full, relative);
      } else if (info.isFile()) tree.set(relative, { type: 'file', size: info.size, sha256: await sha256Of(full) });
      else tree.set(relative, { type: 'other' });
    }
  };
  await visit(root, '');
  return new Map([...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Bytes of the regular files below `dir` (0 when it does not exist; entries vanishing meanwhile are skipped). */
export async function folderBytes(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let total = 0;
  for (const name of names) {
    const full = path.join(dir, name);
    const info = await lstat(full).catch(() => undefined);
    if (!info) continue;
    if (info.isDirectory()) total += await folderBytes(full);
    else if (info.isFile()) total += info.size;
  }
  return total;
}

/** The run's Pod once its main container has ended and its collector still runs (nothing released it yet). */
export function waitingPod(engine: Engine, run: TrackedRun, timeoutMs = 15_000): Promise<string> {
  const waiting = (candidate: TrackedRun | undefined): string | undefined =>
    candidate?.state.podSummaries.find((pod) => pod.collectorRunning === true && pod.mainExitCode !== undefined)?.name;
  const now = waiting(engine.tracker.run(run.uid));
  if (now) return Promise.resolve(now);
  // From the tracker's own events: when the engine releases at once, the state lasts milliseconds.
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for the main container of ${run.name} to end with the collector still running`));
    }, timeoutMs);
    const subscription = engine.tracker.onDidChange(({ runs }) => {
      const pod = waiting(runs.find((candidate) => candidate.uid === run.uid));
      if (!pod) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(pod);
    });
  });
}

/** A ClusterClient for a kubeconfig file, built as the extension builds it. */
export function clusterClientFor(k8s: K8s, kubeconfigFile: string): ClusterClient {
  const loaded = loadKubeConfig({ configPath: kubeconfigFile, context: '', inCluster: false }, k8s);
  if ('error' in loaded) throw new Error(loaded.error.message);
  return createClusterClient(loaded, k8s);
}

export interface CuttingProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Connections open through the proxy now. */
  readonly open: number;
  /** A ClusterClient whose every request goes through the proxy. */
  client(k8s: K8s, kubeconfigFile: string): Promise<ClusterClient>;
  /** Destroys every connection through the proxy at once (no closing handshake). */
  cut(): void;
  close(): Promise<void>;
}

/** A plain TCP proxy to the simulator's port whose connections can be cut all at once. */
export async function startCuttingProxy(targetPort: number): Promise<CuttingProxy> {
  const pairs = new Set<{ front: net.Socket; back: net.Socket }>();
  const server = net.createServer((front) => {
    const back = net.connect(targetPort, '127.0.0.1');
    const pair = { front, back };
    pairs.add(pair);
    const end = (): void => {
      pairs.delete(pair);
      front.destroy();
      back.destroy();
    };
    front.on('error', end).on('close', end);
    back.on('error', end).on('close', end);
    front.pipe(back);
    back.pipe(front);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const cut = (): void => {
    for (const pair of [...pairs]) {
      pair.front.destroy();
      pair.back.destroy();
    }
    pairs.clear();
  };
  return {
    url,
    get open() {
      return pairs.size;
    },
    async client(k8s, kubeconfigFile) {
      await writeFile(
        kubeconfigFile,
        YAML.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'proxied', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
          users: [{ name: 'proxied', user: { token: 'keruta-sim-token' } }],
          contexts: [{ name: 'proxied', context: { cluster: 'proxied', user: 'proxied', namespace: 'default' } }],
          'current-context': 'proxied',
        }),
        'utf8',
      );
      return clusterClientFor(k8s, kubeconfigFile);
    },
    cut,
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A second API server over the simulator's Pods (GET pod and exec only) whose exec knows that a
 * container of the image `keruta-sim/distroless` has no programs at all (no `sh`, no `tar`): the
 * simulator's own exec runs busybox applets in every container, whatever its image.
 */
export async function startProgramlessFront(sim: Simulator): Promise<SimServer> {
  const podOf = (namespace: string, name: string): { spec?: { nodeName?: string; containers?: { name: string; image?: string }[]; initContainers?: { name: string; image?: string }[] } } | undefined =>
    sim.store.get('pods', namespace, name) as never;
  const programs = (namespace: string, pod: string, container: string): CommandTable => {
    const spec = podOf(namespace, pod)?.spec;
    const image = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].find((candidate) => candidate.name === container)?.image ?? '';
    return parseImage(image).path === 'keruta-sim/distroless' ? {} : DEFAULT_COMMANDS;
  };
  return startSimServer({
    version: sim.version.gitVersion,
    routes: [
      {
        method: 'GET',
        template: '/api/v1/namespaces/{namespace}/pods/{name}',
        handler: (request) => {
          const pod = sim.store.get('pods', request.params['namespace'] ?? '', request.params['name'] ?? '');
          return pod ? json(pod) : json(podNotFound(request.params['name'] ?? ''), 404);
        },
      },
    ],
    upgrades: [
      execUpgradeHandler({
        runtime: sim.workloads,
        podExists: (namespace, name) => {
          const spec = podOf(namespace, name)?.spec;
          if (!spec) return undefined;
          return { containers: (spec.containers ?? []).map((c) => c.name), initContainers: (spec.initContainers ?? []).map((c) => c.name), scheduled: spec.nodeName !== undefined };
        },
        commands: (target) => programs(target.namespace, target.pod, target.container),
      }),
    ],
  });
}

/** Every collection the engine makes from now on, as it happens. */
export function collections(engine: Engine): CollectionRecord[] {
  const records: CollectionRecord[] = [];
  engine.artifacts!.onDidCollect((record) => records.push(record));
  return records;
}
