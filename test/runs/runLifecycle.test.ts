/**
 * A task's life as a Job on the simulator, through the run engine the extension uses: start,
 * live state, the outcome written back into the task file (once, keeping comments), each failure
 * kind, several tasks at once, stop, TTL deletion and clean-up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TrackedRun } from '../../client/src/runs/runModel';
import { type Engine, type Harness, startHarness, statusIn, taskFileText, until } from './harness';

describe('run lifecycle', () => {
  let h: Harness;
  let engine: Engine;

  before(async () => {
    h = await startHarness();
    engine = h.engine({ crashLoopFailSeconds: 1 });
  });
  after(async () => {
    await h.close();
  });

  const finalState = (uid: string): Promise<TrackedRun> =>
    until(() => {
      const run = engine.tracker.run(uid);
      return run && (run.state.phase === 'succeeded' || run.state.phase === 'failed') ? run : undefined;
    }, `run ${uid} to finish`);

  async function statusOf(file: string, taskId: string): Promise<string | undefined> {
    return statusIn(await h.readTaskFile(file), taskId);
  }

  test('a task runs to COMPLETED: IN_PROGRESS first, then COMPLETED once, comments and layout kept', async () => {
    const original = taskFileText([{ id: 'ok-1', image: 'busybox:1.36.1' }]);
    await h.writeTaskFile('ok.keruta.yaml', original);
    const phases: string[] = [];
    const subscription = engine.tracker.onDidChange(({ runs }) => {
      for (const run of runs) if (run.taskId === 'ok-1' && phases.at(-1) !== run.state.phase) phases.push(run.state.phase);
    });
    const run = await engine.run('ok.keruta.yaml', 'ok-1');
    assert.equal(await statusOf('ok.keruta.yaml', 'ok-1'), 'IN_PROGRESS');
    const done = await finalState(run.uid);
    subscription.dispose();
    assert.equal(done.state.phase, 'succeeded');
    await engine.service.settled();
    const text = await h.readTaskFile('ok.keruta.yaml');
    assert.equal(statusIn(text, 'ok-1'), 'COMPLETED');
    assert.match(text, /^# ok-1: keep this comment$/m);
    assert.match(text, /^status: COMPLETED {3}# the extension writes here$/m);
    assert.doesNotMatch(text, /updatedAt: "2026-01-02T03:04:05Z"/, 'updatedAt changes');
    // Only the status and updatedAt lines differ from the original.
    const changed = text.split('\n').filter((line, index) => line !== original.split('\n')[index]);
    assert.equal(changed.length, 2, changed.join('\n'));
    assert.ok(phases.includes('running') || phases.includes('finishing'), `phases seen: ${phases.join(' → ')}`);
    assert.equal(phases.at(-1), 'succeeded');
    const write = engine.service.lastWrite(run.uid);
    assert.ok(write?.written && write.status === 'COMPLETED', JSON.stringify(write));
    // The Job's Pod saw the task's variables.
    assert.equal(done.state.podSummaries.length, 1);
  });

  const failures: { name: string; image: string; reason: RegExp; extra?: string }[] = [
    { name: 'exit code (backoff limit)', image: 'keruta-sim/fail:3', reason: /BackoffLimitExceeded/ },
    { name: 'deadline', image: 'keruta-sim/sleep', reason: /DeadlineExceeded/, extra: '  activeDeadlineSeconds: 2' },
    { name: 'crash loop longer than the limit', image: 'keruta-sim/crash', reason: /CrashLoopBackOff/ },
  ];
  for (const [index, failure] of failures.entries()) {
    test(`a task fails: ${failure.name} → FAILED with the reason`, async () => {
      const id = `fail-${index}`;
      const file = `fail-${index}.keruta.yaml`;
      await h.writeTaskFile(file, taskFileText([{ id, image: failure.image, ...(failure.extra ? { extra: failure.extra } : {}) }]));
      // A crash loop needs the Pod to restart its container: restartPolicy OnFailure (Run Job YAML allows it).
      const crashLoop = failure.image === 'keruta-sim/crash';
      const run = await engine.run(file, id, crashLoop ? { backoffLimit: 20 } : {}, crashLoop ? (job) => void (job.spec!.template.spec!.restartPolicy = 'OnFailure') : undefined);
      const done = await finalState(run.uid);
      assert.equal(done.state.phase, 'failed');
      assert.match(done.state.reason ?? '', failure.reason);
      await engine.service.settled();
      assert.equal(await statusOf(file, id), 'FAILED');
    });
  }

  test('the crash-looping Job is stopped once it has failed', async () => {
    const crash = engine.tracker.runs().find((run) => run.taskId === 'fail-2');
    assert.ok(crash);
    await until(() => (engine.tracker.run(crash.uid)?.gone ? true : undefined), 'the crash-looping Job to be deleted');
    assert.equal(engine.tracker.run(crash.uid)?.state.phase, 'failed', 'a gone run keeps its outcome');
  });

  test('a collector whose image cannot be pulled fails the run after the limit and stops the Job, in both collector modes', async () => {
    const modes = ['native', 'regular'] as const;
    await h.writeTaskFile('collector.keruta.yaml', taskFileText(modes.map((mode) => ({ id: `collector-${mode}`, image: 'busybox:1.36.1' }))));
    const runs = await Promise.all(modes.map((mode) => engine.run('collector.keruta.yaml', `collector-${mode}`, { collector: { mode, image: 'keruta-sim/image-pull-error' } })));
    for (const [index, run] of runs.entries()) {
      const failed = await finalState(run.uid);
      assert.deepEqual([failed.state.phase, failed.state.taskStatus], ['failed', 'FAILED'], modes[index]);
      assert.match(failed.state.reason ?? '', /ErrImagePull|ImagePullBackOff/);
      assert.match(failed.state.message ?? '', /collector container could not start .*keruta\.collector\.image/);
      await until(() => (engine.tracker.run(run.uid)?.gone ? true : undefined), `the Job of ${modes[index]} to be deleted`);
    }
    await engine.service.settled();
    const text = await h.readTaskFile('collector.keruta.yaml');
    for (const mode of modes) assert.equal(statusIn(text, `collector-${mode}`), 'FAILED', mode);
  });

  test('ImagePullBackOff, CreateContainerConfigError and Unschedulable are shown while they last', async () => {
    const cases: { id: string; image: string; reason: RegExp; env?: Record<string, string> }[] = [
      { id: 'pull-1', image: 'keruta-sim/image-pull-error', reason: /ErrImagePull|ImagePullBackOff/ },
      { id: 'sched-1', image: 'keruta-sim/unschedulable', reason: /Unschedulable/ },
    ];
    await h.writeTaskFile('waiting.keruta.yaml', taskFileText(cases));
    const runs = await Promise.all(cases.map((c) => engine.run('waiting.keruta.yaml', c.id)));
    for (const [index, run] of runs.entries()) {
      const seen = await until(() => {
        const state = engine.tracker.run(run.uid)?.state;
        return state?.reason && cases[index]!.reason.test(state.reason) ? state : undefined;
      }, `${cases[index]!.id} to show its reason`);
      assert.equal(seen.phase, 'pending');
    }
    // A missing Secret: CreateContainerConfigError.
    await h.writeTaskFile(
      'secret.keruta.yaml',
      taskFileText([{ id: 'secret-1', image: 'busybox:1.36.1', extra: '  env:\n    - name: TOKEN\n      secretKeyRef: { name: missing-secret, key: token }' }]),
    );
    const secretRun = await engine.run('secret.keruta.yaml', 'secret-1');
    const state = await until(() => {
      const current = engine.tracker.run(secretRun.uid)?.state;
      return current?.reason === 'CreateContainerConfigError' ? current : undefined;
    }, 'CreateContainerConfigError');
    assert.match(state.message ?? '', /missing-secret/);
    for (const run of [...runs, secretRun]) await engine.service.stop(run.uid);
    await engine.service.settled();
    assert.equal(await statusOf('secret.keruta.yaml', 'secret-1'), 'CANCELLED');
  });

  test('several tasks at once: each file gets its own outcome', async () => {
    const ids = ['multi-a', 'multi-b', 'multi-c', 'multi-d'];
    await h.writeTaskFile(
      'multi.keruta.yaml',
      taskFileText(ids.map((id, index) => ({ id, image: index % 2 === 0 ? 'busybox:1.36.1' : 'keruta-sim/fail:2' }))),
    );
    const runs = await Promise.all(ids.map((id) => engine.run('multi.keruta.yaml', id)));
    await Promise.all(runs.map((run) => finalState(run.uid)));
    await engine.service.settled();
    const text = await h.readTaskFile('multi.keruta.yaml');
    assert.deepEqual(
      ids.map((id) => statusIn(text, id)),
      ['COMPLETED', 'FAILED', 'COMPLETED', 'FAILED'],
    );
    assert.equal(text.match(/keep this comment/g)?.length, 4);
  });

  test('stop: the Job is deleted in the background, the task says CANCELLED, no FAILED follows', async () => {
    await h.writeTaskFile('stop.keruta.yaml', taskFileText([{ id: 'stop-1', image: 'keruta-sim/sleep' }]));
    const run = await engine.run('stop.keruta.yaml', 'stop-1');
    await until(() => (engine.tracker.run(run.uid)?.state.phase === 'running' ? true : undefined), 'the run to be running');
    const write = await engine.service.stop(run.uid);
    assert.equal(write.written, true);
    await until(() => (engine.tracker.run(run.uid)?.gone ? true : undefined), 'the stopped run to be gone');
    await until(() => (h.sim.store.list('pods', 'default').some((pod) => pod.metadata.labels?.['job-name'] === run.name) ? undefined : true), 'its Pods to go');
    await engine.service.settled();
    assert.equal(await statusOf('stop.keruta.yaml', 'stop-1'), 'CANCELLED');
    const stopped = engine.tracker.run(run.uid)!;
    assert.equal(stopped.stopped, true);
  });

  test('TTL deletion: a finished run is shown as gone with its outcome, not as an error', async () => {
    await h.writeTaskFile('ttl.keruta.yaml', taskFileText([{ id: 'ttl-1', image: 'busybox:1.36.1' }]));
    const run = await engine.run('ttl.keruta.yaml', 'ttl-1', { ttlSecondsAfterFinished: 1 });
    await finalState(run.uid);
    const gone = await until(() => (engine.tracker.run(run.uid)?.gone ? engine.tracker.run(run.uid) : undefined), 'the TTL to delete the Job');
    assert.equal(gone.state.phase, 'succeeded');
    await engine.service.settled();
    assert.equal(await statusOf('ttl.keruta.yaml', 'ttl-1'), 'COMPLETED');
  });

  test('clean up deletes finished keruta Jobs only', async () => {
    await h.writeTaskFile('clean.keruta.yaml', taskFileText([{ id: 'clean-live', image: 'keruta-sim/sleep' }]));
    const live = await engine.run('clean.keruta.yaml', 'clean-live');
    const finishedBefore = h.sim.store.list('jobs', 'default').filter((job) => (job as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True'));
    assert.ok(finishedBefore.length > 0);
    const result = await engine.service.cleanUp('default');
    assert.deepEqual(result.failed, []);
    assert.deepEqual([...result.deleted].sort(), finishedBefore.map((job) => job.metadata.name).sort());
    assert.ok(h.sim.store.get('jobs', 'default', live.name), 'the running Job stays');
    await engine.service.stop(live.uid);
  });
});
