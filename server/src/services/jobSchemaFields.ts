/**
 * Unknown fields of a `batch/v1` Job, which kubernetes-models' validators let through: ajv,
 * compiled once from the generated JSON Schema (schemas/job.schema.json, closed wherever the
 * Kubernetes schema is closed) cut down to the keywords that decide which fields an object may
 * have (`properties`, `additionalProperties`, `items`, `$ref`). Types, required fields, enums and
 * formats stay kubernetes-models' job. Loaded and compiled with the other schema validators
 * (jobSchema.ts), after the server has started.
 */
import Ajv from 'ajv';
import type { SchemaError } from '../rules/ruleTypes';
import jobSchema from '../schemas/job.schema.json';

/** The definition at the root of the schema (the root is the Job itself, inlined). */
export const JOB_DEFINITION = 'io.k8s.api.batch.v1.Job';
const REF_PREFIX = '#/definitions/';

/** The part of a schema that decides which fields an object may have. */
interface Skeleton {
  $ref?: string;
  properties?: Record<string, Skeleton>;
  additionalProperties?: Skeleton | boolean;
  items?: Skeleton;
  definitions?: Record<string, Skeleton>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function skeletonMap(value: unknown): Record<string, Skeleton> {
  const out: Record<string, Skeleton> = {};
  if (isRecord(value)) for (const [name, schema] of Object.entries(value)) out[name] = skeletonOf(schema);
  return out;
}

/** The schema without the keywords ajv need not check here (a `true` schema for scalars). */
export function skeletonOf(schema: unknown): Skeleton {
  if (!isRecord(schema)) return {};
  const out: Skeleton = {};
  if (typeof schema['$ref'] === 'string') out.$ref = schema['$ref'];
  if (isRecord(schema['properties'])) out.properties = skeletonMap(schema['properties']);
  const additional = schema['additionalProperties'];
  if (typeof additional === 'boolean') out.additionalProperties = additional;
  else if (isRecord(additional)) out.additionalProperties = skeletonOf(additional);
  if (isRecord(schema['items'])) out.items = skeletonOf(schema['items']);
  if (isRecord(schema['definitions'])) out.definitions = skeletonMap(schema['definitions']);
  return out;
}

export type UnknownFieldValidator = (job: unknown) => SchemaError[];

/** Compiles the validator: once per server. */
export function compileUnknownFieldValidator(schema: unknown = jobSchema): UnknownFieldValidator {
  const root = skeletonOf(schema);
  const definitions = root.definitions ?? {};
  // strictTypes off: the skeleton has no `type`, on purpose (ajv applies `properties` to objects only).
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, validateSchema: false });
  const validate = ajv.compile<unknown>(root);

  /** Follows `$ref`s: the schema and the name of the definition it is. */
  const resolve = (node: Skeleton, name: string): { node: Skeleton; name: string } => {
    for (let depth = 0; node.$ref?.startsWith(REF_PREFIX) && depth < 8; depth++) {
      name = node.$ref.slice(REF_PREFIX.length);
      node = definitions[name] ?? {};
    }
    return { node, name };
  };

  /** The definition (and its schema) of the object at `pointer`, found by walking the schema. */
  const definitionAt = (pointer: string): { node: Skeleton; name: string } | undefined => {
    let at = { node: root, name: JOB_DEFINITION };
    const segments = pointer === '' ? [] : pointer.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
    for (const segment of segments) {
      const { node, name } = resolve(at.node, at.name);
      const property = node.properties && Object.hasOwn(node.properties, segment) ? node.properties[segment] : undefined;
      const next = node.items && /^\d+$/.test(segment)
        ? node.items
        : property ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
      if (!next) return undefined;
      // Inline schemas (an array's items, a map's values) keep the name of the type they belong to.
      at = { node: next, name };
    }
    return resolve(at.node, at.name);
  };

  return (job: unknown): SchemaError[] => {
    if (validate(job)) return [];
    return (validate.errors ?? []).flatMap((error): SchemaError[] => {
      const property = error.params['additionalProperty'] as unknown;
      if (error.keyword !== 'additionalProperties' || typeof property !== 'string') return [];
      const definition = definitionAt(error.instancePath);
      return [{
        pointer: error.instancePath,
        keyword: 'additionalProperties',
        message: error.message ?? 'must NOT have additional properties',
        params: {
          additionalProperty: property,
          definition: definition?.name ?? '',
          allowedProperties: Object.keys(definition?.node.properties ?? {}),
        },
      }];
    });
  };
}
