/**
 * Shared by the client and the language server (imported by relative path, inlined by esbuild):
 * the settings shape, setting keys, and custom requests.
 */
import type { CollectorMode } from './core/collectorPod';

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
}
