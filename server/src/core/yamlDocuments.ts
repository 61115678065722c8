/**
 * Parsing YAML once per text, and reading nodes by path with their source spans. Shared by the
 * task parser, the rules and the quick fixes. Pure: only the `yaml` package.
 */
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, type Pair, parseAllDocuments } from 'yaml';
import type { Span } from './taskModel';

/** Aliases are followed at most this deep. */
const MAX_ALIAS_DEPTH = 8;

export type PathSegment = string | number;

export interface YamlDocuments {
  readonly text: string;
  readonly documents: readonly Document.Parsed[];
  readonly lineCounter: LineCounter;
}

export function parseYamlDocuments(text: string): YamlDocuments {
  const lineCounter = new LineCounter();
  let documents: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    documents = (Array.isArray(parsed) ? parsed : [parsed]) as Document.Parsed[];
  } catch {
    documents = [];
  }
  return { text, documents, lineCounter };
}

/** Follows an alias to its anchor (bounded). */
export function resolveNode(doc: Document.Parsed, node: unknown, depth = 0): Node | undefined {
  if (node === null || node === undefined) return undefined;
  if (isAlias(node)) {
    if (depth >= MAX_ALIAS_DEPTH) return undefined;
    return resolveNode(doc, node.resolve(doc), depth + 1);
  }
  return node as Node;
}

export function spanOf(node: Node | null | undefined): Span | undefined {
  const range = node?.range;
  return range ? [range[0], range[1]] : undefined;
}

/** The pair holding `key` in a mapping node. */
export function pairOf(map: unknown, key: string): Pair<Node, Node | null> | undefined {
  if (!isMap(map)) return undefined;
  for (const item of (map).items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) return item as Pair<Node, Node | null>;
  }
  return undefined;
}

/** The node at `path` (keys of mappings, indexes of sequences), aliases followed. */
export function nodeAt(doc: Document.Parsed, path: readonly PathSegment[], from: unknown = doc.contents): Node | undefined {
  let current = resolveNode(doc, from);
  for (const segment of path) {
    if (current === undefined) return undefined;
    if (typeof segment === 'number') {
      if (!isSeq(current)) return undefined;
      current = resolveNode(doc, current.items[segment]);
    } else {
      const pair = pairOf(current, segment);
      current = pair ? resolveNode(doc, pair.value) : undefined;
    }
  }
  return current;
}

/** The span of the key at the end of `path` (e.g. `restartPolicy` in `…spec.restartPolicy`). */
export function keySpanAt(doc: Document.Parsed, path: readonly PathSegment[]): Span | undefined {
  const last = path[path.length - 1];
  if (typeof last !== 'string') return spanOf(nodeAt(doc, path));
  const parent = nodeAt(doc, path.slice(0, -1));
  return spanOf(pairOf(parent, last)?.key);
}

/** The mapping entries of a node: key text, key node and (alias-resolved) value node. */
export function entriesOf(doc: Document.Parsed, map: unknown): { key: string; keyNode: Node; value: Node | undefined; pair: Pair<Node, Node | null> }[] {
  const node = resolveNode(doc, map);
  if (!isMap(node)) return [];
  const out: { key: string; keyNode: Node; value: Node | undefined; pair: Pair<Node, Node | null> }[] = [];
  for (const item of (node).items) {
    if (!isPair(item) || !isScalar(item.key)) continue;
    out.push({ key: String(item.key.value), keyNode: item.key as Node, value: resolveNode(doc, item.value), pair: item as Pair<Node, Node | null> });
  }
  return out;
}

/** The items of a sequence node, aliases resolved. */
export function itemsOf(doc: Document.Parsed, seq: unknown): Node[] {
  const node = resolveNode(doc, seq);
  if (!isSeq(node)) return [];
  return node.items.map((item) => resolveNode(doc, item)).filter((item): item is Node => item !== undefined);
}

/** A scalar's value as text (numbers and booleans as written), or undefined. */
export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const value: unknown = node.value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return node.source ?? String(value);
  return undefined;
}

export function scalarNumber(node: unknown): number | undefined {
  if (!isScalar(node)) return undefined;
  return typeof node.value === 'number' ? node.value : undefined;
}

/** Converts a JSON pointer (`/spec/template/spec/containers/0/name`) to a path. */
export function pathFromPointer(pointer: string): PathSegment[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** The deepest existing node along `path`, and how much of the path it covers. */
export function deepestNode(doc: Document.Parsed, path: readonly PathSegment[]): { node: Node | undefined; depth: number } {
  let depth = path.length;
  while (depth > 0) {
    const node = nodeAt(doc, path.slice(0, depth));
    if (node) return { node, depth };
    depth--;
  }
  return { node: resolveNode(doc, doc.contents), depth: 0 };
}

/** The `batch/v1` Job documents of a YAML text (multi-document files included). */
export function isJobDocument(doc: Document.Parsed): boolean {
  if (doc.errors.length > 0) return false;
  return scalarText(nodeAt(doc, ['apiVersion'])) === 'batch/v1' && scalarText(nodeAt(doc, ['kind'])) === 'Job';
}

/** Indentation (column) of the line on which `offset` stands. */
export function lineIndentAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  const match = /^[ \t]*/.exec(text.slice(start));
  return match ? match[0] : '';
}

export function lineStartAt(text: string, offset: number): number {
  return text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
}
