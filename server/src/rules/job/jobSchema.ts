/**
 * `job-schema`: structural errors from the official `batch/v1` Job schema (wrong types, missing
 * required fields, values outside an enum, malformed quantities), as `context.validateJobSchema`
 * reports them by JSON pointer, mapped onto the YAML: the value for most errors, the key of the
 * incomplete object for `required`, the offending key for `additionalProperties`. One finding per
 * path. Nothing until the validator is loaded. (kubernetes-models' validators do not report
 * unknown fields.)
 */
import * as l10n from '@vscode/l10n';
import { isMap } from 'yaml';
import type { Span } from '../../core/taskModel';
import { deepestNode, keySpanAt, nodeAt, pathFromPointer, type PathSegment, spanOf } from '../../core/yamlDocuments';
import type { Finding, JobTarget, Rule, RuleContext, SchemaError } from '../ruleTypes';
import { contentEnd, fieldOf, firstKeySpan, keySpanIn } from './shared';

export const CODE = 'job-schema';

/** Keywords that only say "one of the alternatives failed"; the alternatives' own errors say more. */
const COMPOSITE = new Set(['oneOf', 'anyOf', 'allOf', 'if']);

/** One error per path (per missing/extra property): the most telling of each group. */
export function pickErrors(errors: readonly SchemaError[]): SchemaError[] {
  const groups = new Map<string, SchemaError[]>();
  for (const error of errors) {
    const property = param(error, 'missingProperty') || param(error, 'additionalProperty');
    const key = `${error.pointer}\u0000${error.keyword === 'required' || error.keyword === 'additionalProperties' ? property : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), error]);
  }
  return [...groups.values()].map((group) => {
    if (group.some((error) => COMPOSITE.has(error.keyword))) {
      // `oneOf: [string, number]` (IntOrString, quantities): "must be number" is misleading for a
      // bad string; the format error (or the composite itself) is the real complaint.
      return group.find((error) => error.keyword === 'format') ?? group.find((error) => COMPOSITE.has(error.keyword))!;
    }
    return group[0]!;
  });
}

/** A parameter of a schema error as text ('' when absent). */
function param(error: SchemaError, name: string): string {
  const value = error.params[name];
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function describe(error: SchemaError, field: string): string {
  const where = field === '' ? l10n.t('The Job') : field;
  switch (error.keyword) {
    case 'required':
      return l10n.t('{0} lacks the required field {1}: the API server rejects the Job.', where, param(error, 'missingProperty'));
    case 'additionalProperties':
      return l10n.t('{0} has no field {1}: the API server rejects or drops it.', where, param(error, 'additionalProperty'));
    case 'type':
      return l10n.t('{0} must be of type {1} (batch/v1 Job schema): the API server cannot decode the Job.', where, param(error, 'type'));
    case 'enum':
      return l10n.t('{0} must be one of {1} (batch/v1 Job schema).', where, ((error.params['allowedValues'] as unknown[] | undefined) ?? []).map((value) => JSON.stringify(value)).join(', '));
    case 'format':
      return l10n.t('{0} is not a valid {1} (batch/v1 Job schema): the API server rejects the Job.', where, param(error, 'format'));
    case 'oneOf':
    case 'anyOf':
      return l10n.t('{0} has a value of the wrong kind (batch/v1 Job schema): the API server rejects the Job.', where);
    default:
      return l10n.t('{0}: {1} (batch/v1 Job schema).', where, error.message);
  }
}

/** Where an error is shown: the value; for `required`, the key of the incomplete object. */
function spanFor(target: JobTarget, context: RuleContext, error: SchemaError, path: readonly PathSegment[]): Span | undefined {
  const { doc } = target;
  if (error.keyword === 'additionalProperties') {
    const property = error.params['additionalProperty'];
    const node = nodeAt(doc, path);
    if (typeof property === 'string' && keySpanIn(node, property)) return keySpanIn(node, property);
  }
  if (error.keyword === 'required' || error.keyword === 'additionalProperties') {
    const last = path[path.length - 1];
    if (typeof last === 'string') return keySpanAt(doc, path);
    const node = nodeAt(doc, path);
    return isMap(node) ? firstKeySpan(node) ?? spanOf(node) : spanOf(node);
  }
  const node = nodeAt(doc, path) ?? deepestNode(doc, path).node;
  const span = spanOf(node);
  if (node && span && span[1] > span[0]) return [span[0], contentEnd(context.text, node)];
  // An empty value (`key:`): the key.
  return typeof path[path.length - 1] === 'string' ? keySpanAt(doc, path) : span;
}

function check(target: JobTarget, context: RuleContext): Finding[] {
  if (!context.validateJobSchema) return [];
  let value: unknown;
  try {
    value = target.doc.toJS({ maxAliasCount: 100 });
  } catch {
    return [];
  }
  return pickErrors(context.validateJobSchema(value)).flatMap((error): Finding[] => {
    const path = pathFromPointer(error.pointer);
    const span = spanFor(target, context, error, path) ?? firstKeySpan(target.doc.contents);
    if (!span) return [];
    return [{ code: CODE, severity: 'error', message: describe(error, fieldOf(path)), span }];
  });
}

export const jobSchemaRule: Rule = {
  code: CODE,
  description: 'A structural error against the official batch/v1 Job schema: a wrong type, a missing required field, a value outside its enum, a malformed quantity.',
  checkJob: (target, context) => check(target, context),
};
