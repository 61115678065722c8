/**
 * Loads the kubeconfig the settings name (keruta.kubernetes.configPath, .context, .inCluster) into
 * a client-node KubeConfig, with a clear error for every way that can fail (localized with
 * `@vscode/l10n`). No `vscode` import; the caller passes the lazily imported client-node module.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as l10n from '@vscode/l10n';
import type { ClusterError } from './errors';

import type * as K8sModule from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

export type K8s = typeof K8sModule;
export type KubeConfig = InstanceType<K8s['KubeConfig']>;

export interface KubeConfigOptions {
  /** keruta.kubernetes.configPath; empty for the default (KUBECONFIG, then ~/.kube/config). */
  readonly configPath: string;
  /** keruta.kubernetes.context; empty for the kubeconfig's current-context. */
  readonly context: string;
  /** keruta.kubernetes.inCluster: use the Pod's service account. */
  readonly inCluster: boolean;
}

export interface LoadedKubeConfig {
  readonly kc: KubeConfig;
  readonly contextName: string;
  readonly server: string;
  /** The context's namespace, if it sets one. */
  readonly namespace?: string;
}

/** Where the process looks; tests override it. */
export interface KubeConfigEnvironment {
  readonly env?: NodeJS.ProcessEnv;
  readonly homeDir?: string;
  /** Root of the service-account files (default ""), as client-node's `loadFromCluster(pathPrefix)`. */
  readonly serviceAccountPrefix?: string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Translated when asked for, not at load time (the bundle is configured later). */
function configFix(): string {
  return l10n.t('Fix keruta.kubernetes.configPath, or clear it to use the default kubeconfig (KUBECONFIG or ~/.kube/config).');
}

/** Which kubeconfig file a message is about: each has its own whole-sentence templates. */
type ConfigFileRole = 'configPath' | 'KUBECONFIG' | 'default';

function configError(message: string, fix: string): { error: ClusterError } {
  return { error: { kind: 'config', message, fix } };
}

function expandHome(file: string, home: string): string {
  if (file === '~') return home;
  if (file.startsWith('~/') || file.startsWith('~\\')) return path.join(home, file.slice(2));
  return file;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.trim() ?? '';
}

/** Checks that a file can be read, with the reason when it cannot. */
function checkReadable(file: string, role: ConfigFileRole): { error: ClusterError } | undefined {
  const pick = (texts: Record<ConfigFileRole, () => string>): string => texts[role]();
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) {
      return configError(
        pick({
          configPath: () => l10n.t('The kubeconfig file {0} is a directory, not a kubeconfig file.', file),
          KUBECONFIG: () => l10n.t('The kubeconfig file (from KUBECONFIG) {0} is a directory, not a kubeconfig file.', file),
          default: () => l10n.t('The default kubeconfig {0} is a directory, not a kubeconfig file.', file),
        }),
        configFix(),
      );
    }
    fs.accessSync(file, fs.constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') {
      return configError(
        pick({
          configPath: () => l10n.t('The kubeconfig file {0} does not exist.', file),
          KUBECONFIG: () => l10n.t('The kubeconfig file (from KUBECONFIG) {0} does not exist.', file),
          default: () => l10n.t('The default kubeconfig {0} does not exist.', file),
        }),
        configFix(),
      );
    }
    if (code === 'EACCES' || code === 'EPERM') {
      return configError(
        pick({
          configPath: () => l10n.t('The kubeconfig file {0} cannot be read (permission denied).', file),
          KUBECONFIG: () => l10n.t('The kubeconfig file (from KUBECONFIG) {0} cannot be read (permission denied).', file),
          default: () => l10n.t('The default kubeconfig {0} cannot be read (permission denied).', file),
        }),
        l10n.t('Make the file readable by your user, or fix keruta.kubernetes.configPath, or clear it to use the default kubeconfig (KUBECONFIG or ~/.kube/config).'),
      );
    }
    const reason = firstLine(error);
    return configError(
      pick({
        configPath: () => l10n.t('The kubeconfig file {0} cannot be read: {1}.', file, reason),
        KUBECONFIG: () => l10n.t('The kubeconfig file (from KUBECONFIG) {0} cannot be read: {1}.', file, reason),
        default: () => l10n.t('The default kubeconfig {0} cannot be read: {1}.', file, reason),
      }),
      configFix(),
    );
  }
}

function loadInCluster(kc: KubeConfig, environment: KubeConfigEnvironment): { error: ClusterError } | undefined {
  const env = environment.env ?? process.env;
  const prefix = environment.serviceAccountPrefix ?? '';
  const tokenFile = `${prefix}${SERVICE_ACCOUNT_DIR}/token`;
  const fix = l10n.t('Turn off keruta.kubernetes.inCluster to use a kubeconfig, or run VS Code in a Pod with a service account token mounted.');
  if (!env['KUBERNETES_SERVICE_HOST'] || !env['KUBERNETES_SERVICE_PORT']) {
    return configError(l10n.t('keruta.kubernetes.inCluster is on, but KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set: VS Code is not running inside a Kubernetes Pod.'), fix);
  }
  if (!fs.existsSync(tokenFile)) {
    return configError(l10n.t('keruta.kubernetes.inCluster is on, but there is no service account token at {0}.', tokenFile), fix);
  }
  const saved = { host: process.env['KUBERNETES_SERVICE_HOST'], port: process.env['KUBERNETES_SERVICE_PORT'] };
  // client-node reads the address from process.env; pass the environment given.
  process.env['KUBERNETES_SERVICE_HOST'] = env['KUBERNETES_SERVICE_HOST'];
  process.env['KUBERNETES_SERVICE_PORT'] = env['KUBERNETES_SERVICE_PORT'];
  try {
    kc.loadFromCluster(prefix);
  } finally {
    if (saved.host === undefined) delete process.env['KUBERNETES_SERVICE_HOST'];
    else process.env['KUBERNETES_SERVICE_HOST'] = saved.host;
    if (saved.port === undefined) delete process.env['KUBERNETES_SERVICE_PORT'];
    else process.env['KUBERNETES_SERVICE_PORT'] = saved.port;
  }
  return undefined;
}

function loadDefault(kc: KubeConfig, environment: KubeConfigEnvironment): { error: ClusterError } | { source: string } {
  const env = environment.env ?? process.env;
  const home = environment.homeDir ?? os.homedir();
  const list = (env['KUBECONFIG'] ?? '').split(path.delimiter).filter((file) => file !== '');
  if (list.length > 0) {
    for (const file of list) {
      const problem = checkReadable(file, 'KUBECONFIG');
      if (problem) return { error: { ...problem.error, fix: l10n.t('Fix the KUBECONFIG environment variable, or set keruta.kubernetes.configPath to a kubeconfig file.') } };
    }
    const [first, ...rest] = list as [string, ...string[]];
    kc.loadFromFile(first);
    for (const file of rest) {
      const other = new (kc.constructor as new () => KubeConfig)();
      other.loadFromFile(file);
      kc.mergeConfig(other);
    }
    return { source: `KUBECONFIG (${list.join(path.delimiter)})` };
  }
  const file = path.join(home, '.kube', 'config');
  if (fs.existsSync(file)) {
    const problem = checkReadable(file, 'default');
    if (problem) return problem;
    kc.loadFromFile(file);
    return { source: file };
  }
  return configError(
    l10n.t('No kubeconfig was found: KUBECONFIG is not set and {0} does not exist.', file),
    l10n.t('Set keruta.kubernetes.configPath to your kubeconfig file, set KUBECONFIG before starting VS Code, or turn on keruta.kubernetes.inCluster when VS Code runs in a Pod.'),
  );
}

/** Loads and checks the kubeconfig; `k8s` is the lazily imported `@kubernetes/client-node`. */
export function loadKubeConfig(options: KubeConfigOptions, k8s: K8s, environment: KubeConfigEnvironment = {}): LoadedKubeConfig | { error: ClusterError } {
  const kc = new k8s.KubeConfig();
  let source: string;
  try {
    if (options.inCluster) {
      const problem = loadInCluster(kc, environment);
      if (problem) return problem;
      // Stands where a kubeconfig's path stands in the messages below.
      source = l10n.t('the in-cluster service account');
    } else if (options.configPath.trim() !== '') {
      const file = path.resolve(expandHome(options.configPath.trim(), environment.homeDir ?? os.homedir()));
      const problem = checkReadable(file, 'configPath');
      if (problem) return problem;
      kc.loadFromFile(file);
      source = file;
    } else {
      const loaded = loadDefault(kc, environment);
      if ('error' in loaded) return loaded;
      source = loaded.source;
    }
  } catch (error) {
    return configError(
      l10n.t('The kubeconfig is not valid: {0}.', firstLine(error)),
      options.inCluster
        ? l10n.t('Check the service account files of the Pod.')
        : l10n.t('Fix the YAML of the kubeconfig (kubectl config view shows what kubectl makes of it), or point keruta.kubernetes.configPath at another file.'),
    );
  }

  const contexts = kc.getContexts().map((context) => context.name);
  if (contexts.length === 0) {
    return configError(
      l10n.t('The kubeconfig {0} defines no contexts.', source),
      l10n.t('Add a context to the kubeconfig (kubectl config set-context), or point keruta.kubernetes.configPath at another file.'),
    );
  }
  // A sentence of its own, after the one that says what is wrong.
  const available = l10n.t('Available contexts: {0}.', contexts.join(', '));
  const wanted = options.inCluster ? '' : options.context.trim();
  if (wanted !== '') {
    if (!contexts.includes(wanted)) {
      return configError(
        l10n.t('The context "{0}" (keruta.kubernetes.context) is not in the kubeconfig {1}. {2}', wanted, source, available),
        l10n.t('Set keruta.kubernetes.context to one of the available contexts, or clear it to use the current-context.'),
      );
    }
    kc.setCurrentContext(wanted);
  }
  const contextName = kc.getCurrentContext();
  if (!contextName) {
    return configError(
      l10n.t('The kubeconfig {0} has no current-context. {1}', source, available),
      l10n.t('Set keruta.kubernetes.context to one of the available contexts, or run kubectl config use-context.'),
    );
  }
  const context = kc.getContextObject(contextName);
  if (!context) {
    return configError(
      l10n.t('The current-context "{0}" of the kubeconfig {1} is not defined in it. {2}', contextName, source, available),
      l10n.t('Set keruta.kubernetes.context to one of the available contexts, or run kubectl config use-context.'),
    );
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    return configError(
      l10n.t('The context "{0}" refers to the cluster "{1}", which the kubeconfig {2} does not define.', contextName, String(context.cluster), source),
      l10n.t('Fix the context in the kubeconfig, or pick another with keruta.kubernetes.context.'),
    );
  }
  if (!kc.getCurrentUser()) {
    // client-node keeps a context without a user (`user` undefined): named as before, "undefined".
    return configError(
      l10n.t('The context "{0}" refers to the user "{1}", which the kubeconfig {2} does not define.', contextName, String(context.user), source),
      l10n.t('Fix the context in the kubeconfig, or pick another with keruta.kubernetes.context.'),
    );
  }
  const namespace = context.namespace?.trim();
  return { kc, contextName, server: cluster.server, ...(namespace ? { namespace } : {}) };
}
