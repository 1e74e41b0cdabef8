// Which Model Suits My Code? as a user sees it: the command runs every installed model on the
// workspace's documented code, and the panel's Models tab ranks them with the model in use marked and
// a Use This Model button on each other model; on a folder documented this little it names none best.
import assert from 'node:assert/strict';
import { defineJourney } from '../harness/journey.ts';
import { assertInsideView, waitForIndexReady } from '../harness/semantic-search.ts';
import { extensionWebview, runCommand } from '../harness/workbench.ts';

export default defineJourney({
  name: 'models',
  timeoutMs: 300_000,
  async run({ page, step }) {
    await waitForIndexReady(page);
    await runCommand(page, 'Semantic Search: Which Model Suits My Code?');
    const panel = extensionWebview(page);
    await panel.locator('[data-testid="models-view"]').waitFor({ state: 'visible', timeout: 60_000 });
    const table = panel.locator('[data-testid="models-table"]');
    await table.waitFor({ state: 'visible', timeout: 180_000 });
    await step('models-evaluated');
    const text = await table.innerText();
    for (const model of ['Universal Sentence Encoder lite', 'GloVe']) assert.ok(text.includes(model), `the table lists ${model}`);
    for (const option of ['float32', 'int8', 'binary']) assert.ok(text.includes(option), `the table lists ${option}`);
    assert.equal(await panel.locator('[data-testid="models-current"]').count(), 1, 'the row in use is marked');
    const pool = await panel.locator('[data-testid="models-pool"]').innerText();
    assert.match(pool, /from doc comments/);
    // The fixture documents 16 definitions: figures, ranked, but no model named best on them.
    const verdict = panel.locator('[data-testid="models-verdict"]');
    assert.match(await verdict.innerText(), /^No verdict: not enough evidence \(\d+ queries; a verdict needs 30\)\.$/);
    assert.equal(await verdict.getAttribute('data-decided'), 'false');
    // The model in use offers no switch; the other one does.
    const buttons = panel.locator('[data-testid^="models-use-"]');
    assert.equal(await buttons.count(), 2);
    const labels = await buttons.allInnerTexts();
    assert.deepEqual([...labels].sort(), ['In use', 'Use This Model']);
    assert.equal(await panel.locator('[data-testid="models-evaluate"]').isEnabled(), true);
    // The model's weights and the vectors' storage are named apart ("int8" can be either).
    const all = (await table.textContent()) ?? '';
    assert.match(all, /Vectors stored as/);
    assert.match(all, /model weights (int8|fp32)/);

    // The panel opened beside the editor, at under half the window's width: both buttons are on screen (each
    // row is a card) and the enabled one can be pressed.
    const onScreen = await assertInsideView(page, panel, '[data-testid^="models-use-"]', 'the Use This Model button');
    assert.deepEqual([...onScreen].sort(), ['In use', 'Use This Model']);
    await step('buttons-at-half-width');
  },
});
