/**
 * The kubelet's volume setup for a Pod: `emptyDir` (and anything the simulator cannot back, such as
 * hostPath or PVCs) is an empty writable tree shared by the Pod's containers; `downwardAPI`,
 * `secret` and `projected` volumes are read-only files computed from the Pod and the store.
 */
import type { Store } from '../types';
import { fieldValue, type PodView, readSecretBytes, resourceFieldValue } from './env';
import { type DirNode, newDir, type PodVolume, putFile } from './podFileSystem';

export interface ManagedVolume extends PodVolume {
  /** Recomputes the files (downward API volumes follow label and annotation changes). */
  readonly refresh?: (pod: PodView) => void;
}

export type VolumeSetup = { readonly ok: true; readonly volumes: Map<string, ManagedVolume> } | { readonly ok: false; readonly message: string };

interface DownwardItem {
  readonly path: string;
  readonly fieldRef?: { readonly fieldPath: string };
  readonly resourceFieldRef?: { readonly containerName?: string; readonly resource: string; readonly divisor?: string | number };
}

function writeDownward(root: DirNode, items: readonly DownwardItem[], pod: PodView): void {
  for (const item of items) {
    let value = '';
    if (item.fieldRef) value = fieldValue(pod, item.fieldRef.fieldPath) ?? '';
    else if (item.resourceFieldRef) {
      const ref = item.resourceFieldRef;
      const container = [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])].find((c) => c.name === ref.containerName);
      value = resourceFieldValue(pod, container, ref.resource, ref.divisor);
    }
    putFile(root, item.path, value);
  }
}

/** Secret keys as files (all of them, or the listed `items`); an error message when it is missing and not optional. */
function writeSecret(
  root: DirNode,
  store: Store,
  namespace: string,
  source: { secretName?: string; name?: string; items?: { key: string; path: string }[]; optional?: boolean },
): string | undefined {
  const name = source.secretName ?? source.name ?? '';
  const data = readSecretBytes(store, namespace, name);
  if (!data) return source.optional ? undefined : `secret "${name}" not found`;
  if (source.items) {
    for (const item of source.items) {
      const value = data[item.key];
      if (value === undefined) {
        if (source.optional) continue;
        return `references non-existent secret key: ${item.key}`;
      }
      putFile(root, item.path, value);
    }
  } else {
    for (const [key, value] of Object.entries(data)) putFile(root, key, value);
  }
  return undefined;
}

const FAKE_TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImtlcnV0YS1zaW0ifQ.eyJpc3MiOiJrZXJ1dGEtc2ltIn0.c2ltdWxhdGVk';

/** Sets up every volume of the Pod, or says why the Pod must stay in ContainerCreating. */
export function setUpVolumes(pod: PodView, store: Store): VolumeSetup {
  const namespace = pod.metadata.namespace ?? 'default';
  const volumes = new Map<string, ManagedVolume>();
  for (const volume of pod.spec.volumes ?? []) {
    const fail = (reason: string): VolumeSetup => ({ ok: false, message: `MountVolume.SetUp failed for volume "${volume.name}" : ${reason}` });
    if (volume.downwardAPI) {
      const items = volume.downwardAPI.items ?? [];
      const root = newDir();
      writeDownward(root, items, pod);
      volumes.set(volume.name, {
        name: volume.name,
        root,
        readOnly: true,
        refresh: (latest) => {
          root.children.clear();
          writeDownward(root, items, latest);
        },
      });
    } else if (volume.secret) {
      const root = newDir();
      const problem = writeSecret(root, store, namespace, volume.secret);
      if (problem) return fail(problem);
      volumes.set(volume.name, { name: volume.name, root, readOnly: true });
    } else if (volume.configMap) {
      // The simulator stores no ConfigMaps: only optional ones can be mounted (empty).
      if (!volume.configMap.optional) return fail(`configmap "${volume.configMap.name ?? ''}" not found`);
      volumes.set(volume.name, { name: volume.name, root: newDir(), readOnly: true });
    } else if (volume.projected) {
      const root = newDir();
      for (const source of volume.projected.sources ?? []) {
        if (source.secret) {
          const problem = writeSecret(root, store, namespace, source.secret);
          if (problem) return fail(problem);
        } else if (source.downwardAPI) {
          writeDownward(root, source.downwardAPI.items ?? [], pod);
        } else if (source.serviceAccountToken) {
          putFile(root, source.serviceAccountToken.path, FAKE_TOKEN);
        } else if (source.configMap && !source.configMap.optional) {
          return fail(`configmap "${source.configMap.name ?? ''}" not found`);
        }
      }
      volumes.set(volume.name, { name: volume.name, root, readOnly: true });
    } else {
      // emptyDir, and anything else the simulator cannot back (hostPath, PVC, …): an empty tree.
      volumes.set(volume.name, { name: volume.name, root: newDir(0o777), readOnly: false });
    }
  }
  return { ok: true, volumes };
}
