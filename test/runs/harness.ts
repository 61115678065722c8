/**
 * The run engine (client/src/runs, client/src/cluster) assembled as the extension assembles it,
 * against the cluster simulator, with task files on disk: a workspace folder, a tracker, a status
 * writer and a run service. Tests start runs from task files and watch the files change.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Job } from 'kubernetes-types/batch/v1';
import { type ClusterClient, createClusterClient } from '../../client/src/cluster/clusterClient';
import { type K8s, loadKubeConfig } from '../../client/src/cluster/kubeConfig';
import { type ArtifactSettings, ArtifactService } from '../../client/src/runs/artifactService';
import { FsTaskFiles } from '../../client/src/runs/fsTaskFiles';
import type { TrackedRun } from '../../client/src/runs/runModel';
import { type MainFinishedHandler, RunService } from '../../client/src/runs/runService';
import { RunTracker, type RunTrackerOptions } from '../../client/src/runs/runTracker';
import { StatusWriter } from '../../client/src/runs/statusWriter';
import { DEFAULT_RENDER_OPTIONS, renderJob, type RenderOptions } from '../../server/src/core/jobRenderer';
import { parseTaskFile } from '../../server/src/core/taskParser';
import { type Simulator, startSimulator, type SimulatorOptions } from '../sim/simulator';

/** Watch tuning for tests: quick back-off, short idle timeout. */
export const FAST_WATCH = { backoffMs: [20, 200], idleTimeoutMs: 5000 } as const;

export interface Harness {
  readonly sim: Simulator;
  readonly k8s: K8s;
  readonly client: ClusterClient;
  readonly dir: string;
  readonly kubeconfig: string;
  readonly logs: string[];
  /** Builds an engine (tracker + writer + service); several may exist, as windows or reloads. */
  engine(options?: EngineOptions): Engine;
  /** Disposes every engine built so far (tests call it after each test, passed or failed). */
  disposeEngines(): void;
  /** Writes a task file in the workspace folder; returns its path. */
  writeTaskFile(name: string, text: string): Promise<string>;
  readTaskFile(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface EngineOptions extends RunTrackerOptions {
  readonly onMainFinished?: MainFinishedHandler;
  /** Collect `/.keruta/doc` into `<dir>/.keruta/artifacts` when main containers end (as the extension does). */
  readonly collect?: Partial<Omit<ArtifactSettings, 'outputRoot' | 'workspaceRoot'>>;
}

/** Render options to change: any of them, and any part of the collector's. */
export type RenderOverrides = Omit<Partial<RenderOptions>, 'collector'> & { readonly collector?: Partial<RenderOptions['collector']> };

export interface Engine {
  readonly artifacts: ArtifactService | undefined;
  readonly tracker: RunTracker;
  readonly writer: StatusWriter;
  readonly service: RunService;
  /** Renders the task `taskId` of a task file (collector on, native, short window) and starts it. */
  run(fileName: string, taskId: string, render?: RenderOverrides, mutate?: (job: Job) => void): Promise<TrackedRun>;
  dispose(): void;
}

export async function startHarness(options: SimulatorOptions = {}): Promise<Harness> {
  const k8s = await import('@kubernetes/client-node');
  const sim = await startSimulator({ timeScale: 0.01, bookmarkSeconds: 60, ...options });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'keruta-runs-'));
  const kubeconfig = path.join(dir, 'sim.kubeconfig');
  await sim.writeKubeconfig(kubeconfig);
  const loaded = loadKubeConfig({ configPath: kubeconfig, context: '', inCluster: false }, k8s);
  if ('error' in loaded) throw new Error(loaded.error.message);
  const client = createClusterClient(loaded, k8s);
  const logs: string[] = [];
  const engines: Engine[] = [];
  const files = new FsTaskFiles();
  const fileOf = (name: string): string => path.join(dir, name);

  const harness: Harness = {
    sim,
    k8s,
    client,
    dir,
    kubeconfig,
    logs,
    engine(engineOptions = {}) {
      const log = (message: string): void => void logs.push(message);
      const tracker = new RunTracker(client, { watch: FAST_WATCH, log, ...engineOptions });
      const locate = (_taskId: string, hint?: string): string | undefined => (hint ? fileOf(hint) : undefined);
      const writer = new StatusWriter(files, locate, tracker, { log });
      const collect = engineOptions.collect;
      const artifacts = collect
        ? new ArtifactService(client, writer, () =>
            Promise.resolve({
              outputRoot: path.join(dir, '.keruta', 'artifacts'),
              workspaceRoot: dir,
              limits: { maxBytes: 100 * 1024 * 1024, maxFiles: 10_000 },
              collectOnFailure: false,
              deleteJobAfterCollect: false,
              ...collect,
            }),
          log,
          )
        : undefined;
      artifacts?.followFinishes(tracker.onDidFinish);
      const service = new RunService(client, tracker, writer, log, engineOptions.onMainFinished ?? artifacts?.handler());
      const engine: Engine = {
        artifacts,
        tracker,
        writer,
        service,
        async run(fileName, taskId, render = {}, mutate) {
          const text = await readFile(fileOf(fileName), 'utf8');
          const parsed = parseTaskFile(text).tasks.find((candidate) => candidate.task.id === taskId);
          if (!parsed) throw new Error(`no task ${taskId} in ${fileName}`);
          const rendered = renderJob(parsed.task, {
            ...DEFAULT_RENDER_OPTIONS,
            ttlSecondsAfterFinished: 3600,
            ...render,
            collector: { ...DEFAULT_RENDER_OPTIONS.collector, windowSeconds: 300, ...render.collector },
            taskFile: fileName,
          });
          const job = structuredClone<Job>(rendered.job);
          mutate?.(job);
          const started = await service.start({ taskId, file: fileOf(fileName), namespace: rendered.namespace, job });
          if (!started.run) throw new Error('the created Job had no uid');
          return started.run;
        },
        dispose() {
          service.dispose();
          tracker.dispose();
        },
      };
      engines.push(engine);
      return engine;
    },
    disposeEngines() {
      for (const engine of engines.splice(0)) engine.dispose();
    },
    async writeTaskFile(name, text) {
      await writeFile(fileOf(name), text, 'utf8');
      return fileOf(name);
    },
    readTaskFile: (name) => readFile(fileOf(name), 'utf8'),
    async close() {
      for (const engine of engines) engine.dispose();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** A task file with one task per entry, in the seed's shape, with a comment to keep. */
export function taskFileText(tasks: readonly { id: string; image: string; title?: string; env?: Record<string, string>; extra?: string }[]): string {
  return tasks
    .map((task) =>
      [
        `# ${task.id}: keep this comment`,
        `id: ${task.id}`,
        `title: "${task.title ?? `Task ${task.id}`}"`,
        'description: |',
        '  Line one',
        '  Line two',
        'priority: 1',
        'status: PENDING   # the extension writes here',
        'createdAt: "2026-01-02T03:04:05Z"',
        'updatedAt: "2026-01-02T03:04:05Z"',
        'job:',
        `  image: ${task.image}`,
        ...(task.env ? ['  env:', ...Object.entries(task.env).map(([name, value]) => `    - name: ${name}\n      value: "${value}"`)] : []),
        ...(task.extra ? [task.extra] : []),
      ].join('\n'),
    )
    .join('\n---\n')
    .concat('\n');
}

/** The status a task has in a task file's text. */
export function statusIn(text: string, taskId: string): string | undefined {
  return parseTaskFile(text).tasks.find((task) => task.task.id === taskId)?.task.status;
}

/** Polls `probe` (the engine's state lives outside the simulator's store) until it is defined. */
export async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}
