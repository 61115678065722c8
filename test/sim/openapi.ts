// OpenAPI documents of the simulated API server, derived at runtime from @kubernetes/client-node.
//
// client-node's model classes are generated from the real Kubernetes OpenAPI document; each keeps
// a static `attributeTypeMap` (json name, TS type, format). Walking those from the served kinds
// (resources.ts) rebuilds the component schemas under their real names (modelNames.ts), and the
// served resources give the paths. Optionally, client-node's .d.ts typings add what the type map
// lacks: descriptions, and which properties are required (non-optional in TS ⇔ listed in the
// spec's `required`).
//
// How kubectl (1.32) uses these documents, which decides what must be here:
// - /openapi/v2 (protobuf, see openapiV2Proto.ts) is what client-side validation validates against:
//   kubectl looks the object's kind up through the `x-kubernetes-group-version-kind` extension of
//   the definitions (no match → no validation at all), and reports unknown fields, wrong types and
//   missing required fields.
// - /openapi/v3 is consulted first, to decide whether the server does field validation itself: if
//   the PATCH operation of the kind (found through the operation's `x-kubernetes-group-version-kind`)
//   lists a `fieldValidation` query parameter, kubectl leaves validation to the server and skips the
//   client-side check, which with --dry-run=client means no validation at all. The simulator does
//   no server-side field validation, so its operations deliberately omit `fieldValidation`; kubectl
//   then validates client-side with the v2 schema.
// - Every served kind needs a PATCH operation: if none is found kubectl fails with "Path not found
//   for GVK".

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ANY_FIELDS, FIELDS_V1, INT_OR_STRING, MICRO_TIME, MICRO_TIME_FIELDS, PATCH, QUANTITY, QUANTITY_FIELDS, RAW_EXTENSION, TIME,
  definitionName,
} from './modelNames';
import {
  GROUP_VERSIONS, type GroupVersionDef, type GroupVersionKind, type ResourceDef, groupVersionPrefix, openApiV3Key,
} from './resources';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

// ---------------------------------------------------------------------------------------------
// client-node models

export interface AttributeInfo {
  readonly name: string;
  readonly baseName: string;
  readonly type: string;
  readonly format: string;
}

export interface ModelClass {
  readonly attributeTypeMap: readonly AttributeInfo[];
}

/** client-node model classes by class name (`V1Job` → class). */
export type ModelTable = ReadonlyMap<string, ModelClass>;

export interface PropertyDoc {
  readonly required: boolean;
  readonly description?: string;
}

export interface ModelDoc {
  readonly description?: string;
  /** By TS property name (AttributeInfo.name). */
  readonly properties: ReadonlyMap<string, PropertyDoc>;
}

/** What client-node's .d.ts typings add to the type map, by class name. */
export type ModelDocs = ReadonlyMap<string, ModelDoc>;

function isAttributeInfo(value: unknown): value is AttributeInfo {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return ['name', 'baseName', 'type', 'format'].every((key) => typeof record[key] === 'string');
}

function isModelClass(value: unknown): value is ModelClass {
  if (typeof value !== 'function') return false;
  const map: unknown = (value as { attributeTypeMap?: unknown }).attributeTypeMap;
  return Array.isArray(map) && map.every(isAttributeInfo);
}

/** Loads the model classes of @kubernetes/client-node (an ES module, hence the dynamic import). */
export async function loadClientNodeModels(): Promise<ModelTable> {
  const exports: Record<string, unknown> = { ...(await import('@kubernetes/client-node')) };
  const models = new Map<string, ModelClass>();
  for (const [name, value] of Object.entries(exports)) {
    if (isModelClass(value)) models.set(name, value);
  }
  if (!models.has('V1Job')) throw new Error('@kubernetes/client-node exports no V1Job model: unexpected package layout');
  return models;
}

function clientNodeModelsDir(): string | undefined {
  let entry: string;
  try {
    entry = require.resolve('@kubernetes/client-node');
  } catch {
    entry = path.resolve('node_modules/@kubernetes/client-node/dist/index.js');
  }
  const dir = path.join(path.dirname(entry), 'gen', 'models');
  return existsSync(dir) ? dir : undefined;
}

function unescapeDoc(text: string): string {
  return text.replace(/\\(['"\\])/g, '$1');
}

/** Parses one generated model typing (`export declare class V1Job { 'apiVersion'?: string; ... }`). */
export function parseModelTyping(text: string): ModelDoc {
  const properties = new Map<string, PropertyDoc>();
  let description: string | undefined;
  let comment: string[] | undefined;
  let pending: string | undefined;
  let inClass = false;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('/**')) {
      comment = [];
      continue;
    }
    if (comment !== undefined) {
      if (trimmed.startsWith('*/')) {
        pending = unescapeDoc(comment.join(' ').trim()) || undefined;
        comment = undefined;
      } else {
        comment.push(trimmed.replace(/^\*\s?/, ''));
      }
      continue;
    }
    if (/^export declare class \w+/.test(trimmed)) {
      description = pending;
      pending = undefined;
      inClass = true;
      continue;
    }
    const property = inClass ? /^ {4}'([^']+)'(\?)?:/.exec(line) : null;
    if (property?.[1] !== undefined) {
      const doc: PropertyDoc = pending === undefined ? { required: property[2] !== '?' } : { required: property[2] !== '?', description: pending };
      properties.set(property[1], doc);
    }
    if (trimmed !== '') pending = undefined;
  }
  return description === undefined ? { properties } : { description, properties };
}

/**
 * Reads client-node's .d.ts typings of the given classes (descriptions and required flags).
 * Returns an empty table if the typings are not installed; the schemas then lack both.
 */
export function loadClientNodeTypings(classNames: Iterable<string>): ModelDocs {
  const dir = clientNodeModelsDir();
  const docs = new Map<string, ModelDoc>();
  if (dir === undefined) return docs;
  for (const className of classNames) {
    const file = path.join(dir, `${className}.d.ts`);
    if (existsSync(file)) docs.set(className, parseModelTyping(readFileSync(file, 'utf8')));
  }
  return docs;
}

// ---------------------------------------------------------------------------------------------
// Catalogue: version-neutral definitions

type PrimitiveType = 'string' | 'integer' | 'number' | 'boolean';

type Shape =
  | { readonly kind: 'ref'; readonly target: string }
  | { readonly kind: 'primitive'; readonly type: PrimitiveType; readonly format?: string }
  | { readonly kind: 'array'; readonly items: Shape }
  | { readonly kind: 'map'; readonly values: Shape }
  | { readonly kind: 'any' };

interface PropertyDef {
  readonly name: string;
  readonly shape: Shape;
  readonly description?: string;
}

interface ObjectDefinition {
  readonly kind: 'object';
  readonly name: string;
  readonly description?: string;
  readonly properties: readonly PropertyDef[];
  readonly required: readonly string[];
  readonly gvks: readonly GroupVersionKind[];
  readonly dependencies: ReadonlySet<string>;
}

interface ScalarDefinition {
  readonly kind: 'scalar';
  readonly name: string;
  readonly description: string;
  readonly v2: JsonObject;
  readonly v3: JsonObject;
}

type Definition = ObjectDefinition | ScalarDefinition;

/** Types client-node flattens to TS primitives; written in our own words, with the real schemas. */
const SCALARS: readonly ScalarDefinition[] = [
  {
    kind: 'scalar', name: INT_OR_STRING,
    description: 'IntOrString holds either an int32 or a string and is written in JSON as whichever of the two it holds.',
    v2: { type: 'string', format: 'int-or-string' },
    v3: { oneOf: [{ type: 'integer' }, { type: 'string' }], format: 'int-or-string' },
  },
  {
    kind: 'scalar', name: QUANTITY,
    description: 'Quantity is a fixed-point decimal with an optional SI or binary suffix such as "500m" or "1Gi"; JSON numbers are accepted as well.',
    v2: { type: 'string' },
    v3: { oneOf: [{ type: 'string' }, { type: 'number' }] },
  },
  {
    kind: 'scalar', name: TIME,
    description: 'Time is a timestamp with second precision, written as an RFC 3339 string.',
    v2: { type: 'string', format: 'date-time' },
    v3: { type: 'string', format: 'date-time' },
  },
  {
    kind: 'scalar', name: MICRO_TIME,
    description: 'MicroTime is a timestamp with microsecond precision, written as an RFC 3339 string.',
    v2: { type: 'string', format: 'date-time' },
    v3: { type: 'string', format: 'date-time' },
  },
  {
    kind: 'scalar', name: FIELDS_V1,
    description: 'FieldsV1 is the set of fields managed by one field manager, as a JSON object in the FieldsV1 trie format.',
    v2: { type: 'object' },
    v3: { type: 'object' },
  },
  {
    kind: 'scalar', name: RAW_EXTENSION,
    description: 'RawExtension holds an embedded object of any kind, kept as raw JSON.',
    v2: { type: 'object' },
    v3: { type: 'object' },
  },
  {
    kind: 'scalar', name: PATCH,
    description: 'Patch is the body of a PATCH request; its format depends on the request content type.',
    v2: { type: 'object' },
    v3: { type: 'object' },
  },
];

/** Meta kinds the real spec tags with the core group-version. */
const CORE_META_KINDS: readonly string[] = ['APIGroup', 'APIGroupList', 'APIResourceList', 'APIVersions', 'Status'];
/** Meta kinds the real spec tags with every group-version (they travel in every API group). */
const EVERY_GROUP_META_KINDS: readonly string[] = ['DeleteOptions', 'WatchEvent'];
/** Definitions every group-version document needs for its operations. */
const META_ROOT_CLASSES: readonly string[] = ['V1APIResourceList', 'V1DeleteOptions', 'V1Status', 'V1WatchEvent'];

interface Catalog {
  readonly definitions: ReadonlyMap<string, Definition>;
  /** Class name → definition name, for the classes of the served resources. */
  readonly names: ReadonlyMap<string, string>;
}

function gvkTable(groupVersions: readonly GroupVersionDef[]): Map<string, GroupVersionKind[]> {
  const table = new Map<string, GroupVersionKind[]>();
  const add = (className: string, gvk: GroupVersionKind): void => {
    const list = table.get(className) ?? [];
    list.push(gvk);
    table.set(className, list);
  };
  for (const gv of groupVersions) {
    for (const resource of gv.resources) {
      add(resource.model, { group: resource.group, version: resource.version, kind: resource.kind });
      if (resource.listModel !== undefined) add(resource.listModel, { group: resource.group, version: resource.version, kind: `${resource.kind}List` });
    }
  }
  for (const kind of CORE_META_KINDS) add(`V1${kind}`, { group: '', version: 'v1', kind });
  for (const kind of EVERY_GROUP_META_KINDS) {
    for (const gv of groupVersions) add(`V1${kind}`, { group: gv.group, version: gv.version, kind });
  }
  return table;
}

function buildCatalog(models: ModelTable, docs: ModelDocs, groupVersions: readonly GroupVersionDef[]): Catalog {
  const definitions = new Map<string, Definition>();
  const names = new Map<string, string>();
  for (const scalar of SCALARS) definitions.set(scalar.name, scalar);
  const gvks = gvkTable(groupVersions);
  const queue: string[] = [];

  const refClass = (className: string): Shape => {
    const name = definitionName(className);
    if (!names.has(className)) {
      names.set(className, name);
      queue.push(className);
    }
    return { kind: 'ref', target: name };
  };

  const shapeOf = (type: string, format: string, fieldKey: string): Shape => {
    const array = /^Array<(.+)>$/.exec(type);
    if (array?.[1] !== undefined) return { kind: 'array', items: shapeOf(array[1], format, fieldKey) };
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map?.[1] !== undefined) return { kind: 'map', values: shapeOf(map[1], format, fieldKey) };
    const withFormat = (t: PrimitiveType): Shape => (format === '' ? { kind: 'primitive', type: t } : { kind: 'primitive', type: t, format });
    switch (type) {
      case 'string':
        return QUANTITY_FIELDS.has(fieldKey) ? { kind: 'ref', target: QUANTITY } : withFormat('string');
      case 'boolean':
        return withFormat('boolean');
      case 'number':
        // client-node writes both OpenAPI `integer` and `number` as TS number; the format tells them apart.
        return format === 'int32' || format === 'int64' ? withFormat('integer') : withFormat('number');
      case 'Date':
        return { kind: 'ref', target: MICRO_TIME_FIELDS.has(fieldKey) ? MICRO_TIME : TIME };
      case 'IntOrString':
        return { kind: 'ref', target: INT_OR_STRING };
      case 'any':
      case 'object': {
        const target = ANY_FIELDS.get(fieldKey);
        return target === undefined ? { kind: 'any' } : { kind: 'ref', target };
      }
      default:
        if (models.has(type)) return refClass(type);
        throw new Error(`cannot map client-node type ${JSON.stringify(type)} of ${fieldKey} to an OpenAPI schema`);
    }
  };

  const roots = [
    ...groupVersions.flatMap((gv) => gv.resources.flatMap((r) => (r.listModel === undefined ? [r.model] : [r.model, r.listModel]))),
    ...META_ROOT_CLASSES,
    ...CORE_META_KINDS.map((kind) => `V1${kind}`),
  ];
  for (const root of roots) refClass(root);

  for (let className = queue.shift(); className !== undefined; className = queue.shift()) {
    const model = models.get(className);
    if (model === undefined) throw new Error(`@kubernetes/client-node has no model class ${className}`);
    const doc = docs.get(className);
    const properties: PropertyDef[] = [];
    const required: string[] = [];
    const dependencies = new Set<string>();
    const collect = (shape: Shape): void => {
      if (shape.kind === 'ref') dependencies.add(shape.target);
      else if (shape.kind === 'array') collect(shape.items);
      else if (shape.kind === 'map') collect(shape.values);
    };
    for (const attribute of [...model.attributeTypeMap].sort((a, b) => (a.baseName < b.baseName ? -1 : a.baseName > b.baseName ? 1 : 0))) {
      const shape = shapeOf(attribute.type, attribute.format, `${className}.${attribute.baseName}`);
      collect(shape);
      const propertyDoc = doc?.properties.get(attribute.name);
      properties.push(propertyDoc?.description === undefined
        ? { name: attribute.baseName, shape }
        : { name: attribute.baseName, shape, description: propertyDoc.description });
      if (propertyDoc?.required === true) required.push(attribute.baseName);
    }
    const name = definitionName(className);
    const base = { kind: 'object' as const, name, properties, required, gvks: gvks.get(className) ?? [], dependencies };
    definitions.set(name, doc?.description === undefined ? base : { ...base, description: doc.description });
  }
  return { definitions, names };
}

/** Definition names reachable from `roots`, sorted. */
function closure(catalog: Catalog, roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const stack = [...roots];
  for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    const definition = catalog.definitions.get(name);
    if (definition === undefined) throw new Error(`dangling reference to ${name}`);
    if (definition.kind === 'object') stack.push(...definition.dependencies);
  }
  return [...seen].sort();
}

// ---------------------------------------------------------------------------------------------
// Operations: version-neutral

type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';

interface ParameterSpec {
  readonly name: string;
  readonly in: 'query' | 'path';
  readonly type: 'string' | 'integer' | 'boolean';
  readonly description: string;
  readonly required?: boolean;
}

interface ResponseSpec {
  readonly code: string;
  readonly description: string;
  readonly shape?: Shape;
}

interface OperationSpec {
  readonly method: Method;
  readonly operationId: string;
  readonly description: string;
  readonly tag: string;
  readonly action: string;
  readonly gvk?: GroupVersionKind;
  readonly parameters: readonly ParameterSpec[];
  readonly body?: { readonly shape: Shape; readonly required: boolean; readonly contentTypes: readonly string[] };
  readonly produces: readonly string[];
  readonly responses: readonly ResponseSpec[];
}

interface PathSpec {
  readonly path: string;
  readonly parameters: readonly ParameterSpec[];
  readonly operations: readonly OperationSpec[];
}

const q = (name: string, type: ParameterSpec['type'], description: string): ParameterSpec => ({ name, in: 'query', type, description });

const P = {
  pretty: q('pretty', 'string', "If 'true', the output is pretty printed."),
  dryRun: q('dryRun', 'string', "When present, changes are not persisted. The only valid value is 'All'."),
  fieldManager: q('fieldManager', 'string', 'Name of the actor making the change, recorded in managedFields.'),
  force: q('force', 'boolean', 'Force an apply request to take ownership of conflicting fields. Only for apply patches.'),
  allowWatchBookmarks: q('allowWatchBookmarks', 'boolean', 'Ask for BOOKMARK watch events.'),
  continue: q('continue', 'string', 'Continue token of a previous paginated list call.'),
  fieldSelector: q('fieldSelector', 'string', 'Restrict the returned objects by their fields.'),
  labelSelector: q('labelSelector', 'string', 'Restrict the returned objects by their labels.'),
  limit: q('limit', 'integer', 'Maximum number of items to return in one list call.'),
  resourceVersion: q('resourceVersion', 'string', 'Constrains which resource versions a request may be served from.'),
  resourceVersionMatch: q('resourceVersionMatch', 'string', 'How resourceVersion is applied to list calls.'),
  sendInitialEvents: q('sendInitialEvents', 'boolean', 'Start a watch with synthetic events for the current state.'),
  timeoutSeconds: q('timeoutSeconds', 'integer', 'Timeout for the list or watch call.'),
  watch: q('watch', 'boolean', 'Watch for changes instead of listing.'),
  gracePeriodSeconds: q('gracePeriodSeconds', 'integer', 'Seconds before the object should be deleted.'),
  orphanDependents: q('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy.'),
  propagationPolicy: q('propagationPolicy', 'string', "Garbage collection policy: 'Orphan', 'Background' or 'Foreground'."),
  container: q('container', 'string', 'Container to use; defaults to the only container if there is one.'),
  follow: q('follow', 'boolean', 'Follow the log stream of the pod.'),
  limitBytes: q('limitBytes', 'integer', 'Number of bytes to read from the server before terminating the log output.'),
  previous: q('previous', 'boolean', 'Return the log of the previous, terminated container instance.'),
  sinceSeconds: q('sinceSeconds', 'integer', 'Relative time in seconds before now from which to show logs.'),
  tailLines: q('tailLines', 'integer', 'Number of lines from the end of the log to show.'),
  timestamps: q('timestamps', 'boolean', 'Prefix every line of log output with an RFC3339 timestamp.'),
  command: q('command', 'string', 'Command to execute; repeat the parameter for each argument.'),
  stdin: q('stdin', 'boolean', 'Redirect the standard input stream of the pod for this call.'),
  stdout: q('stdout', 'boolean', 'Redirect the standard output stream of the pod for this call.'),
  stderr: q('stderr', 'boolean', 'Redirect the standard error stream of the pod for this call.'),
  tty: q('tty', 'boolean', 'Allocate a terminal for this exec call.'),
} as const;

const NAME = (kind: string): ParameterSpec => ({ name: 'name', in: 'path', type: 'string', description: `name of the ${kind}`, required: true });
const NAMESPACE: ParameterSpec = { name: 'namespace', in: 'path', type: 'string', description: 'object name and auth scope, such as for teams and projects', required: true };

const OBJECT_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'] as const;
const LIST_TYPES = [...OBJECT_TYPES, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'] as const;
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'] as const;

// Query parameters per operation kind. `fieldValidation` is left out on purpose (see top of file).
const LIST_PARAMS = [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch];
const DELETE_PARAMS = [P.dryRun, P.gracePeriodSeconds, P.orphanDependents, P.propagationPolicy];

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function resourceOperations(resource: ResourceDef, names: ReadonlyMap<string, string>): PathSpec[] {
  const ref = (className: string): Shape => {
    const target = names.get(className);
    if (target === undefined) throw new Error(`no definition for ${className}`);
    return { kind: 'ref', target };
  };
  const shortGroup = resource.group === '' ? 'core' : (resource.group.split('.')[0] ?? resource.group);
  const tag = `${shortGroup}_${resource.version}`;
  const idPart = `${capitalize(shortGroup)}${capitalize(resource.version)}`;
  const gvk: GroupVersionKind = { group: resource.group, version: resource.version, kind: resource.kind };
  const object = ref(resource.model);
  const status = ref('V1Status');
  const deleteOptions = ref('V1DeleteOptions');
  const has = (verb: string): boolean => (resource.verbs as readonly string[]).includes(verb);
  const ns = resource.namespaced ? 'Namespaced' : '';
  const prefix = groupVersionPrefix(resource);
  const collection = resource.namespaced ? `${prefix}/namespaces/{namespace}/${resource.plural}` : `${prefix}/${resource.plural}`;
  const scopeParams = resource.namespaced ? [NAMESPACE, P.pretty] : [P.pretty];
  const unauthorized: ResponseSpec = { code: '401', description: 'Unauthorized' };
  const op = (o: Omit<OperationSpec, 'tag'>): OperationSpec => ({ ...o, tag });
  const paths: PathSpec[] = [];

  if (resource.namespaced && has('list')) {
    paths.push({
      path: `${prefix}/${resource.plural}`, parameters: [P.pretty],
      operations: [op({
        method: 'get', operationId: `list${idPart}${resource.kind}ForAllNamespaces`, description: `list or watch objects of kind ${resource.kind}`,
        action: 'list', gvk, parameters: LIST_PARAMS, produces: LIST_TYPES,
        responses: [{ code: '200', description: 'OK', shape: ref(resource.listModel ?? resource.model) }, unauthorized],
      })],
    });
  }

  const collectionOps: OperationSpec[] = [];
  if (has('list') && resource.listModel !== undefined) {
    collectionOps.push(op({
      method: 'get', operationId: `list${idPart}${ns}${resource.kind}`, description: `list or watch objects of kind ${resource.kind}`,
      action: 'list', gvk, parameters: LIST_PARAMS, produces: LIST_TYPES,
      responses: [{ code: '200', description: 'OK', shape: ref(resource.listModel) }, unauthorized],
    }));
  }
  if (has('create')) {
    collectionOps.push(op({
      method: 'post', operationId: `create${idPart}${ns}${resource.kind}`, description: `create ${article(resource.kind)} ${resource.kind}`,
      action: 'post', gvk, parameters: [P.dryRun, P.fieldManager], produces: OBJECT_TYPES,
      body: { shape: object, required: true, contentTypes: ['*/*'] },
      responses: [
        { code: '200', description: 'OK', shape: object }, { code: '201', description: 'Created', shape: object },
        { code: '202', description: 'Accepted', shape: object }, unauthorized,
      ],
    }));
  }
  if (has('deletecollection')) {
    collectionOps.push(op({
      method: 'delete', operationId: `delete${idPart}Collection${ns}${resource.kind}`, description: `delete collection of ${resource.kind}`,
      action: 'deletecollection', gvk, parameters: [...DELETE_PARAMS, ...LIST_PARAMS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks')],
      produces: OBJECT_TYPES, body: { shape: deleteOptions, required: false, contentTypes: ['*/*'] },
      responses: [{ code: '200', description: 'OK', shape: status }, unauthorized],
    }));
  }
  if (collectionOps.length > 0) paths.push({ path: collection, parameters: scopeParams, operations: collectionOps });

  if (has('get')) {
    // Pods are deleted gracefully and the real server answers DELETE with the Pod; others with a Status.
    const deleted = resource.kind === 'Pod' ? object : status;
    const itemOps: OperationSpec[] = [
      op({
        method: 'get', operationId: `read${idPart}${ns}${resource.kind}`, description: `read the specified ${resource.kind}`,
        action: 'get', gvk, parameters: [], produces: OBJECT_TYPES, responses: [{ code: '200', description: 'OK', shape: object }, unauthorized],
      }),
    ];
    if (has('update')) {
      itemOps.push(op({
        method: 'put', operationId: `replace${idPart}${ns}${resource.kind}`, description: `replace the specified ${resource.kind}`,
        action: 'put', gvk, parameters: [P.dryRun, P.fieldManager], produces: OBJECT_TYPES,
        body: { shape: object, required: true, contentTypes: ['*/*'] },
        responses: [{ code: '200', description: 'OK', shape: object }, { code: '201', description: 'Created', shape: object }, unauthorized],
      }));
    }
    if (has('delete')) {
      itemOps.push(op({
        method: 'delete', operationId: `delete${idPart}${ns}${resource.kind}`, description: `delete ${article(resource.kind)} ${resource.kind}`,
        action: 'delete', gvk, parameters: DELETE_PARAMS, produces: OBJECT_TYPES,
        body: { shape: deleteOptions, required: false, contentTypes: ['*/*'] },
        responses: [{ code: '200', description: 'OK', shape: deleted }, { code: '202', description: 'Accepted', shape: deleted }, unauthorized],
      }));
    }
    if (has('patch')) itemOps.push(patchOperation(op, `patch${idPart}${ns}${resource.kind}`, `partially update the specified ${resource.kind}`, gvk, object, unauthorized));
    paths.push({ path: `${collection}/{name}`, parameters: [NAME(resource.kind), ...scopeParams], operations: itemOps });
  }

  for (const sub of resource.subresources) {
    const subPath = `${collection}/{name}/${sub.name}`;
    const nameParam = NAME(sub.name === 'status' ? resource.kind : sub.kind);
    if (sub.name === 'status') {
      paths.push({
        path: subPath, parameters: [nameParam, ...scopeParams],
        operations: [
          op({
            method: 'get', operationId: `read${idPart}${ns}${resource.kind}Status`, description: `read status of the specified ${resource.kind}`,
            action: 'get', gvk, parameters: [], produces: OBJECT_TYPES, responses: [{ code: '200', description: 'OK', shape: object }, unauthorized],
          }),
          op({
            method: 'put', operationId: `replace${idPart}${ns}${resource.kind}Status`, description: `replace status of the specified ${resource.kind}`,
            action: 'put', gvk, parameters: [P.dryRun, P.fieldManager], produces: OBJECT_TYPES,
            body: { shape: object, required: true, contentTypes: ['*/*'] },
            responses: [{ code: '200', description: 'OK', shape: object }, { code: '201', description: 'Created', shape: object }, unauthorized],
          }),
          patchOperation(op, `patch${idPart}${ns}${resource.kind}Status`, `partially update status of the specified ${resource.kind}`, gvk, object, unauthorized),
        ],
      });
    } else if (sub.name === 'log') {
      paths.push({
        path: subPath, parameters: [nameParam, ...scopeParams],
        operations: [op({
          method: 'get', operationId: `read${idPart}${ns}${resource.kind}Log`, description: `read log of the specified ${resource.kind}`,
          action: 'get', gvk: { ...gvk, kind: sub.kind },
          parameters: [P.container, P.follow, P.limitBytes, P.previous, P.sinceSeconds, P.tailLines, P.timestamps],
          produces: ['text/plain', 'application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
          responses: [{ code: '200', description: 'OK', shape: { kind: 'primitive', type: 'string' } }, unauthorized],
        })],
      });
    } else {
      const connect = (method: 'get' | 'post'): OperationSpec => op({
        method, operationId: `connect${capitalize(method)}${idPart}${ns}${resource.kind}Exec`, description: `connect ${method.toUpperCase()} requests to exec of ${resource.kind}`,
        action: 'connect', gvk: { ...gvk, kind: sub.kind },
        parameters: [P.command, P.container, P.stderr, P.stdin, P.stdout, P.tty], produces: ['*/*'],
        responses: [{ code: '200', description: 'OK', shape: { kind: 'primitive', type: 'string' } }, unauthorized],
      });
      paths.push({ path: subPath, parameters: [nameParam, NAMESPACE], operations: [connect('get'), connect('post')] });
    }
  }
  return paths;
}

function patchOperation(
  op: (o: Omit<OperationSpec, 'tag'>) => OperationSpec, operationId: string, description: string, gvk: GroupVersionKind, object: Shape, unauthorized: ResponseSpec,
): OperationSpec {
  return op({
    method: 'patch', operationId, description, action: 'patch', gvk, parameters: [P.dryRun, P.fieldManager, P.force], produces: OBJECT_TYPES,
    body: { shape: { kind: 'ref', target: PATCH }, required: true, contentTypes: PATCH_TYPES },
    responses: [{ code: '200', description: 'OK', shape: object }, { code: '201', description: 'Created', shape: object }, unauthorized],
  });
}

function article(word: string): string {
  return /^[AEIOU]/.test(word) ? 'an' : 'a';
}

function groupVersionPaths(gv: GroupVersionDef, names: ReadonlyMap<string, string>): PathSpec[] {
  const shortGroup = gv.group === '' ? 'core' : (gv.group.split('.')[0] ?? gv.group);
  const resourcesPath: PathSpec = {
    path: `${groupVersionPrefix(gv)}/`, parameters: [],
    operations: [{
      method: 'get', operationId: `get${capitalize(shortGroup)}${capitalize(gv.version)}APIResources`, description: 'get available resources',
      tag: `${shortGroup}_${gv.version}`, action: '', parameters: [], produces: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
      responses: [{ code: '200', description: 'OK', shape: { kind: 'ref', target: names.get('V1APIResourceList') ?? '' } }, { code: '401', description: 'Unauthorized' }],
    }],
  };
  return [resourcesPath, ...gv.resources.flatMap((resource) => resourceOperations(resource, names))].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function shapeRefs(shape: Shape | undefined, into: Set<string>): void {
  if (shape === undefined) return;
  if (shape.kind === 'ref') into.add(shape.target);
  else if (shape.kind === 'array') shapeRefs(shape.items, into);
  else if (shape.kind === 'map') shapeRefs(shape.values, into);
}

function pathRefs(paths: readonly PathSpec[]): Set<string> {
  const refs = new Set<string>();
  for (const p of paths) {
    for (const o of p.operations) {
      shapeRefs(o.body?.shape, refs);
      for (const r of o.responses) shapeRefs(r.shape, refs);
    }
  }
  return refs;
}

// ---------------------------------------------------------------------------------------------
// Rendering

type Dialect = 'v2' | 'v3';

function refString(dialect: Dialect, target: string): string {
  return dialect === 'v2' ? `#/definitions/${target}` : `#/components/schemas/${target}`;
}

function renderShape(dialect: Dialect, shape: Shape, description?: string): JsonObject {
  const described = (schema: JsonObject): JsonObject => (description === undefined ? schema : { ...schema, description });
  switch (shape.kind) {
    case 'ref':
      if (dialect === 'v2') return described({ $ref: refString(dialect, shape.target) });
      // OpenAPI 3.0 ignores siblings of $ref, so the real v3 documents wrap described references in allOf.
      return description === undefined ? { $ref: refString(dialect, shape.target) } : { allOf: [{ $ref: refString(dialect, shape.target) }], description };
    case 'primitive':
      return described(shape.format === undefined ? { type: shape.type } : { type: shape.type, format: shape.format });
    case 'array':
      return described({ type: 'array', items: renderShape(dialect, shape.items) });
    case 'map':
      return described({ type: 'object', additionalProperties: renderShape(dialect, shape.values) });
    case 'any':
      return described({});
  }
}

function gvkJson(gvk: GroupVersionKind): JsonObject {
  return { group: gvk.group, kind: gvk.kind, version: gvk.version };
}

function renderDefinition(dialect: Dialect, definition: Definition): JsonObject {
  if (definition.kind === 'scalar') return { description: definition.description, ...(dialect === 'v2' ? definition.v2 : definition.v3) };
  const schema: JsonObject = {};
  if (definition.description !== undefined) schema['description'] = definition.description;
  schema['type'] = 'object';
  const properties: JsonObject = {};
  for (const property of definition.properties) properties[property.name] = renderShape(dialect, property.shape, property.description);
  schema['properties'] = properties;
  if (definition.required.length > 0) schema['required'] = [...definition.required];
  if (definition.gvks.length > 0) schema['x-kubernetes-group-version-kind'] = definition.gvks.map(gvkJson);
  return schema;
}

function renderParameterV3(parameter: ParameterSpec): JsonObject {
  const rendered: JsonObject = { name: parameter.name, in: parameter.in, description: parameter.description };
  if (parameter.required === true) rendered['required'] = true;
  rendered['schema'] = { type: parameter.type, uniqueItems: true };
  return rendered;
}

function renderParameterV2(parameter: ParameterSpec): JsonObject {
  const rendered: JsonObject = { name: parameter.name, in: parameter.in, description: parameter.description, type: parameter.type, uniqueItems: true };
  if (parameter.required === true) rendered['required'] = true;
  return rendered;
}

function renderOperation(dialect: Dialect, operation: OperationSpec): JsonObject {
  const rendered: JsonObject = { tags: [operation.tag], description: operation.description, operationId: operation.operationId };
  if (dialect === 'v2') {
    if (operation.body !== undefined) rendered['consumes'] = [...operation.body.contentTypes];
    rendered['produces'] = [...operation.produces];
    rendered['schemes'] = ['https'];
  }
  const parameters: JsonObject[] = operation.parameters.map(dialect === 'v2' ? renderParameterV2 : renderParameterV3);
  if (dialect === 'v2' && operation.body !== undefined) {
    const body: JsonObject = { name: 'body', in: 'body', schema: renderShape('v2', operation.body.shape) };
    if (operation.body.required) body['required'] = true;
    parameters.unshift(body);
  }
  if (parameters.length > 0) rendered['parameters'] = parameters;
  if (dialect === 'v3' && operation.body !== undefined) {
    const content: JsonObject = {};
    for (const type of operation.body.contentTypes) content[type] = { schema: renderShape('v3', operation.body.shape) };
    rendered['requestBody'] = operation.body.required ? { content, required: true } : { content };
  }
  const responses: JsonObject = {};
  for (const response of operation.responses) {
    if (dialect === 'v2') {
      responses[response.code] = response.shape === undefined ? { description: response.description } : { description: response.description, schema: renderShape('v2', response.shape) };
    } else if (response.shape === undefined) {
      responses[response.code] = { description: response.description };
    } else {
      const content: JsonObject = {};
      for (const type of operation.produces) content[type] = { schema: renderShape('v3', response.shape) };
      responses[response.code] = { description: response.description, content };
    }
  }
  rendered['responses'] = responses;
  if (operation.action !== '') rendered['x-kubernetes-action'] = operation.action;
  if (operation.gvk !== undefined) rendered['x-kubernetes-group-version-kind'] = gvkJson(operation.gvk);
  return rendered;
}

function renderPaths(dialect: Dialect, paths: readonly PathSpec[]): JsonObject {
  const rendered: JsonObject = {};
  for (const p of paths) {
    const item: JsonObject = {};
    for (const operation of p.operations) item[operation.method] = renderOperation(dialect, operation);
    if (p.parameters.length > 0) item['parameters'] = p.parameters.map(dialect === 'v2' ? renderParameterV2 : renderParameterV3);
    rendered[p.path] = item;
  }
  return rendered;
}

// ---------------------------------------------------------------------------------------------
// Public API

export interface OpenApiInput {
  readonly models: ModelTable;
  /** Descriptions and required flags from the typings; without them the schemas carry neither. */
  readonly docs?: ModelDocs;
  /** Reported as info.version. */
  readonly gitVersion?: string;
  readonly groupVersions?: readonly GroupVersionDef[];
}

export interface OpenApiV3GroupVersion {
  /** The document as served (hashed, so serve these exact bytes). */
  readonly json: string;
  readonly document: JsonObject;
  /** Upper-case hex SHA-512 of `json`, as the real server puts in serverRelativeURL. */
  readonly hash: string;
}

export interface OpenApiV3Documents {
  /** GET /openapi/v3 */
  readonly index: { readonly paths: Readonly<Record<string, { readonly serverRelativeURL: string }>> };
  /** By index key (`api/v1`, `apis/batch/v1`); served at /openapi/v3/<key>. */
  readonly groupVersions: ReadonlyMap<string, OpenApiV3GroupVersion>;
}

const BEARER_TOKEN = { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } as const;

/** The /openapi/v3 index and the per-group-version documents. Pure: depends only on the input. */
export function buildOpenApiV3(input: OpenApiInput): OpenApiV3Documents {
  const groupVersions = input.groupVersions ?? GROUP_VERSIONS;
  const catalog = buildCatalog(input.models, input.docs ?? new Map(), groupVersions);
  const paths: Record<string, { serverRelativeURL: string }> = {};
  const documents = new Map<string, OpenApiV3GroupVersion>();
  for (const gv of groupVersions) {
    const key = openApiV3Key(gv);
    const gvPaths = groupVersionPaths(gv, catalog.names);
    const schemas: JsonObject = {};
    for (const name of closure(catalog, pathRefs(gvPaths))) {
      const definition = catalog.definitions.get(name);
      if (definition !== undefined) schemas[name] = renderDefinition('v3', definition);
    }
    const document: JsonObject = {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: input.gitVersion ?? 'unversioned' },
      paths: renderPaths('v3', gvPaths),
      components: { schemas, securitySchemes: { BearerToken: { ...BEARER_TOKEN } } },
    };
    const json = JSON.stringify(document);
    const hash = createHash('sha512').update(json).digest('hex').toUpperCase();
    documents.set(key, { json, document, hash });
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { index: { paths }, groupVersions: documents };
}

/** The Swagger 2.0 document (/openapi/v2) with every served path and definition. Pure. */
export function buildOpenApiV2(input: OpenApiInput): JsonObject {
  const groupVersions = input.groupVersions ?? GROUP_VERSIONS;
  const catalog = buildCatalog(input.models, input.docs ?? new Map(), groupVersions);
  const allPaths = groupVersions.flatMap((gv) => groupVersionPaths(gv, catalog.names)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const definitions: JsonObject = {};
  for (const name of [...catalog.definitions.keys()].sort()) {
    const definition = catalog.definitions.get(name);
    if (definition !== undefined) definitions[name] = renderDefinition('v2', definition);
  }
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: input.gitVersion ?? 'unversioned' },
    paths: renderPaths('v2', allPaths),
    definitions,
    securityDefinitions: { BearerToken: { ...BEARER_TOKEN } },
    security: [{ BearerToken: [] }],
  };
}

/** Class names the catalogue reaches from the served kinds (to know which typings to read). */
export function reachableModelClasses(models: ModelTable, groupVersions: readonly GroupVersionDef[] = GROUP_VERSIONS): string[] {
  return [...buildCatalog(models, new Map(), groupVersions).names.keys()].sort();
}
