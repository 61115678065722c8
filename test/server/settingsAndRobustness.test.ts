/**
 * Settings the server pulls per document (severities, the env-name rule, the collection window),
 * the cluster version the client reports, suppression comments, and the server surviving random
 * edits over LSP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspTestClient } from './lspClient';

const JOB = `apiVersion: batch/v1
kind: Job
metadata:
  generateName: demo-
spec:
  ttlSecondsAfterFinished: 120
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: main
          image: alpine:3.20
          env:
            - name: 1ST_VALUE
              value: x
`;
const codes = (diagnostics: readonly Diagnostic[]): string[] => diagnostics.map((d) => String(d.code)).sort();

describe('settings, cluster version and suppression over LSP', () => {
  let client: LspTestClient;
  before(async () => {
    client = (await LspTestClient.start()).client;
  });
  after(async () => {
    await client.stop();
  });

  test('the env-name rule follows the setting, then the cluster version the client reports', async () => {
    const uri = 'file:///w/env.yaml';
    const unknown = await client.open(uri, JOB, 'yaml');
    const classicOnly = unknown.find((d) => d.code === 'env-name-classic');
    assert.equal(classicOnly?.severity, 2, 'a warning while the cluster version is unknown');

    const severityOf = (diagnostics: Diagnostic[]) => diagnostics.find((d) => d.code === 'env-name-classic')?.severity;
    await client.configure({ diagnostics: { envNameRule: 'classic' } }, uri, (d) => severityOf(d) === 1);
    await client.configure({ diagnostics: { envNameRule: 'relaxed' } }, uri, (d) => severityOf(d) === undefined);
    await client.configure({ diagnostics: { envNameRule: 'auto' } }, uri, (d) => severityOf(d) === 2);

    const next = client.waitForDiagnostics(uri, (d) => severityOf(d) === 1);
    await client.connection.sendNotification('keruta/clusterVersion', { major: '1', minor: '31' });
    await next; // a 1.31 cluster rejects the name: an error now
  });

  test('severity overrides and "off", and the collection window from settings', async () => {
    const uri = 'file:///w/window.yaml';
    const keruta = JOB.replace('generateName: demo-', 'generateName: demo-\n  labels:\n    app.kubernetes.io/managed-by: keruta').replace('name: 1ST_VALUE', 'name: FIRST_VALUE');
    client.configuration = {};
    const before = await client.open(uri, keruta, 'yaml');
    assert.ok(codes(before).includes('ttl-too-short'), 'TTL 120 s is shorter than the default 300 s window');
    assert.ok(codes(before).includes('env-keruta-missing'));
    const configured = await client.configure(
      { collector: { windowSeconds: 60 }, diagnostics: { severity: { 'env-keruta-missing': 'off', 'ttl-missing': 'error' } } },
      uri,
      (d) => !codes(d).includes('ttl-too-short'),
    );
    assert.equal(codes(configured).includes('env-keruta-missing'), false, 'turned off');
    const withoutTtl = await client.replace(uri, keruta.replace('  ttlSecondsAfterFinished: 120\n', ''));
    assert.equal(withoutTtl.find((d) => d.code === 'ttl-missing')?.severity, 1, 'raised to an error');
  });

  test('# keruta-ignore: CODE on the line or the line above silences that code there only', async () => {
    const uri = 'file:///w/ignore.yaml';
    client.configuration = {};
    const text = JOB.replace('      restartPolicy: Never', '      # keruta-ignore: job-restart-policy\n      restartPolicy: Always').replace('- name: 1ST_VALUE', '- name: 1ST_VALUE # keruta-ignore: env-name-classic');
    const diagnostics = await client.open(uri, text, 'yaml');
    assert.equal(codes(diagnostics).includes('job-restart-policy'), false);
    assert.equal(codes(diagnostics).includes('env-name-classic'), false);
    const unsuppressed = await client.replace(uri, text.replace('keruta-ignore: job-restart-policy', 'a plain comment'));
    assert.ok(codes(unsuppressed).includes('job-restart-policy'));
  });

  test('every diagnostic offers a suppression quick fix that works', async () => {
    const uri = 'file:///w/suppress-fix.yaml';
    client.configuration = {};
    const text = JOB.replace('restartPolicy: Never', 'restartPolicy: Always');
    const diagnostics = await client.open(uri, text, 'yaml');
    const target = diagnostics.find((d) => d.code === 'job-restart-policy')!;
    const actions = await client.connection.sendRequest<{ title: string; edit: { changes: Record<string, { range: { start: { line: number } }; newText: string }[]> } }[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: target.range,
      context: { diagnostics: [target] },
    });
    const suppress = actions.find((a) => a.title.includes('job-restart-policy') && a.edit.changes[uri]![0]!.newText.includes('keruta-ignore'));
    assert.ok(suppress, JSON.stringify(actions.map((a) => a.title)));
    const edit = suppress.edit.changes[uri]![0]!;
    const lines = text.split('\n');
    lines.splice(edit.range.start.line, 0, edit.newText.replace(/\n$/, ''));
    const after = await client.replace(uri, lines.join('\n'));
    assert.equal(codes(after).includes('job-restart-policy'), false);
  });
});

describe('robustness over LSP: random edits', () => {
  let client: LspTestClient;
  before(async () => {
    client = (await LspTestClient.start()).client;
  });
  after(async () => {
    assert.equal(await client.stop(), 0, 'the server is alive and exits cleanly');
  });

  test('the server answers every random edit with diagnostics inside the document', async () => {
    const uri = 'file:///w/random.keruta.yaml';
    let text = 'id: a\ntitle: A\njob:\n  image: alpine:3.20\n  env:\n    - name: KERUTA_TASK_ID\n      value: x\n';
    await client.open(uri, text);
    const edits = fc.sample(fc.tuple(fc.nat(500), fc.nat(20), fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('\n', ': ', '- ', '&a ', '*a', '---\n', '"', '{', '[', 'KERUTA_TASK_', '🙂'))), { numRuns: 120, seed: 42 });
    for (const [at, length, insert] of edits) {
      const position = at % (text.length + 1);
      text = text.slice(0, position) + insert + text.slice(position + length);
      const diagnostics = await client.replace(uri, text);
      const lineCount = text.split('\n').length;
      for (const diagnostic of diagnostics) {
        assert.ok(diagnostic.range.start.line < lineCount && diagnostic.range.end.line < lineCount, `${String(diagnostic.code)} outside the document`);
      }
    }
  });
});
