/**
 * The Job rules through the real language server over stdio: fixture files opened as YAML get
 * their diagnostics at exact ranges (schema findings once the validator has loaded), clean and
 * non-Job YAML get none, and quick fixes come back as edits.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { LspTestClient } from './lspClient';

const FIXTURES = join(__dirname, '..', 'fixtures', 'job');

function fixture(name: string): { uri: string; text: string } {
  const path = join(FIXTURES, name);
  return { uri: pathToFileURL(path).toString(), text: readFileSync(path, 'utf8') };
}

/** code, severity and range as `line:char-line:char` (0-based), sorted by position. */
function summary(diagnostics: readonly Diagnostic[]): string[] {
  return [...diagnostics]
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character)
    .map((d) => `${String(d.code)} ${d.severity} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`);
}

const ERROR = 1;
const WARNING = 2;

describe('Job rules over LSP', () => {
  let client: LspTestClient;
  before(async () => {
    client = (await LspTestClient.start()).client;
  });
  after(async () => {
    assert.equal(await client.stop(), 0);
  });

  /**
   * Opens a document and returns its diagnostics once `ready` holds: the schema validator loads
   * after `initialized`, so until then the document is re-sent (a new version each time).
   */
  async function openUntil(uri: string, text: string, ready: (diagnostics: Diagnostic[]) => boolean, timeoutMs = 5000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    let diagnostics = await client.open(uri, text, 'yaml');
    while (!ready(diagnostics)) {
      if (Date.now() > deadline) assert.fail(`diagnostics never became ready: ${JSON.stringify(summary(diagnostics))}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
      diagnostics = await client.replace(uri, text);
    }
    return diagnostics;
  }

  async function codeActions(uri: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
    return client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ['quickfix'] },
    });
  }

  function editsOf(action: CodeAction | undefined, uri: string): TextEdit[] {
    assert.ok(action?.edit?.changes, `no edit in ${JSON.stringify(action)}`);
    return action.edit.changes[uri] ?? [];
  }

  test('a broken keruta Job: every finding at its exact range, the schema one once it has loaded', async () => {
    const { uri, text } = fixture('broken-job.yaml');
    const diagnostics = await openUntil(uri, text, (ds) => ds.some((d) => d.code === 'job-schema'));
    assert.deepEqual(summary(diagnostics), [
      `job-schema ${ERROR} 8:16-8:19`, // backoffLimit: two
      `ttl-zero ${WARNING} 9:27-9:28`, // ttlSecondsAfterFinished: 0
      `job-restart-policy ${ERROR} 12:21-12:27`, // restartPolicy: Always
      `env-keruta-missing ${WARNING} 16:10-16:13`, // env (KERUTA_TASK_CREATED_AT is misspelt)
      `env-keruta-unknown ${WARNING} 27:20-27:41`, // KERUTA_TASK_CREATEDAT
    ]);
    assert.ok(diagnostics.every((d) => d.source === 'keruta'));
    const unknown = diagnostics.find((d) => d.code === 'env-keruta-unknown')!;
    assert.match(typeof unknown.message === 'string' ? unknown.message : unknown.message.value, /Did you mean KERUTA_TASK_CREATED_AT\?/);
    assert.deepEqual(unknown.data, { suggestion: 'KERUTA_TASK_CREATED_AT' });
  });

  test('quick fixes come back as edits: Always → Never, the rename, TTL 0 → 3600', async () => {
    const { uri, text } = fixture('broken-job.yaml');
    const diagnostics = await client.replace(uri, text);
    const restart = diagnostics.find((d) => d.code === 'job-restart-policy')!;
    const actions = await codeActions(uri, restart);
    const fix = actions.find((action) => action.title === 'Set restartPolicy: Never');
    assert.equal(fix?.isPreferred, true);
    assert.deepEqual(editsOf(fix, uri), [{ range: restart.range, newText: 'Never' }]);
    assert.ok(actions.some((action) => action.title === 'Suppress job-restart-policy on this line'));

    const unknown = diagnostics.find((d) => d.code === 'env-keruta-unknown')!;
    assert.deepEqual(editsOf((await codeActions(uri, unknown))[0], uri), [{ range: unknown.range, newText: 'KERUTA_TASK_CREATED_AT' }]);
    const ttl = diagnostics.find((d) => d.code === 'ttl-zero')!;
    assert.deepEqual(editsOf((await codeActions(uri, ttl))[0], uri), [{ range: ttl.range, newText: '3600' }]);
  });

  test('an unknown field: on the key, with the rename as a quick fix (the bundled schema at work)', async () => {
    const uri = 'file:///w/unknown-field.yaml';
    const text = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: demo\nspec:\n  ttlSecondsAfterFinished: 3600\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: main\n          image: busybox:1.36.1\n          imagePullPolicyy: IfNotPresent\n';
    const diagnostics = await openUntil(uri, text, (ds) => ds.some((d) => d.code === 'job-schema'));
    assert.deepEqual(summary(diagnostics), [`job-schema ${ERROR} 12:10-12:26`]);
    const unknown = diagnostics[0]!;
    assert.match(typeof unknown.message === 'string' ? unknown.message : unknown.message.value, /^`imagePullPolicyy` is not a field of io\.k8s\.api\.core\.v1\.Container: .* Did you mean `imagePullPolicy`\?$/);
    const rename = (await codeActions(uri, unknown)).find((action) => action.title === 'Rename to `imagePullPolicy`');
    assert.equal(rename?.isPreferred, true);
    assert.deepEqual(editsOf(rename, uri), [{ range: unknown.range, newText: 'imagePullPolicy' }]);
  });

  test('a clean keruta Job as the renderer writes it gets no diagnostics at all', async () => {
    const { uri, text } = fixture('clean-keruta-job.yaml');
    assert.deepEqual(await client.open(uri, text, 'yaml'), []);
  });

  test('a multi-document file: only its Jobs are checked; inserting restartPolicy keeps the indentation', async () => {
    const { uri, text } = fixture('multi-document.yaml');
    const diagnostics = await client.open(uri, text, 'yaml');
    assert.deepEqual(summary(diagnostics), [
      `name-invalid ${ERROR} 24:8-24:18`, // Second_Job
      `job-restart-policy ${ERROR} 28:4-28:8`, // the pod spec key of the second Job
      `image-untagged ${WARNING} 31:15-31:22`, // busybox
    ]);
    const restart = diagnostics.find((d) => d.code === 'job-restart-policy')!;
    assert.deepEqual(editsOf((await codeActions(uri, restart))[0], uri), [
      { range: { start: { line: 29, character: 6 }, end: { line: 29, character: 6 } }, newText: 'restartPolicy: Never\n      ' },
    ]);
    const image = diagnostics.find((d) => d.code === 'image-untagged')!;
    const pin = (await codeActions(uri, image))[0];
    assert.equal(pin?.title, 'Pin busybox:1.36.1');
    assert.deepEqual(editsOf(pin, uri), [{ range: image.range, newText: 'busybox:1.36.1' }]);
  });

  test('YAML that is not a Job gets nothing', async () => {
    const { uri, text } = fixture('not-a-job.yaml');
    assert.deepEqual(await client.open(uri, text, 'yaml'), []);
  });

  test('task files: the job section is checked with the same rules', async () => {
    const uri = 'file:///w/report.keruta.yaml';
    const text = 'id: report\ntitle: Report\njob:\n  image: <TASK_IMAGE>\n  ttlSecondsAfterFinished: 60\n  env:\n    - name: API_TOKEN\n      value: abc123\n';
    const diagnostics = (await client.open(uri, text)).filter((d) => ['image-placeholder', 'ttl-too-short', 'env-secret-literal'].includes(String(d.code)));
    assert.deepEqual(summary(diagnostics), [`image-placeholder ${ERROR} 3:9-3:21`, `ttl-too-short ${WARNING} 4:27-4:29`, `env-secret-literal ${WARNING} 7:13-7:19`]);
    const secret = diagnostics.find((d) => d.code === 'env-secret-literal')!;
    assert.deepEqual(editsOf((await codeActions(uri, secret))[0], uri), [
      { range: { start: { line: 7, character: 6 }, end: { line: 7, character: 19 } }, newText: 'secretKeyRef:\n        name: api-token\n        key: api_token' },
    ]);
  });
});
