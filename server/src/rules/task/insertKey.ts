/** Inserting a key into a task's top-level mapping, keeping its indentation, style and comments. */
import { insertFirstEntry } from '../../core/yamlText';
import { type Document, isMap, isPair, isScalar } from 'yaml';
import type { ParsedTask, Span } from '../../core/taskModel';
import { lineStartAt, resolveNode } from '../../core/yamlDocuments';
import type { TextEditSpec } from '../ruleTypes';
import { lineBreakOf } from './shared';


/**
 * An edit that puts `entry` right after the task's `id` line when `id` is the first key of a
 * block mapping and fits on one line; otherwise as the first entry.
 */
export function insertAfterId(text: string, task: ParsedTask, doc: Document.Parsed, entry: string): TextEditSpec | undefined {
  const mappingSpan: Span | undefined = task.locations.mappingSpan;
  if (!mappingSpan) return undefined;
  const root = resolveNode(doc, doc.contents);
  const first = isMap(root) ? root.items[0] : undefined;
  const value = isPair(first) ? (first.value as { range?: [number, number, number] } | null) : undefined;
  const block = text[mappingSpan[0]] !== '{';
  if (block && isPair(first) && isScalar(first.key) && first.key.value === 'id' && isScalar(value) && value.range) {
    const valueEnd = value.range[1];
    const lineEnd = text.indexOf('\n', mappingSpan[0]);
    const idLineEnd = lineEnd === -1 ? text.length : lineEnd - (text[lineEnd - 1] === '\r' ? 1 : 0);
    if (valueEnd <= idLineEnd) {
      const lineStart = lineStartAt(text, mappingSpan[0]);
      const before = text.slice(lineStart, mappingSpan[0]);
      const indent = /^[ \t]*$/.test(before) ? before : ' '.repeat(before.length);
      return { span: [idLineEnd, idLineEnd], newText: `${lineBreakOf(text)}${indent}${entry}` };
    }
  }
  return insertFirstEntry(text, mappingSpan[0], entry);
}

export { insertFirstEntry };
