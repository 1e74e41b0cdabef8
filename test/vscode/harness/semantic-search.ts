// Steps the journeys share: waiting for the index, searching through the QuickPick.
import assert from 'node:assert/strict';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { EXTENSION_ID, notificationTexts, runCommand } from './workbench.ts';

/** The extension's status bar item. */
export function statusBarItem(page: Page): Locator {
  return page.locator('.statusbar-item', { hasText: /Semantic Search|Indexing/ }).first();
}

/** Waits until the status bar says the index is ready (the check icon, no "partial"/"Indexing"). */
export async function waitForIndexReady(page: Page, timeoutMs = 120_000): Promise<void> {
  const item = statusBarItem(page);
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const label = (await item.getAttribute('aria-label').catch(() => null)) ?? '';
    const text = await item.innerText().catch(() => '');
    const ready = (await item.locator('.codicon-check').count()) > 0 && !/Indexing|partial|loading/.test(text + label);
    if (ready) return;
    await page.waitForTimeout(500);
  }
  throw new Error(`the index did not become ready: status bar says "${await item.innerText().catch(() => '?')}"`);
}

/** The QuickPick's result rows. */
export function quickPickRows(page: Page): Locator {
  return page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
}

/** The Search command's palette label: titled after the product, so it sorts first among the extension's commands. */
export const SEARCH_COMMAND = 'Semantic Search';

/** The Search command's keybinding (package.json, contributes.keybindings). */
export const SEARCH_KEYBINDING = 'Control+Alt+F';

/**
 * Opens Semantic Search (the search QuickPick) and types a query; resolves when a row mentions `expected`.
 * `open: 'keybinding'` opens it with Ctrl+Alt+F instead of the palette: the way to search right after a click in
 * the panel. Opened from the palette then, it can close at once: the palette, when it closes, hands the focus
 * back to the active editor, the panel, and VS Code focuses a webview late (50 ms later, then a message to its
 * frame); a QuickPick that opens in between loses the focus to the panel and closes (VS Code's own race,
 * `WebviewElement._doFocus`; seen in the migration journey about 1 run in 5).
 */
export async function searchInQuickPick(page: Page, query: string, expected: string, options: { open?: 'palette' | 'keybinding' } = {}): Promise<Locator> {
  if (options.open === 'keybinding') await page.keyboard.press(SEARCH_KEYBINDING);
  else await runCommand(page, SEARCH_COMMAND);
  // The search's own input, not the palette's (the same widget): keys typed between the two would go to the
  // editor, replacing its selection.
  const input = page.locator('.quick-input-widget .quick-input-box input[placeholder^="Describe the code"]');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.pressSequentially(query, { delay: 15 });
  const row = quickPickRows(page).filter({ hasText: expected }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  return row;
}

/** The status bar's cursor position and selection ("Ln 3, Col 1 (120 selected)"), or '' when there is no editor. */
export async function editorSelectionStatus(page: Page): Promise<string> {
  return (await page.locator('[id="status.editor.selection"]').innerText().catch(() => '')).trim();
}

/** Reads until `accept` holds; returns the value, or fails saying what it was last. */
export async function waitUntil<T>(page: Page, read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value)) {
    if (Date.now() >= deadline) throw new Error(`${what}: ${JSON.stringify(value)}`);
    await page.waitForTimeout(200);
    value = await read();
  }
  return value;
}

/** Waits until the status bar's cursor and selection text satisfies `accept`; returns it, or fails saying what it was. */
export function waitForSelectionStatus(page: Page, accept: (text: string) => boolean, what: string, timeoutMs = 10_000): Promise<string> {
  return waitUntil(page, () => editorSelectionStatus(page), accept, `${what}; the status bar says`, timeoutMs);
}

/** Opens a file of the workspace with Go to File, as a user does; resolves when its tab is active. */
export async function openFile(page: Page, name: string): Promise<void> {
  await runCommand(page, 'Go to File...');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.pressSequentially(name, { delay: 15 });
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.press('Enter');
  await activeTab(page).filter({ hasText: name }).waitFor({ state: 'visible', timeout: 15_000 });
}

/** Selects `lines` whole lines from the top of the active editor with the keyboard; returns the status bar's text for it. */
export async function selectTopLines(page: Page, lines: number): Promise<string> {
  // `force`: the lines element can keep resizing by a pixel while the layout settles (a Chat view opening beside the
  // editor: a CI run waited 30 s for it to be "stable"); the click only focuses the editor, Control+Home places the cursor.
  await page.locator('.editor-group-container.active .view-lines').click({ position: { x: 40, y: 10 }, force: true });
  await page.keyboard.press('Control+Home');
  for (let line = 0; line < lines; line++) await page.keyboard.press('Shift+ArrowDown');
  // The status bar follows the keys with a delay: wait for the whole selection, not the first lines of it.
  const whole = new RegExp(`^Ln ${lines + 1}, Col 1 \\(\\d+ selected\\)$`);
  return waitForSelectionStatus(page, (text) => whole.test(text), `${lines} lines are selected`);
}

/** The tab of the active editor. */
export function activeTab(page: Page): Locator {
  return page.locator('.tabs-container .tab.active');
}

/** Waits for a notification toast whose text matches; the error lists what is on screen instead. */
export async function waitForNotification(page: Page, pattern: RegExp, timeoutMs = 180_000): Promise<Locator> {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: pattern }).first();
  try {
    await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (error) {
    throw new Error(`no notification matching ${pattern}; on screen: ${(await notificationTexts(page)).join(' | ') || 'none'}`, { cause: error });
  }
  return toast;
}

/**
 * Checks that every element matching `selector` in the extension's webview can be seen and pressed without
 * scrolling sideways, with the panel at half the window's width or less (it opens beside the editor, so in the
 * 1440 px window it has about a third): scrolled into view (vertically, as a user scrolls the tab), it lies
 * inside the webview's viewport, and nothing covers it. Returns the elements' texts.
 */
export async function assertInsideView(page: Page, webview: FrameLocator, selector: string, what: string): Promise<string[]> {
  const elements = webview.locator(selector);
  const count = await elements.count();
  if (count === 0) throw new Error(`no ${what} found (${selector})`);
  const frame = await page.locator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}"]`).first().boundingBox();
  const viewport = page.viewportSize();
  assert.ok(frame && viewport, 'the webview and the window have a size');
  assert.ok(frame.width <= viewport.width / 2, `the panel is at most half the window wide (${Math.round(frame.width)} of ${viewport.width} px)`);
  assert.ok(frame.x >= 0 && frame.x + frame.width <= viewport.width + 1, `the webview (${Math.round(frame.x)}..${Math.round(frame.x + frame.width)}) lies inside the window`);
  const texts: string[] = [];
  for (let index = 0; index < count; index++) {
    const element = elements.nth(index);
    await element.scrollIntoViewIfNeeded();
    // Runs in the webview: its globals are the page's (this file is type-checked without the DOM library).
    const box = await element.evaluate((node) => {
      const view = (globalThis as unknown as { innerWidth: number; innerHeight: number });
      const rect = node.getBoundingClientRect();
      return { left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom, width: view.innerWidth, height: view.innerHeight };
    });
    const text = (await element.innerText()).trim();
    texts.push(text);
    assert.ok(box.left >= 0 && box.right <= box.width + 0.5, `${what} "${text}" spans ${Math.round(box.left)}..${Math.round(box.right)} px of a ${box.width} px wide view`);
    assert.ok(box.top >= 0 && box.bottom <= box.height + 0.5, `${what} "${text}" is in view once scrolled to (${Math.round(box.top)}..${Math.round(box.bottom)} of ${box.height} px)`);
    // A disabled button ("In use") cannot be clicked; any other must be, with nothing over it.
    if (await element.isEnabled()) await element.click({ trial: true, timeout: 5_000 });
  }
  return texts;
}
