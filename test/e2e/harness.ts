/**
 * What the e2e driver (run.ts), the docs screenshots (scripts/screenshots.ts) and the README's
 * main command (scripts/try.ts --smoke) share: running one scenario in an open workbench with a
 * screenshot either way, the failure report (screenshot, notifications, browser console, the
 * Keruta output channel), saving a window's logs, a kubeconfig for a server that is gone, and the
 * summary lines.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Workbench } from '../../scripts/vscode-host/browser';
import { type CodeServer, REPO_ROOT } from '../../scripts/vscode-host/host';
import type { Scenario, ScenarioContext } from './scenarios';
import { notificationCenterTexts } from './workbench';

/** The Keruta output channel's log: logs/<session>/exthost<N>/keruta.keruta/Keruta.log under the user-data folder. */
export const KERUTA_LOG = /[/\\]keruta\.keruta[/\\]Keruta\.log$/;

export interface Outcome {
  readonly name: string;
  readonly passed: boolean;
  readonly durationMs: number;
  readonly detail: string;
  readonly screenshot?: string;
  /** On failure: what the Notification Center held. */
  readonly notifications?: string[];
}

/** Runs one scenario; saves <outDir>/<id>.png when it passes, <id>.failed.png and a report when not. */
export async function runScenario(scenario: Scenario, context: Omit<ScenarioContext, 'snapshot'>, workbench: Workbench): Promise<Outcome> {
  const since = Date.now();
  context.log(`scenario ${scenario.id}: ${scenario.title}`);
  const snapshot = async (name: string): Promise<void> => {
    await context.page.screenshot({ path: path.join(context.outDir, `${scenario.id}-${name}.png`) });
  };
  try {
    const detail = await scenario.run({ ...context, snapshot });
    const screenshot = path.join(context.outDir, `${scenario.id}.png`);
    await context.page.screenshot({ path: screenshot });
    return { name: `${scenario.id}: ${scenario.title}`, passed: true, durationMs: Date.now() - since, detail: detail ?? '', screenshot };
  } catch (error) {
    return {
      name: `${scenario.id}: ${scenario.title}`,
      passed: false,
      durationMs: Date.now() - since,
      detail: errorText(error),
      ...(await failureArtifacts(scenario.id, workbench, context.host, context.outDir)),
    };
  }
}

/** On failure: a screenshot, the notifications on screen, the browser console, and the Keruta log's last lines (printed). */
export async function failureArtifacts(name: string, workbench: Workbench | undefined, host: CodeServer, outDir: string): Promise<{ screenshot?: string; notifications?: string[] }> {
  const saved: { screenshot?: string; notifications?: string[] } = {};
  const notes: string[] = [];
  if (workbench) {
    const screenshot = path.join(outDir, `${name}.failed.png`);
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
  const kerutaLog = host.logFiles(KERUTA_LOG)[0];
  const kerutaTail = kerutaLog ? tail(readFileSync(kerutaLog, 'utf8'), 40) : undefined;
  notes.push(kerutaTail !== undefined ? `Keruta output channel, last lines:\n${kerutaTail}` : 'no Keruta output channel log found');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, `${name}.failed.txt`), `${notes.join('\n\n')}\n`);
  if (kerutaLog && kerutaTail !== undefined) console.log(`--- Keruta output channel (${path.relative(host.userDataDir, kerutaLog)}), last lines ---\n${kerutaTail}`);
  else console.log('--- no Keruta output channel log found ---');
  return saved;
}

/** The window's logs (Keruta's output channel, the runner's, the extension host's) into <outDir>/<name>.logs/. */
export function saveLogs(host: CodeServer, name: string, outDir: string, workbench?: Workbench): string {
  const logDir = path.join(outDir, `${name}.logs`);
  mkdirSync(logDir, { recursive: true });
  const logsRoot = path.join(host.userDataDir, 'logs');
  for (const file of host.logFiles(/Keruta[^/\\]*\.log$|remoteexthost\.log$|remoteagent\.log$/)) {
    cpSync(file, path.join(logDir, path.relative(logsRoot, file).replace(/[/\\]/g, '__')));
  }
  if (workbench) writeFileSync(path.join(logDir, 'browser-console-problems.txt'), `${workbench.consoleProblems.join('\n')}\n`);
  return logDir;
}

/**
 * Writes a kubeconfig like the simulator's whose server is a port that was free a moment ago and
 * is closed now (nothing listens: connections are refused). Returns the server URL.
 */
export async function writeUnreachableKubeconfig(file: string): Promise<string> {
  const port = await new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
  // https, as a real API server; TLS verification off as in the simulator's kubeconfig (there is no CA to name).
  const url = `https://127.0.0.1:${port}`;
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'gone', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'gone', user: { token: 'unused' } }],
      contexts: [{ name: 'gone', context: { cluster: 'gone', user: 'gone', namespace: 'default' } }],
      'current-context': 'gone',
      preferences: {},
    }),
  );
  return url;
}

/** The summary: one PASS/FAIL line per outcome with its time and screenshot, what it saw (or why it failed) indented below. */
export function printOutcomes(title: string, outcomes: readonly Outcome[], totalMs: number, options: { details?: 'all' | 'failures' } = {}): void {
  console.log(`\n=== ${title} (${seconds(totalMs)}) ===`);
  for (const outcome of outcomes) {
    console.log(`${outcome.passed ? 'PASS' : 'FAIL'}  ${outcome.name} (${seconds(outcome.durationMs)})${outcome.screenshot ? `  ${path.relative(REPO_ROOT, outcome.screenshot)}` : ''}`);
    if (outcome.detail && (options.details !== 'failures' || !outcome.passed)) console.log(indent(outcome.detail));
    if (outcome.notifications?.length) console.log(indent(`notifications: ${JSON.stringify(outcome.notifications)}`));
  }
}

export function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
}

export function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
