/** Turns normalized settings into renderer options. Pure. */
import type { KerutaSettings } from '../protocol';
import type { CollectorMode } from './collectorPod';
import type { RenderOptions } from './jobRenderer';

/** Native sidecars (init containers with `restartPolicy: Always`) are on by default from 1.29. */
const NATIVE_SIDECAR_MINOR = 29;

/**
 * `auto` picks native sidecars unless the server is known to be older than 1.29.
 * `serverVersion` is what `/version` reports (`major`, `minor`, e.g. "1", "28+").
 */
export function collectorModeFor(
  setting: KerutaSettings['collector']['mode'],
  serverVersion?: { readonly major: string; readonly minor: string },
): CollectorMode {
  if (setting !== 'auto') return setting;
  if (!serverVersion) return 'native';
  const major = parseInt(serverVersion.major, 10);
  const minor = parseInt(serverVersion.minor, 10);
  if (Number.isNaN(major) || Number.isNaN(minor)) return 'native';
  return major > 1 || minor >= NATIVE_SIDECAR_MINOR ? 'native' : 'regular';
}

export function renderOptionsFromSettings(
  settings: KerutaSettings,
  extra: { readonly collectorMode: CollectorMode; readonly taskFile?: string },
): RenderOptions {
  return {
    defaultNamespace: settings.kubernetes.defaultNamespace,
    ...(settings.job.defaultImage ? { defaultImage: settings.job.defaultImage } : {}),
    ...(settings.job.ttlSecondsAfterFinished !== null ? { ttlSecondsAfterFinished: settings.job.ttlSecondsAfterFinished } : {}),
    backoffLimit: settings.job.backoffLimit,
    ...(settings.job.activeDeadlineSeconds !== null ? { activeDeadlineSeconds: settings.job.activeDeadlineSeconds } : {}),
    descriptionBudgetBytes: settings.job.descriptionBudgetBytes,
    collector: {
      enabled: settings.collector.enabled,
      image: settings.collector.image,
      mode: extra.collectorMode,
      windowSeconds: settings.collector.windowSeconds,
    },
    ...(extra.taskFile ? { taskFile: extra.taskFile } : {}),
  };
}
