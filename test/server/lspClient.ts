/**
 * A real JSON-RPC client that starts the bundled language server (`dist/server.js --stdio`) as a
 * separate process and speaks LSP to it. Tests wait on notifications instead of sleeping.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  createMessageConnection,
  type MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import type { Diagnostic, InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

export const SERVER_BUNDLE = join(__dirname, '..', '..', 'dist', 'server.js');

export class LspTestClient {
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: { uri: string; version?: number; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  private versions = new Map<string, number>();
  stderr = '';
  /** What the client answers for `workspace/configuration` section `keruta` (as VS Code would, nested). */
  configuration: unknown = {};
  private readonly watchers = new Set<(params: PublishDiagnosticsParams) => void>();

  private constructor(
    readonly process: ChildProcess,
    readonly connection: MessageConnection,
  ) {
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.diagnostics.set(params.uri, params);
      for (const watch of [...this.watchers]) watch(params);
      // A waiter for a version takes only diagnostics of that version (servers may republish older ones).
      for (const waiter of this.waiters.filter((w) => w.uri === params.uri && (w.version === undefined || params.version === w.version))) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(params);
      }
    });
    connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map((item) => (item.section === 'keruta' ? this.configuration : null)),
    );
    connection.onNotification('window/logMessage', () => undefined);
  }

  static async start(initializationOptions: unknown = {}, workspaceFolders: readonly string[] = []): Promise<{ client: LspTestClient; initialize: InitializeResult }> {
    const child = spawn(process.execPath, [SERVER_BUNDLE, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new LspTestClient(child, connection);
    child.stderr.on('data', (chunk: Buffer) => (client.stderr += chunk.toString()));
    connection.listen();
    const initialize = await connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: workspaceFolders.map((uri, index) => ({ uri, name: `folder-${index}` })),
      capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { relatedInformation: true } } },
      initializationOptions,
    });
    await connection.sendNotification('initialized', {});
    return { client, initialize };
  }

  /** Resolves with the next diagnostics published for `uri` (for `version`, when given). */
  nextDiagnostics(uri: string, version?: number, timeoutMs = 5000): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms; server stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({
        uri,
        ...(version !== undefined ? { version } : {}),
        resolve: (params) => {
          clearTimeout(timer);
          resolve(params.diagnostics);
        },
      });
    });
  }

  async open(uri: string, text: string, languageId = 'keruta-task'): Promise<Diagnostic[]> {
    const next = this.nextDiagnostics(uri, 1);
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return next;
  }

  async replace(uri: string, text: string): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    const next = this.nextDiagnostics(uri, version);
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return next;
  }

  /**
   * Resolves with the first diagnostics for `uri` (the latest published, or a later publish) that
   * satisfy `predicate`: for changes whose effect arrives with some publish, not a known one.
   */
  waitForDiagnostics(uri: string, predicate: (diagnostics: Diagnostic[]) => boolean, timeoutMs = 5000): Promise<Diagnostic[]> {
    const latest = this.diagnostics.get(uri);
    if (latest && predicate(latest.diagnostics)) return Promise.resolve(latest.diagnostics);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.watchers.delete(watch);
        reject(new Error(`diagnostics for ${uri} never satisfied the condition; last: ${JSON.stringify(this.diagnostics.get(uri)?.diagnostics.map((d) => d.code))}`));
      }, timeoutMs);
      const watch = (params: PublishDiagnosticsParams): void => {
        if (params.uri !== uri || !predicate(params.diagnostics)) return;
        clearTimeout(timer);
        this.watchers.delete(watch);
        resolve(params.diagnostics);
      };
      this.watchers.add(watch);
    });
  }

  /** Changes the settings the client answers with and tells the server, as VS Code does. */
  async configure(configuration: unknown, uri: string, until: (diagnostics: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    this.configuration = configuration;
    const next = this.waitForDiagnostics(uri, until);
    await this.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    return next;
  }

  async close(uri: string): Promise<Diagnostic[]> {
    const next = this.nextDiagnostics(uri);
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    return next;
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.process.once('exit', (code) => resolve(code)));
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}
