// A model change as a user lives it: change the model in the Settings editor, keep searching while the
// new index is built, read the migration report in the panel, cut over, then roll back.
import assert from 'node:assert/strict';
import { defineJourney } from '../harness/journey.ts';
import { searchInQuickPick, statusBarItem, waitForIndexReady, waitForNotification } from '../harness/semantic-search.ts';
import { extensionWebview, runCommand } from '../harness/workbench.ts';
import type { Page } from 'playwright-core';


/** Picks an option of an enum setting in the Settings editor, as a user does. */
async function chooseSetting(page: Page, key: string, description: string, option: RegExp): Promise<void> {
  await runCommand(page, 'Preferences: Open User Settings');
  // The search box has the focus when the editor opens.
  const search = page.locator('.settings-editor .suggest-input-container').first();
  await search.waitFor({ state: 'visible', timeout: 30_000 });
  await search.click();
  await page.keyboard.type(key, { delay: 10 });
  // The list filters a moment after typing: wait for the setting itself (its description says what it is).
  const item = page.locator('.settings-editor .setting-item-enum', { hasText: description }).first();
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  const select = item.locator('select').first();
  await select.waitFor({ state: 'visible', timeout: 30_000 });
  await select.click();
  const row = page.locator('.monaco-select-box-dropdown-container .monaco-list-row', { hasText: option }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.click();
  // Written once the editor marks the setting as configured; closing the editor before would lose it.
  await page.locator('.settings-editor .is-configured', { hasText: description }).first().waitFor({ state: 'visible', timeout: 15_000 });
}

export default defineJourney({
  name: 'migration',
  timeoutMs: 420_000,
  // The report comes before the cutover: the user decides (with it on, a cutover without a quality drop is automatic).
  userSettings: { 'semanticSearch.migration.autoCutover': false },
  async run({ page, step }) {
    await waitForIndexReady(page);
    await step('indexed-with-code-static');

    await chooseSetting(page, 'semanticSearch.model.name', 'The embedding model.', /GloVe/);
    await step('model-changed-in-settings');
    // Searches go on while the new index is built: the old index and model answer.
    await page.keyboard.press('Escape');
    const row = await searchInQuickPick(page, 'retry a failed request', 'retry.ts');
    assert.ok(await row.isVisible());
    await step('searching-during-migration');
    await page.keyboard.press('Escape');

    const ready = await waitForNotification(page, /index is ready, but/);
    await step('new-index-ready');
    await ready.locator('.monaco-button', { hasText: 'Show Report' }).click();
    const panel = extensionWebview(page);
    const report = panel.locator('[data-testid="migration-view"]');
    await report.waitFor({ state: 'visible', timeout: 60_000 });
    await panel.locator('[data-testid="migration-quality"]').waitFor({ state: 'visible', timeout: 60_000 });
    const text = await report.innerText();
    for (const part of ['code-static', 'glove-100d', 'MRR@10', 'Recall@10']) assert.ok(text.includes(part), `the report shows ${part}`);
    assert.ok((await panel.locator('[data-testid="migration-view"] canvas').count()) >= 3, 'the report has charts');
    // At half the editor's width a table scrolls inside its box rather than running past the view's edge.
    // Runs in the webview: its globals are the page's (this file is type-checked without the DOM library).
    const tablesInView = await report.locator('.report-table-box').evaluateAll((boxes) =>
      boxes.map((box) => box.getBoundingClientRect().right <= (globalThis as unknown as { innerWidth: number }).innerWidth + 1));
    assert.ok(tablesInView.length >= 2 && tablesInView.every(Boolean), `every report table stays in the view: ${JSON.stringify(tablesInView)}`);
    await step('migration-report');

    await panel.locator('[data-testid="migration-cut-over"]').click();
    await waitForNotification(page, /now answers with glove-100d/, 60_000);
    await step('cut-over');
    // Right after a click in the panel, as a user would: with the keybinding (see searchInQuickPick).
    await searchInQuickPick(page, 'retry a failed request', 'retry.ts', { open: 'keybinding' });
    // The first result is previewed (150 ms after it is highlighted) beside the panel, never over it: the
    // panel was the active editor, and a preview there covered it and reloaded its page.
    await page.waitForTimeout(1_000);
    await page.keyboard.press('Escape');
    assert.ok(await page.locator('.tabs-container .tab.active', { hasText: 'Semantic Search' }).isVisible(), 'the panel is still in view after the preview');
    await report.waitFor({ state: 'visible', timeout: 10_000 });

    await runCommand(page, 'Semantic Search: Roll Back Model Change');
    await waitForNotification(page, /rolled back to code-static in \d+ ms/, 60_000);
    await waitForIndexReady(page);
    await statusBarItem(page).hover();
    await step('rolled-back');
    await searchInQuickPick(page, 'retry a failed request', 'retry.ts', { open: 'keybinding' });
    await page.keyboard.press('Escape');
  },
});
