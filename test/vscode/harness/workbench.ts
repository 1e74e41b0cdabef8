// Chromium (through playwright-core) and the few workbench moves the journeys share. Selectors are VS Code's
// own DOM classes; the extension's webview is reached through its two iframes.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';

/** The extension under test, `publisher.name`. */
export const EXTENSION_ID = 'semantic-code-search.semantic-code-search';

/** The Chromium binary; CHROMIUM_PATH overrides the Debian package's. */
export function chromiumPath(): string {
  const executable = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executable)) throw new Error(`Chromium is not installed at ${executable}. Run \`bash scripts/setup-vscode-tests.sh\` or set CHROMIUM_PATH.`);
  return executable;
}

/**
 * Launches headless Chromium (Playwright gives it a fresh temporary profile) with nothing that reaches the
 * network. `environment` keeps what Chromium writes outside its profile (crash-report settings under HOME).
 */
export async function launchBrowser(environment: NodeJS.ProcessEnv): Promise<Browser> {
  return chromium.launch({
    env: environment,
    executablePath: chromiumPath(),
    headless: true,
    chromiumSandbox: false,
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The page URL that opens a folder or a `.code-workspace` file, with an optional test payload. */
export function workbenchUrl(serverUrl: string, workspace: string, payload?: Array<[string, string]>): string {
  const url = new URL(serverUrl);
  url.searchParams.set(workspace.endsWith('.code-workspace') ? 'workspace' : 'folder', workspace);
  if (payload !== undefined) url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

/** Waits until the workbench has rendered the explorer (Chromium compiles the workbench first: 15–25 s). */
export async function waitForWorkbench(page: Page, timeoutMs = 90_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Opens the command palette (F1) and returns its input box. */
export async function openCommandPalette(page: Page): Promise<Locator> {
  await page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 }, force: true }).catch(() => undefined);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  return input;
}

/** The palette's rows, in the order shown. */
export function paletteRows(page: Page): Locator {
  return page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
}

/** The label of each palette row shown, in order (without keybindings or descriptions). */
export async function paletteLabels(page: Page): Promise<string[]> {
  return (await paletteRows(page).locator('.label-name').allInnerTexts()).map((text) => text.trim());
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Types into the palette and returns the row whose label is exactly `label` once it shows ("Semantic Search"
 * is a prefix of every other Semantic Search command). The palette lists the commands known when it opens,
 * and an extension's contributions may register a moment after the workbench renders, so it is closed and
 * reopened until the entry appears.
 */
export async function findPaletteEntry(page: Page, label: string, timeoutMs = 30_000): Promise<Locator> {
  const deadline = Date.now() + timeoutMs;
  const exactly = new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`);
  for (;;) {
    const input = await openCommandPalette(page);
    await input.fill(`>${label}`);
    const row = paletteRows(page).filter({ has: page.locator('.label-name', { hasText: exactly }) }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: Math.max(1_000, Math.min(3_000, deadline - Date.now())) });
      return row;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

/** Runs a command by its palette label (`Category: Title`). */
export async function runCommand(page: Page, label: string): Promise<void> {
  const row = await findPaletteEntry(page, label);
  await row.click();
}

/** The texts of the notifications on screen. */
export async function notificationTexts(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
}

/** The document inside the extension's webview (outer iframe, then VS Code's `active-frame`). */
export function extensionWebview(page: Page, extensionId = EXTENSION_ID): FrameLocator {
  return page.frameLocator(`iframe.webview.ready[src*="extensionId=${extensionId}"]`).frameLocator('iframe#active-frame');
}
