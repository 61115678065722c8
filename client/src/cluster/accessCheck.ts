/**
 * "Keruta: Check Cluster Access" without the UI: the server version and a SelfSubjectAccessReview
 * for every permission Keruta needs, with the Role rules to add for the denied ones. No `vscode`.
 */
import * as l10n from '@vscode/l10n';
import { type ClusterError, explainClusterError, formatRbacRule } from './errors';
import type { K8s, KubeConfig } from './kubeConfig';

export interface Permission {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  /** What Keruta needs it for (translated when shown). */
  readonly purpose: string;
}

export const REQUIRED_PERMISSIONS: readonly Permission[] = [
  { verb: 'create', group: 'batch', resource: 'jobs', purpose: 'run a task' },
  { verb: 'get', group: 'batch', resource: 'jobs', purpose: 'show a run' },
  { verb: 'list', group: 'batch', resource: 'jobs', purpose: 'track runs' },
  { verb: 'watch', group: 'batch', resource: 'jobs', purpose: 'track runs live' },
  { verb: 'delete', group: 'batch', resource: 'jobs', purpose: 'stop a run and clean up finished Jobs' },
  { verb: 'get', group: '', resource: 'pods', purpose: 'show the Pods of a run' },
  { verb: 'list', group: '', resource: 'pods', purpose: 'track the Pods of runs' },
  { verb: 'watch', group: '', resource: 'pods', purpose: 'track the Pods of runs live' },
  { verb: 'get', group: '', resource: 'pods', subresource: 'log', purpose: 'show logs' },
  { verb: 'get', group: '', resource: 'pods', subresource: 'exec', purpose: 'collect /.keruta/doc' },
  { verb: 'create', group: '', resource: 'pods', subresource: 'exec', purpose: 'collect /.keruta/doc' },
];

export interface PermissionResult {
  readonly permission: Permission;
  readonly allowed: boolean;
  /** The authorizer's reason, when it gives one. */
  readonly reason?: string;
}

export interface ServerVersion {
  readonly major: number;
  readonly minor: number;
  readonly gitVersion: string;
}

export interface AccessReport {
  readonly server: string;
  readonly context?: string;
  readonly namespace: string;
  readonly version: ServerVersion;
  readonly results: readonly PermissionResult[];
  /** A Role in YAML with exactly the denied permissions; empty when nothing is denied. */
  readonly missingRules: string;
}

export function permissionLabel(permission: Permission): string {
  const resource = permission.subresource ? `${permission.resource}/${permission.subresource}` : permission.resource;
  return `${permission.verb} ${permission.group === '' ? resource : `${resource}.${permission.group}`}`;
}

/** Parses "32", "32+" (GKE, EKS) or falls back to the gitVersion. */
function versionNumber(text: string | undefined, fallback: number): number {
  const match = /^(\d+)/.exec(text ?? '');
  return match ? Number(match[1]) : fallback;
}

/** The Role rules for the given (denied) permissions, one rule per group and resource. */
export function missingRulesYaml(denied: readonly Permission[], namespace: string): string {
  if (denied.length === 0) return '';
  const rules = new Map<string, { group: string; resource: string; verbs: string[] }>();
  for (const permission of denied) {
    const resource = permission.subresource ? `${permission.resource}/${permission.subresource}` : permission.resource;
    const key = `${permission.group}\u0000${resource}`;
    const rule = rules.get(key) ?? { group: permission.group, resource, verbs: [] };
    if (!rule.verbs.includes(permission.verb)) rule.verbs.push(permission.verb);
    rules.set(key, rule);
  }
  return [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: Role',
    'metadata:',
    '  name: keruta',
    `  namespace: ${JSON.stringify(namespace)}`,
    'rules:',
    ...[...rules.values()].map((rule) => formatRbacRule(rule)),
  ].join('\n');
}

/**
 * Reads `/version` and reviews every permission in `namespace`. Resolves to `{ error }` when the
 * server cannot be asked (unreachable, 401, …), never rejects.
 */
export async function checkAccess(kc: KubeConfig, namespace: string, k8s: K8s): Promise<AccessReport | { error: ClusterError }> {
  const server = kc.getCurrentCluster()?.server ?? '';
  let version: ServerVersion;
  try {
    const info = await kc.makeApiClient(k8s.VersionApi).getCode();
    const fromGit = /^v(\d+)\.(\d+)/.exec(info.gitVersion ?? '');
    version = {
      major: versionNumber(info.major, Number(fromGit?.[1] ?? 0)),
      minor: versionNumber(info.minor, Number(fromGit?.[2] ?? 0)),
      gitVersion: info.gitVersion ?? '',
    };
  } catch (error) {
    return { error: explainClusterError(error, { verb: 'get', resource: 'version', group: '', server }) };
  }
  const authorization = kc.makeApiClient(k8s.AuthorizationV1Api);
  let results: PermissionResult[];
  try {
    results = await Promise.all(
      REQUIRED_PERMISSIONS.map(async (permission): Promise<PermissionResult> => {
        const review = await authorization.createSelfSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: {
              resourceAttributes: {
                namespace,
                verb: permission.verb,
                group: permission.group,
                resource: permission.resource,
                ...(permission.subresource ? { subresource: permission.subresource } : {}),
              },
            },
          },
        });
        const reason = review.status?.reason ?? review.status?.evaluationError;
        return { permission, allowed: review.status?.allowed === true, ...(reason ? { reason } : {}) };
      }),
    );
  } catch (error) {
    return { error: explainClusterError(error, { verb: 'create', resource: 'selfsubjectaccessreviews', group: 'authorization.k8s.io', server }) };
  }
  const denied = results.filter((result) => !result.allowed).map((result) => result.permission);
  const context = kc.getCurrentContext();
  return { server, ...(context ? { context } : {}), namespace, version, results, missingRules: missingRulesYaml(denied, namespace) };
}

/** The purposes, translated (the English text is the key, as in REQUIRED_PERMISSIONS). */
function purposeText(purpose: string): string {
  const translated: Record<string, string> = {
    'run a task': l10n.t('run a task'),
    'show a run': l10n.t('show a run'),
    'track runs': l10n.t('track runs'),
    'track runs live': l10n.t('track runs live'),
    'stop a run and clean up finished Jobs': l10n.t('stop a run and clean up finished Jobs'),
    'show the Pods of a run': l10n.t('show the Pods of a run'),
    'track the Pods of runs': l10n.t('track the Pods of runs'),
    'track the Pods of runs live': l10n.t('track the Pods of runs live'),
    'show logs': l10n.t('show logs'),
    'collect /.keruta/doc': l10n.t('collect /.keruta/doc'),
  };
  return translated[purpose] ?? purpose;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The report as Markdown. */
export function renderAccessReport(report: AccessReport): string {
  const denied = report.results.filter((result) => !result.allowed);
  const lines = [
    l10n.t('# Keruta cluster access'),
    '',
    ...(report.context ? [l10n.t('- **Context:** `{0}`', report.context)] : []),
    l10n.t('- **Server:** {0}', report.server),
    l10n.t('- **Namespace:** `{0}`', report.namespace),
    l10n.t('- **Kubernetes version:** {0} ({1}.{2})', report.version.gitVersion, report.version.major, report.version.minor),
    '',
    denied.length === 0
      ? l10n.t('All {0} permissions Keruta needs are granted.', report.results.length)
      : l10n.t('{0} of {1} permissions Keruta needs are denied.', denied.length, report.results.length),
    '',
    l10n.t('| Permission | Needed to | Allowed | Reason |'),
    '|---|---|---|---|',
    ...report.results.map(
      (result) =>
        `| \`${permissionLabel(result.permission)}\` | ${escapeCell(purposeText(result.permission.purpose))} | ${result.allowed ? l10n.t('✅ yes') : l10n.t('❌ no')} | ${escapeCell(result.reason ?? '')} |`,
    ),
  ];
  if (report.missingRules !== '') {
    lines.push(
      '',
      l10n.t('## What to add'),
      '',
      l10n.t('Ask a cluster administrator to grant these rules in namespace `{0}` (a Role, bound with a RoleBinding to your user or service account):', report.namespace),
      '',
      '```yaml',
      report.missingRules,
      '```',
    );
  }
  return `${lines.join('\n')}\n`;
}
