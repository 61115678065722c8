/**
 * Keruta's collection against the real `kubectl cp`, from the same still-running collector sidecar
 * on the simulator: for the benign images (rich-doc, many-files, empty-doc, large-doc) both yield
 * the same file tree, byte for byte. Keruta collects first without releasing the collector, then
 * `kubectl cp <ns>/<pod>:/.keruta/doc <dir> -c keruta-collector` copies the same folder, then the
 * trees are compared, then the collector is released and the Job completes.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { collectArtifacts } from '../../client/src/runs/artifactCollector';
import { releaseCollector } from '../../client/src/runs/runService';
import { COLLECTOR_CONTAINER, DOC_DIR } from '../../server/src/core/collectorPod';
import { DEFAULT_RENDER_OPTIONS } from '../../server/src/core/jobRenderer';
import { type TreeEntry, treeOf, waitingPod } from '../runs/collectHelpers';
import { type Harness, startHarness, taskFileText, until } from '../runs/harness';
import { type SimKubectl, startSimKubectl } from './kubectlHelper';

const NS = 'default';

function describeTree(tree: ReadonlyMap<string, TreeEntry>): string[] {
  return [...tree].map(([name, entry]) => (entry.type === 'file' ? `${name} (${entry.size} bytes, ${entry.sha256.slice(0, 12)})` : `${name} (${entry.type})`));
}

describe('Keruta collection and kubectl cp: the same files from the same sidecar', () => {
  let h: Harness;
  let kubectl: SimKubectl;
  let dir: string;

  before(async () => {
    h = await startHarness();
    kubectl = await startSimKubectl({ sim: h.sim, processTimeoutMs: 60_000 });
    dir = await mkdtemp(path.join(os.tmpdir(), 'keruta-cp-'));
  });
  after(async () => {
    await kubectl?.close();
    await h?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => h.disposeEngines());

  const cases: readonly { id: string; image: string; env?: Record<string, string>; files: number }[] = [
    { id: 'cp-rich', image: 'keruta-sim/rich-doc', files: 7 },
    { id: 'cp-many', image: 'keruta-sim/many-files', env: { KERUTA_SIM_DOC_FILES: '300' }, files: 300 },
    { id: 'cp-empty', image: 'keruta-sim/empty-doc', files: 0 },
    { id: 'cp-large', image: 'keruta-sim/large-doc', env: { KERUTA_SIM_DOC_BYTES: String(3 * 1024 * 1024 + 12_345) }, files: 1 },
  ];

  for (const c of cases) {
    test(`${c.image}${c.env ? ` (${Object.values(c.env).join(', ')})` : ''}`, async () => {
      // No release when the main container ends: the sidecar waits (window 3,000 simulated s = 30 s here).
      const engine = h.engine({ onMainFinished: () => Promise.resolve() });
      const file = `${c.id}.keruta.yaml`;
      await h.writeTaskFile(file, taskFileText([{ id: c.id, image: c.image, ...(c.env ? { env: c.env } : {}) }]));
      const run = await engine.run(file, c.id, { collector: { ...DEFAULT_RENDER_OPTIONS.collector, windowSeconds: 3000 } });
      const pod = await waitingPod(engine, run);

      const keruta = await collectArtifacts(h.client, {
        namespace: NS,
        pod,
        taskId: c.id,
        jobName: run.name,
        outputRoot: path.join(dir, 'keruta'),
        limits: { maxBytes: 100 * 1024 * 1024, maxFiles: 10_000 },
      });
      assert.equal(keruta.files.length, c.files, keruta.files.join(', '));
      assert.deepEqual(keruta.refused, []);

      const target = path.join(dir, 'kubectl', c.id);
      const cp = await kubectl.run(['cp', `${NS}/${pod}:${DOC_DIR}`, target, '-c', COLLECTOR_CONTAINER]);
      assert.equal(cp.code, 0, cp.stderr);

      const ours = await treeOf(keruta.folder);
      assert.ok(existsSync(target), 'kubectl cp created the folder (an empty one too)');
      const theirs = await treeOf(target);
      assert.deepEqual(describeTree(ours), describeTree(theirs));
      assert.deepEqual(ours, theirs);
      assert.equal([...ours.values()].filter((entry) => entry.type === 'file').length, c.files);

      await releaseCollector(h.client)(run, pod, 0);
      await until(() => (engine.tracker.run(run.uid)?.state.phase === 'succeeded' ? true : undefined), `${run.name} to complete`);
    });
  }
});
