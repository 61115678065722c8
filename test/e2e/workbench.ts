/**
 * What a user does in the workbench, as playwright steps on VS Code's DOM: the Command Palette,
 * quick picks, the Keruta view, tabs, the status bar, notifications and the Problems panel. Each
 * step waits for the element it needs (with a timeout), never for a fixed time.
 */
import type { Locator, Page } from 'playwright-core';

export const DEFAULT_TIMEOUT_MS = 30_000;

const QUICK_INPUT = '.quick-input-widget';

/**
 * F1, the command's title, Enter on the matching entry. The palette lists what is registered and
 * enabled when its filter changes, and does not refresh while it stays open: a command whose
 * `enablement` is not yet true (`isWorkspaceTrusted` is false for a moment after the window
 * opens, until trust has been resolved with the server) is missing from that list. So the filter
 * is typed again until the entry shows up or the time is up.
 */
export async function runCommand(page: Page, title: string, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  const row = quickPickRow(page, title).first();
  const deadline = Date.now() + timeout;
  for (let attempt = 0; ; attempt++) {
    if (!(await input.isVisible())) {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: Math.max(1, deadline - Date.now()) });
    }
    if (attempt > 0) await input.fill('>');
    await input.fill(`>${title}`);
    // The exact entry (its label, without the keybinding and "recently used" decorations) is shown first.
    try {
      await row.waitFor({ state: 'visible', timeout: Math.max(1, Math.min(2_000, deadline - Date.now())) });
      break;
    } catch (error) {
      if (Date.now() >= deadline) throw new Error(`The Command Palette did not offer "${title}" within ${timeout} ms; it offered ${JSON.stringify(await quickPickLabels(page))}`, { cause: error });
    }
  }
  await row.click();
}

/** The labels of the open quick pick's rows. */
export async function quickPickLabels(page: Page): Promise<string[]> {
  return (await page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row .label-name`).allTextContents()).map((text) => text.trim());
}

/** A row of the open quick pick whose text contains `text`. */
export function quickPickRow(page: Page, text: string): Locator {
  return page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`, { hasText: text });
}

/** Waits for a quick pick row with `text`, and picks it. */
export async function pickQuickItem(page: Page, text: string, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
  const row = quickPickRow(page, text).first();
  await row.waitFor({ state: 'visible', timeout });
  await row.click();
  await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout });
}

/** Opens a view container from the activity bar by its title (e.g. "Keruta"). */
export async function showViewContainer(page: Page, title: string, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
  const item = page.locator(`.part.activitybar .action-item a.action-label[aria-label^="${title}"]`).first();
  await item.waitFor({ state: 'visible', timeout });
  const checked = await item.locator('xpath=..').getAttribute('aria-checked').catch(() => null);
  const selected = await item.locator('xpath=..').getAttribute('aria-selected').catch(() => null);
  if (checked !== 'true' && selected !== 'true') await item.click();
  await page.locator(`.part.sidebar .composite.title h2[title^="${title}"], .part.sidebar .composite.title h2`, { hasText: title }).first().waitFor({ state: 'visible', timeout });
}

/** A row of a tree in the side bar whose text (label and description) contains every `text`. */
export function treeRow(page: Page, ...texts: string[]): Locator {
  let rows = page.locator('.part.sidebar .monaco-list-row');
  for (const text of texts) rows = rows.filter({ hasText: text });
  return rows;
}

/** An editor tab whose label contains `name`. */
export function editorTab(page: Page, name: string): Locator {
  return page.locator('.part.editor .tabs-container .tab', { hasText: name });
}

/** A status bar entry whose text contains `text`. */
export function statusBarItem(page: Page, text: string): Locator {
  return page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: text });
}

/** A notification toast whose message contains `text`. */
export function notification(page: Page, text: string): Locator {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text });
}

/** The texts of every visible notification toast (for failure reports). */
export async function notificationTexts(page: Page): Promise<string[]> {
  return (await page.locator('.notifications-toasts .notification-toast .notification-list-item-message').allTextContents()).map((text) => text.trim());
}

/**
 * Every notification of the window, from the Notification Center (toasts without actions hide
 * themselves after a while; the center keeps them). Opens the center.
 */
export async function notificationCenterTexts(page: Page, timeout = DEFAULT_TIMEOUT_MS): Promise<string[]> {
  await runCommand(page, 'Notifications: Show Notifications', timeout);
  await page.locator('.notifications-center').waitFor({ state: 'visible', timeout });
  return (await page.locator('.notifications-center .notification-list-item-message').allTextContents()).map((text) => text.trim());
}

/** Opens a workspace file through Quick Open (Ctrl+P), as a user would. */
export async function openFile(page: Page, relativePath: string, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(relativePath);
  const name = relativePath.split('/').pop() ?? relativePath;
  await pickQuickItem(page, name, timeout);
  await editorTab(page, name).first().waitFor({ state: 'visible', timeout });
}

/** The active editor's text area, focused. */
export async function focusActiveEditor(page: Page, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
  const lines = page.locator('.part.editor .editor-group-container.active .monaco-editor .view-lines').first();
  await lines.waitFor({ state: 'visible', timeout });
  await lines.click();
}

/**
 * Replace All in the active editor with its Find/Replace widget (Ctrl+H), as a user edits. `find`
 * must occur once; `replace` may span lines (the widget's inputs are text areas; without regex
 * mode the replacement is taken literally).
 */
export async function replaceAllInEditor(page: Page, find: string, replace: string, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
  await focusActiveEditor(page, timeout);
  await page.keyboard.press('Control+H');
  const widget = page.locator('.part.editor .editor-group-container.active .find-widget.visible');
  await widget.waitFor({ state: 'visible', timeout });
  const findInput = widget.locator('.find-part .input').first();
  const replaceInput = widget.locator('.replace-part .input').first();
  await findInput.fill(find);
  // The count is hidden when the widget is narrow (a split editor in a small window), so wait for its text, not its visibility.
  await widget.locator('.matchesCount', { hasText: /^1 of/ }).waitFor({ state: 'attached', timeout });
  await replaceInput.fill(replace);
  await page.keyboard.press('Control+Alt+Enter');
  // When the replacement keeps the text found (an insertion next to it), the count stays at 1: the
  // caller checks the result (its diagnostics) instead.
  if (!replace.includes(find)) await widget.locator('.matchesCount', { hasText: /No results/ }).waitFor({ state: 'attached', timeout });
  await escapeUntilHidden(page, widget, timeout);
}

/**
 * Escape until `widget` is gone: an Escape first hides notification toasts when some are shown,
 * so one press is not always enough.
 */
export async function escapeUntilHidden(page: Page, widget: Locator, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    await page.keyboard.press('Escape');
    try {
      await widget.waitFor({ state: 'hidden', timeout: Math.min(2_000, Math.max(1, deadline - Date.now())) });
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
  }
}

/** Clears every notification (toasts and the center), so that Escape and clicks reach the workbench. */
export async function clearNotifications(page: Page, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications', timeout);
  await page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached', timeout });
}

/** Opens the Problems panel (Ctrl+Shift+M). */
export async function showProblems(page: Page, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').waitFor({ state: 'visible', timeout });
}

/** Rows of the Problems panel whose text contains `text` (message, source and code are all in it). */
export function problemRows(page: Page, text: string): Locator {
  return page.locator('.markers-panel .monaco-list-row', { hasText: text });
}

/** The texts of every row of the Problems panel (for reports). */
export async function problemTexts(page: Page): Promise<string[]> {
  return (await page.locator('.markers-panel .monaco-list-row').allTextContents()).map((text) => text.trim());
}

/**
 * Quick Fix for the problem with `code` in the active editor, by keyboard as a user would: F8 goes
 * from problem to problem (from the top of the file) until its peek shows `code`; the peek closes
 * with Escape, the cursor stays; Ctrl+. lists the fixes, the one whose title contains `title` is
 * picked. (Double-clicking the Problems row does not move the focus to the editor reliably, so
 * Ctrl+. would land in the panel.) `beforeApply` runs while the fix is focused in the open menu.
 */
export async function quickFixProblem(page: Page, code: string, title: string, options: { timeout?: number; beforeApply?: () => Promise<void> } = {}): Promise<void> {
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  await focusActiveEditor(page, timeout);
  await page.keyboard.press('Control+Home');
  const peek = page.locator('.part.editor .editor-group-container.active .marker-widget').first();
  const seen: string[] = [];
  for (let step = 0; ; step++) {
    await page.keyboard.press('F8');
    await peek.waitFor({ state: 'visible', timeout });
    // The peek's title says "n of N problems"; its body the message, source and code.
    const text = (await peek.textContent())?.trim() ?? '';
    if (text.includes(code)) break;
    seen.push(text);
    if (step >= 20) throw new Error(`F8 did not reach a problem with code ${code}; it showed:\n${seen.join('\n')}`);
  }
  await escapeUntilHidden(page, peek, timeout);
  await page.keyboard.press('Control+.');
  const action = page.locator('.action-widget .monaco-list-row.action', { hasText: title }).first();
  await action.waitFor({ state: 'visible', timeout });
  // By keyboard: the widget's pointer block swallows clicks. The preferred fix is focused first.
  const rows = await page.locator('.action-widget .monaco-list-row.action').count();
  const focused = async (): Promise<boolean> => ((await action.getAttribute('class')) ?? '').split(/\s+/).includes('focused');
  for (let step = 0; step < rows && !(await focused()); step++) await page.keyboard.press('ArrowDown');
  await options.beforeApply?.();
  await page.keyboard.press('Enter');
  await page.locator('.action-widget').waitFor({ state: 'hidden', timeout });
}

/**
 * The keruta codes in the Problems panel, one per problem row, sorted. A row reads
 * "<message><source><code>[Ln N, Col M]", so the code is what follows "keruta" at the end.
 */
export async function kerutaProblemCodes(page: Page): Promise<string[]> {
  const codes: string[] = [];
  for (const text of await problemTexts(page)) {
    const match = /keruta([a-z0-9]+(?:-[a-z0-9]+)*)\[Ln \d+, Col \d+\]$/.exec(text);
    if (match?.[1]) codes.push(match[1]);
  }
  return codes.sort();
}

/** Waits until the Problems panel lists keruta problems with exactly these codes (in any order). */
export async function waitForKerutaProblemCodes(page: Page, expected: readonly string[], timeout = DEFAULT_TIMEOUT_MS): Promise<string[]> {
  const wanted = [...expected].sort();
  const deadline = Date.now() + timeout;
  for (;;) {
    const codes = await kerutaProblemCodes(page);
    if (JSON.stringify(codes) === JSON.stringify(wanted)) return codes;
    if (Date.now() > deadline) throw new Error(`The Problems panel lists keruta codes ${JSON.stringify(codes)}, expected ${JSON.stringify(wanted)}:\n${(await problemTexts(page)).join('\n')}`);
    // The Problems panel updates on its own schedule (diagnostics are debounced); look again shortly.
    await page.waitForTimeout(200);
  }
}

/** Clicks an inline action (the icons a tree row shows on hover) of `row`, by its title. */
export async function clickRowAction(row: Locator, title: string, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
  await row.waitFor({ state: 'visible', timeout });
  await row.hover();
  const action = row.locator(`.actions .action-label[aria-label^="${title}"]`).first();
  await action.waitFor({ state: 'visible', timeout });
  await action.click();
}

/** Expands a collapsed tree row (its twistie), if it is collapsed. */
export async function expandRow(row: Locator, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
  await row.waitFor({ state: 'visible', timeout });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
}

/**
 * Hovers `target` and returns the text of the hover (tooltip) it opens. The mouse first leaves
 * whatever it was on, so that an earlier hover (a tree action's) is gone.
 */
export async function hoverText(page: Page, target: Locator, timeout = DEFAULT_TIMEOUT_MS): Promise<string> {
  const hovers = page.locator('.workbench-hover-container, .monaco-hover:not(.hidden)').filter({ hasText: /\S/ });
  await page.mouse.move(0, 0);
  await hovers.first().waitFor({ state: 'hidden', timeout });
  await target.hover();
  await hovers.first().waitFor({ state: 'visible', timeout });
  return ((await hovers.first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** The text of the active editor's visible lines. */
export async function activeEditorText(page: Page, timeout = DEFAULT_TIMEOUT_MS): Promise<string> {
  const lines = page.locator('.part.editor .editor-group-container.active .monaco-editor .view-lines').first();
  await lines.waitFor({ state: 'visible', timeout });
  return (await lines.innerText()).replace(/\u00a0/g, ' ');
}

/**
 * Loads another folder in the same browser tab: the workbench reloads with a new extension host,
 * as "File: Open Folder…" does. Waits for the workbench and the status bar, not for Explorer rows
 * (an empty folder has none).
 */
export async function openFolderInWindow(page: Page, port: number, folder: string, timeout = 60_000): Promise<void> {
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded', timeout });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
  await page.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout });
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ state: 'visible', timeout });
}

/** The welcome view (viewsWelcome) of the visible side bar view, when it shows one. */
export function welcomeView(page: Page): Locator {
  return page.locator('.part.sidebar .welcome-view-content');
}

/** Waits until the extensions' contributions are in the workbench: their view container is in the activity bar. */
export async function waitForViewContainer(page: Page, title: string, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
  await page.locator(`.part.activitybar .action-item a.action-label[aria-label^="${title}"]`).first().waitFor({ state: 'visible', timeout });
}
