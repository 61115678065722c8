/**
 * The end-to-end scenarios, each a user's path through the workbench against the simulator.
 * A scenario throws on the first thing that is not as the user should see it; run.ts saves a
 * screenshot either way.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { CodeServer } from '../../scripts/vscode-host/host';
import type { Simulator } from '../sim/simulator';
import type { KubeObject } from '../sim/types';
import {
  clearNotifications,
  DEFAULT_TIMEOUT_MS,
  editorTab,
  notification,
  openFile,
  pickQuickItem,
  problemRows,
  problemTexts,
  quickFixFirstProblem,
  quickPickRow,
  replaceAllInEditor,
  runCommand,
  showProblems,
  showViewContainer,
  statusBarItem,
  treeRow,
} from './workbench';

export interface ScenarioContext {
  readonly page: Page;
  readonly host: CodeServer;
  readonly simulator: Simulator;
  /** The workspace folder open in the window (a copy of examples/). */
  readonly workspace: string;
  readonly outDir: string;
  readonly log: (message: string) => void;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** Which window it needs: the trusted one (shared with the suite) or an untrusted one of its own. */
  readonly window: 'trusted' | 'untrusted';
  /** Resolves with a short description of what was seen; throws when something is wrong. */
  run(context: ScenarioContext): Promise<string | void>;
}

const SAMPLE = { file: 'sample.keruta.yaml', id: '123', title: 'サンプルタスク' } as const;
const RUN_TIMEOUT_MS = 90_000;

/** Scenario 1: Run Task from the Command Palette, follow it to COMPLETED, see the collected README.md. */
const runTask: Scenario = {
  id: 'run-task',
  title: 'Run Task from the Command Palette to COMPLETED, README.md collected and opened',
  window: 'trusted',
  async run({ page, simulator, workspace, log }) {
    const steps: string[] = [];
    const step = (text: string): void => {
      steps.push(text);
      log(`  ${text}`);
    };
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

    const finished = notification(page, SAMPLE.title).first();
    await finished.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    step(`notification: "${(await finished.locator('.notification-list-item-message').textContent())?.trim()}"`);

    await fileMatches(path.join(workspace, SAMPLE.file), /^status: COMPLETED$/m, DEFAULT_TIMEOUT_MS);
    step(`${SAMPLE.file} on disk: status: COMPLETED`);

    const jobs = simulator.store.list('jobs', 'default').filter((job) => labels(job)['keruta.io/task-id'] === SAMPLE.id);
    const complete = jobs.filter((job) => condition(job, 'Complete'));
    if (complete.length !== 1) throw new Error(`expected one completed Job of task ${SAMPLE.id} in the simulator, found ${jobs.length} Jobs, ${complete.length} complete`);
    step(`simulator: Job ${String(complete[0]?.metadata?.name)} Complete`);
    return steps.join('\n');
  },
};

/** Scenario 2: Show Job YAML, break the Job, see the problem in the Problems panel, fix it with the quick fix. */
const jobYamlDiagnostics: Scenario = {
  id: 'job-yaml',
  title: 'Job YAML: a broken restartPolicy in the Problems panel, fixed by its quick fix',
  window: 'trusted',
  async run({ page, log }) {
    const steps: string[] = [];
    const step = (text: string): void => {
      steps.push(text);
      log(`  ${text}`);
    };
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

    await replaceAllInEditor(page, 'restartPolicy: Never', 'restartPolicy: Always');
    step('edited: restartPolicy: Always');
    await showProblems(page);
    const row = problemRows(page, 'job-restart-policy').first();
    await row.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    step(`Problems panel: "${(await row.textContent())?.trim()}"`);

    await quickFixFirstProblem(page, 'restartPolicy: Never');
    step('quick fix applied: Set restartPolicy: Never');
    await problemRows(page, 'job-restart-policy').first().waitFor({ state: 'detached', timeout: DEFAULT_TIMEOUT_MS });
    await page.locator('.part.editor .editor-group-container.active .view-lines', { hasText: 'restartPolicy: Never' }).first().waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    step('the problem is gone and the editor says restartPolicy: Never');
    step(`Problems panel after: ${JSON.stringify(await problemTexts(page))}`);
    return steps.join('\n');
  },
};

/**
 * Scenario 4: an untrusted workspace. Task files are still listed, the view says why nothing
 * runs, Run Task is not offered (or refuses), and Keruta sends no request to the cluster.
 */
const untrustedWorkspace: Scenario = {
  id: 'untrusted',
  title: 'Untrusted workspace: tasks listed, the view says why nothing runs, no request reaches the cluster',
  window: 'untrusted',
  async run({ page, simulator, workspace, log }) {
    const steps: string[] = [];
    const step = (text: string): void => {
      steps.push(text);
      log(`  ${text}`);
    };
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

export const SCENARIOS: readonly Scenario[] = [runTask, jobYamlDiagnostics, untrustedWorkspace];

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

function labels(object: KubeObject): Record<string, string> {
  return object.metadata?.labels ?? {};
}

function condition(job: KubeObject, type: string): boolean {
  const conditions = (job as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? [];
  return conditions.some((entry) => entry.type === type && entry.status === 'True');
}
