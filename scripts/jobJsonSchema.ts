/**
 * A self-contained JSON Schema (draft-07) of a `batch/v1` Job, built offline from the Swagger 2.0
 * document the cluster simulator derives from @kubernetes/client-node (test/sim/openapi.ts): the
 * `io.k8s.api.batch.v1.Job` definition and everything it references, closed
 * (`additionalProperties: false`) wherever the Kubernetes schema is closed, as the
 * "standalone-strict" schemas people use with yaml-language-server are.
 *
 * Two users: scripts/generate-job-schema.ts writes it (without descriptions) to
 * server/src/schemas/job.schema.json, which the language server bundles to find unknown fields;
 * bench/lsp.ts hands it (with descriptions) to yaml-language-server for the comparison.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  buildOpenApiV2,
  type Json,
  type JsonObject,
  loadClientNodeModels,
  loadClientNodeTypings,
  reachableModelClasses,
} from '../test/sim/openapi';

export const JOB_DEFINITION = 'io.k8s.api.batch.v1.Job';
const REF_PREFIX = '#/definitions/';

/** The committed, generated schema (relative to the repository root). */
export const JOB_SCHEMA_FILE = join('server', 'src', 'schemas', 'job.schema.json');
export const JOB_SCHEMA_GENERATOR = 'scripts/generate-job-schema.ts';

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every `$ref` target below `value`. */
function refsIn(value: Json | undefined, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) refsIn(item, into);
  } else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith(REF_PREFIX)) into.add(child.slice(REF_PREFIX.length));
      else refsIn(child, into);
    }
  }
}

/** A schema without its `description`s (the property named `description` stays). */
function withoutDescriptions(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutDescriptions);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === 'description' && typeof child === 'string') continue;
    // `properties` maps field names to schemas: a field may be called `description`.
    out[key] = key === 'properties' && isObject(child)
      ? Object.fromEntries(Object.entries(child).map(([name, schema]) => [name, withoutDescriptions(schema)]))
      : withoutDescriptions(child);
  }
  return out;
}

/** Swagger 2.0 schema → JSON Schema draft-07: the few places where the two differ for these types. */
function convert(name: string, schema: JsonObject): JsonObject {
  // Swagger 2.0 has no union types; the real JSON Schema of these scalars accepts both forms.
  if (schema['format'] === 'int-or-string') {
    return { description: schema['description'] ?? '', anyOf: [{ type: 'integer' }, { type: 'string' }], format: 'int-or-string' };
  }
  if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') {
    return { description: schema['description'] ?? '', anyOf: [{ type: 'string' }, { type: 'number' }] };
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-')) continue;
    out[key] = value;
  }
  // Objects with declared properties are closed in Kubernetes (unknown fields are rejected by
  // strict field validation and by kubectl's client-side validation); maps and free-form objects
  // (no `properties`) stay open.
  if (out['type'] === 'object' && isObject(out['properties']) && !('additionalProperties' in out)) {
    out['additionalProperties'] = false;
  }
  return out;
}

export interface JobJsonSchemaOptions {
  /** Keep the descriptions from client-node's typings (default true). */
  readonly descriptions?: boolean;
}

/** The JSON Schema of a batch/v1 Job and its closure of definitions (about 125 definitions). */
export async function buildJobJsonSchema(options: JobJsonSchemaOptions = {}): Promise<{ schema: JsonObject; definitions: number }> {
  const models = await loadClientNodeModels();
  const docs = loadClientNodeTypings(reachableModelClasses(models));
  const openApi = buildOpenApiV2({ models, docs });
  const all = openApi['definitions'];
  if (!isObject(all) || !isObject(all[JOB_DEFINITION])) throw new Error(`the simulator's OpenAPI has no ${JOB_DEFINITION}`);

  const definitions: JsonObject = {};
  const stack = [JOB_DEFINITION];
  for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
    if (name in definitions) continue;
    const definition = all[name];
    if (!isObject(definition)) throw new Error(`dangling reference to ${name}`);
    definitions[name] = convert(name, definition);
    const refs = new Set<string>();
    refsIn(definition, refs);
    stack.push(...refs);
  }

  // The root is the Job itself, with apiVersion/kind pinned as in the standalone-strict schemas.
  const job = definitions[JOB_DEFINITION] as JsonObject;
  const properties = { ...(job['properties'] as JsonObject) };
  properties['apiVersion'] = { ...(properties['apiVersion'] as JsonObject), enum: ['batch/v1'] };
  properties['kind'] = { ...(properties['kind'] as JsonObject), enum: ['Job'] };
  const sorted: JsonObject = {};
  for (const name of Object.keys(definitions).sort()) sorted[name] = definitions[name] ?? null;
  const schema: JsonObject = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'batch/v1 Job',
    ...job,
    properties,
    definitions: sorted,
  };
  return { schema: options.descriptions === false ? (withoutDescriptions(schema) as JsonObject) : schema, definitions: Object.keys(sorted).length };
}

/** The installed version of @kubernetes/client-node (the models the schema comes from). */
export function clientNodeVersion(): string {
  // The package's `exports` hide package.json; its entry point lies under dist/.
  let dir = dirname(require.resolve('@kubernetes/client-node'));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === '@kubernetes/client-node' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // not at the package root yet
    }
  }
  throw new Error('cannot find the version of @kubernetes/client-node');
}

/**
 * The exact text of server/src/schemas/job.schema.json: the schema without descriptions (the
 * server only needs its structure), headed by a `$comment` saying where it comes from.
 */
export async function jobSchemaFileText(): Promise<string> {
  const { schema } = await buildJobJsonSchema({ descriptions: false });
  const { $schema, ...rest } = schema;
  const comment =
    `Generated by ${JOB_SCHEMA_GENERATOR} from the models of @kubernetes/client-node ${clientNodeVersion()} ` +
    '(through the OpenAPI of test/sim/openapi.ts); do not edit. Objects with declared properties are closed (additionalProperties: false).';
  return `${JSON.stringify({ $schema: $schema ?? null, $comment: comment, ...rest }, null, 2)}\n`;
}
