/**
 * Server-side printing: `kubectl get` asks for `as=Table` and prints the columns the server sends.
 * Column sets follow the real API server's printers for the resources the simulator stores.
 */
import type { KubeObject } from './types';

interface Column {
  readonly name: string;
  readonly type: 'string' | 'integer';
  readonly format?: string;
  readonly description: string;
  readonly priority: number;
  readonly cell: (object: KubeObject, now: number) => string | number;
}

/** Kubernetes' duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (days < 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

const age = (object: KubeObject, now: number): string => {
  const created = Date.parse(object.metadata.creationTimestamp ?? '');
  return Number.isNaN(created) ? '<unknown>' : humanDuration(now - created);
};

interface Condition {
  type: string;
  status: string;
}
interface JobStatus {
  conditions?: Condition[];
  succeeded?: number;
  startTime?: string;
  completionTime?: string;
  active?: number;
}
interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string }; terminated?: { reason?: string; exitCode?: number }; running?: unknown };
}
interface PodStatus {
  phase?: string;
  reason?: string;
  podIP?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
}

const hasCondition = (status: JobStatus | undefined, type: string): boolean => status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;

function jobStatus(job: KubeObject): string {
  const status = job['status'] as JobStatus | undefined;
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if ((job['spec'] as { suspend?: boolean } | undefined)?.suspend) return 'Suspended';
  for (const type of ['Complete', 'Failed', 'FailureTarget', 'SuccessCriteriaMet']) if (hasCondition(status, type)) return type;
  return 'Running';
}

function podStatus(pod: KubeObject): string {
  const status = pod['status'] as PodStatus | undefined;
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  let reason = status?.reason ?? status?.phase ?? 'Pending';
  const inits = status?.initContainerStatuses ?? [];
  const initSpecs = ((pod['spec'] as { initContainers?: { name: string; restartPolicy?: string }[] } | undefined)?.initContainers ?? []);
  for (const [index, init] of inits.entries()) {
    const sidecar = initSpecs.find((spec) => spec.name === init.name)?.restartPolicy === 'Always';
    if (init.state?.terminated?.exitCode === 0 || (sidecar && init.state?.running)) continue;
    if (init.state?.waiting?.reason && init.state.waiting.reason !== 'PodInitializing') return `Init:${init.state.waiting.reason}`;
    if (!sidecar) return `Init:${index}/${initSpecs.length}`;
  }
  for (const container of status?.containerStatuses ?? []) {
    if (container.state?.waiting?.reason) reason = container.state.waiting.reason;
    else if (container.state?.terminated?.reason) reason = container.state.terminated.reason;
  }
  if (reason === 'Completed' && status?.phase === 'Running') reason = 'NotReady';
  return reason;
}

const JOB_COLUMNS: readonly Column[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0, cell: (o) => o.metadata.name ?? '' },
  { name: 'Status', type: 'string', description: 'Status of the job.', priority: 0, cell: jobStatus },
  {
    name: 'Completions', type: 'string', description: 'The desired number of successfully finished pods the job should be run with.', priority: 0,
    cell: (o) => `${(o['status'] as JobStatus | undefined)?.succeeded ?? 0}/${(o['spec'] as { completions?: number } | undefined)?.completions ?? 1}`,
  },
  {
    name: 'Duration', type: 'string', description: 'Time required to complete the job.', priority: 0,
    cell: (o, now) => {
      const status = o['status'] as JobStatus | undefined;
      if (!status?.startTime) return '';
      const end = status.completionTime ? Date.parse(status.completionTime) : now;
      return humanDuration(end - Date.parse(status.startTime));
    },
  },
  { name: 'Age', type: 'string', description: 'CreationTimestamp', priority: 0, cell: age },
  { name: 'Containers', type: 'string', description: 'Names of each container in the template.', priority: 1, cell: (o) => containersOf(o, 'template').map((c) => c.name).join(',') },
  { name: 'Images', type: 'string', description: 'Images referenced by each container in the template.', priority: 1, cell: (o) => containersOf(o, 'template').map((c) => c.image).join(',') },
  {
    name: 'Selector', type: 'string', description: 'Query over pods that should match the replicas count.', priority: 1,
    cell: (o) => Object.entries((o['spec'] as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
  },
];

function containersOf(object: KubeObject, where: 'template' | 'pod'): { name: string; image: string }[] {
  const spec = where === 'template' ? (object['spec'] as { template?: { spec?: { containers?: { name: string; image: string }[] } } } | undefined)?.template?.spec : (object['spec'] as { containers?: { name: string; image: string }[] } | undefined);
  return spec?.containers ?? [];
}

const POD_COLUMNS: readonly Column[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0, cell: (o) => o.metadata.name ?? '' },
  {
    name: 'Ready', type: 'string', description: 'The aggregate readiness state of this pod for accepting traffic.', priority: 0,
    cell: (o) => {
      const statuses = (o['status'] as PodStatus | undefined)?.containerStatuses ?? [];
      return `${statuses.filter((s) => s.ready).length}/${containersOf(o, 'pod').length}`;
    },
  },
  { name: 'Status', type: 'string', description: 'The aggregate status of the containers in this pod.', priority: 0, cell: podStatus },
  {
    name: 'Restarts', type: 'string', description: 'The number of times the containers in this pod have been restarted.', priority: 0,
    cell: (o) => String(((o['status'] as PodStatus | undefined)?.containerStatuses ?? []).reduce((sum, s) => sum + (s.restartCount ?? 0), 0)),
  },
  { name: 'Age', type: 'string', description: 'CreationTimestamp', priority: 0, cell: age },
  { name: 'IP', type: 'string', description: 'IP address allocated to the pod.', priority: 1, cell: (o) => (o['status'] as PodStatus | undefined)?.podIP ?? '<none>' },
  { name: 'Node', type: 'string', description: 'Name of the node the pod is assigned to.', priority: 1, cell: (o) => (o['spec'] as { nodeName?: string } | undefined)?.nodeName ?? '<none>' },
];

const NAMESPACE_COLUMNS: readonly Column[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0, cell: (o) => o.metadata.name ?? '' },
  { name: 'Status', type: 'string', description: 'The status of the namespace', priority: 0, cell: (o) => (o['status'] as { phase?: string } | undefined)?.phase ?? '' },
  { name: 'Age', type: 'string', description: 'CreationTimestamp', priority: 0, cell: age },
];

const SECRET_COLUMNS: readonly Column[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0, cell: (o) => o.metadata.name ?? '' },
  { name: 'Type', type: 'string', description: 'The type of the secret', priority: 0, cell: (o) => (typeof o['type'] === 'string' ? o['type'] : 'Opaque') },
  { name: 'Data', type: 'integer', description: 'The number of entries in the secret', priority: 0, cell: (o) => Object.keys((o['data'] as object | undefined) ?? {}).length },
  { name: 'Age', type: 'string', description: 'CreationTimestamp', priority: 0, cell: age },
];

const COLUMNS: Readonly<Record<string, readonly Column[]>> = { Job: JOB_COLUMNS, Pod: POD_COLUMNS, Namespace: NAMESPACE_COLUMNS, Secret: SECRET_COLUMNS };

/** Whether the client asked for a Table (`Accept: application/json;as=Table;…`). */
export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '');
}

export type IncludeObject = 'None' | 'Object' | 'Metadata';

function rowObject(object: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return object;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

export function toTable(kind: string, objects: readonly KubeObject[], resourceVersion: string, include: IncludeObject, withHeaders = true): object {
  const columns = COLUMNS[kind] ?? COLUMNS['Namespace']!.filter((c) => c.name !== 'Status');
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    ...(withHeaders ? { columnDefinitions: columns.map(({ cell: _cell, format, ...definition }) => ({ ...definition, format: format ?? '' })) } : {}),
    rows: objects.map((object) => ({ cells: columns.map((column) => column.cell(object, now)), object: rowObject(object, include) })),
  };
}

export function includeObjectOf(value: string | null): IncludeObject {
  return value === 'Object' ? 'Object' : value === 'None' ? 'None' : 'Metadata';
}
