/**
 * Helpers the Job rules share: the containers and env entries of a Job document or of a task's
 * `job` section, field paths as the API server prints them, image references, and text edits
 * that insert or replace YAML while keeping the file's indentation, quoting and comments.
 * Pure: only the `yaml` package and the core.
 */
import * as l10n from '@vscode/l10n';
import { contentEnd } from '../../core/yamlText';
import { type Document, isMap, isScalar, isSeq, type Node, stringify } from 'yaml';
import { KERUTA_ENV_NAMES } from '../../core/envMapping';
import type { Span } from '../../core/taskModel';
import {
  entriesOf,
  itemsOf,
  lineStartAt,
  nodeAt,
  pairOf,
  parseYamlDocuments,
  pathFromPointer,
  type PathSegment,
  scalarText,
  spanOf,
} from '../../core/yamlDocuments';
import type { Finding, FindingData, FixContext, JobTarget, QuickFix, Rule, TaskTarget, TextEditSpec } from '../ruleTypes';

export type Target = TaskTarget | JobTarget;

export const POD_SPEC_PATH: readonly PathSegment[] = ['spec', 'template', 'spec'];

/** The variable keruta's collector container gets (known, so never "unknown"). */
export const COLLECTOR_WINDOW_ENV = 'KERUTA_COLLECT_WINDOW_SECONDS';

/** Every KERUTA_* name keruta itself sets. */
export const KNOWN_KERUTA_NAMES: ReadonlySet<string> = new Set([...KERUTA_ENV_NAMES, COLLECTOR_WINDOW_ENV]);

// ---------------------------------------------------------------------------------------------
// Containers and env entries

/** A container of a Job, or the single container a task's `job` section becomes. */
export interface ContainerRef {
  readonly node: Node;
  /** Path of the container mapping from the document root. */
  readonly path: readonly PathSegment[];
  /** The field as the API server names it (`spec.template.spec.containers[0]`). */
  readonly field: string;
  readonly kind: 'containers' | 'initContainers' | 'task';
  readonly index: number;
  /** How many entries come before this file's env entries in the rendered container (7 for tasks). */
  readonly envOffset: number;
}

export function jobContainers(doc: Document.Parsed): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const kind of ['initContainers', 'containers'] as const) {
    const path = [...POD_SPEC_PATH, kind];
    itemsOf(doc, nodeAt(doc, path)).forEach((node, index) => {
      if (!isMap(node)) return;
      out.push({ node, path: [...path, index], field: `spec.template.spec.${kind}[${index}]`, kind, index, envOffset: 0 });
    });
  }
  return out;
}

/** The `job` mapping of a task, as the main container of its rendered Job. */
export function taskContainer(doc: Document.Parsed): ContainerRef | undefined {
  const node = nodeAt(doc, ['job']);
  if (!isMap(node)) return undefined;
  return { node, path: ['job'], field: 'spec.template.spec.containers[0]', kind: 'task', index: 0, envOffset: KERUTA_ENV_NAMES.length };
}

export function containersOf(target: Target): ContainerRef[] {
  if (target.kind === 'job') return jobContainers(target.doc);
  const container = taskContainer(target.doc);
  return container ? [container] : [];
}

export interface EnvEntry {
  readonly container: ContainerRef;
  readonly node: Node;
  readonly index: number;
  readonly path: readonly PathSegment[];
  /** The field of the entry as the API server names it (`…containers[0].env[3]`). */
  readonly field: string;
  readonly name: string | undefined;
  readonly nameNode: Node | undefined;
  readonly valueKey: Node | undefined;
  readonly valueNode: Node | undefined;
  /** The literal `value`, when it is a scalar. */
  readonly value: string | undefined;
}

export function envEntriesOf(doc: Document.Parsed, container: ContainerRef): EnvEntry[] {
  const envPath = [...container.path, 'env'];
  return itemsOf(doc, nodeAt(doc, ['env'], container.node)).flatMap((node, index): EnvEntry[] => {
    if (!isMap(node)) return [];
    const entries = entriesOf(doc, node);
    const name = entries.find((entry) => entry.key === 'name');
    const value = entries.find((entry) => entry.key === 'value');
    return [{
      container,
      node,
      index,
      path: [...envPath, index],
      field: `${container.field}.env[${index + container.envOffset}]`,
      name: scalarText(name?.value),
      nameNode: name?.value,
      valueKey: value?.keyNode,
      valueNode: value?.value,
      value: scalarText(value?.value),
    }];
  });
}

export function allEnvEntries(target: Target): EnvEntry[] {
  return containersOf(target).flatMap((container) => envEntriesOf(target.doc, container));
}

/** The span of a node that has one; for an empty scalar (`key:`), undefined. */
export function nonEmptySpan(node: Node | null | undefined): Span | undefined {
  const span = spanOf(node);
  return span && span[1] > span[0] ? span : undefined;
}

/** The span of the key `key` in the mapping `map`. */
export function keySpanIn(map: unknown, key: string): Span | undefined {
  return spanOf(pairOf(map, key)?.key);
}

/** The first key of a mapping (a place to report something about the whole mapping). */
export function firstKeySpan(map: unknown): Span | undefined {
  if (!isMap(map)) return undefined;
  const first = map.items[0];
  return first ? spanOf(first.key as Node) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Paths

/** `['spec', 'template', 0, 'a.b']` → `/spec/template/0/a.b` (the data quick fixes carry). */
export function pointerOf(path: readonly PathSegment[]): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** A path as the API server prints fields: `spec.template.spec.containers[0].env[1].name`. */
export function fieldOf(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/[./]/.test(segment)) out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Small string helpers

/** Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps). */
export function editDistance(a: string, b: string): number {
  const previous2: number[] = [];
  let previous: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, previous2[j - 2]! + 1);
      row.push(best);
    }
    previous2.splice(0, previous2.length, ...previous);
    previous = row;
  }
  return previous[b.length]!;
}

/** `${…}`, `{{…}}`, `<…>`, `$(…)` or an upper-case TODO/FIXME/CHANGEME: text someone meant to fill in. */
export function isPlaceholder(value: string): boolean {
  return /<[^<>]*>|\$\{[^}]*\}|\{\{.*?\}\}|\$\([^)]*\)|\b(TODO|FIXME|CHANGE_?ME|REPLACE_?ME)\b/.test(value);
}

// ---------------------------------------------------------------------------------------------
// Image references

export interface ImageRef {
  /** Everything before the tag (registry, path). */
  readonly name: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

export function parseImage(image: string): ImageRef {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const rest = at >= 0 ? image.slice(0, at) : image;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { name: rest, tag: undefined, digest };
}

/** Tags the quick fixes pin for a few well-known Docker Hub images. */
export const PINNED_TAGS: Readonly<Record<string, string>> = {
  busybox: '1.36.1',
  alpine: '3.20',
  ubuntu: '24.04',
  debian: 'bookworm-slim',
  python: '3.12-slim',
  node: '20-alpine',
};

/** The image with a pinned tag, for the well-known images; undefined for others. */
export function pinnedImage(image: string): string | undefined {
  const ref = parseImage(image);
  if (ref.digest !== undefined) return undefined;
  const short = ref.name.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
  const tag = PINNED_TAGS[short];
  return tag === undefined ? undefined : `${ref.name}:${tag}`;
}

// ---------------------------------------------------------------------------------------------
// Text edits

export function lineBreakOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function columnAt(text: string, offset: number): number {
  return offset - lineStartAt(text, offset);
}


/** The end of the line holding `offset` (before its line break). */
function lineEndAt(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  if (newline === -1) return text.length;
  return text[newline - 1] === '\r' ? newline - 1 : newline;
}

/** YAML block lines of a value (no trailing line break). YAML 1.1 quoting, as kubectl reads. */
export function yamlLines(value: unknown): string[] {
  return stringify(value, { version: '1.1', lineWidth: 0 }).replace(/\n$/, '').split('\n');
}

/** A value in flow style (`{ a: 1 }`). */
export function yamlFlow(value: unknown): string {
  return stringify(value, { version: '1.1', lineWidth: 0, collectionStyle: 'flow' }).replace(/\n$/, '');
}

/** The entries of a flow mapping without its braces (`a: 1, b: 2`). */
function flowEntries(value: Record<string, unknown>): string {
  return yamlFlow(value).replace(/^\{ ?/, '').replace(/ ?\}$/, '');
}

/** A scalar written in the quoting style of the text it replaces (numbers always plain). */
export function scalarLike(value: string | number, original: string): string {
  if (typeof value === 'number') return String(value);
  if (original.startsWith('"')) return JSON.stringify(value);
  if (original.startsWith("'")) return `'${value.replace(/'/g, "''")}'`;
  return yamlLines(value).join('');
}

/** Replaces the scalar at `span` with `value`, keeping its quotes. */
export function replaceScalar(text: string, span: Span, value: string | number): TextEditSpec {
  return { span, newText: scalarLike(value, text.slice(span[0], span[1])) };
}

/** An edit adding `entry` (one key and its value) as the first or last entry of a mapping. */
export function insertIntoMap(text: string, map: Node, entry: Record<string, unknown>, where: 'first' | 'last'): TextEditSpec {
  const nl = lineBreakOf(text);
  const range = map.range!;
  if (isMap(map) && map.flow) {
    const close = contentEnd(text, map) - 1; // the `}`
    let at = close;
    while (at > range[0] + 1 && /\s/.test(text[at - 1]!)) at--;
    if (map.items.length === 0) return { span: [at, at], newText: flowEntries(entry) };
    if (where === 'last') return { span: [at, at], newText: `, ${flowEntries(entry)}` };
    let first = range[0] + 1;
    while (text[first] === ' ') first++;
    return { span: [first, first], newText: `${flowEntries(entry)}, ` };
  }
  const lines = yamlLines(entry);
  const start = range[0];
  const indent = ' '.repeat(columnAt(text, start));
  if (where === 'last') {
    const end = lineEndAt(text, contentEnd(text, map));
    return { span: [end, end], newText: lines.map((line) => `${nl}${indent}${line}`).join('') };
  }
  // Before the first key (which may stand after `- `), so that comments above it stay above.
  return { span: [start, start], newText: lines.map((line, i) => (i === 0 ? line : `${indent}${line}`)).join(nl) + nl + indent };
}

/** An edit appending mapping items to a sequence (block or flow), laid out like its first item. */
export function appendToSeq(text: string, seq: Node, items: readonly Record<string, unknown>[]): TextEditSpec {
  const nl = lineBreakOf(text);
  if (isSeq(seq) && seq.flow) {
    const close = contentEnd(text, seq) - 1; // the `]`
    let at = close;
    while (at > seq.range![0] + 1 && /\s/.test(text[at - 1]!)) at--;
    const flows = items.map((item) => yamlFlow(item)).join(', ');
    return { span: [at, at], newText: seq.items.length === 0 ? flows : `, ${flows}` };
  }
  const dashColumn = columnAt(text, seq.range![0]);
  const first = isSeq(seq) ? (seq.items[0] as Node | undefined) : undefined;
  const keyColumn = first?.range && isMap(first) && !first.flow ? columnAt(text, first.range[0]) : dashColumn + 2;
  const dash = `${' '.repeat(dashColumn)}-${' '.repeat(Math.max(1, keyColumn - dashColumn - 1))}`;
  const end = lineEndAt(text, contentEnd(text, seq));
  const newText = items
    .map((item) => yamlLines(item).map((line, i) => `${nl}${i === 0 ? dash : ' '.repeat(keyColumn)}${line}`).join(''))
    .join('');
  return { span: [end, end], newText };
}

/**
 * An edit that sets `key` in the mapping at `mapPath` to `value`: replaces its value, fills an
 * empty one (`key:`), or adds the entry (`where`); creates missing parent mappings as well.
 */
export function setKeyEdit(
  text: string,
  doc: Document.Parsed,
  mapPath: readonly PathSegment[],
  key: string,
  value: unknown,
  where: 'first' | 'last',
): TextEditSpec | undefined {
  const map = nodeAt(doc, mapPath);
  const pair = pairOf(map, key);
  if (pair) {
    const current = pair.value;
    const keyNode = pair.key;
    return current && !isEmptyScalar(current) ? replaceValue(text, current, value) : fillEmpty(text, keyNode, current, value);
  }
  if (isMap(map)) return insertIntoMap(text, map, { [key]: value }, where);
  if (mapPath.length === 0) return undefined;
  const parentPath = mapPath.slice(0, -1);
  const last = mapPath[mapPath.length - 1];
  if (typeof last !== 'string') return undefined;
  const parentPair = pairOf(nodeAt(doc, parentPath), last);
  if (parentPair && !isEmptyScalar(parentPair.value)) return undefined; // a scalar or list where a mapping belongs
  return setKeyEdit(text, doc, parentPath, last, { [key]: value }, 'last');
}

function isEmptyScalar(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

function replaceValue(text: string, current: Node, value: unknown): TextEditSpec {
  const span: Span = [current.range![0], contentEnd(text, current)];
  if (typeof value === 'string' || typeof value === 'number') return replaceScalar(text, span, value);
  return { span, newText: yamlFlow(value) };
}

/** Fills `key:` (or `key: ~` / `key: null`) with a value: a scalar on the line, a mapping below it. */
function fillEmpty(text: string, keyNode: Node, current: Node | null, value: unknown): TextEditSpec | undefined {
  if (!keyNode.range) return undefined;
  const nl = lineBreakOf(text);
  let start = current?.range ? current.range[0] : keyNode.range[1];
  const end = current?.range ? contentEnd(text, current) : start;
  if (!current?.range) {
    // After the key comes `:`.
    const colon = text.indexOf(':', keyNode.range[1]);
    if (colon === -1) return undefined;
    start = colon + 1;
  }
  while (start > 0 && text[start - 1] === ' ') start--;
  if (value !== null && typeof value === 'object') {
    const indent = ' '.repeat(columnAt(text, keyNode.range[0]) + 2);
    return { span: [start, end], newText: yamlLines(value).map((line) => `${nl}${indent}${line}`).join('') };
  }
  return { span: [start, end], newText: ` ${yamlLines(value).join('')}` };
}

/** The parsed document of `text` that holds `offset` (quick fixes re-read the text). */
export function documentAt(text: string, offset: number): Document.Parsed | undefined {
  const { documents } = parseYamlDocuments(text);
  let found: Document.Parsed | undefined;
  for (const doc of documents) if (doc.range[0] <= offset) found = doc;
  return found;
}

/** Whether `node`'s span is exactly `span` (a quick fix checks that the text still matches). */
export function hasSpan(node: Node | null | undefined, span: Span): boolean {
  const own = spanOf(node);
  return own !== undefined && own[0] === span[0] && own[1] === span[1];
}

// ---------------------------------------------------------------------------------------------
// ttlSecondsAfterFinished

/** The mapping that holds `ttlSecondsAfterFinished`: the Job's `spec`, or a task's `job`. */
export function ttlParentPath(target: Target): readonly PathSegment[] {
  return target.kind === 'job' ? ['spec'] : ['job'];
}

/** Whether keruta collects `/.keruta/doc` after this Job or task runs. */
export function collectionApplies(target: Target): boolean {
  if (target.kind === 'task') return target.task.task.job.collect !== false;
  return target.keruta && scalarText(nodeAt(target.doc, ['metadata', 'annotations', 'keruta.io/collector'])) !== 'none';
}

/** The TTL quick fixes propose: an hour, or the collection window when that is longer. */
export function proposedTtl(collectWindowSeconds: number): number {
  return Math.max(3600, collectWindowSeconds);
}

/** An edit setting `ttlSecondsAfterFinished` in the mapping at `pointer` of the document at `offset`. */
export function ttlEdit(text: string, offset: number, pointer: string, ttl: number): TextEditSpec | undefined {
  const doc = documentAt(text, offset);
  return doc ? setKeyEdit(text, doc, pathFromPointer(pointer), 'ttlSecondsAfterFinished', ttl, 'first') : undefined;
}

// ---------------------------------------------------------------------------------------------
// Images

export interface ImageAt {
  readonly container: ContainerRef;
  readonly image: string;
  readonly span: Span;
}

/** Every image written as text: the Job's containers, or a task's `job.image`. */
export function imagesOf(target: Target): ImageAt[] {
  return containersOf(target).flatMap((container): ImageAt[] => {
    const node = nodeAt(target.doc, ['image'], container.node);
    const image = scalarText(node);
    const span = nonEmptySpan(node);
    return image !== undefined && image.trim() !== '' && span ? [{ container, image, span }] : [];
  });
}

/** The quick fix of rules whose finding carries the value to write in `data[key]`: replace the scalar at the span. */
export function replaceValueFix(key: string, title: (value: string | number) => string) {
  return (finding: { readonly span: Span; readonly data?: FindingData }, context: FixContext): QuickFix[] => {
    const value = finding.data?.[key];
    if (typeof value !== 'string' && typeof value !== 'number') return [];
    return [{ title: title(value), edits: [replaceScalar(context.text, finding.span, value)], preferred: true }];
  };
}

export { contentEnd };

/**
 * A rule about images that are not pinned (`image-latest`, `image-untagged`): which references it
 * reports, its message, and the shared "pin a known tag" quick fix.
 */
export function unpinnedImageRule(spec: {
  readonly code: string;
  readonly description: string;
  readonly reports: (ref: ImageRef) => boolean;
  readonly message: (image: string) => string;
}): Rule {
  const check = (target: Target): Finding[] =>
    imagesOf(target).flatMap(({ image, span }): Finding[] => {
      if (isPlaceholder(image) || !spec.reports(parseImage(image))) return [];
      const pinned = pinnedImage(image);
      return [{ code: spec.code, severity: 'warning', message: spec.message(image), span, ...(pinned !== undefined ? { data: { pinned } } : {}) }];
    });
  return {
    code: spec.code,
    description: spec.description,
    fix: 'For busybox, alpine, ubuntu, debian, python and node: pin a version tag (e.g. busybox:1.36.1).',
    checkTask: (target) => check(target),
    checkJob: (target) => check(target),
    fixes: replaceValueFix('pinned', (pinned) => l10n.t('Pin {0}', pinned)),
  };
}
