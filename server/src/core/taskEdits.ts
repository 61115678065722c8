/**
 * Position-aware write-back of a task's `status`, `updatedAt` and `documents` into its task file:
 * the smallest text edits that make the file say the new values, never a re-serialization, so
 * that comments, blank lines, key order, quoting and line endings outside the edited spans stay
 * byte-for-byte as the user wrote them. Pure: no `vscode`, no file system.
 *
 * Callers apply the edits through a workspace edit (open, possibly dirty documents) or with
 * `applyEdits` on the text they read from disk.
 */
import { type Document, isAlias, isCollection, isMap, isNode, isPair, isScalar, type Node, type Pair, visit, type YAMLMap } from 'yaml';
// These helpers live with the rules today; they are pure and belong in the core (see the report
// of the write-back work): quoting that keeps the original style, line breaks, content ends.
import type { ParsedTask, Span, TaskStatus } from './taskModel';
import { lineStartAt, pairOf } from './yamlDocuments';
import { contentEnd, insertFirstEntry, isPlainSafe, lineBreakOf, type ParsedText, parseTasks, yamlScalarLike } from './yamlText';

/** What keruta writes back into a task. Absent fields are left alone. */
export interface TaskUpdate {
  readonly status?: TaskStatus;
  /** ISO 8601 text; always written quoted when the key is added. */
  readonly updatedAt?: string;
  /** Workspace-relative paths, written as a block list (a flow list inside a flow mapping). */
  readonly documents?: readonly string[];
}

export type TaskUpdateField = keyof TaskUpdate;

/** Replace `[start, end)` of the text with `newText` (an insertion when start = end). */
export interface TaskTextEdit {
  readonly span: Span;
  readonly newText: string;
}

export interface TaskUpdateEdits {
  /** Sorted by position, non-overlapping; empty when nothing needs to change. */
  readonly edits: TaskTextEdit[];
  /** Whether a task with that id is in the file. */
  readonly found: boolean;
  /** Why something was not (or not fully) written, in English; undefined when all went well. */
  readonly problem?: string;
  /** The requested fields left unwritten (aliases, shared anchors, values that are not scalars). */
  readonly skipped?: TaskUpdateField[];
}

const FIELD_ORDER: readonly TaskUpdateField[] = ['status', 'updatedAt', 'documents'];

type TaskPair = Pair<Node, Node | null>;

/**
 * The edits that write `update` into the task `taskId` of the task file `text`.
 *
 * - `status` / `updatedAt` present: the scalar is replaced in place in its quoting style (a plain
 *   value that YAML would misread, such as a timestamp, is double-quoted); an empty value is filled.
 * - Missing keys are added after the task's `status` or `updatedAt` (whichever stands last), else
 *   after its last top-level key, with the mapping's indentation and the file's line break.
 * - `documents` becomes a block list: the items of an existing block list are replaced (comments
 *   above the key and above the first item stay), another value is turned into a block list.
 * - Values that are aliases, or carry an anchor that an alias refers to, are not written (`skipped`).
 * - Several tasks with the id: the first is edited and `problem` says so. No such task: `found` false.
 *
 * `parsed` is `parseTasks(text)`, passed in by callers that edit several tasks of one text (the
 * parse is read, never changed, so one serves them all).
 */
export function taskUpdateEdits(text: string, taskId: string, update: TaskUpdate, parsed: ParsedText = parseTasks(text)): TaskUpdateEdits {
  if (taskId.trim() === '') return { edits: [], found: false, problem: 'No task id was given.' };
  const { file, documents } = parsed;
  const matches = file.tasks.filter((candidate) => candidate.task.id === taskId);
  const first = matches[0];
  if (!first) {
    const broken = documents.filter((doc) => doc.errors.length > 0).length;
    const note = broken > 0 ? ` (${broken} document${broken === 1 ? '' : 's'} with YAML errors could not be read)` : '';
    return { edits: [], found: false, problem: `No task with id "${taskId}" in the file${note}.` };
  }
  const problems: string[] = [];
  if (matches.length > 1) {
    problems.push(`${matches.length} tasks have the id "${taskId}" (documents ${matches.map((task) => task.documentIndex + 1).join(', ')}); only the first was updated.`);
  }
  const doc = documents[first.documentIndex];
  const root = doc?.contents;
  if (!doc || !isMap(root)) {
    return { edits: [], found: true, problem: [...problems, `The task "${taskId}" is not a plain mapping; nothing was written.`].join(' ') };
  }
  const writer = new TaskWriter(text, doc, first, root);
  const edits: TaskTextEdit[] = [];
  const skipped: TaskUpdateField[] = [];
  const missing: TaskUpdateField[] = [];
  for (const field of FIELD_ORDER) {
    if (update[field] === undefined) continue;
    const pair = pairOf(root, field);
    if (!pair) {
      missing.push(field);
      continue;
    }
    const result = field === 'documents'
      ? writer.replaceDocuments(pair, update.documents ?? [])
      : writer.replaceScalar(pair, field, (field === 'status' ? update.status : update.updatedAt) ?? '');
    if (typeof result === 'string') {
      problems.push(result);
      skipped.push(field);
    } else {
      edits.push(...result);
    }
  }
  if (missing.length > 0) edits.push(writer.insertEntries(missing, update));
  return {
    edits: mergeTouching(edits),
    found: true,
    ...(problems.length > 0 ? { problem: problems.join(' ') } : {}),
    ...(skipped.length > 0 ? { skipped } : {}),
  };
}

/**
 * Applies edits to a text. Edits are sorted by position (stably, so insertions at one offset keep
 * their order); one that starts inside another throws.
 */
export function applyEdits(text: string, edits: readonly TaskTextEdit[]): string {
  const sorted = edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => a.edit.span[0] - b.edit.span[0] || a.edit.span[1] - b.edit.span[1] || a.index - b.index)
    .map(({ edit }) => edit);
  let out = '';
  let at = 0;
  for (const { span, newText } of sorted) {
    const [start, end] = span;
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= text.length)) {
      throw new RangeError(`Edit span [${start}, ${end}] is outside the text (length ${text.length}).`);
    }
    if (start < at) throw new RangeError(`Edit span [${start}, ${end}] overlaps an earlier edit ending at ${at}.`);
    out += text.slice(at, start) + newText;
    at = end;
  }
  return out + text.slice(at);
}

// ---------------------------------------------------------------------------------------------

class TaskWriter {
  private readonly nl: string;
  private readonly flow: boolean;

  constructor(
    private readonly text: string,
    private readonly doc: Document.Parsed,
    private readonly task: ParsedTask,
    private readonly root: YAMLMap<unknown, unknown>,
  ) {
    this.nl = lineBreakOf(text);
    this.flow = root.flow === true;
  }

  /** Replaces (or fills) the value of `status` / `updatedAt`; a string is the reason it cannot. */
  replaceScalar(pair: TaskPair, field: TaskUpdateField, value: string): TaskTextEdit[] | string {
    const node = pair.value;
    const refusal = this.refusal(node, field);
    if (refusal) return refusal;
    if (node && !isScalar(node)) return `\`${field}\` of the task "${this.task.task.id}" is not a single value; it was left as it is.`;
    const range = node?.range;
    if (!range || range[1] <= range[0]) return this.fill(pair, field, value);
    const span: Span = [range[0], contentEnd(this.text, node)];
    const original = this.text.slice(span[0], span[1]);
    return [{ span, newText: this.scalarLike(value, original) }];
  }

  /** Writes `documents`: a block list in a block mapping, a flow list in a flow mapping. */
  replaceDocuments(pair: TaskPair, paths: readonly string[]): TaskTextEdit[] | string {
    const node = pair.value;
    const refusal = this.refusal(node, 'documents');
    if (refusal) return refusal;
    const afterColon = this.afterColon(pair);
    if (afterColon === undefined) return `\`documents\` of the task "${this.task.task.id}" is laid out in a way keruta does not edit; it was left as it is.`;
    const range = node?.range ?? undefined;
    const hasValue = range !== undefined && node !== null && range[1] > range[0];
    if (this.flow) {
      const list = this.flowList(paths);
      if (hasValue) return [{ span: [range[0], contentEnd(this.text, node)], newText: list }];
      return [{ span: [afterColon, afterColon], newText: ` ${list}` }];
    }
    const keyLineEnd = lineEndAt(this.text, afterColon);
    if (!hasValue) {
      // `documents:` (maybe with a comment): the list goes below the key.
      if (paths.length === 0) return [{ span: [afterColon, afterColon], newText: ' []' }];
      return [{ span: [keyLineEnd, keyLineEnd], newText: this.blockItems(paths, this.keyIndent() + 2).map((line) => this.nl + line).join('') }];
    }
    const valueEnd = this.tightEnd(node);
    const valueLineEnd = lineEndAt(this.text, valueEnd);
    if (isCollection(node) && !node.flow && range[0] >= keyLineEnd) {
      // A block list (or mapping) below the key: its items are replaced from the first `-` on, so
      // comments between the key and the first item stay; the last item's line ends the span.
      if (paths.length === 0) return [{ span: [afterColon, afterColon], newText: ' []' }, { span: [keyLineEnd, valueLineEnd], newText: '' }];
      const lines = this.blockItems(paths, columnAt(this.text, range[0]));
      return [{ span: [range[0], valueLineEnd], newText: lines.map((line, i) => (i === 0 ? line.trimStart() : line)).join(this.nl) }];
    }
    // A value on the key's line (`[]`, a flow list, a scalar): it goes, a comment after it stays.
    if (paths.length === 0) return [{ span: [afterColon, valueEnd], newText: ' []' }];
    const trailing = this.text.slice(valueEnd, valueLineEnd);
    const items = this.blockItems(paths, this.keyIndent() + 2).map((line) => this.nl + line).join('');
    return [{ span: [afterColon, valueLineEnd], newText: trailing + items }];
  }

  /** One edit adding the missing keys, in the order status, updatedAt, documents. */
  insertEntries(fields: readonly TaskUpdateField[], update: TaskUpdate): TaskTextEdit {
    const anchor = this.insertionAnchor();
    if (this.flow) {
      const entries = fields.map((field) => `${field}: ${this.newValue(field, update)}`);
      if (!anchor) return insertFirstEntry(this.text, this.root.range![0], entries.join(', '));
      const at = this.pairEnd(anchor);
      return { span: [at, at], newText: entries.map((entry) => `, ${entry}`).join('') };
    }
    const lines = fields.flatMap((field) => this.blockEntry(field, update));
    if (!anchor) {
      const start = this.root.range![0];
      const indent = ' '.repeat(columnAt(this.text, start));
      return insertFirstEntry(this.text, start, lines.join(this.nl + indent));
    }
    const indent = ' '.repeat(this.keyIndent());
    const at = this.afterNestedComments(lineEndAt(this.text, this.pairEnd(anchor)), indent.length);
    return { span: [at, at], newText: lines.map((line) => this.nl + indent + line).join('') };
  }

  // -------------------------------------------------------------------------------------------

  /** Why a value must not be overwritten: an alias, or an anchor that an alias refers to. */
  private refusal(node: Node | null, field: TaskUpdateField): string | undefined {
    if (node && isAlias(node)) {
      return `\`${field}\` of the task "${this.task.task.id}" is an alias (*${node.source}); it was left as it is so that the anchor keeps its meaning.`;
    }
    const shared = this.sharedAnchors(node);
    if (shared.length > 0) {
      return `\`${field}\` of the task "${this.task.task.id}" holds the anchor ${shared.map((name) => `&${name}`).join(', ')} that aliases refer to; it was left as it is.`;
    }
    return undefined;
  }

  /** Anchors defined in `node` (or below it) that an alias elsewhere in the document uses. */
  private sharedAnchors(node: Node | null): string[] {
    if (!node) return [];
    const defined = new Set<string>();
    const collect = (candidate: unknown): void => {
      const anchor = (candidate as { anchor?: unknown }).anchor;
      if (typeof anchor === 'string') defined.add(anchor);
    };
    collect(node);
    if (isCollection(node)) visit(node, { Node: (_key, inner) => collect(inner), Pair: (_key, pair) => { collect(pair.key); } });
    if (defined.size === 0) return [];
    const range = node.range;
    const used = new Set<string>();
    visit(this.doc, {
      Alias: (_key, alias) => {
        const at = alias.range?.[0] ?? -1;
        const inside = range !== undefined && range !== null && at >= range[0] && at < range[1];
        if (!inside && defined.has(alias.source)) used.add(alias.source);
      },
    });
    return [...used];
  }

  /** Fills an empty value (`status:`) or a key written without one (`{status}`). */
  private fill(pair: TaskPair, field: TaskUpdateField, value: string): TaskTextEdit[] | string {
    const scalar = field === 'updatedAt' ? JSON.stringify(value) : this.plainOrQuoted(value);
    const afterColon = this.afterColon(pair);
    if (afterColon !== undefined) return [{ span: [afterColon, afterColon], newText: ` ${scalar}` }];
    const keyEnd = pair.key.range?.[1];
    if (this.flow && keyEnd !== undefined) return [{ span: [keyEnd, keyEnd], newText: `: ${scalar}` }];
    return `\`${field}\` of the task "${this.task.task.id}" is laid out in a way keruta does not edit; it was left as it is.`;
  }

  /** The pair after which new keys go: `status`/`updatedAt` (the later one), else the last pair. */
  private insertionAnchor(): TaskPair | undefined {
    const pairs = (this.root.items as TaskPair[]).filter((pair) => pair.key?.range !== undefined && this.canInsertAfter(pair));
    const preferred = pairs.filter((pair) => isScalar(pair.key) && (pair.key.value === 'status' || pair.key.value === 'updatedAt'));
    return preferred[preferred.length - 1] ?? pairs[pairs.length - 1];
  }

  /**
   * Whether a line can follow the pair without changing its value: not after a block scalar that
   * keeps its trailing blank lines (`|+`), nor after a key written without `:` in a block mapping.
   */
  private canInsertAfter(pair: TaskPair): boolean {
    const value = pair.value;
    if (isScalar(value) && (value.type === 'BLOCK_LITERAL' || value.type === 'BLOCK_FOLDED') && value.range) {
      const header = /^[|>][0-9+-]*/.exec(this.text.slice(value.range[0]))?.[0] ?? '';
      if (header.includes('+')) return false;
    }
    return this.flow || this.afterColon(pair) !== undefined;
  }

  /**
   * From the end of a line, past the comment lines right below it that are indented deeper than
   * the task's keys (they belong to the value above: `job:`'s last comment stays with `job`).
   */
  private afterNestedComments(lineEnd: number, keyIndent: number): number {
    let at = lineEnd;
    for (;;) {
      const next = this.text.indexOf('\n', at);
      if (next === -1) return at;
      const end = lineEndAt(this.text, next + 1);
      const line = this.text.slice(next + 1, end);
      const indent = /^ */.exec(line)?.[0].length ?? 0;
      if (indent <= keyIndent || line[indent] !== '#') return at;
      at = end;
    }
  }

  /** Where a pair's text ends: after its value, or after its `:` (or key) when it has none. */
  private pairEnd(pair: TaskPair): number {
    const value = pair.value;
    if (value?.range && value.range[1] > value.range[0]) return this.tightEnd(value);
    return this.afterColon(pair) ?? pair.key.range![1];
  }

  /**
   * The end of a value's own text. A block collection's range runs on over comment lines below
   * its last item; here it ends with that item's text.
   */
  private tightEnd(node: Node): number {
    if (isCollection(node) && !node.flow) {
      const last = node.items[node.items.length - 1];
      const filled = (candidate: unknown): candidate is Node => isNode(candidate) && !!candidate.range && candidate.range[1] > candidate.range[0];
      const inner = isPair(last) ? (filled(last.value) ? last.value : last.key) : last;
      if (filled(inner)) return Math.max(node.range![0], this.tightEnd(inner));
    }
    return contentEnd(this.text, node);
  }

  /** The offset just after the `:` that follows the pair's key. */
  private afterColon(pair: TaskPair): number | undefined {
    const keyEnd = pair.key.range?.[1];
    if (keyEnd === undefined) return undefined;
    let at = keyEnd;
    while (at < this.text.length && /\s/.test(this.text[at]!)) at++;
    if (this.text[at] !== ':') return undefined;
    const valueStart = pair.value?.range?.[0];
    return valueStart === undefined || at < valueStart ? at + 1 : undefined;
  }

  /** The column of the task's keys (that of its first key, so `? key` forms do not mislead). */
  private keyIndent(): number {
    return columnAt(this.text, this.root.range![0]);
  }

  private blockEntry(field: TaskUpdateField, update: TaskUpdate): string[] {
    if (field !== 'documents') return [`${field}: ${this.newValue(field, update)}`];
    const paths = update.documents ?? [];
    if (paths.length === 0) return ['documents: []'];
    return ['documents:', ...this.blockItems(paths, 2)];
  }

  /** The text of a value for a new key (flow list for `documents` in a flow mapping). */
  private newValue(field: TaskUpdateField, update: TaskUpdate): string {
    if (field === 'status') return this.plainOrQuoted(update.status ?? '');
    if (field === 'updatedAt') return JSON.stringify(update.updatedAt ?? '');
    return this.flow ? this.flowList(update.documents ?? []) : '[]';
  }

  private blockItems(paths: readonly string[], indent: number): string[] {
    return paths.map((path) => `${' '.repeat(indent)}- ${this.plainOrQuoted(path)}`);
  }

  private flowList(paths: readonly string[]): string {
    return `[${paths.map((path) => this.plainOrQuoted(path)).join(', ')}]`;
  }

  /** Plain when YAML 1.1 and 1.2 read it back as the same text (in this context), else double-quoted. */
  private plainOrQuoted(value: string): string {
    return isPlainSafe(value) && !(this.flow && /[,[\]{}]/.test(value)) ? value : JSON.stringify(value);
  }

  /** `value` in the quoting style of `original`; a plain value that would be misread is double-quoted. */
  private scalarLike(value: string, original: string): string {
    if (original.startsWith('"') || original.startsWith("'")) return yamlScalarLike(value, original);
    return this.plainOrQuoted(value);
  }
}

/**
 * Sorted edits, those that touch (one ends where the next starts) merged into one, so that
 * editors that reject adjacent or same-position edits take them as they are.
 */
function mergeTouching(edits: readonly TaskTextEdit[]): TaskTextEdit[] {
  const sorted = [...edits].sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1]);
  const out: TaskTextEdit[] = [];
  for (const edit of sorted) {
    const previous = out[out.length - 1];
    if (previous && previous.span[1] === edit.span[0]) {
      out[out.length - 1] = { span: [previous.span[0], edit.span[1]], newText: previous.newText + edit.newText };
    } else {
      out.push(edit);
    }
  }
  return out;
}

function columnAt(text: string, offset: number): number {
  const start = lineStartAt(text, offset);
  // A byte order mark is not indentation.
  return offset - start - (start === 0 && text.charCodeAt(0) === 0xfeff && offset > 0 ? 1 : 0);
}

/** The end of the line holding `offset`, before its line break. */
function lineEndAt(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  if (newline === -1) return text.length;
  return text[newline - 1] === '\r' ? newline - 1 : newline;
}
