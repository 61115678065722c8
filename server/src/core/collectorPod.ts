/**
 * The Pod shape that keeps `/.keruta/doc` reachable after the main container ends, so that keruta
 * can copy it out through exec (a finished container cannot be exec'd into).
 *
 * The main container writes to an `emptyDir` at `/.keruta/doc`. A keep-alive collector container
 * mounts the same volume and stays up until keruta has copied the files and releases it by
 * creating `/.keruta/ctl/release` (an `emptyDir` only the collector sees), or until a bounded
 * window has passed since the main container ended, so that a Pod never hangs when nobody collects.
 * Two mechanisms, chosen by server version:
 *
 * - `native` (Kubernetes ≥ 1.29): an init container with `restartPolicy: Always` (a native
 *   sidecar). The kubelet sends it SIGTERM when the main container has ended; from then it waits
 *   for the release at most `windowSeconds` and exits 0. `terminationGracePeriodSeconds` is set a
 *   little above the window so the kubelet does not kill it first.
 * - `regular` (older servers): an ordinary second container in a Pod with
 *   `shareProcessNamespace: true`. It counts the window down while no process of another
 *   container is alive (a container's first process has parent PID 0 in the shared namespace;
 *   PID 1 is the pause container) and exits 0 on release or when the window runs out.
 *
 * Either way the collector exits 0, so the task's outcome is the main container's exit code.
 */
import type { Container, PodSpec, Volume, VolumeMount } from 'kubernetes-types/core/v1';

export const MAIN_CONTAINER = 'main';
export const COLLECTOR_CONTAINER = 'keruta-collector';

export const KERUTA_ROOT = '/.keruta';
export const DOC_DIR = '/.keruta/doc';
export const TASK_DIR = '/.keruta/task';
export const TASK_JSON_PATH = '/.keruta/task/task.json';
export const CONTROL_DIR = '/.keruta/ctl';
export const RELEASE_FILE = '/.keruta/ctl/release';

export const DOC_VOLUME = 'keruta-doc';
export const TASK_VOLUME = 'keruta-task';
export const CONTROL_VOLUME = 'keruta-ctl';

/** What keruta execs in the collector to read `/.keruta/doc` as a tar stream on stdout. */
export const COLLECT_COMMAND: readonly string[] = ['tar', 'cf', '-', '-C', DOC_DIR, '.'];
/** What keruta execs in the collector to let it (and so the Pod) finish. */
export const RELEASE_COMMAND: readonly string[] = ['sh', '-c', `touch ${RELEASE_FILE}`];

export type CollectorMode = 'native' | 'regular';

/** Default collector image: small, pinned, with `sh` and `tar`. */
export const DEFAULT_COLLECTOR_IMAGE = 'busybox:1.36.1';
export const DEFAULT_COLLECT_WINDOW_SECONDS = 300;
/** Extra grace beyond the window so the kubelet's SIGKILL never beats the collector's own exit. */
export const GRACE_MARGIN_SECONDS = 15;

export const NATIVE_KEEPALIVE_SCRIPT = [
  `release=${RELEASE_FILE}`,
  'left=-1',
  // SIGTERM means the main container has ended: from now on wait at most the window.
  'trap \'left=$KERUTA_COLLECT_WINDOW_SECONDS\' TERM',
  'while [ ! -e "$release" ] && [ "$left" -ne 0 ]; do',
  '  sleep 1',
  '  if [ "$left" -gt 0 ]; then left=$((left - 1)); fi',
  'done',
  'exit 0',
].join('\n');

export const REGULAR_KEEPALIVE_SCRIPT = [
  `release=${RELEASE_FILE}`,
  'others_alive() {',
  '  for status in /proc/[0-9]*/status; do',
  '    pid=${status#/proc/}; pid=${pid%/status}',
  '    if [ "$pid" = 1 ] || [ "$pid" = $$ ]; then continue; fi',
  '    if grep -q "^PPid:[[:space:]]*0$" "$status" 2>/dev/null; then return 0; fi',
  '  done',
  '  return 1',
  '}',
  'left=$KERUTA_COLLECT_WINDOW_SECONDS',
  'while [ ! -e "$release" ] && [ "$left" -gt 0 ]; do',
  '  if others_alive; then left=$KERUTA_COLLECT_WINDOW_SECONDS; else left=$((left - 1)); fi',
  '  sleep 1',
  'done',
  'exit 0',
].join('\n');

export interface CollectorOptions {
  readonly mode: CollectorMode;
  readonly image: string;
  readonly windowSeconds: number;
}

/** The volume mounts the main container gets. */
export function mainContainerMounts(collect: boolean): VolumeMount[] {
  const mounts: VolumeMount[] = [{ name: TASK_VOLUME, mountPath: TASK_DIR, readOnly: true }];
  if (collect) mounts.push({ name: DOC_VOLUME, mountPath: DOC_DIR });
  return mounts;
}

export function collectorContainer(options: CollectorOptions): Container {
  const container: Container = {
    name: COLLECTOR_CONTAINER,
    image: options.image,
    imagePullPolicy: 'IfNotPresent',
    command: ['sh', '-c', options.mode === 'native' ? NATIVE_KEEPALIVE_SCRIPT : REGULAR_KEEPALIVE_SCRIPT],
    env: [{ name: 'KERUTA_COLLECT_WINDOW_SECONDS', value: String(options.windowSeconds) }],
    volumeMounts: [
      { name: DOC_VOLUME, mountPath: DOC_DIR, readOnly: true },
      { name: CONTROL_VOLUME, mountPath: CONTROL_DIR },
    ],
    resources: {
      requests: { cpu: '10m', memory: '16Mi' },
      limits: { cpu: '200m', memory: '64Mi' },
    },
  };
  if (options.mode === 'native') container.restartPolicy = 'Always';
  return container;
}

/** Adds the collector and its volumes to a Pod spec that already holds the main container. */
export function withCollector(spec: PodSpec, options: CollectorOptions): PodSpec {
  const collector = collectorContainer(options);
  const volumes: Volume[] = [
    ...(spec.volumes ?? []),
    { name: DOC_VOLUME, emptyDir: {} },
    { name: CONTROL_VOLUME, emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
  ];
  // Keys in reading order: pod-level settings, then init containers, containers and volumes.
  const { initContainers, containers, volumes: _volumes, ...podLevel } = spec;
  if (options.mode === 'native') {
    return {
      ...podLevel,
      terminationGracePeriodSeconds: options.windowSeconds + GRACE_MARGIN_SECONDS,
      initContainers: [...(initContainers ?? []), collector],
      containers,
      volumes,
    };
  }
  return {
    ...podLevel,
    shareProcessNamespace: true,
    ...(initContainers ? { initContainers } : {}),
    containers: [...containers, collector],
    volumes,
  };
}
