/**
 * The documentation completion and hover show: task keys, `job` keys, statuses, the KERUTA_TASK_*
 * variables, and what the Job fields do on the cluster. Markdown, English source through l10n;
 * built on demand because the l10n bundle is configured at `initialize`, after this module loads.
 */
import * as l10n from '@vscode/l10n';
import { type EnvMappingEntry, KERUTA_ENV_MAPPING } from '../../core/envMapping';
import type { TaskStatus } from '../../core/taskModel';
import type { NormalizedSettings } from '../serverSettings';

export interface KeyDoc {
  /** The value's type, e.g. "string". */
  readonly type: string;
  /** The default, or what happens without the key. */
  readonly defaultValue: string;
  /** What the key carries. */
  readonly meaning: string;
  /** What the key does on the cluster (Job fields). */
  readonly cluster?: string;
  /** The KERUTA_TASK_* variable the field reaches the Pod as. */
  readonly env?: string;
}

function envOf(field: string): string | undefined {
  return KERUTA_ENV_MAPPING.find((entry) => entry.field === field)?.name;
}

/** Top-level keys of a task document. */
export function taskKeyDoc(key: string, settings: NormalizedSettings): KeyDoc | undefined {
  const env = envOf(key);
  const withEnv = (doc: Omit<KeyDoc, 'env'>): KeyDoc => (env ? { ...doc, env } : doc);
  switch (key) {
    case 'id':
      return withEnv({
        type: l10n.t('string'),
        defaultValue: l10n.t('none (required)'),
        meaning: l10n.t('Unique id of the task in the workspace. keruta names the Job after it and finds the task\'s runs by it. Numbers are kept as written (`id: 1.10` is "1.10").'),
      });
    case 'title':
      return withEnv({
        type: l10n.t('string'),
        defaultValue: l10n.t('none (required)'),
        meaning: l10n.t('Short title of the task, shown in the outline and set on the Job as the annotation `keruta.io/task-title`.'),
      });
    case 'description':
      return withEnv({
        type: l10n.t('string'),
        defaultValue: '`""`',
        meaning: l10n.t(
          'Full description of the work. The Pod gets it cut to {0} bytes (`keruta.job.descriptionBudgetBytes`); the whole task is always in `/.keruta/task/task.json`.',
          settings.rules.descriptionBudgetBytes,
        ),
      });
    case 'priority':
      return withEnv({ type: l10n.t('integer'), defaultValue: '`0`', meaning: l10n.t('Higher runs first. The Pod gets it as a decimal string.') });
    case 'status':
      return withEnv({
        type: l10n.t('one of {0}', TASK_STATUS_LIST),
        defaultValue: '`PENDING`',
        meaning: l10n.t('Where the task stands. keruta updates it (and `updatedAt`) as the task\'s Jobs run.'),
      });
    case 'createdAt':
      return withEnv({
        type: l10n.t('ISO 8601 date-time (text)'),
        defaultValue: l10n.t('none'),
        meaning: l10n.t('When the task was created. Quote it (`"2026-01-02T03:04:05Z"`) so that YAML keeps it as text.'),
      });
    case 'updatedAt':
      return withEnv({
        type: l10n.t('ISO 8601 date-time (text)'),
        defaultValue: l10n.t('none'),
        meaning: l10n.t('When the task last changed; keruta sets it when it changes the status. Quote it so that YAML keeps it as text.'),
      });
    case 'documents':
      return {
        type: l10n.t('list of strings'),
        defaultValue: '`[]`',
        meaning: l10n.t('Workspace-relative paths of the files collected from the task\'s runs (`/.keruta/doc`). keruta writes this list.'),
      };
    case 'job':
      return {
        type: l10n.t('mapping'),
        defaultValue: l10n.t('none'),
        meaning: l10n.t('How the task runs: image, command, arguments, extra env, resources and the Job\'s limits.'),
      };
    default:
      return undefined;
  }
}

/** Keys of a task's `job` section. */
export function jobKeyDoc(key: string, settings: NormalizedSettings): KeyDoc | undefined {
  switch (key) {
    case 'image':
      return {
        type: l10n.t('string'),
        defaultValue: settings.rules.defaultImage
          ? l10n.t('the setting `keruta.job.defaultImage` (now `{0}`)', settings.rules.defaultImage)
          : l10n.t('the setting `keruta.job.defaultImage` (not set: the task cannot run without an image)'),
        meaning: l10n.t('Container image of the task\'s main container. Pin a tag or a digest so that every run uses the same image.'),
      };
    case 'command':
      return {
        type: l10n.t('list of strings'),
        defaultValue: l10n.t('the image\'s entrypoint'),
        meaning: l10n.t('Entrypoint of the main container, as in a Pod spec. keruta never rewrites it.'),
      };
    case 'args':
      return {
        type: l10n.t('list of strings'),
        defaultValue: l10n.t('the image\'s arguments'),
        meaning: l10n.t('Arguments to the entrypoint, as in a Pod spec.'),
      };
    case 'env':
      return {
        type: l10n.t('list'),
        defaultValue: '`[]`',
        meaning: l10n.t('Extra variables, after the seven `KERUTA_TASK_*`: `name` with `value`, or with `secretKeyRef` (`name`, `key`, `optional`) to read a Secret.'),
      };
    case 'resources':
      return {
        type: '`{requests, limits}`',
        defaultValue: l10n.t('none'),
        meaning: l10n.t('CPU and memory requests and limits of the main container, as in a Pod spec.'),
      };
    case 'namespace':
      return {
        type: l10n.t('string'),
        defaultValue: l10n.t('the setting `keruta.kubernetes.defaultNamespace`'),
        meaning: l10n.t('Namespace the Job is created in.'),
      };
    case 'serviceAccountName':
      return {
        type: l10n.t('string'),
        defaultValue: l10n.t('the namespace\'s `default` service account'),
        meaning: l10n.t('Service account the Pod runs as.'),
      };
    case 'ttlSecondsAfterFinished':
      return {
        type: l10n.t('integer ≥ 0'),
        defaultValue: settings.rules.defaultTtlSeconds === null
          ? l10n.t('the setting `keruta.job.ttlSecondsAfterFinished` (now none: never deleted)')
          : l10n.t('the setting `keruta.job.ttlSecondsAfterFinished` (now {0})', settings.rules.defaultTtlSeconds),
        meaning: l10n.t('Seconds the finished Job is kept.'),
        cluster: clusterFieldDoc('ttlSecondsAfterFinished')!,
      };
    case 'backoffLimit':
      return {
        type: l10n.t('integer ≥ 0'),
        defaultValue: l10n.t('the setting `keruta.job.backoffLimit` (0: run once)'),
        meaning: l10n.t('How often a failed run is retried.'),
        cluster: clusterFieldDoc('backoffLimit')!,
      };
    case 'activeDeadlineSeconds':
      return {
        type: l10n.t('integer ≥ 1'),
        defaultValue: l10n.t('the setting `keruta.job.activeDeadlineSeconds` (none: no limit)'),
        meaning: l10n.t('Longest time the Job may run, retries included.'),
        cluster: clusterFieldDoc('activeDeadlineSeconds')!,
      };
    case 'collect':
      return {
        type: l10n.t('boolean'),
        defaultValue: '`true`',
        meaning: l10n.t('Whether keruta collects `/.keruta/doc` after the run. When true, the Pod gets the small collector sidecar that keeps the folder readable.'),
      };
    default:
      return undefined;
  }
}

export type ClusterField = 'restartPolicy' | 'ttlSecondsAfterFinished' | 'backoffLimit' | 'activeDeadlineSeconds';

export function isClusterField(key: string): key is ClusterField {
  return key === 'restartPolicy' || key === 'ttlSecondsAfterFinished' || key === 'backoffLimit' || key === 'activeDeadlineSeconds';
}

/** One paragraph: what the Job field does on the cluster. */
export function clusterFieldDoc(key: string): string | undefined {
  switch (key) {
    case 'restartPolicy':
      return l10n.t('What the kubelet does when a container of the Job\'s Pod exits. `Never`: the Pod is not restarted; a failed container fails the Pod, and the Job controller starts a new Pod only while `backoffLimit` allows. `OnFailure`: the kubelet restarts the failed container in the same Pod, with a growing delay, and the restarts count toward `backoffLimit`. `Always` is rejected by the API server for Jobs, because such a Pod could never finish. keruta always renders `Never`, so that each run is one Pod whose exit code is the task\'s outcome.');
    case 'ttlSecondsAfterFinished':
      return l10n.t('After the Job finishes (Complete or Failed), the TTL-after-finished controller waits this many seconds and then deletes the Job together with its Pods, and with them the logs and `/.keruta/doc`. Without it the finished Job stays until someone deletes it; with `0` it is deleted at once, before keruta can read logs or collect files, so keep it longer than the collection window.');
    case 'backoffLimit':
      return l10n.t('How many failed Pods the Job controller replaces before it marks the Job Failed with reason `BackoffLimitExceeded`. Retries start after a growing delay (10 s, 20 s, 40 s, … at most 6 minutes), and every retry runs the whole command again. `0` runs the task once; Kubernetes\' own default, when the field is absent, is 6.');
    case 'activeDeadlineSeconds':
      return l10n.t('The longest the Job may be active, counted from its start and across all retries. When it is reached, the Job controller terminates the running Pods and marks the Job Failed with reason `DeadlineExceeded`, whatever `backoffLimit` still allows. Without it the Job may run for ever.');
    default:
      return undefined;
  }
}

export const TASK_STATUS_LIST = 'PENDING, IN_PROGRESS, COMPLETED, FAILED, CANCELLED, WAITING_FOR_INPUT';

export function statusDoc(status: TaskStatus): string {
  switch (status) {
    case 'PENDING':
      return l10n.t('Not run yet: waiting to be started. The default for a new task.');
    case 'IN_PROGRESS':
      return l10n.t('A Job of the task is running.');
    case 'COMPLETED':
      return l10n.t('The last run finished successfully.');
    case 'FAILED':
      return l10n.t('The last run failed (the main container exited with an error, or the Job hit its retry or time limit).');
    case 'CANCELLED':
      return l10n.t('Cancelled: the task is not to be run.');
    case 'WAITING_FOR_INPUT':
      return l10n.t('Paused until someone provides the input the task needs.');
  }
}

/** The seed's meaning of a field, localized. */
export function envMeaning(field: EnvMappingEntry['field']): string {
  switch (field) {
    case 'id':
      return l10n.t('unique id of the task');
    case 'title':
      return l10n.t('title');
    case 'description':
      return l10n.t('detailed description');
    case 'priority':
      return l10n.t('priority');
    case 'status':
      return l10n.t('status');
    case 'createdAt':
      return l10n.t('creation time');
    case 'updatedAt':
      return l10n.t('last update time');
  }
}

/** How the field's value is written into the variable. */
function envFormat(field: EnvMappingEntry['field'], settings: NormalizedSettings): string {
  switch (field) {
    case 'id':
    case 'title':
      return l10n.t('The value is the field as written.');
    case 'description':
      return l10n.t('The value is cut to {0} bytes (`keruta.job.descriptionBudgetBytes`) on a character boundary, with a visible marker; the whole task is in `/.keruta/task/task.json`.', settings.rules.descriptionBudgetBytes);
    case 'priority':
      return l10n.t('The value is the priority as a decimal string (`0` when unset).');
    case 'status':
      return l10n.t('The value is one of {0}.', TASK_STATUS_LIST);
    case 'createdAt':
    case 'updatedAt':
      return l10n.t('The value is the ISO 8601 time as written (a space between date and time becomes `T`).');
  }
}

/** The whole seed mapping as a markdown table, the row of `highlight` in bold. */
export function envMappingTable(highlight?: string): string {
  const rows = KERUTA_ENV_MAPPING.map((entry) => {
    const bold = entry.name === highlight ? '**' : '';
    return `| ${bold}\`${entry.field}\`${bold} | ${bold}\`${entry.name}\`${bold} | ${envMeaning(entry.field)} |`;
  });
  return [`| ${l10n.t('task field')} | ${l10n.t('variable')} | ${l10n.t('meaning')} |`, '|---|---|---|', ...rows].join('\n');
}

/** Documentation of one KERUTA_TASK_* variable (without the table). */
export function envNameDoc(name: string, settings: NormalizedSettings): string | undefined {
  const entry = KERUTA_ENV_MAPPING.find((candidate) => candidate.name === name);
  if (!entry) return undefined;
  return [
    l10n.t('Carries the task\'s `{0}` ({1}).', entry.field, envMeaning(entry.field)),
    envFormat(entry.field, settings),
    l10n.t('keruta sets it in every Job it renders, before the task\'s own `env`.'),
  ].join(' ');
}

/** Documentation of a pod `restartPolicy` value of a Job. */
export function restartPolicyValueDoc(value: 'Never' | 'OnFailure'): string {
  const always = l10n.t('`Always` is not offered: the API server rejects it in a Job\'s Pod template, because a Pod that is always restarted never finishes and the Job could never complete.');
  const own = value === 'Never'
    ? l10n.t('The Pod is not restarted. A failed container fails the Pod; the Job controller starts a new Pod only while `backoffLimit` allows, so each run is one Pod with its own logs and exit code. This is what keruta renders.')
    : l10n.t('The kubelet restarts a failed container in the same Pod, with a growing delay; the restarts count toward `backoffLimit`. Files in `emptyDir` volumes survive the restarts, but the logs of earlier attempts are lost.');
  return `${own}\n\n${always}`;
}

/** Markdown for a key: heading, meaning, type/default, variable, cluster paragraph. */
export function keyMarkdown(key: string, doc: KeyDoc, where: string): string {
  const parts = [`**\`${key}\`** — ${where}`, doc.meaning];
  if (doc.cluster) parts.push(doc.cluster);
  parts.push(l10n.t('Type: {0}. Default: {1}.', doc.type, doc.defaultValue));
  if (doc.env) parts.push(l10n.t('Reaches the Pod as `{0}`.', doc.env));
  return parts.join('\n\n');
}
