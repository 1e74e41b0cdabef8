// A new user searches by describing code: palette, type a query, see results update, search code only or docs
// only, open one. Previewing a result in the file being edited moves the cursor; Escape puts it (and the
// selection) back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defineJourney } from '../harness/journey.ts';
import { activeTab, openFile, quickPickRows, searchInQuickPick, selectTopLines, waitForIndexReady, waitForSelectionStatus, waitUntil } from '../harness/semantic-search.ts';

const QUERY = 'retry a failed request with exponential backoff';

export default defineJourney({
  name: 'search',
  async run({ page, folders, step }) {
    await step('workbench-opened');
    await waitForIndexReady(page);
    await step('status-bar-ready');
    // Working in retry.ts with a few lines selected; the best result is in the same file, further down.
    await openFile(page, 'retry.ts');
    const selected = await selectTopLines(page, 6);
    await searchInQuickPick(page, QUERY, 'retry.ts');
    await waitForSelectionStatus(page, (text) => text !== selected && !/selected/.test(text), 'the highlighted result is previewed in the same editor');
    await step('previewed-in-the-same-file');
    await page.keyboard.press('Escape');
    await waitForSelectionStatus(page, (text) => text === selected, `Escape restores the cursor and the selection (${selected})`);
    await step('escape-restored-selection');

    const row = await searchInQuickPick(page, QUERY, 'fetchWithRetry');
    await step('results-as-you-type');
    assert.ok((await quickPickRows(page).count()) > 1, 'several results are listed');
    // The scope button: code only, docs only, then every file again; the title says which.
    const scopeButton = (tooltip: string) => page.locator(`.quick-input-widget .quick-input-titlebar [aria-label^="${tooltip}"]`).first();
    const title = page.locator('.quick-input-widget .quick-input-title');
    const rowTexts = () => quickPickRows(page).allInnerTexts();
    await scopeButton('Searching all files').click();
    await title.filter({ hasText: '(code only)' }).waitFor({ state: 'visible', timeout: 10_000 });
    await waitUntil(page, rowTexts, (texts) => texts.length > 0 && texts.every((text) => !text.includes('.md')), 'code only: no Markdown row');
    await step('scope-code-only');
    await scopeButton('Searching code only').click();
    await title.filter({ hasText: '(docs only)' }).waitFor({ state: 'visible', timeout: 10_000 });
    await waitUntil(page, rowTexts, (texts) => texts.length > 0 && texts.every((text) => text.includes('.md')), 'docs only: Markdown rows only');
    await step('scope-docs-only');
    await scopeButton('Searching docs only').click();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    // The first result is previewed as it is highlighted; Enter opens it at its range.
    await row.click();
    await activeTab(page).filter({ hasText: 'retry.ts' }).waitFor({ state: 'visible', timeout: 15_000 });
    await step('result-opened');
    // Opening a result is not undone, and it opens on its definition's signature, not on the doc comment above it.
    const source = readFileSync(path.join(folders[0]!, 'src', 'http', 'retry.ts'), 'utf8').split('\n');
    const signatureLine = source.findIndex((line) => line.startsWith('export async function fetchWithRetry')) + 1;
    await waitForSelectionStatus(page, (text) => text.startsWith(`Ln ${signatureLine},`), `the cursor is on the signature of fetchWithRetry (line ${signatureLine})`);
  },
});
