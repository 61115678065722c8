/**
 * The `keruta/renderJob` request: the Job a task becomes, as YAML, with everything wrong with it —
 * the task's own findings, the renderer's problems, and the findings on the rendered Job — so that
 * the client can show the YAML and refuse to run when there are errors. Never throws.
 */
import * as l10n from '@vscode/l10n';
import { DEFAULT_RENDER_OPTIONS, jobToYaml, type RenderOptions, type RenderProblem, renderJob } from '../../core/jobRenderer';
import { LineIndex } from '../../core/positions';
import type { ParsedTask, Span } from '../../core/taskModel';
import { parseTaskFile } from '../../core/taskParser';
import type { RenderJobDiagnostic, RenderJobParams, RenderJobResult } from '../../protocol';
import type { Finding, RuleContext } from '../../rules/ruleTypes';
import { analyze } from '../analysis';
import type { NormalizedSettings } from '../serverSettings';
import type { FeatureDocument } from './types';

/** The rule that reports the same cause as each render problem. */
const SAME_CAUSE: Readonly<Record<RenderProblem['code'], string>> = {
  'render-missing-image': 'image-missing',
  'render-missing-id': 'task-missing-id',
  'render-description-truncated': 'task-description-over-budget',
  'render-task-too-large': 'task-too-large',
};

export const NOT_FOUND: RenderJobResult = { found: false, yaml: '', namespace: '', diagnostics: [], errors: 0 };

export function renderTaskJob(params: RenderJobParams, document: FeatureDocument, context: RuleContext, settings: NormalizedSettings): RenderJobResult {
  let found = false;
  try {
    if (!params || typeof params.taskId !== 'string' || typeof document.text !== 'string') return NOT_FOUND;
    const text = document.text;
    const severities = settings?.severities ?? {};
    const analysis = analyze('task', { ...context, text }, { severities });
    const parsed = parseTaskFile(text, { documents: analysis.yaml.documents }).tasks.find((candidate) => candidate.task.id === params.taskId);
    if (!parsed) return NOT_FOUND;
    found = true;

    const taskLines = new LineIndex(text);
    const [start, end] = parsed.locations.documentSpan;
    const diagnostics: RenderJobDiagnostic[] = analysis.findings
      .filter((finding) => finding.span[0] >= start && finding.span[0] < end && finding.span[1] <= end)
      .map((finding) => fromFinding(finding, 'task', taskLines));

    const task = typeof params.startedAt === 'string' && params.startedAt !== '' ? { ...parsed.task, status: 'IN_PROGRESS' as const, updatedAt: params.startedAt } : parsed.task;
    const rendered = renderJob(task, renderOptions(params.options));
    const reported = new Set(diagnostics.map((diagnostic) => diagnostic.code));
    for (const problem of rendered.problems) {
      // The renderer and a rule can see the same cause; the rule's finding points at the text.
      if (reported.has(SAME_CAUSE[problem.code])) continue;
      diagnostics.push({ code: problem.code, severity: problem.severity, message: problem.message, source: 'task', line: taskLines.positionAt(problemSpan(problem, parsed)[0]).line });
    }

    const yaml = jobToYaml(rendered.job);
    const jobLines = new LineIndex(yaml);
    const jobDiagnostics = analyze('yaml', { ...context, text: yaml }, { severities }).findings.map((finding) => fromFinding(finding, 'job', jobLines));
    diagnostics.push(...withoutRepeats(diagnostics, jobDiagnostics));

    return { found: true, yaml, namespace: rendered.namespace, diagnostics, errors: diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length };
  } catch (error) {
    if (!found) return NOT_FOUND;
    const diagnostic: RenderJobDiagnostic = {
      code: 'internal-error',
      severity: 'error',
      message: l10n.t('The Job could not be rendered: {0}', String(error)),
      source: 'task',
      line: 0,
    };
    return { found: true, yaml: '', namespace: '', diagnostics: [diagnostic], errors: 1 };
  }
}

/**
 * The rendered Job's findings that the task's findings do not already tell: a rule that checks
 * both a task's `job` section and Job documents reports the same cause twice, and the task's
 * finding is the one that points at what the user wrote.
 */
export function withoutRepeats(task: readonly RenderJobDiagnostic[], job: readonly RenderJobDiagnostic[]): RenderJobDiagnostic[] {
  const codes = new Set(task.map((diagnostic) => diagnostic.code));
  return job.filter((diagnostic) => !codes.has(diagnostic.code));
}

function fromFinding(finding: Finding, source: 'task' | 'job', lines: LineIndex): RenderJobDiagnostic {
  return { code: finding.code, severity: finding.severity, message: finding.message, source, line: lines.positionAt(finding.span[0]).line };
}

/** Where in the task a render problem belongs: the key it is about, else the task's first line. */
function problemSpan(problem: RenderProblem, parsed: ParsedTask): Span {
  const { fields } = parsed.locations;
  const first = parsed.locations.mappingSpan ?? parsed.locations.documentSpan;
  const keyOf = (key: string): Span | undefined => fields.get(key)?.keySpan;
  switch (problem.code) {
    case 'render-missing-image':
      return parsed.locations.jobFields.get('image')?.valueSpan ?? keyOf('job') ?? first;
    case 'render-missing-id':
      return keyOf('id') ?? first;
    case 'render-description-truncated':
    case 'render-task-too-large':
      return keyOf('description') ?? first;
  }
}

/** The client's options, with what the renderer cannot do without filled in from the defaults. */
function renderOptions(raw: unknown): RenderOptions {
  const options = raw && typeof raw === 'object' ? (raw as Partial<RenderOptions>) : {};
  const whole = (value: unknown, min: number): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
  const collector: unknown = options.collector;
  return {
    ...options,
    defaultNamespace: typeof options.defaultNamespace === 'string' && options.defaultNamespace !== '' ? options.defaultNamespace : DEFAULT_RENDER_OPTIONS.defaultNamespace,
    backoffLimit: whole(options.backoffLimit, 0) ? options.backoffLimit : DEFAULT_RENDER_OPTIONS.backoffLimit,
    descriptionBudgetBytes: whole(options.descriptionBudgetBytes, 1) ? options.descriptionBudgetBytes : DEFAULT_RENDER_OPTIONS.descriptionBudgetBytes,
    collector: { ...DEFAULT_RENDER_OPTIONS.collector, ...(collector && typeof collector === 'object' ? collector : {}) },
  };
}
