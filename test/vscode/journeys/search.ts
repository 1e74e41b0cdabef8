// A new user searches by describing code: palette, type a query, see results update, open one.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defineJourney } from '../harness/journey.ts';
import { activeTab, quickPickRows, searchInQuickPick, waitForIndexReady } from '../harness/semantic-search.ts';

export default defineJourney({
  name: 'search',
  async run({ page, folders, step }) {
    await step('workbench-opened');
    await waitForIndexReady(page);
    await step('status-bar-ready');
    const row = await searchInQuickPick(page, 'retry a failed request with exponential backoff', 'fetchWithRetry');
    await step('results-as-you-type');
    assert.ok((await quickPickRows(page).count()) > 1, 'several results are listed');
    // The first result is previewed as it is highlighted; Enter opens it at its range.
    await row.click();
    await activeTab(page).filter({ hasText: 'retry.ts' }).waitFor({ state: 'visible', timeout: 15_000 });
    await step('result-opened');
    // The result opens on its definition's signature, not on the doc comment above it (issue 15, item 1).
    const source = readFileSync(path.join(folders[0]!, 'src', 'http', 'retry.ts'), 'utf8').split('\n');
    const signatureLine = source.findIndex((line) => line.startsWith('export async function fetchWithRetry')) + 1;
    const cursorLine = async () => Number(await page.locator('.editor-group-container.active .line-numbers.active-line-number').first().innerText().catch(() => '0'));
    for (const deadline = Date.now() + 10_000; (await cursorLine()) !== signatureLine && Date.now() < deadline; ) await page.waitForTimeout(200);
    assert.equal(await cursorLine(), signatureLine, 'the cursor is on the signature of fetchWithRetry');
  },
});
