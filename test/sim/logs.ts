// GET /api/v1/namespaces/{namespace}/pods/{name}/log — the pod log subresource, as the API server
// (container defaulting and validation) and the kubelet (container state checks, tailLines,
// limitBytes, timestamps, follow) answer it:
//   200 text/plain, chunked; with follow=true the response stays open and streams each chunk as
//   the container logs it, until that container instance ends or the client goes away.
// Errors are metav1.Status bodies: 403 (authorize), 422 (invalid options), 404 (no pod), 400 (no or
// unknown container, or the kubelet's "waiting to start" texts).

import type http from 'node:http';
import { type StatusBody, failureStatus } from './discovery';
import type { Route, SimRequest, SimResponse, StreamingResponse } from './server';
import type { ContainerRuntimeState, LogSource, WorkloadRuntime } from './types';

/** The containers of a pod, as the API server validates a container name against them. */
export interface PodContainers {
  /** spec.containers (when initContainers is not given separately: every container name). */
  readonly containers: readonly string[];
  /** spec.initContainers; they are valid names but never the default container. */
  readonly initContainers?: readonly string[];
  /** spec.ephemeralContainers. */
  readonly ephemeralContainers?: readonly string[];
  /** False when spec.nodeName is empty (logs are then empty; exec is refused). Default true. */
  readonly scheduled?: boolean;
}

export interface PodSubresourceAttributes {
  readonly verb: 'get' | 'create';
  readonly resource: 'pods';
  readonly subresource: 'log' | 'exec';
  readonly namespace: string;
  readonly name: string;
}

export interface LogDeps {
  readonly runtime: WorkloadRuntime;
  podExists(namespace: string, name: string): PodContainers | undefined;
  /** A Failure Status (403) to refuse the request, undefined to allow it. */
  authorize?(attributes: PodSubresourceAttributes): StatusBody | undefined;
}

// ---------------------------------------------------------------------------------------------
// Shared with exec

/** A Status as JSON, without `details` when it has none (as the real server omits it). */
export function statusJson(status: StatusBody): string {
  const { details, ...rest } = status;
  return JSON.stringify(Object.keys(details).length > 0 ? { ...rest, details } : { ...rest });
}

export function statusResponse(status: StatusBody): SimResponse {
  return { status: status.code, contentType: 'application/json', body: statusJson(status) };
}

export function podNotFound(name: string): StatusBody {
  return failureStatus(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
}

export function badRequest(message: string): StatusBody {
  return failureStatus(400, 'BadRequest', message);
}

/** The API server's container defaulting and validation (validateContainer in the pod strategy). */
export function resolveContainer(pod: PodContainers, podName: string, requested: string): { container: string } | { error: StatusBody } {
  const all = [...(pod.initContainers ?? []), ...pod.containers, ...(pod.ephemeralContainers ?? [])];
  if (requested === '') {
    if (pod.containers.length === 1) return { container: pod.containers[0] as string };
    if (pod.containers.length === 0) return { error: badRequest(`a container name must be specified for pod ${podName}`) };
    return { error: badRequest(`a container name must be specified for pod ${podName}, choose one of: [${all.join(' ')}]`) };
  }
  if (!all.includes(requested)) return { error: badRequest(`container ${requested} is not valid for pod ${podName}`) };
  return { container: requested };
}

// ---------------------------------------------------------------------------------------------
// Log

/** RFC 3339 with nine fractional digits, as the kubelet prefixes lines with timestamps=true. */
export function rfc3339NanoFixed(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

interface LogOptions {
  readonly container: string;
  readonly follow: boolean;
  readonly previous: boolean;
  readonly timestamps: boolean;
  readonly tailLines?: number;
  readonly limitBytes?: number;
}

function parseBool(value: string | null): boolean | string {
  if (value === null || value === '') return false;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  return `strconv.ParseBool: parsing "${value}": invalid syntax`;
}

function parseInteger(value: string | null): number | undefined | string {
  if (value === null || value === '') return undefined;
  if (!/^[+-]?\d+$/.test(value)) return `strconv.ParseInt: parsing "${value}": invalid syntax`;
  return Number(value);
}

function parseLogOptions(query: URLSearchParams, podName: string): LogOptions | StatusBody {
  const follow = parseBool(query.get('follow'));
  const previous = parseBool(query.get('previous'));
  const timestamps = parseBool(query.get('timestamps'));
  const tailLines = parseInteger(query.get('tailLines'));
  const limitBytes = parseInteger(query.get('limitBytes'));
  const sinceSeconds = parseInteger(query.get('sinceSeconds'));
  for (const value of [follow, previous, timestamps, tailLines, limitBytes, sinceSeconds]) {
    if (typeof value === 'string') return badRequest(value);
  }
  const causes: { reason: string; message: string; field: string }[] = [];
  const invalid = (field: string, value: number, detail: string): void => {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${value}: ${detail}`, field });
  };
  if (typeof tailLines === 'number' && tailLines < 0) invalid('tailLines', tailLines, 'must be greater than or equal to 0');
  if (typeof limitBytes === 'number' && limitBytes < 1) invalid('limitBytes', limitBytes, 'must be greater than 0');
  if (typeof sinceSeconds === 'number' && sinceSeconds < 1) invalid('sinceSeconds', sinceSeconds, 'must be greater than 0');
  if (query.get('sinceSeconds') && query.get('sinceTime')) causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified', field: '' });
  if (causes.length > 0) {
    const texts = causes.map((cause) => (cause.field === '' ? cause.message : `${cause.field}: ${cause.message}`));
    const message = `PodLogOptions "${podName}" is invalid: ${texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`}`;
    return failureStatus(422, 'Invalid', message, { name: podName, group: '', kind: 'PodLogOptions', causes });
  }
  return {
    container: query.get('container') ?? '',
    follow: follow as boolean,
    previous: previous as boolean,
    timestamps: timestamps as boolean,
    ...(typeof tailLines === 'number' ? { tailLines } : {}),
    ...(typeof limitBytes === 'number' ? { limitBytes } : {}),
  };
}

function waitingText(container: string, pod: string, reason: string): string {
  const why = reason === 'ErrImagePull' ? "image can't be pulled" : reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : reason;
  return `container "${container}" in pod "${pod}" is waiting to start: ${why}`;
}

/** Which log to serve, or the kubelet's refusal (validateContainerLogStatus). */
function selectLog(runtime: WorkloadRuntime, namespace: string, pod: string, container: string, previous: boolean): { log: LogSource; state: ContainerRuntimeState | undefined } | StatusBody {
  const state = runtime.containerState(namespace, pod, container);
  if (previous) {
    const log = runtime.logs(namespace, pod, container, true);
    return log ? { log, state } : badRequest(`previous terminated container "${container}" in pod "${pod}" not found`);
  }
  if (state === undefined) return badRequest(`container "${container}" in pod "${pod}" is not available`);
  switch (state.state) {
    case 'running': {
      const log = runtime.logs(namespace, pod, container, false);
      return log ? { log, state } : badRequest(`container "${container}" in pod "${pod}" is not available`);
    }
    case 'terminated': {
      const log = runtime.logs(namespace, pod, container, false) ?? runtime.logs(namespace, pod, container, true);
      return log ? { log, state } : badRequest(`container "${container}" in pod "${pod}" is terminated`);
    }
    case 'waiting': {
      // A restarting container (CrashLoopBackOff) shows the log of its last terminated instance.
      const last = runtime.logs(namespace, pod, container, true);
      return last ? { log: last, state } : badRequest(waitingText(container, pod, state.reason));
    }
  }
}

function isStatus(value: unknown): value is StatusBody {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status';
}

/** Formats log text for the response: timestamps at line starts, and the limitBytes budget. */
class LogFormatter {
  private atLineStart = true;
  private remaining: number;

  constructor(
    private readonly timestamps: boolean,
    limitBytes: number | undefined,
  ) {
    this.remaining = limitBytes ?? Number.POSITIVE_INFINITY;
  }

  /** The bytes to send for `text` logged at `time`; `done` once limitBytes is used up. */
  format(text: string, time: Date): { bytes: Buffer; done: boolean } {
    let out = text;
    if (this.timestamps && text !== '') {
      const stamp = `${rfc3339NanoFixed(time)} `;
      out = '';
      for (const piece of text.split(/(?<=\n)/)) {
        if (this.atLineStart) out += stamp;
        out += piece;
        this.atLineStart = piece.endsWith('\n');
      }
    }
    let bytes = Buffer.from(out, 'utf8');
    if (bytes.length >= this.remaining) {
      bytes = bytes.subarray(0, this.remaining);
      this.remaining = 0;
      return { bytes, done: true };
    }
    this.remaining -= bytes.length;
    return { bytes, done: false };
  }

  get exhausted(): boolean {
    return this.remaining <= 0;
  }
}

function tail(text: string, lines: number | undefined): string {
  if (lines === undefined) return text;
  if (lines === 0) return '';
  const pieces = text.split(/(?<=\n)/).filter((piece) => piece !== '');
  return pieces.slice(Math.max(0, pieces.length - lines)).join('');
}

function streamLog(log: LogSource, options: LogOptions, baseTime: Date): StreamingResponse {
  return {
    status: 200,
    stream: (res: http.ServerResponse, req: http.IncomingMessage) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
      res.flushHeaders();
      const formatter = new LogFormatter(options.timestamps, options.limitBytes);
      const cleanups: (() => void)[] = [];
      let ended = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        for (const cleanup of cleanups.splice(0)) cleanup();
        res.end();
      };
      const send = (text: string, time: Date): void => {
        if (ended || text === '') return;
        const { bytes, done } = formatter.format(text, time);
        if (bytes.length > 0) res.write(bytes);
        if (done) end();
      };
      send(tail(log.text(), options.tailLines), baseTime);
      if (ended) return;
      if (!options.follow || log.ended() || formatter.exhausted) {
        end();
        return;
      }
      cleanups.push(log.onData((chunk) => send(chunk, new Date())));
      cleanups.push(log.onEnd(() => end()));
      const gone = (): void => {
        if (ended) return;
        ended = true;
        for (const cleanup of cleanups.splice(0)) cleanup();
      };
      res.on('close', gone);
      req.on('close', () => {
        if (!res.writableEnded) gone();
      });
      // The instance may have ended between reading its text and subscribing.
      if (log.ended()) end();
    },
  };
}

function handleLog(deps: LogDeps, request: SimRequest): SimResponse | StreamingResponse {
  const namespace = request.params['namespace'] ?? '';
  const name = request.params['name'] ?? '';
  const denied = deps.authorize?.({ verb: 'get', resource: 'pods', subresource: 'log', namespace, name });
  if (denied) return statusResponse(denied);
  const options = parseLogOptions(request.query, name);
  if (isStatus(options)) return statusResponse(options);
  const pod = deps.podExists(namespace, name);
  if (pod === undefined) return statusResponse(podNotFound(name));
  const resolved = resolveContainer(pod, name, options.container);
  if ('error' in resolved) return statusResponse(resolved.error);
  // An unscheduled pod has no kubelet to ask: the API server answers with an empty log.
  if (pod.scheduled === false) return { status: 200, contentType: 'text/plain', body: '' };
  const selected = selectLog(deps.runtime, namespace, name, resolved.container, options.previous);
  if (isStatus(selected)) return statusResponse(selected);
  const { state } = selected;
  const baseTime = state?.state === 'running' ? new Date(state.startedAt) : state?.state === 'terminated' ? new Date(state.finishedAt) : new Date();
  return streamLog(selected.log, options, Number.isNaN(baseTime.getTime()) ? new Date() : baseTime);
}

/** The route for the pod log subresource. */
export function logRoute(deps: LogDeps): Route {
  return { method: 'GET', template: '/api/v1/namespaces/{namespace}/pods/{name}/log', handler: (request) => handleLog(deps, request) };
}
