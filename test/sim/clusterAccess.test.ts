/**
 * The cluster-access core (client/src/cluster) against the simulator: loading the kubeconfig,
 * the access check, and the explanation of every kind of failure.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { checkAccess, REQUIRED_PERMISSIONS, renderAccessReport, type AccessReport, permissionLabel } from '../../client/src/cluster/accessCheck';
import { type ClusterAction, type ClusterError, explainClusterError } from '../../client/src/cluster/errors';
import { type K8s, type LoadedKubeConfig, loadKubeConfig } from '../../client/src/cluster/kubeConfig';
import { type Simulator, startSimulator } from './simulator';
import { jobManifest } from './testing';

const CREATE_JOBS: ClusterAction = { verb: 'create', resource: 'jobs', group: 'batch', namespace: 'default' };

function loaded(result: LoadedKubeConfig | { error: ClusterError }): LoadedKubeConfig {
  if ('error' in result) assert.fail(`expected a kubeconfig, got: ${result.error.message}`);
  return result;
}

function failed(result: LoadedKubeConfig | { error: ClusterError }): ClusterError {
  if (!('error' in result)) assert.fail('expected an error');
  return result.error;
}

function report(result: AccessReport | { error: ClusterError }): AccessReport {
  if ('error' in result) assert.fail(`expected a report, got: ${result.error.message}`);
  return result;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return assert.fail('expected a failure');
}

describe('cluster access', () => {
  let k8s: K8s;
  let sim: Simulator;
  let dir: string;
  let simConfig: string;

  before(async () => {
    k8s = await import('@kubernetes/client-node');
    sim = await startSimulator({ timeScale: 0.02 });
    dir = await mkdtemp(path.join(os.tmpdir(), 'keruta-cluster-'));
    simConfig = path.join(dir, 'sim.kubeconfig');
    await sim.writeKubeconfig(simConfig);
  });
  after(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    sim.rbac.allowAll();
    sim.faults.reset();
  });

  const load = (context = '') => loaded(loadKubeConfig({ configPath: simConfig, context, inCluster: false }, k8s));

  describe('loadKubeConfig', () => {
    test('loads a file by path, with its current context, server and namespace', () => {
      const config = load();
      assert.equal(config.contextName, 'keruta-sim');
      assert.equal(config.server, sim.url);
      assert.equal(config.namespace, 'default');
    });

    test('picks the context the setting names; an unknown one lists the available contexts', async () => {
      const file = path.join(dir, 'two.kubeconfig');
      await writeFile(
        file,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          `- name: sim\n  cluster:\n    server: ${sim.url}\n    insecure-skip-tls-verify: true`,
          '- name: other\n  cluster:\n    server: https://other.example:6443',
          'users:',
          '- name: u\n  user:\n    token: t',
          'contexts:',
          '- name: prod\n  context:\n    cluster: other\n    user: u',
          '- name: dev\n  context:\n    cluster: sim\n    user: u\n    namespace: team-a',
          'current-context: prod',
        ].join('\n'),
      );
      const dev = loaded(loadKubeConfig({ configPath: file, context: 'dev', inCluster: false }, k8s));
      assert.deepEqual([dev.contextName, dev.server, dev.namespace], ['dev', sim.url, 'team-a']);
      const prod = loaded(loadKubeConfig({ configPath: file, context: '', inCluster: false }, k8s));
      assert.deepEqual([prod.contextName, prod.server, prod.namespace], ['prod', 'https://other.example:6443', undefined]);
      const unknown = failed(loadKubeConfig({ configPath: file, context: 'staging', inCluster: false }, k8s));
      assert.equal(unknown.kind, 'config');
      assert.match(unknown.message, /"staging"/);
      assert.match(unknown.message, /Available contexts: prod, dev\./);
      assert.match(unknown.fix, /keruta\.kubernetes\.context/);
    });

    test('a missing, invalid or empty kubeconfig is a clear error', async () => {
      const missing = failed(loadKubeConfig({ configPath: path.join(dir, 'nope'), context: '', inCluster: false }, k8s));
      assert.equal(missing.kind, 'config');
      assert.match(missing.message, /does not exist/);
      assert.match(missing.fix, /keruta\.kubernetes\.configPath/);

      const invalidFile = path.join(dir, 'invalid.kubeconfig');
      await writeFile(invalidFile, 'clusters: [\n  - name: : :\n');
      const invalid = failed(loadKubeConfig({ configPath: invalidFile, context: '', inCluster: false }, k8s));
      assert.equal(invalid.kind, 'config');
      assert.match(invalid.message, /not valid/);
      assert.doesNotMatch(invalid.message, /\n\s+at /);

      const emptyFile = path.join(dir, 'empty.kubeconfig');
      await writeFile(emptyFile, 'apiVersion: v1\nkind: Config\n');
      const empty = failed(loadKubeConfig({ configPath: emptyFile, context: '', inCluster: false }, k8s));
      assert.match(empty.message, /no contexts/);

      const directory = failed(loadKubeConfig({ configPath: dir, context: '', inCluster: false }, k8s));
      assert.match(directory.message, /is a directory/);
    });

    test('the default kubeconfig comes from KUBECONFIG, else ~/.kube/config, else a clear error', () => {
      const fromEnv = loaded(loadKubeConfig({ configPath: '', context: '', inCluster: false }, k8s, { env: { KUBECONFIG: simConfig }, homeDir: dir }));
      assert.equal(fromEnv.server, sim.url);
      const none = failed(loadKubeConfig({ configPath: '', context: '', inCluster: false }, k8s, { env: {}, homeDir: dir }));
      assert.match(none.message, /No kubeconfig was found/);
      assert.match(none.fix, /keruta\.kubernetes\.configPath/);
    });

    test('in-cluster outside a Pod is a clear error', () => {
      const error = failed(loadKubeConfig({ configPath: simConfig, context: '', inCluster: true }, k8s, { env: {} }));
      assert.equal(error.kind, 'config');
      assert.match(error.message, /not running inside a Kubernetes Pod/);
      assert.match(error.fix, /keruta\.kubernetes\.inCluster/);
    });
  });

  describe('checkAccess', () => {
    test('all allowed: the version, every permission, no missing rules', async () => {
      const config = load();
      const result = report(await checkAccess(config.kc, 'default', k8s));
      assert.equal(result.server, sim.url);
      assert.deepEqual(result.version, sim.version);
      assert.equal(result.results.length, REQUIRED_PERMISSIONS.length);
      assert.ok(result.results.every((r) => r.allowed));
      assert.equal(result.missingRules, '');
      const markdown = renderAccessReport(result);
      assert.match(markdown, /All 11 permissions Keruta needs are granted/);
      assert.match(markdown, /`create pods\/exec`/);
      assert.doesNotMatch(markdown, /What to add/);
    });

    test('denials: missingRules holds exactly the denied permissions', async () => {
      sim.rbac.deny({ verb: 'create', resource: 'jobs' });
      sim.rbac.deny({ verb: 'delete', resource: 'jobs' });
      sim.rbac.deny({ verb: 'get', resource: 'pods/log' });
      sim.rbac.deny({ verb: 'create', resource: 'pods/exec' });
      const result = report(await checkAccess(load().kc, 'default', k8s));
      const denied = result.results.filter((r) => !r.allowed).map((r) => permissionLabel(r.permission));
      assert.deepEqual(denied, ['create jobs.batch', 'delete jobs.batch', 'get pods/log', 'create pods/exec']);
      assert.equal(
        result.missingRules,
        [
          'apiVersion: rbac.authorization.k8s.io/v1',
          'kind: Role',
          'metadata:',
          '  name: keruta',
          '  namespace: "default"',
          'rules:',
          '- apiGroups: ["batch"]\n  resources: ["jobs"]\n  verbs: ["create", "delete"]',
          '- apiGroups: [""]\n  resources: ["pods/log"]\n  verbs: ["get"]',
          '- apiGroups: [""]\n  resources: ["pods/exec"]\n  verbs: ["create"]',
        ].join('\n'),
      );
      const markdown = renderAccessReport(result);
      assert.match(markdown, /4 of 11 permissions Keruta needs are denied/);
      assert.ok(markdown.includes('```yaml\n' + result.missingRules + '\n```'));
    });

    test('a namespace-scoped denial only shows in that namespace', async () => {
      sim.rbac.deny({ verb: 'watch', resource: 'pods', namespace: 'team-b' });
      assert.equal(report(await checkAccess(load().kc, 'default', k8s)).missingRules, '');
      assert.match(report(await checkAccess(load().kc, 'team-b', k8s)).missingRules, /resources: \["pods"\]\n {2}verbs: \["watch"\]/);
    });

    test('an unreachable server is an error, not a rejection', async () => {
      sim.faults.refuseConnections = true;
      const result = await checkAccess(load().kc, 'default', k8s);
      assert.ok('error' in result);
      assert.equal(result.error.kind, 'unreachable');
      assert.ok(result.error.message.includes(sim.url));
    });
  });

  describe('explainClusterError', () => {
    const batch = () => load().kc.makeApiClient(k8s.BatchV1Api);

    test('403 on create jobs names the missing RBAC rule and keeps the server message', async () => {
      sim.rbac.deny({ verb: 'create', resource: 'jobs' });
      const error = explainClusterError(await rejection(batch().createNamespacedJob({ namespace: 'default', body: jobManifest('ca-403') as never })), CREATE_JOBS);
      assert.equal(error.kind, 'forbidden');
      assert.equal(error.code, 403);
      assert.equal(error.serverMessage, 'jobs.batch is forbidden: User "keruta-sim" cannot create resource "jobs" in API group "batch" in the namespace "default"');
      assert.ok(error.message.includes(error.serverMessage));
      assert.ok(error.fix.includes('- apiGroups: ["batch"]\n  resources: ["jobs"]\n  verbs: ["create"]'), error.fix);
      assert.match(error.fix, /namespace "default"/);
    });

    test('403 on a subresource names resource/subresource in the core group', async () => {
      sim.rbac.deny({ verb: 'get', resource: 'pods/log' });
      const core = load().kc.makeApiClient(k8s.CoreV1Api);
      const error = explainClusterError(await rejection(core.readNamespacedPodLog({ namespace: 'default', name: 'whatever' })), {
        verb: 'get',
        resource: 'pods',
        subresource: 'log',
        group: '',
        namespace: 'default',
      });
      assert.equal(error.kind, 'forbidden');
      assert.ok(error.fix.includes('- apiGroups: [""]\n  resources: ["pods/log"]\n  verbs: ["get"]'), error.fix);
    });

    test('404 of the namespace: create it or set keruta.kubernetes.defaultNamespace', async () => {
      const error = explainClusterError(await rejection(batch().createNamespacedJob({ namespace: 'missing', body: jobManifest('ca-404') as never })), { ...CREATE_JOBS, namespace: 'missing' });
      assert.equal(error.kind, 'namespace-not-found');
      assert.equal(error.serverMessage, 'namespaces "missing" not found');
      assert.match(error.message, /namespace "missing" does not exist/);
      assert.match(error.fix, /kubectl create namespace missing/);
      assert.match(error.fix, /keruta\.kubernetes\.defaultNamespace/);
    });

    test('404 of an object is not-found', async () => {
      const error = explainClusterError(await rejection(batch().readNamespacedJob({ namespace: 'default', name: 'ca-nope' })), { verb: 'get', resource: 'jobs', group: 'batch', namespace: 'default', name: 'ca-nope' });
      assert.equal(error.kind, 'not-found');
      assert.equal(error.serverMessage, 'jobs.batch "ca-nope" not found');
    });

    test('422 invalid Job lists the field causes', async () => {
      const error = explainClusterError(await rejection(batch().createNamespacedJob({ namespace: 'default', body: jobManifest('ca-422', 'busybox:1.36.1', { restartPolicy: 'Always' }) as never })), CREATE_JOBS);
      assert.equal(error.kind, 'invalid');
      assert.equal(error.code, 422);
      assert.match(error.serverMessage ?? '', /^Job\.batch "ca-422" is invalid: /);
      const cause = error.causes?.find((c) => c.field === 'spec.template.spec.restartPolicy');
      assert.ok(cause, JSON.stringify(error.causes));
      assert.ok(error.fix.includes(`spec.template.spec.restartPolicy: ${cause.message}`));
      assert.ok(error.message.includes(error.serverMessage ?? '∅'));
    });

    test('409 AlreadyExists is a conflict', async () => {
      await batch().createNamespacedJob({ namespace: 'default', body: jobManifest('ca-dup', 'keruta-sim/sleep', { collector: false }) as never });
      const error = explainClusterError(await rejection(batch().createNamespacedJob({ namespace: 'default', body: jobManifest('ca-dup') as never })), CREATE_JOBS);
      assert.equal(error.kind, 'conflict');
      assert.match(error.serverMessage ?? '', /already exists/);
    });

    test('an injected 500 is a server error with the server message', async () => {
      sim.faults.failNext(1);
      const error = explainClusterError(await rejection(batch().listNamespacedJob({ namespace: 'default' })), { verb: 'list', resource: 'jobs', group: 'batch', namespace: 'default' });
      assert.equal(error.kind, 'server');
      assert.equal(error.serverMessage, 'Internal error occurred: injected fault');
      assert.ok(error.message.includes('Internal error occurred: injected fault'));
    });

    test('refused connections and a stopped server are unreachable, without a stack', async () => {
      sim.faults.refuseConnections = true;
      const refused = explainClusterError(await rejection(batch().listNamespacedJob({ namespace: 'default' })), { verb: 'list', resource: 'jobs', group: 'batch', server: sim.url });
      assert.equal(refused.kind, 'unreachable', refused.message);
      sim.faults.refuseConnections = false;

      // A closed port: start a second simulator, remember its kubeconfig, stop it.
      const gone = await startSimulator();
      const file = path.join(dir, 'gone.kubeconfig');
      await gone.writeKubeconfig(file);
      await gone.close();
      const config = loaded(loadKubeConfig({ configPath: file, context: '', inCluster: false }, k8s));
      const error = explainClusterError(await rejection(config.kc.makeApiClient(k8s.BatchV1Api).listNamespacedJob({ namespace: 'default' })), {
        verb: 'list',
        resource: 'jobs',
        group: 'batch',
        server: config.server,
      });
      assert.equal(error.kind, 'unreachable');
      assert.match(error.message, /ECONNREFUSED/);
      assert.ok(error.message.includes(config.server));
      assert.doesNotMatch(`${error.message}\n${error.fix}`, /\n\s+at /);
    });

    test('401 with no body, TLS and timeout errors', () => {
      const unauthorized = explainClusterError(new k8s.ApiException(401, 'HTTP-Code: 401', undefined, {}), CREATE_JOBS);
      assert.equal(unauthorized.kind, 'unauthorized');
      assert.equal(unauthorized.serverMessage, undefined);
      assert.match(unauthorized.fix, /credential|token/);

      const tls = explainClusterError(Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }) }), CREATE_JOBS);
      assert.equal(tls.kind, 'tls');
      assert.match(tls.message, /SELF_SIGNED_CERT_IN_CHAIN/);

      const http = explainClusterError(new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false'), CREATE_JOBS);
      assert.equal(http.kind, 'tls');
      assert.match(http.fix, /insecure-skip-tls-verify/);

      const timeout = explainClusterError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), CREATE_JOBS);
      assert.equal(timeout.kind, 'timeout');

      const notFound = explainClusterError(Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' }) }), CREATE_JOBS);
      assert.equal(notFound.kind, 'unreachable');
      assert.match(notFound.message, /could not be found/);

      const unknown = explainClusterError(new Error('something odd\n    at frame (file.js:1:1)'), CREATE_JOBS);
      assert.equal(unknown.kind, 'unknown');
      assert.doesNotMatch(unknown.message, /at frame/);
    });
  });
});
