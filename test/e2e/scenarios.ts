/**
 * The end-to-end scenarios, each a user's path through the workbench against the simulator (or,
 * for no-cluster, against a server that is gone). A scenario throws on the first thing that is not
 * as the user should see it; run.ts saves a screenshot either way, and the window's logs.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { CodeServer } from '../../scripts/vscode-host/host';
import type { Simulator } from '../sim/simulator';
import type { KubeObject } from '../sim/types';
import {
  activeEditorText,
  clearNotifications,
  clickRowAction,
  DEFAULT_TIMEOUT_MS,
  editorTab,
  expandRow,
  hoverText,
  kerutaProblemCodes,
  notification,
  openFile,
  openFolderInWindow,
  pickQuickItem,
  problemTexts,
  quickFixProblem,
  quickPickRow,
  replaceAllInEditor,
  runCommand,
  showProblems,
  showViewContainer,
  statusBarItem,
  treeRow,
  waitForKerutaProblemCodes,
  welcomeView,
} from './workbench';

export interface ScenarioContext {
  readonly page: Page;
  readonly host: CodeServer;
  /** The simulator the window's kubeconfig names; absent against a real cluster (scripts/try.ts --kubeconfig). */
  readonly simulator?: Simulator;
  /** The API server URL the window's kubeconfig names. */
  readonly server: string;
  /** The workspace folder open in the window (a copy of examples/, plus what the scenarios prepared). */
  readonly workspace: string;
  readonly outDir: string;
  readonly log: (message: string) => void;
  /** Saves a screenshot of this moment as <outDir>/<scenario id>-<name>.png (docs pictures come from these). */
  readonly snapshot: (name: string) => Promise<void>;
}

/**
 * The windows the scenarios run in, each its own code-server with its own user settings:
 * trusted (the simulator), untrusted (Restricted Mode, the simulator), no-cluster (trusted, the
 * kubeconfig names a server that no longer listens).
 */
export type WindowKind = 'trusted' | 'untrusted' | 'no-cluster';

export const WINDOWS: Readonly<Record<WindowKind, { readonly trusted: boolean; readonly cluster: 'simulator' | 'unreachable' }>> = {
  trusted: { trusted: true, cluster: 'simulator' },
  untrusted: { trusted: false, cluster: 'simulator' },
  'no-cluster': { trusted: true, cluster: 'unreachable' },
};

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** Which window it runs in (scenarios of one window share it, in the order of SCENARIOS). */
  readonly window: WindowKind;
  /** Writes what the scenario needs into the workspace before the window opens (task files are indexed at start-up). */
  prepare?(workspace: string): void;
  /** Resolves with a short description of what was seen; throws when something is wrong. */
  run(context: ScenarioContext): Promise<string | void>;
}

const SAMPLE = { file: 'sample.keruta.yaml', id: '123', title: 'サンプルタスク' } as const;
/** The failed-task scenario's task: the simulator's keruta-sim/fail:3 logs a line and exits 3. */
const FAILING = { file: 'failing.keruta.yaml', id: 'e2e-fail', title: 'Failing task', exitCode: 3 } as const;
const RUN_TIMEOUT_MS = 90_000;

/** Collects what a scenario saw, for its report, and logs it as it goes. */
function recorder(log: (message: string) => void): { steps: string[]; step: (text: string) => void } {
  const steps: string[] = [];
  return {
    steps,
    step: (text) => {
      steps.push(text);
      log(`  ${text}`);
    },
  };
}

/** Scenario 1: Run Task from the Command Palette, follow it to COMPLETED, see the collected README.md. */
export const runTask: Scenario = {
  id: 'run-task',
  title: 'Run Task from the Command Palette to COMPLETED, README.md collected and opened',
  window: 'trusted',
  async run({ page, simulator, workspace, log }) {
    const { steps, step } = recorder(log);
    const updatedBefore = updatedAtIn(path.join(workspace, SAMPLE.file));
    await runCommand(page, 'Keruta: Run Task');
    await pickQuickItem(page, SAMPLE.title);
    step(`picked "${SAMPLE.title}" in Keruta: Run Task`);

    await statusBarItem(page, SAMPLE.title).first().waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    step(`status bar: "${(await statusBarItem(page, SAMPLE.title).first().textContent())?.trim()}"`);

    await showViewContainer(page, 'Keruta');
    await treeRow(page, SAMPLE.title).first().waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    await treeRow(page, SAMPLE.title, 'COMPLETED').first().waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
    step(`Keruta view: "${(await treeRow(page, SAMPLE.title).first().textContent())?.trim()}"`);

    await editorTab(page, 'README.md').first().waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
    step(`tab opened: "${(await editorTab(page, 'README.md').first().textContent())?.trim()}"`);
    // The Markdown preview is a webview: an iframe (laid over the editor, outside .part.editor)
    // holding the rendered document in another iframe.
    const rendered = page.locator('iframe.webview.ready').first().contentFrame().locator('iframe').first().contentFrame().locator('body', { hasText: `KERUTA_TASK_ID=${SAMPLE.id}` });
    await rendered.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    step(`the preview shows the collected README.md (KERUTA_TASK_ID=${SAMPLE.id})`);
    const previewText = (await rendered.textContent()) ?? '';
    const unseen = KERUTA_VARIABLES.filter((name) => !previewText.includes(`${name}=`));
    if (unseen.length > 0) throw new Error(`the preview of README.md lacks ${unseen.join(', ')}:\n${previewText}`);
    step(`the preview lists all seven variables: ${KERUTA_VARIABLES.join(', ')}`);

    const finished = notification(page, SAMPLE.title).first();
    await finished.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    step(`notification: "${(await finished.locator('.notification-list-item-message').textContent())?.trim()}"`);

    await fileMatches(path.join(workspace, SAMPLE.file), /^status: COMPLETED$/m, DEFAULT_TIMEOUT_MS);
    const updatedAfter = updatedAtIn(path.join(workspace, SAMPLE.file));
    if (!(Date.parse(updatedAfter) > Date.parse(updatedBefore))) throw new Error(`updatedAt did not move forward: ${updatedBefore} → ${updatedAfter}`);
    step(`${SAMPLE.file} on disk: status: COMPLETED, updatedAt ${updatedBefore} → ${updatedAfter}`);

    if (simulator) {
      const jobs = simulator.store.list('jobs', 'default').filter((job) => labels(job)['keruta.io/task-id'] === SAMPLE.id);
      const complete = jobs.filter((job) => condition(job, 'Complete'));
      if (complete.length !== 1) throw new Error(`expected one completed Job of task ${SAMPLE.id} in the simulator, found ${jobs.length} Jobs, ${complete.length} complete`);
      step(`simulator: Job ${String(complete[0]?.metadata?.name)} Complete`);
      // The Pod got the task as the run made it: IN_PROGRESS, updated when the run started.
      const env = (complete[0]?.spec as { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } } | undefined)?.template?.spec?.containers?.[0]?.env ?? [];
      const value = (name: string): string | undefined => env.find((variable) => variable.name === name)?.value;
      const startedAt = complete[0]?.metadata?.annotations?.['keruta.io/started-at'];
      if (value('KERUTA_TASK_STATUS') !== 'IN_PROGRESS' || startedAt === undefined || value('KERUTA_TASK_UPDATED_AT') !== startedAt) {
        throw new Error(`expected the Job's env to say IN_PROGRESS, updated at ${String(startedAt)}; it says ${String(value('KERUTA_TASK_STATUS'))}, ${String(value('KERUTA_TASK_UPDATED_AT'))}`);
      }
      step(`the Job's env: KERUTA_TASK_STATUS=IN_PROGRESS, KERUTA_TASK_UPDATED_AT=${startedAt} (its started-at)`);
      // The collected README.md holds the task's values, as the Pod saw them.
      const readme = readFileSync(path.join(workspace, '.keruta', 'artifacts', SAMPLE.id, String(complete[0]?.metadata?.name), 'README.md'), 'utf8');
      const expected = [
        `KERUTA_TASK_ID=${SAMPLE.id}`,
        `KERUTA_TASK_TITLE=${SAMPLE.title}`,
        'KERUTA_TASK_DESCRIPTION=シードのサンプル Job を実行し、/.keruta/doc に README.md を残します。',
        'KERUTA_TASK_PRIORITY=10',
        'KERUTA_TASK_STATUS=IN_PROGRESS',
        'KERUTA_TASK_CREATED_AT=2026-11-01T09:00:00Z',
        `KERUTA_TASK_UPDATED_AT=${startedAt}`,
      ];
      const lines = readme.split('\n');
      const wrong = expected.filter((line) => !lines.includes(line));
      if (wrong.length > 0) throw new Error(`the collected README.md lacks ${wrong.join(' | ')}:\n${readme}`);
      step('the collected README.md on disk has the seven variables with the task\'s values');
    }
    return steps.join('\n');
  },
};

/**
 * Scenario 2: Show Job YAML, break the Job three ways (restartPolicy Always, a misspelt KERUTA_*
 * variable, ttlSecondsAfterFinished 0), see keruta's three codes in the Problems panel, apply the
 * restartPolicy quick fix: only that problem goes away.
 */
export const jobYamlDiagnostics: Scenario = {
  id: 'job-yaml',
  title: 'Job YAML: restartPolicy, misspelt KERUTA_* name and TTL 0 in the Problems panel; the restartPolicy quick fix clears only its own',
  window: 'trusted',
  async run({ page, log, snapshot }) {
    const { steps, step } = recorder(log);
    await clearNotifications(page);
    await showProblems(page);
    step(`Problems panel before: ${JSON.stringify(await problemTexts(page))}`);

    await openFile(page, SAMPLE.file);
    // Only offered in the palette while a task file is the active editor (package.json menus).
    await runCommand(page, 'Keruta: Show Job YAML');
    // With the cursor outside a task (Quick Open leaves it at 1:1, on the file's header comment)
    // the command asks which task; inside one it opens that task's Job at once.
    const jobEditor = page.locator('.part.editor .editor-group-container.active .view-lines', { hasText: 'kind: Job' }).first();
    const pick = quickPickRow(page, SAMPLE.title).first();
    await Promise.race([jobEditor.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS }), pick.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS })]);
    if (await pick.isVisible()) {
      step('Keruta: Show Job YAML asked which task (cursor at 1:1, the header comment); picked the sample');
      await pickQuickItem(page, SAMPLE.title);
    }
    await jobEditor.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    step('Keruta: Show Job YAML opened the Job beside the task file');
    const before = await kerutaProblemCodes(page);

    await replaceAllInEditor(page, 'restartPolicy: Never', 'restartPolicy: Always');
    step('edited: restartPolicy: Always');
    await replaceAllInEditor(page, 'ttlSecondsAfterFinished: 3600', 'ttlSecondsAfterFinished: 0');
    step('edited: ttlSecondsAfterFinished: 0');
    // A new variable before KERUTA_TASK_PRIORITY in the main container's env (the renderer's indentation).
    await replaceAllInEditor(page, '- name: KERUTA_TASK_PRIORITY', '- name: KERUTA_TASK_TITEL\n              value: typo\n            - name: KERUTA_TASK_PRIORITY');
    step('edited: added env KERUTA_TASK_TITEL (misspelt KERUTA_TASK_TITLE)');

    await showProblems(page);
    const broken = await waitForKerutaProblemCodes(page, [...before, 'env-keruta-unknown', 'job-restart-policy', 'ttl-zero']);
    step(`Problems panel, keruta codes: ${JSON.stringify(broken)}`);
    for (const text of await problemTexts(page)) step(`  row: ${text}`);

    await quickFixProblem(page, 'job-restart-policy', 'restartPolicy: Never', { beforeApply: () => snapshot('quick-fix') });
    step('quick fix applied: Set restartPolicy: Never');
    const fixed = await waitForKerutaProblemCodes(page, [...before, 'env-keruta-unknown', 'ttl-zero']);
    await page.locator('.part.editor .editor-group-container.active .view-lines', { hasText: 'restartPolicy: Never' }).first().waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    step(`only job-restart-policy went away: keruta codes now ${JSON.stringify(fixed)}; the editor says restartPolicy: Never`);
    return steps.join('\n');
  },
};

/**
 * Scenario 3: a task whose image fails. Run from the task's ▶ in the Keruta view; the tree and the
 * status bar say it failed and why; Show Logs (the run's inline action) opens the container's
 * output; the task file says FAILED.
 */
export const failedTask: Scenario = {
  id: 'failed-task',
  title: 'A failing task: FAILED with its reason in the tree and the status bar, Show Logs opens the container output',
  window: 'trusted',
  prepare(workspace) {
    writeFileSync(
      path.join(workspace, FAILING.file),
      [
        '# Written by the e2e driver: the simulator\'s keruta-sim/fail:3 logs its lines, then exits 3.',
        `id: ${FAILING.id}`,
        `title: ${FAILING.title}`,
        'priority: 1',
        'status: PENDING',
        'createdAt: "2026-11-01T09:00:00Z"',
        'updatedAt: "2026-11-01T09:00:00Z"',
        'job:',
        `  image: keruta-sim/fail:${FAILING.exitCode}`,
        '  backoffLimit: 0',
        '  ttlSecondsAfterFinished: 3600',
        '',
      ].join('\n'),
    );
  },
  async run({ page, simulator, workspace, log }) {
    const { steps, step } = recorder(log);
    await clearNotifications(page);
    await showViewContainer(page, 'Keruta');
    const taskRow = treeRow(page, FAILING.title).first();
    await clickRowAction(taskRow, 'Run Task');
    step(`clicked Run Task (▶) on "${FAILING.title}" in the Keruta view`);

    await treeRow(page, FAILING.title, 'FAILED').first().waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
    step(`Keruta view, task: "${(await taskRow.textContent())?.trim()}"`);
    const runRow = treeRow(page, `keruta-${FAILING.id}-`).first();
    if (!(await runRow.isVisible())) await expandRow(taskRow);
    const failedRun = treeRow(page, `keruta-${FAILING.id}-`, 'Failed').first();
    await failedRun.waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
    const runText = (await failedRun.textContent())?.trim() ?? '';
    if (!/BackoffLimitExceeded|exit code 3/.test(runText)) throw new Error(`the run's row does not say why it failed: "${runText}"`);
    step(`Keruta view, run: "${runText}"`);
    await expandRow(failedRun);
    const reasonRow = treeRow(page, 'BackoffLimitExceeded').filter({ hasNotText: `keruta-${FAILING.id}-` }).first();
    await reasonRow.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    step(`Keruta view, under the run: "${(await reasonRow.textContent())?.trim()}"`);

    const bar = statusBarItem(page, FAILING.title).first();
    await bar.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    const barClass = (await bar.getAttribute('class')) ?? '';
    const barText = (await bar.textContent())?.trim() ?? '';
    if (!barText.includes(`${FAILING.title}: FAILED (BackoffLimitExceeded)`)) throw new Error(`the status bar does not say FAILED and why: "${barText}"`);
    const tooltip = await hoverText(page, bar);
    if (!/Failed: BackoffLimitExceeded|exit code 3/.test(tooltip)) throw new Error(`the status bar's tooltip does not say the run failed and why: "${tooltip}"`);
    step(`status bar: "${(await bar.textContent())?.trim()}"${barClass.includes('error-kind') ? ' (error background)' : ''}, tooltip: "${tooltip}"`);
    await page.mouse.move(0, 0);

    // Finishes are notified after a short coalescing delay (runNotifications.ts).
    const failedNote = notification(page, `Task "${FAILING.title}" failed`).first();
    await failedNote.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    step(`notification: "${(await failedNote.locator('.notification-list-item-message').textContent())?.trim()}"`);

    await clickRowAction(failedRun, 'Show Logs');
    const logLine = `error: keruta-sim/fail: exiting with code ${FAILING.exitCode}`;
    await page.locator('.part.editor .editor-group-container.active .view-lines', { hasText: logLine }).first().waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    // The Pod has finished: the follower reaches the end of the log and says so.
    await page.locator('.part.editor .editor-group-container.active .view-lines', { hasText: 'log ended' }).first().waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    const tab = (await page.locator('.part.editor .editor-group-container.active .tab.active').first().textContent())?.trim();
    step(`Show Logs (the run's inline action) opened tab "${tab}":`);
    for (const line of (await activeEditorText(page)).split('\n').filter(Boolean)) step(`  | ${line}`);

    await fileMatches(path.join(workspace, FAILING.file), /^status: FAILED$/m, DEFAULT_TIMEOUT_MS);
    step(`${FAILING.file} on disk: status: FAILED`);

    if (simulator) {
      const jobs = simulator.store.list('jobs', 'default').filter((job) => labels(job)['keruta.io/task-id'] === FAILING.id);
      const failed = jobs.filter((job) => condition(job, 'Failed'));
      if (failed.length !== 1) throw new Error(`expected one failed Job of task ${FAILING.id} in the simulator, found ${jobs.length} Jobs, ${failed.length} failed`);
      step(`simulator: Job ${String(failed[0]?.metadata?.name)} Failed (${conditionReason(failed[0]!, 'Failed') ?? 'no reason'})`);
    }
    return steps.join('\n');
  },
};

/**
 * Scenario 5: no cluster. The kubeconfig names a server that no longer listens: Run Task says so
 * clearly (naming the server) and nothing breaks; then an empty folder in the same window: the
 * Keruta view shows its welcome view with Create Task File.
 */
export const noCluster: Scenario = {
  id: 'no-cluster',
  title: 'No cluster: Run Task explains the server cannot be reached; an empty folder shows the welcome view',
  window: 'no-cluster',
  async run({ page, host, server, workspace, log, snapshot }) {
    const { steps, step } = recorder(log);
    const serverHost = new URL(server).host;
    await runCommand(page, 'Keruta: Run Task');
    const pick = quickPickRow(page, SAMPLE.title).first();
    const error = notification(page, serverHost).first();
    await Promise.race([pick.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS }), error.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS })]);
    if (await pick.isVisible()) {
      await pickQuickItem(page, SAMPLE.title);
      step(`picked "${SAMPLE.title}" in Keruta: Run Task`);
    }
    await error.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    const message = (await error.locator('.notification-list-item-message').textContent())?.trim() ?? '';
    const buttons = (await error.locator('.notification-list-item-buttons-container .monaco-button').allTextContents()).map((text) => text.trim());
    const severity = (await error.locator('.notification-list-item-icon').getAttribute('class')) ?? '';
    if (!/cannot be reached|could not be found|unreachable/i.test(message)) throw new Error(`the notification does not say the cluster is unreachable: "${message}"`);
    step(`notification${severity.includes('codicon-error') ? ' (error)' : ''}: "${message}" buttons ${JSON.stringify(buttons)}`);
    await snapshot('error');
    // The "Starting task … on <context>…" progress notification ends with the failed attempt.
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'Starting task' }).first().waitFor({ state: 'hidden', timeout: DEFAULT_TIMEOUT_MS });
    step('the "Starting task…" progress notification is gone');

    // Nothing crashed: the extension host is alive (no "terminated unexpectedly"), the view still lists the tasks, the file is untouched.
    const crashed = await page.locator('.notifications-toasts .notification-toast', { hasText: /terminated unexpectedly|crashed/i }).count();
    if (crashed > 0) throw new Error('the extension host crashed');
    await showViewContainer(page, 'Keruta');
    await treeRow(page, SAMPLE.title).first().waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    const rows = (await page.locator('.part.sidebar .monaco-list-row').allTextContents()).map((text) => text.trim());
    step(`Keruta view: ${JSON.stringify(rows)}`);
    const taskFile = readFileSync(path.join(workspace, SAMPLE.file), 'utf8');
    if (!/^status: PENDING$/m.test(taskFile)) throw new Error(`${SAMPLE.file} changed although no Job was created:\n${taskFile}`);
    step(`${SAMPLE.file} still says PENDING; no crash notification`);

    const empty = `${workspace}-empty`;
    mkdirSync(empty, { recursive: true });
    await openFolderInWindow(page, host.port, empty);
    step(`opened the empty folder ${path.basename(empty)} in the same window`);
    await showViewContainer(page, 'Keruta');
    const welcome = welcomeView(page).filter({ hasText: 'No keruta tasks' }).first();
    await welcome.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    const button = welcome.locator('.monaco-button', { hasText: 'Create Task File' }).first();
    await button.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    step(`Keruta view shows its welcome view: "${((await welcome.textContent()) ?? '').replace(/\s+/g, ' ').trim()}"`);
    // The view's progress bar (shown while the tree loads) ends.
    const progress = page.locator('.part.sidebar .monaco-progress-container.active').first();
    const progressSince = Date.now();
    await progress.waitFor({ state: 'hidden', timeout: DEFAULT_TIMEOUT_MS });
    step(`the Keruta view's progress bar ended ${Date.now() - progressSince} ms after the welcome view showed`);
    return steps.join('\n');
  },
};

/**
 * Scenario 4: an untrusted workspace. Task files are still listed, the view says why nothing
 * runs, Run Task is not offered (or refuses), and Keruta sends no request to the cluster.
 */
export const untrustedWorkspace: Scenario = {
  id: 'untrusted',
  title: 'Untrusted workspace: tasks listed, the view says why nothing runs, no request reaches the cluster',
  window: 'untrusted',
  async run({ page, simulator, workspace, log }) {
    const { steps, step } = recorder(log);
    if (!simulator) throw new Error('the untrusted scenario counts the simulator\'s requests: it needs the simulator');
    await statusBarItem(page, 'Restricted Mode').first().waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    step('the window is in Restricted Mode');

    await showViewContainer(page, 'Keruta');
    await treeRow(page, SAMPLE.title).first().waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    const why = treeRow(page, 'not trusted').first();
    await why.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    step(`Keruta view lists the tasks and says: "${(await why.textContent())?.trim()}"`);

    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    await input.fill('>Keruta: ');
    await quickPickRow(page, 'Keruta: Show Output').first().waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    const offered = (await page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allTextContents()).map((text) => text.trim());
    step(`Command Palette offers: ${JSON.stringify(offered)}`);
    if (offered.some((title) => title.includes('Run Task'))) {
      await pickQuickItem(page, 'Keruta: Run Task');
      await notification(page, 'untrusted').first().waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
      step('Keruta: Run Task is offered but refuses with a notification');
    } else {
      await page.keyboard.press('Escape');
      step('Keruta: Run Task is not offered');
    }

    const taskFile = readFileSync(path.join(workspace, SAMPLE.file), 'utf8');
    if (!/^status: PENDING$/m.test(taskFile)) throw new Error(`${SAMPLE.file} changed in an untrusted workspace:\n${taskFile}`);
    const requests = simulator.counters.snapshot();
    const total = Object.entries(requests).filter(([key]) => key !== 'openWatches').reduce((sum, [, count]) => sum + count, 0);
    if (total !== 0) throw new Error(`Keruta sent requests to the cluster from an untrusted workspace: ${JSON.stringify(requests)}`);
    step(`the simulator saw no request (${JSON.stringify(requests)}); ${SAMPLE.file} still says PENDING`);
    return steps.join('\n');
  },
};

export const SCENARIOS: readonly Scenario[] = [runTask, jobYamlDiagnostics, failedTask, untrustedWorkspace, noCluster];

/** Waits until the file on disk matches (an open task file is written through its editor, then saved). */
async function fileMatches(file: string, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = readFileSync(file, 'utf8');
    if (pattern.test(text)) return;
    if (Date.now() > deadline) throw new Error(`${path.basename(file)} on disk does not match ${String(pattern)} after ${timeoutMs} ms:\n${text}`);
    // A file on disk has no event to wait on from here; look again shortly.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const KERUTA_VARIABLES = ['KERUTA_TASK_ID', 'KERUTA_TASK_TITLE', 'KERUTA_TASK_DESCRIPTION', 'KERUTA_TASK_PRIORITY', 'KERUTA_TASK_STATUS', 'KERUTA_TASK_CREATED_AT', 'KERUTA_TASK_UPDATED_AT'] as const;

function updatedAtIn(file: string): string {
  const match = /^updatedAt: "?([^"\n]+)"?$/m.exec(readFileSync(file, 'utf8'));
  if (!match) throw new Error(`${path.basename(file)} has no updatedAt`);
  return match[1]!;
}

function labels(object: KubeObject): Record<string, string> {
  return object.metadata?.labels ?? {};
}

function conditions(job: KubeObject): { type: string; status: string; reason?: string }[] {
  return (job as { status?: { conditions?: { type: string; status: string; reason?: string }[] } }).status?.conditions ?? [];
}

function condition(job: KubeObject, type: string): boolean {
  return conditions(job).some((entry) => entry.type === type && entry.status === 'True');
}

function conditionReason(job: KubeObject, type: string): string | undefined {
  return conditions(job).find((entry) => entry.type === type && entry.status === 'True')?.reason;
}
