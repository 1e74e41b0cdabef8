// Find Similar to Selection: open a file, select code, run the command from the editor, see similar code.
import assert from 'node:assert/strict';
import { defineJourney } from '../harness/journey.ts';
import { activeTab, quickPickRows, waitForIndexReady } from '../harness/semantic-search.ts';
import { runCommand } from '../harness/workbench.ts';

export default defineJourney({
  name: 'find-similar',
  async run({ page, step }) {
    await waitForIndexReady(page);
    await runCommand(page, 'Go to File...');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.pressSequentially('load-config.ts', { delay: 15 });
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'load-config.ts' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter');
    await activeTab(page).filter({ hasText: 'load-config.ts' }).waitFor({ state: 'visible', timeout: 15_000 });
    // Select a few lines from the top of the file.
    await page.locator('.editor-group-container.active .view-lines').click({ position: { x: 40, y: 10 } });
    for (let line = 0; line < 8; line++) await page.keyboard.press('Shift+ArrowDown');
    await step('selection');
    // From the editor's context menu, as a user would.
    await page.locator('.editor-group-container.active .view-lines').click({ button: 'right', position: { x: 60, y: 30 } });
    const menuItem = page.locator('.context-view .action-item', { hasText: 'Find Similar to Selection' }).first();
    await menuItem.waitFor({ state: 'visible', timeout: 10_000 });
    await step('context-menu');
    await menuItem.click();
    await quickPickRows(page).first().waitFor({ state: 'visible', timeout: 30_000 });
    await step('similar-code');
    assert.ok((await quickPickRows(page).count()) > 0);
    const title = await page.locator('.quick-input-widget .quick-input-title').innerText();
    assert.match(title, /Similar to src\/config\/load-config\.ts/);
    await page.keyboard.press('Escape');
  },
});
