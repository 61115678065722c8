/**
 * Turns failures of @kubernetes/client-node calls (ApiException with a raw Status body, network
 * and TLS errors, timeouts) into a message that names the cause and the fix. Localized with
 * `@vscode/l10n` (English without a loaded bundle). No `vscode` import.
 */
import * as l10n from '@vscode/l10n';

export type ClusterErrorKind =
  | 'config'
  | 'unreachable'
  | 'tls'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'namespace-not-found'
  | 'invalid'
  | 'conflict'
  | 'timeout'
  | 'server'
  | 'unknown';

export interface ClusterErrorCause {
  readonly field: string;
  readonly message: string;
}

export interface ClusterError {
  readonly kind: ClusterErrorKind;
  /** What went wrong, including the server's own Status message when there is one. */
  readonly message: string;
  /** What the user can do about it. */
  readonly fix: string;
  /** The `message` of the server's Status, verbatim. */
  readonly serverMessage?: string;
  /** Field errors of a 422 Invalid Status. */
  readonly causes?: readonly ClusterErrorCause[];
  /** The HTTP status code, when the server answered. */
  readonly code?: number;
}

/** The request that failed, used to name the missing RBAC rule and the missing namespace. */
export interface ClusterAction {
  /** `create`, `get`, `list`, `watch`, `delete`, … */
  readonly verb: string;
  /** `jobs`, `pods`, … */
  readonly resource: string;
  /** API group: `batch`, or `""` for the core group. */
  readonly group: string;
  /** `log`, `exec`, … */
  readonly subresource?: string;
  readonly namespace?: string;
  /** Object name, if the request was about one object. */
  readonly name?: string;
  /** The API server URL, to name it when it cannot be reached. */
  readonly server?: string;
}

/** The relevant part of a metav1.Status. */
interface StatusBody {
  readonly kind?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
  readonly details?: {
    readonly name?: string;
    readonly group?: string;
    readonly kind?: string;
    readonly causes?: readonly { readonly reason?: string; readonly message?: string; readonly field?: string }[];
  };
}

export interface RbacRule {
  readonly group: string;
  readonly resource: string;
  readonly verbs: readonly string[];
}

/** One Role rule in YAML, e.g. `- apiGroups: ["batch"]\n  resources: ["jobs"]\n  verbs: ["create"]`. */
export function formatRbacRule(rule: RbacRule): string {
  const list = (values: readonly string[]) => `[${values.map((value) => JSON.stringify(value)).join(', ')}]`;
  return `- apiGroups: ${list([rule.group])}\n  resources: ${list([rule.resource])}\n  verbs: ${list(rule.verbs)}`;
}

function resourcePath(action: ClusterAction): string {
  return action.subresource ? `${action.resource}/${action.subresource}` : action.resource;
}

/**
 * One whole-sentence template per way of naming the request (`verb "resource" (group) in namespace`):
 * the core group or a named one, with or without a namespace.
 */
interface TargetTemplates {
  readonly core: (verb: string, resource: string) => string;
  readonly coreIn: (verb: string, resource: string, namespace: string) => string;
  readonly group: (verb: string, resource: string, group: string) => string;
  readonly groupIn: (verb: string, resource: string, group: string, namespace: string) => string;
}

function forTarget(action: ClusterAction, templates: TargetTemplates): string {
  const resource = resourcePath(action);
  if (action.group === '') return action.namespace ? templates.coreIn(action.verb, resource, action.namespace) : templates.core(action.verb, resource);
  return action.namespace ? templates.groupIn(action.verb, resource, action.group, action.namespace) : templates.group(action.verb, resource, action.group);
}

/** One whole-sentence template per variant: with or without the server URL, with or without the low-level detail. */
interface ServerTemplates {
  readonly plain: () => string;
  readonly at: (server: string) => string;
  readonly because: (detail: string) => string;
  readonly atBecause: (server: string, detail: string) => string;
}

function forServer(server: string | undefined, detail: string, templates: ServerTemplates): string {
  if (server) return detail ? templates.atBecause(server, detail) : templates.at(server);
  return detail ? templates.because(detail) : templates.plain();
}

function parseStatus(body: unknown): StatusBody | undefined {
  let value: unknown = body;
  if (typeof body === 'string') {
    if (body.trim() === '') return undefined;
    try {
      value = JSON.parse(body);
    } catch {
      // A non-JSON body (a proxy's HTML page, plain text): keep a short first line of it.
      const line = body.trim().split('\n')[0] ?? '';
      return { message: line.length > 300 ? `${line.slice(0, 300)}…` : line };
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  return value;
}

function withServer(text: string, serverMessage: string | undefined): string {
  return serverMessage ? l10n.t('{0} Server message: {1}', text, serverMessage) : text;
}

function errorCodes(error: unknown): { codes: string[]; names: string[]; messages: string[] } {
  const codes: string[] = [];
  const names: string[] = [];
  const messages: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 6 || typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    const record = value as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof record.code === 'string') codes.push(record.code);
    if (typeof record.name === 'string') names.push(record.name);
    if (typeof record.message === 'string') messages.push(record.message);
    visit(record.cause, depth + 1);
    if (Array.isArray(record.errors)) for (const inner of record.errors) visit(inner, depth + 1);
  };
  visit(error, 0);
  return { codes, names, messages };
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ESOCKETTIMEDOUT']);
const TLS_CODE = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_|ERR_OSSL_)/;

function firstLine(text: string): string {
  const line = text.split('\n')[0]?.trim() ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function explainTransportError(error: unknown, action: ClusterAction): ClusterError | undefined {
  const { codes, names, messages } = errorCodes(error);
  const server = action.server;
  const detail = (() => {
    const code = codes.find((c) => UNREACHABLE_CODES.has(c) || TIMEOUT_CODES.has(c) || TLS_CODE.test(c));
    const text = messages.map(firstLine).find((m) => m !== '' && m !== 'fetch failed');
    if (code !== undefined && text !== undefined && text.includes(code)) return text;
    return [code, text].filter((part): part is string => part !== undefined && part !== '').join(': ');
  })();
  if (messages.some((m) => m.includes('HTTP protocol is not allowed when skipTLSVerify'))) {
    return {
      kind: 'tls',
      message: server
        ? l10n.t('The cluster server at {0} uses plain http://, which is refused unless TLS verification is skipped for it.', server)
        : l10n.t('The cluster server uses plain http://, which is refused unless TLS verification is skipped for it.'),
      fix: l10n.t('Use the https:// address of the API server, or set "insecure-skip-tls-verify: true" on the cluster in the kubeconfig (only for a local test cluster).'),
    };
  }
  if (codes.some((c) => TLS_CODE.test(c)) || messages.some((m) => /certificate|self[- ]signed|SSL routines|TLS/i.test(m))) {
    return {
      kind: 'tls',
      message: forServer(server, detail, {
        plain: () => l10n.t('The TLS connection to the cluster server failed.'),
        at: (at) => l10n.t('The TLS connection to the cluster server at {0} failed.', at),
        because: (because) => l10n.t('The TLS connection to the cluster server failed ({0}).', because),
        atBecause: (at, because) => l10n.t('The TLS connection to the cluster server at {0} failed ({1}).', at, because),
      }),
      fix: l10n.t('Check that the kubeconfig cluster has the right certificate-authority (or certificate-authority-data) and server name, and that the system clock is correct.'),
    };
  }
  if (codes.some((c) => TIMEOUT_CODES.has(c)) || names.includes('TimeoutError')) {
    return {
      kind: 'timeout',
      message: forServer(server, detail, {
        plain: () => l10n.t('The cluster server did not answer in time.'),
        at: (at) => l10n.t('The cluster server at {0} did not answer in time.', at),
        because: (because) => l10n.t('The cluster server did not answer in time ({0}).', because),
        atBecause: (at, because) => l10n.t('The cluster server at {0} did not answer in time ({1}).', at, because),
      }),
      fix: l10n.t('Check the network connection (VPN, proxy) to the cluster and that the API server is healthy, then try again.'),
    };
  }
  if (codes.some((c) => c === 'ENOTFOUND' || c === 'EAI_AGAIN')) {
    return {
      kind: 'unreachable',
      message: forServer(server, detail, {
        plain: () => l10n.t('The cluster server could not be found.'),
        at: (at) => l10n.t('The cluster server at {0} could not be found.', at),
        because: (because) => l10n.t('The cluster server could not be found ({0}).', because),
        atBecause: (at, because) => l10n.t('The cluster server at {0} could not be found ({1}).', at, because),
      }),
      fix: l10n.t('Check the server address of the current kubeconfig context, your DNS and VPN, or pick another context in keruta.kubernetes.context.'),
    };
  }
  if (codes.some((c) => UNREACHABLE_CODES.has(c)) || messages.some((m) => /fetch failed|socket hang up|other side closed|ECONNREFUSED/i.test(m))) {
    return {
      kind: 'unreachable',
      message: forServer(server, detail, {
        plain: () => l10n.t('The cluster server cannot be reached.'),
        at: (at) => l10n.t('The cluster server at {0} cannot be reached.', at),
        because: (because) => l10n.t('The cluster server cannot be reached ({0}).', because),
        atBecause: (at, because) => l10n.t('The cluster server at {0} cannot be reached ({1}).', at, because),
      }),
      fix: l10n.t('Check that the cluster is running and reachable from this machine (VPN, proxy, port-forward), and that keruta.kubernetes.context names the cluster you mean.'),
    };
  }
  if (names.includes('AbortError')) {
    return {
      kind: 'timeout',
      message: forServer(server, detail, {
        plain: () => l10n.t('The request to the cluster server was aborted.'),
        at: (at) => l10n.t('The request to the cluster server at {0} was aborted.', at),
        because: (because) => l10n.t('The request to the cluster server was aborted ({0}).', because),
        atBecause: (at, because) => l10n.t('The request to the cluster server at {0} was aborted ({1}).', at, because),
      }),
      fix: l10n.t('Try again.'),
    };
  }
  return undefined;
}

function explainStatus(code: number, status: StatusBody | undefined, action: ClusterAction): ClusterError {
  const serverMessage = status?.message && status.message !== '' ? status.message : undefined;
  const base = { code, ...(serverMessage !== undefined ? { serverMessage } : {}) };
  if (code === 401) {
    return {
      ...base,
      kind: 'unauthorized',
      message: withServer(l10n.t('The cluster rejected the credentials of the current kubeconfig user (401 Unauthorized).'), serverMessage),
      fix: l10n.t('Log in to the cluster again or refresh the token, client certificate or credential plugin of the kubeconfig user, then try again.'),
    };
  }
  if (code === 403) {
    const rule = formatRbacRule({ group: action.group, resource: resourcePath(action), verbs: [action.verb] });
    const denied = forTarget(action, {
      core: (verb, resource) => l10n.t('You are not allowed to {0} "{1}" (the core API group) (403 Forbidden).', verb, resource),
      coreIn: (verb, resource, namespace) => l10n.t('You are not allowed to {0} "{1}" (the core API group) in namespace "{2}" (403 Forbidden).', verb, resource, namespace),
      group: (verb, resource, group) => l10n.t('You are not allowed to {0} "{1}" (API group "{2}") (403 Forbidden).', verb, resource, group),
      groupIn: (verb, resource, group, namespace) => l10n.t('You are not allowed to {0} "{1}" (API group "{2}") in namespace "{3}" (403 Forbidden).', verb, resource, group, namespace),
    });
    return {
      ...base,
      kind: 'forbidden',
      message: withServer(denied, serverMessage),
      fix: action.namespace
        ? l10n.t('Ask a cluster administrator to add this rule to a Role bound to your user or service account in namespace "{0}":\n{1}\n(Keruta: Check Cluster Access lists every permission Keruta needs.)', action.namespace, rule)
        : l10n.t('Ask a cluster administrator to add this rule to a Role bound to your user or service account:\n{0}\n(Keruta: Check Cluster Access lists every permission Keruta needs.)', rule),
    };
  }
  if (code === 404) {
    const namespaceMatch = /^namespaces "([^"]*)" not found/.exec(serverMessage ?? '');
    if (namespaceMatch || status?.details?.kind === 'namespaces') {
      const namespace = namespaceMatch?.[1] ?? status?.details?.name ?? action.namespace ?? '';
      return {
        ...base,
        kind: 'namespace-not-found',
        message: withServer(l10n.t('The namespace "{0}" does not exist on the cluster.', namespace), serverMessage),
        fix: l10n.t("Create it (kubectl create namespace {0}) or set keruta.kubernetes.defaultNamespace (or the task's job.namespace) to an existing namespace.", namespace),
      };
    }
    const resource = resourcePath(action);
    const { name, namespace } = action;
    const notFound = name
      ? namespace
        ? l10n.t('{0} "{1}" was not found in namespace "{2}".', resource, name, namespace)
        : l10n.t('{0} "{1}" was not found.', resource, name)
      : namespace
        ? l10n.t('{0} was not found in namespace "{1}".', resource, namespace)
        : l10n.t('{0} was not found.', resource);
    return {
      ...base,
      kind: 'not-found',
      message: withServer(notFound, serverMessage),
      fix: l10n.t('It may have been deleted (a finished Job is removed after ttlSecondsAfterFinished); refresh and try again.'),
    };
  }
  if (code === 422 || code === 400) {
    const causes = (status?.details?.causes ?? [])
      .filter((cause) => cause.field !== undefined || cause.message !== undefined)
      .map((cause) => ({ field: cause.field ?? '', message: cause.message ?? cause.reason ?? '' }));
    // Field paths and the server's own messages, one a line: not translated.
    const list = causes.map((cause) => (cause.field ? `${cause.field}: ${cause.message}` : cause.message)).join('\n');
    const kind = status?.details?.kind ?? action.resource;
    return {
      ...base,
      kind: 'invalid',
      ...(causes.length > 0 ? { causes } : {}),
      message: withServer(code === 422 ? l10n.t('The server rejected the {0} as invalid (422).', kind) : l10n.t('The server rejected the request as malformed (400 Bad Request).'), serverMessage),
      fix: causes.length > 0 ? l10n.t('Fix these fields of the task or Job:\n{0}', list) : l10n.t('Fix the task or Job as the server message says, then try again.'),
    };
  }
  if (code === 409) {
    const exists = status?.reason === 'AlreadyExists';
    return {
      ...base,
      kind: 'conflict',
      message: withServer(exists ? l10n.t('An object with that name already exists.') : l10n.t('The object was changed by someone else at the same time (409 Conflict).'), serverMessage),
      fix: exists ? l10n.t('Delete the existing object or use another name, then try again.') : l10n.t('Refresh and try again.'),
    };
  }
  if (code === 408 || code === 504) {
    return {
      ...base,
      kind: 'timeout',
      message: withServer(l10n.t('The cluster timed out handling the request ({0}).', code), serverMessage),
      fix: l10n.t('Try again; if it keeps happening, check the health of the API server.'),
    };
  }
  if (code === 429 || code >= 500) {
    const statusReason = status?.reason;
    return {
      ...base,
      kind: 'server',
      message: withServer(
        statusReason
          ? l10n.t("The cluster's API server failed to handle the request ({0} {1}).", code, statusReason)
          : l10n.t("The cluster's API server failed to handle the request ({0}).", code),
        serverMessage,
      ),
      fix: code === 429 ? l10n.t('The server is throttling requests; wait a moment and try again.') : l10n.t('This is a problem on the cluster side; try again, and ask the cluster administrator if it persists.'),
    };
  }
  const reason = status?.reason;
  const answered = reason
    ? forTarget(action, {
        core: (verb, resource) => l10n.t('The cluster answered {0} "{1}" (the core API group) with HTTP {2} ({3}).', verb, resource, code, reason),
        coreIn: (verb, resource, namespace) => l10n.t('The cluster answered {0} "{1}" (the core API group) in namespace "{2}" with HTTP {3} ({4}).', verb, resource, namespace, code, reason),
        group: (verb, resource, group) => l10n.t('The cluster answered {0} "{1}" (API group "{2}") with HTTP {3} ({4}).', verb, resource, group, code, reason),
        groupIn: (verb, resource, group, namespace) =>
          l10n.t('The cluster answered {0} "{1}" (API group "{2}") in namespace "{3}" with HTTP {4} ({5}).', verb, resource, group, namespace, code, reason),
      })
    : forTarget(action, {
        core: (verb, resource) => l10n.t('The cluster answered {0} "{1}" (the core API group) with HTTP {2}.', verb, resource, code),
        coreIn: (verb, resource, namespace) => l10n.t('The cluster answered {0} "{1}" (the core API group) in namespace "{2}" with HTTP {3}.', verb, resource, namespace, code),
        group: (verb, resource, group) => l10n.t('The cluster answered {0} "{1}" (API group "{2}") with HTTP {3}.', verb, resource, group, code),
        groupIn: (verb, resource, group, namespace) => l10n.t('The cluster answered {0} "{1}" (API group "{2}") in namespace "{3}" with HTTP {4}.', verb, resource, group, namespace, code),
      });
  return {
    ...base,
    kind: 'unknown',
    message: withServer(answered, serverMessage),
    fix: l10n.t('Check the server message and try again.'),
  };
}

function isApiException(error: unknown): error is { code: number; body?: unknown } {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && code >= 100 && code <= 599;
}

/** A clear explanation of a failed cluster request; never a raw stack. */
export function explainClusterError(error: unknown, action: ClusterAction): ClusterError {
  if (isApiException(error)) return explainStatus(error.code, parseStatus(error.body), action);
  const transport = explainTransportError(error, action);
  if (transport) return transport;
  const text = error instanceof Error ? firstLine(error.message) : typeof error === 'string' ? firstLine(error) : '';
  const message = text
    ? forTarget(action, {
        core: (verb, resource) => l10n.t('Could not {0} "{1}" (the core API group): {2}', verb, resource, text),
        coreIn: (verb, resource, namespace) => l10n.t('Could not {0} "{1}" (the core API group) in namespace "{2}": {3}', verb, resource, namespace, text),
        group: (verb, resource, group) => l10n.t('Could not {0} "{1}" (API group "{2}"): {3}', verb, resource, group, text),
        groupIn: (verb, resource, group, namespace) => l10n.t('Could not {0} "{1}" (API group "{2}") in namespace "{3}": {4}', verb, resource, group, namespace, text),
      })
    : forTarget(action, {
        core: (verb, resource) => l10n.t('Could not {0} "{1}" (the core API group).', verb, resource),
        coreIn: (verb, resource, namespace) => l10n.t('Could not {0} "{1}" (the core API group) in namespace "{2}".', verb, resource, namespace),
        group: (verb, resource, group) => l10n.t('Could not {0} "{1}" (API group "{2}").', verb, resource, group),
        groupIn: (verb, resource, group, namespace) => l10n.t('Could not {0} "{1}" (API group "{2}") in namespace "{3}".', verb, resource, group, namespace),
      });
  return {
    kind: 'unknown',
    message,
    fix: l10n.t('Check the Keruta output log for details and try again.'),
  };
}

/** `message` and `fix` as one text, for a notification or a log line. */
export function formatClusterError(error: ClusterError): string {
  return `${error.message}\n${error.fix}`;
}
