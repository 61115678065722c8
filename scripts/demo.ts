/**
 * The README's first command (`npm run demo`): builds and packages the extension, then shows its
 * core job on the example workspace: every task file is parsed, each task is rendered into the
 * Job that "Keruta: Run Task" creates, and the real `kubectl` checks each Job against the bundled
 * cluster simulator (a client dry run with kubectl's schema validation).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseProperties } from '../client/src/config/applicationProperties';
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

  if (sample) await runOnSimulator(sample.yaml);
  console.log(`\nThe extension package is dist/keruta.vsix; install it with "code --install-extension dist/keruta.vsix".`);
}

/**
 * Runs the sample Job on the cluster simulator with the real kubectl: the Pod gets the seven
 * variables, leaves README.md in /.keruta/doc, and the collector keeps it reachable until released.
 */
async function runOnSimulator(jobYaml: string): Promise<void> {
  step('Run the sample Job on the cluster simulator (kubectl create, logs, exec, wait)');
  const kubectl = await requireKubectl();
  const sim = await startSimulator({ timeScale: 0.2 });
  const kubeconfig = join(out, 'sim.kubeconfig');
  await sim.writeKubeconfig(kubeconfig);
  const run = async (args: string[], input?: string): Promise<string> => {
    const { execFile } = await import('node:child_process');
    return new Promise((resolve, reject) => {
      const child = execFile(kubectl, args, { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 60_000, encoding: 'utf8' }, (error, stdout, stderr) =>
        error ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
      );
      child.stdin?.end(input ?? '');
    });
  };
  try {
    const created = (await run(['create', '-f', '-', '-o', 'name'], jobYaml)).trim();
    console.log(`  kubectl create → ${created}`);
    const job = created.replace(/^job\.batch\//, '');
    let pod = '';
    for (let i = 0; i < 300 && pod === ''; i++) {
      const found = sim.store.list('pods', 'default').find((p) => p.metadata.labels?.['job-name'] === job);
      if (found && sim.workloads.containerState('default', found.metadata.name!, 'main')?.state === 'terminated') pod = found.metadata.name!;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (pod === '') throw new Error('the sample Pod did not finish');
    console.log(`  kubectl logs ${pod} -c main:`);
    console.log((await run(['logs', pod, '-c', 'main'])).replace(/^/gm, '    ').trimEnd());
    console.log(`  kubectl exec ${pod} -c keruta-collector -- cat /.keruta/doc/README.md:`);
    console.log((await run(['exec', pod, '-c', 'keruta-collector', '--', 'cat', '/.keruta/doc/README.md'])).replace(/^/gm, '    ').trimEnd());
    await run(['exec', pod, '-c', 'keruta-collector', '--', 'sh', '-c', 'touch /.keruta/ctl/release']);
    console.log(`  released the collector; ${(await run(['wait', '--for=condition=complete', `job/${job}`, '--timeout=60s'])).trim()}`);
  } finally {
    await sim.close();
  }
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
