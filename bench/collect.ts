/**
 * `npm run bench:collect`: getting `/.keruta/doc` out of a Pod, Keruta's collector
 * (`collectArtifacts`: exec `tar cf -` in the collector sidecar, streamed into a safe extraction)
 * beside the real `kubectl cp <ns>/<pod>:/.keruta/doc <dir> -c keruta-collector`, on the same
 * simulated sidecar, in one run. A script, not a test: it prints Markdown tables and the goal checks.
 *
 *   node --import tsx bench/collect.ts [--quick] [--reps N] [--dir PATH] [--profile-client DIR]
 *
 * Cases: one 100 MB file (`keruta-sim/large-doc`), 2,000 small files (`keruta-sim/many-files`),
 * one 20 MB file, and one 300 MB file twice, only for the memory check (`--quick`: 20 MB, 500
 * files, and 100 MB once for the memory check). The memory check compares the two largest files:
 * the peak may not grow by more than 8 MiB. Each case is one Job whose
 * collector is never released (a window of 10^6 simulated s), so that every copy reads the same
 * still-running sidecar. Per case, `--reps` repetitions (default 5, `--quick` 3; the memory-only cases
 * as said), after one untimed warm-up round, Keruta and kubectl taking turns and
 * alternating which goes first; each copy goes into a fresh folder, removed afterwards. The copies
 * go under `--dir` (default: /dev/shm when there is one, else the temp dir): on a RAM disk the
 * figures are the tools' own, not the disk's (creating 2,000 files on a slow disk takes seconds
 * whoever does it); `--dir /tmp` measures with the disk.
 *
 * - Keruta runs in a child process of this script (as an extension host is a process apart),
 *   started once and kept warm (client-node loaded); its time is collectArtifacts() from call to
 *   result (Pod check, exec, extraction, rename). Memory: the child runs a GC, then resets its
 *   peak RSS (`/proc/self/clear_refs` 5) and reads VmHWM after the copy; "peak extra" is that
 *   peak minus the RSS just before. It also samples heap + external memory every 5 ms.
 * - kubectl is a fresh process per copy (as a user runs it), timed from spawn to exit, with its
 *   peak RSS from `/usr/bin/time -v` (which covers the version the dispatcher runs, if any);
 *   "at rest" is the peak RSS of `kubectl get pod <pod> -o name` against the same simulator, so
 *   "peak extra" is what the copy itself added. Its time includes process start-up: the `get pod`
 *   time is shown beside it.
 * - The simulator (API server, kubelet, the sidecar's `tar`) runs in this process for both.
 * - After the first repetition of each case the two trees are compared (names, types, sizes, SHA-256).
 */
import { execFile, fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Job } from 'kubernetes-types/batch/v1';
import { collectArtifacts } from '../client/src/runs/artifactCollector';
import { COLLECTOR_CONTAINER, DOC_DIR, MAIN_CONTAINER } from '../server/src/core/collectorPod';
import { DEFAULT_RENDER_OPTIONS, renderJob } from '../server/src/core/jobRenderer';
import { parseTaskFile } from '../server/src/core/taskParser';
import { requireKubectl } from '../test/kubectl/kubectlHelper';
import { clusterClientFor, type TreeEntry, treeOf } from '../test/runs/collectHelpers';
import { type Harness, startHarness, taskFileText } from '../test/runs/harness';
import { waitFor } from '../test/sim/testing';
import { flag, option, profileExecArgv } from './args';
import { ms, type Stats, stats } from './stats';

// ---------------------------------------------------------------------------------------------
// Options

const QUICK = flag('--quick');

const REPS = Number(option('--reps') ?? (QUICK ? 3 : 5));
if (!Number.isInteger(REPS) || REPS < 1) throw new Error(`--reps wants a positive integer, got ${option('--reps')}`);
const NAMESPACE = 'default';
const MB = 1024 * 1024;
const TIME_SCALE = 0.01;
const DIR = option('--dir') ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
/** Keruta's peak extra memory may grow at most this much between the two largest archives. */
const GROWTH_ALLOWANCE_MB = 8;
const RUN_START = performance.now();

interface Case {
  readonly key: string;
  readonly label: string;
  readonly image: string;
  readonly env: Record<string, string>;
  readonly reps: number;
  /** Bytes of content (for MB/s). */
  readonly bytes: number;
  readonly files: number;
  /** Only there to show how memory follows the archive size: no speed goal. */
  readonly memoryProbe?: boolean;
}

function largeCase(megabytes: number, reps: number, memoryProbe = false): Case {
  return {
    ...(memoryProbe ? { memoryProbe } : {}),
    key: `large-${megabytes}`,
    label: `one ${megabytes} MB file`,
    image: 'keruta-sim/large-doc',
    env: { KERUTA_SIM_DOC_BYTES: String(megabytes * MB) },
    reps,
    bytes: megabytes * MB,
    files: 1,
  };
}

function manyCase(files: number, reps: number): Case {
  // `file N\n` for N = 0 … files - 1.
  let bytes = 0;
  for (let i = 0; i < files; i++) bytes += `file ${i}\n`.length;
  return { key: `many-${files}`, label: `${files.toLocaleString('en-US')} small files`, image: 'keruta-sim/many-files', env: { KERUTA_SIM_DOC_FILES: String(files) }, reps, bytes, files };
}

const CASES: readonly Case[] = QUICK
  ? [largeCase(20, REPS), manyCase(500, REPS), largeCase(100, 1, true)]
  : [largeCase(100, REPS), manyCase(2000, REPS), largeCase(20, REPS), largeCase(300, 2, true)];

// ---------------------------------------------------------------------------------------------
// Statistics and formatting

const mib = (bytes: number): string => (Number.isNaN(bytes) ? 'n/a' : (bytes / MB).toFixed(1));
const ratio = (a: number, b: number): string => (b <= 0 ? (a > 0 ? '∞' : 'n/a') : Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : 'n/a');

function log(message: string): void {
  const seconds = ((performance.now() - RUN_START) / 1000).toFixed(1).padStart(5);
  process.stderr.write(`[${seconds}s] ${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// Memory of this process (used in the Keruta child)

/** VmHWM (peak RSS) of this process, in bytes, or undefined where /proc is missing. */
function peakRss(): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0); false where it cannot. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The Keruta child process

interface CollectOrder {
  readonly kind: 'collect';
  readonly pod: string;
  readonly jobName: string;
  readonly outputRoot: string;
}

interface Collected {
  readonly kind: 'collected';
  readonly ms: number;
  readonly folder: string;
  readonly files: number;
  readonly bytes: number;
  readonly restRss: number;
  readonly peakRss: number;
  /** Whether the peak came from VmHWM (reset before the copy) rather than from sampling alone. */
  readonly exactPeak: boolean;
  readonly peakHeapExtra: number;
}

type FromChild = { readonly kind: 'ready' } | Collected | { readonly kind: 'error'; readonly message: string };

async function childMain(kubeconfig: string): Promise<void> {
  const k8s = await import('@kubernetes/client-node');
  const client = clusterClientFor(k8s, kubeconfig);
  const send = (message: FromChild): void => void process.send?.(message);
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (order: CollectOrder | { kind: 'stop' }) => {
    if (order.kind === 'stop') {
      process.exit(0);
    }
    void (async () => {
      try {
        gc?.();
        gc?.();
        await new Promise((resolve) => setImmediate(resolve));
        const restRss = process.memoryUsage.rss();
        const exactPeak = resetPeakRss();
        const heapOf = (): number => {
          const usage = process.memoryUsage();
          return usage.heapUsed + usage.external;
        };
        const restHeap = heapOf();
        let sampledRss = restRss;
        let sampledHeap = restHeap;
        const sampler = setInterval(() => {
          sampledRss = Math.max(sampledRss, process.memoryUsage.rss());
          sampledHeap = Math.max(sampledHeap, heapOf());
        }, 5);
        const started = performance.now();
        const result = await collectArtifacts(client, {
          namespace: NAMESPACE,
          pod: order.pod,
          taskId: 'bench',
          jobName: order.jobName,
          outputRoot: order.outputRoot,
          limits: { maxBytes: 1024 * MB, maxFiles: 100_000 },
        });
        const elapsed = performance.now() - started;
        clearInterval(sampler);
        sampledRss = Math.max(sampledRss, process.memoryUsage.rss());
        const hwm = exactPeak ? peakRss() : undefined;
        send({
          kind: 'collected',
          ms: elapsed,
          folder: result.folder,
          files: result.files.length,
          bytes: result.bytes,
          restRss,
          peakRss: Math.max(sampledRss, hwm ?? 0),
          exactPeak: hwm !== undefined,
          peakHeapExtra: sampledHeap - restHeap,
        });
      } catch (error) {
        send({ kind: 'error', message: error instanceof Error ? `${error.message}${'fix' in error ? ` ${String(error.fix)}` : ''}` : String(error) });
      }
    })();
  });
  send({ kind: 'ready' });
}

class KerutaChild {
  private readonly child: ChildProcess;
  private pending: { resolve: (message: FromChild) => void; reject: (error: Error) => void } | undefined;
  private readonly ready: Promise<void>;

  constructor(kubeconfig: string) {
    // This script in child mode, with the same loader (`--import tsx`) and a callable GC.
    this.child = fork(__filename, ['--child', kubeconfig], { execArgv: [...process.execArgv, '--expose-gc', ...profileExecArgv()], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.ready = new Promise((resolve, reject) => {
      this.pending = { resolve: () => resolve(), reject };
    });
    this.child.on('message', (message: FromChild) => {
      const pending = this.pending;
      this.pending = undefined;
      if (message.kind === 'error') pending?.reject(new Error(`Keruta child: ${message.message}`));
      else pending?.resolve(message);
    });
    this.child.once('exit', (code, signal) => this.pending?.reject(new Error(`the Keruta child exited (${signal ?? code})`)));
  }

  async collect(order: Omit<CollectOrder, 'kind'>): Promise<Collected> {
    await this.ready;
    const answer = new Promise<FromChild>((resolve, reject) => {
      this.pending = { resolve, reject };
    });
    this.child.send({ kind: 'collect', ...order } satisfies CollectOrder);
    return (await answer) as Collected;
  }

  close(): void {
    if (this.child.connected) this.child.send({ kind: 'stop' });
  }
}

// ---------------------------------------------------------------------------------------------
// kubectl

interface KubectlRun {
  readonly ms: number;
  readonly peakRss: number | undefined;
  readonly code: number;
  readonly stderr: string;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs kubectl (under `/usr/bin/time -v` when there is one); wall time from spawn to exit. */
function runKubectl(kubectl: string, kubeconfig: string, cacheDir: string, args: readonly string[]): Promise<KubectlRun> {
  const full = ['--request-timeout=60s', `--cache-dir=${cacheDir}`, ...args];
  const [command, commandArgs] = TIME ? [TIME, ['-v', kubectl, ...full]] : [kubectl, full];
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, commandArgs, { env: { ...process.env, KUBECONFIG: kubeconfig }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code) => {
      const elapsed = performance.now() - started;
      const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      resolve({ ms: elapsed, peakRss: match ? Number(match[1]) * 1024 : undefined, code: code ?? -1, stderr: stderr.replace(/\n\tCommand being timed:[\s\S]*$/, '').trim() });
    });
  });
}

function kubectlClientVersion(kubectl: string, kubeconfig: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(kubectl, ['version', '-o', 'json'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, KUBECONFIG: kubeconfig } }, (_error, stdout) => {
      try {
        resolve((JSON.parse(stdout) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion);
      } catch {
        resolve('(version unknown)');
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The bench

interface CaseResult {
  readonly c: Case;
  readonly keruta: readonly Collected[];
  readonly kubectl: readonly KubectlRun[];
  /** `kubectl get pod` against the same Pod: start-up plus one request, and its peak RSS (at rest). */
  readonly kubectlRest: readonly KubectlRun[];
  readonly sameTree: boolean;
  readonly treeNote: string;
}

async function startCaseJob(h: Harness, c: Case): Promise<{ pod: string; job: string }> {
  const id = `bench-${c.key}`;
  const text = taskFileText([{ id, image: c.image, env: c.env }]);
  const parsed = parseTaskFile(text).tasks[0]!.task;
  // Never released: the sidecar waits 10^6 simulated seconds (about 3 hours here).
  const rendered = renderJob(parsed, { ...DEFAULT_RENDER_OPTIONS, collector: { ...DEFAULT_RENDER_OPTIONS.collector, windowSeconds: 1_000_000 } });
  const job: Job = { ...rendered.job, metadata: { ...rendered.job.metadata, namespace: NAMESPACE } };
  const created = await h.client.createJob(NAMESPACE, job);
  const name = created.metadata!.name!;
  const pod = await waitFor(h.sim, () => h.sim.store.list('pods', NAMESPACE).find((candidate) => candidate.metadata.labels?.['job-name'] === name)?.metadata.name, 30_000, `the Pod of ${name}`);
  await waitFor(
    h.sim,
    () => (h.sim.workloads.containerState(NAMESPACE, pod, MAIN_CONTAINER)?.state === 'terminated' && h.sim.workloads.containerState(NAMESPACE, pod, COLLECTOR_CONTAINER)?.state === 'running' ? true : undefined),
    30_000,
    `the main container of ${pod} to end`,
  );
  return { pod, job: name };
}

function compareTrees(a: ReadonlyMap<string, TreeEntry>, b: ReadonlyMap<string, TreeEntry>): string | undefined {
  const names = new Set([...a.keys(), ...b.keys()]);
  for (const name of names) {
    const x = JSON.stringify(a.get(name));
    const y = JSON.stringify(b.get(name));
    if (x !== y) return `${name}: Keruta ${x ?? 'missing'}, kubectl ${y ?? 'missing'}`;
  }
  return undefined;
}

async function runCase(h: Harness, keruta: KerutaChild, kubectl: string, cacheDir: string, work: string, c: Case): Promise<CaseResult> {
  const { pod, job } = await startCaseJob(h, c);
  log(`${c.label}: Pod ${pod} ready; ${c.reps} repetition(s)`);
  const kerutaRuns: Collected[] = [];
  const kubectlRuns: KubectlRun[] = [];
  const rest: KubectlRun[] = [];
  let sameTree = true;
  let treeNote = '';
  // One untimed round first: code paths warm in the child, file systems and caches settled.
  const warmRoot = join(work, `${c.key}-warm-keruta`);
  const warmTarget = join(work, `${c.key}-warm-kubectl`);
  await keruta.collect({ pod, jobName: job, outputRoot: warmRoot });
  await runKubectl(kubectl, h.kubeconfig, cacheDir, ['cp', `${NAMESPACE}/${pod}:${DOC_DIR}`, warmTarget, '-c', COLLECTOR_CONTAINER]);
  await rm(warmRoot, { recursive: true, force: true });
  await rm(warmTarget, { recursive: true, force: true });
  for (let rep = 0; rep < c.reps; rep++) {
    const kerutaRoot = join(work, `${c.key}-${rep}-keruta`);
    const kubectlTarget = join(work, `${c.key}-${rep}-kubectl`);
    let collected: Collected | undefined;
    let copied: KubectlRun | undefined;
    const runKeruta = async (): Promise<void> => {
      collected = await keruta.collect({ pod, jobName: job, outputRoot: kerutaRoot });
      if (collected.files !== c.files || collected.bytes !== c.bytes) throw new Error(`Keruta collected ${collected.files} files, ${collected.bytes} bytes; expected ${c.files}, ${c.bytes}`);
    };
    const runCp = async (): Promise<void> => {
      copied = await runKubectl(kubectl, h.kubeconfig, cacheDir, ['cp', `${NAMESPACE}/${pod}:${DOC_DIR}`, kubectlTarget, '-c', COLLECTOR_CONTAINER]);
      if (copied.code !== 0) throw new Error(`kubectl cp failed (${copied.code}): ${copied.stderr}`);
    };
    // Alternate which goes first.
    if (rep % 2 === 0) {
      await runKeruta();
      await runCp();
    } else {
      await runCp();
      await runKeruta();
    }
    kerutaRuns.push(collected!);
    kubectlRuns.push(copied!);
    rest.push(await runKubectl(kubectl, h.kubeconfig, cacheDir, ['get', 'pod', pod, '-o', 'name']));
    if (rep === 0) {
      const difference = compareTrees(await treeOf(collected!.folder), await treeOf(kubectlTarget));
      sameTree = difference === undefined;
      treeNote = difference ?? `${c.files} file(s), ${c.bytes} bytes`;
    }
    await rm(kerutaRoot, { recursive: true, force: true });
    await rm(kubectlTarget, { recursive: true, force: true });
    log(`  rep ${rep + 1}: keruta ${ms(collected!.ms)} ms (peak +${mib(collected!.peakRss - collected!.restRss)} MiB), kubectl cp ${ms(copied!.ms)} ms (peak ${mib(copied!.peakRss ?? NaN)} MiB)`);
  }
  await h.client.deleteJob(NAMESPACE, job);
  return { c, keruta: kerutaRuns, kubectl: kubectlRuns, kubectlRest: rest, sameTree, treeNote };
}

const maxOf = (values: readonly number[]): number => (values.length === 0 ? NaN : Math.max(...values));

/** Keruta's peak extra memory per repetition. */
function kerutaExtras(r: CaseResult): Stats {
  return stats(r.keruta.map((run) => run.peakRss - run.restRss));
}

/** kubectl's peak RSS per copy minus its RSS at rest (`get pod`, median). */
function kubectlExtras(r: CaseResult): Stats {
  const atRest = stats(r.kubectlRest.map((run) => run.peakRss ?? NaN)).p50;
  return stats(r.kubectl.map((run) => (run.peakRss ?? NaN) - atRest));
}

/** Throughput at a time: MB/s for one file, files/s for many. */
function throughput(c: Case, msTaken: number): string {
  return c.files > 1 ? `${Math.round(c.files / (msTaken / 1000))} files/s` : `${(c.bytes / MB / (msTaken / 1000)).toFixed(0)} MB/s`;
}

function report(results: readonly CaseResult[], info: { kubectlVersion: string; kubectlPath: string }): void {
  const out: string[] = [];
  const row = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;
  out.push('');
  out.push("## Collecting /.keruta/doc: Keruta's collector vs kubectl cp, same simulated sidecar");
  out.push('');
  out.push(
    `Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs${QUICK ? ', --quick' : ''}; kubectl ${info.kubectlVersion} (${info.kubectlPath}); copies written under ${DIR}; ` +
      'the simulator in this process, Keruta in a warm child process (only the collection timed), kubectl a fresh process per copy (start-up included). ' +
      'Turns alternate which goes first. Peak memory: Keruta from VmHWM reset before each copy, kubectl from `/usr/bin/time -v`.',
  );
  out.push('');

  out.push('### Wall time (ms)');
  out.push('');
  out.push(row(['Case', 'Tool', 'n', 'p50', 'min', 'max', 'throughput at p50']));
  out.push(row(['---', '---', '---:', '---:', '---:', '---:', '---:']));
  for (const r of results) {
    const k = stats(r.keruta.map((run) => run.ms));
    const t = stats(r.kubectl.map((run) => run.ms));
    const g = stats(r.kubectlRest.map((run) => run.ms));
    out.push(row([r.c.label, 'Keruta', k.n, ms(k.p50), ms(k.min), ms(k.max), throughput(r.c, k.p50)]));
    out.push(row([r.c.label, 'kubectl cp', t.n, ms(t.p50), ms(t.min), ms(t.max), throughput(r.c, t.p50)]));
    out.push(row([r.c.label, '(kubectl get pod: start-up + 1 request)', g.n, ms(g.p50), ms(g.min), ms(g.max), '']));
  }
  out.push('');

  out.push('### Peak memory (MiB)');
  out.push('');
  out.push(row(['Case', 'Tool', 'at rest (p50)', 'peak RSS (max)', 'peak extra p50', 'peak extra max', 'Keruta heap + external, peak extra (sampled, max)']));
  out.push(row(['---', '---', '---:', '---:', '---:', '---:', '---:']));
  for (const r of results) {
    const kRest = stats(r.keruta.map((run) => run.restRss)).p50;
    const kPeak = maxOf(r.keruta.map((run) => run.peakRss));
    const tRest = stats(r.kubectlRest.map((run) => run.peakRss ?? NaN)).p50;
    const tPeak = maxOf(r.kubectl.map((run) => run.peakRss ?? NaN));
    const k = kerutaExtras(r);
    const t = kubectlExtras(r);
    out.push(row([r.c.label, `Keruta${r.keruta.every((run) => run.exactPeak) ? '' : ' (sampled only)'}`, mib(kRest), mib(kPeak), mib(k.p50), mib(k.max), mib(maxOf(r.keruta.map((run) => run.peakHeapExtra)))]));
    out.push(row([r.c.label, 'kubectl cp', `${mib(tRest)} (get pod)`, mib(tPeak), mib(t.p50), mib(t.max), '']));
  }
  out.push('');

  out.push('### Ratio (kubectl cp / Keruta)');
  out.push('');
  out.push(row(['Case', 'wall time p50', 'peak RSS (max)', 'peak extra memory p50', 'same files']));
  out.push(row(['---', '---:', '---:', '---:', '---']));
  for (const r of results) {
    const k = stats(r.keruta.map((run) => run.ms)).p50;
    const t = stats(r.kubectl.map((run) => run.ms)).p50;
    out.push(row([r.c.label, ratio(t, k), ratio(maxOf(r.kubectl.map((run) => run.peakRss ?? NaN)), maxOf(r.keruta.map((run) => run.peakRss))), ratio(kubectlExtras(r).p50, kerutaExtras(r).p50), r.sameTree ? `yes (${r.treeNote})` : `NO: ${r.treeNote}`]));
  }
  out.push('');

  // Memory against archive size: the two largest archives (20 → 100 MB with --quick, 100 → 300 MB
  // otherwise). Below some size the peak is lower only because no GC was due yet.
  const bySize = results.filter((r) => r.c.key.startsWith('large-')).sort((a, b) => a.c.bytes - b.c.bytes);
  const big = bySize.at(-1);
  const small = bySize.at(-2);
  out.push('### Keruta memory vs archive size');
  out.push('');
  if (small && big) {
    out.push(row(['Archive', 'Keruta peak extra p50 (max)', 'kubectl cp peak extra p50 (max)']));
    out.push(row(['---', '---:', '---:']));
    for (const r of bySize) out.push(row([r.c.label, `${mib(kerutaExtras(r).p50)} (${mib(kerutaExtras(r).max)})`, `${mib(kubectlExtras(r).p50)} (${mib(kubectlExtras(r).max)})`]));
    out.push('');
  }

  out.push('### Goals');
  out.push('');
  for (const r of results) {
    if (r.c.memoryProbe) continue;
    const k = stats(r.keruta.map((run) => run.ms)).p50;
    const t = stats(r.kubectl.map((run) => run.ms)).p50;
    out.push(`- at least as fast as kubectl cp (p50), ${r.c.label}: ${k <= t ? 'PASS' : 'FAIL'} (Keruta ${ms(k)} ms, kubectl cp ${ms(t)} ms, ${ratio(t, k)})`);
  }
  if (small && big) {
    const growth = kerutaExtras(big).max - kerutaExtras(small).max;
    out.push(
      `- memory does not grow with archive size (Keruta's largest peak extra at ${big.c.label} ≤ at ${small.c.label} + ${GROWTH_ALLOWANCE_MB} MiB): ${growth <= GROWTH_ALLOWANCE_MB * MB ? 'PASS' : 'FAIL'} ` +
        `(${mib(kerutaExtras(small).max)} → ${mib(kerutaExtras(big).max)} MiB, ${growth >= 0 ? '+' : ''}${mib(growth)} MiB for +${(big.c.bytes - small.c.bytes) / MB} MB of archive; medians ${mib(kerutaExtras(small).p50)} → ${mib(kerutaExtras(big).p50)} MiB)`,
    );
  }
  out.push(`- the same files as kubectl cp: ${results.every((r) => r.sameTree) ? 'PASS' : 'FAIL'}`);
  out.push('');
  console.log(out.join('\n'));
}

async function main(): Promise<number> {
  const kubectl = await requireKubectl();
  const h = await startHarness({ timeScale: TIME_SCALE });
  const work = await mkdtemp(join(DIR, 'keruta-bench-collect-'));
  const keruta = new KerutaChild(h.kubeconfig);
  try {
    const kubectlVersion = await kubectlClientVersion(kubectl, h.kubeconfig);
    log(`${kubectl} (${kubectlVersion}); /usr/bin/time ${TIME ? 'found' : 'missing: no kubectl memory figures'}; copies under ${work}; cases: ${CASES.map((c) => `${c.label} ×${c.reps}`).join(', ')}`);
    const results: CaseResult[] = [];
    for (const c of CASES) results.push(await runCase(h, keruta, kubectl, join(work, 'kubectl-cache'), work, c));
    report(results, { kubectlVersion, kubectlPath: kubectl });
  } finally {
    keruta.close();
    await h.close();
    await rm(work, { recursive: true, force: true });
  }
  log(`done in ${((performance.now() - RUN_START) / 1000).toFixed(0)} s`);
  return 0;
}

const childKubeconfig = option('--child');
if (childKubeconfig !== undefined) {
  childMain(childKubeconfig).catch((error: unknown) => {
    process.send?.({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies FromChild);
    process.exit(1);
  });
} else {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}
