/**
 * ArtifactService without a cluster: a run seen live that succeeded without its files having been
 * collected (its collector never seen running after the main container ended) is reported as a
 * failed automatic collection, and only then; every collection announces its start with a
 * promise of its record (for progress in the UI).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1';
import type { ClusterClient } from '../../client/src/cluster/clusterClient';
import { type ArtifactSettings, ArtifactService, type CollectionRecord, type CollectionStart } from '../../client/src/runs/artifactService';
import type { RunFinished, TrackedRun } from '../../client/src/runs/runModel';
import type { StatusWriter } from '../../client/src/runs/statusWriter';
import { Emitter } from '../../client/src/util/events';

const SETTINGS: ArtifactSettings = {
  outputRoot: '/nowhere/.keruta/artifacts',
  workspaceRoot: '/nowhere',
  limits: { maxBytes: 1024, maxFiles: 10 },
  collectOnFailure: false,
  deleteJobAfterCollect: false,
};

const collectorStartError: Pod = {
  metadata: { name: 'job-a-x1' },
  status: {
    phase: 'Succeeded',
    containerStatuses: [
      { name: 'main', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      {
        name: 'keruta-collector',
        image: 'distroless',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode: 128, reason: 'StartError', message: 'exec: "sh": executable file not found in $PATH' } },
      },
    ],
  },
};

function run(uid: string, options: { collector?: boolean; stopped?: boolean } = {}): TrackedRun {
  const collector = options.collector ?? true;
  return {
    uid,
    namespace: 'default',
    name: `job-${uid}`,
    taskId: `task-${uid}`,
    createdAt: '2026-11-27T00:00:00.000Z',
    state: { phase: 'succeeded', taskStatus: 'COMPLETED', podSummaries: [{ name: 'job-a-x1', phase: 'Succeeded', ready: '0/2', restarts: 0, mainExitCode: 0, ...(collector ? { collectorRunning: false } : {}) }] },
    gone: false,
    stopped: options.stopped ?? false,
    pods: [collectorStartError],
  };
}

function service(noFolder = false): { finished: Emitter<RunFinished>; records: CollectionRecord[]; artifacts: ArtifactService } {
  const finished = new Emitter<RunFinished>();
  const artifacts = new ArtifactService({} as ClusterClient, {} as StatusWriter, () => Promise.resolve(noFolder ? undefined : SETTINGS));
  artifacts.followFinishes(finished.event);
  const records: CollectionRecord[] = [];
  artifacts.onDidCollect((record) => records.push(record));
  return { finished, records, artifacts };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('artifact service: runs that succeeded without a collection', () => {
  test('are reported, naming the collector state and the setting to check', async () => {
    const { finished, records, artifacts } = service();
    finished.fire({ run: run('a'), outcome: 'COMPLETED', observedLive: true });
    await settle();
    assert.equal(records.length, 1);
    const record = records[0]!;
    assert.equal(record.trigger, 'automatic');
    assert.equal(record.error?.kind, 'collector-not-running');
    assert.match(record.error?.message ?? '', /job-a-x1 was never seen running after the main container ended \(StartError \(exit code 128\): exec: "sh": executable file not found/);
    assert.match(record.error?.fix ?? '', /keruta\.collector\.image/);
    assert.deepEqual(artifacts.records('a'), records);
  });

  test('are not reported when the collection was up to the handler, the run failed, was stopped, finished unseen, had no collector, or has no folder', async () => {
    const { finished, records, artifacts } = service();
    // The handler ran for this run (it collects or decides not to); then the Job completed.
    const handled = run('handled');
    await artifacts.handler()(handled, 'job-a-x1', 1).catch(() => undefined);
    finished.fire({ run: handled, outcome: 'COMPLETED', observedLive: true });
    finished.fire({ run: run('failed'), outcome: 'FAILED', observedLive: true });
    finished.fire({ run: run('stopped', { stopped: true }), outcome: 'COMPLETED', observedLive: true });
    finished.fire({ run: run('unseen'), outcome: 'COMPLETED', observedLive: false });
    finished.fire({ run: run('plain', { collector: false }), outcome: 'COMPLETED', observedLive: true });
    await settle();
    assert.deepEqual(records.map((record) => record.run.uid), []);

    const noFolder = service(true);
    noFolder.finished.fire({ run: run('b'), outcome: 'COMPLETED', observedLive: true });
    await settle();
    assert.deepEqual(noFolder.records, []);
  });
});

describe('artifact service: collections announce their start', () => {
  test('a start event with a promise of the very record onDidCollect then reports', async () => {
    const client = { getPod: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')) } as unknown as ClusterClient;
    const artifacts = new ArtifactService(client, {} as StatusWriter, () => Promise.resolve(SETTINGS));
    const starts: CollectionStart[] = [];
    const records: CollectionRecord[] = [];
    artifacts.onDidStartCollect((start) => starts.push(start));
    artifacts.onDidCollect((record) => records.push(record));
    const returned = await artifacts.collectNow(run('a'), 'job-a-x1');
    assert.deepEqual(starts.map((start) => [start.run.uid, start.pod, start.trigger]), [['a', 'job-a-x1', 'on-demand']]);
    const announced = await starts[0]!.done;
    assert.equal(announced.error?.kind, 'cluster');
    assert.deepEqual(records, [returned]);
    assert.equal(records[0]!.error, announced.error);
  });
});
