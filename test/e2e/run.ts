/**
 * End-to-end run in a real VS Code (code-server) against the cluster simulator:
 *   1. builds the extension-host suite (not the extension: it expects dist/keruta.vsix from
 *      `npm run package`) and packages the test-runner extension;
 *   2. starts the simulator in-process; for each window, copies examples/ to a temp workspace,
 *      lets its scenarios add files, and starts code-server with Keruta (and, for the suite, the
 *      runner) installed and settings pointing at the simulator's kubeconfig (the no-cluster
 *      window: at a kubeconfig whose server is a closed port);
 *   3. suite window: opens the workbench in Chromium; the runner runs the suite inside the
 *      extension host and writes its results as JSON, which this script waits for;
 *   4. scenario windows (trusted, untrusted, no-cluster): the UI scenarios of
 *      test/e2e/scenarios.ts, each saving a screenshot (on failure also the notifications, the
 *      browser console and the Keruta log).
 * Output (screenshots, suite results, each window's logs): test-results/e2e/.
 *
 * `node --import tsx test/e2e/run.ts [--scenario run-task,job-yaml,failed-task,untrusted,no-cluster] [--no-suite] [--keep] [--vsix FILE]`
 * Needs `node scripts/vscode-host/install.mjs` once. Exit code 0 only when everything passed.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type CodeServer, packageExtension, REPO_ROOT, startCodeServer, TEST_RUNNER_DIR } from '../../scripts/vscode-host/host';
import { openWorkbench, type Workbench } from '../../scripts/vscode-host/browser';
import { startSimulator } from '../sim/simulator';
import { buildSuite } from '../vscode/build';
import type { SuiteResult } from '../vscode/suite/index';
import { errorText, failureArtifacts, indent, type Outcome, printOutcomes, runScenario, saveLogs, seconds, writeUnreachableKubeconfig } from './harness';
import { type Scenario, SCENARIOS, WINDOWS, type WindowKind } from './scenarios';
import { waitForViewContainer } from './workbench';

export const OUT_DIR = path.join(REPO_ROOT, 'test-results', 'e2e');
export const DEFAULT_VSIX = path.join(REPO_ROOT, 'dist', 'keruta.vsix');
const EXAMPLES = path.join(REPO_ROOT, 'examples');

export interface E2eOptions {
  /** Scenario ids, in the order of SCENARIOS. */
  readonly scenarios: readonly string[];
  /** Also run the extension-host suite in a window of its own. */
  readonly suite: boolean;
  readonly vsix: string;
  /** Emptied first. */
  readonly outDir: string;
  /** Keep the temp workspaces and each window's user data. */
  readonly keep?: boolean;
  readonly viewport?: { width: number; height: number };
  /** Extra user settings for every window (a color theme for the docs pictures). */
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** Runs the suite and the scenarios, one code-server per window; resolves with one outcome per part. */
export async function runE2e(options: E2eOptions): Promise<Outcome[]> {
  const unknown = options.scenarios.filter((id) => !SCENARIOS.some((scenario) => scenario.id === id));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((scenario) => scenario.id).join(', ')}`);
  if (!existsSync(options.vsix)) throw new Error(`${options.vsix} is missing: run \`npm run package\` first.`);
  const outDir = options.outDir;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const outcomes: Outcome[] = [];

  const suite = options.suite ? await buildSuite() : undefined;
  const runnerVsix = options.suite ? packageExtension(TEST_RUNNER_DIR, path.join(REPO_ROOT, 'out', 'vscode-test', 'keruta-test-runner.vsix')) : undefined;
  const simulator = await startSimulator();
  const scratch = mkdtempSync(path.join(tmpdir(), 'keruta-e2e-'));
  const kubeconfig = path.join(scratch, 'sim.kubeconfig');
  await simulator.writeKubeconfig(kubeconfig);
  const unreachableKubeconfig = path.join(scratch, 'unreachable.kubeconfig');
  const unreachableServer = await writeUnreachableKubeconfig(unreachableKubeconfig);
  log(`simulator ${simulator.version.gitVersion} at ${simulator.url}; kubeconfig ${kubeconfig}; no-cluster kubeconfig names ${unreachableServer} (closed)`);

  try {
    // Each window starts fresh (its own copy of examples/, user data and extension host), so that
    // nothing one part opened (a document the suite left open) helps another.
    const groups: WindowGroup[] = [
      ...(options.suite ? [{ window: 'suite' as const, scenarios: [] }] : []),
      ...groupByWindow(SCENARIOS.filter((scenario) => options.scenarios.includes(scenario.id))),
    ];
    for (const group of groups) {
      const spec = group.window === 'suite' ? WINDOWS.trusted : WINDOWS[group.window];
      const workspace = path.join(scratch, `workspace-${group.window}`);
      cpSync(EXAMPLES, workspace, { recursive: true });
      for (const scenario of group.scenarios) scenario.prepare?.(workspace);
      const resultFile = path.join(outDir, 'extension-host-suite.json');
      const withSuite = group.window === 'suite' && suite !== undefined && runnerVsix !== undefined;
      const unreachable = spec.cluster === 'unreachable';
      const settings: Record<string, unknown> = {
        ...options.settings,
        'keruta.kubernetes.configPath': unreachable ? unreachableKubeconfig : kubeconfig,
        'security.workspace.trust.enabled': !spec.trusted,
        ...(withSuite ? { 'kerutaTestRunner.suite': suite.index, 'kerutaTestRunner.resultFile': resultFile } : {}),
      };
      // Per window, so that a scenario can tell what this window asked of the cluster.
      simulator.counters.reset();
      const windowStarted = Date.now();
      const host = await startCodeServer({ folder: workspace, extensions: withSuite ? [options.vsix, runnerVsix] : [options.vsix], settings, keepDirs: true });
      log(`code-server (${group.window} window) at ${host.url} in ${seconds(Date.now() - windowStarted)}`);
      let workbench: Workbench | undefined;
      try {
        workbench = await openWorkbench(host.url, options.viewport ? { viewport: options.viewport } : {});
        // The remote extensions are registered a moment after the workbench shows; the Command
        // Palette lists only what is registered when it opens.
        await waitForViewContainer(workbench.page, 'Keruta');
        log(`workbench ready in ${seconds(Date.now() - windowStarted)} after starting code-server`);
        if (withSuite) outcomes.push(await collectSuite(resultFile, workbench, host, outDir));
        for (const scenario of group.scenarios) {
          const context = { page: workbench.page, host, simulator, server: unreachable ? unreachableServer : simulator.url, workspace, outDir, log };
          outcomes.push(await runScenario(scenario, context, workbench));
        }
      } catch (error) {
        outcomes.push({ name: `${group.window} window`, passed: false, durationMs: Date.now() - windowStarted, detail: errorText(error), ...(await failureArtifacts(`${group.window}-window`, workbench, host, outDir)) });
      } finally {
        const logDir = saveLogs(host, `${group.window}-window`, outDir, workbench);
        await workbench?.close();
        log(`logs of the ${group.window} window: ${path.relative(REPO_ROOT, logDir)}/`);
        await host.stop();
        if (!options.keep) rmSync(path.dirname(host.userDataDir), { recursive: true, force: true });
        else log(`kept ${path.dirname(host.userDataDir)} (user data, logs, extensions)`);
      }
    }
  } finally {
    await simulator.close();
    if (!options.keep) rmSync(scratch, { recursive: true, force: true });
    else log(`kept ${scratch} (workspaces, kubeconfigs)`);
  }
  return outcomes;
}

interface WindowGroup {
  readonly window: WindowKind | 'suite';
  readonly scenarios: Scenario[];
}

function groupByWindow(scenarios: readonly Scenario[]): WindowGroup[] {
  const groups: WindowGroup[] = [];
  for (const scenario of scenarios) {
    const group = groups.find((candidate) => candidate.window === scenario.window);
    if (group) group.scenarios.push(scenario);
    else groups.push({ window: scenario.window, scenarios: [scenario] });
  }
  return groups;
}

/** Waits for the runner's result file (the suite runs inside the extension host), and reports it. */
async function collectSuite(resultFile: string, workbench: Workbench, host: CodeServer, outDir: string): Promise<Outcome> {
  const since = Date.now();
  const timeoutMs = 180_000;
  while (!existsSync(resultFile)) {
    if (Date.now() - since > timeoutMs) {
      const runnerLog = host.logFiles(/Keruta Test Runner\.log$/)[0];
      return {
        name: 'extension-host suite',
        passed: false,
        durationMs: Date.now() - since,
        detail: `no results in ${resultFile} after ${seconds(timeoutMs)}${runnerLog ? `\nrunner log:\n${readFileSync(runnerLog, 'utf8')}` : ' (the runner never logged: not activated?)'}`,
        ...(await failureArtifacts('extension-host-suite', workbench, host, outDir)),
      };
    }
    // The result file has no event this process can wait on; look again shortly.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as SuiteResult & { loadError?: string; host?: unknown };
  const lines = result.tests.map((test) => `${test.state === 'passed' ? '✓' : test.state === 'failed' ? '✗' : '-'} ${test.fullTitle}${test.durationMs !== undefined ? ` (${test.durationMs} ms)` : ''}${test.error ? `\n${indent(test.error)}` : ''}`);
  if (result.loadError) lines.push(`the suite did not load: ${result.loadError}`);
  const passed = result.failures === 0 && !result.loadError && result.passes > 0;
  return {
    name: `extension-host suite: ${result.passes} passed, ${result.failures} failed, ${result.pending} pending`,
    passed,
    durationMs: result.durationMs ?? Date.now() - since,
    detail: lines.join('\n'),
    ...(passed ? {} : await failureArtifacts('extension-host-suite', workbench, host, outDir)),
  };
}

function log(message: string): void {
  console.log(`[e2e ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: SCENARIOS.map((scenario) => scenario.id).join(',') },
      'no-suite': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      vsix: { type: 'string', default: DEFAULT_VSIX },
    },
    strict: true,
  });
  const started = Date.now();
  const outcomes = await runE2e({
    scenarios: values.scenario.split(',').map((id) => id.trim()).filter(Boolean),
    suite: !values['no-suite'],
    vsix: path.resolve(values.vsix),
    outDir: OUT_DIR,
    keep: values.keep,
  });
  printOutcomes('keruta e2e', outcomes, Date.now() - started);
  const failed = outcomes.filter((outcome) => !outcome.passed).length;
  console.log(failed === 0 ? `\nall ${outcomes.length} passed; output in ${path.relative(REPO_ROOT, OUT_DIR)}/` : `\n${failed} of ${outcomes.length} FAILED; screenshots and logs in ${path.relative(REPO_ROOT, OUT_DIR)}/`);
  return failed === 0 && outcomes.length > 0 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`keruta e2e: ${errorText(error)}`);
      process.exit(1);
    },
  );
}
