/**
 * Shared by the client and the language server (imported by relative path, inlined by esbuild):
 * the settings shape, setting keys, and custom requests.
 */
import type { CollectorMode } from './core/collectorPod';
import type { RenderOptions } from './core/jobRenderer';

export type CollectorModeSetting = CollectorMode | 'auto';

/** Normalized settings: what the rest of the code reads, never raw configuration. */
export interface KerutaSettings {
  readonly kubernetes: {
    readonly enabled: boolean;
    readonly configPath: string;
    readonly inCluster: boolean;
    readonly defaultNamespace: string;
    readonly context: string;
  };
  readonly job: {
    readonly defaultImage: string;
    readonly ttlSecondsAfterFinished: number | null;
    readonly backoffLimit: number;
    readonly activeDeadlineSeconds: number | null;
    readonly descriptionBudgetBytes: number;
  };
  readonly collector: {
    readonly enabled: boolean;
    readonly image: string;
    readonly mode: CollectorModeSetting;
    readonly windowSeconds: number;
    readonly maxBytes: number;
    readonly maxFiles: number;
    readonly outputFolder: string;
    readonly openAfterCollect: boolean;
    readonly collectOnFailure: boolean;
  };
}

/** Every setting key, in one place. */
export const SettingKeys = {
  kubernetesEnabled: 'keruta.kubernetes.enabled',
  kubernetesConfigPath: 'keruta.kubernetes.configPath',
  kubernetesInCluster: 'keruta.kubernetes.inCluster',
  kubernetesDefaultNamespace: 'keruta.kubernetes.defaultNamespace',
  kubernetesContext: 'keruta.kubernetes.context',
  jobDefaultImage: 'keruta.job.defaultImage',
  jobTtlSecondsAfterFinished: 'keruta.job.ttlSecondsAfterFinished',
  jobBackoffLimit: 'keruta.job.backoffLimit',
  jobActiveDeadlineSeconds: 'keruta.job.activeDeadlineSeconds',
  jobDescriptionBudgetBytes: 'keruta.job.descriptionBudgetBytes',
  collectorEnabled: 'keruta.collector.enabled',
  collectorImage: 'keruta.collector.image',
  collectorMode: 'keruta.collector.mode',
  collectorWindowSeconds: 'keruta.collector.windowSeconds',
  collectorMaxBytes: 'keruta.collector.maxBytes',
  collectorMaxFiles: 'keruta.collector.maxFiles',
  collectorOutputFolder: 'keruta.collector.outputFolder',
  collectorOpenAfterCollect: 'keruta.collector.openAfterCollect',
  collectorCollectOnFailure: 'keruta.collector.collectOnFailure',
  traceServer: 'keruta.trace.server',
  diagnosticsSeverity: 'keruta.diagnostics.severity',
  diagnosticsEnvNameRule: 'keruta.diagnostics.envNameRule',
  /** Client-only: delete the Job once its files are collected. */
  collectorDeleteJobAfterCollect: 'keruta.collector.deleteJobAfterCollect',
  /** Client-only: at most this many collected files open in tabs. */
  collectorMaxTabs: 'keruta.collector.maxTabs',
  /** Client-only: open collected Markdown as a preview. */
  collectorMarkdownPreview: 'keruta.collector.markdownPreview',
  /** Client-only: how long a crash loop may last before the run fails. */
  runsCrashLoopFailSeconds: 'keruta.runs.crashLoopFailSeconds',
  /** Client-only: a notification when a run finishes. */
  runsNotifyOnFinish: 'keruta.runs.notifyOnFinish',
} as const;
export type SettingKey = (typeof SettingKeys)[keyof typeof SettingKeys];

/** Settings whose workspace values could run programs or read files chosen by the workspace. */
export const RESTRICTED_SETTINGS: readonly SettingKey[] = [SettingKeys.kubernetesConfigPath];

/** The `application.properties` key that supplies a setting's default, as in the seed. */
export const PROPERTIES_KEYS: Partial<Record<SettingKey, string>> = {
  [SettingKeys.kubernetesEnabled]: 'keruta.kubernetes.enabled',
  [SettingKeys.kubernetesConfigPath]: 'keruta.kubernetes.config-path',
  [SettingKeys.kubernetesInCluster]: 'keruta.kubernetes.in-cluster',
  [SettingKeys.kubernetesDefaultNamespace]: 'keruta.kubernetes.default-namespace',
  [SettingKeys.kubernetesContext]: 'keruta.kubernetes.context',
  [SettingKeys.jobDefaultImage]: 'keruta.kubernetes.default-image',
};

/** Name of the file, at a workspace folder's root, whose properties supply defaults. */
export const APPLICATION_PROPERTIES_FILE = 'application.properties';

/** What the client passes to the server in `initializationOptions`. */
export interface InitializationOptions {
  /** The client's l10n bundle for the UI language (`vscode.l10n.uri`), if any. */
  readonly l10nBundlePath?: string;
  /** Base of the rules' documentation links (the README shipped with the extension). */
  readonly docsBaseUrl?: string;
}

/** Severity override of one diagnostic code (`keruta.diagnostics.severity`). */
export type SeveritySetting = 'error' | 'warning' | 'information' | 'hint' | 'off';

/** Which env-name rule diagnostics apply: `auto` follows the cluster version the client reports. */
export type EnvNameRuleSetting = 'auto' | 'relaxed' | 'classic';

/** What the server pulls per resource with `workspace/configuration` (section `keruta`). */
export interface ServerSettings extends KerutaSettings {
  readonly diagnostics: {
    readonly severity: Readonly<Record<string, SeveritySetting>>;
    readonly envNameRule: EnvNameRuleSetting;
  };
}

/** Client → server: the version the cluster reported (`/version`), so `auto` picks the env-name rule. */
export const ClusterVersionNotification = 'keruta/clusterVersion';
export interface ClusterVersionParams {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion?: string;
}

/** Client → server: render a task's Job with the client's settings, with its diagnostics. */
export const RenderJobRequest = 'keruta/renderJob';
export interface RenderJobParams {
  readonly uri: string;
  readonly taskId: string;
  /** Renderer options resolved by the client (settings and application.properties). */
  readonly options: RenderOptions;
  /** The file's text, when it is not open in an editor (the server only holds open documents). */
  readonly text?: string;
  /**
   * Rendering for Run Task at this time (ISO 8601): the Pod gets the task as the run makes it,
   * status IN_PROGRESS and updatedAt this time, which is what the task file then says.
   */
  readonly startedAt?: string;
}
export interface RenderJobDiagnostic {
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'information' | 'hint';
  readonly message: string;
  /** Where: the task file (`task`) or the rendered Job YAML (`job`). */
  readonly source: 'task' | 'job';
  readonly line: number;
}
export interface RenderJobResult {
  readonly found: boolean;
  readonly yaml: string;
  readonly namespace: string;
  readonly diagnostics: readonly RenderJobDiagnostic[];
  /** Number of error diagnostics: the client refuses to run when it is not 0. */
  readonly errors: number;
}

/** Command ids the server's code lenses use; the client implements them. */
export const LensCommands = {
  runTask: 'keruta.runTask',
  showJobYaml: 'keruta.showJobYaml',
} as const;
