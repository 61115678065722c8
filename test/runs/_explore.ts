import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { collectArtifacts } from '../../client/src/runs/artifactCollector';
import { startHarness, taskFileText, until } from './harness';

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try { entries = await readdir(dir, { withFileTypes: true }); } catch { return 0; }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += await dirSize(p); else total += (await stat(p).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

async function main() {
  const h = await startHarness();
  const engine = h.engine({ onMainFinished: async () => undefined });
  await h.writeTaskFile('a.keruta.yaml', taskFileText([{ id: 'a', image: 'keruta-sim/large-doc', env: { KERUTA_SIM_DOC_BYTES: String(100 * 1024 * 1024) } }]));
  const run = await engine.run('a.keruta.yaml', 'a');
  const pod = await until(() => engine.tracker.run(run.uid)?.state.podSummaries.find((p) => p.collectorRunning && p.mainExitCode !== undefined)?.name, 'main finished');
  console.log('pod', pod);
  const out = path.join(h.dir, 'out');
  const t0 = Date.now();
  const p = collectArtifacts(h.client, { namespace: 'default', pod, taskId: 'a', jobName: run.name, outputRoot: out, limits: { maxBytes: 1e10, maxFiles: 1000 } }).then((r) => ({ r }), (e) => ({ e }));
  await until(async () => ((await dirSize(out)) > 5 * 1024 * 1024 ? true : undefined), 'bytes');
  console.log('deleting at', Date.now() - t0, await dirSize(out));
  h.sim.deletePod('default', pod);
  const res = await p;
  console.log(Date.now() - t0, res, await readdir(out));
  await h.close();
}
main();
