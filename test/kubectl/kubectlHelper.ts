// Runs the real `kubectl` against the API-server simulator (test/sim/server.ts).
//
//   const result = await kubectlDryRun(manifestYaml);          // own simulator, started and stopped
//   const result = await kubectlDryRun(manifestYaml, { sim }); // a simulator the caller manages
//
// kubectl gets its own kubeconfig and cache directory in a temporary directory, so neither the
// user's ~/.kube nor a previous run can influence it, and every call is bounded in time.

import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type SimServer, type SimServerOptions, startSimServer } from '../sim/server';

export interface KubectlResult {
  /** Exit code; -1 if kubectl was killed (time-out) or could not be started. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const KUBECTL_MISSING_MESSAGE =
  'kubectl was not found on PATH. Install kubectl (v1.32 or newer, https://kubernetes.io/docs/tasks/tools/) to run the kubectl simulator tests.';

/** Absolute path of `kubectl` on PATH, or undefined. */
export async function findKubectl(): Promise<string | undefined> {
  const names = process.platform === 'win32' ? ['kubectl.exe', 'kubectl'] : ['kubectl'];
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        await access(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Like findKubectl(), but throws an error telling the user to install kubectl. */
export async function requireKubectl(): Promise<string> {
  const kubectl = await findKubectl();
  if (kubectl === undefined) throw new Error(KUBECTL_MISSING_MESSAGE);
  return kubectl;
}

/** A simulator plus a kubeconfig and cache directory pointing kubectl at it. */
export interface SimKubectl {
  readonly sim: SimServer;
  readonly kubeconfig: string;
  /** Runs kubectl with the given arguments (and optional stdin) against the simulator. */
  run(args: readonly string[], stdin?: string): Promise<KubectlResult>;
  close(): Promise<void>;
}

export interface SimKubectlOptions {
  /** Use this simulator instead of starting one (it is then not closed by close()). */
  readonly sim?: SimServer;
  readonly simOptions?: SimServerOptions;
  /** Per-request timeout passed to kubectl; default 10s. */
  readonly requestTimeout?: string;
  /** Hard limit for one kubectl process, in ms; default 30 000. */
  readonly processTimeoutMs?: number;
}

export async function startSimKubectl(options: SimKubectlOptions = {}): Promise<SimKubectl> {
  const kubectl = await requireKubectl();
  const ownSim = options.sim === undefined;
  const sim = options.sim ?? (await startSimServer(options.simOptions));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'keruta-kubectl-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const cacheDir = path.join(dir, 'cache');
  try {
    await sim.writeKubeconfig(kubeconfig);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    if (ownSim) await sim.close();
    throw error;
  }
  const requestTimeout = options.requestTimeout ?? '10s';
  const processTimeoutMs = options.processTimeoutMs ?? 30_000;

  const run = (args: readonly string[], stdin?: string): Promise<KubectlResult> =>
    new Promise<KubectlResult>((resolve) => {
      const child = execFile(
        kubectl,
        [`--request-timeout=${requestTimeout}`, `--cache-dir=${cacheDir}`, ...args],
        { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: processTimeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
        (error, stdout, stderr) => {
          if (error === null) {
            resolve({ code: 0, stdout, stderr });
            return;
          }
          const code = typeof error.code === 'number' ? error.code : -1;
          resolve({ code, stdout, stderr: stderr === '' ? error.message : stderr });
        },
      );
      child.stdin?.end(stdin ?? '');
    });

  return {
    sim,
    kubeconfig,
    run,
    close: async () => {
      await rm(dir, { recursive: true, force: true });
      if (ownSim) await sim.close();
    },
  };
}

export interface DryRunOptions extends SimKubectlOptions {
  /** kubectl output format; default json. */
  readonly output?: 'json' | 'yaml' | 'name';
}

/**
 * `kubectl create --dry-run=client -f - -o json` of the manifest against the simulator, with
 * kubectl's default (strict, client-side) schema validation.
 */
export async function kubectlDryRun(manifestYamlText: string, options: DryRunOptions = {}): Promise<KubectlResult> {
  const session = await startSimKubectl(options);
  try {
    return await session.run(['create', '--dry-run=client', '-f', '-', '-o', options.output ?? 'json'], manifestYamlText);
  } finally {
    await session.close();
  }
}
