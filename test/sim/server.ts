// A minimal Kubernetes API-server simulator on 127.0.0.1 (plain HTTP, no authentication):
// discovery and OpenAPI, enough for the real kubectl to map kinds and validate manifests
// client-side (`kubectl create --dry-run=client -f ...`).
//
// Requests are dispatched through a small route table (Router). Later additions — REST storage
// for jobs/pods, watches, a job controller — register more routes; anything unmatched gets the
// real server's 404 Status body, so kubectl never waits on a missing endpoint.

import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import YAML from 'yaml';
import { DEFAULT_VERSION, apiGroupDocument, apiGroupList, apiResourceList, apiVersions, failureStatus, notFoundStatus, versionInfo } from './discovery';
import {
  type JsonObject, type OpenApiV3Documents, buildOpenApiV2, buildOpenApiV3, loadClientNodeModels, loadClientNodeTypings, reachableModelClasses,
} from './openapi';
import { encodeOpenApiV2Document } from './openapiV2Proto';
import { GROUP_VERSIONS, type GroupVersionDef, groupVersionPrefix } from './resources';

// ---------------------------------------------------------------------------------------------
// Routing

export interface SimRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Values of `{name}` segments of the matched template. */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: http.IncomingHttpHeaders;
  /** Reads the request body (once). */
  readonly body: () => Promise<Buffer>;
}

export interface SimResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string | Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A response the handler writes itself, for streams (watches, followed logs). `status` is what the
 * request log records; the handler must call `res.writeHead` and eventually `res.end()`.
 */
export interface StreamingResponse {
  readonly status: number;
  readonly stream: (res: http.ServerResponse, req: http.IncomingMessage) => void;
}

export type Handler = (request: SimRequest) => SimResponse | StreamingResponse | Promise<SimResponse | StreamingResponse>;

/** Handles an HTTP upgrade (WebSocket exec); returns false when the path is not its own. */
export type UpgradeHandler = (req: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL) => boolean;

/** Runs before routing; a response short-circuits the request (fault injection, RBAC, counters). */
export type Middleware = (request: SimRequest) => SimResponse | undefined | Promise<SimResponse | undefined>;

export interface Route {
  readonly method: string;
  /** `/apis/{group}/{version}`; a final `{name*}` matches the rest of the path, slashes included. */
  readonly template: string;
  readonly handler: Handler;
}

export class Router {
  private readonly routes: { route: Route; pattern: RegExp; names: string[] }[] = [];

  add(method: string, template: string, handler: Handler): this {
    const names: string[] = [];
    const source = template
      .split('/')
      .map((segment) => {
        const param = /^\{(\w+)(\*)?\}$/.exec(segment);
        if (param?.[1] === undefined) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(param[1]);
        return param[2] === '*' ? '(.+)' : '([^/]+)';
      })
      .join('/');
    this.routes.push({ route: { method, template, handler }, pattern: new RegExp(`^${source}$`), names });
    return this;
  }

  /** The first route matching method and path, with its parameters. */
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | 'method-not-allowed' | undefined {
    let pathMatched = false;
    for (const { route, pattern, names } of this.routes) {
      const match = pattern.exec(path);
      if (match === null) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      names.forEach((name, index) => {
        params[name] = decodeURIComponent(match[index + 1] ?? '');
      });
      return { handler: route.handler, params };
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }
}

export function json(body: unknown, status = 200): SimResponse {
  return { status, contentType: 'application/json', body: JSON.stringify(body) };
}

// ---------------------------------------------------------------------------------------------
// OpenAPI, built once per version (it only depends on client-node and the version string)

// kubectl asks for `application/com.github.proto-openapi.spec.v2@v1.0+protobuf`; an `@` is not valid
// in a Content-Type (Go's mime parser rejects it), so the answer is labelled the way kube-openapi does.
const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

interface OpenApiBundle {
  readonly v3: OpenApiV3Documents;
  readonly v2Json: string;
  readonly v2Proto: Uint8Array;
}

const bundles = new Map<string, Promise<OpenApiBundle>>();

async function buildBundle(gitVersion: string): Promise<OpenApiBundle> {
  const models = await loadClientNodeModels();
  const docs = loadClientNodeTypings(reachableModelClasses(models));
  const input = { models, docs, gitVersion };
  const v2: JsonObject = buildOpenApiV2(input);
  return { v3: buildOpenApiV3(input), v2Json: JSON.stringify(v2), v2Proto: encodeOpenApiV2Document(v2) };
}

function openApiBundle(gitVersion: string): Promise<OpenApiBundle> {
  let bundle = bundles.get(gitVersion);
  if (bundle === undefined) {
    bundle = buildBundle(gitVersion);
    bundles.set(gitVersion, bundle);
    // Do not keep a failure around: the next server start should try again.
    bundle.catch(() => bundles.delete(gitVersion));
  }
  return bundle;
}

// ---------------------------------------------------------------------------------------------
// Server

export interface SimServerOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** gitVersion reported by /version and in the OpenAPI info; default v1.32.0. */
  readonly version?: string;
  /** Extra routes, matched before the built-in ones (for REST storage, watches, ...). */
  readonly routes?: readonly Route[];
  /** Upgrade handlers (WebSocket exec); an unclaimed upgrade gets 404. */
  readonly upgrades?: readonly UpgradeHandler[];
  /** Runs before routing (faults, counters); may answer the request itself. */
  readonly middleware?: Middleware;
  /** Called with the http.Server once it listens (e.g. to track connections). */
  readonly onListening?: (server: http.Server) => void;
}

export interface RequestRecord {
  readonly method: string;
  /** Path and query string as requested. */
  readonly url: string;
  readonly status: number;
}

export interface SimServer {
  readonly url: string;
  readonly port: number;
  /** Every request served so far, in order. */
  readonly requests: readonly RequestRecord[];
  close(): Promise<void>;
  /** Writes a kubeconfig whose current context `keruta-sim` points at this server. */
  writeKubeconfig(file: string): Promise<void>;
}

function discoveryRoutes(router: Router, groupVersions: readonly GroupVersionDef[], gitVersion: string, serverAddress: () => string): void {
  router.add('GET', '/version', () => json(versionInfo(gitVersion)));
  router.add('GET', '/api', () => json(apiVersions(serverAddress())));
  router.add('GET', '/apis', () => json(apiGroupList(groupVersions)));
  for (const gv of groupVersions) {
    router.add('GET', groupVersionPrefix(gv), () => json(apiResourceList(gv)));
    if (gv.group !== '') {
      const group = apiGroupDocument(gv.group, groupVersions);
      router.add('GET', `/apis/${gv.group}`, () => json(group));
    }
  }
}

function openApiRoutes(router: Router, gitVersion: string): void {
  router.add('GET', '/openapi/v2', async (request) => {
    const bundle = await openApiBundle(gitVersion);
    const accept = request.headers.accept ?? '';
    if (accept.includes('application/com.github.proto-openapi.spec.v2')) {
      return { status: 200, contentType: OPENAPI_V2_PROTOBUF, body: bundle.v2Proto };
    }
    return { status: 200, contentType: 'application/json', body: bundle.v2Json };
  });
  router.add('GET', '/openapi/v3', async () => json((await openApiBundle(gitVersion)).v3.index));
  router.add('GET', '/openapi/v3/{key*}', async (request) => {
    const document = (await openApiBundle(gitVersion)).v3.groupVersions.get(request.params['key'] ?? '');
    if (document === undefined) return json(notFoundStatus(), 404);
    // The hash in serverRelativeURL makes the document immutable, as on the real server.
    return { status: 200, contentType: 'application/json', body: document.json, headers: { ETag: `"${document.hash}"`, 'Cache-Control': 'public, immutable' } };
  });
}

function kubeconfig(url: string): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'keruta-sim', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'keruta-sim', user: { token: 'keruta-sim-token' } }],
    contexts: [{ name: 'keruta-sim', context: { cluster: 'keruta-sim', user: 'keruta-sim', namespace: 'default' } }],
    'current-context': 'keruta-sim',
    preferences: {},
  });
}

export async function startSimServer(options: SimServerOptions = {}): Promise<SimServer> {
  const gitVersion = options.version ?? DEFAULT_VERSION;
  versionInfo(gitVersion); // throws for a malformed version, before anything listens
  // Fail at start-up, not on kubectl's first request, if the models cannot be mapped.
  await openApiBundle(gitVersion);

  let port = 0;
  const router = new Router();
  for (const route of options.routes ?? []) router.add(route.method, route.template, route.handler);
  discoveryRoutes(router, GROUP_VERSIONS, gitVersion, () => `127.0.0.1:${port}`);
  openApiRoutes(router, gitVersion);

  const requests: RequestRecord[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    let bodyPromise: Promise<Buffer> | undefined;
    const body = (): Promise<Buffer> => {
      bodyPromise ??= new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => resolve(Buffer.concat(chunks)));
        req.on('error', reject);
      });
      return bodyPromise;
    };
    const respond = (response: SimResponse | StreamingResponse): void => {
      requests.push({ method, url: `${url.pathname}${url.search}`, status: response.status });
      if ('stream' in response) {
        response.stream(res, req);
        return;
      }
      const payload = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
      res.writeHead(response.status, { ...response.headers, 'Content-Type': response.contentType, 'Content-Length': String(payload.length) });
      res.end(payload);
    };
    const found = router.match(method, url.pathname);
    if (found === undefined) {
      respond(json(notFoundStatus(), 404));
      return;
    }
    if (found === 'method-not-allowed') {
      respond(json(failureStatus(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`), 405));
      return;
    }
    const request: SimRequest = { method, path: url.pathname, query: url.searchParams, params: found.params, headers: req.headers, body };
    Promise.resolve()
      .then(async () => (options.middleware ? await options.middleware(request) : undefined) ?? found.handler(request))
      .then(respond, (error: unknown) => {
        respond(json(failureStatus(500, 'InternalError', `simulator error: ${error instanceof Error ? error.message : String(error)}`), 500));
      });
  });

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: `${req.method ?? 'GET'} (upgrade)`, url: `${url.pathname}${url.search}`, status: 101 });
    for (const upgrade of options.upgrades ?? []) if (upgrade(req, socket, head, url)) return;
    const body = JSON.stringify(notFoundStatus());
    socket.end(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  options.onListening?.(server);
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
    writeKubeconfig: (file: string) => writeFile(file, kubeconfig(url), 'utf8'),
  };
}
