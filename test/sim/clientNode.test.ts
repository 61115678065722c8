/**
 * @kubernetes/client-node (the library the extension uses) against the simulator: Watch, informer,
 * Log and Exec, including through every injected fault.
 */
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { type Simulator, startSimulator } from './simulator';
import { jobCondition, jobManifest, podsOf, waitFor } from './testing';

import type * as K8sModule from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

type K8s = typeof K8sModule;

describe('client-node against the simulator', () => {
  let k8s: K8s;
  let sim: Simulator;
  let kc: InstanceType<K8s['KubeConfig']>;

  before(async () => {
    k8s = await import('@kubernetes/client-node');
    sim = await startSimulator({ timeScale: 0.02, bookmarkSeconds: 1 });
    kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'sim', server: sim.url, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'sim', cluster: 'sim', user: 'u', namespace: 'default' }],
      currentContext: 'sim',
    });
  });
  after(async () => {
    await sim.close();
  });

  const batch = () => kc.makeApiClient(k8s.BatchV1Api);
  const createJob = async (name: string, image?: string, extra?: Parameters<typeof jobManifest>[2]) =>
    batch().createNamespacedJob({ namespace: 'default', body: jobManifest(name, image, extra) as never });

  test('create, read, list with a label selector, delete with propagation', async () => {
    const created = await createJob('cn-crud', 'keruta-sim/sleep', { collector: false });
    assert.equal(created.metadata?.name, 'cn-crud');
    assert.equal(created.spec?.selector?.matchLabels?.['batch.kubernetes.io/controller-uid'], created.metadata?.uid);
    const read = await batch().readNamespacedJob({ name: 'cn-crud', namespace: 'default' });
    assert.ok(read.metadata?.creationTimestamp instanceof Date);
    const list = await batch().listNamespacedJob({ namespace: 'default', labelSelector: 'app.kubernetes.io/managed-by=keruta' });
    assert.ok(list.items.some((job) => job.metadata?.name === 'cn-crud'));
    assert.ok(Number(list.metadata?.resourceVersion) > 0);
    await waitFor(sim, () => (podsOf(sim, 'default', 'cn-crud').length === 1 ? true : undefined));
    await batch().deleteNamespacedJob({ name: 'cn-crud', namespace: 'default', propagationPolicy: 'Background' });
    await waitFor(sim, () => (podsOf(sim, 'default', 'cn-crud').length === 0 ? true : undefined), 5000, 'pods deleted');
  });

  test('errors are real Status bodies: 404, 409, 422', async () => {
    const status = async (promise: Promise<unknown>) => {
      try {
        await promise;
      } catch (error) {
        const e = error as { code: number; body: string };
        return { code: e.code, body: JSON.parse(e.body) as { reason: string; message: string; details?: { causes?: { field: string }[] } } };
      }
      throw new Error('expected a failure');
    };
    const missing = await status(batch().readNamespacedJob({ name: 'nope', namespace: 'default' }));
    assert.deepEqual([missing.code, missing.body.reason, missing.body.message], [404, 'NotFound', 'jobs.batch "nope" not found']);
    await createJob('cn-dup', 'keruta-sim/sleep', { collector: false });
    const dup = await status(createJob('cn-dup'));
    assert.deepEqual([dup.code, dup.body.reason], [409, 'AlreadyExists']);
    const bad = await status(createJob('cn-bad', 'busybox:1.36.1', { restartPolicy: 'Always' }));
    assert.equal(bad.code, 422);
    assert.equal(bad.body.details?.causes?.[0]?.field, 'spec.template.spec.restartPolicy');
    const noNamespace = await status(batch().createNamespacedJob({ namespace: 'missing', body: jobManifest('x') as never }));
    assert.deepEqual([noNamespace.code, noNamespace.body.message], [404, 'namespaces "missing" not found']);
  });

  test('Watch: resumes from a resourceVersion, sends bookmarks, answers a too-old version with 410', async () => {
    const start = (await batch().listNamespacedJob({ namespace: 'default' })).metadata!.resourceVersion!;
    const events: { type: string; name?: string; rv?: string; code?: number }[] = [];
    const watch = new k8s.Watch(kc);
    const controller = await watch.watch('/apis/batch/v1/namespaces/default/jobs', { resourceVersion: start, allowWatchBookmarks: true }, (type, object: { metadata?: { name?: string; resourceVersion?: string }; code?: number }) => {
      events.push({ type, name: object.metadata?.name, rv: object.metadata?.resourceVersion, code: object.code });
    }, () => undefined);
    await createJob('cn-watch');
    await waitFor(sim, () => (events.some((e) => e.type === 'ADDED' && e.name === 'cn-watch') ? true : undefined), 5000, 'ADDED');
    await waitFor(sim, () => (events.some((e) => e.type === 'BOOKMARK') ? true : undefined), 5000, 'a BOOKMARK');
    controller.abort();

    sim.faults.expireResourceVersions();
    const expired: { type: string; code?: number }[] = [];
    let ended = false;
    await watch.watch('/apis/batch/v1/namespaces/default/jobs', { resourceVersion: start }, (type, object: { code?: number }) => expired.push({ type, code: object.code }), () => (ended = true));
    await waitFor(sim, () => (ended ? true : undefined), 5000, 'the expired watch to end');
    assert.deepEqual(expired, [{ type: 'ERROR', code: 410 }]);
  });

  test('informer: sees a Job through its life and recovers from ended watches, expiry and 500s', async () => {
    const informer = k8s.makeInformer(kc, '/apis/batch/v1/namespaces/default/jobs', () => batch().listNamespacedJob({ namespace: 'default', labelSelector: 'app.kubernetes.io/managed-by=keruta' }), 'app.kubernetes.io/managed-by=keruta');
    const seen = new Map<string, string[]>();
    const record = (kind: string) => (job: { metadata?: { name?: string }; status?: { conditions?: { type: string }[] } }) => {
      const name = job.metadata?.name ?? '';
      seen.set(name, [...(seen.get(name) ?? []), `${kind}:${job.status?.conditions?.map((c) => c.type).join('+') ?? ''}`]);
    };
    informer.on('add', record('add'));
    informer.on('update', record('update'));
    informer.on('delete', record('delete'));
    const errors: unknown[] = [];
    let stopped = false;
    informer.on('error', (error) => {
      errors.push(error);
      // client-node stops an informer on errors other than 410/timeouts; the caller restarts it.
      setTimeout(() => {
        if (!stopped) void informer.start();
      }, 50);
    });
    await informer.start();
    try {
      await createJob('cn-informer', 'busybox:1.36.1', { collector: false });
      await waitFor(sim, () => (seen.get('cn-informer')?.some((e) => e.includes('Complete')) ? true : undefined), 10_000, 'the informer to see Complete');

      // A cleanly ended watch: the informer reconnects by itself.
      const before = sim.counters.watchesStarted;
      sim.faults.endWatches();
      await waitFor(sim, () => (sim.counters.watchesStarted > before ? true : undefined), 10_000, 'a re-watch');
      await createJob('cn-after-end', 'busybox:1.36.1', { collector: false });
      await waitFor(sim, () => (seen.has('cn-after-end') ? true : undefined), 10_000, 'an event after the re-watch');

      // Expired resource versions and a dropped connection: a 410 re-list, then a reconnect.
      sim.faults.expireResourceVersions();
      sim.faults.dropWatches();
      await createJob('cn-after-drop', 'busybox:1.36.1', { collector: false });
      await waitFor(sim, () => (seen.has('cn-after-drop') ? true : undefined), 15_000, 'an event after the drop');

      // Injected 500s on the list: the informer reports them and is restarted.
      sim.faults.failNext(2, { match: (request) => request.method === 'GET' && !request.query.has('watch') && request.path.endsWith('/jobs') });
      sim.faults.dropWatches();
      await createJob('cn-after-500', 'busybox:1.36.1', { collector: false });
      await waitFor(sim, () => (seen.has('cn-after-500') ? true : undefined), 20_000, 'an event after the 500s');
      assert.equal(sim.counters.openWatches >= 1, true);
    } finally {
      stopped = true;
      sim.faults.reset();
      await informer.stop();
    }
  });

  test('Log follows a container from the start until it ends', async () => {
    await createJob('cn-log', 'busybox:1.36.1', { collector: false });
    const pod = await waitFor(sim, () => {
      const found = podsOf(sim, 'default', 'cn-log')[0];
      return found && sim.workloads.containerState('default', found.metadata.name!, 'main')?.state === 'running' ? found : undefined;
    }, 10_000, 'main running');
    let text = '';
    const finished = new Promise<void>((resolve) => {
      const sink = new Writable({ write: (chunk: Buffer, _encoding, callback) => { text += chunk.toString(); callback(); }, final: (callback) => { resolve(); callback(); } });
      void new k8s.Log(kc).log('default', pod.metadata.name!, 'main', sink, { follow: true });
    });
    await finished;
    assert.match(text, /^KERUTA_TASK_ID=123$/m);
    assert.ok(jobCondition(sim, 'default', 'cn-log', 'Complete') || (await waitFor(sim, () => (jobCondition(sim, 'default', 'cn-log', 'Complete') ? true : undefined))));
  });

  test('Exec: tar of /.keruta/doc from the running collector, and the release', async () => {
    await createJob('cn-exec');
    const pod = await waitFor(sim, () => {
      const found = podsOf(sim, 'default', 'cn-exec')[0];
      return found && sim.workloads.containerState('default', found.metadata.name!, 'main')?.state === 'terminated' ? found : undefined;
    }, 10_000, 'main finished');
    const name = pod.metadata.name!;
    const exec = new k8s.Exec(kc);
    const run = (command: string[]) =>
      new Promise<{ stdout: Buffer; status: { status?: string } }>((resolve, reject) => {
        const stdout = new PassThrough();
        const chunks: Buffer[] = [];
        stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
        exec.exec('default', name, 'keruta-collector', command, stdout, null, null, false, (status) => resolve({ stdout: Buffer.concat(chunks), status })).catch(reject);
      });
    const tar = await run(['tar', 'cf', '-', '-C', '/.keruta/doc', '.']);
    assert.equal(tar.status.status, 'Success');
    assert.ok(tar.stdout.includes(Buffer.from('KERUTA_TASK_ID=123')), 'the tar holds README.md');
    assert.equal(tar.stdout.length % 512, 0, 'a tar stream is made of 512-byte blocks');
    const released = await run(['sh', '-c', 'touch /.keruta/ctl/release']);
    assert.equal(released.status.status, 'Success');
    await waitFor(sim, () => (jobCondition(sim, 'default', 'cn-exec', 'Complete') ? true : undefined), 10_000, 'Complete after release');
  });

  test('latency and refused connections surface as delays and errors, then recover', async () => {
    sim.faults.reset();
    sim.faults.latencyMs = 200;
    const started = Date.now();
    await batch().listNamespacedJob({ namespace: 'default' });
    assert.ok(Date.now() - started >= 200);
    sim.faults.latencyMs = 0;
    sim.faults.refuseConnections = true;
    // A new KubeConfig gets a new connection pool, so the refusal is seen.
    const fresh = new k8s.KubeConfig();
    fresh.loadFromString(kc.exportConfig());
    await assert.rejects(fresh.makeApiClient(k8s.BatchV1Api).listNamespacedJob({ namespace: 'default' }));
    sim.faults.refuseConnections = false;
    await fresh.makeApiClient(k8s.BatchV1Api).listNamespacedJob({ namespace: 'default' });
  });

  test('faults on logs and exec: RBAC denials and 500s reject, a Pod deleted early fails the Job', async () => {
    await createJob('cn-faults', 'keruta-sim/sleep', { collector: false });
    const pod = await waitFor(sim, () => {
      const found = podsOf(sim, 'default', 'cn-faults')[0];
      return found && sim.workloads.containerState('default', found.metadata.name!, 'main')?.state === 'running' ? found : undefined;
    }, 10_000, 'main running');
    const name = pod.metadata.name!;
    sim.rbac.deny({ resource: 'pods/exec' });
    sim.rbac.deny({ resource: 'pods/log' });
    try {
      // client-node rejects with ws's error event; the Status body is lost (a known client-node limit).
      await assert.rejects(new k8s.Exec(kc).exec('default', name, 'main', ['ls'], null, null, null, false), (error: { message?: string }) => /403/.test(String(error.message)));
      await assert.rejects(new k8s.Log(kc).log('default', name, 'main', new PassThrough(), {}), (error: { code?: number }) => error.code === 403 || error.code === 500);
    } finally {
      sim.rbac.allowAll();
    }
    sim.faults.failNext(1, { match: (request) => request.path.endsWith('/log') });
    await assert.rejects(new k8s.Log(kc).log('default', name, 'main', new PassThrough(), {}), (error: { code?: number }) => error.code === 500);
    sim.faults.reset();

    sim.deletePod('default', name);
    await waitFor(sim, () => (jobCondition(sim, 'default', 'cn-faults', 'Failed') ? true : undefined), 10_000, 'the Job to fail after its Pod was deleted');
  });

  test('the simulated version decides validation: classic env names and no native sidecars before 1.29', async () => {
    const old = await startSimulator({ version: 'v1.28.0', timeScale: 0.02 });
    try {
      const config = new k8s.KubeConfig();
      config.loadFromOptions({
        clusters: [{ name: 'old', server: old.url, skipTLSVerify: true }],
        users: [{ name: 'u', token: 't' }],
        contexts: [{ name: 'old', cluster: 'old', user: 'u', namespace: 'default' }],
        currentContext: 'old',
      });
      const api = config.makeApiClient(k8s.BatchV1Api);
      const job = jobManifest('old-env', 'busybox:1.36.1', { env: [{ name: '1ST', value: 'x' }] });
      const error = (await api.createNamespacedJob({ namespace: 'default', body: job as never }).then(() => undefined, (e: unknown) => e)) as { code: number; body: string };
      assert.equal(error.code, 422);
      const body = JSON.parse(error.body) as { message: string };
      assert.match(body.message, /spec\.template\.spec\.containers\[0\]\.env\[0\]\.name: Invalid value: "1ST": a valid environment variable name must consist of alphabetic characters/);
      assert.match(body.message, /spec\.template\.spec\.initContainers\[0\]\.restartPolicy: Forbidden/);
    } finally {
      await old.close();
    }
  });
});
