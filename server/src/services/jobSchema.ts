/**
 * Structural checks of Jobs against the official `batch/v1` Job schema: the OpenAPI-generated
 * validators of `kubernetes-models` (ESM, so loaded once, asynchronously). Errors come back with
 * JSON pointers that the schema rule maps to YAML ranges.
 */
import type { JobSchemaValidator, SchemaError } from '../rules/ruleTypes';

interface AjvLikeError {
  readonly instancePath?: string;
  readonly keyword?: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

export async function loadJobSchemaValidator(): Promise<JobSchemaValidator> {
  const { Job } = await import('kubernetes-models/batch/v1/Job');
  return (job: unknown): readonly SchemaError[] => {
    try {
      // The models validate what they are given; `validate()` throws with ajv-style errors.
      new Job(job as ConstructorParameters<typeof Job>[0]).validate();
      return [];
    } catch (error) {
      const errors = (error as { errors?: AjvLikeError[] }).errors;
      if (!Array.isArray(errors)) return [{ pointer: '', keyword: 'internal', message: String(error), params: {} }];
      return errors.map((e) => ({ pointer: e.instancePath ?? '', keyword: e.keyword ?? '', message: e.message ?? '', params: e.params ?? {} }));
    }
  };
}
