/**
 * The README's main command (`npm run demo` = `npm run package && node --import tsx scripts/try.ts`):
 * Keruta in a real VS Code in your browser, against the bundled cluster simulator.
 *   1. installs the VS Code host if needed (scripts/vscode-host/install.mjs: code-server and
 *      Debian's Chromium; a second run only checks);
 *   2. starts the cluster simulator, or with `--kubeconfig FILE` uses that kubeconfig's cluster;
 *   3. copies examples/ into a fresh workspace, dist/try/workspace/;
 *   4. starts code-server on 127.0.0.1 with the freshly packaged dist/keruta.vsix installed and
 *      keruta.kubernetes.configPath in the user settings pointing at the simulator's kubeconfig
 *      (or FILE), and prints the URL to open;
 *   5. runs until Ctrl+C, then stops code-server (and everything it started) and the simulator.
 * `--smoke` (for CI): instead of waiting, opens the URL in headless Chromium, runs "Keruta: Run
 * Task" on the sample through the UI (the e2e run-task scenario), waits for COMPLETED, prints what
 * it saw and exits 0 (1 when anything is not as it should be; screenshots and logs in dist/try/smoke/).
 *
 * `node --import tsx scripts/try.ts [--kubeconfig FILE] [--port N] [--smoke] [--vsix FILE]`
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openWorkbench, type Workbench } from './vscode-host/browser';
import { type CodeServer, REPO_ROOT, startCodeServer } from './vscode-host/host';
import { errorText, printOutcomes, runScenario, saveLogs, seconds } from '../test/e2e/harness';
import { runTask } from '../test/e2e/scenarios';
import { waitForViewContainer } from '../test/e2e/workbench';
import { type Simulator, startSimulator } from '../test/sim/simulator';

const TRY_DIR = path.join(REPO_ROOT, 'dist', 'try');
const WORKSPACE = path.join(TRY_DIR, 'workspace');
const SIM_KUBECONFIG = path.join(TRY_DIR, 'sim.kubeconfig');
const SERVER_LOG = path.join(TRY_DIR, 'code-server.log');
const SMOKE_DIR = path.join(TRY_DIR, 'smoke');
const EXAMPLES = path.join(REPO_ROOT, 'examples');
const USAGE = 'usage: node --import tsx scripts/try.ts [--kubeconfig FILE] [--port N] [--smoke] [--vsix FILE]';

function say(message: string): void {
  console.log(`[try] ${message}`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      port: { type: 'string', default: '0' },
      smoke: { type: 'boolean', default: false },
      vsix: { type: 'string', default: path.join(REPO_ROOT, 'dist', 'keruta.vsix') },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port}: not a port number. ${USAGE}`);
  const vsix = path.resolve(values.vsix);
  if (!existsSync(vsix)) throw new Error(`${path.relative(REPO_ROOT, vsix)} is missing: run \`npm run package\` first (\`npm run demo\` does).`);
  const realKubeconfig = values.kubeconfig !== undefined ? path.resolve(values.kubeconfig.replace(/^~(?=$|\/)/, process.env.HOME ?? '~')) : undefined;
  if (realKubeconfig !== undefined && !existsSync(realKubeconfig)) throw new Error(`--kubeconfig ${values.kubeconfig}: no such file (${realKubeconfig}).`);
  const started = Date.now();

  say('VS Code host (code-server and Chromium): node scripts/vscode-host/install.mjs');
  const install = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'vscode-host', 'install.mjs')], { stdio: 'inherit' });
  if (install.status !== 0) throw new Error(`installing the VS Code host failed (exit ${install.status ?? install.signal}); see above.`);

  mkdirSync(TRY_DIR, { recursive: true });
  let simulator: Simulator | undefined;
  let host: CodeServer | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await host?.stop();
      await simulator?.close();
    })());
  // From here on Ctrl+C stops what was started (code-server runs in its own process group, so
  // the terminal's SIGINT does not reach it) instead of leaving it behind.
  let waiting = false;
  const interrupted = new Promise<string>((resolve) => {
    const onSignal = (name: string) => (): void => {
      if (waiting) return resolve(name);
      say(`${name} while starting: stopping…`);
      void stop().then(() => process.exit(130));
    };
    process.once('SIGINT', onSignal('Ctrl+C'));
    process.once('SIGTERM', onSignal('SIGTERM'));
  });

  try {
    let kubeconfig: string;
    let server: string;
    if (realKubeconfig !== undefined) {
      kubeconfig = realKubeconfig;
      server = '';
      say(`cluster: the one your kubeconfig ${kubeconfig} names (its current context)`);
    } else {
      simulator = await startSimulator();
      await simulator.writeKubeconfig(SIM_KUBECONFIG);
      kubeconfig = SIM_KUBECONFIG;
      server = simulator.url;
      say(`cluster: the simulator (Kubernetes ${simulator.version.gitVersion} API) at ${simulator.url}; kubeconfig ${path.relative(REPO_ROOT, SIM_KUBECONFIG)}`);
    }

    rmSync(WORKSPACE, { recursive: true, force: true });
    cpSync(EXAMPLES, WORKSPACE, { recursive: true });
    say(`workspace: a fresh copy of examples/ in ${path.relative(REPO_ROOT, WORKSPACE)}/`);

    writeFileSync(SERVER_LOG, '');
    const serverStarted = Date.now();
    host = await startCodeServer({
      folder: WORKSPACE,
      extensions: [vsix],
      settings: {
        'keruta.kubernetes.configPath': kubeconfig,
        // The workspace is a copy of this repository's examples: no trust prompt, tasks run at once.
        'security.workspace.trust.enabled': false,
      },
      port,
      onOutput: (line) => appendFileSync(SERVER_LOG, `${line}\n`),
    });
    say(`code-server with ${path.relative(REPO_ROOT, vsix)} installed, listening in ${seconds(Date.now() - serverStarted)} (its output: ${path.relative(REPO_ROOT, SERVER_LOG)})`);

    if (values.smoke) return await smoke(host, simulator, server, stop, started);

    console.log(`
  Keruta is running in VS Code at

      ${host.url}

  Open it in a browser (on another machine: ssh -L ${host.port}:127.0.0.1:${host.port} <this host>, then the same URL).
  In the window: the Keruta view in the activity bar lists the example tasks; run one with ▶
  (or "Keruta: Run Task" in the Command Palette) and follow it in the tree, the status bar and its logs.
  Cluster: ${realKubeconfig !== undefined ? `your kubeconfig ${realKubeconfig}` : `the simulator at ${server} (its Pods run no real image: each prints its KERUTA_TASK_* variables and leaves them in /.keruta/doc/README.md; image keruta-sim/fail:N fails with exit code N — README, "The cluster simulator")`}.
  A real cluster instead: Ctrl+C, then \`npm run demo -- --kubeconfig ~/.kube/config\` (any kubeconfig file; its current
  context is used), or in this window set the setting keruta.kubernetes.configPath (empty: $KUBECONFIG or ~/.kube/config).

  Ctrl+C stops code-server${simulator ? ' and the simulator' : ''}.
`);
    waiting = true;
    const reason = await Promise.race([
      interrupted,
      host.exited.then((how) => `code-server ended on its own (${how}); its output is in ${path.relative(REPO_ROOT, SERVER_LOG)}`),
    ]);
    say(`${reason}: stopping…`);
    await stop();
    say('stopped.');
    return reason.startsWith('code-server ended') ? 1 : 0;
  } finally {
    await stop();
  }
}

/** Runs the e2e run-task scenario in headless Chromium against the window: the main command works end to end. */
async function smoke(host: CodeServer, simulator: Simulator | undefined, server: string, stop: () => Promise<void>, started: number): Promise<number> {
  rmSync(SMOKE_DIR, { recursive: true, force: true });
  mkdirSync(SMOKE_DIR, { recursive: true });
  say(`--smoke: opening ${host.url} in headless Chromium`);
  let workbench: Workbench | undefined;
  try {
    workbench = await openWorkbench(host.url);
    await waitForViewContainer(workbench.page, 'Keruta');
    say(`workbench ready; running "Keruta: Run Task" on the sample through the UI`);
    const outcome = await runScenario(runTask, { page: workbench.page, host, ...(simulator ? { simulator } : {}), server, workspace: WORKSPACE, outDir: SMOKE_DIR, log: say }, workbench);
    saveLogs(host, 'window', SMOKE_DIR, workbench);
    printOutcomes('keruta try --smoke', [outcome], Date.now() - started, { details: 'failures' });
    console.log(outcome.passed ? '\nThe main command works: the sample task ran to COMPLETED in VS Code.' : `\nSMOKE FAILED; screenshots and logs in ${path.relative(REPO_ROOT, SMOKE_DIR)}/`);
    return outcome.passed ? 0 : 1;
  } catch (error) {
    console.error(`[try] --smoke failed: ${errorText(error)}`);
    saveLogs(host, 'window', SMOKE_DIR, workbench);
    return 1;
  } finally {
    await workbench?.close();
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[try] ${errorText(error)}`);
    process.exit(1);
  },
);
