/**
 * The run state machine (client/src/runs/runState.ts): fed by the real cluster simulator's
 * workloads in-process (Jobs rendered as the extension renders them), at every store event, as
 * the watch would feed it; plus hand-built objects for the edges. Every wait is on store events
 * with a timeout; there are no fixed sleeps.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Job } from 'kubernetes-types/batch/v1';
import type { ContainerStatus, Pod, PodSpec } from 'kubernetes-types/core/v1';
import { COLLECTOR_CONTAINER, RELEASE_FILE } from '../../server/src/core/collectorPod';
import { DEFAULT_RENDER_OPTIONS, renderJob } from '../../server/src/core/jobRenderer';
import type { Task, TaskJobSpec } from '../../server/src/core/taskModel';
import {
  deriveRunState,
  describeRunState,
  finalTaskStatus,
  isTerminal,
  runContext,
  type RunState,
} from '../../client/src/runs/runState';
import { ScaledClock } from '../sim/clock';
import { storeJobAsApiServer } from '../sim/rest';
import { MemoryStore } from '../sim/store';
import type { KubeObject } from '../sim/types';
import { SimWorkloads } from '../sim/workloads';

const NS = 'default';
const SCALE = 0.01;
/** Simulated seconds in the real seconds the tracker's clock (`Date.now()`) counts. */
const simSeconds = (seconds: number): number => seconds * SCALE;

// --- the simulator ----------------------------------------------------------------------------

interface Sim {
  readonly store: MemoryStore;
  readonly clock: ScaledClock;
  readonly workloads: SimWorkloads;
}

async function withSim(body: (sim: Sim) => Promise<void>): Promise<void> {
  const clock = new ScaledClock(SCALE);
  const store = new MemoryStore(() => clock.nowIso());
  const workloads = new SimWorkloads({ store, clock });
  workloads.start();
  try {
    await body({ store, clock, workloads });
  } finally {
    workloads.close();
    clock.close();
  }
}

function task(job: Partial<TaskJobSpec> = {}): Task {
  return {
    id: 'T-1',
    title: 'Write the docs',
    description: 'Track me',
    priority: 0,
    status: 'IN_PROGRESS',
    createdAt: '2026-01-02T03:04:05Z',
    documents: [],
    job: { image: 'busybox:1.36.1', env: [], ...job },
  };
}

/** Renders a Job as the extension does (native collector), then stores it with what the REST layer adds. */
function submitJob(sim: Sim, name: string, job: Partial<TaskJobSpec>, podSpec?: (spec: PodSpec) => void): void {
  const rendered = structuredClone(renderJob(task(job), DEFAULT_RENDER_OPTIONS).job);
  rendered.metadata = { ...rendered.metadata, name };
  delete rendered.metadata.generateName;
  podSpec?.(rendered.spec!.template.spec!);
  storeJobAsApiServer(sim.store, rendered as unknown as KubeObject);
}

const jobOf = (sim: Sim, name: string): Job | undefined => sim.store.get('jobs', NS, name) as Job | undefined;
const podsOf = (sim: Sim, job: string): Pod[] => sim.store.list('pods', NS).filter((pod) => pod.metadata.labels?.['job-name'] === job) as Pod[];

// --- a minimal tracker, as runs/ will drive the state machine --------------------------------

interface TrackerOptions {
  /** Real seconds (see `simSeconds`); default: the state machine's own 300. */
  readonly crashLoopFailSeconds?: number;
  /** Release the collector as soon as the main container has ended (what collection does at its end). */
  readonly release?: boolean;
}

/** Feeds store objects to `deriveRunState` at every event of one Job, like the watch would. */
class Tracker {
  state: RunState | undefined;
  readonly states: RunState[] = [];
  /** `phase` or `phase:reason`, consecutive repeats dropped. */
  readonly labels: string[] = [];
  readonly finals: string[] = [];
  stops = 0;
  private readonly unsubscribe: () => void;
  private recheck: NodeJS.Timeout | undefined;
  private readonly released = new Set<string>();

  constructor(
    private readonly sim: Sim,
    private readonly name: string,
    private readonly options: TrackerOptions = {},
  ) {
    this.unsubscribe = sim.store.subscribe((event) => {
      const { metadata } = event.object;
      const ours = event.resource === 'jobs' ? metadata.name === name : event.resource === 'pods' && metadata.labels?.['job-name'] === name;
      if (ours) this.update();
    });
  }

  update(): void {
    const previous = this.state;
    const next = deriveRunState(jobOf(this.sim, this.name), podsOf(this.sim, this.name), runContext(previous, Date.now(), this.options.crashLoopFailSeconds));
    this.state = next;
    this.states.push(next);
    const label = next.reason ? `${next.phase}:${next.reason}` : next.phase;
    if (this.labels.at(-1) !== label) this.labels.push(label);
    const final = finalTaskStatus(previous, next);
    if (final) this.finals.push(final);
    if (next.stopJob && !previous?.stopJob) {
      // Stop: delete the Job with propagationPolicy Background; the garbage collector takes the Pods.
      this.stops++;
      queueMicrotask(() => this.sim.store.remove('jobs', NS, this.name));
    }
    clearTimeout(this.recheck);
    if (next.recheckAt !== undefined) this.recheck = setTimeout(() => this.update(), Math.max(0, next.recheckAt - Date.now()));
    if (this.options.release) {
      for (const pod of next.podSummaries) {
        if (pod.collectorRunning && pod.mainExitCode !== undefined && !this.released.has(pod.name)) {
          this.released.add(pod.name);
          queueMicrotask(() => this.sim.workloads.fileSystem(NS, pod.name, COLLECTOR_CONTAINER)?.writeFile(RELEASE_FILE, Buffer.alloc(0)));
        }
      }
    }
  }

  /** Resolves with the first state from now on (the current one included) that the probe accepts. */
  until(what: string, probe: (state: RunState) => boolean, timeoutMs = 5000): Promise<RunState> {
    const from = Math.max(0, this.states.length - 1);
    return new Promise((resolve, reject) => {
      const find = (): RunState | undefined => this.states.slice(from).find(probe);
      const now = find();
      if (now) return resolve(now);
      const timer = setTimeout(() => {
        clearInterval(poll);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; seen ${this.labels.join(' → ')}`));
      }, timeoutMs);
      const poll = setInterval(() => {
        const found = find();
        if (!found) return;
        clearTimeout(timer);
        clearInterval(poll);
        resolve(found);
      }, 5);
    });
  }

  close(): void {
    this.unsubscribe();
    clearTimeout(this.recheck);
  }
}

async function tracking(sim: Sim, name: string, options: TrackerOptions, body: (tracker: Tracker) => Promise<void>): Promise<void> {
  const tracker = new Tracker(sim, name, options);
  try {
    await body(tracker);
  } finally {
    tracker.close();
  }
}

// --- hand-built objects, shaped as the API server returns them --------------------------------

const UID = '6f1c8a52-0c1e-4d0e-9a37-7a0f7c9a1b11';

function job(status: Job['status'] = {}, uid = UID): Job {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'keruta-t-1-abcde', namespace: NS, uid }, spec: { template: { spec: { containers: [] } } }, status };
}

function condition(type: string, reason: string, message: string, time = '2026-01-02T03:05:00Z'): NonNullable<NonNullable<Job['status']>['conditions']>[number] {
  return { type, status: 'True', reason, message, lastProbeTime: time, lastTransitionTime: time };
}

function waiting(name: string, reason: string, extra: Partial<ContainerStatus> = {}, message?: string): ContainerStatus {
  return { name, image: 'x', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason, ...(message ? { message } : {}) } }, lastState: {}, ...extra };
}

function running(name: string, extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name, image: 'x', imageID: 'x@sha256:0', ready: true, restartCount: 0, started: true, state: { running: { startedAt: '2026-01-02T03:04:10Z' } }, lastState: {}, ...extra };
}

function terminated(name: string, exitCode: number, extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return {
    name,
    image: 'x',
    imageID: 'x@sha256:0',
    ready: false,
    restartCount: 0,
    started: false,
    state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: '2026-01-02T03:04:10Z', finishedAt: '2026-01-02T03:04:11Z' } },
    lastState: {},
    ...extra,
  };
}

interface PodParts {
  readonly name?: string;
  readonly phase?: string;
  readonly main?: ContainerStatus;
  readonly collector?: ContainerStatus;
  readonly restartPolicy?: string;
  readonly conditions?: NonNullable<Pod['status']>['conditions'];
  readonly uid?: string;
  readonly created?: string;
  readonly deleting?: boolean;
}

/** A keruta Pod: `main` plus the native collector sidecar. */
function pod(parts: PodParts = {}): Pod {
  const name = parts.name ?? 'keruta-t-1-abcde-xyz12';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      creationTimestamp: parts.created ?? '2026-01-02T03:04:06Z',
      labels: { 'batch.kubernetes.io/controller-uid': parts.uid ?? UID, 'job-name': 'keruta-t-1-abcde' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'keruta-t-1-abcde', uid: parts.uid ?? UID, controller: true, blockOwnerDeletion: true }],
      ...(parts.deleting ? { deletionTimestamp: '2026-01-02T03:06:00Z' } : {}),
    },
    spec: {
      restartPolicy: parts.restartPolicy ?? 'Never',
      initContainers: [{ name: COLLECTOR_CONTAINER, image: 'busybox:1.36.1', restartPolicy: 'Always' }],
      containers: [{ name: 'main', image: 'busybox:1.36.1' }],
    },
    status: {
      phase: parts.phase ?? 'Running',
      conditions: parts.conditions ?? [{ type: 'PodScheduled', status: 'True' }],
      initContainerStatuses: [parts.collector ?? running(COLLECTOR_CONTAINER)],
      containerStatuses: [parts.main ?? running('main')],
    },
  };
}

const T0 = 1_000_000;
const ctx = (now = T0, extra: Partial<Parameters<typeof deriveRunState>[2]> = {}): Parameters<typeof deriveRunState>[2] => ({ now, crashLoopFailSeconds: 300, ...extra });

// --- against the simulator --------------------------------------------------------------------

describe('run state on the simulator', () => {
  test('busybox with the collector: pending, running, finishing (main done, collector released), Complete, gone after the TTL; COMPLETED once', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'ok', { ttlSecondsAfterFinished: 10 });
      await tracking(sim, 'ok', {}, async (tracker) => {
        const finishing = await tracker.until('main done', (s) => s.phase === 'finishing');
        assert.equal(finishing.taskStatus, undefined);
        assert.equal(finishing.mainExitCode, 0);
        const summary = finishing.podSummaries[0]!;
        assert.equal(summary.collectorRunning, true, 'the collector keeps the Pod up for collection');
        assert.equal(summary.ready, '1/2');
        assert.equal(summary.reason, 'Completed');
        assert.equal(describeRunState(finishing), 'Finishing');
        // Collection is over: release the collector, as runs/ will.
        sim.workloads.fileSystem(NS, summary.name, COLLECTOR_CONTAINER)!.writeFile(RELEASE_FILE, Buffer.alloc(0));
        const done = await tracker.until('Complete', (s) => s.phase === 'succeeded');
        assert.equal(done.taskStatus, 'COMPLETED');
        assert.equal(done.reason, 'CompletionsReached');
        assert.equal(done.message, 'Reached expected number of succeeded pods');
        assert.ok(done.startedAt && done.finishedAt && done.startedAt <= done.finishedAt);
        assert.equal(describeRunState(done), 'Succeeded');
        tracker.update(); // the same objects again, as after a re-list (410) or a reconnect
        assert.equal(tracker.state?.phase, 'succeeded');
        assert.deepEqual(tracker.finals, ['COMPLETED'], 'a repeated event writes nothing');
        await tracker.until('TTL deletion', (s) => s.phase === 'gone');
        assert.match(tracker.labels.join(' → '), /^pending( → running)? → finishing → finishing:CompletionsReached → succeeded:CompletionsReached → gone$/);
        assert.ok(tracker.labels.every((label) => !label.startsWith('failed') && !label.startsWith('failing')), tracker.labels.join(' → '));
        assert.deepEqual(tracker.finals, ['COMPLETED']);

      });
    });
  });

  test('keruta-sim/fail:3: the exit code while the collector waits, FailureTarget, then Failed (BackoffLimitExceeded); FAILED once', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'fail', { image: 'keruta-sim/fail:3' });
      await tracking(sim, 'fail', { release: true }, async (tracker) => {
        const failed = await tracker.until('Failed', (s) => s.phase === 'failed');
        assert.equal(failed.taskStatus, 'FAILED');
        assert.equal(failed.reason, 'BackoffLimitExceeded');
        assert.equal(failed.message, 'Job has reached the specified backoff limit');
        assert.equal(failed.mainExitCode, 3);
        assert.equal(failed.podSummaries[0]?.mainExitCode, 3);
        assert.equal(failed.podSummaries[0]?.phase, 'Failed');
        assert.ok(failed.finishedAt);
        assert.equal(describeRunState(failed), 'Failed: BackoffLimitExceeded (exit code 3)');
        assert.match(tracker.labels.join(' → '), /^pending( → running)?( → running:Error)? → failing:Error → failing:BackoffLimitExceeded → failed:BackoffLimitExceeded$/);
        assert.ok(!tracker.labels.some((label) => label.startsWith('finishing') || label.startsWith('succeeded')));
        assert.deepEqual(tracker.finals, ['FAILED']);
        assert.equal(tracker.stops, 0);
      });
    });
  });

  test('keruta-sim/crash under OnFailure: CrashLoopBackOff shown while it lasts, FAILED with stopJob once it lasted too long, then gone', async () => {
    await withSim(async (sim) => {
      // backoffLimit 6: the Job controller alone would need several minutes to give up.
      submitJob(sim, 'crash', { image: 'keruta-sim/crash', backoffLimit: 6 }, (spec) => (spec.restartPolicy = 'OnFailure'));
      await tracking(sim, 'crash', { crashLoopFailSeconds: simSeconds(20), release: true }, async (tracker) => {
        const first = await tracker.until('CrashLoopBackOff', (s) => s.reason === 'CrashLoopBackOff');
        assert.equal(first.phase, 'running');
        assert.equal(first.taskStatus, undefined);
        assert.match(first.message ?? '', /^back-off 10s restarting failed container=main pod=crash-/);
        assert.equal(first.mainExitCode, 1, 'the exit code of the run that crashed');
        assert.equal(describeRunState(first), 'Running: CrashLoopBackOff (exit code 1)');
        assert.ok(first.crashLoopSince !== undefined && first.recheckAt === first.crashLoopSince + 200);

        const failed = await tracker.until('crash loop too long', (s) => s.phase === 'failed');
        assert.equal(failed.reason, 'CrashLoopBackOff');
        assert.equal(failed.taskStatus, 'FAILED');
        assert.equal(failed.stopJob, true);
        assert.equal(failed.crashLoopSince, first.crashLoopSince, 'counted from the first sighting, through the restarts between');
        assert.match(failed.message ?? '', /crash-looped for more than 0\.2 s: back-off [1-9]\d*s restarting failed container=main/);
        assert.ok((failed.podSummaries[0]?.restarts ?? 0) >= 1, 'the container ran again in between');
        assert.equal(describeRunState(failed), 'Failed: CrashLoopBackOff (exit code 1)');
        const between = tracker.states.slice(tracker.states.indexOf(first), tracker.states.indexOf(failed));
        assert.ok(between.every((s) => s.crashLoopSince === first.crashLoopSince));

        await tracker.until('stopped', (s) => s.phase === 'gone');
        assert.equal(tracker.stops, 1);
        assert.match(tracker.labels.join(' → '), /^pending( → running(:Error)?)* → running:CrashLoopBackOff( → running(:Error|:CrashLoopBackOff)?)* → failed:CrashLoopBackOff → gone$/);
        assert.deepEqual(tracker.finals, ['FAILED']);
        const failedFrom = tracker.states.indexOf(failed);
        assert.ok(tracker.states.slice(failedFrom).every((s) => s.phase === 'failed' || s.phase === 'gone'), 'failed stays failed until the Job is gone');
        assert.equal(jobOf(sim, 'crash'), undefined);
      });
    });
  });

  test('keruta-sim/crash under OnFailure with backoffLimit 2: the Job controller fails it first (BackoffLimitExceeded), no stop', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'crash2', { image: 'keruta-sim/crash', backoffLimit: 2 }, (spec) => (spec.restartPolicy = 'OnFailure'));
      await tracking(sim, 'crash2', { release: true }, async (tracker) => {
        const failed = await tracker.until('Failed', (s) => s.phase === 'failed');
        assert.equal(failed.reason, 'BackoffLimitExceeded');
        assert.equal(failed.stopJob, undefined);
        assert.equal(tracker.stops, 0);
        assert.match(tracker.labels.join(' → '), /^pending( → running(:Error)?)* → running:CrashLoopBackOff( → running(:Error|:CrashLoopBackOff)?)* → failing:BackoffLimitExceeded → failed:BackoffLimitExceeded$/);
        assert.deepEqual(tracker.finals, ['FAILED']);
      });
    });
  });

  test('keruta-sim/image-pull-error: ErrImagePull and ImagePullBackOff shown while they last, never terminal; Stop makes it gone with no status', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'pull', { image: 'keruta-sim/image-pull-error' });
      await tracking(sim, 'pull', {}, async (tracker) => {
        const backoff = await tracker.until('ImagePullBackOff', (s) => s.reason === 'ImagePullBackOff');
        assert.equal(backoff.phase, 'pending');
        assert.equal(backoff.message, 'Back-off pulling image "keruta-sim/image-pull-error"');
        assert.equal(backoff.taskStatus, undefined);
        assert.equal(describeRunState(backoff), 'Pending: ImagePullBackOff');
        assert.equal(backoff.podSummaries[0]?.reason, 'ImagePullBackOff');
        assert.equal(backoff.podSummaries[0]?.ready, '1/2', 'the collector runs, main does not');
        await tracker.until('ErrImagePull again', (s) => s.reason === 'ErrImagePull');
        sim.store.remove('jobs', NS, 'pull');
        const gone = await tracker.until('gone', (s) => s.phase === 'gone');
        assert.equal(gone.taskStatus, undefined);
        assert.equal(describeRunState(gone), 'Gone');
        assert.match(tracker.labels.join(' → '), /^pending → pending:ErrImagePull → pending:ImagePullBackOff → pending:ErrImagePull → gone$/);
        assert.deepEqual(tracker.finals, []);
      });
    });
  });

  test('keruta-sim/unschedulable: Unschedulable with the scheduler message, then the deadline fails it (DeadlineExceeded)', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'unsched', { image: 'keruta-sim/unschedulable', activeDeadlineSeconds: 3 });
      await tracking(sim, 'unsched', { release: true }, async (tracker) => {
        const stuck = await tracker.until('Unschedulable', (s) => s.reason === 'Unschedulable');
        assert.equal(stuck.phase, 'pending');
        assert.match(stuck.message ?? '', /^0\/1 nodes are available: 1 Insufficient cpu\./);
        assert.equal(describeRunState(stuck), 'Pending: Unschedulable');
        const failed = await tracker.until('Failed', (s) => s.phase === 'failed');
        assert.equal(failed.reason, 'DeadlineExceeded');
        assert.equal(failed.message, 'Job was active longer than specified deadline');
        assert.match(tracker.labels.join(' → '), /^pending → pending:Unschedulable → failing:DeadlineExceeded → failed:DeadlineExceeded$/);
        assert.ok(!tracker.labels.includes('running'));
        assert.deepEqual(tracker.finals, ['FAILED']);
      });
    });
  });

  test('a missing Secret: CreateContainerConfigError while it lasts, then the run goes on to COMPLETED once the Secret exists', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'secret', { env: [{ name: 'API_TOKEN', secretKeyRef: { name: 'creds', key: 'token' } }] });
      await tracking(sim, 'secret', { release: true }, async (tracker) => {
        const stuck = await tracker.until('CreateContainerConfigError', (s) => s.reason === 'CreateContainerConfigError');
        assert.equal(stuck.phase, 'pending');
        assert.equal(stuck.message, 'secret "creds" not found');
        assert.equal(describeRunState(stuck), 'Pending: CreateContainerConfigError');
        sim.store.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: NS }, type: 'Opaque', data: { token: Buffer.from('s3cr3t').toString('base64') } });
        const done = await tracker.until('Complete', (s) => s.phase === 'succeeded');
        assert.equal(done.taskStatus, 'COMPLETED');
        assert.match(tracker.labels.join(' → '), /^pending → pending:CreateContainerConfigError( → running)? → finishing → finishing:CompletionsReached → succeeded:CompletionsReached$/);
        assert.deepEqual(tracker.finals, ['COMPLETED']);
      });
    });
  });

  test('activeDeadlineSeconds with keruta-sim/sleep: running, FailureTarget then Failed with DeadlineExceeded; FAILED once', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'deadline', { image: 'keruta-sim/sleep', activeDeadlineSeconds: 30 });
      await tracking(sim, 'deadline', { release: true }, async (tracker) => {
        const failing = await tracker.until('FailureTarget', (s) => s.phase === 'failing');
        assert.equal(failing.reason, 'DeadlineExceeded');
        assert.equal(failing.taskStatus, undefined);
        assert.equal(isTerminal(failing), false);
        assert.equal(describeRunState(failing), 'Failing: DeadlineExceeded');
        const failed = await tracker.until('Failed', (s) => s.phase === 'failed');
        assert.equal(failed.reason, 'DeadlineExceeded');
        assert.equal(failed.mainExitCode, 137, 'killed');
        assert.match(tracker.labels.join(' → '), /^pending → running → failing:DeadlineExceeded → failed:DeadlineExceeded$/);
        assert.deepEqual(tracker.finals, ['FAILED']);
      });
    });
  });
});

// --- hand-built edges -------------------------------------------------------------------------

describe('run state edges', () => {
  test('a Job just created, with no status and no Pods yet, is pending with no task status', () => {
    const state = deriveRunState(job(undefined), [], ctx());
    assert.deepEqual(state, { phase: 'pending', taskStatus: undefined, podSummaries: [] });
    assert.equal(describeRunState(state), 'Pending');
    assert.equal(finalTaskStatus(undefined, state), undefined);
  });

  test('a deleted Job (TTL, Stop) is gone with no task status, and a final status is never written again', () => {
    const gone = deriveRunState(undefined, [], ctx());
    assert.equal(gone.phase, 'gone');
    assert.equal(gone.taskStatus, undefined);
    assert.equal(isTerminal(gone), false);
    const succeeded = deriveRunState(job({ conditions: [condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods')] }), [], ctx());
    assert.equal(finalTaskStatus(succeeded, gone), undefined);
    assert.equal(finalTaskStatus(deriveRunState(job({ active: 1 }), [pod()], ctx()), gone), undefined, 'a running Job deleted: no status');
    assert.equal(finalTaskStatus(gone, succeeded), 'COMPLETED', 'not terminal before');
  });

  test('interim conditions: SuccessCriteriaMet is finishing, FailureTarget failing, neither terminal; only Complete/Failed write a status, once', () => {
    const finishing = deriveRunState(job({ conditions: [condition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods')] }), [pod({ phase: 'Succeeded' })], ctx());
    assert.equal(finishing.phase, 'finishing');
    assert.equal(finishing.taskStatus, undefined);
    assert.equal(isTerminal(finishing), false);
    assert.equal(finalTaskStatus(undefined, finishing), undefined);

    const failing = deriveRunState(job({ conditions: [condition('FailureTarget', 'PodFailurePolicy', 'Container main for pod default/p failed with exit code 42 matching FailJob rule at index 0')] }), [pod()], ctx());
    assert.equal(failing.phase, 'failing');
    assert.equal(failing.reason, 'PodFailurePolicy');
    assert.equal(failing.taskStatus, undefined);
    assert.equal(finalTaskStatus(undefined, failing), undefined);

    const failedJob = job({
      conditions: [
        condition('FailureTarget', 'PodFailurePolicy', 'Container main failed', '2026-01-02T03:05:00Z'),
        condition('Failed', 'PodFailurePolicy', 'Container main failed', '2026-01-02T03:05:02Z'),
      ],
      startTime: '2026-01-02T03:04:06Z',
      failed: 1,
    });
    const failed = deriveRunState(failedJob, [pod({ phase: 'Failed', main: terminated('main', 42), collector: terminated(COLLECTOR_CONTAINER, 0) })], ctx());
    assert.deepEqual(
      { ...failed, podSummaries: undefined },
      {
        phase: 'failed',
        taskStatus: 'FAILED',
        reason: 'PodFailurePolicy',
        message: 'Container main failed',
        startedAt: '2026-01-02T03:04:06Z',
        finishedAt: '2026-01-02T03:05:02Z',
        podSummaries: undefined,
        mainExitCode: 42,
      },
    );
    assert.equal(finalTaskStatus(failing, failed), 'FAILED');
    assert.equal(finalTaskStatus(failed, failed), undefined, 'a repeated event writes nothing');
    assert.equal(finalTaskStatus(undefined, failed), 'FAILED', 'a run that finished before the extension started');
    assert.equal(describeRunState(failed), 'Failed: PodFailurePolicy (exit code 42)');

    const complete = deriveRunState(
      job({ conditions: [condition('SuccessCriteriaMet', 'CompletionsReached', 'm'), condition('Complete', 'CompletionsReached', 'm', '2026-01-02T03:05:09Z')], completionTime: '2026-01-02T03:05:08Z' }),
      [],
      ctx(),
    );
    assert.equal(complete.phase, 'succeeded');
    assert.equal(complete.finishedAt, '2026-01-02T03:05:08Z', 'completionTime when there is one');
  });

  test('conditions that are not True count for nothing; a suspended Job is pending', () => {
    const resumed = job({ conditions: [{ ...condition('Suspended', 'JobResumed', 'Job resumed'), status: 'False' }, { ...condition('Failed', 'BackoffLimitExceeded', 'x'), status: 'False' }], active: 1 });
    assert.equal(deriveRunState(resumed, [pod()], ctx()).phase, 'running');
    const suspended = deriveRunState(job({ conditions: [condition('Suspended', 'JobSuspended', 'Job suspended')] }), [], ctx());
    assert.equal(suspended.phase, 'pending');
    assert.equal(describeRunState(suspended), 'Pending: JobSuspended');
  });

  test('pending versus running, and Pods of another Job ignored', () => {
    const creating = pod({ phase: 'Pending', main: waiting('main', 'ContainerCreating') });
    const state = deriveRunState(job({ active: 1 }), [creating], ctx());
    assert.equal(state.phase, 'pending');
    assert.equal(state.reason, undefined, 'ContainerCreating is no trouble');
    assert.equal(deriveRunState(job({ active: 1 }), [pod()], ctx()).phase, 'running');
    const stranger = pod({ name: 'other-xyz', uid: 'another-uid', main: waiting('main', 'ImagePullBackOff') });
    const mine = deriveRunState(job({ active: 1 }), [creating, stranger], ctx());
    assert.deepEqual(mine.podSummaries.map((s) => s.name), ['keruta-t-1-abcde-xyz12']);
    assert.equal(mine.reason, undefined);
  });

  test('trouble in an init container or the collector is shown too; the main container\'s comes first', () => {
    const collectorPull = pod({ phase: 'Pending', collector: waiting(COLLECTOR_CONTAINER, 'ErrImagePull', {}, 'rpc error: not found'), main: waiting('main', 'PodInitializing') });
    const state = deriveRunState(job({ active: 1 }), [collectorPull], ctx());
    assert.equal(state.reason, 'ErrImagePull');
    assert.equal(state.message, 'rpc error: not found');
    const both = pod({ phase: 'Pending', collector: waiting(COLLECTOR_CONTAINER, 'ErrImagePull'), main: waiting('main', 'CreateContainerConfigError', {}, 'secret "creds" not found') });
    assert.equal(deriveRunState(job({ active: 1 }), [both], ctx()).reason, 'CreateContainerConfigError');
    const helperFirst = pod({ phase: 'Pending', main: waiting('main', 'CreateContainerConfigError') });
    helperFirst.spec!.containers = [{ name: 'helper', image: 'x' }, ...helperFirst.spec!.containers];
    helperFirst.status!.containerStatuses = [waiting('helper', 'ImagePullBackOff'), ...helperFirst.status!.containerStatuses!];
    assert.equal(deriveRunState(job({ active: 1 }), [helperFirst], ctx()).reason, 'CreateContainerConfigError', 'main before a container listed first');
    const leaving = pod({ name: 'p-old', created: '2026-01-02T03:04:01Z', deleting: true, main: waiting('main', 'ImagePullBackOff') });
    const replacement = pod({ name: 'p-new', created: '2026-01-02T03:04:30Z', phase: 'Pending', main: waiting('main', 'CreateContainerConfigError') });
    assert.equal(deriveRunState(job({ active: 1 }), [replacement, leaving], ctx()).reason, 'CreateContainerConfigError', "the newest Pod's trouble");
    const unschedulable = pod({
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' }],
    });
    delete unschedulable.status!.containerStatuses;
    delete unschedulable.status!.initContainerStatuses;
    const pending = deriveRunState(job({ active: 1 }), [unschedulable], ctx());
    assert.deepEqual([pending.phase, pending.reason, pending.message], ['pending', 'Unschedulable', '0/1 nodes are available: 1 Insufficient cpu.']);
    assert.deepEqual(pending.podSummaries[0], { name: 'keruta-t-1-abcde-xyz12', phase: 'Pending', ready: '0/2', restarts: 0, reason: 'Unschedulable', collectorRunning: false });
  });

  test('pod summaries: ready as kubectl counts it, restarts summed, exit code of main, Terminating, oldest first', () => {
    const older = pod({ name: 'p-old', created: '2026-01-02T03:04:01Z', phase: 'Failed', main: terminated('main', 2), collector: terminated(COLLECTOR_CONTAINER, 0) });
    const newer = pod({ name: 'p-new', created: '2026-01-02T03:04:30Z', main: running('main', { restartCount: 2 }), collector: running(COLLECTOR_CONTAINER, { restartCount: 1 }), deleting: true });
    const state = deriveRunState(job({ active: 1, failed: 1 }), [newer, older], ctx());
    assert.deepEqual(state.podSummaries, [
      { name: 'p-old', phase: 'Failed', ready: '0/2', restarts: 0, reason: 'Error', mainExitCode: 2, collectorRunning: false },
      { name: 'p-new', phase: 'Running', ready: '2/2', restarts: 3, reason: 'Terminating', collectorRunning: true },
    ]);
    assert.equal(state.mainExitCode, 2);
    assert.equal(state.phase, 'running', 'a Pod being deleted runs until it has stopped');
  });

  test('a hand-edited Job without a container named main: the first non-collector container is main', () => {
    const custom = pod({ main: terminated('worker', 5) });
    custom.spec!.containers = [{ name: 'worker', image: 'x' }];
    const state = deriveRunState(job({ active: 1 }), [custom], ctx());
    assert.equal(state.mainExitCode, 5);
    assert.equal(state.reason, 'Error');
    assert.equal(describeRunState(state), 'Running: Error (exit code 5)');
  });

  test('a collector that cannot start: counted from the first sighting (through other waiting reasons); fails at the limit with stopJob, naming the setting; sticky', () => {
    const pulling = (reason: string): Pod =>
      pod({ phase: 'Pending', collector: waiting(COLLECTOR_CONTAINER, reason, {}, `Back-off pulling image "nope/collector"`), main: waiting('main', 'PodInitializing') });
    const pending1 = job({ active: 1 });

    const first = deriveRunState(pending1, [pulling('ImagePullBackOff')], ctx(T0));
    assert.deepEqual([first.phase, first.reason, first.taskStatus, first.collectorStuckSince, first.recheckAt, first.stopJob], ['pending', 'ImagePullBackOff', undefined, T0, T0 + 300_000, undefined]);
    const between = deriveRunState(pending1, [pulling('ContainerCreating')], runContext(first, T0 + 100_000));
    assert.equal(between.collectorStuckSince, T0, 'another waiting reason does not start the clock again');
    const again = deriveRunState(pending1, [pulling('ErrImagePull')], runContext(between, T0 + 299_999));
    assert.deepEqual([again.phase, again.collectorStuckSince], ['pending', T0]);
    const over = deriveRunState(pending1, [pulling('ImagePullBackOff')], runContext(again, T0 + 300_000));
    assert.deepEqual([over.phase, over.taskStatus, over.reason, over.stopJob, over.collectorStuckSince], ['failed', 'FAILED', 'ImagePullBackOff', true, T0]);
    assert.match(over.message ?? '', /^The collector container could not start for more than 300 s \(ImagePullBackOff: Back-off pulling image "nope\/collector"\).*keruta\.collector\.image/);
    assert.equal(finalTaskStatus(again, over), 'FAILED');
    // While the Job is being stopped: the same verdict, with its reason and message, no second status.
    const stopping = deriveRunState(pending1, [pod({ deleting: true })], runContext(over, T0 + 301_000));
    assert.deepEqual([stopping.phase, stopping.reason, stopping.message, stopping.stopJob], ['failed', 'ImagePullBackOff', over.message, true]);
    assert.equal(finalTaskStatus(over, stopping), undefined);

    // The main container done (regular sidecar), the collector never pulled: the same.
    const regular = pod({ phase: 'Running', collector: waiting(COLLECTOR_CONTAINER, 'ErrImagePull'), main: terminated('main', 0) });
    const finishing = deriveRunState(pending1, [regular], ctx(T0));
    assert.deepEqual([finishing.phase, finishing.collectorStuckSince], ['finishing', T0]);
    assert.equal(deriveRunState(pending1, [regular], runContext(finishing, T0 + 300_000)).phase, 'failed');

    // A collector that starts stops the clock.
    const started = deriveRunState(pending1, [pod()], runContext(first, T0 + 200_000));
    assert.deepEqual([started.phase, started.collectorStuckSince, started.recheckAt], ['running', undefined, undefined]);
  });

  test('crash loop: counted from the first sighting through the runs between back-offs; fails at the limit with stopJob; sticky until the Job is gone', () => {
    const looping = (restartCount: number, lastRun: [string, string] = ['2026-01-02T03:04:10Z', '2026-01-02T03:04:11Z']): Pod =>
      pod({
        restartPolicy: 'OnFailure',
        main: waiting('main', 'CrashLoopBackOff', { restartCount, lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: lastRun[0], finishedAt: lastRun[1] } } }, 'back-off 10s restarting failed container=main pod=p_default(u)'),
      });
    const restarted = pod({ restartPolicy: 'OnFailure', main: running('main', { restartCount: 1, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: 'x' } } }) });
    const running1 = job({ active: 1 });

    const first = deriveRunState(running1, [looping(0)], ctx(T0));
    assert.deepEqual([first.phase, first.reason, first.taskStatus, first.crashLoopSince, first.recheckAt, first.stopJob], ['running', 'CrashLoopBackOff', undefined, T0, T0 + 300_000, undefined]);

    const between = deriveRunState(running1, [restarted], runContext(first, T0 + 100_000));
    assert.equal(between.crashLoopSince, T0, 'a restart does not start the clock again');
    assert.equal(between.reason, undefined);

    assert.equal(between.recheckAt, T0 + 300_000);
    const runningPastLimit = deriveRunState(running1, [restarted], runContext(between, T0 + 300_500));
    assert.deepEqual([runningPastLimit.phase, runningPastLimit.crashLoopSince, runningPastLimit.recheckAt], ['running', T0, undefined], 'no recheck in the past: the next CrashLoopBackOff event decides');
    const again = deriveRunState(running1, [looping(1)], runContext(between, T0 + 299_999));
    assert.equal(again.phase, 'running', 'not yet');
    const over = deriveRunState(running1, [looping(1)], runContext(again, T0 + 300_000));
    assert.deepEqual([over.phase, over.taskStatus, over.reason, over.stopJob, over.crashLoopSince, over.mainExitCode], ['failed', 'FAILED', 'CrashLoopBackOff', true, T0, 1]);
    assert.match(over.message ?? '', /^The main container crash-looped for more than 300 s: back-off 10s/);
    assert.equal(finalTaskStatus(again, over), 'FAILED');

    // While the Job is being stopped its Pod may run again or the Job may even fail on its own: still the same verdict, no second status.
    const stillRunning = deriveRunState(running1, [restarted], runContext(over, T0 + 301_000));
    assert.deepEqual([stillRunning.phase, stillRunning.reason, stillRunning.stopJob], ['failed', 'CrashLoopBackOff', true]);
    assert.equal(finalTaskStatus(over, stillRunning), undefined);
    const jobFailed = deriveRunState(job({ conditions: [condition('Failed', 'BackoffLimitExceeded', 'x')] }), [], runContext(stillRunning, T0 + 302_000));
    assert.equal(jobFailed.phase, 'failed');
    assert.equal(finalTaskStatus(stillRunning, jobFailed), undefined);
    const gone = deriveRunState(undefined, [], runContext(jobFailed, T0 + 303_000));
    assert.equal(gone.phase, 'gone');
    assert.equal(finalTaskStatus(jobFailed, gone), undefined);

    // The default limit is 300 s.
    assert.equal(deriveRunState(running1, [looping(1)], { now: T0 + 300_000, firstCrashLoopAt: T0 }).phase, 'failed');
    assert.equal(deriveRunState(running1, [looping(1)], { now: T0 + 299_000, firstCrashLoopAt: T0 }).phase, 'running');
    // The limit comes from the context.
    assert.equal(deriveRunState(running1, [looping(1)], ctx(T0 + 60_000, { firstCrashLoopAt: T0, crashLoopFailSeconds: 60 })).phase, 'failed');
  });

  test('crash loop: ends when no Pod restarts any more, after a long healthy run, and never for the collector or a Never Pod', () => {
    const running1 = job({ active: 1 });
    const loopingAfter = (startedAt: string, finishedAt: string): Pod =>
      pod({ restartPolicy: 'OnFailure', main: waiting('main', 'CrashLoopBackOff', { restartCount: 3, lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt, finishedAt } } }) });
    // The run that just crashed lasted 10 minutes: a new loop, counted from now.
    const longRun = deriveRunState(running1, [loopingAfter('2026-01-02T03:00:00Z', '2026-01-02T03:10:00Z')], ctx(T0 + 400_000, { firstCrashLoopAt: T0 }));
    assert.deepEqual([longRun.phase, longRun.crashLoopSince], ['running', T0 + 400_000]);
    const shortRun = deriveRunState(running1, [loopingAfter('2026-01-02T03:09:59Z', '2026-01-02T03:10:00Z')], ctx(T0 + 400_000, { firstCrashLoopAt: T0 }));
    assert.equal(shortRun.phase, 'failed');
    // Timestamps count whole seconds: a run reported as 1 s does not end a loop with a 1 s limit.
    const roundedUp = deriveRunState(running1, [loopingAfter('2026-01-02T03:09:59Z', '2026-01-02T03:10:00Z')], ctx(T0 + 1_000, { firstCrashLoopAt: T0, crashLoopFailSeconds: 1 }));
    assert.equal(roundedUp.phase, 'failed');

    // The Pod recovered and finished well: no loop any more.
    const healed = deriveRunState(running1, [pod({ restartPolicy: 'OnFailure', main: terminated('main', 0, { restartCount: 2 }) })], ctx(T0 + 10_000, { firstCrashLoopAt: T0 }));
    assert.deepEqual([healed.phase, healed.crashLoopSince, healed.recheckAt], ['finishing', undefined, undefined]);
    // No Pod at all (replaced, deleted): no loop.
    assert.equal(deriveRunState(running1, [], ctx(T0 + 10_000, { firstCrashLoopAt: T0 })).crashLoopSince, undefined);
    // A running container that never crashed does not start a loop.
    assert.equal(deriveRunState(running1, [pod()], ctx(T0 + 10_000)).crashLoopSince, undefined);

    // The collector crash-looping is shown, but the task is judged by main.
    const collectorLoop = pod({ collector: waiting(COLLECTOR_CONTAINER, 'CrashLoopBackOff', { restartCount: 4 }) });
    const state = deriveRunState(running1, [collectorLoop], ctx(T0 + 1_000_000, { firstCrashLoopAt: T0 }));
    assert.deepEqual([state.phase, state.reason, state.stopJob, state.crashLoopSince], ['running', 'CrashLoopBackOff', undefined, undefined]);

    // Under restartPolicy Never a failed main container is not restarted: no loop is kept.
    const neverPod = pod({ main: terminated('main', 1) });
    assert.equal(deriveRunState(running1, [neverPod], ctx(T0 + 10_000, { firstCrashLoopAt: T0 })).crashLoopSince, undefined);
  });

  test('describeRunState: one short line per phase', () => {
    const base = { taskStatus: undefined, podSummaries: [] } as const;
    assert.equal(describeRunState({ ...base, phase: 'running' }), 'Running');
    assert.equal(describeRunState({ ...base, phase: 'finishing', reason: 'CompletionsReached' }), 'Finishing');
    assert.equal(describeRunState({ ...base, phase: 'pending', reason: 'ImagePullBackOff' }), 'Pending: ImagePullBackOff');
    assert.equal(describeRunState({ ...base, phase: 'failing', reason: 'DeadlineExceeded' }), 'Failing: DeadlineExceeded');
    assert.equal(describeRunState({ ...base, phase: 'failed', taskStatus: 'FAILED', reason: 'BackoffLimitExceeded' }), 'Failed: BackoffLimitExceeded');
    assert.equal(describeRunState({ ...base, phase: 'succeeded', taskStatus: 'COMPLETED', reason: 'CompletionsReached', mainExitCode: 0 }), 'Succeeded');
    assert.equal(describeRunState({ ...base, phase: 'gone' }), 'Gone');
  });
});
