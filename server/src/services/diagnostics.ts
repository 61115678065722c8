/**
 * Publishes diagnostics for task files. The language server issue adds rules; this service only
 * turns what the core reports (parse problems, render problems) into LSP diagnostics.
 */
import { type Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from '../core/positions';
import { parseTaskFile } from '../core/taskParser';
import type { ProblemSeverity } from '../core/taskModel';

export const DIAGNOSTIC_SOURCE = 'keruta';

const SEVERITY: Record<ProblemSeverity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

export function taskFileDiagnostics(document: TextDocument): Diagnostic[] {
  const text = document.getText();
  const lines = new LineIndex(text);
  const parsed = parseTaskFile(text);
  return parsed.problems.map((problem) => ({
    range: lines.rangeOf(problem.span),
    severity: SEVERITY[problem.severity],
    code: problem.code,
    source: DIAGNOSTIC_SOURCE,
    message: problem.message,
  }));
}
