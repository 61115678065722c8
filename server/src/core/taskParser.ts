/**
 * Parses keruta task files (one task per YAML document) into tasks with source positions.
 * Never throws on bad input: everything wrong becomes a `TaskFileProblem`.
 */
import * as l10n from '@vscode/l10n';
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  parseAllDocuments,
  type ParsedNode,
} from 'yaml';
import {
  isTaskStatus,
  type Located,
  type ParsedTask,
  type ParsedTaskFile,
  type Span,
  type Task,
  type TaskEnvVar,
  type TaskFileProblem,
  type TaskJobSpec,
  type TaskResources,
  type TaskStatus,
} from './taskModel';

/** Aliases are resolved at most this deep, so that alias chains cannot make parsing explode. */
const MAX_ALIAS_DEPTH = 8;

export interface ParseOptions {
  /** Also return a `LineCounter` for offset → line/column conversion. */
  readonly lineCounter?: LineCounter;
  /** The text already parsed (by `parseYamlDocuments`), so that it is parsed once. */
  readonly documents?: readonly Document.Parsed[];
}

export function parseTaskFile(text: string, options: ParseOptions = {}): ParsedTaskFile {
  const problems: TaskFileProblem[] = [];
  const tasks: ParsedTask[] = [];
  let documents: Document.Parsed[];
  try {
    documents = options.documents ? [...options.documents] : (parseAllDocuments(text, {
      lineCounter: options.lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
    }) as Document.Parsed[]);
  } catch (error) {
    // The yaml package reports errors on documents; this is a last line of defence.
    problems.push({
      code: 'yaml-syntax',
      severity: 'error',
      message: l10n.t('The file could not be read as YAML: {0}', String(error)),
      span: [0, text.length],
    });
    return { tasks, problems };
  }
  if (!Array.isArray(documents)) documents = [documents];

  documents.forEach((doc, documentIndex) => {
    for (const error of doc.errors) {
      problems.push({
        code: 'yaml-syntax',
        severity: 'error',
        message: l10n.t('YAML syntax error: {0}', firstLine(error.message)),
        span: visibleSpan(clampSpan([error.pos[0], Math.max(error.pos[1], error.pos[0] + 1)], text.length), text.length),
      });
    }
    if (doc.errors.length > 0) return;
    const contents = doc.contents;
    if (contents === null || (isScalar(contents) && contents.value === null)) return; // empty document
    const reader = new DocumentReader(doc, problems);
    const parsed = reader.readTask(contents, documentIndex, docSpan(doc, text.length));
    if (parsed) tasks.push(parsed);
  });
  return { tasks, problems };
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0];
  return line ?? message;
}

function clampSpan(span: Span, length: number): Span {
  const start = Math.max(0, Math.min(span[0], length));
  const end = Math.max(start, Math.min(span[1], length));
  return [start, end];
}

/** An error at the very end of the text (an unclosed bracket) is shown on the last character. */
function visibleSpan(span: Span, length: number): Span {
  return span[0] === length && length > 0 ? [length - 1, length] : span;
}

function docSpan(doc: Document.Parsed, length: number): Span {
  const range = doc.range;
  return clampSpan([range[0], range[2]], length);
}

function nodeSpan(node: Node | null | undefined, fallback: Span): Span {
  const range = node?.range;
  return range ? [range[0], range[1]] : fallback;
}

/**
 * The text of a scalar as the user wrote it. Numbers and booleans written without quotes are still
 * meant as text where text is expected (`id: 1.10` is "1.10", not 1.1).
 */
function scalarText(node: Node | null): string | undefined {
  if (!isScalar(node)) return undefined;
  const value: unknown = node.value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return node.source ?? String(value);
  }
  return undefined;
}

class DocumentReader {
  constructor(
    private readonly doc: Document.Parsed,
    private readonly problems: TaskFileProblem[],
  ) {}

  readTask(contents: ParsedNode, documentIndex: number, documentSpan: Span): ParsedTask | undefined {
    const root = this.resolve(contents);
    if (!isMap(root)) {
      this.problem('task-not-a-mapping', nodeSpan(contents, documentSpan),
        l10n.t('A task must be a YAML mapping with at least `id` and `title`.'));
      return undefined;
    }
    const fields = this.fieldsOf(root, documentSpan);
    const id = this.string(fields, 'id');
    const title = this.string(fields, 'title');
    const mappingSpan = nodeSpan(root, documentSpan);
    const keyStart: Span = [mappingSpan[0], Math.min(mappingSpan[0] + 1, mappingSpan[1])];
    // Absent and empty (`id:` alone) are the same problem: no id. A wrong type is reported as such.
    const empty = (key: string): boolean => {
      const value = fields.get(key)?.value as Node | null | undefined;
      return value === undefined || value === null || (isScalar(value) && (value.value === null || (typeof value.value === 'string' && value.value.trim() === '')));
    };
    // `id: ""` points at the quotes; `id:` with nothing at the key.
    const emptySpan = (field: Located<unknown>): Span => (field.value === null || field.valueSpan[0] === field.valueSpan[1] ? field.keySpan : field.valueSpan);
    if (empty('id')) {
      const present = fields.get('id');
      this.problem('task-missing-id', present ? emptySpan(present) : keyStart,
        present ? l10n.t('The task `id` must not be empty.') : l10n.t('The task has no `id`. Add a unique `id` so that keruta can track its runs.'));
    }
    if (empty('title')) {
      const present = fields.get('title');
      this.problem('task-missing-title', present ? emptySpan(present) : keyStart, l10n.t('The task has no `title`. Add a short `title`.'));
    }

    const priority = this.integer(fields, 'priority');
    const statusField = fields.get('status');
    let status: TaskStatus = 'PENDING';
    if (statusField) {
      const text = this.string(fields, 'status');
      if (isTaskStatus(text)) status = text;
      else if (text !== undefined) this.problem('task-invalid-status', statusField.valueSpan,
        l10n.t('`status` must be one of PENDING, IN_PROGRESS, COMPLETED, FAILED, CANCELLED, WAITING_FOR_INPUT; it is treated as PENDING.'));
    }
    const jobNode = fields.get('job');
    const jobFields = jobNode && isMap(jobNode.value) ? this.fieldsOf(jobNode.value, jobNode.valueSpan) : new Map<string, Located<unknown>>();
    if (jobNode && !isMap(jobNode.value) && jobNode.value !== null) {
      this.problem('task-invalid-type', jobNode.valueSpan, l10n.t('`job` must be a mapping (image, command, env, …).'));
    }

    const task: Task = {
      id: id ?? '',
      title: title ?? '',
      description: this.string(fields, 'description') ?? '',
      priority: priority ?? 0,
      status,
      createdAt: this.timestamp(fields, 'createdAt'),
      updatedAt: this.timestamp(fields, 'updatedAt'),
      documents: this.stringList(fields, 'documents') ?? [],
      job: this.readJob(jobFields),
    };
    // Unwrap located values to plain JS for consumers that only need values.
    const plain = (map: Map<string, Located<unknown>>): Map<string, Located<unknown>> => {
      const out = new Map<string, Located<unknown>>();
      for (const [key, located] of map) out.set(key, { ...located, value: this.toPlain(located.value) });
      return out;
    };
    return {
      documentIndex,
      task,
      locations: { documentSpan, mappingSpan, fields: plain(fields), jobFields: plain(jobFields) },
      complete: task.id.trim() !== '' && title !== undefined,
    };
  }

  private readJob(fields: Map<string, Located<unknown>>): TaskJobSpec {
    return {
      image: this.string(fields, 'image'),
      command: this.stringList(fields, 'command'),
      args: this.stringList(fields, 'args'),
      env: this.envList(fields),
      resources: this.resources(fields),
      namespace: this.string(fields, 'namespace'),
      serviceAccountName: this.string(fields, 'serviceAccountName'),
      ttlSecondsAfterFinished: this.integer(fields, 'ttlSecondsAfterFinished', 0),
      backoffLimit: this.integer(fields, 'backoffLimit', 0),
      activeDeadlineSeconds: this.integer(fields, 'activeDeadlineSeconds', 1),
      collect: this.boolean(fields, 'collect'),
    };
  }

  /** The key/value pairs of a mapping; values are kept as (alias-resolved) nodes. */
  private fieldsOf(map: Node, fallback: Span): Map<string, Located<unknown>> {
    const out = new Map<string, Located<unknown>>();
    if (!isMap(map)) return out;
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      const keySpan = nodeSpan(keyNode, fallback);
      if (key === undefined) {
        this.problem('task-invalid-key', keySpan, l10n.t('Keys of a task must be plain strings.'));
        continue;
      }
      const valueNode = pair.value as Node | null;
      const resolved = valueNode ? this.resolve(valueNode) : null;
      out.set(key, {
        value: resolved,
        keySpan,
        valueSpan: valueNode ? nodeSpan(valueNode, keySpan) : [keySpan[1], keySpan[1]],
      });
    }
    return out;
  }

  private resolve(node: Node | null, depth = 0): Node | null {
    if (node && isAlias(node)) {
      if (depth >= MAX_ALIAS_DEPTH) return null;
      const target = node.resolve(this.doc) as Node | undefined;
      return this.resolve(target ?? null, depth + 1);
    }
    return node;
  }

  private string(fields: Map<string, Located<unknown>>, key: string): string | undefined {
    const field = fields.get(key);
    if (!field) return undefined;
    const node = field.value as Node | null;
    if (node === null || (isScalar(node) && node.value === null)) return undefined; // `key:` with no value
    const text = scalarText(node);
    if (text !== undefined) return text;
    this.problem('task-invalid-type', field.valueSpan, l10n.t('`{0}` must be text.', key));
    return undefined;
  }

  private timestamp(fields: Map<string, Located<unknown>>, key: string): string | undefined {
    return this.string(fields, key);
  }

  private integer(fields: Map<string, Located<unknown>>, key: string, min?: number): number | undefined {
    const field = fields.get(key);
    if (!field) return undefined;
    const node = field.value as Node | null;
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value) && (min === undefined || value >= min)) return value;
    const message = min === undefined
      ? l10n.t('`{0}` must be a whole number.', key)
      : l10n.t('`{0}` must be a whole number of at least {1}.', key, min);
    this.problem(key === 'priority' ? 'task-invalid-priority' : 'task-invalid-type', field.valueSpan, message);
    return undefined;
  }

  private boolean(fields: Map<string, Located<unknown>>, key: string): boolean | undefined {
    const field = fields.get(key);
    if (!field) return undefined;
    const node = field.value as Node | null;
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    this.problem('task-invalid-type', field.valueSpan, l10n.t('`{0}` must be true or false.', key));
    return undefined;
  }

  private stringList(fields: Map<string, Located<unknown>>, key: string): string[] | undefined {
    const field = fields.get(key);
    if (!field) return undefined;
    const node = field.value as Node | null;
    if (node === null) return undefined;
    if (!isSeq(node)) {
      this.problem('task-invalid-type', field.valueSpan, l10n.t('`{0}` must be a list of strings.', key));
      return undefined;
    }
    const out: string[] = [];
    for (const item of node.items as Node[]) {
      const resolved = this.resolve(item);
      const text = scalarText(resolved);
      if (text !== undefined) {
        out.push(text);
      } else {
        this.problem('task-invalid-type', nodeSpan(item, field.valueSpan), l10n.t('Each item of `{0}` must be a string.', key));
      }
    }
    return out;
  }

  private envList(fields: Map<string, Located<unknown>>): TaskEnvVar[] {
    const field = fields.get('env');
    if (!field) return [];
    const node = field.value as Node | null;
    if (node === null) return [];
    if (!isSeq(node)) {
      this.problem('task-invalid-type', field.valueSpan,
        l10n.t('`env` must be a list of `name` with `value` or `secretKeyRef` entries.'));
      return [];
    }
    const out: TaskEnvVar[] = [];
    for (const item of node.items as Node[]) {
      const entry = this.resolve(item);
      const span = nodeSpan(item, field.valueSpan);
      if (!isMap(entry)) {
        this.problem('task-invalid-type', span, l10n.t('Each `env` entry must be a mapping with `name` and `value` or `secretKeyRef`.'));
        continue;
      }
      const entryFields = this.fieldsOf(entry, span);
      const name = this.string(entryFields, 'name');
      if (name === undefined) {
        this.problem('task-invalid-type', span, l10n.t('An `env` entry needs a `name`.'));
        continue;
      }
      const secretNode = entryFields.get('secretKeyRef') ?? this.nestedSecretRef(entryFields);
      if (secretNode) {
        const refFields = this.fieldsOf(secretNode.value as Node, secretNode.valueSpan);
        const secretName = this.string(refFields, 'name');
        const key = this.string(refFields, 'key');
        if (secretName === undefined || key === undefined) {
          this.problem('task-invalid-type', secretNode.valueSpan, l10n.t('`secretKeyRef` needs the Secret\'s `name` and the `key` inside it.'));
          continue;
        }
        const optional = refFields.has('optional') ? this.boolean(refFields, 'optional') : undefined;
        out.push({ name, secretKeyRef: optional === undefined ? { name: secretName, key } : { name: secretName, key, optional } });
        continue;
      }
      const valueField = entryFields.get('value');
      if (!valueField) {
        out.push({ name, value: '' });
        continue;
      }
      const value = this.string(entryFields, 'value');
      if (value !== undefined) out.push({ name, value });
    }
    return out;
  }

  /** Also accept the Kubernetes spelling `valueFrom: { secretKeyRef: … }`. */
  private nestedSecretRef(entryFields: Map<string, Located<unknown>>): Located<unknown> | undefined {
    const valueFrom = entryFields.get('valueFrom');
    if (!valueFrom) return undefined;
    return this.fieldsOf(valueFrom.value as Node, valueFrom.valueSpan).get('secretKeyRef');
  }

  private resources(fields: Map<string, Located<unknown>>): TaskResources | undefined {
    const field = fields.get('resources');
    if (!field) return undefined;
    if (!isMap(field.value)) {
      this.problem('task-invalid-type', field.valueSpan, l10n.t('`resources` must be a mapping with `requests` and/or `limits`.'));
      return undefined;
    }
    const inner = this.fieldsOf(field.value, field.valueSpan);
    const list = (key: 'requests' | 'limits'): Record<string, string> | undefined => {
      const located = inner.get(key);
      if (!located) return undefined;
      if (!isMap(located.value)) {
        this.problem('task-invalid-type', located.valueSpan, l10n.t('`resources.{0}` must map resource names to quantities.', key));
        return undefined;
      }
      const quantities = this.fieldsOf(located.value, located.valueSpan);
      const out: Record<string, string> = {};
      for (const name of quantities.keys()) {
        const quantity = this.string(quantities, name);
        if (quantity !== undefined) out[name] = quantity;
      }
      return out;
    };
    const requests = list('requests');
    const limits = list('limits');
    return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
  }

  /** Converts a kept node to plain JS (bounded: aliases are not expanded). */
  private toPlain(value: unknown): unknown {
    if (value === null || value === undefined) return null;
    if (isScalar(value)) return value.value;
    if (isMap(value) || isSeq(value)) {
      try {
        return (value as Node).toJS(this.doc, { maxAliasCount: 100 });
      } catch {
        return null;
      }
    }
    return value;
  }

  private problem(code: string, span: Span, message: string): void {
    this.problems.push({ code, severity: 'error', message, span });
  }
}
