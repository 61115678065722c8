/**
 * Normalizes what `workspace/configuration` returns for section `keruta` (the client sends
 * resolved settings; other LSP clients send whatever they have) into what the rules read.
 */
import type { ClusterVersionParams, SeveritySetting } from '../protocol';
import { DEFAULT_RULE_SETTINGS, type EnvNameRule, type RuleSettings } from '../rules/ruleTypes';

export interface NormalizedSettings {
  readonly rules: RuleSettings;
  readonly severities: Readonly<Record<string, SeveritySetting>>;
}

const SEVERITIES = new Set<SeveritySetting>(['error', 'warning', 'information', 'hint', 'off']);

function section(raw: unknown, key: string): Record<string, unknown> {
  const value = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[key] : undefined;
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function integer(value: unknown, fallback: number, min: number): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min ? value : fallback;
}

/** The env-name rule: the setting, or for `auto` the cluster's version (relaxed from 1.32). */
export function envNameRuleFor(setting: unknown, cluster: ClusterVersionParams | undefined): EnvNameRule {
  if (setting === 'relaxed' || setting === 'classic') return setting;
  if (!cluster) return 'unknown';
  const major = parseInt(cluster.major, 10);
  const minor = parseInt(cluster.minor, 10);
  if (Number.isNaN(major) || Number.isNaN(minor)) return 'unknown';
  return major > 1 || minor >= 32 ? 'relaxed' : 'classic';
}

export function normalizeSettings(raw: unknown, cluster: ClusterVersionParams | undefined): NormalizedSettings {
  const job = section(raw, 'job');
  const collector = section(raw, 'collector');
  const diagnostics = section(raw, 'diagnostics');
  const severities: Record<string, SeveritySetting> = {};
  for (const [code, value] of Object.entries(section(diagnostics, 'severity'))) {
    if (typeof value === 'string' && SEVERITIES.has(value as SeveritySetting)) severities[code] = value as SeveritySetting;
  }
  const ttl = job['ttlSecondsAfterFinished'];
  return {
    rules: {
      envNameRule: envNameRuleFor(diagnostics['envNameRule'], cluster),
      collectWindowSeconds: integer(collector['windowSeconds'], DEFAULT_RULE_SETTINGS.collectWindowSeconds, 0),
      descriptionBudgetBytes: integer(job['descriptionBudgetBytes'], DEFAULT_RULE_SETTINGS.descriptionBudgetBytes, 1),
      defaultImage: typeof job['defaultImage'] === 'string' ? job['defaultImage'] : DEFAULT_RULE_SETTINGS.defaultImage,
      defaultTtlSeconds: ttl === null ? null : integer(ttl, DEFAULT_RULE_SETTINGS.defaultTtlSeconds ?? 3600, 0),
    },
    severities,
  };
}
