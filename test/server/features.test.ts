import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { CodeLens, CompletionItem, CompletionList, DocumentSymbol, Hover, MarkupContent, Position } from 'vscode-languageserver-protocol';
import { parse as parseYaml } from 'yaml';
import { KERUTA_ENV_NAMES } from '../../server/src/core/envMapping';
import { DEFAULT_RENDER_OPTIONS } from '../../server/src/core/jobRenderer';
import { RenderJobRequest, type RenderJobParams, type RenderJobResult } from '../../server/src/protocol';
import { LspTestClient } from './lspClient';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'features');

interface Opened {
  readonly uri: string;
  readonly text: string;
}

/** Position just after the first `needle` in the text (at `offset` characters into it, when given). */
function positionOf(text: string, needle: string, offset = needle.length): Position {
  const index = text.indexOf(needle);
  assert.ok(index >= 0, `fixture has ${JSON.stringify(needle)}`);
  const before = text.slice(0, index + offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

describe('language features over stdio', () => {
  let client: LspTestClient;
  const open = async (path: string, languageId = 'keruta-task'): Promise<Opened> => {
    const text = readFileSync(path, 'utf8');
    const uri = pathToFileURL(path).toString();
    await client.open(uri, text, languageId);
    return { uri, text };
  };
  const request = <T>(method: string, params: unknown): Promise<T> => client.connection.sendRequest<T>(method, params);
  const completion = async (document: Opened, position: Position): Promise<CompletionItem[]> => {
    const result = await request<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri: document.uri }, position });
    return Array.isArray(result) ? result : (result?.items ?? []);
  };
  const hover = (document: Opened, position: Position): Promise<Hover | null> => request('textDocument/hover', { textDocument: { uri: document.uri }, position });
  const renderJob = (params: RenderJobParams): Promise<RenderJobResult> => request(RenderJobRequest, params);

  let tasks: Opened;
  let partial: Opened;
  let job: Opened;

  before(async () => {
    const started = await LspTestClient.start();
    client = started.client;
    const capabilities = started.initialize.capabilities;
    assert.ok(capabilities.completionProvider && capabilities.hoverProvider && capabilities.documentSymbolProvider && capabilities.codeLensProvider);
    tasks = await open(join(fixtures, 'tasks.keruta.yaml'));
    partial = await open(join(fixtures, 'partial.keruta.yaml'));
    job = await open(join(fixtures, 'job.yaml'), 'yaml');
  });
  after(async () => {
    assert.equal(await client.stop(), 0);
  });

  test('completes task keys and KERUTA_TASK_* names in a task file that does not parse', async () => {
    const keys = await completion(partial, positionOf(partial.text, '\nsta', 4));
    const status = keys.find((item) => item.label === 'status');
    assert.ok(status, JSON.stringify(keys.map((item) => item.label)));
    assert.ok(!keys.some((item) => item.label === 'id' || item.label === 'title' || item.label === 'job'), 'keys already there are left out');
    assert.deepEqual(status.textEdit && 'range' in status.textEdit ? status.textEdit.range : undefined, { start: { line: 6, character: 0 }, end: { line: 6, character: 3 } });

    const names = await completion(partial, positionOf(partial.text, '- name: KERUTA_TASK_'));
    assert.deepEqual(names.map((item) => item.label), [...KERUTA_ENV_NAMES]);
    assert.match((names[0]?.documentation as MarkupContent).value, /`id`/);
  });

  test('completes the restart policy and env names in Job YAML', async () => {
    const policies = await completion(job, positionOf(job.text, 'restartPolicy: '));
    assert.deepEqual(policies.map((item) => [item.label, item.preselect === true]), [['Never', true], ['OnFailure', false]]);
    const names = await completion(job, positionOf(job.text, '            - name: \n', '            - name:'.length));
    assert.deepEqual(names.map((item) => item.label), KERUTA_ENV_NAMES.filter((name) => name !== 'KERUTA_TASK_ID'));
  });

  test('hovers over task keys, KERUTA_TASK_* names and Job fields', async () => {
    const priority = await hover(tasks, positionOf(tasks.text, 'prio', 2));
    assert.deepEqual(priority?.range, { start: { line: 3, character: 0 }, end: { line: 3, character: 8 } });
    assert.match((priority?.contents as MarkupContent).value, /KERUTA_TASK_PRIORITY/);

    const name = await hover(tasks, positionOf(tasks.text, '$KERUTA_TASK_TITLE', 5));
    const table = (name?.contents as MarkupContent).value;
    assert.match(table, /task's `title`/);
    for (const variable of KERUTA_ENV_NAMES) assert.ok(table.includes(variable), variable);

    const ttl = await hover(job, positionOf(job.text, 'ttlSeconds', 3));
    assert.match((ttl?.contents as MarkupContent).value, /TTL-after-finished controller/);
    assert.equal(await hover(job, positionOf(job.text, 'hand-written', 3)), null);
  });

  test('lists tasks and Jobs as document symbols', async () => {
    const symbols = await request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: tasks.uri } });
    assert.deepEqual(symbols.map((symbol) => [symbol.name, symbol.detail]), [
      ['Build the docs', 'build-docs · IN_PROGRESS · priority 4'],
      ['draft', 'draft · PENDING · priority 0'],
    ]);
    assert.deepEqual(symbols[0]?.range, { start: { line: 1, character: 0 }, end: { line: 12, character: 0 } });
    assert.deepEqual(symbols[0]?.selectionRange, { start: { line: 1, character: 4 }, end: { line: 1, character: 14 } });
    assert.deepEqual(symbols[0]?.children?.map((child) => child.name), ['image', 'command', 'env', 'backoffLimit']);

    const jobs = await request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: job.uri } });
    assert.deepEqual(jobs.map((symbol) => [symbol.name, symbol.detail, symbol.children?.map((child) => child.name)]), [['hand-written', 'Job in jobs', ['main']]]);
  });

  test('puts Run Task and Show Job YAML lenses above complete tasks only', async () => {
    const lenses = await request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: tasks.uri } });
    assert.deepEqual(lenses.map((lens) => [lens.range.start.line, lens.command?.command, lens.command?.arguments]), [
      [1, 'keruta.runTask', [tasks.uri, 'build-docs']],
      [1, 'keruta.showJobYaml', [tasks.uri, 'build-docs']],
    ]);
    assert.equal(lenses[0]?.command?.title, '$(play) Run Task');
    assert.deepEqual(await request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: job.uri } }), []);
  });

  test('renders the sample task "123" into a Job without errors', async () => {
    const sample = await open(join(root, 'examples', 'sample.keruta.yaml'));
    const result = await renderJob({ uri: sample.uri, taskId: '123', options: DEFAULT_RENDER_OPTIONS });
    assert.equal(result.found, true);
    assert.equal(result.errors, 0, JSON.stringify(result.diagnostics));
    for (const variable of KERUTA_ENV_NAMES) assert.ok(result.yaml.includes(variable), variable);
    assert.match(result.yaml, /restartPolicy: Never/);
    assert.equal(result.namespace, 'default');
  });

  test('reports errors for a task without an image and no default image, and found: false for unknown tasks', async () => {
    const noImage = await open(join(fixtures, 'noimage.keruta.yaml'));
    const result = await renderJob({ uri: noImage.uri, taskId: 'no-image', options: DEFAULT_RENDER_OPTIONS });
    assert.equal(result.found, true);
    assert.ok(result.errors > 0, JSON.stringify(result.diagnostics));
    // One report of the cause (the rule's, on the task), not a second one from the renderer.
    assert.deepEqual(result.diagnostics.filter((d) => /image-missing|render-missing-image/.test(d.code)).map((d) => [d.code, d.source]), [['image-missing', 'task']]);

    assert.equal((await renderJob({ uri: noImage.uri, taskId: 'missing', options: DEFAULT_RENDER_OPTIONS })).found, false);
    assert.equal((await renderJob({ uri: 'file:///not/open.keruta.yaml', taskId: 'x', options: DEFAULT_RENDER_OPTIONS })).found, false);
  });

  test('renders a task of a file that is not open from the text the client sends', async () => {
    const file = join(root, 'examples', 'tasks', 'reports.keruta.yaml');
    const text = readFileSync(file, 'utf8');
    const result = await renderJob({ uri: pathToFileURL(file).toString(), taskId: 'nightly-report', options: DEFAULT_RENDER_OPTIONS, text });
    assert.equal(result.found, true);
    assert.equal(result.errors, 0, JSON.stringify(result.diagnostics));
    assert.match(result.yaml, /KERUTA_TASK_ID/);
  });

  test('rendered for Run Task (startedAt): the Pod gets the task as IN_PROGRESS, updated at the start', async () => {
    const sample = await open(join(root, 'examples', 'sample.keruta.yaml'));
    const envOf = (yaml: string, name: string): unknown => {
      const job = parseYaml(yaml) as { spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } } };
      return job.spec.template.spec.containers[0]!.env?.find((variable) => variable.name === name)?.value;
    };
    const plain = await renderJob({ uri: sample.uri, taskId: '123', options: DEFAULT_RENDER_OPTIONS });
    assert.notEqual(envOf(plain.yaml, 'KERUTA_TASK_STATUS'), 'IN_PROGRESS', 'the sample task is not in progress to begin with');
    const startedAt = '2026-11-27T12:34:56.789Z';
    const started = await renderJob({ uri: sample.uri, taskId: '123', options: DEFAULT_RENDER_OPTIONS, startedAt });
    assert.equal(started.errors, 0, JSON.stringify(started.diagnostics));
    assert.equal(envOf(started.yaml, 'KERUTA_TASK_STATUS'), 'IN_PROGRESS');
    assert.equal(envOf(started.yaml, 'KERUTA_TASK_UPDATED_AT'), startedAt);
    assert.equal(envOf(started.yaml, 'KERUTA_TASK_CREATED_AT'), envOf(plain.yaml, 'KERUTA_TASK_CREATED_AT'));
  });
});
