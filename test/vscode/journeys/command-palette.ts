// Smoke journey: the packaged extension's command shows in the command palette.
import assert from 'node:assert/strict';
import { defineJourney } from '../harness/journey.ts';
import { findPaletteEntry } from '../harness/workbench.ts';

export default defineJourney({
  name: 'command-palette',
  async run({ page, step }) {
    await step('workbench');
    const entry = await findPaletteEntry(page, 'Semantic Search: Search');
    assert.match(await entry.innerText(), /Semantic Search: Search/);
    await step('palette-shows-search');
    await page.keyboard.press('Escape');
  },
});
