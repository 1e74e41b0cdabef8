// The results panel: search from its query box, results grouped by file, documentation only, filter by language,
// a result's callers and callees, keyboard navigation, open a result.
import assert from 'node:assert/strict';
import { defineJourney } from '../harness/journey.ts';
import { activeTab, waitForIndexReady, waitUntil } from '../harness/semantic-search.ts';
import { extensionWebview, runCommand } from '../harness/workbench.ts';

export default defineJourney({
  name: 'panel',
  async run({ page, step }) {
    await waitForIndexReady(page);
    await runCommand(page, 'Semantic Search: Show Results Panel');
    const panel = extensionWebview(page);
    const query = panel.locator('[data-testid="query"]');
    await query.waitFor({ state: 'visible', timeout: 30_000 });
    await step('panel-opened');
    await query.fill('sort users by age');
    await panel.locator('[data-testid="result"]').first().waitFor({ state: 'visible', timeout: 30_000 });
    await step('results-grouped-by-file');
    assert.ok((await panel.locator('[data-testid="file-group"]').count()) >= 2, 'results from several files');
    // Documentation only (the README and docs/), then every file again.
    const headers = () => panel.locator('[data-testid="file-header"]').allInnerTexts();
    await panel.locator('[data-testid="scope"]').selectOption('docs');
    await waitUntil(page, headers, (texts) => texts.length > 0 && texts.every((text) => text.includes('.md')), 'only Markdown files');
    await step('scope-docs');
    await panel.locator('[data-testid="scope"]').selectOption('all');
    await waitUntil(page, headers, (texts) => texts.some((text) => !text.includes('.md')), 'code again with every file');
    // Only Python.
    await panel.locator('[data-testid="language-filter-summary"]').click();
    await panel.locator('[data-testid="language-option"][value="python"]').check();
    await page.waitForTimeout(1000);
    await panel.locator('[data-testid="result"]').first().waitFor({ state: 'visible', timeout: 30_000 });
    await step('filtered-to-python');
    const paths = await panel.locator('[data-testid="file-header"]').allInnerTexts();
    assert.ok(paths.length > 0 && paths.every((text) => text.includes('.py')), `only Python files: ${paths.join(' | ')}`);
    // Callers / Callees of sort_by_age: it calls age(), defined in the same file.
    const sortByAge = panel.locator('[data-testid="result"]', { hasText: 'sort_by_age' }).first();
    await sortByAge.locator('[data-testid="relations-toggle"]').click();
    assert.equal(await panel.locator('[data-testid="language-filter"]').getAttribute('open'), null, 'a click outside the language list closes it');
    const callee = sortByAge.locator('[data-testid="callees"] [data-testid="related"]', { hasText: 'age' }).first();
    await callee.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await callee.innerText(), /sort_users\.py:13/, 'the callee is age() at its line');
    await step('callers-and-callees');
    // Keyboard: Down from the query box into the list, Down again, Enter opens.
    await query.press('ArrowDown');
    const list = panel.locator('[data-testid="results"]');
    await list.press('ArrowDown');
    await step('keyboard-selection');
    await list.press('Enter');
    await activeTab(page).filter({ hasText: '.py' }).waitFor({ state: 'visible', timeout: 15_000 });
    await step('result-opened-from-panel');
  },
});
