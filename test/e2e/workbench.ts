/**
 * What a user does in the workbench, as playwright steps on VS Code's DOM: the Command Palette,
 * quick picks, the Keruta view, tabs, the status bar, notifications and the Problems panel. Each
 * step waits for the element it needs (with a timeout), never for a fixed time.
 */
import type { Locator, Page } from 'playwright-core';

export const DEFAULT_TIMEOUT_MS = 30_000;

const QUICK_INPUT = '.quick-input-widget';

/** F1, the command's title, Enter on the matching entry. */
export async function runCommand(page: Page, title: string, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  if (!(await input.isVisible())) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout });
  }
  await input.fill(`>${title}`);
  // The exact entry (its label, without the keybinding and "recently used" decorations) is shown first.
  const row = quickPickRow(page, title).first();
  await row.waitFor({ state: 'visible', timeout });
  await row.click();
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

/** Replace All in the active editor with its Find/Replace widget (Ctrl+H), as a user edits. */
export async function replaceAllInEditor(page: Page, find: string, replace: string, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
  await focusActiveEditor(page, timeout);
  await page.keyboard.press('Control+H');
  const widget = page.locator('.part.editor .editor-group-container.active .find-widget.visible');
  await widget.waitFor({ state: 'visible', timeout });
  const findInput = widget.locator('.find-part .input').first();
  const replaceInput = widget.locator('.replace-part .input').first();
  await findInput.fill(find);
  await widget.locator('.matchesCount', { hasText: /^1 of/ }).waitFor({ state: 'visible', timeout });
  await replaceInput.fill(replace);
  await page.keyboard.press('Control+Alt+Enter');
  await widget.locator('.matchesCount', { hasText: /No results/ }).waitFor({ state: 'visible', timeout });
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
 * Quick Fix on the first problem of the active editor, by keyboard as a user would: F8 goes to the
 * problem (its peek closes with Escape, the cursor stays), Ctrl+. lists the fixes, the one whose
 * title contains `title` is picked. (Double-clicking the Problems row does not move the focus to
 * the editor reliably, so Ctrl+. would land in the panel.)
 */
export async function quickFixFirstProblem(page: Page, title: string, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
  await focusActiveEditor(page, timeout);
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('F8');
  const peek = page.locator('.part.editor .editor-group-container.active .marker-widget').first();
  await peek.waitFor({ state: 'visible', timeout });
  await escapeUntilHidden(page, peek, timeout);
  await page.keyboard.press('Control+.');
  const action = page.locator('.action-widget .monaco-list-row.action', { hasText: title }).first();
  await action.waitFor({ state: 'visible', timeout });
  // By keyboard: the widget's pointer block swallows clicks. The preferred fix is focused first.
  const rows = await page.locator('.action-widget .monaco-list-row.action').count();
  const focused = async (): Promise<boolean> => ((await action.getAttribute('class')) ?? '').split(/\s+/).includes('focused');
  for (let step = 0; step < rows && !(await focused()); step++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.locator('.action-widget').waitFor({ state: 'hidden', timeout });
}

/** Waits until the extensions' contributions are in the workbench: their view container is in the activity bar. */
export async function waitForViewContainer(page: Page, title: string, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
  await page.locator(`.part.activitybar .action-item a.action-label[aria-label^="${title}"]`).first().waitFor({ state: 'visible', timeout });
}
