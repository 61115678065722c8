/**
 * A minimal LSP client for benchmarks: starts any language server as a child process over stdio
 * and times `publishDiagnostics`. Unlike test/server/lspClient.ts it is server-neutral: it answers
 * `workspace/configuration` from a settings object, and waits for diagnostics either by document
 * version (servers that publish versions) or simply for the next publish of the URI.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import {
  createMessageConnection,
  type MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import type {
  ConfigurationParams,
  Diagnostic,
  InitializeResult,
  LogMessageParams,
  PublishDiagnosticsParams,
  WorkspaceFolder,
} from 'vscode-languageserver-protocol';

export interface Publish {
  readonly diagnostics: Diagnostic[];
  readonly version: number | undefined;
  /** performance.now() when the notification was read. */
  readonly at: number;
}

interface Waiter {
  readonly uri: string;
  readonly version: number | undefined;
  readonly resolve: (publish: Publish) => void;
  readonly reject: (error: Error) => void;
}

export interface StartOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** Settings by section (`keruta`, `yaml`, `[yaml]`…), answered to `workspace/configuration`. */
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly workspaceFolders?: readonly WorkspaceFolder[];
  readonly initializationOptions?: unknown;
}

/** Reads a dotted section (`yaml.schemas`) out of the settings object. */
function section(settings: Readonly<Record<string, unknown>>, name: string | undefined): unknown {
  if (name === undefined) return settings;
  if (name in settings) return settings[name];
  let value: unknown = settings;
  for (const part of name.split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value ?? null;
}

export class LspProcess {
  private readonly waiters: Waiter[] = [];
  private readonly versions = new Map<string, number>();
  private readonly logListeners: ((message: string, at: number) => void)[] = [];
  readonly latest = new Map<string, Publish>();
  /** Every publish, per URI, in arrival order (cleared by `forget`). */
  readonly publishes = new Map<string, Publish[]>();
  stderr = '';
  private exited = false;
  /** Rejected when the process exits (pending requests would otherwise wait forever). */
  private readonly onExit: ((error: Error) => void)[] = [];

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
    private settings: Readonly<Record<string, unknown>>,
  ) {
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      const publish: Publish = { diagnostics: params.diagnostics, version: params.version, at: performance.now() };
      this.latest.set(params.uri, publish);
      const list = this.publishes.get(params.uri);
      if (list) list.push(publish);
      else this.publishes.set(params.uri, [publish]);
      for (const waiter of this.waiters.filter((w) => w.uri === params.uri && (w.version === undefined || w.version === params.version))) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(publish);
      }
    });
    connection.onRequest('workspace/configuration', (params: ConfigurationParams) => params.items.map((item) => section(this.settings, item.section)));
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('client/unregisterCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/codeLens/refresh', () => null);
    connection.onNotification('window/logMessage', (params: LogMessageParams) => {
      const at = performance.now();
      for (const listener of this.logListeners) listener(params.message, at);
    });
    connection.onNotification('telemetry/event', () => undefined);
    connection.onNotification('$/progress', () => undefined);
    child.once('exit', (code, signal) => {
      this.exited = true;
      const error = new Error(`${name} exited (${signal ?? code}); stderr: ${this.stderr}`);
      for (const waiter of this.waiters.splice(0)) waiter.reject(error);
      for (const reject of this.onExit.splice(0)) reject(error);
    });
  }

  /** Spawns the server and completes `initialize`/`initialized`; `initializeSentAt` is when initialize went out. */
  static async start(options: StartOptions): Promise<{ server: LspProcess; initialize: InitializeResult; initializeSentAt: number }> {
    const child = spawn(options.command, [...options.args], { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const server = new LspProcess(options.name, child, connection, options.settings ?? {});
    child.stderr.on('data', (chunk: Buffer) => (server.stderr = (server.stderr + chunk.toString()).slice(-4000)));
    connection.listen();
    const folders = options.workspaceFolders ?? null;
    const initializeSentAt = performance.now();
    const exited = new Promise<never>((_, reject) => server.onExit.push(reject));
    exited.catch(() => undefined);
    const initialize = await Promise.race([exited, connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: folders?.[0]?.uri ?? null,
      workspaceFolders: folders,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
        textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true }, synchronization: { dynamicRegistration: false } },
      },
      initializationOptions: options.initializationOptions ?? {},
    })]);
    server.onExit.length = 0;
    await connection.sendNotification('initialized', {});
    return { server, initialize, initializeSentAt };
  }

  /** Replaces the settings and tells the server (the settings travel in the notification too). */
  async configure(settings: Readonly<Record<string, unknown>>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification('workspace/didChangeConfiguration', { settings });
  }

  onLog(listener: (message: string, at: number) => void): void {
    this.logListeners.push(listener);
  }

  /** The next publish for `uri` (of `version`, when given). Register before sending what triggers it. */
  nextPublish(uri: string, version?: number, timeoutMs = 30_000): Promise<Publish> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new Error(`${this.name}: no diagnostics for ${uri}${version === undefined ? '' : ` v${version}`} within ${timeoutMs} ms; stderr: ${this.stderr}`));
      }, timeoutMs);
      const waiter: Waiter = {
        uri,
        version,
        resolve: (publish) => {
          clearTimeout(timer);
          resolve(publish);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Sends didOpen and resolves with the publish answering it, timed from the moment it was sent.
   * `byVersion`: wait for a publish of version 1 (servers that publish versions); otherwise the next one.
   */
  async open(uri: string, text: string, languageId: string, byVersion: boolean, timeoutMs?: number): Promise<Publish & { latencyMs: number }> {
    this.versions.set(uri, 1);
    const next = this.nextPublish(uri, byVersion ? 1 : undefined, timeoutMs);
    const sent = performance.now();
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    const publish = await next;
    return { ...publish, latencyMs: publish.at - sent };
  }

  /** Sends a full-text didChange and resolves with the publish answering it (see `open`). */
  async change(uri: string, text: string, byVersion: boolean, timeoutMs?: number): Promise<Publish & { latencyMs: number }> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const next = this.nextPublish(uri, byVersion ? version : undefined, timeoutMs);
    const sent = performance.now();
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    const publish = await next;
    return { ...publish, latencyMs: publish.at - sent };
  }

  /** Sends didOpen without waiting (for pipelined opens). */
  async openNoWait(uri: string, text: string, languageId: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  async close(uri: string): Promise<void> {
    this.versions.delete(uri);
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  forget(uri: string): void {
    this.publishes.delete(uri);
    this.latest.delete(uri);
  }

  /** Resolves once no publish arrived for `quietMs` (bounded by `maxMs`). */
  async settle(quietMs: number, maxMs: number): Promise<void> {
    const start = performance.now();
    let last = -1;
    for (;;) {
      const newest = Math.max(0, ...[...this.latest.values()].map((p) => p.at));
      const now = performance.now();
      if (newest === last && now - Math.max(newest, start) >= quietMs) return;
      if (now - start >= maxMs) return;
      last = newest;
      await new Promise((resolve) => setTimeout(resolve, Math.min(quietMs, 20)));
    }
  }

  /** shutdown + exit, then kills the process if it lingers. Never throws. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => {
      if (this.exited) resolve();
      else this.child.once('exit', () => resolve());
    });
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((resolve) => setTimeout(resolve, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // the process may already be gone
    }
    const timer = setTimeout(() => this.kill(), 2000);
    await exited;
    clearTimeout(timer);
    this.connection.dispose();
  }

  /** Kills the child (by its pid, SIGKILL) if it is still running. */
  kill(): void {
    if (!this.exited && this.child.pid !== undefined) {
      try {
        this.child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
