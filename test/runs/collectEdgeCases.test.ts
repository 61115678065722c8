/**
 * Collection of /.keruta/doc at its edges, on the simulator, through collectArtifacts, the
 * ArtifactService and the harness engine: many small files, the file-count limit, each hostile
 * entry kind on its own, a Pod deleted while its files stream out, exec refused, a release that
 * fails, nobody collecting at all (VS Code closed) in both collector modes, failed runs, repeated
 * collections of one run, a collector image without tar, and a Pod already deleted by its TTL.
 * No fixed sleeps: every wait is on a condition.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Job } from 'kubernetes-types/batch/v1';
import type { Container } from 'kubernetes-types/core/v1';
import { type CollectedArtifacts, CollectError, collectArtifacts } from '../../client/src/runs/artifactCollector';
import type { CollectionRecord } from '../../client/src/runs/artifactService';
import type { TrackedRun } from '../../client/src/runs/runModel';
import { releaseCollector } from '../../client/src/runs/runService';
import { COLLECTOR_CONTAINER, CONTROL_VOLUME, MAIN_CONTAINER } from '../../server/src/core/collectorPod';
import { DEFAULT_RENDER_OPTIONS, renderJob } from '../../server/src/core/jobRenderer';
import { parseTaskFile } from '../../server/src/core/taskParser';
import { HOSTILE_KINDS } from '../sim/workloads/images';
import { jobCondition, waitFor } from '../sim/testing';
import { clusterClientFor, collections, folderBytes, startCuttingProxy, startProgramlessFront, treeOf, waitingPod } from './collectHelpers';
import { type Engine, type Harness, startHarness, statusIn, taskFileText, until } from './harness';

const NS = 'default';
const TIME_SCALE = 0.01;
/** Simulated seconds → real milliseconds at the harness's time scale. */
const realMs = (simSeconds: number): number => simSeconds * 1000 * TIME_SCALE;
const LIMITS = { maxBytes: 200 * 1024 * 1024, maxFiles: 10_000 };
const noRelease = (): Promise<void> => Promise.resolve();

function rejection(promise: Promise<CollectedArtifacts>): Promise<CollectError> {
  return promise.then(
    (result) => assert.fail(`expected the collection to fail, it collected ${result.files.length} file(s) into ${result.folder}`),
    (error: unknown) => {
      assert.ok(error instanceof CollectError, `a CollectError, got ${String(error)}`);
      return error;
    },
  );
}

describe('collecting /.keruta/doc: edge cases', () => {
  let h: Harness;
  let artifactsRoot: string;

  before(async () => {
    h = await startHarness({ timeScale: TIME_SCALE });
    artifactsRoot = path.join(h.dir, '.keruta', 'artifacts');
  });
  after(async () => {
    await h.close();
  });
  afterEach(() => h.disposeEngines());

  async function startTask(engine: Engine, id: string, image: string, env: Record<string, string> = {}, render: Parameters<Engine['run']>[2] = {}, mutate?: (job: Job) => void): Promise<TrackedRun> {
    const file = `${id}.keruta.yaml`;
    await h.writeTaskFile(file, taskFileText([{ id, image, env }]));
    return engine.run(file, id, render, mutate);
  }

  async function finished(engine: Engine, run: TrackedRun): Promise<'succeeded' | 'failed'> {
    return until(() => {
      const phase = engine.tracker.run(run.uid)?.state.phase;
      return phase === 'succeeded' || phase === 'failed' ? phase : undefined;
    }, `${run.name} to finish`);
  }

  /** Starts the task with automatic collection and waits for its record and the run's end. */
  async function runAndCollect(engine: Engine, id: string, image: string, env: Record<string, string> = {}, render: Parameters<Engine['run']>[2] = {}, mutate?: (job: Job) => void): Promise<CollectionRecord> {
    const records = collections(engine);
    const run = await startTask(engine, id, image, env, render, mutate);
    const record = await until(() => records.find((candidate) => candidate.run.uid === run.uid), `${id} to be collected`, 30_000);
    await finished(engine, run);
    await engine.service.settled();
    return record;
  }

  async function stagingLeft(): Promise<string[]> {
    if (!existsSync(artifactsRoot)) return [];
    return (await readdir(artifactsRoot)).filter((name) => name.startsWith('.keruta-tmp'));
  }

  function request(run: TrackedRun, pod: string, limits = LIMITS): Parameters<typeof collectArtifacts>[1] {
    return { namespace: NS, pod, taskId: run.taskId, jobName: run.name, outputRoot: artifactsRoot, limits };
  }

  test('2,000 small files (keruta-sim/many-files) all arrive, byte for byte, in their folders', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    const engine = h.engine({ collect: {} });
    const record = await runAndCollect(engine, 'many-2000', 'keruta-sim/many-files', { KERUTA_SIM_DOC_FILES: '2000' }).finally(() => process.off('warning', onWarning));
    assert.equal(record.error, undefined, record.error?.message);
    // Backpressure waits for one 'drain' at a time (no listener pile-up while the stream is paused).
    assert.deepEqual(warnings.filter((warning) => /MaxListeners/.test(warning)), []);
    const result = record.result!;
    assert.equal(result.files.length, 2000);
    const tree = await treeOf(result.folder);
    const pad = (n: number, width: number): string => String(n).padStart(width, '0');
    let bytes = 0;
    for (let i = 0; i < 2000; i++) {
      const name = `set-${pad(Math.floor(i / 400), 2)}/group-${pad(Math.floor(i / 20) % 20, 2)}/file-${pad(i, 5)}.txt`;
      const content = `file ${i}\n`;
      const entry = tree.get(name);
      assert.ok(entry?.type === 'file', `${name} arrived`);
      assert.equal(entry.sha256, createHash('sha256').update(content).digest('hex'), name);
      bytes += content.length;
    }
    assert.equal([...tree.values()].filter((entry) => entry.type === 'file').length, 2000, 'nothing else arrived');
    assert.equal(result.bytes, bytes);
    assert.deepEqual(await stagingLeft(), []);
    assert.equal(statusIn(await h.readTaskFile('many-2000.keruta.yaml'), 'many-2000'), 'COMPLETED');
  });

  test('more files than keruta.collector.maxFiles: stopped cleanly, the setting named, nothing kept; the Job still completes', async () => {
    const engine = h.engine({ collect: { limits: { maxBytes: LIMITS.maxBytes, maxFiles: 500 } } });
    const record = await runAndCollect(engine, 'many-limit', 'keruta-sim/many-files', { KERUTA_SIM_DOC_FILES: '2000' });
    assert.equal(record.error?.kind, 'limit', record.error?.message);
    assert.match(record.error.message, /more than 500 files/);
    assert.match(record.error.message, /Nothing was kept/);
    assert.match(record.error.fix, /keruta\.collector\.maxFiles/);
    assert.doesNotMatch(record.error.fix, /maxBytes/);
    assert.ok(!existsSync(path.join(artifactsRoot, 'many-limit')), 'no partial folder');
    assert.deepEqual(await stagingLeft(), []);
    assert.equal(record.releaseWarning, undefined, 'released after the failed collection');
    assert.equal(statusIn(await h.readTaskFile('many-limit.keruta.yaml'), 'many-limit'), 'COMPLETED');
  });

  describe('hostile entries, one kind at a time: refused and named, nothing written outside the target', () => {
    const expected: Record<(typeof HOSTILE_KINDS)[number], { names: string[]; reason: RegExp }> = {
      traversal: { names: ['../../evil.txt'], reason: /"\.\."/ },
      absolute: { names: ['/tmp/keruta-evil.txt'], reason: /absolute path/ },
      symlink: { names: ['escape', 'outside', 'escape/passwd'], reason: /symbolic link|below escape/ },
      hardlink: { names: ['hard-passwd', 'hard-outside'], reason: /hard link/ },
      device: { names: ['null'], reason: /character-device/ },
    };
    /** Names a hostile archive tries to plant, looked for in every folder from the target up to the temp dir. */
    const PLANTED = ['evil.txt', 'keruta-evil.txt', 'outside', 'passwd', 'hard-passwd', 'hard-outside', 'escape', 'null'];
    let passwdBefore: string;

    before(async () => {
      passwdBefore = createHash('sha256').update(await readFile('/etc/passwd').catch(() => Buffer.alloc(0))).digest('hex');
    });

    for (const kind of HOSTILE_KINDS) {
      test(kind, async () => {
        const engine = h.engine({ collect: {} });
        const id = `hostile-${kind}`;
        const record = await runAndCollect(engine, id, `keruta-sim/hostile:${kind}`);
        assert.equal(record.error, undefined, record.error?.message);
        const result = record.result!;
        assert.deepEqual(result.files, ['README.md'], 'only the plain file is written');
        const refused = new Map(result.refused.map((entry) => [entry.name.replace(/^\.\//, ''), entry.reason]));
        for (const name of expected[kind].names) {
          assert.ok(refused.has(name), `${name} refused (refused: ${[...refused.keys()].join(', ')})`);
          assert.match(refused.get(name)!, expected[kind].reason, `${name}: ${refused.get(name)!}`);
        }
        assert.equal(refused.size, expected[kind].names.length, [...refused].join('; '));
        // Inside the target: README.md and nothing else (no link, no device, no folder named after one).
        assert.deepEqual([...(await treeOf(result.folder)).keys()], ['README.md']);
        // Outside: from the target up to the temp dir, nothing planted; /tmp and /etc untouched.
        for (let dir = result.folder; dir !== path.dirname(path.dirname(h.dir)); dir = path.dirname(dir)) {
          const names = await readdir(dir);
          for (const planted of PLANTED) assert.ok(!names.includes(planted), `${planted} in ${dir}`);
        }
        assert.ok(!existsSync('/tmp/keruta-evil.txt') && !existsSync('/tmp/evil.txt') && !existsSync('/tmp/outside'));
        assert.equal(createHash('sha256').update(await readFile('/etc/passwd').catch(() => Buffer.alloc(0))).digest('hex'), passwdBefore, '/etc/passwd unchanged');
        assert.deepEqual(await stagingLeft(), []);
        assert.equal(statusIn(await h.readTaskFile(`${id}.keruta.yaml`), id), 'COMPLETED');
      });
    }
  });

  describe('the Pod deleted while its files stream out', () => {
    // The simulator keeps an exec session streaming after its container was killed; a real node
    // ends the session with the container. The collection goes through a proxy that cuts every
    // connection when the Pod is deleted, as the node would.
    for (const how of ['at once (grace 0)', 'gracefully (still Terminating)'] as const) {
      test(how, async () => {
        const outputRoot = path.join(h.dir, `out-${how.startsWith('at once') ? 'now' : 'graceful'}`);
        const proxy = await startCuttingProxy(h.sim.port);
        try {
          const client = await proxy.client(h.k8s, path.join(h.dir, 'proxy.kubeconfig'));
          const engine = h.engine({ onMainFinished: noRelease });
          const id = how.startsWith('at once') ? 'deleted-now' : 'deleted-graceful';
          // 1 GiB (generated as it is read): far more than arrives before the deletion.
          const run = await startTask(engine, id, 'keruta-sim/large-doc', { KERUTA_SIM_DOC_BYTES: String(1024 * 1024 * 1024) });
          const pod = await waitingPod(engine, run);
          const collecting = rejection(collectArtifacts(client, { ...request(run, pod, { maxBytes: 2 * 1024 * 1024 * 1024, maxFiles: 10 }), outputRoot }));
          // Bytes have started to arrive in the staging folder.
          await until(async () => ((await folderBytes(outputRoot)) > 64 * 1024 ? true : undefined), 'the first bytes to arrive');
          if (how.startsWith('at once')) {
            h.sim.deletePod(NS, pod);
          } else {
            // As `kubectl delete pod` with its grace period, on a Pod a finalizer holds: it stays, Terminating.
            h.sim.store.mutate('pods', NS, pod, (object) => {
              object.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
              object.metadata.deletionGracePeriodSeconds = 30;
              object.metadata.finalizers = [...(object.metadata.finalizers ?? []), 'keruta.test/hold'];
            });
          }
          proxy.cut();
          const error = await collecting;
          assert.equal(error.kind, 'pod-gone', `${error.kind}: ${error.message}`);
          assert.match(error.message, new RegExp(`The Pod ${pod} (went away|was deleted) during the collection`));
          assert.match(error.message, /Nothing was kept/);
          assert.deepEqual(await readdir(outputRoot), [], 'no partial folder, no staging folder');
        } finally {
          await proxy.close();
          if (how.startsWith('gracefully')) {
            for (const pod of h.sim.store.list('pods', NS)) {
              if ((pod.metadata.finalizers ?? []).includes('keruta.test/hold')) {
                h.sim.store.mutate('pods', NS, pod.metadata.name!, (object) => {
                  object.metadata.finalizers = (object.metadata.finalizers ?? []).filter((name) => name !== 'keruta.test/hold');
                });
              }
            }
          }
        }
      });
    }
  });

  test('cancelled while the files stream out: nothing kept, no staging folder, progress was told; the collector still runs, so a second collection succeeds', async () => {
    const engine = h.engine({ onMainFinished: noRelease });
    const bytes = 64 * 1024 * 1024;
    const run = await startTask(engine, 'cancel-1', 'keruta-sim/large-doc', { KERUTA_SIM_DOC_BYTES: String(bytes) });
    const pod = await waitingPod(engine, run);
    const cancel = new AbortController();
    const progress: { bytes: number; files: number }[] = [];
    const collecting = rejection(
      collectArtifacts(h.client, {
        ...request(run, pod),
        signal: cancel.signal,
        onProgress: (told) => {
          progress.push(told);
          if (told.bytes > 1024 * 1024) cancel.abort();
        },
      }),
    );
    const error = await collecting;
    assert.equal(error.kind, 'cancelled', `${error.kind}: ${error.message}`);
    assert.match(error.message, /was cancelled\. Nothing was kept\./);
    assert.ok(progress.length > 1 && progress.every((told, index) => index === 0 || told.bytes > progress[index - 1]!.bytes), 'progress grows');
    assert.ok(progress.at(-1)!.bytes < bytes, 'stopped before the end');
    assert.equal(progress.at(-1)!.files, 1);
    assert.ok(!existsSync(path.join(artifactsRoot, 'cancel-1')));
    assert.deepEqual(await stagingLeft(), []);
    // Cancelled before it began: refused at once.
    assert.equal((await rejection(collectArtifacts(h.client, { ...request(run, pod), signal: cancel.signal }))).kind, 'cancelled');
    // Cancelled while the Pod is being checked: no archive streams at all.
    const late = new AbortController();
    let streamed = 0;
    const cancelling = { ...h.client, getPod: (...args: Parameters<typeof h.client.getPod>) => h.client.getPod(...args).finally(() => late.abort()) };
    const whileChecking = await rejection(collectArtifacts(cancelling, { ...request(run, pod), signal: late.signal, onProgress: (told) => void (streamed = told.bytes) }));
    assert.deepEqual([whileChecking.kind, streamed], ['cancelled', 0]);
    assert.deepEqual(await stagingLeft(), []);

    const again = await collectArtifacts(h.client, request(run, pod));
    assert.deepEqual([again.files, again.bytes], [['large.bin'], bytes]);
    await releaseCollector(h.client)(run, pod, 0);
    assert.equal(await finished(engine, run), 'succeeded');
  });

  test('exec refused (403): the error names pods/exec; no folder, no staging folder', async () => {
    const engine = h.engine({ onMainFinished: noRelease });
    const run = await startTask(engine, 'exec-403', 'keruta-sim/rich-doc');
    const pod = await waitingPod(engine, run);
    h.sim.rbac.deny({ verb: 'create', resource: 'pods/exec' });
    try {
      const error = await rejection(collectArtifacts(h.client, request(run, pod)));
      assert.equal(error.kind, 'cluster');
      assert.equal(error.cluster?.code, 403);
      assert.match(`${error.message} ${error.fix}`, /pods\/exec/);
      assert.match(error.message, /403 Forbidden/);
      assert.match(error.fix, /resources: \["pods\/exec"\]\n {2}verbs: \["create"\]/);
      assert.ok(!existsSync(path.join(artifactsRoot, 'exec-403')));
      assert.deepEqual(await stagingLeft(), []);
    } finally {
      h.sim.rbac.allowAll();
    }
    await releaseCollector(h.client)(run, pod, 0);
    assert.equal(await finished(engine, run), 'succeeded');
  });

  test('the release fails (its control folder is read-only): the files are kept, releaseWarning says so, the Pod finishes by its window', async () => {
    const windowSeconds = 200; // 2 s of real time
    const engine = h.engine({ collect: {} });
    const readOnlyControl = (job: Job): void => {
      const spec = job.spec!.template.spec!;
      const collector = [...(spec.initContainers ?? []), ...spec.containers].find((container) => container.name === COLLECTOR_CONTAINER)!;
      for (const mount of collector.volumeMounts ?? []) if (mount.name === CONTROL_VOLUME) mount.readOnly = true;
    };
    const records = collections(engine);
    const run = await startTask(engine, 'release-fails', 'keruta-sim/rich-doc', {}, { collector: { ...DEFAULT_RENDER_OPTIONS.collector, windowSeconds } }, readOnlyControl);
    await waitingPod(engine, run);
    const mainEnded = Date.now();
    const record = await until(() => records.find((candidate) => candidate.run.uid === run.uid), 'the collection record', 30_000);
    assert.equal(record.error, undefined, record.error?.message);
    assert.ok(record.result!.files.includes('README.md'));
    assert.match(record.releaseWarning ?? '', /releasing the collector of .* failed: /);
    assert.match(record.releaseWarning ?? '', /ends by itself when the collection window passes/);
    assert.ok(existsSync(path.join(record.result!.folder, 'README.md')), 'the files are kept');
    assert.match(await h.readTaskFile('release-fails.keruta.yaml'), /documents:\n {2}- \.keruta\/artifacts\/release-fails\//);
    assert.equal(await finished(engine, run), 'succeeded');
    const waited = Date.now() - mainEnded;
    assert.ok(waited >= realMs(windowSeconds) * 0.9, `the Pod waited out its window (${waited} ms)`);
    assert.ok(waited <= realMs(windowSeconds) + 5000, `and no longer (${waited} ms)`);
    await engine.service.settled();
    assert.equal(statusIn(await h.readTaskFile('release-fails.keruta.yaml'), 'release-fails'), 'COMPLETED');
  });

  describe('VS Code closed (no engine at all): the Job still completes by itself within the collector window', () => {
    for (const mode of ['native', 'regular'] as const) {
      test(mode, async () => {
        const windowSeconds = 150; // 1.5 s of real time
        const id = `closed-${mode}`;
        const text = taskFileText([{ id, image: 'busybox:1.36.1' }]);
        const rendered = renderJob(parseTaskFile(text).tasks[0]!.task, { ...DEFAULT_RENDER_OPTIONS, collector: { ...DEFAULT_RENDER_OPTIONS.collector, mode, windowSeconds } });
        const spec = rendered.job.spec!.template.spec!;
        if (mode === 'regular') {
          assert.equal(spec.shareProcessNamespace, true);
          assert.deepEqual(spec.containers.map((container: Container) => container.name), [MAIN_CONTAINER, COLLECTOR_CONTAINER]);
        } else {
          assert.equal(spec.initContainers?.[0]?.restartPolicy, 'Always');
        }
        const job = await h.client.createJob(NS, { ...rendered.job, metadata: { ...rendered.job.metadata, namespace: NS } });
        const name = job.metadata!.name!;
        const pod = await waitFor(h.sim, () => h.sim.store.list('pods', NS).find((candidate) => candidate.metadata.labels?.['job-name'] === name)?.metadata.name, 10_000, 'the Pod');
        await waitFor(h.sim, () => (h.sim.workloads.containerState(NS, pod, MAIN_CONTAINER)?.state === 'terminated' ? true : undefined), 10_000, 'the main container to end');
        const mainEnded = Date.now();
        assert.equal(h.sim.workloads.containerState(NS, pod, COLLECTOR_CONTAINER)?.state, 'running', 'the collector keeps the Pod up');
        await waitFor(h.sim, () => (jobCondition(h.sim, NS, name, 'Complete') ? true : jobCondition(h.sim, NS, name, 'Failed') ? assert.fail('the Job failed') : undefined), 15_000, 'the Job to complete');
        const waited = Date.now() - mainEnded;
        assert.ok(waited >= realMs(windowSeconds) * 0.9, `the collector waited its window (${waited} ms)`);
        assert.ok(waited <= realMs(windowSeconds) + 3000, `and the Job completed within it (${waited} ms)`);
        const collector = h.sim.workloads.containerState(NS, pod, COLLECTOR_CONTAINER);
        assert.equal(collector?.state === 'terminated' ? collector.exitCode : undefined, 0, 'the collector exits 0');
      });
    }

    test('regular mode with an engine: collected through the shared-PID sidecar, then released at once', async () => {
      const windowSeconds = 3000; // 30 s of real time: completing sooner shows the release worked
      const engine = h.engine({ collect: {} });
      const records = collections(engine);
      const run = await startTask(engine, 'regular-collect', 'keruta-sim/rich-doc', {}, { collector: { ...DEFAULT_RENDER_OPTIONS.collector, mode: 'regular', windowSeconds } });
      await waitingPod(engine, run);
      const mainEnded = Date.now();
      const record = await until(() => records.find((candidate) => candidate.run.uid === run.uid), 'the collection', 30_000);
      assert.equal(record.error, undefined, record.error?.message);
      assert.equal(record.releaseWarning, undefined);
      assert.ok(record.result!.files.includes('data/binary.bin'));
      assert.equal(await finished(engine, run), 'succeeded');
      assert.ok(Date.now() - mainEnded < realMs(windowSeconds) / 3, 'completed long before the window');
    });
  });

  test('failed runs: not collected by default (released at once); collected with collectOnFailure, the task FAILED with its documents', async () => {
    const windowSeconds = 3000;
    const render = { collector: { ...DEFAULT_RENDER_OPTIONS.collector, windowSeconds } };
    const plain = h.engine({ collect: {} });
    const none = collections(plain);
    // The engine releases within milliseconds of the main container's end: catch that moment from
    // the tracker's own events (polling could miss the short state altogether).
    let mainEnded: number | undefined;
    const subscription = plain.tracker.onDidChange(({ runs }) => {
      for (const changed of runs) {
        if (mainEnded === undefined && changed.taskId === 'fail-plain' && changed.state.podSummaries.some((pod) => pod.mainExitCode !== undefined)) mainEnded = Date.now();
      }
    });
    const run = await startTask(plain, 'fail-plain', 'keruta-sim/fail:3', {}, render);
    assert.equal(await finished(plain, run), 'failed');
    subscription.dispose();
    assert.ok(mainEnded !== undefined, 'the main container was seen to end');
    assert.ok(Date.now() - mainEnded < realMs(windowSeconds) / 3, 'released at once, not after the window');
    await plain.service.settled();
    assert.deepEqual(none, [], 'no collection');
    assert.ok(!existsSync(path.join(artifactsRoot, 'fail-plain')));
    assert.equal(statusIn(await h.readTaskFile('fail-plain.keruta.yaml'), 'fail-plain'), 'FAILED');
    plain.dispose();

    const asked = h.engine({ collect: { collectOnFailure: true } });
    const record = await runAndCollect(asked, 'fail-asked', 'keruta-sim/fail:3', {}, render);
    assert.equal(record.error, undefined, record.error?.message);
    assert.deepEqual(record.result?.files, ['README.md']);
    assert.match(await readFile(path.join(record.result.folder, 'README.md'), 'utf8'), /KERUTA_TASK_ID=fail-asked/);
    const text = await h.readTaskFile('fail-asked.keruta.yaml');
    assert.equal(statusIn(text, 'fail-asked'), 'FAILED');
    assert.match(text, /documents:\n {2}- \.keruta\/artifacts\/fail-asked\/.*\/README\.md/);
  });

  test('collecting one run again and again: -2, -3, -4 folders, concurrent collections included; none overwritten', async () => {
    const engine = h.engine({ collect: {}, onMainFinished: noRelease });
    const run = await startTask(engine, 'again', 'keruta-sim/rich-doc', {}, { collector: { ...DEFAULT_RENDER_OPTIONS.collector, windowSeconds: 3000 } });
    const pod = await waitingPod(engine, run);
    const fresh = (): TrackedRun => engine.tracker.run(run.uid)!;
    const first = await engine.artifacts!.collectNow(fresh());
    assert.equal(first.error, undefined, first.error?.message);
    const expectedTree = await treeOf(first.result!.folder);
    // The user edits the first copy; later collections must not touch it.
    await writeFile(path.join(first.result!.folder, 'README.md'), 'edited by the user\n');
    const second = await engine.artifacts!.collectNow(fresh());
    assert.equal(second.error, undefined, second.error?.message);
    // Two at once (a double click, or on-demand beside automatic).
    const [third, fourth] = await Promise.all([engine.artifacts!.collectNow(fresh()), engine.artifacts!.collectNow(fresh())]);
    assert.equal(third.error, undefined, third.error?.message);
    assert.equal(fourth.error, undefined, fourth.error?.message);
    const folders = [first, second, third, fourth].map((record) => path.basename(record.result!.folder));
    assert.deepEqual([...folders].sort(), [run.name, `${run.name}-2`, `${run.name}-3`, `${run.name}-4`]);
    assert.equal(folders[0], run.name);
    assert.equal(folders[1], `${run.name}-2`);
    assert.equal(await readFile(path.join(first.result!.folder, 'README.md'), 'utf8'), 'edited by the user\n', 'the first copy is not overwritten');
    for (const record of [second, third, fourth]) assert.deepEqual(await treeOf(record.result!.folder), expectedTree, record.result!.folder);
    assert.deepEqual(await stagingLeft(), []);
    assert.equal(engine.artifacts!.records(run.uid).length, 4);
    await releaseCollector(h.client)(run, pod, 0);
    assert.equal(await finished(engine, run), 'succeeded');
  });

  test('collecting while the main container still runs (keruta-sim/sleep): an empty note, not an error', async () => {
    const engine = h.engine({ collect: {}, onMainFinished: noRelease });
    const run = await startTask(engine, 'still-running', 'keruta-sim/sleep');
    await until(() => engine.tracker.run(run.uid)?.state.podSummaries.find((pod) => pod.collectorRunning === true && pod.phase === 'Running')?.name, 'the Pod to run');
    await waitFor(h.sim, () => {
      const pod = h.sim.store.list('pods', NS).find((candidate) => candidate.metadata.labels?.['job-name'] === run.name);
      return pod && h.sim.workloads.containerState(NS, pod.metadata.name!, MAIN_CONTAINER)?.state === 'running' ? true : undefined;
    }, 10_000, 'the main container to run');
    const record = await engine.artifacts!.collectNow(engine.tracker.run(run.uid)!);
    assert.equal(record.error, undefined, record.error?.message);
    assert.equal(record.result?.empty, true);
    await h.client.deleteJob(NS, run.name);
  });

  test('a collector image without tar (distroless): the error says the collector image needs sh and tar', async () => {
    // The simulator runs busybox applets in any container; this front's exec knows that
    // keruta-sim/distroless has none (as its root file system says).
    const front = await startProgramlessFront(h.sim);
    try {
      const kubeconfig = path.join(h.dir, 'front.kubeconfig');
      await front.writeKubeconfig(kubeconfig);
      const client = clusterClientFor(h.k8s, kubeconfig);
      const engine = h.engine({ onMainFinished: noRelease });
      const run = await startTask(engine, 'distroless', 'keruta-sim/rich-doc', {}, { collector: { ...DEFAULT_RENDER_OPTIONS.collector, image: 'keruta-sim/distroless' } });
      const pod = await waitingPod(engine, run);
      const error = await rejection(collectArtifacts(client, request(run, pod)));
      assert.equal(error.kind, 'tar-failed', error.message);
      assert.match(error.message, /executable file not found/);
      assert.match(error.fix, /collector image needs sh and tar/);
      assert.match(error.fix, /keruta\.collector\.image/);
      assert.ok(!existsSync(path.join(artifactsRoot, 'distroless')));
      assert.deepEqual(await stagingLeft(), []);
      await h.client.deleteJob(NS, run.name);
    } finally {
      await front.close();
    }
  });

  test('collecting a run whose Pod is gone (deleted with its Job by the TTL): the message names ttlSecondsAfterFinished', async () => {
    const engine = h.engine({ collect: {} });
    const records = collections(engine);
    const run = await startTask(engine, 'ttl-gone', 'busybox:1.36.1', {}, { ttlSecondsAfterFinished: 5 });
    const automatic = await until(() => records.find((candidate) => candidate.run.uid === run.uid), 'the automatic collection');
    assert.equal(automatic.error, undefined, automatic.error?.message);
    const pod = automatic.pod;
    await waitFor(h.sim, () => (h.sim.store.get('jobs', NS, run.name) === undefined && h.sim.store.get('pods', NS, pod) === undefined ? true : undefined), 15_000, 'the TTL to delete the Job and its Pod');
    const latest = engine.tracker.run(run.uid) ?? automatic.run;
    const record = await engine.artifacts!.collectNow(latest, pod);
    assert.equal(record.error?.kind, 'pod-gone', record.error?.message);
    assert.match(record.error.message, new RegExp(`The Pod ${pod} no longer exists`));
    assert.match(record.error.message, /ttlSecondsAfterFinished: 5 s/);
    assert.match(record.error.fix, /keruta\.job\.ttlSecondsAfterFinished/);
    // The earlier collection is still there.
    assert.ok(existsSync(path.join(automatic.result!.folder, 'README.md')));
  });
});
