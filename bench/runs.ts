/**
 * `npm run bench:runs`: what following N concurrent runs costs the cluster, and how soon a Job's
 * outcome reaches its task file, for Keruta's run engine (one list-then-watch of Jobs and one of
 * Pods per namespace) against the "kubectl polling" approach of the existing Kubernetes extension
 * (`kubectl get jobs … -o json` every 2 s). Both run in this one script, each on a fresh cluster
 * simulator (test/sim, started by test/runs/harness.ts) so that they never share load. A script,
 * not a test: it prints Markdown tables and the goal checks.
 *
 *   node --import tsx bench/runs.ts [--quick] [--sizes 10,100,500] [--time-scale 0.02] [--run-seconds 100] [--same-run-time] [--profile-client DIR]
 *
 * Per N (default 10, 100, 500; `--quick`: 10, 50), N tasks spread over task files of 10 tasks
 * each (every 5th task `keruta-sim/fail`, the others `busybox:1.36.1`; main containers run from
 * half to one and a half times `--run-seconds` simulated seconds, spread evenly, via
 * `KERUTA_SIM_RUN_SECONDS`; default time scale 0.02, so 1–3 s of real time; `--same-run-time`:
 * all exactly `--run-seconds`, so that all N runs end in the same instant; `--profile-client DIR`:
 * each client process writes a CPU profile into DIR):
 * Jobs are rendered before each phase starts: Run Task has the language server render them, a
 * process apart from the extension host, so the client process does only the host's part.
 * - keruta: the engine as the harness assembles it (RunTracker + StatusWriter + RunService over
 *   FsTaskFiles; watch options as shipped), Jobs rendered as the harness renders them (collector
 *   sidecar on, default 300 s window; the engine releases the collector through exec when the main
 *   container ends). The namespace is synced first, then the N runs start (32 at a time); the phase
 *   ends when every outcome has been written.
 * - polling: the same tasks rendered the same way but without the collector (the polling extension
 *   knows nothing of it; with it, every Job would wait out the window), created through the same
 *   client (no engine), IN_PROGRESS written as Run Task writes it; the real `kubectl` polls every
 *   2 s (real time), and a Job seen with a terminal condition has its outcome written by the same
 *   StatusWriter code path.
 * After the last write both keep going for 4 s (idle), to show what each costs while nothing runs.
 *
 * The client side (the engine, or the polling loop and its writer) runs in a child process of this
 * script, as an extension host is a process apart from the API server: the simulator's own CPU
 * load (it grows with N) then does not stall the engine's event loop. Both processes stamp events
 * with the same wall clock (Date.now()).
 *
 * Measured on the simulator (its request counters, diffed per phase): list/get and watch requests
 * per run, exec (the collector release) separately, kubectl's discovery requests separately; open
 * watch connections (sampled every 20 ms); list calls after the initial sync (the engine's first
 * list of Jobs and Pods; the polling loop's first poll). Delay: from the moment the simulator's
 * store got the Job's `Complete`/`Failed` condition (a store subscription) to the moment the
 * outcome write into the task file resolved in the client process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Job } from 'kubernetes-types/batch/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { type ClusterClient, createClusterClient } from '../client/src/cluster/clusterClient';
import { loadKubeConfig } from '../client/src/cluster/kubeConfig';
import { FsTaskFiles } from '../client/src/runs/fsTaskFiles';
import type { TrackedRun } from '../client/src/runs/runModel';
import { releaseCollector, RunService } from '../client/src/runs/runService';
import { RunTracker } from '../client/src/runs/runTracker';
import { StatusWriter, type WriteResult } from '../client/src/runs/statusWriter';
import { DEFAULT_COLLECT_WINDOW_SECONDS, MAIN_CONTAINER } from '../server/src/core/collectorPod';
import { ANNOTATION_TASK_FILE, ANNOTATION_TASK_ID, DEFAULT_RENDER_OPTIONS, renderJob } from '../server/src/core/jobRenderer';
import { parseTaskFile } from '../server/src/core/taskParser';
import { requireKubectl } from '../test/kubectl/kubectlHelper';
import { type Harness, startHarness, statusIn, taskFileText } from '../test/runs/harness';
import type { Simulator } from '../test/sim/simulator';
import { KubectlPoller, type PollRecord } from './runsPolling';
import { flag, option, profileExecArgv } from './args';
import { ms, type Stats, stats } from './stats';

// ---------------------------------------------------------------------------------------------
// Options

const QUICK = flag('--quick');

function numberOption(name: string, fallback: number): number {
  const text = option(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} wants a positive number, got ${text}`);
  return value;
}

const SIZES = (option('--sizes') ?? (QUICK ? '10,50' : '10,100,500')).split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--sizes wants positive integers, got ${s}`);
  return n;
});
/** Real time per simulated time (0.02: a simulated second lasts 20 ms). */
const TIME_SCALE = numberOption('--time-scale', 0.02);
/** How long main containers run on average (simulated seconds; spread from half to one and a half times). */
const RUN_SECONDS = numberOption('--run-seconds', 100);
/** Every main container runs exactly `--run-seconds`: all N runs end in the same instant (a burst). */
const SAME_RUN_TIME = flag('--same-run-time');
const POLL_INTERVAL_MS = 2000;
const IDLE_MS = 4000;
const TASKS_PER_FILE = 10;
const FAIL_EVERY = 5;
const START_CONCURRENCY = 32;
const NAMESPACE = 'default';
const WATCHES_PER_NAMESPACE = 2;
const DELAY_GOAL_MS = 100;
/** A released collector should let the Job complete at once; this much (real ms) is "at once". */
const HOLD_GOAL_MS = 1000;
const RUN_START = performance.now();

const simToMs = (seconds: number): number => seconds * 1000 * TIME_SCALE;

// ---------------------------------------------------------------------------------------------
// Statistics and formatting

const num = (x: number): string => (Number.isNaN(x) ? 'n/a' : Number.isInteger(x) ? String(x) : x >= 10 ? x.toFixed(1) : x >= 0.1 ? x.toFixed(2) : x.toFixed(3));
const ratio = (a: number, b: number): string => (b === 0 && a > 0 ? '∞' : Number.isFinite(a / b) ? `${(a / b).toFixed(1)}×` : 'n/a');

function log(message: string): void {
  const seconds = ((performance.now() - RUN_START) / 1000).toFixed(1).padStart(5);
  process.stderr.write(`[${seconds}s] ${message}\n`);
}

const sleep = (msToWait: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, msToWait));

interface LoopStats {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

type LoopMonitor = ReturnType<typeof monitorEventLoopDelay>;

function loopStats(monitor: LoopMonitor): LoopStats {
  return { p50: monitor.percentile(50) / 1e6, p99: monitor.percentile(99) / 1e6, max: monitor.max / 1e6 };
}

// ---------------------------------------------------------------------------------------------
// Tasks

interface BenchTask {
  readonly id: string;
  readonly file: string;
  readonly fails: boolean;
  readonly runSeconds: number;
}

/** Main containers run between half and one and a half times `--run-seconds`, spread evenly (golden-ratio sequence), so that runs do not all end in the same instant. */
function runSecondsOf(index: number): number {
  if (SAME_RUN_TIME) return RUN_SECONDS;
  const spread = (index * 0.6180339887) % 1;
  return Math.round(RUN_SECONDS * (0.5 + spread) * 10) / 10;
}

function benchTasks(n: number): BenchTask[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `t${String(i).padStart(4, '0')}`,
    file: `tasks-${String(Math.floor(i / TASKS_PER_FILE)).padStart(3, '0')}.keruta.yaml`,
    fails: i % FAIL_EVERY === FAIL_EVERY - 1,
    runSeconds: runSecondsOf(i),
  }));
}

async function writeTaskFiles(h: Harness, tasks: readonly BenchTask[]): Promise<number> {
  const byFile = new Map<string, BenchTask[]>();
  for (const task of tasks) byFile.set(task.file, [...(byFile.get(task.file) ?? []), task]);
  for (const [file, fileTasks] of byFile) {
    const text = taskFileText(
      fileTasks.map((task) => ({ id: task.id, image: task.fails ? 'keruta-sim/fail' : 'busybox:1.36.1', env: { KERUTA_SIM_RUN_SECONDS: String(task.runSeconds) } })),
    );
    await h.writeTaskFile(file, text);
  }
  return byFile.size;
}

/** Runs `work` over the items, at most `limit` at a time. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The task's Job, rendered as the harness's `engine.run` renders it (`collector: false`: without the collector). */
async function renderTask(dir: string, task: BenchTask, collector: boolean): Promise<{ namespace: string; job: Job }> {
  const text = await readFile(join(dir, task.file), 'utf8');
  const parsed = parseTaskFile(text).tasks.find((candidate) => candidate.task.id === task.id);
  if (!parsed) throw new Error(`no task ${task.id} in ${task.file}`);
  const rendered = renderJob(parsed.task, {
    ...DEFAULT_RENDER_OPTIONS,
    ttlSecondsAfterFinished: 3600,
    collector: { ...DEFAULT_RENDER_OPTIONS.collector, windowSeconds: DEFAULT_COLLECT_WINDOW_SECONDS, enabled: collector },
    taskFile: task.file,
  });
  const job = structuredClone(rendered.job);
  return { namespace: rendered.namespace, job: { ...job, metadata: { ...job.metadata, namespace: rendered.namespace } } };
}

// ---------------------------------------------------------------------------------------------
// The client process (the engine, or the polling loop): a child of this script, driven over IPC

type Approach = 'keruta' | 'polling';

interface ClientConfig {
  readonly approach: Approach;
  readonly kubeconfig: string;
  readonly dir: string;
  readonly kubectl: string;
  readonly cacheDir: string;
}

type ToClient = { readonly kind: 'sync' } | { readonly kind: 'run'; readonly tasks: readonly BenchTask[] } | { readonly kind: 'stop' };

interface ExecReleases {
  readonly ok: number;
  readonly failed: number;
  readonly messages: readonly (readonly [string, number])[];
}

interface ClientStopped {
  readonly kind: 'stopped';
  readonly logs: readonly string[];
  readonly loop: LoopStats;
  readonly exec?: ExecReleases;
  readonly polls?: readonly PollRecord[];
}

type FromClient =
  | { readonly kind: 'ready' }
  | { readonly kind: 'synced' }
  | { readonly kind: 'started'; readonly uids: readonly (readonly [string, string])[]; readonly startMs: number }
  | { readonly kind: 'seen'; readonly uid: string; readonly at: number }
  | { readonly kind: 'wrote'; readonly uid: string; readonly at: number; readonly result: WriteResult }
  | ClientStopped
  | { readonly kind: 'error'; readonly message: string };

type RenderedJob = Awaited<ReturnType<typeof renderTask>>;

interface ClientSide {
  /** Whether the Jobs carry the collector sidecar. */
  readonly collector: boolean;
  /** The initial sync: the namespace's first list (keruta), the first poll (polling). */
  sync(): Promise<void>;
  /** Starts the task's run from its rendered Job; resolves with its Job's uid. */
  start(task: BenchTask, rendered: RenderedJob): Promise<string>;
  /** Stops following and settles every write. */
  stop(): Promise<Partial<ClientStopped>>;
}

function kerutaSide(client: ClusterClient, config: ClientConfig, log: (message: string) => void, send: (message: FromClient) => void): ClientSide {
  const fileOf = (name: string): string => join(config.dir, name);
  // As the harness's engine(): its tracker, writer and service, with the watch options as shipped.
  const tracker = new RunTracker(client, { log });
  const writer = new StatusWriter(new FsTaskFiles(), (_taskId, hint) => (hint ? fileOf(hint) : undefined), tracker, { log });
  const writeOutcome = writer.writeOutcome.bind(writer);
  // The service calls the writer through this property: wrap it to learn when each write landed.
  writer.writeOutcome = async (run, status) => {
    const result = await writeOutcome(run, status);
    send({ kind: 'wrote', uid: run.uid, at: Date.now(), result });
    return result;
  };
  tracker.onDidFinish(({ run }) => send({ kind: 'seen', uid: run.uid, at: Date.now() }));
  const release = releaseCollector(client);
  const exec = { ok: 0, failed: 0, messages: new Map<string, number>() };
  // The engine's own release (RunService's default handler), counted.
  const service = new RunService(client, tracker, writer, log, async (run, pod, exitCode) => {
    try {
      await release(run, pod, exitCode);
      exec.ok++;
    } catch (error) {
      exec.failed++;
      const message = error instanceof Error ? error.message.replace(pod, '<pod>').replace(run.name, '<job>') : String(error);
      exec.messages.set(message, (exec.messages.get(message) ?? 0) + 1);
      throw error;
    }
  });
  return {
    collector: true,
    sync: () => tracker.watchNamespace(NAMESPACE),
    async start(task, { namespace, job }) {
      const started = await service.start({ taskId: task.id, file: fileOf(task.file), namespace, job });
      const uid = started.job.metadata?.uid;
      if (!uid) throw new Error('the created Job had no uid');
      return uid;
    },
    async stop() {
      await service.settled();
      service.dispose();
      tracker.dispose();
      return { exec: { ok: exec.ok, failed: exec.failed, messages: [...exec.messages] } };
    },
  };
}

function trackedRunOf(job: Job, outcome: 'COMPLETED' | 'FAILED'): TrackedRun {
  const metadata = job.metadata ?? {};
  const file = metadata.annotations?.[ANNOTATION_TASK_FILE];
  return {
    uid: metadata.uid ?? '',
    namespace: metadata.namespace ?? NAMESPACE,
    name: metadata.name ?? '',
    taskId: metadata.annotations?.[ANNOTATION_TASK_ID] ?? '',
    ...(file !== undefined ? { taskFile: file } : {}),
    createdAt: metadata.creationTimestamp ?? '',
    state: { phase: outcome === 'COMPLETED' ? 'succeeded' : 'failed', taskStatus: outcome, podSummaries: [] },
    gone: false,
    stopped: false,
    job,
    pods: [],
  };
}

function pollingSide(client: ClusterClient, config: ClientConfig, log: (message: string) => void, send: (message: FromClient) => void): ClientSide {
  const fileOf = (name: string): string => join(config.dir, name);
  // The same write path as the engine's, without a run store (no newer-run check).
  const writer = new StatusWriter(new FsTaskFiles(), (_taskId, hint) => (hint ? fileOf(hint) : undefined), { runsOfTask: () => [] }, { log });
  const writes = new Set<Promise<void>>();
  const poller = new KubectlPoller({
    kubectl: config.kubectl,
    kubeconfig: config.kubeconfig,
    cacheDir: config.cacheDir,
    namespace: NAMESPACE,
    intervalMs: POLL_INTERVAL_MS,
    log,
    onTerminal: (job, outcome, at) => {
      const run = trackedRunOf(job, outcome);
      send({ kind: 'seen', uid: run.uid, at });
      const write = writer.writeOutcome(run, outcome).then(
        (result) => send({ kind: 'wrote', uid: run.uid, at: Date.now(), result }),
        (error: unknown) => log(`writing ${run.taskId} failed: ${error instanceof Error ? error.message : String(error)}`),
      );
      writes.add(write);
      void write.finally(() => writes.delete(write));
    },
  });
  return {
    // Rendered as the harness renders, minus the collector (the polling extension knows nothing of it).
    collector: false,
    async sync() {
      poller.start();
      while (poller.polls.length === 0) await sleep(10);
    },
    async start(task, { namespace, job }) {
      // Created without the engine.
      const created = await client.createJob(namespace, job);
      const uid = created.metadata?.uid;
      if (!uid) throw new Error('the created Job had no uid');
      await writer.writeStarted(fileOf(task.file), task.id);
      return uid;
    },
    async stop() {
      await poller.stop();
      while (writes.size > 0) await Promise.allSettled([...writes]);
      return { polls: [...poller.polls] };
    },
  };
}

async function clientMain(config: ClientConfig): Promise<void> {
  const send = (message: FromClient): void => void process.send?.(message);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const logs: string[] = [];
  const log = (message: string): void => void logs.push(message);
  const k8s = await import('@kubernetes/client-node');
  const loaded = loadKubeConfig({ configPath: config.kubeconfig, context: '', inCluster: false }, k8s);
  if ('error' in loaded) throw new Error(loaded.error.message);
  const client = createClusterClient(loaded, k8s);
  const side = config.approach === 'keruta' ? kerutaSide(client, config, log, send) : pollingSide(client, config, log, send);
  const handle = async (message: ToClient): Promise<void> => {
    switch (message.kind) {
      case 'sync':
        loop.enable();
        await side.sync();
        send({ kind: 'synced' });
        return;
      case 'run': {
        // Run Task has the language server render the Job, in a process apart from the extension
        // host; so the Jobs are rendered before the phase, and this process does only the host's part.
        const rendered = new Map(await pool(message.tasks, START_CONCURRENCY, async (task) => [task.id, await renderTask(config.dir, task, side.collector)] as const));
        const startedAt = Date.now();
        const uids = await pool(message.tasks, START_CONCURRENCY, async (task) => [task.id, await side.start(task, rendered.get(task.id)!)] as const);
        send({ kind: 'started', uids, startMs: Date.now() - startedAt });
        return;
      }
      case 'stop': {
        const rest = await side.stop();
        loop.disable();
        const stopped: FromClient = { kind: 'stopped', logs, loop: loopStats(loop), ...rest };
        // Everything sent before has gone out by then (the channel keeps order).
        process.send?.(stopped, () => process.exit(0));
        return;
      }
    }
  };
  process.on('message', (message: ToClient) => {
    handle(message).catch((error: unknown) => send({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
  });
  send({ kind: 'ready' });
}

/** The parent's handle on a client process. */
class ClientProcess {
  private readonly child: ChildProcess;
  private readonly waiters: { kind: FromClient['kind']; resolve: (message: FromClient) => void; reject: (error: Error) => void }[] = [];
  private exited: Error | undefined;
  private readonly exit: Promise<void>;

  constructor(config: ClientConfig, onEvent: (message: FromClient) => void) {
    // This same script in client mode, with the same loader (`--import tsx`).
    this.child = fork(__filename, ['--client', JSON.stringify(config)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [...process.execArgv, ...profileExecArgv()] });
    this.child.on('message', (message: FromClient) => {
      if (message.kind === 'error') {
        this.fail(new Error(`client process: ${message.message}`));
        return;
      }
      onEvent(message);
      const index = this.waiters.findIndex((waiter) => waiter.kind === message.kind);
      if (index >= 0) this.waiters.splice(index, 1)[0]!.resolve(message);
    });
    this.exit = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.fail(new Error(`the client process exited (${signal ?? code})`));
        resolve();
      });
    });
  }

  private fail(error: Error): void {
    this.exited ??= error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  next<K extends FromClient['kind']>(kind: K, timeoutMs = 600_000): Promise<Extract<FromClient, { kind: K }>> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${kind}' from the client process in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        kind,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message as Extract<FromClient, { kind: K }>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  async request<K extends FromClient['kind']>(message: ToClient, reply: K, timeoutMs?: number): Promise<Extract<FromClient, { kind: K }>> {
    const answer = this.next(reply, timeoutMs);
    this.child.send(message);
    return answer;
  }

  /** Waits for the process to exit; kills it (by its pid, through the handle) if it does not. */
  async close(): Promise<void> {
    const timer = setTimeout(() => this.child.kill(), 3000);
    await this.exit;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// What the simulator saw

interface Snapshot {
  readonly counts: ReadonlyMap<string, number>;
  readonly requestIndex: number;
  readonly watchesStarted: number;
}

function snapshot(sim: Simulator): Snapshot {
  return { counts: new Map(sim.counters.requests), requestIndex: sim.requests.length, watchesStarted: sim.counters.watchesStarted };
}

interface RequestCounts {
  readonly list: number;
  readonly get: number;
  readonly watch: number;
  readonly create: number;
  /** Exec sessions (WebSocket upgrades to pods/exec). */
  readonly exec: number;
  /** Discovery and OpenAPI (kubectl's, mostly). */
  readonly discovery: number;
  /** Every HTTP request the simulator served. */
  readonly total: number;
  readonly watchesStarted: number;
}

function isDiscovery(path: string): boolean {
  return path === '/version' || /^\/api(\/v1)?$/.test(path) || /^\/apis(\/[^/]+){0,2}$/.test(path) || path.startsWith('/openapi');
}

function requestsBetween(sim: Simulator, from: Snapshot, to: Snapshot): RequestCounts {
  const verb = (name: string): number => {
    let total = 0;
    for (const [key, value] of to.counts) if (key.startsWith(`${name} `)) total += value - (from.counts.get(key) ?? 0);
    return total;
  };
  const served = sim.requests.slice(from.requestIndex, to.requestIndex);
  return {
    list: verb('list'),
    get: verb('get'),
    watch: verb('watch'),
    create: verb('create'),
    exec: served.filter((r) => r.method.endsWith('(upgrade)') && /\/exec(\?|$)/.test(r.url)).length,
    discovery: served.filter((r) => isDiscovery(r.url.split('?')[0]!)).length,
    total: served.length,
    watchesStarted: to.watchesStarted - from.watchesStarted,
  };
}

interface WriteRecord {
  /** Date.now() (client process) when the first successful outcome write resolved. */
  at: number | undefined;
  status: string | undefined;
  /** Outcome writes asked for. */
  calls: number;
  /** Outcome writes that changed the file. */
  written: number;
  skipped: string[];
}

/** Store events (simulator) and the client's reports of one phase, by Job uid. */
class PhaseRecorder {
  /** When the store first had the Job's Complete/Failed condition. */
  readonly jobDone = new Map<string, { at: number; outcome: 'COMPLETED' | 'FAILED' }>();
  /** When the store first had the Job's Pod with its main container terminated. */
  readonly mainEnded = new Map<string, number>();
  readonly writes = new Map<string, WriteRecord>();
  /** When the engine (tracker.onDidFinish) or the poller (kubectl output parsed) first knew the outcome. */
  readonly seen = new Map<string, number>();
  /** The simulator process's event-loop delay. */
  readonly loop = monitorEventLoopDelay({ resolution: 10 });
  maxOpenWatches = 0;
  private readonly unsubscribe: () => void;
  private readonly sampler: ReturnType<typeof setInterval>;

  constructor(private readonly sim: Simulator) {
    this.unsubscribe = sim.store.subscribe((event) => {
      const at = Date.now();
      if (event.resource === 'jobs') {
        const job = event.object as Job;
        const uid = job.metadata?.uid;
        if (!uid || this.jobDone.has(uid)) return;
        const conditions = job.status?.conditions ?? [];
        const failed = conditions.some((c) => c.type === 'Failed' && c.status === 'True');
        const complete = conditions.some((c) => c.type === 'Complete' && c.status === 'True');
        if (failed || complete) this.jobDone.set(uid, { at, outcome: failed ? 'FAILED' : 'COMPLETED' });
      } else if (event.resource === 'pods') {
        const pod = event.object as Pod;
        const owner = pod.metadata?.ownerReferences?.find((ref) => ref.controller && ref.kind === 'Job')?.uid;
        if (!owner || this.mainEnded.has(owner)) return;
        const main = pod.status?.containerStatuses?.find((status) => status.name === MAIN_CONTAINER);
        if (main?.state?.terminated) this.mainEnded.set(owner, at);
      }
    });
    this.sampler = setInterval(() => this.sample(), 20);
    this.loop.enable();
  }

  sample(): void {
    this.maxOpenWatches = Math.max(this.maxOpenWatches, this.sim.counters.openWatches);
  }

  onClient(message: FromClient): void {
    if (message.kind === 'seen') {
      if (!this.seen.has(message.uid)) this.seen.set(message.uid, message.at);
    } else if (message.kind === 'wrote') {
      let record = this.writes.get(message.uid);
      if (!record) this.writes.set(message.uid, (record = { at: undefined, status: undefined, calls: 0, written: 0, skipped: [] }));
      record.calls++;
      if (message.result.written) {
        record.written++;
        if (record.at === undefined) {
          record.at = message.at;
          record.status = message.result.status;
        }
      } else {
        record.skipped.push(message.result.reason);
      }
    }
  }

  /** Whether every one of the uids has its outcome written. */
  allWritten(uids: readonly string[]): boolean {
    return uids.every((uid) => this.writes.get(uid)?.at !== undefined);
  }

  lastWriteAt(): number {
    return Math.max(...[...this.writes.values()].map((write) => write.at ?? 0));
  }

  dispose(): void {
    this.unsubscribe();
    clearInterval(this.sampler);
    this.loop.disable();
  }
}

// ---------------------------------------------------------------------------------------------
// Phases

interface PhaseResult {
  readonly approach: Approach;
  readonly n: number;
  readonly files: number;
  /** Start of the phase → last outcome written (real ms). */
  readonly durationMs: number;
  readonly startMs: number;
  /** Requests from the start of the phase (before the initial sync) to the last write. */
  readonly requests: RequestCounts;
  /** List calls after the initial sync, up to the last write. */
  readonly listsAfterSync: number;
  /** List calls in the idle time after the last write. */
  readonly idleLists: number;
  readonly maxOpenWatches: number;
  readonly openWatchesAtEnd: number;
  readonly delays: Stats;
  /** Condition in the store → the engine's onDidFinish / the poll that saw it. */
  readonly seenDelays: Stats;
  /** That → the write resolved (the StatusWriter's per-file queue, read, edit, write, rename). */
  readonly writeDelays: Stats;
  /** Event-loop delay of the client process and of the simulator's (ms). */
  readonly clientLoop: LoopStats;
  readonly simLoop: LoopStats;
  /** Writes that resolved before the store had the Job's terminal condition. */
  readonly earlyWrites: number;
  readonly missing: readonly string[];
  readonly duplicated: readonly string[];
  readonly wrongStatus: readonly string[];
  /** main container ended → Job terminal condition (real ms), by outcome. */
  readonly hold: { readonly completed: Stats; readonly failed: Stats };
  readonly execReleases?: ExecReleases;
  readonly polls?: readonly PollRecord[];
  readonly clientLog: ReadonlyMap<string, number>;
  readonly timedOut: boolean;
}

function phaseTimeoutMs(n: number): number {
  // Run time, the whole collector window, generous start-up, then a fixed margin.
  return simToMs(RUN_SECONDS * 1.5 + DEFAULT_COLLECT_WINDOW_SECONDS + 30) + n * 200 + 60_000;
}

async function waitFor(probe: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** Checks the task files against the expected outcomes and the write records. */
async function verify(h: Harness, tasks: readonly BenchTask[], uidOf: ReadonlyMap<string, string>, recorder: PhaseRecorder) {
  const texts = new Map<string, string>();
  for (const file of new Set(tasks.map((task) => task.file))) texts.set(file, await h.readTaskFile(file));
  const missing: string[] = [];
  const duplicated: string[] = [];
  const wrongStatus: string[] = [];
  const delays: number[] = [];
  const seenDelays: number[] = [];
  const writeDelays: number[] = [];
  let earlyWrites = 0;
  const hold = { completed: [] as number[], failed: [] as number[] };
  for (const task of tasks) {
    const expected = task.fails ? 'FAILED' : 'COMPLETED';
    const status = statusIn(texts.get(task.file)!, task.id);
    const uid = uidOf.get(task.id);
    const write = uid ? recorder.writes.get(uid) : undefined;
    if (status !== expected) wrongStatus.push(`${task.id}: ${status ?? 'none'} (expected ${expected})`);
    if (!uid || write?.at === undefined) {
      missing.push(`${task.id}${write?.skipped.length ? ` (${write.skipped.join('; ')})` : ''}`);
      continue;
    }
    if (write.written > 1 || write.calls > 1) duplicated.push(`${task.id}: ${write.calls} outcome writes, ${write.written} changed the file`);
    const done = recorder.jobDone.get(uid);
    if (!done) continue;
    const delay = write.at - done.at;
    if (delay < 0) earlyWrites++;
    delays.push(delay);
    const seen = recorder.seen.get(uid);
    if (seen !== undefined) {
      seenDelays.push(seen - done.at);
      writeDelays.push(write.at - seen);
    }
    const mainEnd = recorder.mainEnded.get(uid);
    if (mainEnd !== undefined) (done.outcome === 'COMPLETED' ? hold.completed : hold.failed).push(done.at - mainEnd);
  }
  return {
    missing,
    duplicated,
    wrongStatus,
    delays: stats(delays),
    seenDelays: stats(seenDelays),
    writeDelays: stats(writeDelays),
    earlyWrites,
    hold: { completed: stats(hold.completed), failed: stats(hold.failed) },
  };
}

function countMessages(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    // Routine progress lines are not news.
    if (/: created Job |: status (IN_PROGRESS|COMPLETED|FAILED) written to /.test(line)) continue;
    // Job and Pod names differ per run; group the same message.
    const key = line.replace(/keruta-t\d{4}-[a-z0-9]+(-[a-z0-9]+)?/g, '<job>').replace(/\bt\d{4}\b/g, '<task>').replace(/\/tmp\/[^ ]+/g, '<file>');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const openHarnesses = new Set<Harness>();
const openClients = new Set<ClientProcess>();

async function runPhase(approach: Approach, n: number, kubectl: string): Promise<PhaseResult> {
  const h = await startHarness({ timeScale: TIME_SCALE });
  openHarnesses.add(h);
  const cacheDir = mkdtempSync(join(tmpdir(), 'keruta-bench-kubectl-'));
  const recorder = new PhaseRecorder(h.sim);
  const client = new ClientProcess({ approach, kubeconfig: h.kubeconfig, dir: h.dir, kubectl, cacheDir }, (message) => recorder.onClient(message));
  openClients.add(client);
  try {
    const tasks = benchTasks(n);
    const files = await writeTaskFiles(h, tasks);
    await client.next('ready', 60_000);
    const begin = snapshot(h.sim);
    const startedAt = Date.now();
    await client.request({ kind: 'sync' }, 'synced', 60_000);
    const synced = snapshot(h.sim);
    const started = await client.request({ kind: 'run', tasks }, 'started');
    const uidOf = new Map(started.uids);
    log(`  ${approach} N=${n}: ${n} ${approach === 'keruta' ? 'runs started' : 'Jobs created'} in ${ms(started.startMs)} ms; waiting for the outcomes…`);
    const uids = [...uidOf.values()];
    const finished = await waitFor(() => recorder.allWritten(uids), phaseTimeoutMs(n));
    recorder.sample();
    const end = snapshot(h.sim);
    const openAtEnd = h.sim.counters.openWatches;
    // The view stays open: the watches, or the polling, go on while nothing runs.
    await sleep(IDLE_MS);
    recorder.sample();
    const idle = snapshot(h.sim);
    const stopped = await client.request({ kind: 'stop' }, 'stopped', 120_000);
    const checked = await verify(h, tasks, uidOf, recorder);
    return {
      approach,
      n,
      files,
      durationMs: (finished ? recorder.lastWriteAt() : Date.now()) - startedAt,
      startMs: started.startMs,
      requests: requestsBetween(h.sim, begin, end),
      listsAfterSync: requestsBetween(h.sim, synced, end).list,
      idleLists: requestsBetween(h.sim, end, idle).list,
      maxOpenWatches: recorder.maxOpenWatches,
      openWatchesAtEnd: openAtEnd,
      ...checked,
      clientLoop: stopped.loop,
      simLoop: loopStats(recorder.loop),
      ...(stopped.exec ? { execReleases: stopped.exec } : {}),
      ...(stopped.polls ? { polls: stopped.polls } : {}),
      clientLog: countMessages(stopped.logs),
      timedOut: !finished,
    };
  } finally {
    recorder.dispose();
    await client.close();
    openClients.delete(client);
    openHarnesses.delete(h);
    await h.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function perRun(result: PhaseResult): { listGet: number; watch: number } {
  return { listGet: (result.requests.list + result.requests.get) / result.n, watch: result.requests.watch / result.n };
}

function report(results: readonly PhaseResult[], kubectlVersion: string): void {
  const out: string[] = [];
  const row = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;
  const windowMs = simToMs(DEFAULT_COLLECT_WINDOW_SECONDS);
  out.push('');
  out.push('## Following N concurrent runs: Keruta (list-then-watch) vs kubectl polling every 2 s');
  out.push('');
  out.push(
    `Node ${process.version}, ${process.platform}/${process.arch}, ${kubectlVersion}${QUICK ? ', --quick' : ''}. ` +
      'Both approaches ran in this same script, one after the other, each phase on a fresh cluster simulator (no shared load); ' +
      'the client side (Keruta\'s engine, or the polling loop and its writer) in a child process, as an extension host is apart from the API server. ' +
      `Simulated time runs at ${TIME_SCALE}× real time: ${
        SAME_RUN_TIME
          ? `every main container runs ${RUN_SECONDS} simulated s (${ms(simToMs(RUN_SECONDS))} ms real; --same-run-time: all runs end together)`
          : `main containers run ${RUN_SECONDS / 2}–${(RUN_SECONDS * 3) / 2} simulated s (${ms(simToMs(RUN_SECONDS / 2))}–${ms(simToMs((RUN_SECONDS * 3) / 2))} ms real, spread evenly over the tasks)`
      }, the collector window is the default ${DEFAULT_COLLECT_WINDOW_SECONDS} simulated s (${ms(windowMs)} ms real). ` +
      `Every ${FAIL_EVERY}th task fails (keruta-sim/fail); ${TASKS_PER_FILE} tasks per task file; all Jobs in namespace \`${NAMESPACE}\`. ` +
      `Keruta's Jobs carry the collector sidecar (released by exec); the polling side's Jobs do not (it knows nothing of it). kubectl polls every ${POLL_INTERVAL_MS} ms of real time.`,
  );
  out.push('');
  out.push('### Cluster API requests');
  out.push('');
  out.push(
    'Counted by the simulator from the start of the phase (before the initial sync) to the last outcome write. "list+get / run" and "watch / run": those requests ÷ N. ' +
      '"lists after sync": list calls after the engine\'s first list of Jobs and Pods (keruta) or after the first poll (polling). ' +
      `"idle lists": list calls in the ${IDLE_MS / 1000} s after the last write. exec: collector releases (WebSocket sessions). discovery: /api, /apis, /openapi (kubectl's).`,
  );
  out.push('');
  out.push(row(['N', 'approach', 'list+get / run', 'watch / run', 'list', 'get', 'watch', 'exec', 'create', 'discovery', 'all HTTP', 'lists after sync', 'idle lists', 'open watches max / end', 'watches started']));
  out.push(row(['---:', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const r of results) {
    const per = perRun(r);
    out.push(
      row([
        r.n,
        r.approach,
        num(per.listGet),
        num(per.watch),
        r.requests.list,
        r.requests.get,
        r.requests.watch,
        r.requests.exec,
        r.requests.create,
        r.requests.discovery,
        r.requests.total,
        r.listsAfterSync,
        r.idleLists,
        `${r.maxOpenWatches} / ${r.openWatchesAtEnd}`,
        r.requests.watchesStarted,
      ]),
    );
  }
  out.push('');

  out.push('### Outcome delay: Job condition in the cluster → task file written');
  out.push('');
  out.push(
    'From the moment the simulator\'s store had the Job\'s `Complete`/`Failed` condition to the moment the outcome write into the task file resolved (real ms). ' +
      'Split into "seen" (condition → the engine\'s `onDidFinish`, or the parsing of the kubectl output that showed it) and "write" (→ the write resolved: the StatusWriter\'s per-file queue, read, edit, write, rename). ' +
      '"event loop": event-loop delay p99 / max of the client process and of the simulator\'s. "phase": start → last write (real s); "start": starting all N runs (real s).',
  );
  out.push('');
  out.push(
    row(['N', 'approach', 'files', 'written', 'p50', 'p95', 'max', 'seen p50 / p95', 'write p50 / p95', 'client event loop', 'simulator event loop', 'missing', 'duplicated', 'wrong status', 'written before the condition', 'start', 'phase']),
  );
  out.push(row(['---:', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const r of results) {
    out.push(
      row([
        r.n,
        r.approach,
        r.files,
        r.delays.n,
        ms(r.delays.p50),
        ms(r.delays.p95),
        ms(r.delays.max),
        `${ms(r.seenDelays.p50)} / ${ms(r.seenDelays.p95)}`,
        `${ms(r.writeDelays.p50)} / ${ms(r.writeDelays.p95)}`,
        `${ms(r.clientLoop.p99)} / ${ms(r.clientLoop.max)}`,
        `${ms(r.simLoop.p99)} / ${ms(r.simLoop.max)}`,
        r.missing.length,
        r.duplicated.length,
        r.wrongStatus.length,
        r.earlyWrites,
        (r.startMs / 1000).toFixed(1),
        `${(r.durationMs / 1000).toFixed(1)}${r.timedOut ? ' (timed out)' : ''}`,
      ]),
    );
  }
  out.push('');

  out.push('### Ratio (polling / keruta)');
  out.push('');
  out.push(row(['N', 'list+get+watch requests / run', 'list calls after sync', 'delay p50', 'delay p95']));
  out.push(row(['---:', '---:', '---:', '---:', '---:']));
  for (const n of SIZES) {
    const k = results.find((r) => r.n === n && r.approach === 'keruta');
    const p = results.find((r) => r.n === n && r.approach === 'polling');
    if (!k || !p) continue;
    const kPer = perRun(k);
    const pPer = perRun(p);
    out.push(row([n, ratio(pPer.listGet + pPer.watch, kPer.listGet + kPer.watch), `${p.listsAfterSync} vs ${k.listsAfterSync}`, ratio(p.delays.p50, k.delays.p50), ratio(p.delays.p95, k.delays.p95)]));
  }
  out.push('');
  out.push(
    "Keruta's requests are a fixed cost (one list and one watch of Jobs and of Pods per namespace), whatever N and however long the runs last. " +
      `Polling's grow with time, not with N: one list of every keruta Job per ${POLL_INTERVAL_MS / 1000} s (${60_000 / POLL_INTERVAL_MS} a minute, each returning all N Jobs) for as long as the view is open. ` +
      'Here runs last only seconds, so the per-run figures are close; for runs of minutes polling makes proportionally more.',
  );
  out.push('');

  const pollers = results.filter((r) => r.polls && r.polls.length > 0);
  if (pollers.length > 0) {
    out.push('### kubectl polls');
    out.push('');
    out.push(row(['N', 'polls (to the last write + idle)', 'failed', 'kubectl p50 (ms)', 'kubectl max (ms)', 'Jobs per poll (max)', 'JSON per poll (max)']));
    out.push(row(['---:', '---:', '---:', '---:', '---:', '---:', '---:']));
    for (const r of pollers) {
      const polls = r.polls!;
      const durations = stats(polls.map((p) => p.durationMs));
      out.push(
        row([
          r.n,
          polls.length,
          polls.filter((p) => !p.ok).length,
          ms(durations.p50),
          ms(durations.max),
          Math.max(...polls.map((p) => p.jobs)),
          `${(Math.max(...polls.map((p) => p.bytes)) / 1024).toFixed(0)} KiB`,
        ]),
      );
    }
    out.push('');
  }

  const kerutaResults = results.filter((r) => r.approach === 'keruta');
  out.push('### Keruta: collector release (main container ended → Job terminal condition)');
  out.push('');
  out.push(
    `Real ms (simulated s in brackets). The engine execs \`touch /.keruta/ctl/release\` in the collector when a main container exits 0; without it the Pod waits the window (${DEFAULT_COLLECT_WINDOW_SECONDS} simulated s = ${ms(windowMs)} ms real). ` +
      'The engine does not release the collector of a failed main container.',
  );
  out.push('');
  out.push(row(['N', 'releases ok', 'releases failed', 'exec sessions', 'succeeded: p50', 'succeeded: max', 'failed: p50', 'failed: max']));
  out.push(row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  const sim = (x: number): string => (Number.isNaN(x) ? '' : ` (${(x / 1000 / TIME_SCALE).toFixed(1)} s)`);
  for (const r of kerutaResults) {
    out.push(
      row([
        r.n,
        r.execReleases?.ok ?? 0,
        r.execReleases?.failed ?? 0,
        r.requests.exec,
        `${ms(r.hold.completed.p50)}${sim(r.hold.completed.p50)}`,
        `${ms(r.hold.completed.max)}${sim(r.hold.completed.max)}`,
        `${ms(r.hold.failed.p50)}${sim(r.hold.failed.p50)}`,
        `${ms(r.hold.failed.max)}${sim(r.hold.failed.max)}`,
      ]),
    );
  }
  out.push('');

  // Goal checks.
  out.push('### Goals');
  out.push('');
  const perN = (pick: (r: PhaseResult) => string): string => kerutaResults.map((r) => `N=${r.n}: ${pick(r)}`).join(', ');
  const constantWatches = kerutaResults.every((r) => r.maxOpenWatches === WATCHES_PER_NAMESPACE && r.openWatchesAtEnd === WATCHES_PER_NAMESPACE);
  out.push(`- constant watch connections (${WATCHES_PER_NAMESPACE} per namespace, whatever N): ${constantWatches ? 'PASS' : 'FAIL'} (max / end: ${perN((r) => `${r.maxOpenWatches} / ${r.openWatchesAtEnd}`)})`);
  const noPolling = kerutaResults.every((r) => r.listsAfterSync === 0 && r.idleLists === 0);
  out.push(`- no polling (0 list calls after the initial sync, running and idle): ${noPolling ? 'PASS' : 'FAIL'} (${perN((r) => `${r.listsAfterSync} + ${r.idleLists} idle`)})`);
  const fast = kerutaResults.every((r) => r.delays.p95 < DELAY_GOAL_MS && r.delays.n > 0);
  out.push(`- status within ${DELAY_GOAL_MS} ms of the event (keruta p95): ${fast ? 'PASS' : 'FAIL'} (${perN((r) => `${ms(r.delays.p95)} ms`)})`);
  const exact = results.every((r) => r.missing.length === 0 && r.duplicated.length === 0 && r.wrongStatus.length === 0 && !r.timedOut);
  out.push(
    `- every outcome written exactly once, with the right status (both approaches): ${exact ? 'PASS' : 'FAIL'} (${results.map((r) => `${r.approach} N=${r.n}: ${r.missing.length} missing, ${r.duplicated.length} duplicated, ${r.wrongStatus.length} wrong`).join('; ')})`,
  );
  const released = kerutaResults.every((r) => r.hold.completed.n > 0 && r.hold.completed.p95 < HOLD_GOAL_MS);
  out.push(
    `- the default collector window does not delay completion (succeeded runs: Job Complete < ${HOLD_GOAL_MS} ms real after the main container ended, p95): ${released ? 'PASS' : 'FAIL'} (${perN((r) => `${ms(r.hold.completed.p95)} ms`)})`,
  );
  const failedHeld = kerutaResults.some((r) => r.hold.failed.n > 0 && r.hold.failed.p50 >= windowMs * 0.9);
  if (failedHeld) out.push(`- note: failed runs wait the whole collector window before the Job fails (nothing releases their collector): ${perN((r) => `${ms(r.hold.failed.p50)} ms`)}`);
  out.push('');

  // Anything the engine or the poller logged beyond routine progress, and every problem in full.
  const problems: string[] = [];
  for (const r of results) {
    for (const [message, count] of r.clientLog) problems.push(`- ${r.approach} N=${r.n}: logged ${count}×: ${message}`);
    for (const [message, count] of r.execReleases?.messages ?? []) problems.push(`- ${r.approach} N=${r.n}: collector release failed ${count}×: ${message}`);
    for (const item of r.missing.slice(0, 5)) problems.push(`- ${r.approach} N=${r.n}: outcome not written: ${item}`);
    for (const item of r.duplicated.slice(0, 5)) problems.push(`- ${r.approach} N=${r.n}: duplicated: ${item}`);
    for (const item of r.wrongStatus.slice(0, 5)) problems.push(`- ${r.approach} N=${r.n}: wrong status: ${item}`);
  }
  if (problems.length > 0) {
    out.push('### Logged problems');
    out.push('');
    out.push(...problems);
    out.push('');
  }
  console.log(out.join('\n'));
}

// ---------------------------------------------------------------------------------------------
// Main

async function kubectlVersionOf(kubectl: string): Promise<string> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8', timeout: 10_000 }, (error, stdout) => {
      try {
        resolve(`kubectl ${(JSON.parse(stdout) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion}`);
      } catch {
        resolve(error ? 'kubectl (version unknown)' : 'kubectl');
      }
    });
  });
}

async function main(): Promise<number> {
  const kubectl = await requireKubectl();
  const kubectlVersion = await kubectlVersionOf(kubectl);
  const onSignal = (): void => {
    void Promise.allSettled([...[...openClients].map((c) => c.close()), ...[...openHarnesses].map((h) => h.close())]).then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  log(`sizes ${SIZES.join(', ')}; time scale ${TIME_SCALE}; main containers run ${SAME_RUN_TIME ? '' : '~'}${RUN_SECONDS} simulated s; ${kubectlVersion} at ${kubectl}`);
  const results: PhaseResult[] = [];
  for (const n of SIZES) {
    for (const approach of ['keruta', 'polling'] as const) {
      log(`${approach} N=${n}…`);
      const result = await runPhase(approach, n, kubectl);
      const per = perRun(result);
      log(
        `  ${approach} N=${n}: ${num(per.listGet)} list+get and ${num(per.watch)} watch requests per run, ${result.listsAfterSync} lists after sync, ` +
          `delay p50 ${ms(result.delays.p50)} ms p95 ${ms(result.delays.p95)} ms, phase ${(result.durationMs / 1000).toFixed(1)} s${result.timedOut ? ' (TIMED OUT)' : ''}`,
      );
      results.push(result);
    }
  }
  report(results, kubectlVersion);
  log(`done in ${((performance.now() - RUN_START) / 1000).toFixed(0)} s`);
  return 0;
}

const clientConfig = option('--client');
if (clientConfig !== undefined) {
  // A client process (see ClientProcess): runs until the parent says stop.
  clientMain(JSON.parse(clientConfig) as ClientConfig).catch((error: unknown) => {
    process.send?.({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies FromClient);
    process.exit(1);
  });
} else {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      for (const client of openClients) void client.close();
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}
