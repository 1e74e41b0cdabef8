// The status bar: it says when the index is ready and where the model runs in words, and a click shows
// the details rendered, the essentials first and the identifiers last.
import assert from 'node:assert/strict';
import { defineJourney } from '../harness/journey.ts';
import { statusBarItem, waitForIndexReady } from '../harness/semantic-search.ts';
import { extensionWebview } from '../harness/workbench.ts';

export default defineJourney({
  name: 'status',
  async run({ page, step }) {
    await statusBarItem(page).waitFor({ state: 'visible', timeout: 60_000 });
    await step('status-bar-while-indexing');
    await waitForIndexReady(page);
    await statusBarItem(page).hover();
    const hover = page.locator('.monaco-hover, .workbench-hover').first();
    await hover.waitFor({ state: 'visible', timeout: 10_000 });
    const tooltip = await hover.innerText();
    await step('status-bar-tooltip');
    assert.match(tooltip, /Running on /, `the tooltip says where the model runs: ${tooltip}`);
    assert.doesNotMatch(tooltip, /CPU fallback|libonnxruntime/, 'a provider library error is a detail, not the tooltip');
    await statusBarItem(page).click();
    // Shown rendered (VS Code's Markdown preview), not as Markdown source.
    const preview = extensionWebview(page, 'vscode.markdown-language-features');
    await preview.locator('h1', { hasText: 'Semantic Search status' }).waitFor({ state: 'visible', timeout: 30_000 });
    const text = await preview.locator('body').innerText();
    await step('status-details');
    for (const part of ['Files', 'Chunks', 'Model', 'Running on', 'Details', 'Model fingerprint', 'Database']) assert.ok(text.includes(part), `the details show ${part}`);
    assert.ok(text.indexOf('Chunks') < text.indexOf('Details') && text.indexOf('Details') < text.indexOf('Model fingerprint'), 'essentials first, fingerprints last');
    assert.doesNotMatch(text, /^#|\*\*/m, 'no Markdown source shows');
    // The worker reads the vectors into memory once the first run is done, ahead of any search.
    assert.match(text, /Vectors in memory: [\d,]+ \([\d.]+ MiB\), read ahead of the first search/, `the details say the vectors were warmed: ${text}`);
  },
});
