/**
 * The "kubectl polling" side of `bench/runs.ts`: how an extension without watches follows Jobs
 * (the existing Kubernetes extension refreshes its views by running kubectl). Every `intervalMs`
 * (real time) it runs the real `kubectl get jobs -l app.kubernetes.io/managed-by=keruta -o json`
 * (execFile, no shell, its own kubeconfig and cache directory), reads each Job's conditions and
 * hands the Jobs that have a terminal one (`Complete` / `Failed` = True) to `onTerminal`, once each.
 *
 * A poll that takes longer than the interval is followed by the next one at once; polls never
 * overlap. No `vscode` import.
 */
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { Job } from 'kubernetes-types/batch/v1';
import { MANAGED_SELECTOR } from '../server/src/core/jobRenderer';

export interface PollerOptions {
  readonly kubectl: string;
  readonly kubeconfig: string;
  /** kubectl's discovery cache (kept across polls, as in a user's ~/.kube/cache). */
  readonly cacheDir: string;
  readonly namespace: string;
  /** Real milliseconds from the start of one poll to the start of the next. */
  readonly intervalMs: number;
  /** A Job seen with a terminal condition for the first time (`at`: Date.now() when kubectl's output was parsed). */
  readonly onTerminal: (job: Job, outcome: 'COMPLETED' | 'FAILED', at: number) => void;
  readonly log?: (message: string) => void;
}

export interface PollRecord {
  /** Wall time of the kubectl process, spawn → exit (ms). */
  readonly durationMs: number;
  readonly jobs: number;
  /** Bytes kubectl printed (the JSON list of every keruta Job). */
  readonly bytes: number;
  readonly ok: boolean;
}

function terminalOutcome(job: Job): 'COMPLETED' | 'FAILED' | undefined {
  const conditions = job.status?.conditions ?? [];
  if (conditions.some((c) => c.type === 'Failed' && c.status === 'True')) return 'FAILED';
  if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) return 'COMPLETED';
  return undefined;
}

export class KubectlPoller {
  readonly polls: PollRecord[] = [];
  private readonly reported = new Set<string>();
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: PollerOptions) {}

  /** The kubectl arguments of one poll (exactly what runs). */
  args(): string[] {
    return [
      'get',
      'jobs',
      '-l',
      MANAGED_SELECTOR,
      '-o',
      'json',
      `--namespace=${this.options.namespace}`,
      `--kubeconfig=${this.options.kubeconfig}`,
      `--cache-dir=${this.options.cacheDir}`,
      '--request-timeout=10s',
    ];
  }

  start(): void {
    this.schedule(0);
  }

  /** Stops polling; resolves when a poll in flight has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const startedAt = performance.now();
      this.running = this.pollOnce().finally(() => {
        this.running = undefined;
        this.schedule(Math.max(0, this.options.intervalMs - (performance.now() - startedAt)));
      });
    }, delayMs);
  }

  private async pollOnce(): Promise<void> {
    const startedAt = performance.now();
    const result = await new Promise<{ stdout: string; error?: string }>((resolve) => {
      execFile(this.options.kubectl, this.args(), { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, timeout: 60_000, windowsHide: true }, (error, stdout, stderr) => {
        resolve(error ? { stdout, error: stderr.trim() || error.message } : { stdout });
      });
    });
    const durationMs = performance.now() - startedAt;
    if (result.error !== undefined) {
      this.polls.push({ durationMs, jobs: 0, bytes: result.stdout.length, ok: false });
      this.options.log?.(`kubectl poll failed: ${result.error}`);
      return;
    }
    let items: Job[];
    try {
      items = ((JSON.parse(result.stdout) as { items?: Job[] }).items ?? []);
    } catch (error) {
      this.polls.push({ durationMs, jobs: 0, bytes: result.stdout.length, ok: false });
      this.options.log?.(`kubectl printed no JSON list: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.polls.push({ durationMs, jobs: items.length, bytes: Buffer.byteLength(result.stdout), ok: true });
    const at = Date.now();
    for (const job of items) {
      const uid = job.metadata?.uid;
      const outcome = terminalOutcome(job);
      if (!uid || !outcome || this.reported.has(uid)) continue;
      this.reported.add(uid);
      this.options.onTerminal(job, outcome, at);
    }
  }
}
