/**
 * REST storage over HTTP: create/get/list/watch/delete for the resources the simulator stores,
 * with the real wire formats (lists, watch streams, Status errors), the Job and Pod strategies'
 * defaulting, validation, RBAC and SelfSubjectAccessReview.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type http from 'node:http';
import YAML from 'yaml';
import { failureStatus, type StatusBody } from './discovery';
import type { Rbac } from './rbac';
import { decodeSelfSubjectAccessReview, isKubernetesProtobuf } from './protobufRequest';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors';
import { includeObjectOf, toTable, wantsTable } from './tables';
import { json, type Route, type SimRequest, type SimResponse, type StreamingResponse } from './server';
import { type KubeObject, type ResourceName, type SimClock, type Store, StoreError, type StoreEvent } from './types';
import { invalidMessage, type FieldError, validateJob, validateNamedObject, validatePod, type ValidationOptions } from './validation';

/** The API server's request body limit. */
export const MAX_REQUEST_BYTES = 3 * 1024 * 1024;

interface ResourceInfo {
  readonly name: ResourceName;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export const STORED: Readonly<Record<ResourceName, ResourceInfo>> = {
  namespaces: { name: 'namespaces', group: '', version: 'v1', kind: 'Namespace', namespaced: false },
  pods: { name: 'pods', group: '', version: 'v1', kind: 'Pod', namespaced: true },
  secrets: { name: 'secrets', group: '', version: 'v1', kind: 'Secret', namespaced: true },
  jobs: { name: 'jobs', group: 'batch', version: 'v1', kind: 'Job', namespaced: true },
};

const apiVersionOf = (info: ResourceInfo): string => (info.group === '' ? info.version : `${info.group}/${info.version}`);
const prefixOf = (info: ResourceInfo): string => (info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`);
/** `jobs.batch`, `pods`: how messages name a resource. */
const qualified = (info: ResourceInfo): string => (info.group === '' ? info.name : `${info.name}.${info.group}`);

/** Request counts by `verb resource` (e.g. `list jobs`, `watch pods`) and open watches. */
export class Counters {
  readonly requests = new Map<string, number>();
  openWatches = 0;
  watchesStarted = 0;

  count(verb: string, resource: string): void {
    const key = `${verb} ${resource}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  get(verb: string, resource: string): number {
    return this.requests.get(`${verb} ${resource}`) ?? 0;
  }

  snapshot(): Record<string, number> {
    return { ...Object.fromEntries(this.requests), openWatches: this.openWatches, watchesStarted: this.watchesStarted };
  }

  reset(): void {
    this.requests.clear();
    this.watchesStarted = 0;
  }
}

/** Open watch streams, so that faults can end or drop them. */
export class WatchRegistry {
  private readonly open = new Set<{ end: () => void; drop: () => void }>();

  add(entry: { end: () => void; drop: () => void }): () => void {
    this.open.add(entry);
    return () => this.open.delete(entry);
  }

  closeAll(mode: 'end' | 'drop'): void {
    for (const entry of [...this.open]) entry[mode]();
  }

  get size(): number {
    return this.open.size;
  }
}

export interface RestDeps {
  readonly store: Store;
  readonly clock: SimClock;
  readonly rbac: Rbac;
  readonly validation: ValidationOptions;
  readonly counters: Counters;
  readonly watches: WatchRegistry;
  /** Simulated seconds between BOOKMARK events on watches that asked for them. */
  readonly bookmarkSeconds: number;
}

function status(body: StatusBody): SimResponse {
  return json(body, body.code);
}

function notFound(info: ResourceInfo, name: string): SimResponse {
  return status(failureStatus(404, 'NotFound', `${qualified(info)} ${JSON.stringify(name)} not found`, { name, group: info.group, kind: info.name }));
}

function badRequest(message: string): SimResponse {
  return status(failureStatus(400, 'BadRequest', message));
}

function invalid(info: ResourceInfo, name: string, errors: readonly FieldError[]): SimResponse {
  const kind = info.group === '' ? info.kind : `${info.kind}.${info.group}`;
  return status(
    failureStatus(422, 'Invalid', invalidMessage(kind, name, errors), {
      name,
      group: info.group,
      kind: info.kind,
      causes: errors.map((error) => ({ reason: error.type, message: error.body, field: error.field })),
    }),
  );
}

type ReadResult = { readonly object: KubeObject } | { readonly response: SimResponse };

async function readObject(request: SimRequest): Promise<ReadResult> {
  const declared = Number(request.headers['content-length'] ?? '0');
  if (declared > MAX_REQUEST_BYTES) return { response: status(failureStatus(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_REQUEST_BYTES}`)) };
  const body = await request.body();
  if (body.length > MAX_REQUEST_BYTES) return { response: status(failureStatus(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_REQUEST_BYTES}`)) };
  const contentType = String(request.headers['content-type'] ?? 'application/json');
  if (contentType.includes('protobuf') || isKubernetesProtobuf(body)) {
    try {
      // Only SelfSubjectAccessReview arrives as protobuf from kubectl (auth can-i).
      return { object: decodeSelfSubjectAccessReview(body) as unknown as KubeObject };
    } catch (error) {
      return { response: status(failureStatus(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (${String(error)})`)) };
    }
  }
  try {
    const parsed: unknown = contentType.includes('yaml') ? YAML.parse(body.toString('utf8')) : JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { response: badRequest('the body of the request was in an unknown format') };
    const object = parsed as KubeObject;
    object.metadata ??= {};
    return { object };
  } catch (error) {
    return { response: badRequest(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (${String(error)})`) };
  }
}

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
function generateName(prefix: string): string {
  return prefix + Array.from(randomBytes(5), (b) => GENERATE_ALPHABET[b % GENERATE_ALPHABET.length]).join('');
}

function imagePullPolicy(image: unknown): string {
  const text = typeof image === 'string' ? image : '';
  const last = text.split('/').pop() ?? '';
  return text.includes('@') || (last.includes(':') && !last.endsWith(':latest')) ? 'IfNotPresent' : 'Always';
}

/** SetDefaults_PodSpec and container defaults that show up in what clients read back. */
function defaultPodSpec(spec: Record<string, unknown>): void {
  spec['restartPolicy'] ??= 'Always';
  spec['dnsPolicy'] ??= 'ClusterFirst';
  spec['schedulerName'] ??= 'default-scheduler';
  spec['securityContext'] ??= {};
  spec['terminationGracePeriodSeconds'] ??= 30;
  for (const key of ['initContainers', 'containers']) {
    const list = spec[key];
    if (!Array.isArray(list)) continue;
    for (const container of list as Record<string, unknown>[]) {
      if (typeof container !== 'object' || container === null) continue;
      container['terminationMessagePath'] ??= '/dev/termination-log';
      container['terminationMessagePolicy'] ??= 'File';
      container['imagePullPolicy'] ??= imagePullPolicy(container['image']);
      container['resources'] ??= {};
    }
  }
}

/** The Job REST strategy: selector, controller labels and spec defaults (the object needs its uid). */
export function prepareJob(job: KubeObject): void {
  const uid = job.metadata.uid!;
  const name = job.metadata.name!;
  const spec = ((job['spec'] as Record<string, unknown> | undefined) ?? (job['spec'] = {}));
  spec['parallelism'] ??= 1;
  spec['completions'] ??= 1;
  spec['backoffLimit'] ??= 6;
  spec['completionMode'] ??= 'NonIndexed';
  spec['suspend'] ??= false;
  spec['podReplacementPolicy'] ??= 'TerminatingOrFailed';
  spec['manualSelector'] = undefined;
  const controllerLabels = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
  spec['selector'] = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const template = ((spec['template'] as Record<string, unknown> | undefined) ?? (spec['template'] = {}));
  const metadata = ((template['metadata'] as Record<string, unknown> | undefined) ?? (template['metadata'] = {}));
  metadata['labels'] = { ...(metadata['labels'] as Record<string, string> | undefined), ...controllerLabels };
  const podSpec = ((template['spec'] as Record<string, unknown> | undefined) ?? (template['spec'] = {}));
  defaultPodSpec(podSpec);
  job['status'] = {};
}

function stripTypeMeta(object: KubeObject): Omit<KubeObject, 'kind' | 'apiVersion'> {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = object;
  return rest;
}

function truthy(value: string | null): boolean {
  return value === 'true' || value === '1';
}

interface DeleteOptions {
  propagationPolicy?: string;
  gracePeriodSeconds?: number;
  orphanDependents?: boolean;
}

async function deleteOptions(request: SimRequest): Promise<DeleteOptions> {
  const options: DeleteOptions = {};
  const body = await request.body();
  if (body.length > 0) {
    try {
      Object.assign(options, JSON.parse(body.toString('utf8')) as DeleteOptions);
    } catch {
      // an unreadable body is ignored, as delete options are optional
    }
  }
  const policy = request.query.get('propagationPolicy');
  if (policy) options.propagationPolicy = policy;
  const grace = request.query.get('gracePeriodSeconds');
  if (grace !== null && grace !== '') options.gracePeriodSeconds = Number(grace);
  const orphan = request.query.get('orphanDependents');
  if (orphan !== null) options.orphanDependents = truthy(orphan);
  return options;
}

export function restRoutes(deps: RestDeps): Route[] {
  const { store, rbac, counters } = deps;
  const routes: Route[] = [];
  const add = (method: string, template: string, handler: Route['handler']): void => {
    routes.push({ method, template, handler });
  };

  const authorize = (info: ResourceInfo, verb: string, namespace?: string, name?: string): SimResponse | undefined => {
    const denied = rbac.check({ verb, resource: info.name, group: info.group, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) });
    return denied ? status(denied) : undefined;
  };

  const namespaceMissing = (namespace: string): SimResponse | undefined =>
    store.get('namespaces', undefined, namespace) ? undefined : notFound(STORED.namespaces, namespace);

  // ---- list and watch -------------------------------------------------------------------------
  const listOrWatch = (info: ResourceInfo) => (request: SimRequest): SimResponse | StreamingResponse => {
    const namespace = request.params['namespace'];
    const watching = truthy(request.query.get('watch'));
    const verb = watching ? 'watch' : 'list';
    counters.count(verb, info.name);
    const denied = authorize(info, verb, namespace);
    if (denied) return denied;
    let labels;
    let fields;
    try {
      labels = parseLabelSelector(request.query.get('labelSelector'));
      fields = parseFieldSelector(request.query.get('fieldSelector'));
    } catch (error) {
      return badRequest(error instanceof SelectorError ? error.message : String(error));
    }
    if (watching) return watchStream(deps, info, namespace, labels.matches.bind(labels), fields, request);
    const objects = store.list(info.name, namespace, labels, fields);
    if (wantsTable(request.headers.accept)) {
      return json(toTable(info.kind, objects, String(store.resourceVersion), includeObjectOf(request.query.get('includeObject'))));
    }
    const items = objects.map(stripTypeMeta);
    return json({ kind: `${info.kind}List`, apiVersion: apiVersionOf(info), metadata: { resourceVersion: String(store.resourceVersion) }, items });
  };

  // ---- create ---------------------------------------------------------------------------------
  const create = (info: ResourceInfo) => async (request: SimRequest): Promise<SimResponse> => {
    const namespace = request.params['namespace'];
    counters.count('create', info.name);
    const denied = authorize(info, 'create', namespace);
    if (denied) return denied;
    const read = await readObject(request);
    if ('response' in read) return read.response;
    const object = read.object;
    if (info.namespaced) {
      if (object.metadata.namespace && object.metadata.namespace !== namespace) {
        return badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      object.metadata.namespace = namespace;
      const missing = namespaceMissing(namespace!);
      if (missing) return missing;
    }
    object.apiVersion = apiVersionOf(info);
    object.kind = info.kind;
    for (const key of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp'] as const) delete object.metadata[key];
    if (!object.metadata.name && object.metadata.generateName) object.metadata.name = generateName(object.metadata.generateName);
    object.metadata.uid = randomUUID();

    let errors: FieldError[];
    switch (info.name) {
      case 'jobs':
        prepareJob(object);
        errors = validateJob(object, deps.validation);
        break;
      case 'pods':
        object['spec'] = (object['spec']) ?? {};
        defaultPodSpec(object['spec'] as Record<string, unknown>);
        object['status'] = { phase: 'Pending', qosClass: 'BestEffort' };
        errors = validatePod(object, deps.validation);
        break;
      case 'secrets':
        prepareSecret(object);
        errors = validateNamedObject(object);
        break;
      case 'namespaces':
        object.metadata.labels = { ...object.metadata.labels, 'kubernetes.io/metadata.name': object.metadata.name ?? '' };
        object['spec'] = { finalizers: ['kubernetes'] };
        object['status'] = { phase: 'Active' };
        errors = validateNamedObject(object);
        break;
    }
    if (errors.length > 0) return invalid(info, object.metadata.name ?? '', errors);
    if (truthy(request.query.get('dryRun')) || request.query.get('dryRun') === 'All') return json(object, 201);
    try {
      return json(store.create(info.name, object), 201);
    } catch (error) {
      if (error instanceof StoreError && error.reason === 'AlreadyExists') {
        const name = object.metadata.name ?? '';
        return status(failureStatus(409, 'AlreadyExists', `${qualified(info)} ${JSON.stringify(name)} already exists`, { name, group: info.group, kind: info.name }));
      }
      throw error;
    }
  };

  // ---- get ------------------------------------------------------------------------------------
  const get = (info: ResourceInfo) => (request: SimRequest): SimResponse => {
    const namespace = request.params['namespace'];
    const name = request.params['name']!;
    counters.count('get', info.name);
    const denied = authorize(info, 'get', namespace, name);
    if (denied) return denied;
    const object = store.get(info.name, namespace, name);
    if (!object) return notFound(info, name);
    if (wantsTable(request.headers.accept)) {
      return json(toTable(info.kind, [object], object.metadata.resourceVersion ?? '', includeObjectOf(request.query.get('includeObject'))));
    }
    return json(object);
  };

  // ---- delete ---------------------------------------------------------------------------------
  const remove = (info: ResourceInfo) => async (request: SimRequest): Promise<SimResponse> => {
    const namespace = request.params['namespace'];
    const name = request.params['name']!;
    counters.count('delete', info.name);
    const denied = authorize(info, 'delete', namespace, name);
    if (denied) return denied;
    const object = store.get(info.name, namespace, name);
    if (!object) return notFound(info, name);
    const options = await deleteOptions(request);
    const success = (): SimResponse =>
      json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group: info.group, kind: info.name, uid: object.metadata.uid } });

    if (info.name === 'pods') {
      const spec = object['spec'] as { terminationGracePeriodSeconds?: number } | undefined;
      const grace = options.gracePeriodSeconds ?? spec?.terminationGracePeriodSeconds ?? 30;
      const updated = store.mutate('pods', namespace, name, (pod) => {
        pod.metadata.deletionTimestamp ??= new Date(Date.now() + deps.clock.ms(grace)).toISOString().replace(/\.\d{3}Z$/, 'Z');
        pod.metadata.deletionGracePeriodSeconds = grace;
      });
      return json(updated ?? object);
    }
    if (info.name === 'jobs') {
      const policy = options.propagationPolicy ?? (options.orphanDependents === false ? 'Background' : 'Orphan');
      if (policy === 'Foreground') return json(foregroundDelete(deps, object));
      if (policy === 'Orphan') {
        const marked = store.mutate('jobs', namespace, name, (job) => {
          job.metadata.finalizers = [...new Set([...(job.metadata.finalizers ?? []), 'orphan'])];
          job.metadata.deletionTimestamp = deps.clock.nowIso();
        });
        store.remove('jobs', namespace, name);
        const headers = options.propagationPolicy
          ? undefined
          : {
              Warning:
                '299 - "child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning"',
            };
        return { ...json(marked ?? object), ...(headers ? { headers } : {}) };
      }
      store.remove('jobs', namespace, name);
      return success();
    }
    if (info.name === 'namespaces') {
      for (const resource of ['jobs', 'pods', 'secrets'] as const) {
        for (const child of store.list(resource, name)) store.remove(resource, name, child.metadata.name!);
      }
    }
    store.remove(info.name, namespace, name);
    return success();
  };

  for (const info of Object.values(STORED)) {
    const prefix = prefixOf(info);
    if (info.namespaced) {
      add('GET', `${prefix}/namespaces/{namespace}/${info.name}`, listOrWatch(info));
      add('POST', `${prefix}/namespaces/{namespace}/${info.name}`, create(info));
      add('GET', `${prefix}/namespaces/{namespace}/${info.name}/{name}`, get(info));
      add('DELETE', `${prefix}/namespaces/{namespace}/${info.name}/{name}`, remove(info));
      add('GET', `${prefix}/${info.name}`, listOrWatch(info));
    } else {
      add('GET', `${prefix}/${info.name}`, listOrWatch(info));
      add('POST', `${prefix}/${info.name}`, create(info));
      add('GET', `${prefix}/${info.name}/{name}`, get(info));
      add('DELETE', `${prefix}/${info.name}/{name}`, remove(info));
    }
  }

  add('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', async (request) => {
    counters.count('create', 'selfsubjectaccessreviews');
    const read = await readObject(request);
    if ('response' in read) return read.response;
    const review = read.object as KubeObject & { spec?: { resourceAttributes?: Record<string, string> } };
    const attributes = review.spec?.resourceAttributes;
    if (!attributes) {
      return invalid({ name: 'selfsubjectaccessreviews' as ResourceName, group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', namespaced: false }, '', [
        { type: 'FieldValueRequired', field: 'spec.resourceAttributes', body: 'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified' },
      ]);
    }
    const allowed = rbac.allowed({
      verb: attributes['verb'] ?? '',
      resource: attributes['resource'] ?? '',
      group: attributes['group'] ?? '',
      ...(attributes['subresource'] ? { subresource: attributes['subresource'] } : {}),
      ...(attributes['namespace'] ? { namespace: attributes['namespace'] } : {}),
      ...(attributes['name'] ? { name: attributes['name'] } : {}),
    });
    return json(
      {
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: review.spec,
        status: allowed ? { allowed: true, reason: 'keruta-sim: allowed unless a test denies it' } : { allowed: false },
      },
      201,
    );
  });
  return routes;
}

/**
 * Stores a Job the way `POST …/jobs` does after validation (uid, the Job strategy's selector,
 * labels and defaults), for tests that drive the store directly.
 */
export function storeJobAsApiServer(store: Store, job: KubeObject): KubeObject {
  const object = structuredClone(job);
  object.metadata.uid = randomUUID();
  prepareJob(object);
  return store.create('jobs', object);
}

function prepareSecret(secret: KubeObject): void {
  secret['type'] ??= 'Opaque';
  const stringData = secret['stringData'] as Record<string, string> | undefined;
  if (stringData) {
    const data = { ...((secret['data'] as Record<string, string> | undefined) ?? {}) };
    for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(value, 'utf8').toString('base64');
    secret['data'] = data;
    delete secret['stringData'];
  }
}

/** Foreground: the Job stays (with a finalizer) until its Pods are gone, then disappears. */
function foregroundDelete(deps: RestDeps, job: KubeObject): KubeObject {
  const { store } = deps;
  const namespace = job.metadata.namespace;
  const name = job.metadata.name!;
  const uid = job.metadata.uid;
  const marked =
    store.mutate('jobs', namespace, name, (object) => {
      object.metadata.finalizers = [...new Set([...(object.metadata.finalizers ?? []), 'foregroundDeletion'])];
      object.metadata.deletionTimestamp = deps.clock.nowIso();
    }) ?? job;
  const owned = (): KubeObject[] => store.list('pods', namespace).filter((pod) => pod.metadata.ownerReferences?.some((ref) => ref.uid === uid));
  const finish = (): boolean => {
    if (owned().length > 0) return false;
    store.remove('jobs', namespace, name);
    return true;
  };
  for (const pod of owned()) {
    store.mutate('pods', namespace, pod.metadata.name!, (object) => {
      object.metadata.deletionTimestamp ??= deps.clock.nowIso();
      object.metadata.deletionGracePeriodSeconds ??= 0;
    });
  }
  if (!finish()) {
    const unsubscribe = store.subscribe((event) => {
      if (event.resource === 'pods' && event.type === 'DELETED' && finish()) unsubscribe();
    });
  }
  return marked;
}

/** A watch: initial state or history from `resourceVersion`, then live events, bookmarks, timeout. */
function watchStream(
  deps: RestDeps,
  info: ResourceInfo,
  namespace: string | undefined,
  labels: (labels: Readonly<Record<string, string>> | undefined) => boolean,
  fields: (object: KubeObject) => boolean,
  request: SimRequest,
): StreamingResponse {
  return {
    status: 200,
    stream: (res: http.ServerResponse, req: http.IncomingMessage) => {
      const { store, counters, watches } = deps;
      const matches = (object: KubeObject): boolean =>
        (namespace === undefined || object.metadata.namespace === namespace) && labels(object.metadata.labels) && fields(object);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
      res.flushHeaders();
      let closed = false;
      const cleanups: (() => void)[] = [];
      const close = (mode: 'end' | 'drop'): void => {
        if (closed) return;
        closed = true;
        for (const cleanup of cleanups.splice(0)) cleanup();
        counters.openWatches--;
        if (mode === 'drop') req.socket.destroy();
        else res.end();
      };
      counters.openWatches++;
      counters.watchesStarted++;
      cleanups.push(watches.add({ end: () => close('end'), drop: () => close('drop') }));
      req.on('close', () => close('end'));
      const table = wantsTable(request.headers.accept);
      const include = includeObjectOf(request.query.get('includeObject'));
      let headersSent = false;
      const send = (type: string, object: unknown): void => {
        if (closed) return;
        let payload = object;
        if (table && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) {
          const kubeObject = object as KubeObject;
          payload = toTable(info.kind, [kubeObject], kubeObject.metadata.resourceVersion ?? '', include, !headersSent);
          headersSent = true;
        }
        res.write(`${JSON.stringify({ type, object: payload })}\n`);
      };

      const rvParam = request.query.get('resourceVersion');
      const sendInitial = truthy(request.query.get('sendInitialEvents'));
      let lastSent = store.resourceVersion;
      if (!rvParam || rvParam === '0' || sendInitial) {
        for (const object of store.list(info.name, namespace)) if (matches(object)) send('ADDED', object);
        if (sendInitial) {
          send('BOOKMARK', { kind: info.kind, apiVersion: apiVersionOf(info), metadata: { resourceVersion: String(lastSent), annotations: { 'k8s.io/initial-events-end': 'true' } } });
        }
      } else {
        const from = Number(rvParam);
        const history = Number.isFinite(from) ? store.eventsSince(info.name, from) : 'expired';
        if (history === 'expired' || from > store.resourceVersion + 1_000_000) {
          send('ERROR', failureStatus(410, 'Expired', `too old resource version: ${rvParam} (${store.resourceVersion})`));
          close('end');
          return;
        }
        for (const event of history) if (matches(event.object)) send(event.type, event.object);
      }
      cleanups.push(
        store.subscribe((event: StoreEvent) => {
          if (event.resource !== info.name) return;
          lastSent = event.resourceVersion;
          if (matches(event.object)) send(event.type, event.object);
        }),
      );
      if (truthy(request.query.get('allowWatchBookmarks'))) {
        const bookmark = (): void => {
          send('BOOKMARK', { kind: info.kind, apiVersion: apiVersionOf(info), metadata: { resourceVersion: String(Math.max(lastSent, store.resourceVersion)) } });
          cleanups.push(deps.clock.after(deps.bookmarkSeconds, bookmark));
        };
        cleanups.push(deps.clock.after(deps.bookmarkSeconds, bookmark));
      }
      const timeout = Number(request.query.get('timeoutSeconds') ?? '0');
      if (timeout > 0) {
        const timer = setTimeout(() => close('end'), timeout * 1000);
        cleanups.push(() => clearTimeout(timer));
      }
    },
  };
}
