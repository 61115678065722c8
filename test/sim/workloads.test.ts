/**
 * The simulator's workloads (Job controller, scheduler, kubelet, images, container file systems,
 * logs) against a MemoryStore and a fast clock, without HTTP. Every wait is on store events with a
 * timeout; there are no fixed sleeps.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Job } from 'kubernetes-types/batch/v1';
import type { Container, ContainerStatus, Pod, PodCondition, PodSpec } from 'kubernetes-types/core/v1';
import { COLLECTOR_CONTAINER, MAIN_CONTAINER } from '../../server/src/core/collectorPod';
import { DEFAULT_RENDER_OPTIONS, renderJob } from '../../server/src/core/jobRenderer';
import type { Task, TaskJobSpec } from '../../server/src/core/taskModel';
import { ScaledClock } from './clock';
import { storeJobAsApiServer } from './rest';
import { MemoryStore } from './store';
import type { FileEntry, KubeObject, StoreEvent } from './types';
import { largeDocBytes, renderSimImageTable, SIM_IMAGES, SimWorkloads } from './workloads';

const NS = 'default';
const SCALE = 0.01;

interface Sim {
  readonly store: MemoryStore;
  readonly clock: ScaledClock;
  readonly workloads: SimWorkloads;
}

interface SimOptions {
  readonly node?: { cpu: string; memory: string };
  /** Runs before `start()`, to put objects in the store that the workloads must pick up. */
  readonly beforeStart?: (sim: Sim) => void;
}

async function withSim(body: (sim: Sim) => Promise<void>, options: SimOptions = {}): Promise<void> {
  const clock = new ScaledClock(SCALE);
  const store = new MemoryStore(() => clock.nowIso());
  const workloads = new SimWorkloads({ store, clock, ...(options.node ? { node: options.node } : {}) });
  options.beforeStart?.({ store, clock, workloads });
  workloads.start();
  try {
    await body({ store, clock, workloads });
  } finally {
    workloads.close();
    clock.close();
  }
}

/** Resolves with the probe's first defined (and not false) value, checked now and after every store event. */
function waitFor<T>(sim: Sim, what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const value = probe();
      if (value === undefined || value === false) return false;
      resolve(value);
      return true;
    };
    if (check()) return;
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const unsubscribe = sim.store.subscribe(() => {
      if (!check()) return;
      clearTimeout(timer);
      unsubscribe();
    });
  });
}

/** Every store event from now on (deep copies), for checking orders. */
function recordEvents(sim: Sim): StoreEvent[] {
  const events: StoreEvent[] = [];
  sim.store.subscribe((event) => events.push(event));
  return events;
}

function task(job: Partial<TaskJobSpec> = {}): Task {
  return {
    id: 'T-1',
    title: 'Write the docs',
    description: 'Line one\nLine two',
    priority: 2,
    status: 'IN_PROGRESS',
    createdAt: '2026-01-02T03:04:05Z',
    documents: [],
    job: { image: 'alpine:3.20', env: [], ...job },
  };
}

interface JobOptions {
  readonly collector?: 'native' | 'regular' | 'none';
  readonly window?: number;
  readonly job?: Partial<TaskJobSpec>;
  /** Edits the rendered pod template spec (restartPolicy, resources, extra containers). */
  readonly podSpec?: (spec: PodSpec) => void;
}

/** Renders a Job as the extension does, then stores it with what the REST layer defaults. */
function submitJob(sim: Sim, name: string, options: JobOptions = {}): KubeObject {
  const mode = options.collector ?? 'native';
  const rendered = renderJob(task(options.job), {
    ...DEFAULT_RENDER_OPTIONS,
    collector: { enabled: mode !== 'none', image: 'busybox:1.36.1', mode: mode === 'regular' ? 'regular' : 'native', windowSeconds: options.window ?? 300 },
  }).job;
  const job = structuredClone(rendered);
  job.metadata = { ...job.metadata, name };
  delete job.metadata.generateName;
  options.podSpec?.(job.spec!.template.spec!);
  return storeJobAsApiServer(sim.store, job as unknown as KubeObject);
}

const jobOf = (sim: Sim, name: string): Job | undefined => sim.store.get('jobs', NS, name) as Job | undefined;
const podsOf = (sim: Sim, job: string): Pod[] => sim.store.list('pods', NS).filter((pod) => pod.metadata.labels?.['job-name'] === job) as Pod[];
const podNamed = (sim: Sim, name: string): Pod | undefined => sim.store.get('pods', NS, name) as Pod | undefined;

function jobCondition(job: Job | undefined, type: string): { reason?: string; message?: string } | undefined {
  return job?.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

function podCondition(pod: Pod | undefined, type: string): PodCondition | undefined {
  return pod?.status?.conditions?.find((c) => c.type === type);
}

function containerStatus(pod: Pod | undefined, name: string): ContainerStatus | undefined {
  return [...(pod?.status?.containerStatuses ?? []), ...(pod?.status?.initContainerStatuses ?? [])].find((s) => s.name === name);
}

/** The single Pod of a Job, once it exists. */
function onlyPod(sim: Sim, job: string): Promise<Pod> {
  return waitFor(sim, `a pod of ${job}`, () => podsOf(sim, job)[0]);
}

function waitPod(sim: Sim, name: string, what: string, probe: (pod: Pod) => boolean, timeoutMs?: number): Promise<Pod> {
  return waitFor(
    sim,
    `${name}: ${what}`,
    () => {
      const pod = podNamed(sim, name);
      return pod && probe(pod) ? pod : undefined;
    },
    timeoutMs,
  );
}

function waitJob(sim: Sim, name: string, what: string, probe: (job: Job) => boolean, timeoutMs?: number): Promise<Job> {
  return waitFor(
    sim,
    `${name}: ${what}`,
    () => {
      const job = jobOf(sim, name);
      return job && probe(job) ? job : undefined;
    },
    timeoutMs,
  );
}

const KERUTA_LINES = [
  'KERUTA_TASK_CREATED_AT=2026-01-02T03:04:05Z',
  'KERUTA_TASK_DESCRIPTION=Line one\nLine two',
  'KERUTA_TASK_ID=T-1',
  'KERUTA_TASK_PRIORITY=2',
  'KERUTA_TASK_STATUS=IN_PROGRESS',
  'KERUTA_TASK_TITLE=Write the docs',
  'KERUTA_TASK_UPDATED_AT=',
];
const KERUTA_TEXT = KERUTA_LINES.map((line) => `${line}\n`).join('');

function streamBytes(entry: FileEntry): Promise<{ bytes: number; maxChunk: number; head: Buffer }> {
  return new Promise((resolve, reject) => {
    const stream = entry.open!();
    let bytes = 0;
    let maxChunk = 0;
    const head: Buffer[] = [];
    let headBytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      maxChunk = Math.max(maxChunk, chunk.length);
      if (headBytes < 1024 * 1024) {
        head.push(chunk);
        headBytes += chunk.length;
      }
    });
    stream.on('end', () => resolve({ bytes, maxChunk, head: Buffer.concat(head).subarray(0, 1024 * 1024) }));
    stream.on('error', reject);
  });
}

/** Waits until `main` has ended and returns the still-running collector's file system. */
async function collectorAfterMain(sim: Sim, job: string) {
  const pod = await onlyPod(sim, job);
  await waitPod(sim, pod.metadata!.name!, 'main terminated', (p) => containerStatus(p, MAIN_CONTAINER)?.state?.terminated !== undefined);
  const fs = sim.workloads.fileSystem(NS, pod.metadata!.name!, COLLECTOR_CONTAINER);
  assert.ok(fs, 'the collector is still running');
  return { pod: podNamed(sim, pod.metadata!.name!)!, fs };
}

describe('simulated workloads', () => {
  test('an ordinary Job with a native collector: Running, README.md for the collector, release, Succeeded, SuccessCriteriaMet then Complete', async () => {
    await withSim(async (sim) => {
      const events = recordEvents(sim);
      const job = submitJob(sim, 'ordinary');
      const pod = await onlyPod(sim, 'ordinary');
      const name = pod.metadata!.name!;
      assert.match(name, /^ordinary-[a-z0-9]{5}$/);
      assert.equal(pod.metadata!.generateName, 'ordinary-');
      assert.deepEqual(pod.metadata!.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'ordinary', uid: job.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      assert.deepEqual(pod.metadata!.finalizers, ['batch.kubernetes.io/job-tracking']);
      assert.equal(pod.metadata!.labels?.['batch.kubernetes.io/controller-uid'], job.metadata.uid);
      assert.equal(pod.metadata!.labels?.['app.kubernetes.io/managed-by'], 'keruta');
      assert.ok(pod.metadata!.annotations?.['keruta.io/task']);
      assert.equal(pod.spec!.nodeName, 'keruta-sim-node');

      const running = await waitPod(sim, name, 'Running', (p) => p.status?.phase === 'Running');
      assert.equal(podCondition(running, 'PodScheduled')?.status, 'True');
      assert.equal(podCondition(running, 'Initialized')?.status, 'True');
      assert.equal(podCondition(running, 'PodReadyToStartContainers')?.status, 'True');
      assert.ok(running.status?.podIP && running.status.hostIP && running.status.startTime);

      const { pod: afterMain, fs } = await collectorAfterMain(sim, 'ordinary');
      assert.equal(afterMain.status?.phase, 'Running', 'the collector keeps the Pod running');
      const main = containerStatus(afterMain, MAIN_CONTAINER)!;
      assert.equal(main.state?.terminated?.exitCode, 0);
      assert.equal(main.state?.terminated?.reason, 'Completed');
      assert.match(main.containerID ?? '', /^containerd:\/\/[0-9a-f]{64}$/);
      assert.equal(main.state?.terminated?.containerID, main.containerID);
      assert.equal(main.image, 'docker.io/library/alpine:3.20');
      assert.match(main.imageID, /^docker\.io\/library\/alpine@sha256:[0-9a-f]{64}$/);
      assert.equal(main.ready, false);
      assert.equal(main.started, false);
      const collector = containerStatus(afterMain, COLLECTOR_CONTAINER)!;
      assert.ok(collector.state?.running);
      assert.equal(collector.ready, true);
      assert.equal(sim.workloads.containerState(NS, name, COLLECTOR_CONTAINER)?.state, 'running');
      assert.equal(sim.workloads.containerState(NS, name, MAIN_CONTAINER)?.state, 'terminated');
      assert.equal(sim.workloads.fileSystem(NS, name, MAIN_CONTAINER), undefined, 'no file system for an ended container');

      assert.deepEqual(fs.walk('/.keruta/doc').map((e) => e.path), ['./README.md']);
      assert.equal(fs.readFile('/.keruta/doc/README.md')?.toString('utf8'), KERUTA_TEXT);
      assert.throws(() => fs.writeFile('/.keruta/doc/x', Buffer.from('x')), /read-only/);
      const log = sim.workloads.logs(NS, name, MAIN_CONTAINER, false)!;
      assert.equal(log.text(), KERUTA_TEXT);
      assert.equal(log.ended(), true);
      assert.equal(jobCondition(jobOf(sim, 'ordinary'), 'SuccessCriteriaMet'), undefined, 'not yet: the Pod has not succeeded');

      fs.writeFile('/.keruta/ctl/release', Buffer.alloc(0));
      const done = await waitPod(sim, name, 'Succeeded', (p) => p.status?.phase === 'Succeeded');
      assert.equal(containerStatus(done, COLLECTOR_CONTAINER)?.state?.terminated?.exitCode, 0);
      assert.equal(podCondition(done, 'Ready')?.status, 'False');
      assert.equal(podCondition(done, 'Ready')?.reason, 'PodCompleted');
      const complete = await waitJob(sim, 'ordinary', 'Complete', (j) => jobCondition(j, 'Complete') !== undefined);
      assert.equal(complete.status?.succeeded, 1);
      assert.equal(complete.status?.active, undefined);
      assert.equal(complete.status?.terminating, 0);
      assert.deepEqual(complete.status?.uncountedTerminatedPods, {});
      assert.ok(complete.status?.completionTime && complete.status.startTime);
      assert.deepEqual(jobCondition(complete, 'Complete'), {
        ...jobCondition(complete, 'Complete'),
        reason: 'CompletionsReached',
        message: 'Reached expected number of succeeded pods',
      });
      assert.equal(podNamed(sim, name)?.metadata?.finalizers, undefined, 'the tracking finalizer is removed once counted');

      const jobConditions = events
        .filter((e) => e.resource === 'jobs')
        .map((e) => ((e.object as unknown as Job).status?.conditions ?? []).map((c) => c.type).join(','));
      const firstSuccess = jobConditions.findIndex((c) => c.includes('SuccessCriteriaMet'));
      assert.equal(jobConditions[firstSuccess], 'SuccessCriteriaMet', 'SuccessCriteriaMet comes alone first');
      assert.ok(jobConditions.slice(firstSuccess + 1).some((c) => c === 'SuccessCriteriaMet,Complete'));
    });
  });

  test('regular collector mode: keeps the Pod running after main, releases on the file, or when the window runs out', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'regular', { collector: 'regular', window: 300 });
      const { pod, fs } = await collectorAfterMain(sim, 'regular');
      assert.equal(pod.spec?.shareProcessNamespace, true);
      assert.equal(pod.status?.phase, 'Running');
      assert.equal(fs.readFile('/.keruta/doc/README.md')?.toString('utf8'), KERUTA_TEXT);
      fs.writeFile('/.keruta/ctl/release', Buffer.alloc(0));
      const done = await waitPod(sim, pod.metadata!.name!, 'Succeeded', (p) => p.status?.phase === 'Succeeded');
      assert.equal(containerStatus(done, COLLECTOR_CONTAINER)?.state?.terminated?.exitCode, 0);
      await waitJob(sim, 'regular', 'Complete', (j) => jobCondition(j, 'Complete') !== undefined);

      // Nobody collects: the window (20 s) runs out and the collector exits 0 on its own.
      submitJob(sim, 'regular-expire', { collector: 'regular', window: 20 });
      const { pod: second } = await collectorAfterMain(sim, 'regular-expire');
      const mainEnded = Date.now();
      const ended = await waitPod(sim, second.metadata!.name!, 'Succeeded', (p) => p.status?.phase === 'Succeeded');
      assert.ok(Date.now() - mainEnded >= sim.clock.ms(20) * 0.5, 'the collector waited for the window');
      assert.equal(containerStatus(ended, COLLECTOR_CONTAINER)?.state?.terminated?.exitCode, 0);
    });
  });

  test('native collector: the window runs out after SIGTERM; a short grace period kills it (137) without failing the Pod', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'native-expire', { window: 20 });
      const { pod } = await collectorAfterMain(sim, 'native-expire');
      const mainEnded = Date.now();
      const done = await waitPod(sim, pod.metadata!.name!, 'Succeeded', (p) => p.status?.phase === 'Succeeded');
      assert.ok(Date.now() - mainEnded >= sim.clock.ms(20) * 0.5);
      assert.equal(containerStatus(done, COLLECTOR_CONTAINER)?.state?.terminated?.exitCode, 0);
      assert.equal(done.spec?.terminationGracePeriodSeconds, 35);

      submitJob(sim, 'native-killed', { window: 300, podSpec: (spec) => (spec.terminationGracePeriodSeconds = 5) });
      const { pod: second } = await collectorAfterMain(sim, 'native-killed');
      const killed = await waitPod(sim, second.metadata!.name!, 'Succeeded', (p) => p.status?.phase === 'Succeeded');
      const collector = containerStatus(killed, COLLECTOR_CONTAINER)!.state!.terminated!;
      assert.equal(collector.exitCode, 137);
      assert.equal(collector.reason, 'Error');
      await waitJob(sim, 'native-killed', 'Complete', (j) => jobCondition(j, 'Complete') !== undefined);
    });
  });

  test('a failing image: exit code, error log, FailureTarget then Failed (BackoffLimitExceeded) with backoffLimit 0', async () => {
    await withSim(async (sim) => {
      const events = recordEvents(sim);
      submitJob(sim, 'fail', { collector: 'none', job: { image: 'keruta-sim/fail:3', backoffLimit: 0 } });
      const pod = await onlyPod(sim, 'fail');
      const failed = await waitPod(sim, pod.metadata!.name!, 'Failed', (p) => p.status?.phase === 'Failed');
      const main = containerStatus(failed, MAIN_CONTAINER)!.state!.terminated!;
      assert.equal(main.exitCode, 3);
      assert.equal(main.reason, 'Error');
      assert.match(sim.workloads.logs(NS, pod.metadata!.name!, MAIN_CONTAINER, false)!.text(), /error: keruta-sim\/fail: exiting with code 3\n$/);
      const job = await waitJob(sim, 'fail', 'Failed', (j) => jobCondition(j, 'Failed') !== undefined);
      assert.equal(job.status?.failed, 1);
      assert.equal(job.status?.completionTime, undefined);
      assert.equal(jobCondition(job, 'Failed')?.reason, 'BackoffLimitExceeded');
      assert.equal(jobCondition(job, 'Failed')?.message, 'Job has reached the specified backoff limit');
      assert.equal(jobCondition(job, 'FailureTarget')?.reason, 'BackoffLimitExceeded');
      const sequence = events.filter((e) => e.resource === 'jobs').map((e) => ((e.object as unknown as Job).status?.conditions ?? []).map((c) => c.type).join(','));
      assert.ok(sequence.includes('FailureTarget'), 'FailureTarget comes alone first');
      assert.equal(podsOf(sim, 'fail').length, 1, 'no replacement');
      assert.equal(podsOf(sim, 'fail')[0]?.metadata?.finalizers, undefined);
    });
  });

  test('backoffLimit 2: two replacement Pods after 10 s and 20 s back-off, then BackoffLimitExceeded', async () => {
    await withSim(async (sim) => {
      const created: number[] = [];
      const failedAt: number[] = [];
      sim.store.subscribe((event) => {
        if (event.resource !== 'pods') return;
        if (event.type === 'ADDED') created.push(Date.now());
        if (event.type === 'MODIFIED' && (event.object as unknown as Pod).status?.phase === 'Failed' && failedAt.length < created.length) failedAt.push(Date.now());
      });
      submitJob(sim, 'retry', { collector: 'none', job: { image: 'keruta-sim/fail', backoffLimit: 2 } });
      const job = await waitJob(sim, 'retry', 'Failed', (j) => jobCondition(j, 'Failed') !== undefined);
      assert.equal(job.status?.failed, 3);
      assert.equal(podsOf(sim, 'retry').length, 3, 'failed Pods are kept');
      assert.ok(podsOf(sim, 'retry').every((p) => p.status?.phase === 'Failed'));
      assert.equal(created.length, 3);
      assert.ok(created[1]! - failedAt[0]! >= sim.clock.ms(10) * 0.8, `first back-off ${created[1]! - failedAt[0]!} ms`);
      assert.ok(created[2]! - failedAt[1]! >= sim.clock.ms(20) * 0.5, `second back-off ${created[2]! - failedAt[1]!} ms`);
    });
  });

  test('restartPolicy OnFailure: CrashLoopBackOff, restartCount grows, previous logs, then the Job fails', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'crash', { collector: 'none', job: { image: 'keruta-sim/crash', backoffLimit: 2 }, podSpec: (spec) => (spec.restartPolicy = 'OnFailure') });
      const pod = await onlyPod(sim, 'crash');
      const name = pod.metadata!.name!;
      const first = await waitPod(sim, name, 'CrashLoopBackOff', (p) => containerStatus(p, MAIN_CONTAINER)?.state?.waiting?.reason === 'CrashLoopBackOff');
      const waiting = containerStatus(first, MAIN_CONTAINER)!;
      assert.equal(waiting.state!.waiting!.message, `back-off 10s restarting failed container=main pod=${name}_${NS}(${first.metadata!.uid!})`);
      assert.equal(waiting.restartCount, 0);
      assert.equal(waiting.lastState?.terminated?.exitCode, 1);
      assert.equal(first.status?.phase, 'Running');
      assert.equal(sim.workloads.logs(NS, name, MAIN_CONTAINER, false)?.text(), 'error: keruta-sim/crash: crashed\n', 'logs of the last run while waiting');
      const restarted = await waitPod(sim, name, 'restarted', (p) => (containerStatus(p, MAIN_CONTAINER)?.restartCount ?? 0) >= 1);
      assert.equal(containerStatus(restarted, MAIN_CONTAINER)?.lastState?.terminated?.exitCode, 1);
      assert.ok(sim.workloads.logs(NS, name, MAIN_CONTAINER, true), 'the previous instance log is kept');
      const second = await waitPod(sim, name, 'second back-off', (p) => /^back-off 20s /.test(containerStatus(p, MAIN_CONTAINER)?.state?.waiting?.message ?? ''));
      assert.equal(containerStatus(second, MAIN_CONTAINER)?.restartCount, 1);
      const job = await waitJob(sim, 'crash', 'Failed', (j) => jobCondition(j, 'Failed') !== undefined);
      assert.equal(jobCondition(job, 'Failed')?.reason, 'BackoffLimitExceeded');
      assert.equal(job.status?.failed, 1);
      await waitFor(sim, 'the crashing Pod deleted', () => podNamed(sim, name) === undefined);
    });
  });

  test('image pull errors: ErrImagePull and ImagePullBackOff alternate, the container never starts', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'pull', { collector: 'none', job: { image: 'keruta-sim/image-pull-error' } });
      const pod = await onlyPod(sim, 'pull');
      const name = pod.metadata!.name!;
      const pulling = await waitPod(sim, name, 'ErrImagePull', (p) => containerStatus(p, MAIN_CONTAINER)?.state?.waiting?.reason === 'ErrImagePull');
      assert.equal(
        containerStatus(pulling, MAIN_CONTAINER)!.state!.waiting!.message,
        'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/keruta-sim/image-pull-error:latest": failed to resolve reference "docker.io/keruta-sim/image-pull-error:latest": docker.io/keruta-sim/image-pull-error:latest: not found',
      );
      assert.equal(containerStatus(pulling, MAIN_CONTAINER)?.imageID, '');
      assert.equal(containerStatus(pulling, MAIN_CONTAINER)?.containerID, undefined);
      const backoff = await waitPod(sim, name, 'ImagePullBackOff', (p) => containerStatus(p, MAIN_CONTAINER)?.state?.waiting?.reason === 'ImagePullBackOff');
      assert.equal(containerStatus(backoff, MAIN_CONTAINER)!.state!.waiting!.message, 'Back-off pulling image "keruta-sim/image-pull-error"');
      assert.equal(backoff.status?.phase, 'Pending');
      assert.deepEqual(sim.workloads.containerState(NS, name, MAIN_CONTAINER), { state: 'waiting', reason: 'ImagePullBackOff', message: 'Back-off pulling image "keruta-sim/image-pull-error"' });
      assert.equal(sim.workloads.logs(NS, name, MAIN_CONTAINER, false), undefined);
      assert.equal(sim.workloads.fileSystem(NS, name, MAIN_CONTAINER), undefined);
      await waitPod(sim, name, 'ErrImagePull again', (p) => containerStatus(p, MAIN_CONTAINER)?.state?.waiting?.reason === 'ErrImagePull');
      assert.equal(jobOf(sim, 'pull')?.status?.active, 1);
    });
  });

  test('a missing Secret: CreateContainerConfigError (secret, then key), running once the Secret has the key', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'secret', {
        collector: 'none',
        job: { image: 'keruta-sim/sleep', env: [{ name: 'API_TOKEN', secretKeyRef: { name: 'creds', key: 'token' } }] },
      });
      const pod = await onlyPod(sim, 'secret');
      const name = pod.metadata!.name!;
      const stuck = await waitPod(sim, name, 'CreateContainerConfigError', (p) => containerStatus(p, MAIN_CONTAINER)?.state?.waiting?.reason === 'CreateContainerConfigError');
      assert.equal(containerStatus(stuck, MAIN_CONTAINER)!.state!.waiting!.message, 'secret "creds" not found');
      const secret = (data: Record<string, string>): KubeObject => ({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'creds', namespace: NS },
        type: 'Opaque',
        data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      });
      sim.store.create('secrets', secret({ other: 'x' }));
      await waitPod(sim, name, 'missing key', (p) => containerStatus(p, MAIN_CONTAINER)?.state?.waiting?.message === `couldn't find key token in Secret ${NS}/creds`);
      sim.store.update('secrets', secret({ other: 'x', token: 's3cr3t' }));
      await waitPod(sim, name, 'Running', (p) => p.status?.phase === 'Running');
      const fs = sim.workloads.fileSystem(NS, name, MAIN_CONTAINER)!;
      assert.equal(fs.env()['API_TOKEN'], 's3cr3t');
      assert.equal(fs.env()['KERUTA_TASK_ID'], 'T-1');
    });
  });

  test('activeDeadlineSeconds: running Pods are killed, FailureTarget then Failed with DeadlineExceeded', async () => {
    await withSim(async (sim) => {
      const events = recordEvents(sim);
      submitJob(sim, 'deadline', { collector: 'none', job: { image: 'keruta-sim/sleep', activeDeadlineSeconds: 5 } });
      const pod = await onlyPod(sim, 'deadline');
      const job = await waitJob(sim, 'deadline', 'Failed', (j) => jobCondition(j, 'Failed') !== undefined);
      assert.equal(jobCondition(job, 'Failed')?.reason, 'DeadlineExceeded');
      assert.equal(jobCondition(job, 'Failed')?.message, 'Job was active longer than specified deadline');
      assert.equal(jobCondition(job, 'FailureTarget')?.reason, 'DeadlineExceeded');
      assert.equal(job.status?.failed, 1);
      assert.equal(job.status?.active, undefined);
      const killed = events
        .filter((e) => e.resource === 'pods' && e.object.metadata.name === pod.metadata!.name)
        .map((e) => e.object as unknown as Pod)
        .find((p) => containerStatus(p, MAIN_CONTAINER)?.state?.terminated);
      assert.equal(containerStatus(killed, MAIN_CONTAINER)?.state?.terminated?.exitCode, 137);
      assert.ok(killed?.metadata?.deletionTimestamp);
      await waitFor(sim, 'the Pod removed', () => podNamed(sim, pod.metadata!.name!) === undefined);
    });
  });

  test('ttlSecondsAfterFinished: the Job and its Pods are deleted after the TTL', async () => {
    await withSim(async (sim) => {
      const events = recordEvents(sim);
      submitJob(sim, 'ttl', { collector: 'none', job: { ttlSecondsAfterFinished: 5 } });
      const pod = await onlyPod(sim, 'ttl');
      const complete = await waitJob(sim, 'ttl', 'Complete', (j) => jobCondition(j, 'Complete') !== undefined);
      const completedAt = Date.now();
      assert.ok(complete);
      await waitFor(sim, 'Job and Pods gone', () => jobOf(sim, 'ttl') === undefined && podsOf(sim, 'ttl').length === 0);
      assert.ok(Date.now() - completedAt >= sim.clock.ms(5) * 0.8);
      const podEvents = events.filter((e) => e.resource === 'pods' && e.object.metadata.name === pod.metadata!.name);
      const deleting = podEvents.findIndex((e) => e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp);
      assert.ok(deleting >= 0, 'the Pod got a deletionTimestamp first');
      assert.equal(podEvents.at(-1)?.type, 'DELETED');
      assert.equal((podEvents.at(-1)!.object as unknown as Pod).status?.phase, 'Succeeded');
    });
  });

  test('garbage collection: deleting the Job deletes its Pods; with the orphan finalizer they keep running, unowned', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'gc', { collector: 'none', job: { image: 'keruta-sim/sleep' } });
      const pod = await onlyPod(sim, 'gc');
      await waitPod(sim, pod.metadata!.name!, 'Running', (p) => p.status?.phase === 'Running');
      sim.store.remove('jobs', NS, 'gc');
      const deleting = await waitPod(sim, pod.metadata!.name!, 'deletionTimestamp', (p) => p.metadata?.deletionTimestamp !== undefined);
      assert.ok(deleting);
      await waitFor(sim, 'the Pod removed', () => podNamed(sim, pod.metadata!.name!) === undefined);

      submitJob(sim, 'orphan', { collector: 'none', job: { image: 'keruta-sim/sleep' } });
      const orphan = await onlyPod(sim, 'orphan');
      const name = orphan.metadata!.name!;
      await waitPod(sim, name, 'Running', (p) => p.status?.phase === 'Running');
      sim.store.mutate('jobs', NS, 'orphan', (job) => {
        job.metadata.finalizers = ['orphan'];
        job.metadata.deletionTimestamp = sim.clock.nowIso();
      });
      sim.store.remove('jobs', NS, 'orphan');
      const unowned = await waitPod(sim, name, 'no owner', (p) => p.metadata?.ownerReferences === undefined);
      assert.equal(unowned.metadata?.finalizers, undefined);
      assert.equal(unowned.metadata?.deletionTimestamp, undefined);
      assert.equal(unowned.status?.phase, 'Running');
      assert.equal(sim.workloads.containerState(NS, name, MAIN_CONTAINER)?.state, 'running');
    });
  });

  test('a Pod deleted mid-run is killed (137), counts as failed, and is replaced; a Pod removed outright counts too', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'deleted', { collector: 'none', job: { image: 'keruta-sim/sleep', backoffLimit: 1 } });
      const first = await onlyPod(sim, 'deleted');
      const name = first.metadata!.name!;
      await waitPod(sim, name, 'Running', (p) => p.status?.phase === 'Running');
      const log = sim.workloads.logs(NS, name, MAIN_CONTAINER, false)!;
      assert.equal(log.text(), 'keruta-sim/sleep: sleeping until the pod is deleted\n');
      assert.equal(log.ended(), false);
      sim.store.mutate('pods', NS, name, (pod) => {
        pod.metadata.deletionTimestamp = sim.clock.nowIso();
        pod.metadata.deletionGracePeriodSeconds = 0;
      });
      const killed = await waitPod(sim, name, 'killed', (p) => containerStatus(p, MAIN_CONTAINER)?.state?.terminated !== undefined);
      assert.equal(containerStatus(killed, MAIN_CONTAINER)?.state?.terminated?.exitCode, 137);
      assert.equal(killed.status?.phase, 'Failed');
      assert.equal(log.ended(), true);
      await waitFor(sim, 'the Pod removed', () => podNamed(sim, name) === undefined);
      const second = await waitFor(sim, 'a replacement', () => podsOf(sim, 'deleted').find((p) => p.metadata?.name !== name));
      assert.equal(jobOf(sim, 'deleted')?.status?.failed, 1);
      await waitPod(sim, second.metadata!.name!, 'Running', (p) => p.status?.phase === 'Running');
      sim.store.remove('pods', NS, second.metadata!.name!);
      const job = await waitJob(sim, 'deleted', 'Failed', (j) => jobCondition(j, 'Failed') !== undefined);
      assert.equal(job.status?.failed, 2);
    });
  });

  test('unschedulable Pods stay Pending with the scheduler message (image, cpu, memory); a bigger node fits', async () => {
    const message = (reasons: string): string =>
      `0/1 nodes are available: ${reasons}. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.`;
    await withSim(async (sim) => {
      submitJob(sim, 'unsched', { collector: 'none', job: { image: 'keruta-sim/unschedulable' } });
      submitJob(sim, 'big', { collector: 'none', job: { image: 'keruta-sim/sleep', resources: { requests: { cpu: '8', memory: '16Gi' } } } });
      for (const [job, reasons] of [
        ['unsched', '1 Insufficient cpu'],
        ['big', '1 Insufficient cpu, 1 Insufficient memory'],
      ] as const) {
        const pod = await onlyPod(sim, job);
        const pending = await waitPod(sim, pod.metadata!.name!, 'Unschedulable', (p) => podCondition(p, 'PodScheduled')?.reason === 'Unschedulable');
        assert.equal(pending.status?.phase, 'Pending');
        assert.equal(podCondition(pending, 'PodScheduled')?.status, 'False');
        assert.equal(podCondition(pending, 'PodScheduled')?.message, message(reasons));
        assert.equal(pending.spec?.nodeName, undefined);
        assert.equal(pending.status?.containerStatuses, undefined);
        assert.equal(jobOf(sim, job)?.status?.active, 1);
      }

      // The deadline still applies to a Pod that never got a node.
      submitJob(sim, 'unsched-deadline', { collector: 'none', job: { image: 'keruta-sim/unschedulable', activeDeadlineSeconds: 3 } });
      const pod = await onlyPod(sim, 'unsched-deadline');
      const failed = await waitJob(sim, 'unsched-deadline', 'Failed', (j) => jobCondition(j, 'Failed') !== undefined);
      assert.equal(jobCondition(failed, 'Failed')?.reason, 'DeadlineExceeded');
      assert.equal(failed.status?.failed, 1);
      assert.equal(podNamed(sim, pod.metadata!.name!), undefined);
    });
    await withSim(
      async (sim) => {
        submitJob(sim, 'fits', { collector: 'none', job: { image: 'keruta-sim/sleep', resources: { requests: { cpu: '8', memory: '16Gi' } } } });
        const pod = await onlyPod(sim, 'fits');
        await waitPod(sim, pod.metadata!.name!, 'Running', (p) => p.status?.phase === 'Running');
      },
      { node: { cpu: '16', memory: '64Gi' } },
    );
  });

  test('keruta-sim/large-doc: a 100 MiB file walked and streamed without being allocated', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'large', { job: { image: 'keruta-sim/large-doc' } });
      const { fs } = await collectorAfterMain(sim, 'large');
      const before = process.memoryUsage().arrayBuffers;
      const entries = fs.walk('/.keruta/doc');
      assert.ok(process.memoryUsage().arrayBuffers - before < 8 * 1024 * 1024, 'walking allocates nothing big');
      assert.deepEqual(entries.map((e) => [e.path, e.type, e.size]), [['./large.bin', 'file', 100 * 1024 * 1024]]);
      const streamed = await streamBytes(entries[0]!);
      assert.equal(streamed.bytes, 100 * 1024 * 1024);
      assert.ok(streamed.maxChunk <= 64 * 1024, `chunks of at most 64 KiB (saw ${streamed.maxChunk})`);
      const digest = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
      assert.equal(digest(streamed.head), digest(largeDocBytes(0, 1024 * 1024)), 'deterministic content');
      assert.notDeepEqual(largeDocBytes(0, 64), largeDocBytes(65536, 64), 'blocks differ');
      assert.throws(() => fs.readFile('/.keruta/doc/large.bin'), /too large/);
    });
  });

  test('keruta-sim/many-files: 2000 files in nested folders, parents before children', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'many', { job: { image: 'keruta-sim/many-files' } });
      const { fs } = await collectorAfterMain(sim, 'many');
      const entries = fs.walk('/.keruta/doc');
      const files = entries.filter((e) => e.type === 'file');
      assert.equal(files.length, 2000);
      assert.equal(new Set(entries.map((e) => e.path)).size, entries.length);
      const seen = new Set(['.']);
      for (const entry of entries) {
        assert.ok(seen.has(entry.path.slice(0, entry.path.lastIndexOf('/'))), `${entry.path} after its parent`);
        seen.add(entry.path);
      }
      assert.ok(files.some((e) => e.path === './set-04/group-19/file-01999.txt'));
      assert.equal(fs.readFile('/.keruta/doc/set-00/group-00/file-00007.txt')?.toString(), 'file 7\n');
    });
  });

  test('keruta-sim/rich-doc: unicode names, a binary file, an empty file and an empty folder', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'rich', { job: { image: 'keruta-sim/rich-doc' } });
      const { fs } = await collectorAfterMain(sim, 'rich');
      const entries = fs.walk('/.keruta/doc');
      const byPath = new Map(entries.map((e) => [e.path, e]));
      for (const path of ['./README.md', './notes/日本語のメモ.md', './notes/emoji 🎉/party 🎈.txt', './folder with spaces/file with spaces.txt', './nested/a/b/c/d/deep.txt']) {
        assert.equal(byPath.get(path)?.type, 'file', path);
      }
      assert.equal(byPath.get('./empty-folder')?.type, 'directory');
      assert.ok(!entries.some((e) => e.path.startsWith('./empty-folder/')));
      assert.equal(byPath.get('./data/empty.txt')?.size, 0);
      assert.deepEqual([...fs.readFile('/.keruta/doc/data/binary.bin')!], Array.from({ length: 256 }, (_, i) => i));
      assert.equal(fs.readFile('/.keruta/doc/README.md')?.toString('utf8'), KERUTA_TEXT);
      const empty = await streamBytes(byPath.get('./data/empty.txt')!);
      assert.equal(empty.bytes, 0);
    });
  });

  test('keruta-sim/empty-doc leaves /.keruta/doc empty', async () => {
    await withSim(async (sim) => {
      submitJob(sim, 'empty', { job: { image: 'keruta-sim/empty-doc' } });
      const { fs } = await collectorAfterMain(sim, 'empty');
      assert.equal(fs.isDirectory('/.keruta/doc'), true);
      assert.deepEqual(fs.walk('/.keruta/doc'), []);
    });
  });

  test('keruta-sim/hostile: traversal, absolute, symlink, hardlink and device entries as tar would emit them', async () => {
    const expected: Record<string, [string, string, string?][]> = {
      traversal: [['../../evil.txt', 'file']],
      absolute: [['/tmp/keruta-evil.txt', 'file']],
      symlink: [
        ['./escape', 'symlink', '/etc'],
        ['./outside', 'symlink', '../../outside'],
        ['./escape/passwd', 'file'],
      ],
      hardlink: [
        ['./hard-passwd', 'hardlink', '/etc/passwd'],
        ['./hard-outside', 'hardlink', '../../outside'],
      ],
      device: [['./null', 'character-device']],
    };
    await withSim(async (sim) => {
      for (const kind of Object.keys(expected)) submitJob(sim, `hostile-${kind}`, { job: { image: `keruta-sim/hostile:${kind}` } });
      for (const [kind, wanted] of Object.entries(expected)) {
        const { fs } = await collectorAfterMain(sim, `hostile-${kind}`);
        const entries = fs.walk('/.keruta/doc');
        assert.ok(entries.some((e) => e.path === './README.md'), kind);
        for (const [path, type, linkname] of wanted) {
          const entry = entries.find((e) => e.path === path);
          assert.equal(entry?.type, type, `${kind}: ${path}`);
          if (linkname) assert.equal(entry?.linkname, linkname);
        }
      }
      submitJob(sim, 'hostile-bogus', { collector: 'none', job: { image: 'keruta-sim/hostile:bogus' } });
      const bogus = await onlyPod(sim, 'hostile-bogus');
      const failed = await waitPod(sim, bogus.metadata!.name!, 'Failed', (p) => p.status?.phase === 'Failed');
      assert.equal(containerStatus(failed, MAIN_CONTAINER)?.state?.terminated?.exitCode, 2);
    });
  });

  test('a standalone Pod is scheduled and runs init containers, a sidecar, mounts, fieldRef env and the downward API', async () => {
    await withSim(async (sim) => {
      const events = recordEvents(sim);
      const containers: Container[] = [
        {
          name: 'main',
          image: 'keruta-sim/sleep',
          env: [
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
            { name: 'GREETING', value: 'hello $(POD_NAME)' },
          ],
          volumeMounts: [
            { name: 'shared', mountPath: '/data' },
            { name: 'info', mountPath: '/etc/info', readOnly: true },
          ],
        },
        { name: 'tools', image: 'keruta-sim/distroless' },
      ];
      sim.store.create('pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'standalone', namespace: NS, labels: { app: 'demo' }, annotations: { note: 'hi' } },
        spec: {
          restartPolicy: 'Never',
          initContainers: [
            { name: 'setup', image: 'busybox:1.36.1', env: [{ name: 'KERUTA_TASK_ID', value: 'init' }], volumeMounts: [{ name: 'shared', mountPath: '/.keruta/doc' }] },
            { name: 'helper', image: 'busybox:1.36.1', restartPolicy: 'Always' },
          ],
          containers,
          volumes: [
            { name: 'shared', emptyDir: {} },
            { name: 'info', downwardAPI: { items: [{ path: 'note', fieldRef: { fieldPath: "metadata.annotations['note']" } }] } },
          ],
        },
      });
      const running = await waitPod(sim, 'standalone', 'Running', (p) => p.status?.phase === 'Running' && containerStatus(p, 'main')?.state?.running !== undefined);
      assert.equal(running.spec?.nodeName, 'keruta-sim-node');
      assert.equal(containerStatus(running, 'setup')?.state?.terminated?.reason, 'Completed');
      assert.equal(containerStatus(running, 'setup')?.ready, true);
      assert.ok(containerStatus(running, 'helper')?.state?.running);
      const setupEnded = events.findIndex((e) => e.resource === 'pods' && containerStatus(e.object as unknown as Pod, 'setup')?.state?.terminated);
      const mainStarted = events.findIndex((e) => e.resource === 'pods' && containerStatus(e.object as unknown as Pod, 'main')?.state?.running);
      assert.ok(setupEnded >= 0 && setupEnded < mainStarted, 'the init container ran to completion first');
      const initializing = events
        .map((e) => e.object as unknown as Pod)
        .find((p) => p.metadata?.name === 'standalone' && containerStatus(p, 'setup')?.state?.running);
      assert.equal(initializing?.status?.phase, 'Pending');
      assert.equal(podCondition(initializing, 'Initialized')?.message, 'containers with incomplete status: [setup helper]');

      const fs = sim.workloads.fileSystem(NS, 'standalone', 'main')!;
      for (const path of ['/bin/sh', '/bin/tar', '/etc/passwd']) assert.ok(fs.exists(path), path);
      assert.ok(fs.isDirectory('/tmp'));
      assert.equal(fs.readFile('/data/README.md')?.toString(), 'KERUTA_TASK_ID=init\n', 'the emptyDir the init container wrote');
      assert.equal(fs.readFile('/etc/info/note')?.toString(), 'hi');
      assert.throws(() => fs.writeFile('/etc/info/x', Buffer.from('x')), /read-only/);
      fs.writeFile('/tmp/scratch', Buffer.from('mine'));
      assert.equal(sim.workloads.fileSystem(NS, 'standalone', 'helper')!.exists('/tmp/scratch'), false, 'root file systems are per container');
      assert.equal(fs.env()['POD_NAME'], 'standalone');
      assert.equal(fs.env()['APP'], 'demo');
      assert.equal(fs.env()['GREETING'], 'hello standalone');
      assert.equal(fs.env()['HOSTNAME'], 'standalone');
      const tools = await waitPod(sim, 'standalone', 'tools ended', (p) => containerStatus(p, 'tools')?.state?.terminated !== undefined);
      assert.equal(tools.status?.phase, 'Running');

      sim.store.mutate('pods', NS, 'standalone', (pod) => {
        pod.metadata.labels = { app: 'changed' };
      });
      sim.store.mutate('pods', NS, 'standalone', (pod) => {
        pod.metadata.deletionTimestamp = sim.clock.nowIso();
        pod.metadata.deletionGracePeriodSeconds = 30;
      });
      const stopped = await waitPod(sim, 'standalone', 'stopped', (p) => p.status?.phase === 'Failed');
      assert.equal(containerStatus(stopped, 'main')?.state?.terminated?.exitCode, 137);
      assert.equal(containerStatus(stopped, 'helper')?.state?.terminated?.exitCode, 137);
      assert.equal(containerStatus(stopped, 'tools')?.state?.terminated?.exitCode, 0);
      await waitFor(sim, 'the Pod removed', () => podNamed(sim, 'standalone') === undefined);
    });
  });

  test('start() picks up Jobs already in the store and deletes Pods whose Job is gone', async () => {
    let dangling = '';
    await withSim(
      async (sim) => {
        await waitFor(sim, 'the dangling Pod removed', () => podNamed(sim, dangling) === undefined);
        const pod = await onlyPod(sim, 'early');
        await waitPod(sim, pod.metadata!.name!, 'Succeeded', (p) => p.status?.phase === 'Succeeded');
        await waitJob(sim, 'early', 'Complete', (j) => jobCondition(j, 'Complete') !== undefined);
      },
      {
        beforeStart: (sim) => {
          submitJob(sim, 'early', { collector: 'none' });
          dangling = sim.store.create('pods', {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: {
              generateName: 'gone-',
              namespace: NS,
              ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'gone', uid: 'no-such-uid', controller: true, blockOwnerDeletion: true }],
              finalizers: ['batch.kubernetes.io/job-tracking'],
            },
            spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'keruta-sim/sleep' }] },
          }).metadata.name!;
        },
      },
    );
  });

  test('the image table in the images.ts comment matches SIM_IMAGES', () => {
    const source = readFileSync(join(__dirname, 'workloads', 'images.ts'), 'utf8');
    const comment = source
      .slice(0, source.indexOf('*/'))
      .split('\n')
      .map((line) => line.replace(/^ \* ?/, ''));
    const rows = renderSimImageTable().split('\n');
    assert.equal(rows.length, SIM_IMAGES.length + 2);
    for (const row of rows) assert.ok(comment.includes(row), `missing from the comment: ${row}`);
    assert.equal(comment.filter((line) => line.startsWith('| ')).length, rows.length - 1, 'no stale rows');
  });
});

