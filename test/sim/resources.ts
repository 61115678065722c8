// The simulator's resource catalogue: which group-versions and resources it claims to serve.
// Discovery (/api, /apis, /api/v1, /apis/<group>/<version>) and the OpenAPI paths are both derived
// from this one table, so they cannot disagree. A later REST storage layer should key off it too.

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

/** A subresource as the API server lists it in discovery (`pods/log`, `jobs/status`, ...). */
export interface SubresourceDef {
  readonly name: 'status' | 'log' | 'exec';
  /** Kind reported in discovery for the subresource (Pod for pods/log, PodExecOptions for pods/exec). */
  readonly kind: string;
  readonly verbs: readonly Verb[];
}

export interface ResourceDef {
  readonly group: string; // '' for the legacy core group
  readonly version: string;
  readonly kind: string;
  /** @kubernetes/client-node model class of the kind, e.g. 'V1Job'. */
  readonly model: string;
  /** Model class of the list kind, e.g. 'V1JobList'; absent for create-only kinds. */
  readonly listModel?: string;
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly verbs: readonly Verb[];
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  /** Whether the real server reports a storageVersionHash (only for persisted resources). */
  readonly persisted: boolean;
  readonly subresources: readonly SubresourceDef[];
}

export interface GroupVersionDef {
  readonly group: string;
  readonly version: string;
  readonly resources: readonly ResourceDef[];
}

const CRUD: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const CORE_V1: GroupVersionDef = {
  group: '',
  version: 'v1',
  resources: [
    {
      group: '', version: 'v1', kind: 'Namespace', model: 'V1Namespace', listModel: 'V1NamespaceList',
      plural: 'namespaces', singular: 'namespace', namespaced: false,
      // The real server has no deletecollection for namespaces.
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'],
      persisted: true, subresources: [],
    },
    {
      group: '', version: 'v1', kind: 'Pod', model: 'V1Pod', listModel: 'V1PodList',
      plural: 'pods', singular: 'pod', namespaced: true, verbs: CRUD, shortNames: ['po'], categories: ['all'],
      persisted: true,
      subresources: [
        { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
        { name: 'log', kind: 'Pod', verbs: ['get'] },
      ],
    },
    {
      group: '', version: 'v1', kind: 'Secret', model: 'V1Secret', listModel: 'V1SecretList',
      plural: 'secrets', singular: 'secret', namespaced: true, verbs: CRUD, persisted: true, subresources: [],
    },
  ],
};

export const BATCH_V1: GroupVersionDef = {
  group: 'batch',
  version: 'v1',
  resources: [
    {
      group: 'batch', version: 'v1', kind: 'Job', model: 'V1Job', listModel: 'V1JobList',
      plural: 'jobs', singular: 'job', namespaced: true, verbs: CRUD, categories: ['all'], persisted: true,
      subresources: [{ name: 'status', kind: 'Job', verbs: ['get', 'patch', 'update'] }],
    },
  ],
};

export const AUTHORIZATION_V1: GroupVersionDef = {
  group: 'authorization.k8s.io',
  version: 'v1',
  resources: [
    {
      group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', model: 'V1SelfSubjectAccessReview',
      plural: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', namespaced: false, verbs: ['create'],
      persisted: false, subresources: [],
    },
  ],
};

/** Every group-version the simulator serves, legacy core first (the order discovery lists them in). */
export const GROUP_VERSIONS: readonly GroupVersionDef[] = [CORE_V1, BATCH_V1, AUTHORIZATION_V1];

export function groupVersionString(gv: { group: string; version: string }): string {
  return gv.group === '' ? gv.version : `${gv.group}/${gv.version}`;
}

/** URL prefix of a group-version: `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPrefix(gv: { group: string; version: string }): string {
  return gv.group === '' ? `/api/${gv.version}` : `/apis/${gv.group}/${gv.version}`;
}

/** Key of a group-version in the /openapi/v3 index: `api/v1` or `apis/<group>/<version>`. */
export function openApiV3Key(gv: { group: string; version: string }): string {
  return groupVersionPrefix(gv).slice(1);
}
