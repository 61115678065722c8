/**
 * Helpers the task rules share: did-you-mean matching, writing YAML scalars without changing how
 * the file is quoted, slugs for new ids, and finding a task again from a fix's span.
 */
import { isPlainSafe, lineBreakOf, type ParsedText, parseTasks, yamlScalar, yamlScalarLike } from '../../core/yamlText';
import { isScalar, parseDocument } from 'yaml';
import type { ParsedTask, ParsedTaskFile, Span } from '../../core/taskModel';

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > 3) return Math.abs(a.length - b.length);
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidate `word` most likely stands for: equal ignoring case, else the nearest within two
 * edits (one for words of up to three characters, so that `foo` does not become `job`).
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const exact = candidates.find((candidate) => candidate.toLowerCase() === lower);
  if (exact !== undefined) return exact;
  const limit = word.length <= 3 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Words YAML 1.1 tools (kubectl's parser, PyYAML) read as booleans or null. */




/**
 * The value of a single-line scalar written as `source` (plain or quoted), as text; undefined
 * for anything else (block scalars, aliases, collections, several lines).
 */
export function scalarSourceValue(source: string): string | undefined {
  if (source.trim() === '' || /[\n\r]/.test(source) || /^[|>&*!]/.test(source.trim())) return undefined;
  const doc = parseDocument(source);
  if (doc.errors.length > 0 || !isScalar(doc.contents)) return undefined;
  const value: unknown = doc.contents.value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return doc.contents.source ?? String(value);
  return undefined;
}

/** Whether a node can be replaced as written: a scalar on one line, not an alias or a block scalar. */
export function isReplaceableScalar(node: unknown, text: string): boolean {
  if (!isScalar(node) || !node.range) return false;
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') return false;
  return !/[\n\r]/.test(text.slice(node.range[0], node.range[1]));
}

/** Lower-case, runs of anything outside [a-z0-9] folded to '-', at most `max` characters. */
export function slugify(text: string, max = 40): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

/** `base`, or `base-2`, `base-3`, … : the first that `taken` says is free. */
export function firstFree(base: string, taken: (candidate: string) => boolean, skip = 0): string {
  let free = 0;
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (taken(candidate)) continue;
    if (free === skip) return candidate;
    free++;
  }
}



/** The task whose top-level mapping starts at `offset` (where the parser reports missing keys). */
export function taskWithMappingAt(file: ParsedTaskFile, offset: number): ParsedTask | undefined {
  return file.tasks.find((task) => task.locations.mappingSpan?.[0] === offset);
}

export function sameSpan(a: Span, b: Span): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

export { isPlainSafe, lineBreakOf, ParsedText, parseTasks, yamlScalar, yamlScalarLike };
