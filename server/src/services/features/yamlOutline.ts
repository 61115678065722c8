/**
 * A line-based reading of YAML block structure: which keys enclose a line, what key or value the
 * cursor is on. It works on partial and broken text, where the parsed tree has nothing (a YAML
 * document with a syntax error has no contents), by following indentation and `- ` markers.
 * Block scalars (`|`, `>`) are skipped; flow collections and multi-line quoted strings are read as
 * plain text, which is good enough to place a cursor.
 */

/** A mapping key (string) or a sequence item (its index). */
export type OutlineSegment = string | number;
export type OutlinePath = readonly OutlineSegment[];

/** Columns `[start, end)` on one line. */
export interface ColumnSpan {
  readonly start: number;
  readonly end: number;
}

export interface LineShape {
  /** Blank or only a comment. */
  readonly blank: boolean;
  readonly indent: number;
  /** Columns of the `- ` markers that open sequence items on this line. */
  readonly items: readonly number[];
  /** Column of what follows the indentation and the `- ` markers. */
  readonly contentStart: number;
  /** The key on this line, unquoted, and the columns of its text (quotes included). */
  readonly key?: { readonly name: string; readonly span: ColumnSpan };
  /** Column just after the key's `:`. */
  readonly colonEnd?: number;
  /** The scalar after the `:` (or after the `- ` markers when there is no key), comment removed. */
  readonly value?: { readonly text: string; readonly span: ColumnSpan };
  /** The value opens a block scalar (`|`, `>-`, …): the following deeper lines are its text. */
  readonly blockScalar: boolean;
}

const KEY = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"[\]{},&*!|>%@`](?:[^#]*?[^\s#])?))[ \t]*:(?=[ \t]|$)/;
const BLOCK_SCALAR = /^(?:[!&]\S*[ \t]+)*[|>][-+1-9]*$/;
const SEPARATOR = /^(?:---|\.\.\.)(?:[ \t]|$)/;

/** Reads the shape of one line (without its line break). */
export function lineShape(text: string): LineShape {
  let indent = 0;
  while (indent < text.length && (text[indent] === ' ' || text[indent] === '\t')) indent++;
  if (indent === text.length || text[indent] === '#') {
    return { blank: true, indent, items: [], contentStart: indent, blockScalar: false };
  }
  const items: number[] = [];
  let column = indent;
  while (text[column] === '-' && (column + 1 === text.length || text[column + 1] === ' ' || text[column + 1] === '\t')) {
    items.push(column);
    column++;
    while (column < text.length && (text[column] === ' ' || text[column] === '\t')) column++;
  }
  const contentStart = column;
  const rest = text.slice(column);
  const match = KEY.exec(rest);
  if (!match) {
    const value = scalarAt(text, contentStart);
    return { blank: false, indent, items, contentStart, ...(value ? { value } : {}), blockScalar: value !== undefined && items.length > 0 && BLOCK_SCALAR.test(value.text) };
  }
  const name = match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2] !== undefined ? match[2].replace(/''/g, "'") : match[3]!;
  const keyText = match[1] !== undefined ? `"${match[1]}"` : match[2] !== undefined ? `'${match[2]}'` : match[3]!;
  const colonEnd = contentStart + match[0].length;
  const value = scalarAt(text, colonEnd);
  return {
    blank: false,
    indent,
    items,
    contentStart,
    key: { name, span: { start: contentStart, end: contentStart + keyText.length } },
    colonEnd,
    ...(value ? { value } : {}),
    blockScalar: value !== undefined && BLOCK_SCALAR.test(value.text),
  };
}

/** The scalar text from `column` to the end of the line, without a trailing comment. */
function scalarAt(text: string, column: number): { text: string; span: ColumnSpan } | undefined {
  let start = column;
  while (start < text.length && (text[start] === ' ' || text[start] === '\t')) start++;
  if (start >= text.length || text[start] === '#') return undefined;
  let end = text.length;
  const quote = text[start];
  if (quote === '"' || quote === "'") {
    let i = start + 1;
    while (i < text.length) {
      if (quote === '"' && text[i] === '\\') i += 2;
      else if (text[i] === quote && quote === "'" && text[i + 1] === "'") i += 2;
      else if (text[i] === quote) break;
      else i++;
    }
    const comment = text.slice(Math.min(i + 1, text.length)).search(/[ \t]#/);
    if (comment >= 0) end = i + 1 + comment;
  } else {
    const comment = text.slice(start).search(/[ \t]#/);
    if (comment >= 0) end = start + comment;
  }
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return { text: text.slice(start, end), span: { start, end } };
}

/** Splits like `LineIndex`: `\r\n`, `\r` and `\n` end lines. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Offset of the start of every line, with the same line breaks as `splitLines`. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  const breaks = /\r\n|\r|\n/g;
  for (let match = breaks.exec(text); match; match = breaks.exec(text)) starts.push(match.index + match[0].length);
  return starts;
}

export function isDocumentSeparator(line: string): boolean {
  return SEPARATOR.test(line);
}

/** Lines `[start, end)` of the YAML document that holds `line` (separators excluded). */
export function documentBounds(lines: readonly string[], line: number): { start: number; end: number } {
  let start = Math.min(line, lines.length);
  while (start > 0 && !isDocumentSeparator(lines[start - 1]!)) start--;
  let end = Math.min(line, lines.length);
  if (end < lines.length && isDocumentSeparator(lines[end]!)) return { start: end, end };
  while (end < lines.length && !isDocumentSeparator(lines[end]!)) end++;
  return { start, end };
}

interface Frame {
  readonly column: number;
  readonly segment: OutlineSegment;
  readonly item: boolean;
  /** How many sequence items were opened directly under this frame. */
  children: number;
}

/** What one line holds, with the path of the mapping its key belongs to. */
export interface LineRecord {
  readonly line: number;
  readonly shape: LineShape;
  /** Path of the mapping that holds this line's key (or of the line's last sequence item). */
  readonly parent: OutlinePath;
  /** Inside a block scalar: text, not structure. */
  readonly blockText: boolean;
}

/** Follows indentation line by line, keeping the chain of keys and items that enclose the next line. */
export class OutlineScanner {
  private stack: Frame[] = [];
  private rootChildren = 0;
  private blockColumn: number | undefined;

  /** Reads one line; returns what it holds and where. */
  feed(text: string, line: number): LineRecord {
    const shape = lineShape(text);
    if (this.blockColumn !== undefined) {
      if (shape.blank || shape.indent > this.blockColumn) return { line, shape, parent: this.path(), blockText: true };
      this.blockColumn = undefined;
    }
    if (shape.blank) return { line, shape, parent: this.path(), blockText: false };
    this.openItems(shape.items);
    let parent = this.path();
    if (shape.key) {
      this.popTo(shape.key.span.start);
      parent = this.path();
      this.stack.push({ column: shape.key.span.start, segment: shape.key.name, item: false, children: 0 });
      if (shape.blockScalar) this.blockColumn = shape.key.span.start;
    } else if (shape.blockScalar) {
      this.blockColumn = shape.items[shape.items.length - 1] ?? shape.indent;
    }
    return { line, shape, parent, blockText: false };
  }

  /**
   * The path a key at `column` would have after the `- ` markers at `items` on the current line,
   * without changing the scanner.
   */
  pathFor(items: readonly number[], column: number): OutlinePath {
    const copy = this.clone();
    copy.openItems(items);
    copy.popTo(column);
    return copy.path();
  }

  /** Whether text typed at `column` on a blank line would belong to an open block scalar. */
  inBlockScalarAt(column: number): boolean {
    return this.blockColumn !== undefined && column > this.blockColumn;
  }

  clone(): OutlineScanner {
    const copy = new OutlineScanner();
    copy.stack = this.stack.map((frame) => ({ ...frame }));
    copy.rootChildren = this.rootChildren;
    copy.blockColumn = this.blockColumn;
    return copy;
  }

  private openItems(items: readonly number[]): void {
    for (const column of items) {
      let top = this.stack[this.stack.length - 1];
      while (top && (top.column > column || (top.column === column && top.item))) {
        this.stack.pop();
        top = this.stack[this.stack.length - 1];
      }
      const index = top ? top.children++ : this.rootChildren++;
      this.stack.push({ column, segment: index, item: true, children: 0 });
    }
  }

  /** Leaves the frames a key at `column` cannot be inside of. */
  private popTo(column: number): void {
    let top = this.stack[this.stack.length - 1];
    while (top && top.column >= column) {
      this.stack.pop();
      top = this.stack[this.stack.length - 1];
    }
  }

  private path(): OutlineSegment[] {
    return this.stack.map((frame) => frame.segment);
  }
}

/** Every line of the document `[start, end)` read in order (`skip`: a line left out, e.g. the one being typed). */
export function scanLines(lines: readonly string[], start: number, end: number, skip?: number): LineRecord[] {
  const scanner = new OutlineScanner();
  const out: LineRecord[] = [];
  for (let line = start; line < end; line++) {
    if (line === skip) continue;
    out.push(scanner.feed(lines[line] ?? '', line));
  }
  return out;
}

/** A path pattern: a key, `'#'` for any sequence index, or a set of keys. */
export type PathPattern = readonly (string | readonly string[])[];

export function pathMatches(path: OutlinePath, pattern: PathPattern): boolean {
  if (path.length !== pattern.length) return false;
  return pattern.every((expected, index) => {
    const actual = path[index];
    if (expected === '#') return typeof actual === 'number';
    if (typeof expected === 'string') return actual === expected;
    return typeof actual === 'string' && expected.includes(actual);
  });
}

export function samePath(a: OutlinePath, b: OutlinePath): boolean {
  return a.length === b.length && a.every((segment, index) => segment === b[index]);
}

/** Where the cursor is, for completion. */
export type CursorContext =
  | {
      /** Typing a key (or a bare sequence item) in the mapping at `path`. */
      readonly kind: 'key';
      readonly path: OutlinePath;
      /** The partial key around the cursor. */
      readonly word: ColumnSpan;
      /** Whether a `:` already follows the word on the line. */
      readonly colonFollows: boolean;
      /** Column where the key starts. */
      readonly column: number;
    }
  | {
      /** Typing the value of the key at the end of `path`. */
      readonly kind: 'value';
      readonly path: OutlinePath;
      readonly word: ColumnSpan;
      /** The cursor is right after the `:`: the inserted value needs a leading space. */
      readonly needsSpace: boolean;
    };

const WORD_CHAR = /[\w$-]/;

function wordAround(text: string, character: number, chars: RegExp = WORD_CHAR): ColumnSpan {
  let start = character;
  while (start > 0 && chars.test(text[start - 1]!)) start--;
  let end = character;
  while (end < text.length && chars.test(text[end]!)) end++;
  return { start, end };
}

/** A scanner fed with the lines of `line`'s document that come before it. */
function scannerBefore(lines: readonly string[], line: number): OutlineScanner {
  const bounds = documentBounds(lines, line);
  const scanner = new OutlineScanner();
  for (let current = bounds.start; current < line; current++) scanner.feed(lines[current] ?? '', current);
  return scanner;
}

/** What the cursor at (`line`, `character`) is typing: a key or a value, and where. */
export function cursorContext(lines: readonly string[], line: number, character: number): CursorContext | undefined {
  const text = lines[line];
  if (text === undefined || isDocumentSeparator(text)) return undefined;
  const column = Math.min(character, text.length);
  const prefix = text.slice(0, column);
  const scanner = scannerBefore(lines, line);
  const inBlock = lineShape(text).blank ? scanner.inBlockScalarAt(column) : scanner.clone().feed(text, line).blockText;
  if (inBlock) return undefined;
  const shape = lineShape(prefix);
  if (shape.blank) {
    if (prefix.includes('#')) return undefined;
    const word = wordAround(text, column);
    return { kind: 'key', path: scanner.pathFor([], column), word, colonFollows: /^[ \t]*:/.test(text.slice(word.end)), column };
  }
  if (shape.key && shape.colonEnd !== undefined) {
    const after = prefix.slice(shape.colonEnd);
    // Only a plain word (or the start of a quoted one) is completed as a value.
    if (!/^[ \t]*["']?[\w$-]*$/.test(after)) return undefined;
    const word = wordAround(text, column);
    return {
      kind: 'value',
      path: [...scanner.pathFor(shape.items, shape.key.span.start), shape.key.name],
      word,
      needsSpace: after === '' && (text[column] === undefined || text[column] !== ' '),
    };
  }
  const typed = prefix.slice(shape.contentStart);
  if (!/^[\w$./-]*$/.test(typed)) return undefined;
  const word = wordAround(text, column, /[\w$./-]/);
  return {
    kind: 'key',
    path: scanner.pathFor(shape.items, shape.contentStart),
    word: { start: shape.contentStart, end: word.end },
    colonFollows: /^[ \t]*:/.test(text.slice(word.end)),
    column: shape.contentStart,
  };
}

/** What the word at (`line`, `character`) is: a key or a value, with its path. */
export interface WordContext {
  readonly word: ColumnSpan;
  readonly text: string;
  readonly role: 'key' | 'value' | 'other';
  /** For a key: the path of the key itself; for a value: the path of its key. */
  readonly path: OutlinePath;
}

export function wordContext(lines: readonly string[], line: number, character: number): WordContext | undefined {
  const text = lines[line];
  if (text === undefined || isDocumentSeparator(text)) return undefined;
  const word = wordAround(text, Math.min(character, text.length), /\w/);
  if (word.start === word.end) return undefined;
  const scanner = scannerBefore(lines, line);
  const record = scanner.feed(text, line);
  const wordText = text.slice(word.start, word.end);
  if (record.blockText || record.shape.blank) return { word, text: wordText, role: 'other', path: [] };
  const { key, value } = record.shape;
  if (key && word.start >= key.span.start && word.end <= key.span.end) return { word, text: wordText, role: 'key', path: [...record.parent, key.name] };
  if (key && value && word.start >= value.span.start && word.end <= value.span.end) return { word, text: wordText, role: 'value', path: [...record.parent, key.name] };
  return { word, text: wordText, role: 'other', path: record.parent };
}

/** The top-level `key: value` scalars of the document `[start, end)`, read line by line. */
export function topLevelScalars(lines: readonly string[], start: number, end: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const record of scanLines(lines, start, end)) {
    const { key, value } = record.shape;
    if (!record.blockText && key && record.parent.length === 0 && record.shape.items.length === 0 && value && !out.has(key.name)) {
      out.set(key.name, unquote(value.text));
    }
  }
  return out;
}

/** A scalar's text without its quotes (an unclosed quote is dropped too). */
export function unquote(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return text.slice(1, -1).replace(/\\(.)/g, '$1');
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  if (text.startsWith('"') || text.startsWith("'")) return text.slice(1);
  return text;
}

/** Whether the document `[start, end)` is a `batch/v1` Job, judged from its top-level lines. */
export function isJobDocumentText(lines: readonly string[], start: number, end: number): boolean {
  const top = topLevelScalars(lines, start, end);
  return top.get('apiVersion') === 'batch/v1' && top.get('kind') === 'Job';
}
