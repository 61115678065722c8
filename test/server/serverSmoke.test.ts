import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LspTestClient } from './lspClient';

describe('language server over stdio', () => {
  let client: LspTestClient;
  before(async () => {
    const started = await LspTestClient.start();
    client = started.client;
    assert.equal(started.initialize.serverInfo?.name, 'keruta-language-server');
  });
  after(async () => {
    assert.equal(await client.stop(), 0, 'server exits with 0 after shutdown/exit');
  });

  test('publishes parse problems of a task file at their exact range, then clears them', async () => {
    const uri = 'file:///work/tasks/bad.keruta.yaml';
    const diagnostics = await client.open(uri, 'id: a\ntitle: A\npriority: high\njob:\n  image: alpine:3.20\n');
    assert.equal(diagnostics.length, 1);
    const [priority] = diagnostics;
    assert.equal(priority!.code, 'task-invalid-priority');
    assert.equal(priority!.source, 'keruta');
    assert.deepEqual(priority!.range, { start: { line: 2, character: 10 }, end: { line: 2, character: 14 } });

    assert.deepEqual(await client.replace(uri, 'id: a\ntitle: A\npriority: 2\njob:\n  image: alpine:3.20\n'), []);
    assert.deepEqual(await client.close(uri), []);
  });

  test('reports YAML syntax errors and keeps serving after them', async () => {
    const uri = 'file:///work/tasks/syntax.keruta.yml';
    const diagnostics = await client.open(uri, 'id: "open\n');
    assert.ok(diagnostics.some((d) => d.code === 'yaml-syntax'));
    assert.deepEqual(await client.replace(uri, 'id: ok\ntitle: fine\njob:\n  image: alpine:3.20\n'), []);
  });

  test('loads a translation bundle given in initializationOptions', async () => {
    const { client: japanese } = await LspTestClient.start({ l10nBundlePath: join(__dirname, '..', '..', 'l10n', 'bundle.l10n.ja.json') });
    try {
      const diagnostics = await japanese.open('file:///w/ja.keruta.yaml', 'description: x\n');
      assert.ok(diagnostics.some((d) => (typeof d.message === 'string' ? d.message : d.message.value).includes('タスクに `id` がありません')), JSON.stringify(diagnostics));
    } finally {
      await japanese.stop();
    }
  });
});
