/**
 * The README's first command (`npm run demo`): builds and packages the extension, then shows its
 * core job on the example workspace: every task file is parsed, each task is rendered into the
 * Job that "Keruta: Run Task" creates, and the real `kubectl` checks each Job against the bundled
 * cluster simulator (a client dry run with kubectl's schema validation); then the sample task runs
 * on the simulator through the extension's own run engine, end to end.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createClusterClient } from '../client/src/cluster/clusterClient';
import { loadKubeConfig } from '../client/src/cluster/kubeConfig';
import { parseProperties } from '../client/src/config/applicationProperties';
import { ArtifactService } from '../client/src/runs/artifactService';
import { FsTaskFiles } from '../client/src/runs/fsTaskFiles';
import { RunService } from '../client/src/runs/runService';
import { describeRunState } from '../client/src/runs/runState';
import { RunTracker } from '../client/src/runs/runTracker';
import { StatusWriter } from '../client/src/runs/statusWriter';
import { resolveSettings } from '../client/src/config/settingsResolver';
import { jobToYaml, renderJob } from '../server/src/core/jobRenderer';
import { collectorModeFor, renderOptionsFromSettings } from '../server/src/core/renderOptions';
import { APPLICATION_PROPERTIES_FILE, type KerutaSettings } from '../server/src/protocol';
import { parseTaskFile } from '../server/src/core/taskParser';
import { isTaskFileName } from '../server/src/core/taskModel';
import { kubectlDryRun, requireKubectl } from '../test/kubectl/kubectlHelper';
import { startSimulator } from '../test/sim/simulator';

const root = join(__dirname, '..');
const workspace = join(root, 'examples');
const out = join(root, 'dist', 'demo');

function step(title: string): void {
  console.log(`\n=== ${title}`);
}

function taskFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return taskFiles(path);
    return isTaskFileName(name) ? [path] : [];
  });
}

async function main(): Promise<void> {
  step('Build and package the extension (npm run package)');
  const pack = spawnSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (pack.status !== 0) throw new Error('npm run package failed');
  console.log(pack.stdout.split('\n').filter((line) => /DONE|esbuild:/.test(line)).join('\n'));

  step(`Render the tasks of ${relative(root, workspace)}/ into Jobs`);
  mkdirSync(out, { recursive: true });
  const settings = settingsOf(workspace);
  console.log(`  settings: namespace ${settings.kubernetes.defaultNamespace}, TTL ${settings.job.ttlSecondsAfterFinished}s, collector ${settings.collector.mode}`);
  const rendered: { id: string; file: string; yaml: string }[] = [];
  for (const file of taskFiles(workspace)) {
    const parsed = parseTaskFile(readFileSync(file, 'utf8'));
    for (const problem of parsed.problems) console.log(`  ${relative(root, file)}: ${problem.severity} ${problem.code}: ${problem.message}`);
    for (const { task } of parsed.tasks) {
      const result = renderJob(task, renderOptionsFromSettings(settings, { collectorMode: collectorModeFor(settings.collector.mode), taskFile: relative(workspace, file) }));
      for (const problem of result.problems) console.log(`  ${task.id}: ${problem.severity} ${problem.code}: ${problem.message}`);
      const yaml = jobToYaml(result.job);
      const target = join(out, `${task.id}.job.yaml`);
      writeFileSync(target, yaml);
      rendered.push({ id: task.id, file: target, yaml });
      console.log(`  ${task.id} (priority ${task.priority}, ${task.status}) → ${relative(root, target)}`);
    }
  }

  const sample = rendered.find((job) => job.id === '123');
  if (sample) {
    step('The seed sample task (id 123) as a Job');
    console.log(sample.yaml);
  }

  step('The real kubectl checks every Job against the cluster simulator (create --dry-run=client)');
  console.log(`  ${execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).split('\n')[0]}`);
  let failed = 0;
  for (const job of rendered) {
    const result = await kubectlDryRun(job.yaml);
    const verdict = result.code === 0 ? 'accepted' : `REJECTED (exit ${result.code}): ${result.stderr.trim()}`;
    if (result.code !== 0) failed++;
    console.log(`  ${job.id}: ${verdict}`);
  }
  if (failed > 0) throw new Error(`${failed} rendered Job(s) were rejected by kubectl`);

  if (sample) await runOnSimulator(settings);
  console.log(`\nThe extension package is dist/keruta.vsix; install it with "code --install-extension dist/keruta.vsix".`);
}

/**
 * Runs the sample task the way "Keruta: Run Task" does, with the extension's own run engine (the
 * same modules the extension host loads): the Job is created with @kubernetes/client-node, the
 * shared watch tracks it, the task file says IN_PROGRESS and then COMPLETED (comments kept),
 * `/.keruta/doc` is collected from the collector sidecar into the workspace and recorded on the
 * task. The real kubectl then shows the Job the simulator ran.
 */
async function runOnSimulator(settings: KerutaSettings): Promise<void> {
  step('Run the sample task on the cluster simulator with the extension\'s run engine');
  const kubectl = await requireKubectl();
  const sim = await startSimulator({ timeScale: 0.2 });
  const demoWorkspace = join(out, 'workspace');
  rmSync(demoWorkspace, { recursive: true, force: true });
  cpSync(workspace, demoWorkspace, { recursive: true });
  const kubeconfig = join(out, 'sim.kubeconfig');
  await sim.writeKubeconfig(kubeconfig);
  const k8s = await import('@kubernetes/client-node');
  const loaded = loadKubeConfig({ configPath: kubeconfig, context: '', inCluster: false }, k8s);
  if ('error' in loaded) throw new Error(loaded.error.message);
  const client = createClusterClient(loaded, k8s);
  const log = (message: string): void => console.log(`    [engine] ${message}`);
  const taskFile = join(demoWorkspace, 'sample.keruta.yaml');
  const tracker = new RunTracker(client, { log });
  const writer = new StatusWriter(new FsTaskFiles(), () => taskFile, tracker, { log });
  const artifacts = new ArtifactService(
    client,
    writer,
    () =>
      Promise.resolve({
        outputRoot: join(demoWorkspace, settings.collector.outputFolder),
        workspaceRoot: demoWorkspace,
        limits: { maxBytes: settings.collector.maxBytes, maxFiles: settings.collector.maxFiles },
        collectOnFailure: false,
        deleteJobAfterCollect: false,
      }),
    log,
  );
  const service = new RunService(client, tracker, writer, log, artifacts.handler());
  try {
    const parsed = parseTaskFile(readFileSync(taskFile, 'utf8')).tasks.find((task) => task.task.id === '123');
    if (!parsed) throw new Error('the sample task 123 is missing');
    const rendered = renderJob(parsed.task, renderOptionsFromSettings(settings, { collectorMode: collectorModeFor(settings.collector.mode, await client.version()), taskFile: 'sample.keruta.yaml' }));
    console.log(`  context ${loaded.contextName} at ${loaded.server}; task file ${relative(root, taskFile)} (status ${parsed.task.status})`);
    const phases: string[] = [];
    tracker.onDidChange(({ runs }) => {
      for (const run of runs) {
        const text = describeRunState(run.state);
        if (phases.at(-1) !== text) {
          phases.push(text);
          console.log(`  run ${run.name}: ${text}`);
        }
      }
    });
    const started = await service.start({ taskId: '123', file: taskFile, namespace: rendered.namespace, job: rendered.job });
    console.log(`  created Job ${rendered.namespace}/${started.job.metadata?.name ?? '?'}; task file says ${statusOf(taskFile)}`);
    const uid = started.run?.uid ?? '';
    for (let i = 0; i < 600 && !['succeeded', 'failed'].includes(tracker.run(uid)?.state.phase ?? ''); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    await service.settled();
    const record = artifacts.records(uid)[0];
    if (record?.result) {
      console.log(`  collected ${record.result.files.length} file(s) into ${relative(root, record.result.folder)}:`);
      for (const file of record.result.files) console.log(`    ${file}: ${readFileSync(join(record.result.folder, file), 'utf8').trim().split('\n').join(' | ')}`);
    } else if (record?.error) console.log(`  collection failed: ${record.error.message}`);
    console.log(`  task file now says ${statusOf(taskFile)}:`);
    console.log(readFileSync(taskFile, 'utf8').replace(/^/gm, '    ').trimEnd());
    const jobs = await new Promise<string>((resolve) =>
      execFile(kubectl, ['get', 'jobs', '-l', 'app.kubernetes.io/managed-by=keruta'], { env: { ...process.env, KUBECONFIG: kubeconfig }, encoding: 'utf8' }, (error, stdout, stderr) => resolve(error ? stderr : stdout)),
    );
    console.log('  kubectl get jobs -l app.kubernetes.io/managed-by=keruta:');
    console.log(jobs.replace(/^/gm, '    ').trimEnd());
    if (statusOf(taskFile) !== 'COMPLETED') throw new Error('the sample task did not complete');
  } finally {
    service.dispose();
    tracker.dispose();
    artifacts.dispose();
    await sim.close();
  }
}

function statusOf(file: string): string {
  return parseTaskFile(readFileSync(file, 'utf8')).tasks.find((task) => task.task.id === '123')?.task.status ?? '?';
}

/** Settings as the extension resolves them with no user settings: package.json defaults and application.properties. */
function settingsOf(folder: string): KerutaSettings {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default: unknown }> }[] };
  };
  const declared = new Map(manifest.contributes.configuration.flatMap((group) => Object.entries(group.properties)));
  let properties = new Map<string, string>();
  try {
    properties = parseProperties(readFileSync(join(folder, APPLICATION_PROPERTIES_FILE), 'utf8'));
  } catch {
    // no application.properties: built-in defaults
  }
  return resolveSettings({ inspect: (key) => ({ defaultValue: declared.get(key)?.default }) }, { properties, trusted: true });
}

main().catch((error: unknown) => {
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
