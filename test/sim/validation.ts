/**
 * What the real API server rejects in the objects Keruta creates, with its exact messages and
 * field paths (see shared/notes/kubernetes-wire.md §2.3–2.4). Not a full re-implementation: the
 * rules Keruta's users hit (restart policy, env names, names, containers, sizes).
 */
import type { KubeObject } from './types';

export type CauseType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueDuplicate';

export interface FieldError {
  readonly type: CauseType;
  readonly field: string;
  /** `Type: value[: detail]`, as Go's field.Error.ErrorBody() prints it. */
  readonly body: string;
}

export type EnvNameRule = 'relaxed' | 'classic';

export interface ValidationOptions {
  readonly envNameRule: EnvNameRule;
  /** Native sidecars (init containers with restartPolicy Always) are allowed (1.29+). */
  readonly nativeSidecars: boolean;
}

/** A scalar from a manifest as text (objects are shown as JSON, never as [object Object]). */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value) ?? '';
}

/** Go's %q of a string (enough for the ASCII and UTF-8 text of manifests). */
export function goQuote(value: string): string {
  return JSON.stringify(value);
}

const required = (field: string, detail?: string): FieldError => ({
  type: 'FieldValueRequired',
  field,
  body: detail ? `Required value: ${detail}` : 'Required value',
});
const invalid = (field: string, value: string | number, detail: string): FieldError => ({
  type: 'FieldValueInvalid',
  field,
  body: `Invalid value: ${typeof value === 'string' ? goQuote(value) : String(value)}: ${detail}`,
});
const notSupported = (field: string, value: string, supported: readonly string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field,
  body: `Unsupported value: ${goQuote(value)}: supported values: ${supported.map(goQuote).join(', ')}`,
});
const duplicate = (field: string, value: string): FieldError => ({ type: 'FieldValueDuplicate', field, body: `Duplicate value: ${goQuote(value)}` });
const forbidden = (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, body: `Forbidden: ${detail}` });
const tooLong = (field: string, max: number): FieldError => ({ type: 'FieldValueTooLong', field, body: `Too long: must have at most ${max} bytes` });

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const CLASSIC_ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
export const LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const CLASSIC_ENV_MESSAGE =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";
export const RELAXED_ENV_MESSAGE = "a valid environment variable name must consist only of printable ASCII characters other than '='";

/** Whether a name passes the env-name rule of the given server behaviour. */
export function envNameValid(name: string, rule: EnvNameRule): boolean {
  if (rule === 'classic') return CLASSIC_ENV_NAME.test(name);
  return /^[\x20-\x7e]+$/.test(name) && !name.includes('=');
}

function validateObjectName(name: string, field: string): FieldError[] {
  if (name.length > 253) return [invalid(field, name, 'must be no more than 253 characters')];
  return DNS1123_SUBDOMAIN.test(name) ? [] : [invalid(field, name, SUBDOMAIN_MESSAGE)];
}

function validateLabels(labels: unknown, field: string): FieldError[] {
  if (labels === undefined || labels === null) return [];
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    const text = textOf(value);
    if (text.length > 63) errors.push(invalid(field, text, 'must be no more than 63 characters'));
    else if (!LABEL_VALUE.test(text)) {
      errors.push(invalid(field, text, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
    }
    void key;
  }
  return errors;
}

function annotationsSize(annotations: unknown): number {
  if (!annotations || typeof annotations !== 'object') return 0;
  return Object.entries(annotations as Record<string, unknown>).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(textOf(v)), 0);
}

interface ContainerLike {
  name?: unknown;
  image?: unknown;
  env?: unknown;
  restartPolicy?: unknown;
}

function validateContainers(list: unknown, field: string, options: ValidationOptions, init: boolean, seen: Set<string>): FieldError[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return [invalid(field, textOf(list), 'must be a list')];
  const errors: FieldError[] = [];
  (list as ContainerLike[]).forEach((container, index) => {
    const path = `${field}[${index}]`;
    const name = typeof container.name === 'string' ? container.name : '';
    if (name === '') errors.push(required(`${path}.name`));
    else if (!DNS1123_LABEL.test(name) || name.length > 63) errors.push(invalid(`${path}.name`, name, name.length > 63 ? 'must be no more than 63 characters' : LABEL_MESSAGE));
    else if (seen.has(name)) errors.push(duplicate(`${path}.name`, name));
    else seen.add(name);
    if (typeof container.image !== 'string' || container.image.trim() === '') errors.push(required(`${path}.image`));
    if (container.restartPolicy !== undefined) {
      if (!init) errors.push(forbidden(`${path}.restartPolicy`, 'may not be set for non-init containers'));
      else if (!options.nativeSidecars) errors.push(forbidden(`${path}.restartPolicy`, 'may not be set for init containers'));
      else if (container.restartPolicy !== 'Always') errors.push(notSupported(`${path}.restartPolicy`, textOf(container.restartPolicy), ['Always']));
    }
    if (Array.isArray(container.env)) {
      const names = new Set<string>();
      (container.env as { name?: unknown }[]).forEach((env, envIndex) => {
        const envPath = `${path}.env[${envIndex}].name`;
        const envName = typeof env.name === 'string' ? env.name : '';
        if (envName === '') errors.push(required(envPath));
        else if (!envNameValid(envName, options.envNameRule)) {
          errors.push(invalid(envPath, envName, options.envNameRule === 'classic' ? CLASSIC_ENV_MESSAGE : RELAXED_ENV_MESSAGE));
        }
        names.add(envName);
      });
    }
  });
  return errors;
}

interface PodSpecLike {
  restartPolicy?: unknown;
  containers?: unknown;
  initContainers?: unknown;
}

/** Pod spec rules shared by Pods and Job templates. */
export function validatePodSpec(spec: PodSpecLike | undefined, field: string, options: ValidationOptions): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  errors.push(...validateContainers(spec?.initContainers, `${field}.initContainers`, options, true, seen));
  if (!Array.isArray(spec?.containers) || spec.containers.length === 0) errors.push(required(`${field}.containers`));
  else errors.push(...validateContainers(spec.containers, `${field}.containers`, options, false, seen));
  return errors;
}

interface JobLike {
  metadata?: { name?: string; labels?: unknown; annotations?: unknown };
  spec?: {
    backoffLimit?: unknown;
    activeDeadlineSeconds?: unknown;
    ttlSecondsAfterFinished?: unknown;
    podFailurePolicy?: unknown;
    template?: { metadata?: { labels?: unknown; annotations?: unknown }; spec?: PodSpecLike };
  };
}

const MAX_ANNOTATIONS = 262_144;

/** Validates a Job after defaulting (restartPolicy omitted is `Always` by then) and name generation. */
export function validateJob(job: KubeObject, options: ValidationOptions): FieldError[] {
  const { metadata, spec } = job as unknown as JobLike;
  const errors: FieldError[] = [];
  const name = metadata?.name ?? '';
  if (name === '') errors.push(required('metadata.name', 'name or generateName is required'));
  else errors.push(...validateObjectName(name, 'metadata.name'));
  errors.push(...validateLabels(metadata?.labels, 'metadata.labels'));
  if (annotationsSize(metadata?.annotations) > MAX_ANNOTATIONS) errors.push(tooLong('metadata.annotations', MAX_ANNOTATIONS));
  for (const key of ['backoffLimit', 'activeDeadlineSeconds', 'ttlSecondsAfterFinished'] as const) {
    const value = spec?.[key];
    if (typeof value === 'number' && value < 0) errors.push(invalid(`spec.${key}`, value, 'must be greater than or equal to 0'));
  }
  const template = spec?.template;
  // The name becomes the value of the job-name labels of the template.
  if (name.length > 63) errors.push(invalid('spec.template.labels', name, 'must be no more than 63 characters'));
  errors.push(...validateLabels(template?.metadata?.labels, 'spec.template.labels').filter((e) => !(name.length > 63 && e.body.includes(goQuote(name)))));
  if (annotationsSize(template?.metadata?.annotations) > MAX_ANNOTATIONS) errors.push(tooLong('spec.template.annotations', MAX_ANNOTATIONS));
  const restartPolicy = textOf(template?.spec?.restartPolicy ?? 'Always');
  if (spec?.podFailurePolicy !== undefined && restartPolicy !== 'Never') {
    errors.push(notSupported('spec.template.spec.restartPolicy', restartPolicy, ['Never']));
  } else if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errors.push(notSupported('spec.template.spec.restartPolicy', restartPolicy, ['OnFailure', 'Never']));
  }
  errors.push(...validatePodSpec(template?.spec, 'spec.template.spec', options));
  return errors;
}

export function validatePod(pod: KubeObject, options: ValidationOptions): FieldError[] {
  const errors: FieldError[] = [];
  const name = pod.metadata.name ?? '';
  if (name === '') errors.push(required('metadata.name', 'name or generateName is required'));
  else errors.push(...validateObjectName(name, 'metadata.name'));
  const spec = pod['spec'] as PodSpecLike | undefined;
  const restartPolicy = spec?.restartPolicy;
  if (restartPolicy !== undefined && !['Always', 'OnFailure', 'Never'].includes(textOf(restartPolicy))) {
    errors.push(notSupported('spec.restartPolicy', textOf(restartPolicy), ['Always', 'OnFailure', 'Never']));
  }
  errors.push(...validatePodSpec(spec, 'spec', options));
  return errors;
}

export function validateNamedObject(object: KubeObject): FieldError[] {
  const name = object.metadata.name ?? '';
  if (name === '') return [required('metadata.name', 'name or generateName is required')];
  return validateObjectName(name, 'metadata.name');
}

/** `Kind.group "name" is invalid: <err>` or `[<err1>, <err2>]`, as the API server words it. */
export function invalidMessage(qualifiedKind: string, name: string, errors: readonly FieldError[]): string {
  const parts = errors.map((e) => `${e.field}: ${e.body}`);
  return `${qualifiedKind} ${goQuote(name)} is invalid: ${parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`}`;
}
