// The status bar: it says when the index is ready, and a click shows the details.
import assert from 'node:assert/strict';
import { defineJourney } from '../harness/journey.ts';
import { activeTab, statusBarItem, waitForIndexReady } from '../harness/semantic-search.ts';

export default defineJourney({
  name: 'status',
  async run({ page, step }) {
    await statusBarItem(page).waitFor({ state: 'visible', timeout: 60_000 });
    await step('status-bar-while-indexing');
    await waitForIndexReady(page);
    await statusBarItem(page).hover();
    await page.locator('.monaco-hover, .workbench-hover').first().waitFor({ state: 'visible', timeout: 10_000 }).catch(() => undefined);
    await step('status-bar-tooltip');
    await statusBarItem(page).click();
    await activeTab(page).waitFor({ state: 'visible', timeout: 15_000 });
    // The editor renders spaces as non-breaking spaces.
    const text = (await page.locator('.editor-group-container.active .view-lines').innerText()).replace(/\u00a0/g, ' ');
    await step('status-details');
    for (const part of ['Semantic Search status', 'Files', 'Chunks', 'Model fingerprint', 'Device']) assert.ok(text.includes(part), `the details show ${part}`);
  },
});
