/**
 * Renders a task into a `batch/v1` Job manifest. Pure and deterministic: the same task and
 * options give the same manifest (the API server adds the random part of the name).
 */
import * as l10n from '@vscode/l10n';
import type { Job } from 'kubernetes-types/batch/v1';
import type { Container, EnvVar, PodSpec, ResourceRequirements } from 'kubernetes-types/core/v1';
import { stringify } from 'yaml';
import {
  type CollectorMode,
  DEFAULT_COLLECT_WINDOW_SECONDS,
  DEFAULT_COLLECTOR_IMAGE,
  MAIN_CONTAINER,
  mainContainerMounts,
  TASK_VOLUME,
  withCollector,
} from './collectorPod';
import { envValueOf, KERUTA_ENV_MAPPING } from './envMapping';
import { DEFAULT_DESCRIPTION_BUDGET_BYTES, MAX_TASK_ANNOTATION_BYTES } from './limits';
import { jobGenerateName, taskIdLabelValue } from './names';
import { isSecretEnvVar, type Task } from './taskModel';
import { truncateUtf8, utf8Length } from './truncate';

export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'keruta';
export const LABEL_TASK_ID = 'keruta.io/task-id';
export const ANNOTATION_TASK_ID = 'keruta.io/task-id';
export const ANNOTATION_TASK_TITLE = 'keruta.io/task-title';
export const ANNOTATION_TASK_FILE = 'keruta.io/task-file';
export const ANNOTATION_TASK_JSON = 'keruta.io/task';
export const ANNOTATION_COLLECTOR = 'keruta.io/collector';
/** When Run Task submitted the Job (ISO, milliseconds): orders runs created within one second. */
export const ANNOTATION_STARTED_AT = 'keruta.io/started-at';

/** Label selector that finds every Job and Pod keruta created. */
export const MANAGED_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY_VALUE}`;

export function taskSelector(taskId: string): string {
  return `${MANAGED_SELECTOR},${LABEL_TASK_ID}=${taskIdLabelValue(taskId)}`;
}

/** Settings-derived defaults for rendering; a task's own `job` values win over these. */
export interface RenderOptions {
  readonly defaultNamespace: string;
  readonly defaultImage?: string;
  readonly ttlSecondsAfterFinished?: number;
  readonly backoffLimit: number;
  readonly activeDeadlineSeconds?: number;
  readonly descriptionBudgetBytes: number;
  readonly collector: {
    readonly enabled: boolean;
    readonly image: string;
    readonly mode: CollectorMode;
    readonly windowSeconds: number;
  };
  /** Workspace-relative path of the task file, recorded as an annotation. */
  readonly taskFile?: string;
}

export const DEFAULT_RENDER_OPTIONS: RenderOptions = {
  defaultNamespace: 'default',
  ttlSecondsAfterFinished: 3600,
  backoffLimit: 0,
  descriptionBudgetBytes: DEFAULT_DESCRIPTION_BUDGET_BYTES,
  collector: {
    enabled: true,
    image: DEFAULT_COLLECTOR_IMAGE,
    mode: 'native',
    windowSeconds: DEFAULT_COLLECT_WINDOW_SECONDS,
  },
};

export interface RenderProblem {
  readonly code: 'render-missing-image' | 'render-description-truncated' | 'render-task-too-large' | 'render-missing-id';
  readonly severity: 'error' | 'warning' | 'information';
  readonly message: string;
}

export interface RenderedJob {
  readonly job: Job;
  readonly namespace: string;
  readonly problems: readonly RenderProblem[];
  /** Whether `KERUTA_TASK_DESCRIPTION` was cut to the budget. */
  readonly descriptionTruncated: boolean;
}

export function renderJob(task: Task, options: RenderOptions = DEFAULT_RENDER_OPTIONS): RenderedJob {
  const problems: RenderProblem[] = [];
  if (task.id.trim() === '') {
    problems.push({ code: 'render-missing-id', severity: 'error', message: l10n.t('The task has no `id`; a Job cannot be named or tracked without one.') });
  }
  const image = task.job.image ?? options.defaultImage ?? '';
  if (image.trim() === '') {
    problems.push({
      code: 'render-missing-image',
      severity: 'error',
      message: l10n.t('No image: set `job.image` in the task or the `keruta.job.defaultImage` setting.'),
    });
  }

  const description = truncateUtf8(task.description, options.descriptionBudgetBytes);
  if (description.truncated) {
    problems.push({
      code: 'render-description-truncated',
      severity: 'information',
      message: l10n.t(
        'The description is {0} bytes, over the {1}-byte budget: KERUTA_TASK_DESCRIPTION is cut, and the full task is in /.keruta/task/task.json.',
        utf8Length(task.description),
        options.descriptionBudgetBytes,
      ),
    });
  }

  const taskJson = JSON.stringify(taskDocument(task));
  if (utf8Length(taskJson) > MAX_TASK_ANNOTATION_BYTES) {
    problems.push({
      code: 'render-task-too-large',
      severity: 'error',
      message: l10n.t(
        'The task is {0} bytes as JSON; Kubernetes allows at most {1} bytes of annotations. Shorten the description.',
        utf8Length(taskJson),
        MAX_TASK_ANNOTATION_BYTES,
      ),
    });
  }

  const collect = options.collector.enabled && task.job.collect !== false;
  const env: EnvVar[] = KERUTA_ENV_MAPPING.map((entry) => ({
    name: entry.name,
    value: entry.field === 'description' ? description.text : envValueOf(task, entry.field),
  }));
  for (const extra of task.job.env) {
    env.push(
      isSecretEnvVar(extra)
        ? { name: extra.name, valueFrom: { secretKeyRef: { ...extra.secretKeyRef } } }
        : { name: extra.name, value: extra.value },
    );
  }

  const main: Container = {
    name: MAIN_CONTAINER,
    image,
    ...(task.job.command ? { command: [...task.job.command] } : {}),
    ...(task.job.args ? { args: [...task.job.args] } : {}),
    env,
    volumeMounts: mainContainerMounts(collect),
    ...(task.job.resources ? { resources: resources(task.job.resources) } : {}),
  };

  let podSpec: PodSpec = {
    restartPolicy: 'Never',
    ...(task.job.serviceAccountName ? { serviceAccountName: task.job.serviceAccountName } : {}),
    containers: [main],
    volumes: [
      {
        name: TASK_VOLUME,
        downwardAPI: {
          items: [{ path: 'task.json', fieldRef: { fieldPath: `metadata.annotations['${ANNOTATION_TASK_JSON}']` } }],
        },
      },
    ],
  };
  if (collect) {
    podSpec = withCollector(podSpec, options.collector);
  }

  const labels = { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE, [LABEL_TASK_ID]: taskIdLabelValue(task.id) };
  const annotations: Record<string, string> = {
    [ANNOTATION_TASK_ID]: task.id,
    [ANNOTATION_TASK_TITLE]: task.title,
    ...(options.taskFile ? { [ANNOTATION_TASK_FILE]: options.taskFile } : {}),
    [ANNOTATION_COLLECTOR]: collect ? options.collector.mode : 'none',
  };
  const namespace = task.job.namespace ?? options.defaultNamespace;
  const ttl = task.job.ttlSecondsAfterFinished ?? options.ttlSecondsAfterFinished;
  const deadline = task.job.activeDeadlineSeconds ?? options.activeDeadlineSeconds;

  const job: Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      generateName: jobGenerateName(task.id),
      namespace,
      labels: { ...labels },
      annotations,
    },
    spec: {
      backoffLimit: task.job.backoffLimit ?? options.backoffLimit,
      ...(ttl !== undefined ? { ttlSecondsAfterFinished: ttl } : {}),
      ...(deadline !== undefined ? { activeDeadlineSeconds: deadline } : {}),
      template: {
        metadata: {
          labels: { ...labels },
          annotations: { [ANNOTATION_TASK_ID]: task.id, [ANNOTATION_TASK_JSON]: taskJson },
        },
        spec: podSpec,
      },
    },
  };
  return { job, namespace, problems, descriptionTruncated: description.truncated };
}

/** The full, untruncated task as delivered to the Pod in `/.keruta/task/task.json`. */
export function taskDocument(task: Task): Record<string, string | number> {
  return {
    id: task.id,
    title: task.title,
    description: task.description,
    priority: task.priority,
    status: task.status,
    createdAt: envValueOf(task, 'createdAt'),
    updatedAt: envValueOf(task, 'updatedAt'),
  };
}

function resources(input: NonNullable<Task['job']['resources']>): ResourceRequirements {
  const out: ResourceRequirements = {};
  const clean = (list: Record<string, string | undefined>): Record<string, string> =>
    Object.fromEntries(Object.entries(list).filter((entry): entry is [string, string] => entry[1] !== undefined));
  if (input.requests) out.requests = clean(input.requests);
  if (input.limits) out.limits = clean(input.limits);
  return out;
}

/** The manifest as YAML text (block style, long strings kept on one line). */
export function jobToYaml(job: Job): string {
  // YAML 1.1 quoting, because kubectl and the API server read YAML 1.1: `yes`, `on` and bare
  // timestamps must stay strings.
  return stringify(job, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
}
