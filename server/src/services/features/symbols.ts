/**
 * Document symbols (outline, breadcrumbs, Go to Symbol): in task files one symbol per task with
 * its `job` keys as children; in YAML one symbol per `batch/v1` Job with its containers.
 */
import * as l10n from '@vscode/l10n';
import { type DocumentSymbol, SymbolKind } from 'vscode-languageserver';
import type { Document } from 'yaml';
import { LineIndex } from '../../core/positions';
import type { ParsedTask, Span } from '../../core/taskModel';
import { parseTaskFile } from '../../core/taskParser';
import { isJobDocument, itemsOf, nodeAt, parseYamlDocuments, scalarText, spanOf } from '../../core/yamlDocuments';
import type { FeatureDocument } from './types';
import { isDocumentSeparator, lineStarts, scanLines, splitLines, unquote } from './yamlOutline';

export function documentSymbols(document: FeatureDocument): DocumentSymbol[] {
  if (document.kind === 'task') return taskSymbols(document.text);
  if (document.kind === 'yaml') return jobSymbols(document.text);
  return [];
}

function clamp(span: Span, length: number): Span {
  const start = Math.max(0, Math.min(span[0], length));
  return [start, Math.max(start, Math.min(span[1], length))];
}

function inside(inner: Span, outer: Span): Span {
  const start = Math.min(Math.max(inner[0], outer[0]), outer[1]);
  return [start, Math.min(Math.max(inner[1], start), outer[1])];
}

function symbol(lines: LineIndex, name: string, detail: string, kind: SymbolKind, span: Span, selection: Span, children?: DocumentSymbol[]): DocumentSymbol {
  return {
    name: name.trim() === '' ? '—' : name,
    detail,
    kind,
    range: lines.rangeOf(span),
    selectionRange: lines.rangeOf(inside(selection, span)),
    ...(children && children.length > 0 ? { children } : {}),
  };
}

function documentSpan(doc: Document.Parsed, length: number): Span {
  return clamp([doc.range[0], doc.range[2]], length);
}

export function taskDetail(id: string, status: string, priority: number | string): string {
  return l10n.t('{0} · {1} · priority {2}', id === '' ? '—' : id, status, priority);
}

function taskSymbols(text: string): DocumentSymbol[] {
  const yaml = parseYamlDocuments(text);
  const file = parseTaskFile(text, { documents: yaml.documents });
  const byDocument = new Map<number, ParsedTask>(file.tasks.map((task) => [task.documentIndex, task]));
  const lines = new LineIndex(text);
  const out: DocumentSymbol[] = [];
  yaml.documents.forEach((doc, index) => {
    const parsed = byDocument.get(index);
    if (parsed) out.push(parsedTaskSymbol(parsed, lines, text));
    else if (doc.errors.length > 0) {
      out.push(...brokenTaskSymbols(text, documentSpan(doc, text.length), lines));
    }
  });
  return out;
}

/** A short text for a value: scalars as they are, lists of scalars joined, mappings left out. */
function summary(value: unknown): string {
  let text = '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) text = value.join(' ');
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function parsedTaskSymbol(parsed: ParsedTask, lines: LineIndex, text: string): DocumentSymbol {
  const { task, locations } = parsed;
  const span = clamp(locations.documentSpan, text.length);
  const id = locations.fields.get('id');
  const title = locations.fields.get('title');
  const selection = id?.valueSpan ?? title?.valueSpan ?? locations.mappingSpan ?? span;
  const children: DocumentSymbol[] = [];
  for (const [key, located] of locations.jobFields) {
    const detail = summary(located.value);
    children.push(symbol(lines, key, detail, SymbolKind.Field, inside([located.keySpan[0], located.valueSpan[1]], span), located.keySpan));
  }
  return symbol(lines, task.title.trim() || task.id || l10n.t('(untitled task)'), taskDetail(task.id, task.status, task.priority), SymbolKind.Object, span, selection, children);
}

/**
 * A YAML document with a syntax error: the tasks in it (split at `---` lines, which an unclosed
 * quote may have swallowed) with their id and title read line by line.
 */
function brokenTaskSymbols(text: string, span: Span, lines: LineIndex): DocumentSymbol[] {
  const textLines = splitLines(text);
  const starts = lineStarts(text);
  const offsetOf = (line: number, character = 0): number => Math.min((starts[line] ?? text.length) + character, text.length);
  const first = lines.positionAt(span[0]).line;
  const last = Math.min(lines.positionAt(span[1]).line, textLines.length - 1);
  const out: DocumentSymbol[] = [];
  let chunkStart = first;
  for (let line = first; line <= last + 1; line++) {
    if (line <= last && !isDocumentSeparator(textLines[line] ?? '')) continue;
    const symbol = chunkSymbol(textLines, chunkStart, line, [Math.max(span[0], offsetOf(chunkStart)), Math.min(span[1], offsetOf(line))], offsetOf, lines);
    if (symbol) out.push(symbol);
    chunkStart = line + 1;
  }
  return out;
}

function chunkSymbol(
  textLines: readonly string[],
  start: number,
  end: number,
  span: Span,
  offsetOf: (line: number, character?: number) => number,
  lines: LineIndex,
): DocumentSymbol | undefined {
  const values = new Map<string, { text: string; line: number; start: number; end: number }>();
  for (const record of scanLines(textLines, start, end)) {
    const { key, value } = record.shape;
    if (record.blockText || !key || !value || record.parent.length !== 0 || record.shape.items.length > 0 || values.has(key.name)) continue;
    values.set(key.name, { text: unquote(value.text), line: record.line, start: value.span.start, end: value.span.end });
  }
  const id = values.get('id');
  const title = values.get('title');
  const anchor = id ?? title;
  if (!anchor || span[1] <= span[0]) return undefined;
  const selection: Span = [offsetOf(anchor.line, anchor.start), offsetOf(anchor.line, anchor.end)];
  const detail = taskDetail(id?.text ?? '', values.get('status')?.text ?? 'PENDING', values.get('priority')?.text ?? 0);
  return symbol(lines, title?.text || id?.text || l10n.t('(untitled task)'), detail, SymbolKind.Object, span, selection);
}

function jobSymbols(text: string): DocumentSymbol[] {
  const yaml = parseYamlDocuments(text);
  const lines = new LineIndex(text);
  const out: DocumentSymbol[] = [];
  for (const doc of yaml.documents) {
    if (!isJobDocument(doc)) continue;
    const span = documentSpan(doc, text.length);
    const nameNode = nodeAt(doc, ['metadata', 'name']);
    const generateNameNode = nodeAt(doc, ['metadata', 'generateName']);
    const name = scalarText(nameNode) ?? scalarText(generateNameNode) ?? 'Job';
    const namespace = scalarText(nodeAt(doc, ['metadata', 'namespace']));
    const selection = spanOf(scalarText(nameNode) !== undefined ? nameNode : generateNameNode) ?? spanOf(nodeAt(doc, ['kind'])) ?? span;
    const children: DocumentSymbol[] = [];
    for (const list of ['initContainers', 'containers'] as const) {
      itemsOf(doc, nodeAt(doc, ['spec', 'template', 'spec', list])).forEach((container, index) => {
        const containerSpan = spanOf(container);
        if (!containerSpan) return;
        const containerName = nodeAt(doc, ['name'], container);
        const image = scalarText(nodeAt(doc, ['image'], container)) ?? '';
        const label = scalarText(containerName) ?? `${list}[${index}]`;
        const detail = list === 'initContainers' ? l10n.t('{0} (init container)', image) : image;
        children.push(symbol(lines, label, detail, SymbolKind.Module, inside(containerSpan, span), spanOf(containerName) ?? containerSpan));
      });
    }
    out.push(symbol(lines, name, namespace ? l10n.t('Job in {0}', namespace) : 'Job', SymbolKind.Object, span, selection, children));
  }
  return out;
}
