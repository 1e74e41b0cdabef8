// A new user searches by describing code: palette, type a query, see results update, open one.
import assert from 'node:assert/strict';
import { defineJourney } from '../harness/journey.ts';
import { activeTab, quickPickRows, searchInQuickPick, waitForIndexReady } from '../harness/semantic-search.ts';

export default defineJourney({
  name: 'search',
  async run({ page, step }) {
    await step('workbench-opened');
    await waitForIndexReady(page);
    await step('status-bar-ready');
    const row = await searchInQuickPick(page, 'retry a failed request with exponential backoff', 'retry.ts');
    await step('results-as-you-type');
    assert.ok((await quickPickRows(page).count()) > 1, 'several results are listed');
    // The first result is previewed as it is highlighted; Enter opens it at its range.
    await row.click();
    await activeTab(page).filter({ hasText: 'retry.ts' }).waitFor({ state: 'visible', timeout: 15_000 });
    await step('result-opened');
    const selectionLine = await page.locator('.editor-group-container.active .line-numbers.active-line-number').first().innerText().catch(() => '');
    assert.ok(Number(selectionLine) > 0, 'the editor shows the result at a line');
  },
});
