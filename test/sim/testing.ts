/** Manifests and waits shared by the simulator's tests. */
import type { Simulator } from './simulator';
import type { KubeObject, StoreEvent } from './types';

export function jobManifest(name: string, image = 'busybox:1.36.1', extra: { restartPolicy?: string; env?: { name: string; value: string }[]; backoffLimit?: number; collector?: boolean } = {}): KubeObject {
  const containers: Record<string, unknown>[] = [
    {
      name: 'main',
      image,
      env: extra.env ?? [
        { name: 'KERUTA_TASK_ID', value: '123' },
        { name: 'KERUTA_TASK_TITLE', value: 'Sample' },
      ],
      volumeMounts: [{ name: 'keruta-doc', mountPath: '/.keruta/doc' }],
    },
  ];
  const spec: Record<string, unknown> = {
    restartPolicy: extra.restartPolicy ?? 'Never',
    containers,
    volumes: [
      { name: 'keruta-doc', emptyDir: {} },
      { name: 'keruta-ctl', emptyDir: {} },
    ],
  };
  if (extra.collector !== false) {
    spec['initContainers'] = [
      {
        name: 'keruta-collector',
        image: 'busybox:1.36.1',
        restartPolicy: 'Always',
        command: ['sh', '-c', 'while [ ! -e /.keruta/ctl/release ]; do sleep 1; done'],
        env: [{ name: 'KERUTA_COLLECT_WINDOW_SECONDS', value: '300' }],
        volumeMounts: [
          { name: 'keruta-doc', mountPath: '/.keruta/doc', readOnly: true },
          { name: 'keruta-ctl', mountPath: '/.keruta/ctl' },
        ],
      },
    ];
  }
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'keruta' } },
    spec: { backoffLimit: extra.backoffLimit ?? 0, template: { spec } },
  };
}

/**
 * Resolves with `probe()`'s first defined value: checked now, on every store event, and every
 * 20 ms (for state outside the store, such as counters).
 */
export function waitFor<T>(sim: Simulator, probe: () => T | undefined, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  return new Promise((resolve, reject) => {
    const now = probe();
    if (now !== undefined) return resolve(now);
    const finish = (): void => {
      clearTimeout(timer);
      clearInterval(poll);
      unsubscribe();
    };
    const check = (): void => {
      const value = probe();
      if (value !== undefined) {
        finish();
        resolve(value);
      }
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const poll = setInterval(check, 20);
    const unsubscribe = sim.store.subscribe((_event: StoreEvent) => check());
  });
}

export function jobCondition(sim: Simulator, namespace: string, name: string, type: string): boolean {
  const job = sim.store.get('jobs', namespace, name) as { status?: { conditions?: { type: string; status: string }[] } } | undefined;
  return job?.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}

export function podsOf(sim: Simulator, namespace: string, job: string): KubeObject[] {
  return sim.store.list('pods', namespace).filter((pod) => pod.metadata.labels?.['job-name'] === job);
}
