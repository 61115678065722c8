/**
 * Writing YAML text by hand without breaking it: quoting that YAML 1.1 and 1.2 readers agree on,
 * line breaks, inserting keys. Shared by the quick fixes and the task write-back. Pure.
 */
import { type Document, isScalar, type Node, parseDocument } from 'yaml';
import type { ParsedTaskFile, Span } from './taskModel';
import { parseTaskFile } from './taskParser';
import { lineStartAt, parseYamlDocuments } from './yamlDocuments';

const YAML11_SPECIAL = /^(y|n|yes|no|on|off|true|false|null|~)$/i;
const NUMBER_LIKE = /^[-+]?(\.?\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?$|^[-+]?\d+(:[0-5]?\d)+(\.\d*)?$|^0[xob]/i;

export interface ParsedText {
  readonly file: ParsedTaskFile;
  readonly documents: readonly Document.Parsed[];
}

/** Whether `value` can be written as a plain scalar and is read back as the same string by YAML 1.1 and 1.2. */
export function isPlainSafe(value: string): boolean {
  if (value === '' || value.trim() !== value || /[\n\r\t]/.test(value)) return false;
  if (YAML11_SPECIAL.test(value) || NUMBER_LIKE.test(value) || /^\d{4}-\d\d-\d\d/.test(value)) return false;
  const doc = parseDocument(value);
  return doc.errors.length === 0 && isScalar(doc.contents) && doc.contents.type === 'PLAIN' && doc.contents.value === value;
}

/** A string as a YAML scalar: plain when safe, else double-quoted. */
export function yamlScalar(value: string): string {
  return isPlainSafe(value) ? value : JSON.stringify(value);
}

/** A string as a YAML scalar in the quoting style of `original` (the scalar it replaces). */
export function yamlScalarLike(value: string, original: string): string {
  if (original.startsWith('"')) return JSON.stringify(value);
  if (original.startsWith("'") && !/[\n\r]/.test(value)) return `'${value.replace(/'/g, "''")}'`;
  return yamlScalar(value);
}

/** Parses a task file's text the way the analysis does (for fixes, which get only text). */
export function parseTasks(text: string): ParsedText {
  const yaml = parseYamlDocuments(text);
  return { file: parseTaskFile(text, { documents: yaml.documents }), documents: yaml.documents };
}

/** The line break the text uses (`\r\n` when its first line ends so). */
export function lineBreakOf(text: string): string {
  const first = text.indexOf('\n');
  return first > 0 && text[first - 1] === '\r' ? '\r\n' : '\n';
}

/** The end of a node's content: its range end, trailing white space and line breaks excluded. */
export function contentEnd(text: string, node: Node): number {
  const range = node.range!;
  let end = range[1];
  while (end > range[0] && /\s/.test(text[end - 1]!)) end--;
  return end;
}

/** An edit that makes `entry` (`key: value`) the first entry of the task's mapping. */
export function insertFirstEntry(text: string, mappingStart: number, entry: string): { span: Span; newText: string } {
  if (text[mappingStart] === '{') {
    let at = mappingStart + 1;
    while (text[at] === ' ') at++;
    const empty = text[at] === '}';
    return { span: [at, at], newText: empty ? entry : `${entry}, ` };
  }
  const lineStart = lineStartAt(text, mappingStart);
  const before = text.slice(lineStart, mappingStart);
  const indent = /^[ \t]*$/.test(before) ? before : ' '.repeat(before.length);
  return { span: [mappingStart, mappingStart], newText: `${entry}${lineBreakOf(text)}${indent}` };
}
