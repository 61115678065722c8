/**
 * What the kubelet resolves before a container starts: its environment (literal values with
 * `$(VAR)` expansion, Secret keys, downward API fields) and the field values that downward API
 * volumes hold. A missing Secret or key is the kubelet's `CreateContainerConfigError`, with its
 * wording.
 */
import type { Container, PodSpec } from 'kubernetes-types/core/v1';
import type { ObjectMetaLike, Store } from '../types';
import { parseQuantity } from './scheduler';

/** What field references can see of a Pod. */
export interface PodView {
  readonly metadata: ObjectMetaLike;
  readonly spec: PodSpec;
  readonly hostIP: string;
  readonly podIP?: string;
  /** Node allocatable, the default for unset limits in `resourceFieldRef`. */
  readonly nodeCapacity: { readonly cpu: string; readonly memory: string };
}

export type EnvResult = { readonly ok: true; readonly env: Record<string, string> } | { readonly ok: false; readonly message: string };

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Variables every container gets from the runtime and the `kubernetes` Service. */
function baseEnv(pod: PodView): Record<string, string> {
  return {
    PATH,
    HOSTNAME: pod.metadata.name ?? '',
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
    KUBERNETES_PORT_443_TCP_PORT: '443',
    KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
  };
}

/** `$(NAME)` → the value defined so far; `$$(NAME)` → literal `$(NAME)`; unknown names stay as written. */
export function expandDependentVars(value: string, defined: Readonly<Record<string, string>>): string {
  return value.replace(/\$\$|\$\(([^)]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return name !== undefined && Object.prototype.hasOwnProperty.call(defined, name) ? defined[name]! : match;
  });
}

function formatMap(map: Readonly<Record<string, string>> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((key) => `${key}=${JSON.stringify(map![key])}`)
    .join('\n');
}

/** The value of a downward API `fieldPath`, or undefined when the path is not supported. */
export function fieldValue(pod: PodView, fieldPath: string): string | undefined {
  const keyed = /^metadata\.(labels|annotations)\[['"]?(.+?)['"]?\]$/.exec(fieldPath);
  if (keyed) {
    const map = keyed[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations;
    return map?.[keyed[2]!] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'metadata.labels':
      return formatMap(pod.metadata.labels);
    case 'metadata.annotations':
      return formatMap(pod.metadata.annotations);
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? 'default';
    case 'status.hostIP':
    case 'status.hostIPs':
      return pod.hostIP;
    case 'status.podIP':
    case 'status.podIPs':
      return pod.podIP ?? '';
    default:
      return undefined;
  }
}

/** `resourceFieldRef`: a container's request or limit divided by `divisor`, rounded up (limits default to the node). */
export function resourceFieldValue(pod: PodView, container: Container | undefined, resource: string, divisor: string | number | undefined): string {
  const [kind, name] = resource.split('.') as [string, string | undefined];
  const node = name === 'cpu' ? pod.nodeCapacity.cpu : name === 'memory' ? pod.nodeCapacity.memory : '0';
  const limits = container?.resources?.limits as Record<string, string | number> | undefined;
  const requests = container?.resources?.requests as Record<string, string | number> | undefined;
  const raw = kind === 'limits' ? (limits?.[name ?? ''] ?? node) : (requests?.[name ?? ''] ?? limits?.[name ?? ''] ?? 0);
  const by = parseQuantity(divisor ?? 1) || 1;
  return String(Math.ceil(parseQuantity(raw) / by));
}

function decodeSecretValue(value: string): string {
  return Buffer.from(value, 'base64').toString('utf8');
}

/** A Secret's keys, decoded; undefined when the Secret does not exist. */
export function readSecret(store: Store, namespace: string, name: string): Record<string, string> | undefined {
  const secret = store.get('secrets', namespace, name);
  if (!secret) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries((secret['data'] as Record<string, string> | undefined) ?? {})) out[key] = decodeSecretValue(value);
  for (const [key, value] of Object.entries((secret['stringData'] as Record<string, string> | undefined) ?? {})) out[key] = value;
  return out;
}

/** Raw Secret bytes per key (for Secret volumes). */
export function readSecretBytes(store: Store, namespace: string, name: string): Record<string, Buffer> | undefined {
  const secret = store.get('secrets', namespace, name);
  if (!secret) return undefined;
  const out: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries((secret['data'] as Record<string, string> | undefined) ?? {})) out[key] = Buffer.from(value, 'base64');
  for (const [key, value] of Object.entries((secret['stringData'] as Record<string, string> | undefined) ?? {})) out[key] = Buffer.from(value, 'utf8');
  return out;
}

/** The container's environment, or the CreateContainerConfigError message that keeps it from starting. */
export function resolveEnv(container: Container, pod: PodView, store: Store): EnvResult {
  const namespace = pod.metadata.namespace ?? 'default';
  const env = baseEnv(pod);
  const defined: Record<string, string> = {};
  const set = (name: string, value: string): void => {
    env[name] = value;
    defined[name] = value;
  };

  for (const source of container.envFrom ?? []) {
    const prefix = source.prefix ?? '';
    if (source.secretRef) {
      const data = readSecret(store, namespace, source.secretRef.name ?? '');
      if (!data) {
        if (source.secretRef.optional) continue;
        return { ok: false, message: `secret "${source.secretRef.name ?? ''}" not found` };
      }
      for (const [key, value] of Object.entries(data)) set(prefix + key, value);
    } else if (source.configMapRef) {
      // The simulator stores no ConfigMaps.
      if (source.configMapRef.optional) continue;
      return { ok: false, message: `configmap "${source.configMapRef.name ?? ''}" not found` };
    }
  }

  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (!from) {
      set(variable.name, expandDependentVars(variable.value ?? '', defined));
      continue;
    }
    if (from.secretKeyRef) {
      const ref = from.secretKeyRef;
      const data = readSecret(store, namespace, ref.name ?? '');
      if (!data) {
        if (ref.optional) continue;
        return { ok: false, message: `secret "${ref.name ?? ''}" not found` };
      }
      if (!Object.prototype.hasOwnProperty.call(data, ref.key)) {
        if (ref.optional) continue;
        return { ok: false, message: `couldn't find key ${ref.key} in Secret ${namespace}/${ref.name ?? ''}` };
      }
      set(variable.name, data[ref.key]!);
    } else if (from.configMapKeyRef) {
      if (from.configMapKeyRef.optional) continue;
      return { ok: false, message: `configmap "${from.configMapKeyRef.name ?? ''}" not found` };
    } else if (from.fieldRef) {
      const value = fieldValue(pod, from.fieldRef.fieldPath);
      if (value === undefined) return { ok: false, message: `unsupported fieldPath: ${from.fieldRef.fieldPath}` };
      set(variable.name, value);
    } else if (from.resourceFieldRef) {
      const target = from.resourceFieldRef.containerName
        ? [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])].find((c) => c.name === from.resourceFieldRef!.containerName)
        : container;
      set(variable.name, resourceFieldValue(pod, target, from.resourceFieldRef.resource, from.resourceFieldRef.divisor));
    }
  }
  env['HOME'] ??= '/root';
  return { ok: true, env };
}
