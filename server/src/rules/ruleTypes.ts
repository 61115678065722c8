/**
 * The contract of a rule: one module per rule, each with a stable string code. Rules are pure:
 * they read the parsed document and the settings and return findings; quick fixes are text edits.
 * Nothing here knows LSP connections or `vscode`.
 */
import type { Document } from 'yaml';
import type { ParsedTask, ParsedTaskFile, Span } from '../core/taskModel';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface RelatedLocation {
  readonly uri: string;
  readonly span: Span;
  /** The text of the other document (to turn the span into a range); absent: this document. */
  readonly text?: string;
  readonly message: string;
}

/** Data a quick fix needs, carried on the diagnostic (`Diagnostic.data`). */
export type FindingData = Readonly<Record<string, string | number | boolean | readonly string[]>>;

export interface Finding {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly data?: FindingData;
  readonly related?: readonly RelatedLocation[];
  /** Rendered with strike-through or fading (LSP DiagnosticTag). */
  readonly tags?: readonly ('unnecessary' | 'deprecated')[];
}

export interface TextEditSpec {
  readonly span: Span;
  readonly newText: string;
}

export interface QuickFix {
  readonly title: string;
  readonly edits: readonly TextEditSpec[];
  readonly preferred?: boolean;
}

/** Which env-name rule the cluster applies (see the language settings). */
export type EnvNameRule = 'relaxed' | 'classic' | 'unknown';

/** Normalized settings the rules read. */
export interface RuleSettings {
  readonly envNameRule: EnvNameRule;
  /** Seconds keruta may need after a Job finishes to collect `/.keruta/doc`. */
  readonly collectWindowSeconds: number;
  readonly descriptionBudgetBytes: number;
  /** The default image tasks without `job.image` use ('' when none). */
  readonly defaultImage: string;
  /** `keruta.job.ttlSecondsAfterFinished` (null: never deleted). */
  readonly defaultTtlSeconds: number | null;
}

export const DEFAULT_RULE_SETTINGS: RuleSettings = {
  envNameRule: 'unknown',
  collectWindowSeconds: 300,
  descriptionBudgetBytes: 16384,
  defaultImage: '',
  defaultTtlSeconds: 3600,
};

/** Where tasks are in the workspace, for rules that look across files (duplicate ids). */
export interface WorkspaceTasks {
  /** Every task with this id, in every task file of the workspace except `exceptUri`. */
  tasksWithId(id: string, exceptUri: string): readonly { uri: string; span: Span; text: string }[];
}

export const EMPTY_WORKSPACE: WorkspaceTasks = { tasksWithId: () => [] };

/** Errors from the official `batch/v1` Job schema, by JSON pointer. */
export interface SchemaError {
  readonly pointer: string;
  readonly keyword: string;
  readonly message: string;
  readonly params: Readonly<Record<string, unknown>>;
}
export type JobSchemaValidator = (job: unknown) => readonly SchemaError[];

export interface RuleContext {
  readonly uri: string;
  readonly text: string;
  readonly settings: RuleSettings;
  readonly workspace: WorkspaceTasks;
  /** Absent until the schema validators are loaded. */
  readonly validateJobSchema?: JobSchemaValidator;
}

/** A task document of a task file. */
export interface TaskTarget {
  readonly kind: 'task';
  readonly file: ParsedTaskFile;
  readonly task: ParsedTask;
  readonly doc: Document.Parsed;
}

/** A `batch/v1` Job document of a YAML file. */
export interface JobTarget {
  readonly kind: 'job';
  readonly doc: Document.Parsed;
  readonly documentIndex: number;
  /** Whether the Job looks keruta's (managed-by label, or any KERUTA_TASK_* variable). */
  readonly keruta: boolean;
}

export interface FixContext {
  readonly uri: string;
  readonly text: string;
  readonly settings: RuleSettings;
  /** The current time, ISO 8601 (injected for tests). */
  readonly now: string;
}

export interface Rule {
  /** Stable string code, e.g. `job-restart-policy`. */
  readonly code: string;
  /** One line: what the rule reports (README and hover on the code). */
  readonly description: string;
  /** What the quick fix does, when there is one (README). */
  readonly fix?: string;
  readonly checkTask?: (target: TaskTarget, context: RuleContext) => readonly Finding[];
  readonly checkJob?: (target: JobTarget, context: RuleContext) => readonly Finding[];
  /** Quick fixes for one of this rule's findings (`data` as the rule set it). */
  readonly fixes?: (finding: { readonly span: Span; readonly data?: FindingData }, context: FixContext) => readonly QuickFix[];
}

/** The README section that documents every rule (the anchor of its table). */
export const RULES_ANCHOR = 'diagnostics';

/**
 * Link to a rule's documentation: the README's rule table, under `base` (the client passes the
 * README shipped with the extension).
 */
export function docsUrl(code: string, base: string): string {
  return `${base}#rule-${code}`;
}
