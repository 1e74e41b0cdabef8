// The command palette as a new user meets it: typing "Semantic Search" lists Search first (and preselects it),
// not the destructive Clear Index; the migration commands are absent while there is no model change.
import assert from 'node:assert/strict';
import { defineJourney } from '../harness/journey.ts';
import { SEARCH_COMMAND, waitForIndexReady } from '../harness/semantic-search.ts';
import { findPaletteEntry, openCommandPalette, paletteLabels, paletteRows } from '../harness/workbench.ts';

const MIGRATION_COMMANDS = ['Semantic Search: Show Migration Report', 'Semantic Search: Cut Over to the New Index', 'Semantic Search: Roll Back Model Change'];

export default defineJourney({
  name: 'command-palette',
  async run({ page, step }) {
    // Ready: the extension has run and set its context keys (this workspace has no model change).
    await waitForIndexReady(page);
    await step('workbench');
    await findPaletteEntry(page, SEARCH_COMMAND);
    const labels = await paletteLabels(page);
    assert.equal(labels[0], SEARCH_COMMAND, `Search comes first: ${labels.join(' | ')}`);
    assert.match(await paletteRows(page).first().getAttribute('class') ?? '', /\bfocused\b/, 'and is the one Enter runs');
    assert.ok(labels.includes('Semantic Search: Clear Index'), 'Clear Index is listed, after it');
    for (const command of MIGRATION_COMMANDS) assert.ok(!labels.includes(command), `${command} is not listed without a migration`);
    await step('palette-shows-search-first');
    // Searched for by name, they are still absent (not merely scrolled out of the list).
    for (const command of MIGRATION_COMMANDS) {
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.fill(`>${command}`);
      await page.waitForTimeout(500);
      const shown = await paletteLabels(page);
      assert.ok(!shown.includes(command), `${command} is offered: ${shown.join(' | ')}`);
    }
    await step('no-migration-commands');
    await page.keyboard.press('Escape');
    // Enter on the preselected entry opens the search.
    const input = await openCommandPalette(page);
    await input.fill(`>${SEARCH_COMMAND}`);
    await paletteRows(page).first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Semantic Search' }).waitFor({ state: 'visible', timeout: 10_000 });
    await step('enter-opens-search');
    await page.keyboard.press('Escape');
  },
});
