/**
 * `job-schema`: structural errors from the official `batch/v1` Job schema (wrong types, missing
 * required fields, values outside an enum, malformed quantities, unknown fields), as
 * `context.validateJobSchema` reports them by JSON pointer, mapped onto the YAML: the value for
 * most errors, the key of the incomplete object for `required`, the unknown key itself for
 * `additionalProperties` (with the field it most likely misspells, and a quick fix renaming it).
 * One finding per path. Nothing until the validator is loaded.
 */
import * as l10n from '@vscode/l10n';
import { isMap } from 'yaml';
import type { Span } from '../../core/taskModel';
import { deepestNode, entriesOf, keySpanAt, nodeAt, pathFromPointer, type PathSegment, spanOf } from '../../core/yamlDocuments';
import type { Finding, FindingData, JobTarget, QuickFix, Rule, RuleContext, SchemaError } from '../ruleTypes';
import { closestMatch } from '../task/shared';
import { contentEnd, fieldOf, firstKeySpan, keySpanIn, replaceScalar } from './shared';

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

/** YAML merge keys (`<<: *defaults`): kubectl merges them, so they are no unknown field. */
const MERGE_KEY = '<<';

/**
 * An unknown field: the message (what kubectl and the API server do with it), and the allowed
 * field of the same object it most likely misspells (none already present there).
 */
function unknownField(target: JobTarget, error: SchemaError, path: readonly PathSegment[]): { message: string; data?: FindingData } {
  const property = param(error, 'additionalProperty');
  const type = param(error, 'definition') || fieldOf(path) || 'io.k8s.api.batch.v1.Job';
  const allowed = error.params['allowedProperties'];
  const present = new Set(entriesOf(target.doc, nodeAt(target.doc, path)).map((entry) => entry.key));
  const candidates = Array.isArray(allowed) ? allowed.filter((name): name is string => typeof name === 'string' && !present.has(name)) : [];
  const suggestion = closestMatch(property, candidates);
  if (suggestion === undefined) {
    return {
      message: l10n.t('`{0}` is not a field of {1}: kubectl rejects the Job (strict field validation, its default); other clients get a warning and the API server drops the field.', property, type),
    };
  }
  return {
    message: l10n.t('`{0}` is not a field of {1}: kubectl rejects the Job (strict field validation, its default); other clients get a warning and the API server drops the field. Did you mean `{2}`?', property, type, suggestion),
    data: { property, suggestion },
  };
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
    if (error.keyword === 'additionalProperties' && param(error, 'additionalProperty') === MERGE_KEY) return [];
    const path = pathFromPointer(error.pointer);
    const span = spanFor(target, context, error, path) ?? firstKeySpan(target.doc.contents);
    if (!span) return [];
    if (error.keyword === 'additionalProperties') return [{ code: CODE, severity: 'error', span, ...unknownField(target, error, path) }];
    return [{ code: CODE, severity: 'error', message: describe(error, fieldOf(path)), span }];
  });
}

/** Renames an unknown key to the suggested field (when the key under the span is still the unknown one). */
function fixes(finding: { readonly span: Span; readonly data?: FindingData }, text: string): QuickFix[] {
  const property = finding.data?.['property'];
  const suggestion = finding.data?.['suggestion'];
  if (typeof property !== 'string' || typeof suggestion !== 'string') return [];
  const current = text.slice(finding.span[0], finding.span[1]);
  if (current !== property && current.slice(1, -1) !== property) return [];
  return [{ title: l10n.t('Rename to `{0}`', suggestion), edits: [replaceScalar(text, finding.span, suggestion)], preferred: true }];
}

export const jobSchemaRule: Rule = {
  code: CODE,
  description: 'A structural error against the official batch/v1 Job schema: a wrong type, a missing required field, a value outside its enum, a malformed quantity, an unknown field.',
  fix: 'Rename an unknown field to the field it most likely misspells.',
  checkJob: (target, context) => check(target, context),
  fixes: (finding, context) => fixes(finding, context.text),
};
