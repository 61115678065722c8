/** Conversions between the core's spans/findings and LSP types. */
import { type Diagnostic, DiagnosticSeverity, DiagnosticTag, type Range } from 'vscode-languageserver';
import { LineIndex } from '../core/positions';
import type { Span } from '../core/taskModel';
import { docsUrl, type Finding, type Severity } from '../rules/ruleTypes';

export const DIAGNOSTIC_SOURCE = 'keruta';

export const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function rangeOf(text: string, span: Span, lines: LineIndex = new LineIndex(text)): Range {
  return lines.rangeOf(span);
}

export function toDiagnostic(finding: Finding, text: string, lines: LineIndex, docsBase?: string): Diagnostic {
  const related = finding.related?.map((location) => ({
    location: { uri: location.uri, range: rangeOf(location.text ?? text, location.span, location.text ? new LineIndex(location.text) : lines) },
    message: location.message,
  }));
  const tags = finding.tags?.map((tag) => (tag === 'unnecessary' ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated));
  return {
    range: lines.rangeOf(finding.span),
    severity: LSP_SEVERITY[finding.severity],
    code: finding.code,
    // Only an absolute URI is a valid href: without a docs base (other LSP clients) there is none.
    ...(docsBase ? { codeDescription: { href: docsUrl(finding.code, docsBase) } } : {}),
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
    ...(finding.data ? { data: finding.data } : {}),
    ...(related && related.length > 0 ? { relatedInformation: related } : {}),
    ...(tags && tags.length > 0 ? { tags } : {}),
  };
}

/** Offset of an LSP position in the text. */
export function offsetAt(text: string, position: { line: number; character: number }): number {
  let line = 0;
  let offset = 0;
  while (line < position.line) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return text.length;
    offset = next + 1;
    line++;
  }
  const end = text.indexOf('\n', offset);
  const lineEnd = end === -1 ? text.length : end;
  return Math.min(offset + position.character, lineEnd);
}
