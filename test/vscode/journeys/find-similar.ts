// Find Similar to Selection: open a file, select code, run the command from the editor, see similar code;
// previewing the results moves the cursor, and Escape puts the selection back where it was.
import assert from 'node:assert/strict';
import { defineJourney } from '../harness/journey.ts';
import { activeTab, openFile, quickPickRows, selectTopLines, waitForIndexReady, waitForSelectionStatus } from '../harness/semantic-search.ts';
import { runCommand } from '../harness/workbench.ts';

export default defineJourney({
  name: 'find-similar',
  async run({ page, step }) {
    await waitForIndexReady(page);
    // A complete index checks the walkthrough's first step, and VS Code may then open the walkthrough beside the
    // editor while this journey selects text (seen in CI: the editor was still moving under the click). Start
    // from no open editor, once the index is ready.
    await page.waitForTimeout(1_000);
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'load-config.ts');
    const selected = await selectTopLines(page, 8);
    await step('selection');
    // From the editor's context menu, as a user would (a right click inside the selection keeps it).
    // `force`: the editor's lines element can keep resizing by a pixel while the layout settles (CI runs waited 30 s
    // for it to be "stable"); the click lands inside the selection either way.
    await page.locator('.editor-group-container.active .view-lines').click({ button: 'right', position: { x: 60, y: 30 }, force: true });
    const menuItem = page.locator('.context-view .action-item', { hasText: 'Find Similar to Selection' }).first();
    await menuItem.waitFor({ state: 'visible', timeout: 10_000 });
    await step('context-menu');
    await menuItem.click();
    await quickPickRows(page).first().waitFor({ state: 'visible', timeout: 30_000 });
    await step('similar-code');
    assert.ok((await quickPickRows(page).count()) > 0);
    const title = await page.locator('.quick-input-widget .quick-input-title').innerText();
    assert.match(title, /Similar to src\/config\/load-config\.ts/);
    // Arrowing through the results previews each one: the cursor leaves the selection.
    for (let row = 0; row < Math.min(3, await quickPickRows(page).count()); row++) {
      await page.keyboard.press('ArrowDown');
      await page.waitForTimeout(400);
    }
    await waitForSelectionStatus(page, (text) => text !== selected, 'a preview moved the cursor');
    await step('previewing');
    await page.keyboard.press('Escape');
    await activeTab(page).filter({ hasText: 'load-config.ts' }).waitFor({ state: 'visible', timeout: 10_000 });
    await waitForSelectionStatus(page, (text) => text === selected, `Escape restores the selection (${selected})`);
    await step('escape-restored-selection');
  },
});
