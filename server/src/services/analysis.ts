/**
 * Runs the rules over one document: task files (by name or language) and `batch/v1` Job
 * documents in any YAML. Applies suppression comments and severity settings. Pure.
 */
import { isTaskFileName, type Span } from '../core/taskModel';
import { parseTaskFile } from '../core/taskParser';
import { isJobDocument, nodeAt, parseYamlDocuments, scalarText, type YamlDocuments } from '../core/yamlDocuments';
import { ALL_RULES } from '../rules';
import type { Finding, JobTarget, RuleContext, Severity, TaskTarget } from '../rules/ruleTypes';
import { isMap, isSeq } from 'yaml';

export type SeverityOverride = Severity | 'off';

export interface AnalysisOptions {
  /** Per-code severity overrides (`keruta.diagnostics.severity`). */
  readonly severities?: Readonly<Record<string, SeverityOverride>>;
  /**
   * Findings of YAML documents by their text, reused while a document is unchanged: editing one
   * Job of a large multi-document file re-checks only that Job. The owner clears it when the
   * settings (or anything else the rules read) change.
   */
  readonly documentCache?: DocumentCache;
}

/** A bounded map from a YAML document's text to its findings (spans relative to that text). */
export class DocumentCache {
  private readonly entries = new Map<string, readonly Finding[]>();
  constructor(private readonly limit = 2000) {}

  get(text: string): readonly Finding[] | undefined {
    const found = this.entries.get(text);
    if (found) {
      // Most recently used last.
      this.entries.delete(text);
      this.entries.set(text, found);
    }
    return found;
  }

  set(text: string, findings: readonly Finding[]): void {
    this.entries.set(text, findings);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Splits a YAML text at document markers (`---` at the start of a line; YAML forbids them inside
 * scalars), so each part can be parsed on its own. The marker line belongs to the part it opens.
 */
export function splitYamlDocuments(text: string): { start: number; text: string }[] {
  const parts: { start: number; text: string }[] = [];
  const marker = /^---(?=[ \t\r\n]|$)/gm;
  let start = 0;
  for (let match = marker.exec(text); match; match = marker.exec(text)) {
    if (match.index > start) parts.push({ start, text: text.slice(start, match.index) });
    start = match.index;
  }
  parts.push({ start, text: text.slice(start) });
  return parts;
}

function shift(finding: Finding, offset: number): Finding {
  if (offset === 0) return finding;
  return {
    ...finding,
    span: [finding.span[0] + offset, finding.span[1] + offset],
    ...(finding.related
      ? { related: finding.related.map((related) => (related.text === undefined ? { ...related, span: [related.span[0] + offset, related.span[1] + offset] as const } : related)) }
      : {}),
  };
}

export type DocumentKind = 'task' | 'yaml' | 'other';

export function documentKind(uri: string, languageId: string | undefined): DocumentKind {
  if (languageId === 'keruta-task' || isTaskFileName(uri)) return 'task';
  if (languageId === 'yaml' || /\.ya?ml$/i.test(uri)) return 'yaml';
  return 'other';
}

/** Whether a Job document is keruta's: its managed-by label, or any KERUTA_TASK_* variable. */
function isKerutaJob(target: Omit<JobTarget, 'keruta'>): boolean {
  const { doc } = target;
  if (scalarText(nodeAt(doc, ['metadata', 'labels', 'app.kubernetes.io/managed-by'])) === 'keruta') return true;
  const containers = nodeAt(doc, ['spec', 'template', 'spec', 'containers']);
  if (!isSeq(containers)) return false;
  return containers.items.some((container) => {
    const env = isMap(container) ? nodeAt(doc, ['env'], container) : undefined;
    return isSeq(env) && env.items.some((entry) => (scalarText(nodeAt(doc, ['name'], entry)) ?? '').startsWith('KERUTA_'));
  });
}

export interface Analysis {
  readonly findings: readonly Finding[];
  readonly yaml: YamlDocuments;
}

export function analyze(kind: DocumentKind, context: RuleContext, options: AnalysisOptions = {}): Analysis {
  // With a document cache, YAML files are parsed part by part below; the whole only on demand.
  let parsed: YamlDocuments | undefined = kind === 'yaml' && options.documentCache ? undefined : parseYamlDocuments(context.text);
  const whole = (): YamlDocuments => (parsed ??= parseYamlDocuments(context.text));
  const findings: Finding[] = [];
  if (kind === 'task') {
    const yaml = whole();
    const file = parseTaskFile(context.text, { documents: yaml.documents });
    findings.push(...file.problems.map((problem) => ({ code: problem.code, severity: problem.severity, message: problem.message, span: problem.span })));
    for (const task of file.tasks) {
      const doc = yaml.documents[task.documentIndex];
      if (!doc) continue;
      const target: TaskTarget = { kind: 'task', file, task, doc };
      for (const rule of ALL_RULES) if (rule.checkTask) findings.push(...safely(rule.code, () => rule.checkTask!(target, context)));
    }
  } else if (kind === 'yaml') {
    const cache = options.documentCache;
    if (cache) {
      for (const part of splitYamlDocuments(context.text)) {
        let partFindings = cache.get(part.text);
        if (!partFindings) {
          partFindings = jobFindings(parseYamlDocuments(part.text), { ...context, text: part.text });
          cache.set(part.text, partFindings);
        }
        findings.push(...partFindings.map((finding) => shift(finding, part.start)));
      }
    } else {
      findings.push(...jobFindings(whole(), context));
    }
  }
  return {
    findings: applySettings(suppress(findings, context.text), options),
    get yaml() {
      return whole();
    },
  };
}

function jobFindings(yaml: YamlDocuments, context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  yaml.documents.forEach((doc, documentIndex) => {
    if (!isJobDocument(doc)) return;
    const base = { kind: 'job' as const, doc, documentIndex };
    const target: JobTarget = { ...base, keruta: isKerutaJob(base) };
    for (const rule of ALL_RULES) if (rule.checkJob) findings.push(...safely(rule.code, () => rule.checkJob!(target, context)));
  });
  return findings;
}

/** A rule's bug must not take the others down: it becomes one finding at the top of the file. */
function safely(code: string, check: () => readonly Finding[]): readonly Finding[] {
  try {
    return check();
  } catch (error) {
    return [{ code: 'internal-error', severity: 'warning', message: `keruta rule ${code} failed: ${String(error)}`, span: [0, 0] }];
  }
}

const SUPPRESS = /#\s*keruta-ignore:\s*([\w\s,-]+)/;

function codesOnLine(text: string, lineStart: number): Set<string> {
  const end = text.indexOf('\n', lineStart);
  const line = text.slice(lineStart, end === -1 ? text.length : end);
  const match = SUPPRESS.exec(line);
  return new Set(match ? match[1]!.split(/[\s,]+/).filter((code) => code !== '') : []);
}

/** `# keruta-ignore: CODE[, CODE…]` on the finding's line or on the line above. */
export function suppress(findings: readonly Finding[], text: string): Finding[] {
  return findings.filter((finding) => {
    const lineStart = text.lastIndexOf('\n', Math.max(0, finding.span[0] - 1)) + 1;
    const previousStart = lineStart === 0 ? -1 : text.lastIndexOf('\n', lineStart - 2) + 1;
    const suppressed = (start: number): boolean => start >= 0 && codesOnLine(text, start).has(finding.code);
    return !suppressed(lineStart) && !suppressed(previousStart);
  });
}

function applySettings(findings: readonly Finding[], options: AnalysisOptions): Finding[] {
  const overrides = options.severities ?? {};
  const out: Finding[] = [];
  for (const finding of findings) {
    const override = overrides[finding.code];
    if (override === 'off') continue;
    out.push(override ? { ...finding, severity: override } : finding);
  }
  return out;
}

/** Whether a span lies inside the text (every diagnostic must). */
export function spanInside(span: Span, text: string): boolean {
  return span[0] >= 0 && span[0] <= span[1] && span[1] <= text.length;
}
