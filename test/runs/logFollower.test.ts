/**
 * LogFollower and LogRegistry (client/src/runs/logFollower.ts) against the cluster simulator,
 * through the real client-node `Log` and `CoreV1Api`: live lines, the end, the text kept after the
 * TTL deleted the Job, waiting for a container to start, the Pod-gone, RBAC and wrong-container
 * errors, resuming a cut stream, truncation, and that dispose closes the stream.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { K8s, KubeConfig } from '../../client/src/cluster/kubeConfig';
import { LogFollower, type LogFollowerOptions, LogRegistry, type LogTarget, logKey } from '../../client/src/runs/logFollower';
import { type Simulator, startSimulator } from '../sim/simulator';
import { jobManifest, podsOf, waitFor } from '../sim/testing';
import type { LogSource } from '../sim/types';

const NS = 'default';
/** Fast retries, so that waiting is seen within a test. */
const FAST: LogFollowerOptions = { timing: { firstDelayMs: 20, maxDelayMs: 100, giveUpAfterMs: 20_000 } };

type FollowerCheck = (follower: LogFollower) => boolean;

/** Resolves once `check` holds: checked now and on every append and state change of the follower. */
function until(follower: LogFollower, check: FollowerCheck, what: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check(follower)) return resolve();
    const subscriptions = [follower.onDidAppend(() => probe()), follower.onDidChangeState(() => probe())];
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; status ${follower.status}: ${follower.message}; text ${JSON.stringify(follower.text)}`));
    }, timeoutMs);
    function done(): void {
      clearTimeout(timer);
      for (const subscription of subscriptions) subscription.dispose();
    }
    function probe(): void {
      if (!check(follower)) return;
      done();
      resolve();
    }
  });
}

interface JobOptions {
  readonly image?: string;
  readonly runSeconds?: number;
  readonly ttlSecondsAfterFinished?: number;
  readonly env?: readonly { name: string; value?: string; valueFrom?: unknown }[];
}

describe('LogFollower against the simulator', () => {
  let k8s: K8s;
  let kc: KubeConfig;
  let sim: Simulator;
  let dir: string;
  const followers: LogFollower[] = [];
  let jobCount = 0;

  before(async () => {
    k8s = await import('@kubernetes/client-node');
    sim = await startSimulator({ timeScale: 0.02 });
    dir = await mkdtemp(path.join(os.tmpdir(), 'keruta-logs-'));
    const file = path.join(dir, 'sim.kubeconfig');
    await sim.writeKubeconfig(file);
    kc = new k8s.KubeConfig();
    kc.loadFromFile(file);
  });
  after(async () => {
    for (const follower of followers.splice(0)) follower.dispose();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    sim.rbac.allowAll();
    sim.faults.reset();
  });

  function follow(target: LogTarget, options: LogFollowerOptions = FAST): LogFollower {
    const follower = new LogFollower(k8s, kc, target, options);
    followers.push(follower);
    follower.start();
    return follower;
  }

  /** Creates a Job (without collector) through the API, as Keruta does; resolves with its Pod's name. */
  async function runJob(options: JobOptions = {}): Promise<{ job: string; pod: string }> {
    const job = `logs-${++jobCount}`;
    const manifest = jobManifest(job, options.image ?? 'busybox:1.36.1', { collector: false });
    const spec = manifest['spec'] as { ttlSecondsAfterFinished?: number; template: { spec: { containers: { env: unknown[] }[] } } };
    const main = spec.template.spec.containers[0]!;
    main.env = [
      { name: 'KERUTA_TASK_ID', value: job },
      { name: 'KERUTA_TASK_TITLE', value: 'Logs' },
      ...(options.runSeconds !== undefined ? [{ name: 'KERUTA_SIM_RUN_SECONDS', value: String(options.runSeconds) }] : []),
      ...(options.env ?? []),
    ];
    if (options.ttlSecondsAfterFinished !== undefined) spec.ttlSecondsAfterFinished = options.ttlSecondsAfterFinished;
    await kc.makeApiClient(k8s.BatchV1Api).createNamespacedJob({ namespace: NS, body: manifest as unknown as Parameters<InstanceType<K8s['BatchV1Api']>['createNamespacedJob']>[0]['body'] });
    const pod = await waitFor(sim, () => podsOf(sim, NS, job)[0]?.metadata.name, 10_000, `a Pod of ${job}`);
    return { job, pod };
  }

  const podPhase = (pod: string): string | undefined => (sim.store.get('pods', NS, pod)?.['status'] as { phase?: string } | undefined)?.phase;
  const logRequests = (pod: string): number => sim.requests.filter((r) => r.url.startsWith(`/api/v1/namespaces/${NS}/pods/${pod}/log`)).length;

  test('follows a running container live, ends with it, and keeps the text after the TTL deleted the Job', async () => {
    const { job, pod } = await runJob({ image: 'keruta-sim/fail:3', runSeconds: 100, ttlSecondsAfterFinished: 0 });
    await waitFor(sim, () => (podPhase(pod) === 'Running' ? true : undefined), 10_000, 'the Pod to run');
    const follower = follow({ namespace: NS, pod, container: 'main' });
    const ended = new Promise((resolve) => follower.onDidEnd(resolve));

    await until(follower, (f) => f.text.includes(`KERUTA_TASK_ID=${job}\n`), 'the first lines');
    assert.equal(follower.status, 'following');
    assert.equal(podPhase(pod), 'Running', 'lines arrive while the Pod still runs');
    assert.equal(follower.text, `KERUTA_TASK_ID=${job}\nKERUTA_TASK_TITLE=Logs\n`);
    assert.equal(follower.outcome, undefined);

    assert.deepEqual(await ended, { kind: 'ended' });
    assert.equal(follower.status, 'ended');
    assert.equal(follower.text, `KERUTA_TASK_ID=${job}\nKERUTA_TASK_TITLE=Logs\nerror: keruta-sim/fail: exiting with code 3\n`);

    await waitFor(sim, () => (sim.store.get('jobs', NS, job) === undefined && sim.store.get('pods', NS, pod) === undefined ? true : undefined), 10_000, 'the TTL to delete the Job and its Pod');
    assert.equal(follower.status, 'ended');
    assert.match(follower.text, /exiting with code 3\n$/, 'the text stays readable after the Pod is gone');
  });

  test('waits while the container cannot start (missing Secret), then follows it', async () => {
    const { job, pod } = await runJob({ env: [{ name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } }], runSeconds: 0 });
    const follower = follow({ namespace: NS, pod, container: 'main' });
    await until(follower, (f) => f.state.status === 'waiting' && f.state.reason === 'CreateContainerConfigError', 'waiting on CreateContainerConfigError');
    assert.deepEqual(follower.state, { status: 'waiting', reason: 'CreateContainerConfigError', detail: 'secret "creds" not found' });
    assert.match(follower.message, /^Waiting for the container to start \(CreateContainerConfigError: secret "creds" not found\)/);
    const before = logRequests(pod);
    await waitFor(sim, () => (logRequests(pod) >= before + 2 ? true : undefined), 10_000, 'retries of the log request');
    assert.equal(follower.status, 'waiting', 'still waiting while the Secret is missing');
    assert.equal(follower.text, '');

    sim.putSecret(NS, 'creds', { token: 's3cr3t' });
    await until(follower, (f) => f.status === 'ended', 'the log to end');
    assert.equal(follower.text, `KERUTA_TASK_ID=${job}\nKERUTA_TASK_TITLE=Logs\n`);
  });

  test('an unscheduled Pod (empty log) keeps waiting, and gives up after giveUpAfterMs', async () => {
    const { pod } = await runJob({ image: 'keruta-sim/unschedulable' });
    const follower = follow({ namespace: NS, pod, container: 'main' }, { timing: { firstDelayMs: 20, maxDelayMs: 50, giveUpAfterMs: 400 } });
    await until(follower, (f) => f.state.status === 'waiting' && f.state.reason === 'Unschedulable', 'waiting on Unschedulable');
    const ended = await new Promise<unknown>((resolve) => follower.onDidEnd(resolve));
    const state = follower.state;
    assert.equal(state.status, 'error');
    assert.equal(state.error.kind, 'timeout');
    assert.match(state.error.message, /did not start within .* minutes\. It is still waiting: Unschedulable \(0\/1 nodes are available/);
    assert.deepEqual(ended, { kind: 'error', error: state.error });
    assert.ok(logRequests(pod) >= 2, 'it asked again while waiting');
  });

  test('a Pod that does not exist: an error saying the Pod is gone', async () => {
    const follower = follow({ namespace: NS, pod: 'no-such-pod', container: 'main' });
    await until(follower, (f) => f.status === 'error', 'the error');
    const state = follower.state;
    assert.equal(state.status, 'error');
    assert.equal(state.error.kind, 'not-found');
    assert.match(state.error.message, /The Pod "no-such-pod" no longer exists in namespace "default".*deleted by its TTL/);
    assert.match(state.error.fix, /ttlSecondsAfterFinished/);
  });

  test('403 on pods/log: an error naming the missing RBAC rule', async () => {
    const { pod } = await runJob({ image: 'keruta-sim/sleep' });
    sim.rbac.deny({ verb: 'get', resource: 'pods/log' });
    const follower = follow({ namespace: NS, pod, container: 'main' });
    await until(follower, (f) => f.status === 'error', 'the error');
    const state = follower.state;
    assert.equal(state.status, 'error');
    assert.equal(state.error.kind, 'forbidden');
    assert.equal(state.error.code, 403);
    assert.match(state.error.message, /not allowed to get "pods\/log" \(the core API group\) in namespace "default"/);
    assert.match(state.error.fix, /- apiGroups: \[""\]\n {2}resources: \["pods\/log"\]\n {2}verbs: \["get"\]/);
    sim.deletePod(NS, pod);
  });

  test('a container the Pod does not have: an error listing its containers', async () => {
    const { pod } = await runJob({ image: 'keruta-sim/sleep' });
    const follower = follow({ namespace: NS, pod, container: 'sidecar' });
    await until(follower, (f) => f.status === 'error', 'the error');
    const state = follower.state;
    assert.equal(state.status, 'error');
    assert.equal(state.error.kind, 'invalid');
    assert.match(state.error.message, /The Pod ".*" has no container "sidecar" \(its containers: main\)/);
    sim.deletePod(NS, pod);
  });

  describe('with the log sources instrumented', () => {
    /** Open follow subscriptions of the simulated log sources, and a way to cut them. */
    let open = 0;
    const cutters = new Set<() => void>();
    let original: Simulator['workloads']['logs'];

    before(() => {
      original = sim.workloads.logs.bind(sim.workloads);
      sim.workloads.logs = (namespace: string, pod: string, container: string, previous: boolean): LogSource | undefined => {
        const source = original(namespace, pod, container, previous);
        if (!source) return undefined;
        return {
          text: () => source.text(),
          ended: () => source.ended(),
          onData: (listener) => {
            open++;
            const unsubscribe = source.onData(listener);
            let done = false;
            return () => {
              if (!done) open--;
              done = true;
              unsubscribe();
            };
          },
          onEnd: (listener) => {
            const cut = (): void => listener();
            cutters.add(cut);
            const unsubscribe = source.onEnd(listener);
            return () => {
              cutters.delete(cut);
              unsubscribe();
            };
          },
        };
      };
    });
    after(() => {
      sim.workloads.logs = original;
    });

    const openStreams = (count: number) => waitFor(sim, () => (open === count ? true : undefined), 10_000, `${count} open log streams (now ${open})`);

    test('dispose aborts the stream: the server side subscription goes away', async () => {
      const { pod } = await runJob({ image: 'keruta-sim/sleep' });
      await waitFor(sim, () => (podPhase(pod) === 'Running' ? true : undefined), 10_000, 'the Pod to run');
      const follower = follow({ namespace: NS, pod, container: 'main' });
      await until(follower, (f) => f.text === 'keruta-sim/sleep: sleeping until the pod is deleted\n', 'the line');
      await openStreams(1);
      let events = 0;
      follower.onDidAppend(() => events++);
      follower.dispose();
      await openStreams(0);
      (original(NS, pod, 'main', false) as unknown as { write(text: string): void }).write('after dispose\n');
      assert.equal(follower.text, 'keruta-sim/sleep: sleeping until the pod is deleted\n', 'the text stays; nothing more is read');
      assert.equal(events, 0);
      assert.equal(follower.isDisposed, true);
      sim.deletePod(NS, pod);
    });

    test('a stream cut while the container runs is resumed, without repeating what was received', async () => {
      const { pod } = await runJob({ image: 'keruta-sim/sleep' });
      await waitFor(sim, () => (podPhase(pod) === 'Running' ? true : undefined), 10_000, 'the Pod to run');
      const follower = follow({ namespace: NS, pod, container: 'main' });
      await until(follower, (f) => f.text.endsWith('deleted\n'), 'the line');
      await openStreams(1);
      const requests = logRequests(pod);
      for (const cut of [...cutters]) cut();
      await waitFor(sim, () => (logRequests(pod) > requests && open === 1 ? true : undefined), 10_000, 'the follower to ask again');
      const log = original(NS, pod, 'main', false) as unknown as { write(text: string): void };
      log.write('more 日本語 🎉\n');
      await until(follower, (f) => f.text.endsWith('🎉\n'), 'the next line');
      assert.equal(follower.text, 'keruta-sim/sleep: sleeping until the pod is deleted\nmore 日本語 🎉\n');
      assert.equal(follower.status, 'following');
      sim.deletePod(NS, pod);
      await until(follower, (f) => f.status === 'ended', 'the end after the Pod was deleted');
      await openStreams(0);
    });
  });

  test('beyond maxLength the oldest lines are dropped, at a line start', async () => {
    const env = Array.from({ length: 60 }, (_, i) => ({ name: `KERUTA_TASK_LINE_${String(i).padStart(2, '0')}`, value: `${'x'.repeat(24)} ${i} 日本語` }));
    const { pod } = await runJob({ env, runSeconds: 0 });
    const follower = follow({ namespace: NS, pod, container: 'main' }, { ...FAST, maxLength: 1024 });
    await until(follower, (f) => f.status === 'ended', 'the end');
    assert.ok(follower.droppedLength > 0, 'something was dropped');
    assert.ok(follower.text.length <= 1024);
    assert.match(follower.text, /^KERUTA_TASK_/, 'the kept text starts at a line');
    assert.match(follower.text, /KERUTA_TASK_TITLE=Logs\n$/, 'the newest lines are kept');
    assert.match(follower.text, /KERUTA_TASK_LINE_59=x{24} 59 日本語\n/);
  });

  describe('LogRegistry', () => {
    test('one follower per target, restarted when it failed; dispose stops them all', async () => {
      const { pod } = await runJob({ image: 'keruta-sim/sleep' });
      await waitFor(sim, () => (podPhase(pod) === 'Running' ? true : undefined), 10_000, 'the Pod to run');
      const registry = new LogRegistry();
      let created = 0;
      const factory = (target: LogTarget): LogFollower => {
        created++;
        return new LogFollower(k8s, kc, target, FAST);
      };
      const added: string[] = [];
      registry.onDidAdd((follower) => added.push(logKey(follower.target)));
      sim.rbac.deny({ verb: 'get', resource: 'pods/log' });
      const target = { namespace: NS, pod, container: 'main', title: 'Logs' };
      const first = registry.follow(target, factory);
      await until(first, (f) => f.status === 'error', 'the 403');
      sim.rbac.allowAll();

      const again = registry.follow({ namespace: NS, pod, container: 'main' }, factory);
      assert.equal(again, first, 'the same follower');
      assert.equal(created, 1);
      await until(first, (f) => f.status === 'following' && f.text.endsWith('deleted\n'), 'the restarted follower to follow');
      assert.equal(registry.get({ namespace: NS, pod, container: 'main' }), first);
      assert.deepEqual(added, [`${NS}/${pod}/main`]);

      const other = registry.follow({ namespace: NS, pod: 'no-such-pod', container: 'main' }, factory);
      assert.notEqual(other, first);
      assert.equal(registry.all().length, 2);

      registry.dispose();
      assert.equal(first.isDisposed, true);
      assert.equal(other.isDisposed, true);
      assert.equal(registry.all().length, 0);
      assert.match(first.text, /deleted\n$/, 'a disposed follower keeps its text');
      sim.deletePod(NS, pod);
    });
  });
});
