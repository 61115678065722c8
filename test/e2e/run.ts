/**
 * End-to-end run in a real VS Code (code-server) against the cluster simulator:
 *   1. builds the extension-host suite (not the extension: it expects dist/keruta.vsix from
 *      `npm run package`) and packages the test-runner extension;
 *   2. starts the simulator in-process; for each window, copies examples/ to a temp workspace and
 *      starts code-server with Keruta (and, for the suite, the runner) installed and settings
 *      pointing at the simulator's kubeconfig;
 *   3. suite window: opens the workbench in Chromium; the runner runs the suite inside the
 *      extension host and writes its results as JSON, which this script waits for;
 *   4. scenario windows (trusted, untrusted): the UI scenarios of test/e2e/scenarios.ts, each
 *      saving a screenshot.
 * Output (screenshots, suite results, each window's logs): test-results/e2e/.
 *
 * `node --import tsx test/e2e/run.ts [--scenario run-task,job-yaml,untrusted] [--no-suite] [--keep] [--vsix FILE]`
 * Needs `node scripts/vscode-host/install.mjs` once.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type CodeServer, packageExtension, REPO_ROOT, startCodeServer, TEST_RUNNER_DIR } from '../../scripts/vscode-host/host';
import { openWorkbench, type Workbench } from '../../scripts/vscode-host/browser';
import { startSimulator } from '../sim/simulator';
import { buildSuite } from '../vscode/build';
import type { SuiteResult } from '../vscode/suite/index';
import { type Scenario, type ScenarioContext, SCENARIOS } from './scenarios';
import { notificationCenterTexts, waitForViewContainer } from './workbench';

const OUT_DIR = path.join(REPO_ROOT, 'test-results', 'e2e');
const DEFAULT_VSIX = path.join(REPO_ROOT, 'dist', 'keruta.vsix');
const EXAMPLES = path.join(REPO_ROOT, 'examples');
/** The Keruta output channel's log: logs/<session>/exthost<N>/keruta.keruta/Keruta.log under the user-data folder. */
const KERUTA_LOG = /[/\\]keruta\.keruta[/\\]Keruta\.log$/;

interface Outcome {
  readonly name: string;
  readonly passed: boolean;
  readonly durationMs: number;
  readonly detail: string;
  readonly screenshot?: string;
  /** On failure: what the Notification Center held. */
  readonly notifications?: string[];
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
  const wanted = values.scenario.split(',').map((id) => id.trim()).filter(Boolean);
  const unknown = wanted.filter((id) => !SCENARIOS.some((scenario) => scenario.id === id));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((scenario) => scenario.id).join(', ')}`);
  const vsix = path.resolve(values.vsix);
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first.`);

  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const started = Date.now();
  const outcomes: Outcome[] = [];

  const withSuiteWindow = !values['no-suite'];
  const suite = withSuiteWindow ? await buildSuite() : undefined;
  const runnerVsix = withSuiteWindow ? packageExtension(TEST_RUNNER_DIR, path.join(REPO_ROOT, 'out', 'vscode-test', 'keruta-test-runner.vsix')) : undefined;
  const simulator = await startSimulator();
  const scratch = mkdtempSync(path.join(tmpdir(), 'keruta-e2e-'));
  const kubeconfig = path.join(scratch, 'sim.kubeconfig');
  await simulator.writeKubeconfig(kubeconfig);
  log(`simulator ${simulator.version.gitVersion} at ${simulator.url}; kubeconfig ${kubeconfig}`);

  try {
    // Each window starts fresh (its own copy of examples/, user data and extension host), so that
    // nothing one part opened (a document the suite left open) helps another: the suite gets its
    // own window, the trusted scenarios one, the untrusted scenarios one.
    const groups: WindowGroup[] = [
      ...(withSuiteWindow ? [{ window: 'suite' as const, scenarios: [] }] : []),
      ...groupByWindow(SCENARIOS.filter((scenario) => wanted.includes(scenario.id))),
    ];
    for (const group of groups) {
      const workspace = path.join(scratch, `workspace-${group.window}`);
      cpSync(EXAMPLES, workspace, { recursive: true });
      const resultFile = path.join(OUT_DIR, 'extension-host-suite.json');
      const withSuite = group.window === 'suite' && suite !== undefined && runnerVsix !== undefined;
      const settings: Record<string, unknown> = {
        'keruta.kubernetes.configPath': kubeconfig,
        'security.workspace.trust.enabled': group.window === 'untrusted',
        ...(withSuite ? { 'kerutaTestRunner.suite': suite.index, 'kerutaTestRunner.resultFile': resultFile } : {}),
      };
      // Per window, so that a scenario can tell what this window asked of the cluster.
      simulator.counters.reset();
      const windowStarted = Date.now();
      const host = await startCodeServer({ folder: workspace, extensions: withSuite ? [vsix, runnerVsix] : [vsix], settings, keepDirs: true });
      log(`code-server (${group.window} window) at ${host.url} in ${seconds(Date.now() - windowStarted)}`);
      let workbench: Workbench | undefined;
      try {
        workbench = await openWorkbench(host.url);
        // The remote extensions are registered a moment after the workbench shows; the Command
        // Palette lists only what is registered when it opens.
        await waitForViewContainer(workbench.page, 'Keruta');
        log(`workbench ready in ${seconds(Date.now() - windowStarted)} after starting code-server`);
        if (withSuite) outcomes.push(await collectSuite(resultFile, workbench, host));
        for (const scenario of group.scenarios) {
          outcomes.push(await runScenario(scenario, { page: workbench.page, host, simulator, workspace, outDir: OUT_DIR, log }, workbench));
        }
      } catch (error) {
        outcomes.push({ name: `${group.window} window`, passed: false, durationMs: Date.now() - windowStarted, detail: errorText(error), ...(await failureArtifacts(`${group.window}-window`, workbench, host)) });
      } finally {
        const logDir = saveLogs(host, `${group.window}-window`);
        if (workbench) writeFileSync(path.join(logDir, 'browser-console-problems.txt'), `${workbench.consoleProblems.join('\n')}\n`);
        await workbench?.close();
        log(`logs of the ${group.window} window: ${path.relative(REPO_ROOT, logDir)}/`);
        await host.stop();
        if (!values.keep) rmSync(path.dirname(host.userDataDir), { recursive: true, force: true });
        else log(`kept ${path.dirname(host.userDataDir)} (user data, logs, extensions)`);
      }
    }
  } finally {
    await simulator.close();
    if (!values.keep) rmSync(scratch, { recursive: true, force: true });
  }

  console.log(`\n=== keruta e2e (${seconds(Date.now() - started)}) ===`);
  for (const outcome of outcomes) {
    console.log(`${outcome.passed ? 'PASS' : 'FAIL'}  ${outcome.name} (${seconds(outcome.durationMs)})${outcome.screenshot ? `  ${path.relative(REPO_ROOT, outcome.screenshot)}` : ''}`);
    if (outcome.detail) console.log(indent(outcome.detail));
    if (outcome.notifications?.length) console.log(indent(`notifications: ${JSON.stringify(outcome.notifications)}`));
  }
  const failed = outcomes.filter((outcome) => !outcome.passed).length;
  console.log(failed === 0 ? `\nall ${outcomes.length} passed; output in ${path.relative(REPO_ROOT, OUT_DIR)}/` : `\n${failed} of ${outcomes.length} FAILED; screenshots and logs in ${path.relative(REPO_ROOT, OUT_DIR)}/`);
  return failed === 0 && outcomes.length > 0 ? 0 : 1;
}

interface WindowGroup {
  readonly window: Scenario['window'] | 'suite';
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
async function collectSuite(resultFile: string, workbench: Workbench, host: CodeServer): Promise<Outcome> {
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
        ...(await failureArtifacts('extension-host-suite', workbench, host)),
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
    ...(passed ? {} : await failureArtifacts('extension-host-suite', workbench, host)),
  };
}

async function runScenario(scenario: Scenario, context: ScenarioContext, workbench: Workbench): Promise<Outcome> {
  const since = Date.now();
  log(`scenario ${scenario.id}: ${scenario.title}`);
  try {
    const detail = await scenario.run(context);
    const screenshot = path.join(OUT_DIR, `${scenario.id}.png`);
    await context.page.screenshot({ path: screenshot });
    return { name: `${scenario.id}: ${scenario.title}`, passed: true, durationMs: Date.now() - since, detail: detail ?? '', screenshot };
  } catch (error) {
    return { name: `${scenario.id}: ${scenario.title}`, passed: false, durationMs: Date.now() - since, detail: errorText(error), ...(await failureArtifacts(scenario.id, workbench, context.host)) };
  }
}

/** On failure: a screenshot, the notifications on screen, and the Keruta and extension-host logs. */
async function failureArtifacts(name: string, workbench: Workbench | undefined, host: CodeServer): Promise<{ screenshot?: string; notifications?: string[] }> {
  const saved: { screenshot?: string; notifications?: string[] } = {};
  const notes: string[] = [];
  if (workbench) {
    const screenshot = path.join(OUT_DIR, `${name}.failed.png`);
    try {
      await workbench.page.screenshot({ path: screenshot });
      saved.screenshot = screenshot;
    } catch (error) {
      notes.push(`no screenshot: ${errorText(error)}`);
    }
    const notifications = await notificationCenterTexts(workbench.page, 5_000).catch((error: unknown) => [`(could not read the Notification Center: ${errorText(error)})`]);
    notes.push(`notifications: ${JSON.stringify(notifications)}`);
    saved.notifications = notifications;
    notes.push(`browser console problems:\n${workbench.consoleProblems.slice(-40).join('\n')}`);
  }
  writeFileSync(path.join(OUT_DIR, `${name}.failed.txt`), `${notes.join('\n\n')}\n`);
  const kerutaLog = host.logFiles(KERUTA_LOG)[0];
  if (kerutaLog) console.log(`--- Keruta output channel (${path.relative(host.userDataDir, kerutaLog)}), last lines ---\n${tail(readFileSync(kerutaLog, 'utf8'), 40)}`);
  else console.log('--- no Keruta output channel log found ---');
  return saved;
}

/** The window's logs (Keruta's output channel, the runner's, the extension host's) into test-results/e2e/<window>.logs/. */
function saveLogs(host: CodeServer, name: string): string {
  const logDir = path.join(OUT_DIR, `${name}.logs`);
  mkdirSync(logDir, { recursive: true });
  const logsRoot = path.join(host.userDataDir, 'logs');
  for (const file of host.logFiles(/Keruta[^/\\]*\.log$|remoteexthost\.log$|remoteagent\.log$/)) {
    cpSync(file, path.join(logDir, path.relative(logsRoot, file).replace(/[/\\]/g, '__')));
  }
  return logDir;
}

function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}

function log(message: string): void {
  console.log(`[e2e ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`keruta e2e: ${errorText(error)}`);
    process.exit(1);
  },
);

