// Discovery documents of the simulated API server, in the legacy (unaggregated) wire format that
// kubectl falls back to when /api and /apis answer with plain application/json:
//   GET /version                        → version.Info
//   GET /api                            → APIVersions
//   GET /apis                           → APIGroupList
//   GET /apis/<group>                   → APIGroup
//   GET /api/v1, /apis/<group>/<ver>    → APIResourceList
// and the Status body the real server returns for paths it does not serve.

import { createHash } from 'node:crypto';
import { GROUP_VERSIONS, type GroupVersionDef, type ResourceDef, groupVersionString } from './resources';

export interface VersionInfo {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
  readonly gitCommit: string;
  readonly gitTreeState: string;
  readonly buildDate: string;
  readonly goVersion: string;
  readonly compiler: string;
  readonly platform: string;
}

export const DEFAULT_VERSION = 'v1.32.0';

/** `/version`; `gitVersion` like `v1.32.0` (a `+suffix` or `-pre` part is kept in gitVersion only). */
export function versionInfo(gitVersion: string = DEFAULT_VERSION): VersionInfo {
  const match = /^v(\d+)\.(\d+)\.\d+/.exec(gitVersion);
  if (match?.[1] === undefined || match[2] === undefined) throw new Error(`not a Kubernetes version: ${gitVersion}`);
  return {
    major: match[1],
    minor: match[2],
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-12-11T00:00:00Z',
    goVersion: 'go1.23.4',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export interface ServerAddressByClientCIDR {
  readonly clientCIDR: string;
  readonly serverAddress: string;
}

function addresses(serverAddress: string): ServerAddressByClientCIDR[] {
  return [{ clientCIDR: '0.0.0.0/0', serverAddress }];
}

/** `/api` (the real server sends no apiVersion here). */
export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: addresses(serverAddress) };
}

function groupVersionForDiscovery(gv: GroupVersionDef): { groupVersion: string; version: string } {
  return { groupVersion: groupVersionString(gv), version: gv.version };
}

function namedGroups(groupVersions: readonly GroupVersionDef[]): Map<string, GroupVersionDef[]> {
  const groups = new Map<string, GroupVersionDef[]>();
  for (const gv of groupVersions) {
    if (gv.group === '') continue;
    groups.set(gv.group, [...(groups.get(gv.group) ?? []), gv]);
  }
  return groups;
}

function apiGroup(name: string, versions: readonly GroupVersionDef[]): object | undefined {
  const preferred = versions[0];
  if (preferred === undefined) return undefined;
  return { name, versions: versions.map(groupVersionForDiscovery), preferredVersion: groupVersionForDiscovery(preferred) };
}

/** `/apis` */
export function apiGroupList(groupVersions: readonly GroupVersionDef[] = GROUP_VERSIONS): object {
  const groups = [...namedGroups(groupVersions)].map(([name, versions]) => apiGroup(name, versions)).filter((g) => g !== undefined);
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** `/apis/<group>`, or undefined for a group that is not served. */
export function apiGroupDocument(group: string, groupVersions: readonly GroupVersionDef[] = GROUP_VERSIONS): object | undefined {
  const versions = namedGroups(groupVersions).get(group);
  const body = versions === undefined ? undefined : apiGroup(group, versions);
  return body === undefined ? undefined : { kind: 'APIGroup', apiVersion: 'v1', ...body };
}

/**
 * storageVersionHash as the API server computes it: the first 8 bytes of the SHA-256 of
 * `<group>/<version>/<kind>` of the storage version, base64-encoded.
 */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

function apiResources(resource: ResourceDef): object[] {
  const main: Record<string, unknown> = {
    name: resource.plural,
    singularName: resource.singular,
    namespaced: resource.namespaced,
    kind: resource.kind,
    verbs: [...resource.verbs],
  };
  if (resource.shortNames !== undefined) main['shortNames'] = [...resource.shortNames];
  if (resource.categories !== undefined) main['categories'] = [...resource.categories];
  if (resource.persisted) main['storageVersionHash'] = storageVersionHash(resource.group, resource.version, resource.kind);
  const subresources = resource.subresources.map((sub) => ({
    name: `${resource.plural}/${sub.name}`,
    singularName: '',
    namespaced: resource.namespaced,
    kind: sub.kind,
    verbs: [...sub.verbs],
  }));
  return [main, ...subresources];
}

/** `/api/v1` or `/apis/<group>/<version>` (the core list has no apiVersion, like the real one). */
export function apiResourceList(gv: GroupVersionDef): object {
  const resources = [...gv.resources]
    .flatMap(apiResources)
    .sort((a, b) => {
      const an = (a as { name: string }).name;
      const bn = (b as { name: string }).name;
      return an < bn ? -1 : an > bn ? 1 : 0;
    });
  const head = gv.group === '' ? { kind: 'APIResourceList' } : { kind: 'APIResourceList', apiVersion: 'v1' };
  return { ...head, groupVersion: groupVersionString(gv), resources };
}

export interface StatusBody {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure' | 'Success';
  readonly message: string;
  readonly reason: string;
  readonly details: Record<string, unknown>;
  readonly code: number;
}

/** The body the real server sends for a path it does not serve. */
export function notFoundStatus(): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server could not find the requested resource',
    reason: 'NotFound',
    details: {},
    code: 404,
  };
}

/** A Failure Status with the given code/reason/message (for handlers added later). */
export function failureStatus(code: number, reason: string, message: string, details: Record<string, unknown> = {}): StatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code };
}
