/**
 * The real kubectl against the cluster simulator, with the kubeconfig the simulator writes.
 * Each test drives kubectl as a user would and checks what it prints.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import YAML from 'yaml';
import { type Simulator, startSimulator } from '../sim/simulator';
import { jobCondition, jobManifest, podsOf, waitFor } from '../sim/testing';
import { requireKubectl } from './kubectlHelper';

interface Result { code: number; stdout: string; stderr: string }

describe('real kubectl against the simulator', () => {
  let sim: Simulator;
  let dir: string;
  let kubectl: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    kubectl = await requireKubectl();
    sim = await startSimulator({ timeScale: 0.05 });
    dir = await mkdtemp(join(tmpdir(), 'keruta-sim-kubectl-'));
    await sim.writeKubeconfig(join(dir, 'kubeconfig'));
    env = { ...process.env, KUBECONFIG: join(dir, 'kubeconfig'), KUBECACHEDIR: join(dir, 'cache') };
  });
  after(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  function run(args: string[], stdin?: string, timeoutMs = 30_000): Promise<Result> {
    return new Promise((resolve) => {
      const child = execFile(kubectl, ['--request-timeout=10s', `--cache-dir=${join(dir, 'cache')}`, ...args], { env, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
      child.stdin?.end(stdin ?? '');
    });
  }

  async function createJob(name: string, image?: string, extra?: Parameters<typeof jobManifest>[2]): Promise<void> {
    const result = await run(['create', '-f', '-'], YAML.stringify(jobManifest(name, image, extra)));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`job.batch/${name} created`));
  }

  test('kubectl version shows the simulated server', async () => {
    const result = await run(['version']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Server Version: v1\.32\.0/);
  });

  test('create -f: a Job without restartPolicy Never is rejected with the real message and field path', async () => {
    const bad = jobManifest('bad-restart');
    (bad['spec'] as { template: { spec: Record<string, unknown> } }).template.spec['restartPolicy'] = 'Always';
    const result = await run(['create', '-f', '-'], YAML.stringify(bad));
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /The Job "bad-restart" is invalid: spec\.template\.spec\.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"/);
  });

  test('create -f: env names follow the server version (relaxed on 1.32)', async () => {
    const equals = jobManifest('bad-env', undefined, { env: [{ name: 'A=B', value: 'x' }] });
    const result = await run(['create', '-f', '-'], YAML.stringify(equals));
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /spec\.template\.spec\.containers\[0\]\.env\[0\]\.name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='/);
    const digit = await run(['create', '-f', '-', '--dry-run=server'], YAML.stringify(jobManifest('digit-env', undefined, { env: [{ name: '1ST', value: 'x' }] })));
    assert.equal(digit.code, 0, digit.stderr);
  });

  test('create, get -w, wait --for=condition=complete, logs, exec and cp out of the running sidecar, delete --cascade=background', async () => {
    await createJob('kubectl-flow');
    // get -w prints the Job as it changes; stop once it says Complete.
    const watcher = spawn(kubectl, ['get', 'jobs', 'kubectl-flow', '-w', '--no-headers'], { env });
    let watched = '';
    watcher.stdout.on('data', (chunk: Buffer) => (watched += chunk.toString()));

    // The main container ends; the native sidecar keeps the Pod (and so the Job) running until released.
    const pod = await waitFor(sim, () => {
      const found = podsOf(sim, 'default', 'kubectl-flow')[0];
      const main = found && sim.workloads.containerState('default', found.metadata.name!, 'main');
      return main?.state === 'terminated' ? found : undefined;
    }, 15_000, 'the main container to finish');
    const podName = pod.metadata.name!;

    const logs = await run(['logs', podName, '-c', 'main']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /^KERUTA_TASK_ID=123$/m);

    const cat = await run(['exec', podName, '-c', 'keruta-collector', '--', 'cat', '/.keruta/doc/README.md']);
    assert.equal(cat.code, 0, cat.stderr);
    assert.match(cat.stdout, /KERUTA_TASK_TITLE=Sample/);

    const copyTo = join(dir, 'copied');
    const cp = await run(['cp', '-c', 'keruta-collector', `${podName}:/.keruta/doc`, copyTo]);
    assert.equal(cp.code, 0, cp.stderr);
    assert.deepEqual(await readdir(copyTo), ['README.md']);
    assert.match(await readFile(join(copyTo, 'README.md'), 'utf8'), /KERUTA_TASK_ID=123/);

    const releaseExec = await run(['exec', podName, '-c', 'keruta-collector', '--', 'sh', '-c', 'touch /.keruta/ctl/release']);
    assert.equal(releaseExec.code, 0, releaseExec.stderr);

    const waited = await run(['wait', '--for=condition=complete', 'job/kubectl-flow', '--timeout=30s']);
    assert.equal(waited.code, 0, waited.stderr);
    assert.match(waited.stdout, /job.batch\/kubectl-flow condition met/);
    await waitFor(sim, () => (/Complete/.test(watched) ? true : undefined), 10_000, 'get -w to print Complete');
    watcher.kill();

    const followed = await run(['logs', '-f', 'job/kubectl-flow', '-c', 'main']);
    assert.equal(followed.code, 0, followed.stderr);
    assert.match(followed.stdout, /KERUTA_TASK_ID=123/);

    const deleted = await run(['delete', 'job', 'kubectl-flow', '--cascade=background']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /job.batch "kubectl-flow" deleted/);
    await waitFor(sim, () => (podsOf(sim, 'default', 'kubectl-flow').length === 0 ? true : undefined), 10_000, 'the pods to be collected');
    assert.equal(sim.store.get('jobs', 'default', 'kubectl-flow'), undefined);
  });

  test('exec into a finished container is refused (kubectl checks the phase; the server answers container not found)', async () => {
    await createJob('finished', 'busybox:1.36.1', { collector: false });
    await waitFor(sim, () => (jobCondition(sim, 'default', 'finished', 'Complete') ? true : undefined), 15_000, 'Complete');
    const podName = podsOf(sim, 'default', 'finished')[0]!.metadata.name!;
    const result = await run(['exec', podName, '-c', 'main', '--', 'ls']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /cannot exec into a container in a completed pod; current phase is Succeeded|container not found/);
  });

  test('a failing image: the Job fails with BackoffLimitExceeded and kubectl logs shows the output', async () => {
    await createJob('failing', 'keruta-sim/fail:3', { collector: false });
    const waited = await run(['wait', '--for=condition=failed', 'job/failing', '--timeout=30s']);
    assert.equal(waited.code, 0, waited.stderr);
    const job = await run(['get', 'job', 'failing', '-o', 'jsonpath={.status.conditions[?(@.type=="Failed")].reason}']);
    assert.equal(job.stdout, 'BackoffLimitExceeded');
    const pod = podsOf(sim, 'default', 'failing')[0]!;
    const exit = await run(['get', 'pod', pod.metadata.name!, '-o', 'jsonpath={.status.containerStatuses[0].state.terminated.exitCode}']);
    assert.equal(exit.stdout, '3');
  });

  test('auth can-i answers from the RBAC switches', async () => {
    const yes = await run(['auth', 'can-i', 'create', 'jobs']);
    assert.equal(yes.code, 0, yes.stderr);
    assert.equal(yes.stdout.trim(), 'yes');
    sim.rbac.deny({ verb: 'create', resource: 'pods/exec' });
    try {
      const no = await run(['auth', 'can-i', 'create', 'pods', '--subresource=exec']);
      assert.equal(no.stdout.trim(), 'no');
      assert.notEqual(no.code, 0);
      sim.rbac.deny({ verb: 'create', resource: 'jobs' });
      const forbidden = await run(['create', '-f', '-'], YAML.stringify(jobManifest('denied')));
      assert.notEqual(forbidden.code, 0);
      assert.match(forbidden.stderr, /jobs\.batch is forbidden: User "keruta-sim" cannot create resource "jobs" in API group "batch" in the namespace "default"/);
    } finally {
      sim.rbac.allowAll();
    }
  });

  test('the kubeconfig the simulator writes names its context and the default namespace', async () => {
    const config = YAML.parse(await readFile(join(dir, 'kubeconfig'), 'utf8')) as { 'current-context': string; contexts: { context: { namespace: string } }[] };
    assert.equal(config['current-context'], 'keruta-sim');
    assert.equal(config.contexts[0]!.context.namespace, 'default');
    await writeFile(join(dir, 'unused'), '');
  });
});
