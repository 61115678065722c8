/**
 * The cluster simulator, assembled: HTTP + WebSocket API server (discovery, OpenAPI, REST storage,
 * watches, logs, exec, SelfSubjectAccessReview), a Job controller and a scripted kubelet, RBAC and
 * fault switches, and request counters. Tests start it in-process on port 0; `npm run sim` runs it
 * in the foreground (cli.ts).
 */
import type http from 'node:http';
import { ScaledClock } from './clock';
import { DEFAULT_VERSION, type StatusBody } from './discovery';
import { execUpgradeHandler } from './exec';
import { Faults } from './faults';
import { logRoute, type PodContainers } from './logs';
import { Rbac } from './rbac';
import { Counters, restRoutes, STORED, WatchRegistry } from './rest';
import { type SimServer, startSimServer } from './server';
import { MemoryStore } from './store';
import type { KubeObject } from './types';
import type { EnvNameRule } from './validation';
import { SimWorkloads } from './workloads';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** The Kubernetes version the server reports (`/version`), e.g. `v1.32.0`. It decides the env-name rule and native sidecars. */
  readonly version?: string;
  /** Real time per simulated time: 0.01 makes a simulated second last 10 ms. Default 1. */
  readonly timeScale?: number;
  /** Override the env-name rule the version implies (relaxed from 1.32, classic before). */
  readonly envNameRule?: EnvNameRule;
  /** Simulated seconds between watch BOOKMARKs (default 60, as the real server's ~1 min). */
  readonly bookmarkSeconds?: number;
}

export interface Simulator extends SimServer {
  readonly store: MemoryStore;
  readonly workloads: SimWorkloads;
  readonly rbac: Rbac;
  readonly faults: Faults;
  readonly counters: Counters;
  readonly clock: ScaledClock;
  readonly version: { readonly major: number; readonly minor: number; readonly gitVersion: string };
  /** Creates a namespace if it does not exist. */
  ensureNamespace(name: string): void;
  /** Creates or replaces a Secret with string values. */
  putSecret(namespace: string, name: string, data: Readonly<Record<string, string>>): void;
  /** Deletes a Pod at once (grace 0), as a node failure or an impatient admin would. */
  deletePod(namespace: string, name: string): void;
}

function parseVersion(gitVersion: string): { major: number; minor: number } {
  const match = /^v(\d+)\.(\d+)\./.exec(gitVersion);
  if (!match) throw new Error(`not a Kubernetes version: ${gitVersion} (expected e.g. v1.32.0)`);
  return { major: Number(match[1]), minor: Number(match[2]) };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const gitVersion = options.version ?? DEFAULT_VERSION;
  const { major, minor } = parseVersion(gitVersion);
  const clock = new ScaledClock(options.timeScale ?? 1);
  const store = new MemoryStore(() => clock.nowIso());
  const rbac = new Rbac();
  const faults = new Faults();
  const counters = new Counters();
  const watches = new WatchRegistry();
  const workloads = new SimWorkloads({ store, clock });
  for (const name of ['default', 'kube-system', 'kube-public']) ensureNamespace(name);

  const podInfo = (namespace: string, name: string): PodContainers | undefined => {
    const pod = store.get('pods', namespace, name);
    if (!pod) return undefined;
    const spec = (pod['spec'] ?? {}) as { nodeName?: string; containers?: { name: string }[]; initContainers?: { name: string }[] };
    return {
      containers: (spec.containers ?? []).map((c) => c.name),
      initContainers: (spec.initContainers ?? []).map((c) => c.name),
      scheduled: spec.nodeName !== undefined,
    };
  };
  const authorizePods = (attributes: { verb: string; subresource: string; namespace: string; name: string }): StatusBody | undefined =>
    rbac.check({ verb: attributes.verb, resource: 'pods', subresource: attributes.subresource, group: '', namespace: attributes.namespace, name: attributes.name });

  const exec = execUpgradeHandler({ runtime: workloads, podExists: podInfo, authorize: (a) => authorizePods({ ...a, subresource: 'exec' }) });
  const server = await startSimServer({
    ...(options.port !== undefined ? { port: options.port } : {}),
    version: gitVersion,
    routes: [
      logRoute({ runtime: workloads, podExists: podInfo, authorize: (a) => authorizePods({ ...a, subresource: 'log' }) }),
      ...restRoutes({
        store,
        clock,
        rbac,
        counters,
        watches,
        validation: {
          envNameRule: options.envNameRule ?? (major > 1 || minor >= 32 ? 'relaxed' : 'classic'),
          nativeSidecars: major > 1 || minor >= 29,
        },
        bookmarkSeconds: options.bookmarkSeconds ?? 60,
      }),
    ],
    upgrades: [exec],
    middleware: (request) => faults.apply(request),
    onListening: (listening: http.Server) => {
      listening.on('connection', (socket) => {
        if (faults.refuseConnections) socket.destroy();
      });
    },
  });
  faults.endWatchesHook = (mode) => watches.closeAll(mode);
  faults.expireHook = () => store.compact();
  workloads.start();

  function ensureNamespace(name: string): void {
    if (store.get('namespaces', undefined, name)) return;
    store.create('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }

  return {
    ...server,
    store,
    workloads,
    rbac,
    faults,
    counters,
    clock,
    version: { major, minor, gitVersion },
    ensureNamespace,
    putSecret(namespace, name, data) {
      ensureNamespace(namespace);
      const secret: KubeObject = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace },
        type: 'Opaque',
        data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'utf8').toString('base64')])),
      };
      if (store.get('secrets', namespace, name)) store.update('secrets', secret);
      else store.create('secrets', secret);
    },
    deletePod(namespace, name) {
      store.mutate('pods', namespace, name, (pod) => {
        pod.metadata.deletionTimestamp = clock.nowIso();
        pod.metadata.deletionGracePeriodSeconds = 0;
      });
    },
    close: async () => {
      workloads.close();
      watches.closeAll('drop');
      exec.closeAll(); // upgraded sockets are not closed by the HTTP server
      clock.close();
      await server.close();
    },
  };
}

export { STORED };
