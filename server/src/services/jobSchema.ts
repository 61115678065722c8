/**
 * Structural checks of Jobs against the official `batch/v1` Job schema, by two maintained
 * validators loaded once, asynchronously: the OpenAPI-generated validators of `kubernetes-models`
 * (ESM) for types, required fields, enums and formats; and, for unknown fields (which those let
 * through), ajv compiled from the generated JSON Schema schemas/job.schema.json (see
 * jobSchemaFields.ts). Errors come back with JSON pointers that the schema rule maps to YAML ranges.
 */
import type { JobSchemaValidator, SchemaError } from '../rules/ruleTypes';

interface AjvLikeError {
  readonly instancePath?: string;
  readonly keyword?: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

function modelErrors(error: unknown): SchemaError[] {
  const errors = (error as { errors?: AjvLikeError[] }).errors;
  if (!Array.isArray(errors)) return [{ pointer: '', keyword: 'internal', message: String(error), params: {} }];
  return errors.map((e) => ({ pointer: e.instancePath ?? '', keyword: e.keyword ?? '', message: e.message ?? '', params: e.params ?? {} }));
}

export async function loadJobSchemaValidator(): Promise<JobSchemaValidator> {
  // Both loaded on demand, so that neither ajv nor the schema weighs on the server's start (the
  // `.js` specifier is what TypeScript's node16 resolution wants for a dynamic import; esbuild and
  // tsx map it to the .ts file).
  const [{ Job }, { compileUnknownFieldValidator }] = await Promise.all([import('kubernetes-models/batch/v1/Job'), import('./jobSchemaFields.js')]);
  const unknownFields = compileUnknownFieldValidator();
  return (job: unknown): readonly SchemaError[] => {
    let errors: SchemaError[] = [];
    try {
      // The models validate what they are given; `validate()` throws with ajv-style errors.
      new Job(job as ConstructorParameters<typeof Job>[0]).validate();
    } catch (error) {
      errors = modelErrors(error);
    }
    const unknown = unknownFields(job);
    if (unknown.length === 0) return errors;
    const seen = new Set(errors.filter((e) => e.keyword === 'additionalProperties').map((e) => `${e.pointer}\u0000${String(e.params['additionalProperty'])}`));
    return [...errors, ...unknown.filter((e) => !seen.has(`${e.pointer}\u0000${String(e.params['additionalProperty'])}`))];
  };
}
