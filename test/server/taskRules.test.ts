/**
 * The task rules over LSP: a real server process (`dist/server.js`, build it with
 * `node esbuild.mjs`) with the fixture folder and the examples as workspace folders.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  createMessageConnection,
  type MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import type { CodeAction, Diagnostic, PublishDiagnosticsParams, TextEdit } from 'vscode-languageserver-protocol';
import { SERVER_BUNDLE } from './lspClient';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'tasks');
const examples = join(root, 'examples');
const uriOf = (path: string): string => pathToFileURL(path).href;
const ALPHA = join(fixtures, 'alpha.keruta.yaml');
const BETA = join(fixtures, 'beta.keruta.yaml');
/** The budget the test's settings give, so that the fixture's short description is over it. */
const BUDGET = 32;

/** Codes of the task rules and the parser (Job rules also run on task files; they are not checked here). */
const TASK_CODES = new Set([
  'task-duplicate-id', 'task-unknown-key', 'task-missing-id', 'task-missing-title', 'task-invalid-timestamp',
  'task-description-over-budget', 'task-invalid-status', 'task-invalid-priority', 'task-priority-range',
]);

/** LspTestClient's pattern, plus workspace folders, settings and log messages. */
class Client {
  private readonly waiters: { uri: string; resolve: (diagnostics: Diagnostic[]) => void }[] = [];
  private readonly logWaiters: { pattern: RegExp; resolve: () => void }[] = [];
  private readonly logs: string[] = [];
  stderr = '';

  constructor(
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
  ) {
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      for (const waiter of this.waiters.filter((w) => w.uri === params.uri && params.version === 1)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(params.diagnostics);
      }
    });
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({ job: { descriptionBudgetBytes: BUDGET } })));
    connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.logs.push(params.message);
      for (const waiter of this.logWaiters.filter((w) => w.pattern.test(params.message))) {
        this.logWaiters.splice(this.logWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
  }

  static async start(folders: readonly string[]): Promise<Client> {
    const child = spawn(process.execPath, [SERVER_BUNDLE, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new Client(child, connection);
    child.stderr.on('data', (chunk: Buffer) => (client.stderr += chunk.toString()));
    connection.listen();
    const indexed = client.log(/^Indexed \d+ task files\.$/);
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: folders.map((folder) => ({ uri: uriOf(folder), name: folder })),
      capabilities: { workspace: { configuration: true, workspaceFolders: true }, textDocument: { publishDiagnostics: { relatedInformation: true } } },
      initializationOptions: {},
    });
    await connection.sendNotification('initialized', {});
    await indexed;
    return client;
  }

  /** Resolves when the server logs a line matching `pattern` (or has already). */
  log(pattern: RegExp, timeoutMs = 5000): Promise<void> {
    if (this.logs.some((line) => pattern.test(line))) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log ${String(pattern)}; stderr: ${this.stderr}`)), timeoutMs);
      this.logWaiters.push({ pattern, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  async open(path: string, languageId = 'keruta-task'): Promise<Diagnostic[]> {
    const uri = uriOf(path);
    const next = new Promise<Diagnostic[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri}; stderr: ${this.stderr}`)), 5000);
      this.waiters.push({ uri, resolve: (diagnostics) => { clearTimeout(timer); resolve(diagnostics); } });
    });
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text: readFileSync(path, 'utf8') } });
    return next;
  }

  codeActions(path: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
    const uri = uriOf(path);
    return this.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}

const range = (line: number, start: number, end: number): Diagnostic['range'] => ({ start: { line, character: start }, end: { line, character: end } });

/** The edits of the code action titled `title` for this document. */
function editsOf(actions: readonly CodeAction[], title: string, uri: string): TextEdit[] | undefined {
  return actions.find((action) => action.title === title)?.edit?.changes?.[uri];
}

describe('task rules over LSP', () => {
  let client: Client;
  let alpha: Diagnostic[];
  before(async () => {
    client = await Client.start([fixtures, examples]);
    alpha = (await client.open(ALPHA)).filter((d) => typeof d.code === 'string' && TASK_CODES.has(d.code));
  });
  after(async () => {
    assert.equal(await client.stop(), 0);
  });

  const find = (code: string): Diagnostic => {
    const found = alpha.find((d) => d.code === code);
    assert.ok(found, `${code} in ${JSON.stringify(alpha.map((d) => d.code))}`);
    return found;
  };

  test('publishes each task finding with its code, severity and exact range', () => {
    const got = alpha
      .map((d) => ({ code: d.code, severity: d.severity, range: d.range }))
      .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    assert.deepEqual(got, [
      { code: 'task-missing-title', severity: 1, range: range(1, 0, 1) },
      { code: 'task-duplicate-id', severity: 1, range: range(1, 4, 14) },
      { code: 'task-unknown-key', severity: 2, range: range(2, 0, 5) },
      { code: 'task-description-over-budget', severity: 3, range: range(3, 0, 11) },
      { code: 'task-invalid-priority', severity: 1, range: range(4, 10, 13) },
      { code: 'task-invalid-status', severity: 1, range: range(5, 8, 12) },
      { code: 'task-invalid-timestamp', severity: 2, range: range(6, 11, 23) },
      { code: 'task-unknown-key', severity: 2, range: range(9, 2, 24) },
    ]);
    assert.ok(alpha.every((d) => d.source === 'keruta'));
    assert.match(find('task-description-over-budget').message as string, new RegExp(`over the ${BUDGET}-byte budget`));
  });

  test('the duplicate id points at the other task file', () => {
    const duplicate = find('task-duplicate-id');
    assert.deepEqual(duplicate.relatedInformation?.map((info) => info.location), [{ uri: uriOf(BETA), range: range(1, 4, 14) }]);
    assert.match(duplicate.relatedInformation?.[0]?.message ?? '', /build-docs/);
    assert.deepEqual(duplicate.data, { id: 'build-docs', suggestion: 'build-docs-2' });
  });

  test('quick fixes come back as edits: rename a key, unquote a priority, fix a status, add a title, rename the id', async () => {
    const uri = uriOf(ALPHA);
    const unknown = alpha.filter((d) => d.code === 'task-unknown-key');
    assert.deepEqual(editsOf(await client.codeActions(ALPHA, unknown[0]!), 'Rename `titel` to `title`', uri), [{ range: range(2, 0, 5), newText: 'title' }]);
    assert.deepEqual(
      editsOf(await client.codeActions(ALPHA, unknown[1]!), 'Rename `ttlSecondAfterFinished` to `ttlSecondsAfterFinished`', uri),
      [{ range: range(9, 2, 24), newText: 'ttlSecondsAfterFinished' }],
    );
    assert.deepEqual(editsOf(await client.codeActions(ALPHA, find('task-invalid-priority')), 'Write the priority as the number 3', uri), [{ range: range(4, 10, 13), newText: '3' }]);
    assert.deepEqual(editsOf(await client.codeActions(ALPHA, find('task-invalid-status')), 'Change `status` to COMPLETED', uri), [{ range: range(5, 8, 12), newText: 'COMPLETED' }]);
    assert.deepEqual(editsOf(await client.codeActions(ALPHA, find('task-missing-title')), 'Add `title: build-docs`', uri), [{ range: range(1, 14, 14), newText: '\ntitle: build-docs' }]);
    assert.deepEqual(editsOf(await client.codeActions(ALPHA, find('task-duplicate-id')), 'Rename the id to `build-docs-2`', uri), [{ range: range(1, 4, 14), newText: 'build-docs-2' }]);
    const timestamp = await client.codeActions(ALPHA, find('task-invalid-timestamp'));
    const setNow = timestamp.find((action) => action.title.startsWith('Set `createdAt` to the current time'));
    const [edit] = setNow?.edit?.changes?.[uri] ?? [];
    assert.deepEqual(edit?.range, range(6, 11, 23));
    assert.match(edit?.newText ?? '', /^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/);
  });

  test('the examples produce no error diagnostics', async () => {
    for (const path of [join(examples, 'sample.keruta.yaml'), join(examples, 'tasks', 'reports.keruta.yaml')]) {
      const errors = (await client.open(path)).filter((d) => d.severity === 1);
      assert.deepEqual(errors, [], path);
    }
  });
});
