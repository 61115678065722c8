/**
 * Collection of /.keruta/doc through the run engine, on the simulator: the files arrive in the
 * workspace as the Job left them, are recorded on the task, and the collector is released so the
 * Job completes; hostile entries never land outside the target; limits stop cleanly.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { CollectionRecord } from '../../client/src/runs/artifactService';
import { collections } from './collectHelpers';
import { type Engine, type Harness, startHarness, statusIn, taskFileText, until } from './harness';

describe('collecting /.keruta/doc', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });
  afterEach(() => h.disposeEngines());

  async function runAndCollect(engine: Engine, id: string, image: string, env: Record<string, string> = {}): Promise<CollectionRecord> {
    const records = collections(engine);
    const file = `${id}.keruta.yaml`;
    await h.writeTaskFile(file, taskFileText([{ id, image, env }]));
    const run = await engine.run(file, id);
    const record = await until(() => records.find((candidate) => candidate.run.uid === run.uid), `${id} to be collected`);
    await until(() => {
      const state = engine.tracker.run(run.uid)?.state;
      return state && (state.phase === 'succeeded' || state.phase === 'failed') ? true : undefined;
    }, `${id} to finish`);
    await engine.service.settled();
    return record;
  }

  test('rich output: nested folders, unicode and space names, binary, empty file; recorded on the task; the Job completes', async () => {
    const engine = h.engine({ collect: {} });
    const record = await runAndCollect(engine, 'rich-1', 'keruta-sim/rich-doc');
    assert.equal(record.error, undefined, record.error?.message);
    const result = record.result!;
    assert.equal(result.folder, path.join(h.dir, '.keruta', 'artifacts', 'rich-1', record.run.name));
    assert.ok(result.files.includes('README.md'), result.files.join(', '));
    assert.ok(result.files.includes('data/binary.bin'));
    assert.ok(result.files.includes('data/empty.txt'));
    assert.ok(result.files.some((file) => [...file].some((char) => char.charCodeAt(0) > 127)), 'a non-ASCII name');
    const binary = await readFile(path.join(result.folder, 'data', 'binary.bin'));
    assert.deepEqual([...binary], Array.from({ length: 256 }, (_, index) => index));
    assert.ok(existsSync(path.join(result.folder, 'empty-folder')), 'empty folders are kept');
    assert.match(await readFile(path.join(result.folder, 'README.md'), 'utf8'), /KERUTA_TASK_ID=rich-1/);
    const text = await h.readTaskFile('rich-1.keruta.yaml');
    assert.equal(statusIn(text, 'rich-1'), 'COMPLETED');
    assert.match(text, new RegExp(`documents:\\n  - \\.keruta/artifacts/rich-1/${record.run.name}/README\\.md`));
    // No staging folder is left behind.
    assert.deepEqual((await readdir(path.join(h.dir, '.keruta', 'artifacts'))).filter((name) => name.startsWith('.keruta-tmp')), []);
  });

  test('hostile archive: links, devices, absolute paths and .. are refused and named; nothing lands outside', async () => {
    const engine = h.engine({ collect: {} });
    const record = await runAndCollect(engine, 'hostile-1', 'keruta-sim/hostile:all');
    assert.equal(record.error, undefined, record.error?.message);
    const result = record.result!;
    assert.deepEqual(result.files, ['README.md']);
    const refused = result.refused.map((entry) => entry.name).join(' ');
    for (const name of ['evil.txt', 'keruta-evil.txt', 'escape', 'hard-passwd', 'null']) assert.match(refused, new RegExp(name));
    assert.ok(!existsSync(path.join(h.dir, '..', 'evil.txt')) && !existsSync('/tmp/keruta-evil.txt') && !existsSync(path.join(h.dir, 'outside')));
  });

  test('over the size limit: stopped cleanly with the setting named, nothing kept; the Job still completes', async () => {
    const engine = h.engine({ collect: { limits: { maxBytes: 1024 * 1024, maxFiles: 10_000 } } });
    const record = await runAndCollect(engine, 'large-1', 'keruta-sim/large-doc', { KERUTA_SIM_DOC_BYTES: String(5 * 1024 * 1024) });
    assert.equal(record.error?.kind, 'limit');
    assert.match(record.error.fix, /keruta\.collector\.maxBytes/);
    assert.ok(!existsSync(path.join(h.dir, '.keruta', 'artifacts', 'large-1', record.run.name)));
    assert.equal(statusIn(await h.readTaskFile('large-1.keruta.yaml'), 'large-1'), 'COMPLETED');
  });

  test('empty /.keruta/doc is a note, not an error; failed runs are not collected unless asked', async () => {
    const engine = h.engine({ collect: {} });
    const empty = await runAndCollect(engine, 'empty-1', 'keruta-sim/empty-doc');
    assert.equal(empty.error, undefined);
    assert.equal(empty.result?.empty, true);
    engine.dispose(); // one window at a time: it would release the collector without collecting
    const failing = h.engine({ collect: { collectOnFailure: true } });
    const failed = await runAndCollect(failing, 'fail-collect', 'keruta-sim/fail:2');
    assert.equal(failed.error, undefined, failed.error?.message);
    assert.ok(failed.result?.files.includes('README.md'));
    assert.equal(statusIn(await h.readTaskFile('fail-collect.keruta.yaml'), 'fail-collect'), 'FAILED');
  });

  test('exec forbidden: the error names pods/exec; the Pod still finishes by its window', async () => {
    h.sim.rbac.deny({ verb: 'create', resource: 'pods/exec' });
    try {
      const engine = h.engine({ collect: {} });
      const record = await runAndCollect(engine, 'noexec-1', 'busybox:1.36.1');
      assert.equal(record.error?.kind, 'cluster');
      assert.match(`${record.error.message} ${record.error.fix}`, /pods\/exec|"exec"/);
      assert.ok(record.releaseWarning, 'the release failed too');
    } finally {
      h.sim.rbac.allowAll();
    }
  });
});
