/**
 * Settings precedence, pure: an explicit setting (folder > workspace > user) wins over the
 * workspace's `application.properties`, which wins over the built-in default. Values of the wrong
 * type are ignored at each level. In an untrusted workspace, restricted settings take no value
 * from the workspace (neither its settings nor its properties file).
 */
import {
  type KerutaSettings,
  PROPERTIES_KEYS,
  RESTRICTED_SETTINGS,
  type SettingKey,
  SettingKeys,
} from '../../../server/src/protocol';

/** The shape of `WorkspaceConfiguration.inspect()`'s answer that matters here. */
export interface InspectedSetting {
  readonly defaultValue?: unknown;
  readonly globalValue?: unknown;
  readonly workspaceValue?: unknown;
  readonly workspaceFolderValue?: unknown;
}

export interface SettingSource {
  inspect(key: SettingKey): InspectedSetting | undefined;
}

export interface ResolveContext {
  /** `application.properties` of the workspace folder (empty when there is none). */
  readonly properties: ReadonlyMap<string, string>;
  readonly trusted: boolean;
}

export type SettingOrigin = 'workspaceFolder' | 'workspace' | 'user' | 'application.properties' | 'default';

type Spec =
  | { readonly kind: 'boolean'; readonly fallback: boolean }
  | { readonly kind: 'string'; readonly fallback: string; readonly nonEmpty?: boolean }
  | { readonly kind: 'integer'; readonly fallback: number | null; readonly min: number; readonly max?: number; readonly nullable?: boolean }
  | { readonly kind: 'enum'; readonly fallback: string; readonly values: readonly string[] };

/** Type, bounds and built-in default of every setting (kept equal to package.json by a test). */
export const SETTING_SPECS: Readonly<Record<Exclude<SettingKey, 'keruta.trace.server' | 'keruta.diagnostics.severity'>, Spec>> = {
  [SettingKeys.kubernetesEnabled]: { kind: 'boolean', fallback: true },
  [SettingKeys.kubernetesConfigPath]: { kind: 'string', fallback: '' },
  [SettingKeys.kubernetesInCluster]: { kind: 'boolean', fallback: false },
  [SettingKeys.kubernetesDefaultNamespace]: { kind: 'string', fallback: 'default', nonEmpty: true },
  [SettingKeys.kubernetesContext]: { kind: 'string', fallback: '' },
  [SettingKeys.jobDefaultImage]: { kind: 'string', fallback: '' },
  [SettingKeys.jobTtlSecondsAfterFinished]: { kind: 'integer', fallback: 3600, min: 0, nullable: true },
  [SettingKeys.jobBackoffLimit]: { kind: 'integer', fallback: 0, min: 0 },
  [SettingKeys.jobActiveDeadlineSeconds]: { kind: 'integer', fallback: null, min: 1, nullable: true },
  [SettingKeys.jobDescriptionBudgetBytes]: { kind: 'integer', fallback: 16384, min: 256, max: 131072 },
  [SettingKeys.collectorEnabled]: { kind: 'boolean', fallback: true },
  [SettingKeys.collectorImage]: { kind: 'string', fallback: 'busybox:1.36.1', nonEmpty: true },
  [SettingKeys.collectorMode]: { kind: 'enum', fallback: 'auto', values: ['auto', 'native', 'regular'] },
  [SettingKeys.collectorWindowSeconds]: { kind: 'integer', fallback: 300, min: 10 },
  [SettingKeys.collectorMaxBytes]: { kind: 'integer', fallback: 104857600, min: 1024 },
  [SettingKeys.collectorMaxFiles]: { kind: 'integer', fallback: 10000, min: 1 },
  [SettingKeys.collectorOutputFolder]: { kind: 'string', fallback: '.keruta/artifacts', nonEmpty: true },
  [SettingKeys.collectorOpenAfterCollect]: { kind: 'boolean', fallback: true },
  [SettingKeys.collectorCollectOnFailure]: { kind: 'boolean', fallback: false },
  [SettingKeys.diagnosticsEnvNameRule]: { kind: 'enum', fallback: 'auto', values: ['auto', 'relaxed', 'classic'] },
  [SettingKeys.collectorDeleteJobAfterCollect]: { kind: 'boolean', fallback: false },
  [SettingKeys.collectorMaxTabs]: { kind: 'integer', fallback: 10, min: 0 },
  [SettingKeys.collectorMarkdownPreview]: { kind: 'boolean', fallback: true },
  [SettingKeys.runsCrashLoopFailSeconds]: { kind: 'integer', fallback: 300, min: 30 },
  [SettingKeys.runsNotifyOnFinish]: { kind: 'boolean', fallback: true },
};

type ResolvedKey = keyof typeof SETTING_SPECS;

/** Accepts a value of the right type (a string from properties is converted), else undefined. */
function accept(spec: Spec, raw: unknown, fromText: boolean): unknown {
  if (raw === undefined) return undefined;
  switch (spec.kind) {
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (fromText && typeof raw === 'string') {
        const text = raw.trim().toLowerCase();
        if (text === 'true') return true;
        if (text === 'false') return false;
      }
      return undefined;
    }
    case 'string': {
      if (typeof raw !== 'string') return undefined;
      const text = fromText ? raw.trim() : raw;
      return spec.nonEmpty && text.trim() === '' ? undefined : text;
    }
    case 'integer': {
      if (raw === null) return spec.nullable ? null : undefined;
      const value = fromText && typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return undefined;
      if (value < spec.min || (spec.max !== undefined && value > spec.max)) return undefined;
      return value;
    }
    case 'enum':
      return typeof raw === 'string' && spec.values.includes(raw) ? raw : undefined;
  }
}

export function resolveSetting(
  key: ResolvedKey,
  inspected: InspectedSetting | undefined,
  context: ResolveContext,
): { value: unknown; origin: SettingOrigin } {
  const spec = SETTING_SPECS[key];
  const workspaceAllowed = context.trusted || !RESTRICTED_SETTINGS.includes(key);
  const levels: [SettingOrigin, unknown][] = [
    ['workspaceFolder', workspaceAllowed ? inspected?.workspaceFolderValue : undefined],
    ['workspace', workspaceAllowed ? inspected?.workspaceValue : undefined],
    ['user', inspected?.globalValue],
  ];
  for (const [origin, raw] of levels) {
    const value = accept(spec, raw, false);
    if (value !== undefined) return { value, origin };
  }
  const propertiesKey = PROPERTIES_KEYS[key];
  if (propertiesKey !== undefined && workspaceAllowed) {
    const value = accept(spec, context.properties.get(propertiesKey), true);
    if (value !== undefined) return { value, origin: 'application.properties' };
  }
  const declared = accept(spec, inspected?.defaultValue, false);
  return { value: declared !== undefined ? declared : spec.fallback, origin: 'default' };
}

export function resolveSettings(source: SettingSource, context: ResolveContext): KerutaSettings {
  const get = <T>(key: ResolvedKey): T => resolveSetting(key, source.inspect(key), context).value as T;
  return {
    kubernetes: {
      enabled: get(SettingKeys.kubernetesEnabled),
      configPath: get(SettingKeys.kubernetesConfigPath),
      inCluster: get(SettingKeys.kubernetesInCluster),
      defaultNamespace: get(SettingKeys.kubernetesDefaultNamespace),
      context: get(SettingKeys.kubernetesContext),
    },
    job: {
      defaultImage: get(SettingKeys.jobDefaultImage),
      ttlSecondsAfterFinished: get(SettingKeys.jobTtlSecondsAfterFinished),
      backoffLimit: get(SettingKeys.jobBackoffLimit),
      activeDeadlineSeconds: get(SettingKeys.jobActiveDeadlineSeconds),
      descriptionBudgetBytes: get(SettingKeys.jobDescriptionBudgetBytes),
    },
    collector: {
      enabled: get(SettingKeys.collectorEnabled),
      image: get(SettingKeys.collectorImage),
      mode: get(SettingKeys.collectorMode),
      windowSeconds: get(SettingKeys.collectorWindowSeconds),
      maxBytes: get(SettingKeys.collectorMaxBytes),
      maxFiles: get(SettingKeys.collectorMaxFiles),
      outputFolder: get(SettingKeys.collectorOutputFolder),
      openAfterCollect: get(SettingKeys.collectorOpenAfterCollect),
      collectOnFailure: get(SettingKeys.collectorCollectOnFailure),
    },
  };
}
