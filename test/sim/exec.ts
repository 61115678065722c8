// The pod exec subresource over WebSockets (GET or POST /api/v1/namespaces/{ns}/pods/{name}/exec
// with an Upgrade), as kubectl 1.30+ and client-node use it:
//   - before the upgrade, refusals are plain HTTP responses with a Status body: 403 (authorize, for
//     both `get` and `create` on pods/exec), 404 (no pod), 400 (container, streams, command);
//   - the subprotocol is the first of v5, v4, v3, v2 and channel.k8s.io the client offers;
//   - after the upgrade: an empty frame on the lowest writable channel, stdout `[1,…]` and stderr
//     `[2,…]` frames, exactly one status on channel 3, then a close. stdin arrives as `[0,…]`, and
//     `[255,0]` closes it (v5); resize frames (channel 4) are ignored.
// The command runs against the container's ContainerFileSystem (execCommands.ts). Output respects
// the WebSocket's bufferedAmount, so a large tar streams with bounded memory; the command stops
// when the client goes away.

import { STATUS_CODES, type IncomingMessage } from 'node:http';
import { PassThrough, type Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { type StatusBody, failureStatus } from './discovery';
import { type CommandTable, DEFAULT_COMMANDS, type ExecOutcome, runExec } from './execCommands';
import { type PodContainers, type PodSubresourceAttributes, badRequest, podNotFound, resolveContainer, statusJson } from './logs';
import type { UpgradeHandler } from './server';
import type { WorkloadRuntime } from './types';

/** The subprotocols served, most preferred first. */
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'] as const;

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const STATUS = 3;
const RESIZE = 4;
const CLOSE = 255;

/** Frames are at most this big (the kubelet copies in 32 KiB pieces). */
const MAX_FRAME = 64 * 1024;

export interface ExecTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

export interface ExecRecord extends ExecTarget {
  readonly command: readonly string[];
  readonly protocol: string;
  /** What happened: the program's outcome, or why it did not run / finish. */
  readonly outcome: ExecOutcome | { readonly kind: 'container-not-running' } | { readonly kind: 'client-closed' };
}

export interface ExecDeps {
  readonly runtime: WorkloadRuntime;
  podExists(namespace: string, name: string): PodContainers | undefined;
  /** A Failure Status (403) to refuse, undefined to allow; asked for `get` and for `create`. */
  authorize?(attributes: PodSubresourceAttributes): StatusBody | undefined;
  /** The programs in a container; default DEFAULT_COMMANDS (busybox-like). */
  commands?(target: ExecTarget): CommandTable;
  /** Working directory of exec'd commands; default '/'. */
  workingDir?(target: ExecTarget): string;
  /** Called when an exec session ends. */
  onExec?(record: ExecRecord): void;
  /** Output waits while the socket buffers more than this many bytes; default 1 MiB. */
  readonly highWaterMark?: number;
}

export interface ExecUpgradeHandler extends UpgradeHandler {
  /** Open exec sessions. */
  readonly sessions: number;
  /** Terminates every open session (for shutting a server down). */
  closeAll(): void;
}

interface ExecRequest extends ExecTarget {
  readonly command: string[];
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

const PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;

function parseBool(value: string | null): boolean {
  return value !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value);
}

function offeredProtocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (header === undefined) return [];
  return header.split(',').map((protocol) => protocol.trim()).filter((protocol) => protocol !== '');
}

export function chooseProtocol(offered: Iterable<string>): string | undefined {
  const set = new Set(offered);
  return EXEC_PROTOCOLS.find((protocol) => set.has(protocol));
}

/** A refusal before the upgrade: a plain HTTP response carrying the Status. */
function refuse(socket: Duplex, status: StatusBody): void {
  const body = statusJson(status);
  socket.end(
    `HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      'Cache-Control: no-cache, private\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** The status-channel payloads (metav1.Status as JSON, without kind and apiVersion). */
export const execStatus = {
  success: (): object => ({ metadata: {}, status: 'Success' }),
  nonZeroExit: (command: readonly string[], code: number): object => ({
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  }),
  internalError: (message: string): object => ({
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  }),
};

function containerNotFound(container: string): string {
  return `unable to upgrade connection: container not found ("${container}")`;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export function execUpgradeHandler(deps: ExecDeps): ExecUpgradeHandler {
  const sessions = new Set<WebSocket>();
  const highWaterMark = deps.highWaterMark ?? 1024 * 1024;
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (protocols) => chooseProtocol(protocols) ?? false,
  });

  /** Validation before the upgrade; a Status to refuse with, or the request. */
  const validate = (req: IncomingMessage, url: URL, namespace: string, name: string): ExecRequest | StatusBody => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'POST') {
      return failureStatus(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
    for (const verb of ['get', 'create'] as const) {
      const denied = deps.authorize?.({ verb, resource: 'pods', subresource: 'exec', namespace, name });
      if (denied) return denied;
    }
    const pod = deps.podExists(namespace, name);
    if (pod === undefined) return podNotFound(name);
    const resolved = resolveContainer(pod, name, url.searchParams.get('container') ?? '');
    if ('error' in resolved) return resolved.error;
    if (pod.scheduled === false) return badRequest(`pod ${name} does not have a host assigned`);
    const tty = parseBool(url.searchParams.get('tty'));
    const request: ExecRequest = {
      namespace,
      pod: name,
      container: resolved.container,
      command: url.searchParams.getAll('command'),
      stdin: parseBool(url.searchParams.get('stdin')),
      stdout: parseBool(url.searchParams.get('stdout')),
      // With a TTY there is no separate stderr stream (the kubelet drops it).
      stderr: parseBool(url.searchParams.get('stderr')) && !tty,
      tty,
    };
    if (!request.stdin && !request.stdout && !request.stderr) return badRequest('you must specify at least 1 of stdin, stdout, stderr');
    if (request.command.length === 0) return badRequest('you must specify at least 1 command');
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      return badRequest(`unable to upgrade connection: the simulator serves exec over WebSockets only (requested "${req.headers.upgrade ?? ''}")`);
    }
    const offered = offeredProtocols(req);
    const protocol = offered.length === 0 ? '' : chooseProtocol(offered);
    if (protocol === undefined) {
      return badRequest(`unable to upgrade connection: requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${EXEC_PROTOCOLS.join(' ')}]`);
    }
    // Clusters before the v5 stream translator refuse the upgrade itself when the container is not running.
    if (protocol !== 'v5.channel.k8s.io' && deps.runtime.fileSystem(namespace, name, request.container) === undefined) {
      return failureStatus(500, 'InternalError', `Internal error occurred: ${containerNotFound(request.container)}`, { causes: [{ message: containerNotFound(request.container) }] });
    }
    return request;
  };

  const handler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean => {
    const match = PATH.exec(url.pathname);
    if (!match) return false;
    socket.on('error', () => undefined);
    let namespace: string;
    let name: string;
    try {
      namespace = decodeURIComponent(match[1] ?? '');
      name = decodeURIComponent(match[2] ?? '');
    } catch {
      refuse(socket, badRequest(`malformed path: ${url.pathname}`));
      return true;
    }
    const request = validate(req, url, namespace, name);
    if ('kind' in request) {
      refuse(socket, request);
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sessions.add(ws);
      ws.on('close', () => sessions.delete(ws));
      runSession(ws, request, deps, highWaterMark).catch(() => ws.terminate());
    });
    return true;
  };

  const closeAll = (): void => {
    for (const ws of sessions) ws.terminate();
    sessions.clear();
  };
  Object.defineProperty(handler, 'sessions', { get: () => sessions.size, enumerable: true });
  return Object.assign(handler, { closeAll }) as ExecUpgradeHandler;
}

async function runSession(ws: WebSocket, request: ExecRequest, deps: ExecDeps, highWaterMark: number): Promise<void> {
  const protocol = ws.protocol;
  const v5 = protocol === 'v5.channel.k8s.io';
  const jsonStatus = v5 || protocol === 'v4.channel.k8s.io';
  const abort = new AbortController();
  let closedResolve!: () => void;
  const closed = new Promise<void>((resolve) => {
    closedResolve = resolve;
  });
  const stdin = request.stdin ? new PassThrough() : undefined;
  ws.on('error', () => undefined); // 'close' follows
  ws.on('close', () => {
    abort.abort();
    closedResolve();
    stdin?.end();
  });

  const send = (channel: number, payload: Buffer): Promise<void> =>
    new Promise<void>((resolve) => {
      if (ws.readyState !== ws.OPEN) {
        resolve();
        return;
      }
      ws.send(Buffer.concat([Buffer.of(channel), payload]), { binary: true }, () => resolve());
    });

  const gone = (): Error => {
    const error = new Error('the client closed the exec connection');
    error.name = 'AbortError';
    return error;
  };
  /** Whether the client went away (closing or closed: output can no longer reach it). */
  const clientGone = (): boolean => {
    if (ws.readyState !== ws.OPEN) abort.abort();
    return abort.signal.aborted;
  };
  const writer = (channel: number, enabled: boolean) => async (chunk: Buffer | string): Promise<void> => {
    if (clientGone()) throw gone();
    if (!enabled) return;
    const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    for (let offset = 0; offset < data.length; offset += MAX_FRAME) {
      const sent = send(channel, data.subarray(offset, offset + MAX_FRAME));
      // Hold the program back while the socket has more than highWaterMark bytes to send.
      if (ws.bufferedAmount > highWaterMark) await Promise.race([sent, closed]);
      if (clientGone()) throw gone();
    }
  };

  ws.on('message', (raw: RawData) => {
    const data = toBuffer(raw);
    if (data.length === 0) return;
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === STDIN) {
      if (stdin === undefined || stdin.writableEnded || payload.length === 0) return;
      if (!stdin.write(payload)) {
        ws.pause();
        stdin.once('drain', () => ws.resume());
      }
    } else if (channel === CLOSE && v5) {
      if (payload[0] === STDIN) stdin?.end();
    } else if (channel === RESIZE) {
      // terminal size: nothing to resize
    }
  });

  const target: ExecTarget = { namespace: request.namespace, pod: request.pod, container: request.container };
  const record = (outcome: ExecRecord['outcome']): void => {
    deps.onExec?.({ ...target, command: request.command, protocol, outcome });
  };
  const sendStatus = async (status: object, text: string | undefined): Promise<void> => {
    if (jsonStatus) await send(STATUS, Buffer.from(JSON.stringify(status), 'utf8'));
    else if (text !== undefined) await send(STATUS, Buffer.from(text, 'utf8'));
    // The server closes; the client answers the close frame.
    if (ws.readyState === ws.OPEN) ws.close(1000);
  };

  // Tell the client the streams are up: an empty frame on the lowest writable channel.
  await send(request.stdout ? STDOUT : request.stderr ? STDERR : STATUS, Buffer.alloc(0));

  const fs = deps.runtime.fileSystem(request.namespace, request.pod, request.container);
  if (fs === undefined) {
    const message = containerNotFound(request.container);
    record({ kind: 'container-not-running' });
    await sendStatus(execStatus.internalError(message), `Internal error occurred: ${message}`);
    return;
  }

  const outcome = await runExec(request.command, {
    fs,
    cwd: deps.workingDir?.(target) ?? '/',
    env: fs.env(),
    stdin,
    stdout: writer(STDOUT, request.stdout),
    // In a TTY, stderr is the terminal too.
    stderr: writer(request.tty ? STDOUT : STDERR, request.tty ? request.stdout : request.stderr),
    signal: abort.signal,
    commands: deps.commands?.(target) ?? DEFAULT_COMMANDS,
  });
  // Input nobody read any more: let it drain, so that the client's close frame is read.
  stdin?.resume();
  ws.resume();
  if (clientGone()) {
    record({ kind: 'client-closed' });
    return;
  }
  record(outcome);
  if (outcome.kind === 'failed') {
    await sendStatus(execStatus.internalError(outcome.message), `Internal error occurred: ${outcome.message}`);
  } else if (outcome.exitCode === 0) {
    await sendStatus(execStatus.success(), undefined);
  } else {
    const status = execStatus.nonZeroExit(request.command, outcome.exitCode) as { message: string };
    await sendStatus(status, status.message);
  }
}
