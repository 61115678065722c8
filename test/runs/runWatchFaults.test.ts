/**
 * The shared watch under every fault the simulator can inject, runs started before the engine
 * (re)started, access denials, and the cost check: many runs share two watch connections per
 * namespace and cause no periodic lists. Every final status lands exactly once.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { ClusterRequestError } from '../../client/src/cluster/clusterClient';
import type { TrackedRun } from '../../client/src/runs/runModel';
import { type Engine, type Harness, startHarness, statusIn, taskFileText, until } from './harness';

describe('run tracking under faults', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.sim.faults.reset();
    h.sim.rbac.allowAll();
  });
  // A failed test must not leave an engine watching (and writing) behind.
  afterEach(() => h.disposeEngines());

  /** Counts finishes per run, to prove none is lost or repeated. */
  function finishes(engine: Engine): Map<string, string[]> {
    const seen = new Map<string, string[]>();
    engine.tracker.onDidFinish(({ run, outcome }) => seen.set(run.uid, [...(seen.get(run.uid) ?? []), outcome]));
    return seen;
  }

  const finished = (engine: Engine, uid: string): Promise<TrackedRun> =>
    until(() => {
      const run = engine.tracker.run(uid);
      return run && (run.state.phase === 'succeeded' || run.state.phase === 'failed') ? run : undefined;
    }, `run ${uid} to finish`);

  const faults: { name: string; inject: (h: Harness) => void | Promise<void> }[] = [
    { name: 'watches ended by the server', inject: (h) => h.sim.faults.endWatches() },
    { name: 'connections dropped', inject: (h) => h.sim.faults.dropWatches() },
    {
      name: 'resource versions expired (410), then watches ended',
      inject: (h) => {
        h.sim.faults.expireResourceVersions();
        h.sim.faults.endWatches();
      },
    },
    {
      name: 'API errors (500) on the lists and watches that follow',
      inject: (h) => {
        h.sim.faults.failNext(4, { code: 500, match: (request) => request.method === 'GET' });
        h.sim.faults.dropWatches();
      },
    },
    {
      name: 'the server unreachable for a while',
      inject: async (h) => {
        h.sim.faults.refuseConnections = true;
        h.sim.faults.dropWatches();
        await new Promise((resolve) => setTimeout(resolve, 300));
        h.sim.faults.refuseConnections = false;
      },
    },
  ];

  for (const [index, fault] of faults.entries()) {
    test(`${fault.name}: every run's outcome is written exactly once`, async () => {
      const engine = h.engine();
      const seen = finishes(engine);
      const ids = [`f${index}-ok`, `f${index}-fail`, `f${index}-slow`];
      const file = `fault-${index}.keruta.yaml`;
      await h.writeTaskFile(
        file,
        taskFileText([
          // Still running when the fault strikes (100 simulated seconds = 1 s).
          { id: ids[0]!, image: 'busybox:1.36.1', env: { KERUTA_SIM_RUN_SECONDS: '100' } },
          { id: ids[1]!, image: 'keruta-sim/fail:4', env: { KERUTA_SIM_RUN_SECONDS: '100' } },
          { id: ids[2]!, image: 'busybox:1.36.1', env: { KERUTA_SIM_RUN_SECONDS: '150' } },
        ]),
      );
      const runs = await Promise.all(ids.map((id) => engine.run(file, id)));
      const startedWatches = h.sim.counters.watchesStarted;
      await fault.inject(h);
      await Promise.all(runs.map((run) => finished(engine, run.uid)));
      await engine.service.settled();
      const text = await h.readTaskFile(file);
      assert.deepEqual(
        ids.map((id) => statusIn(text, id)),
        ['COMPLETED', 'FAILED', 'COMPLETED'],
      );
      for (const run of runs) assert.equal(seen.get(run.uid)?.length, 1, `${run.taskId}: ${JSON.stringify(seen.get(run.uid))}`);
      assert.ok(h.sim.counters.watchesStarted > startedWatches, 'the watches were resumed');
      await until(() => ([...engine.tracker.health().values()].every((health) => health.state === 'live') ? true : undefined), 'the watches to be live again');
      engine.dispose();
    });
  }

  test('a watch that goes silent is given up and resumed', async () => {
    const engine = h.engine({ watch: { backoffMs: [20, 200], idleTimeoutMs: 400 } });
    await engine.tracker.watchNamespace('default');
    const before = h.sim.counters.watchesStarted;
    // No events and BOOKMARKs only every 60 simulated seconds (0.6 s): the 400 ms idle limit trips.
    await until(() => (h.sim.counters.watchesStarted >= before + 2 ? true : undefined), 'the silent watches to be resumed', 5000);
    await h.writeTaskFile('idle.keruta.yaml', taskFileText([{ id: 'idle-1', image: 'busybox:1.36.1' }]));
    const run = await engine.run('idle.keruta.yaml', 'idle-1');
    await finished(engine, run.uid);
    engine.dispose();
  });

  test('runs started before the engine (re)started are picked up, and their outcome is written once', async () => {
    const first = h.engine();
    await h.writeTaskFile(
      'reload.keruta.yaml',
      taskFileText([
        { id: 'reload-done', image: 'busybox:1.36.1', env: { KERUTA_SIM_RUN_SECONDS: '50' } },
        { id: 'reload-live', image: 'busybox:1.36.1', env: { KERUTA_SIM_RUN_SECONDS: '150' } },
      ]),
    );
    const done = await first.run('reload.keruta.yaml', 'reload-done', { collector: { enabled: false, image: 'busybox:1.36.1', mode: 'native', windowSeconds: 300 } });
    const live = await first.run('reload.keruta.yaml', 'reload-live');
    // The window reloads before either run finished: the first engine is gone.
    first.dispose();
    await until(() => (h.sim.store.get('jobs', 'default', done.name) as { status?: { succeeded?: number } } | undefined)?.status?.succeeded ? true : undefined, 'the first Job to finish unwatched');
    assert.equal(statusIn(await h.readTaskFile('reload.keruta.yaml'), 'reload-done'), 'IN_PROGRESS');

    const second = h.engine();
    const seen = finishes(second);
    await second.tracker.watchNamespace('default');
    const picked = second.tracker.run(live.uid);
    assert.ok(picked, 'the running Job is picked up from its labels');
    assert.equal(picked.taskId, 'reload-live');
    assert.equal(picked.taskFile, 'reload.keruta.yaml');
    await finished(second, live.uid);
    await second.service.settled();
    const text = await h.readTaskFile('reload.keruta.yaml');
    assert.equal(statusIn(text, 'reload-done'), 'COMPLETED', 'finished while no window watched: written on pick-up');
    assert.equal(statusIn(text, 'reload-live'), 'COMPLETED');
    assert.equal(seen.get(done.uid)?.[0], 'COMPLETED');
    second.dispose();

    // A third window (or a teammate's) sees the same finished Jobs: nothing is written again.
    const third = h.engine();
    await third.tracker.watchNamespace('default');
    await third.service.settled();
    assert.equal(await h.readTaskFile('reload.keruta.yaml'), text);
    assert.equal(third.service.lastWrite(done.uid)?.written, false);
    third.dispose();
  });

  test('an older run finishing after a newer one started does not overwrite the task', async () => {
    const engine = h.engine();
    await h.writeTaskFile('twice.keruta.yaml', taskFileText([{ id: 'twice', image: 'keruta-sim/sleep' }]));
    const older = await engine.run('twice.keruta.yaml', 'twice');
    const newer = await engine.run('twice.keruta.yaml', 'twice', { collector: { enabled: false, image: 'busybox:1.36.1', mode: 'native', windowSeconds: 300 } }, (job) => {
      job.spec!.template.spec!.containers[0]!.image = 'busybox:1.36.1';
    });
    await finished(engine, newer.uid);
    await engine.service.settled();
    assert.equal(statusIn(await h.readTaskFile('twice.keruta.yaml'), 'twice'), 'COMPLETED');
    // Deleting the older (still running) Job: it ends without overwriting.
    await engine.service.stop(older.uid);
    await engine.service.settled();
    assert.equal(statusIn(await h.readTaskFile('twice.keruta.yaml'), 'twice'), 'COMPLETED');
    engine.dispose();
  });

  test('403 on create: the error names the missing RBAC rule and the server message; the task is untouched', async () => {
    const engine = h.engine();
    await h.writeTaskFile('denied.keruta.yaml', taskFileText([{ id: 'denied', image: 'busybox:1.36.1' }]));
    const before = await h.readTaskFile('denied.keruta.yaml');
    h.sim.rbac.deny({ verb: 'create', resource: 'jobs' });
    const error = await engine.run('denied.keruta.yaml', 'denied').then(
      () => assert.fail('expected a denial'),
      (rejection: unknown) => rejection,
    );
    assert.ok(error instanceof ClusterRequestError, String(error));
    assert.equal(error.cluster.kind, 'forbidden');
    assert.match(error.cluster.message, /forbidden/i);
    assert.match(error.cluster.fix, /verbs: \["create"\]/);
    assert.match(error.cluster.fix, /jobs/);
    assert.equal(await h.readTaskFile('denied.keruta.yaml'), before);
    engine.dispose();
  });

  test('403 on watching Pods: the namespace health says so and recovers once allowed', async () => {
    h.sim.rbac.deny({ verb: 'list', resource: 'pods', namespace: 'denied-ns' });
    h.sim.ensureNamespace('denied-ns');
    const engine = h.engine();
    await engine.tracker.watchNamespace('denied-ns');
    const health = engine.tracker.health().get('denied-ns');
    assert.equal(health?.state, 'retrying');
    assert.ok(health?.state === 'retrying' && health.error.kind === 'forbidden', JSON.stringify(health));
    assert.match(health.state === 'retrying' ? health.error.fix : '', /"list"/);
    h.sim.rbac.allowAll();
    await until(() => (engine.tracker.health().get('denied-ns')?.state === 'live' ? true : undefined), 'the watch to recover');
    engine.dispose();
  });

  test('50 concurrent runs share two watch connections and cause no periodic lists', async () => {
    const engine = h.engine();
    await engine.tracker.watchNamespace('default');
    const lists = (): number => h.sim.counters.get('list', 'jobs') + h.sim.counters.get('list', 'pods');
    // One watch of Jobs and one of Pods (earlier tests' engines have closed theirs).
    await until(() => (h.sim.counters.openWatches === 2 ? true : undefined), 'two open watches');
    const listsBefore = lists();
    const watchesBefore = h.sim.counters.openWatches;
    const ids = Array.from({ length: 50 }, (_, index) => `many-${index}`);
    await h.writeTaskFile('many.keruta.yaml', taskFileText(ids.map((id) => ({ id, image: 'busybox:1.36.1', env: { KERUTA_SIM_RUN_SECONDS: '1' } }))));
    let maxWatches = h.sim.counters.openWatches;
    const sampler = setInterval(() => (maxWatches = Math.max(maxWatches, h.sim.counters.openWatches)), 5);
    const runs = [];
    for (const id of ids) runs.push(await engine.run('many.keruta.yaml', id));
    await Promise.all(runs.map((run) => finished(engine, run.uid)));
    await engine.service.settled();
    clearInterval(sampler);
    assert.equal(maxWatches, watchesBefore, 'no watch per run');
    assert.equal(lists(), listsBefore, 'no list after the first sync');
    const text = await h.readTaskFile('many.keruta.yaml');
    assert.deepEqual(new Set(ids.map((id) => statusIn(text, id))), new Set(['COMPLETED']));
    engine.dispose();
  });
});
