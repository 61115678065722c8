/**
 * Drives the workbench code-server serves: Debian's Chromium through playwright-core (no browser
 * download), headless, with the flags that make it start quietly on these machines. `openWorkbench`
 * resolves once the workbench is on screen and its extension host is connected — waiting on the
 * DOM, never on fixed sleeps.
 */
import { existsSync } from 'node:fs';
import { type Browser, type ConsoleMessage, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.KERUTA_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Workbench {
  readonly browser: Browser;
  readonly page: Page;
  /** Browser console lines at warning level and above, page errors and failed requests, for reports. */
  readonly consoleProblems: string[];
  close(): Promise<void>;
}

export interface OpenWorkbenchOptions {
  readonly viewport?: { width: number; height: number };
  readonly timeoutMs?: number;
}

export async function openWorkbench(url: string, options: OpenWorkbenchOptions = {}): Promise<Workbench> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}. Run \`node scripts/vscode-host/install.mjs\` (it installs Debian's chromium) or set KERUTA_CHROMIUM.`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    const consoleProblems: string[] = [];
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error' || message.type() === 'warning') consoleProblems.push(`[${message.type()}] ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleProblems.push(`[pageerror] ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) consoleProblems.push(`[http ${response.status()}] ${response.url()}`);
    });
    const timeout = options.timeoutMs ?? 60_000;
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
    await waitForWorkbench(page, timeout);
    return { browser, page, consoleProblems, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** The workbench is rendered, and the status bar shows the remote (code-server's extension host) connected. */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  // The Explorer has loaded the folder: a row of the file tree is on screen.
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: timeoutMs });
}
