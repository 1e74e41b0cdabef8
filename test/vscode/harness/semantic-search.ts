// Steps the journeys share: waiting for the index, searching through the QuickPick.
import type { Locator, Page } from 'playwright-core';
import { notificationTexts, runCommand } from './workbench.ts';

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

/** Opens Semantic Search: Search and types a query; resolves when a row mentions `expected`. */
export async function searchInQuickPick(page: Page, query: string, expected: string): Promise<Locator> {
  await runCommand(page, 'Semantic Search: Search');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.pressSequentially(query, { delay: 15 });
  const row = quickPickRows(page).filter({ hasText: expected }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  return row;
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
