// The models view ("Which model suits my code?"): its messages and their checks, its logic without the DOM,
// and what its buttons do in the panel session. Reports go through `parseModelsView`, as the panel gets them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PanelModelsView, PanelToHost } from '../../../extension/protocol/panel-protocol.ts';
import { canEvaluateModels, parseFromPanel, parseModelEvaluationReport, parseModelsView, parsePanelState, parseToPanel, usableModel } from '../../../extension/protocol/panel-protocol.ts';
import { MODELS_COLUMNS, modelsHeader, modelsNotes, modelsPlaceholder, modelsRows } from '../../../webview/models-model.ts';
import { emptyPanelState, PanelSession } from '../../../webview/panel-model.ts';
import type { Timer } from '../../../webview/panel-timing.ts';
import { modelEvaluationReport } from './model-evaluation-fixture.ts';

function view(overrides: Partial<PanelModelsView> = {}): PanelModelsView {
  const parsed = parseModelsView(JSON.parse(JSON.stringify({ state: 'ready', detail: '', report: modelEvaluationReport(), switching: false, ...overrides })));
  assert.ok(parsed, 'a valid view');
  return parsed;
}

describe('the models view messages', () => {
  it('a view survives the trip through postMessage unchanged', () => {
    const original = view();
    assert.deepEqual(parseModelsView(JSON.parse(JSON.stringify(original))), original);
    assert.deepEqual(parseToPanel({ type: 'modelEvaluation', view: original }), { type: 'modelEvaluation', view: original });
  });

  it('refuses reports with a number out of range, an unknown model, source or option, and drops unknown fields', () => {
    const broken: [string, (report: Record<string, any>) => void][] = [
      ['MRR above 1', (report) => (report.rows[0].mrrAt10 = 1.5)],
      ['a row of a model not listed', (report) => (report.rows[0].model = 'nobody')],
      ['an unknown source', (report) => (report.models[0].source = 'web')],
      ['a negative speed', (report) => (report.models[1].chunksPerSecond = -1)],
      ['an option with too many dimensions', (report) => (report.rows[0].option = { kind: 'float32', dimensions: 4096 })],
      ['a version from the future', (report) => (report.version = 3)],
      ['a verdict naming a row that does not exist', (report) => (report.verdict.best = 5)],
      ['no verdict without a reason', (report) => (report.verdict = { text: 'No verdict.' })],
      ['an unknown reason', (report) => (report.verdict = { reason: 'hunch', text: 'No verdict.' })],
      ['a left-out count that is not a count', (report) => (report.queries.leftOut.duplicate = -1)],
      ['a failure without a message', (report) => (report.failures[0].message = 42)],
    ];
    for (const [name, breakIt] of broken) {
      const report = JSON.parse(JSON.stringify(modelEvaluationReport())) as Record<string, any>;
      breakIt(report);
      assert.equal(parseModelEvaluationReport(report), undefined, name);
    }
    const polluted = JSON.parse(JSON.stringify(modelEvaluationReport())) as Record<string, any>;
    polluted.rows[0].script = '<img onerror=alert(1)>';
    polluted.extra = true;
    const parsed = parseModelEvaluationReport(polluted) as unknown as Record<string, any>;
    assert.equal(parsed.extra, undefined);
    assert.equal(parsed.rows[0].script, undefined);
  });

  it('the page may ask to use a model by name, or to evaluate again; the models view is a view', () => {
    assert.deepEqual(parseFromPanel({ type: 'useModel', model: 'glove-100d' }), { type: 'useModel', model: 'glove-100d' });
    assert.equal(parseFromPanel({ type: 'useModel', model: '' }), undefined);
    assert.equal(parseFromPanel({ type: 'useModel', model: 7 }), undefined);
    assert.deepEqual(parseFromPanel({ type: 'evaluateModels' }), { type: 'evaluateModels' });
    assert.deepEqual(parseToPanel({ type: 'showView', view: 'models' }), { type: 'showView', view: 'models' });
    assert.equal(parsePanelState({ ...emptyPanelState(), view: 'models' })?.view, 'models');
  });

  it('usableModel: a catalog model of the report that does not serve now, while the view is ready', () => {
    assert.equal(usableModel(view(), 'glove-100d')?.name, 'glove-100d');
    assert.equal(usableModel(view(), 'use-lite'), undefined, 'serving now');
    assert.equal(usableModel(view(), '/models/my-model'), undefined, 'a folder is chosen through model.path');
    assert.equal(usableModel(view(), 'bge-small'), undefined, 'failed, so not in the report');
    for (const other of [view({ state: 'evaluating' }), view({ state: 'failed' }), view({ switching: true }), view({ report: null })]) assert.equal(usableModel(other, 'glove-100d'), undefined);
    assert.equal(canEvaluateModels(view()), true);
    assert.equal(canEvaluateModels(view({ state: 'evaluating' })), false);
    assert.equal(canEvaluateModels(view({ switching: true })), false);
    assert.equal(canEvaluateModels(null), false);
  });
});

describe('the models view', () => {
  it('the header says what was measured, how, and the best row against the one in use', () => {
    const header = modelsHeader(view());
    assert.equal(header.title, 'Which model suits my code?');
    assert.equal(header.index, 'Your index: 6,200 chunks, 6,200 vectors of use-lite, stored as float32.');
    assert.equal(header.pool, '100 queries (96 from doc comments, 4 from Python docstrings), each looking for the definition it documents among 2,300 chunks: the 100 documented definitions (300 chunks) and 2,000 other chunks drawn from the index, documentation hidden in all of them.');
    assert.equal(header.verdict, 'Best here: GloVe 6B 100-d, vectors stored as float32 (MRR@10 0.610, Recall@10 82% on 100 queries). Your index now: Universal Sentence Encoder lite, vectors stored as float32, MRR@10 0.500.');
    assert.equal(header.decided, true);
    assert.deepEqual([header.status, header.statusLabel, header.stale, header.evaluate.enabled, header.evaluate.label], ['ready', '', false, true, 'Evaluate Again']);
    const evaluating = modelsHeader(view({ state: 'evaluating', detail: 'Embedding with glove-100d (40%)…' }));
    assert.deepEqual([evaluating.status, evaluating.stale, evaluating.evaluate.enabled], ['evaluating', true, false]);
    assert.equal(modelsHeader(view(), { type: 'evaluateModels' }).evaluate.label, 'Evaluating…');
    assert.equal(modelsHeader(view({ switching: true })).status, 'switching');
  });

  it('without a verdict the header says why, in the core\'s words, and names no model best', () => {
    const report = modelEvaluationReport();
    report.queries.count = 12;
    report.verdict = { best: undefined, reason: 'few-queries', text: 'No verdict: not enough evidence (12 queries; a verdict needs 30).' };
    const header = modelsHeader(view({ report }));
    assert.equal(header.verdict, 'No verdict: not enough evidence (12 queries; a verdict needs 30).');
    assert.equal(header.decided, false);
    assert.equal(modelsRows(view({ report }))[0]!.model, 'glove-100d', 'the rows are still shown, ranked');
  });

  it('one row per model and option, best first, formatted; Use This Model on each model\'s best row only', () => {
    const rows = modelsRows(view());
    assert.equal(MODELS_COLUMNS.length, 3 + rows[0]!.values.length);
    assert.deepEqual(rows.map((row) => [row.rank, row.model, row.label]), [
      [1, 'glove-100d', 'float32'],
      [2, 'glove-100d', 'int8'],
      [3, 'use-lite', 'float32'],
      [4, 'use-lite', 'binary (rescored from float32) ×40'],
      [5, '/models/my-model', 'float32'],
    ]);
    assert.deepEqual(rows[0]!.values, ['100', '400 B', '82%', '0.610', '0.660', '1,480']);
    // "int8" of a model's weights and "int8" of its stored vectors are told apart.
    assert.deepEqual(rows.map((row) => row.weights), ['model weights fp32', 'model weights fp32', 'model weights int8', 'model weights int8', 'model weights fp32']);
    assert.equal(MODELS_COLUMNS[2], 'Vectors stored as');
    assert.deepEqual(rows.map((row) => row.use !== null), [true, false, true, false, true]);
    assert.deepEqual([rows[0]!.use!.enabled, rows[0]!.use!.label, rows[0]!.use!.ariaLabel], [true, 'Use This Model', 'Use GloVe 6B 100-d']);
    assert.deepEqual([rows[2]!.use!.enabled, rows[2]!.use!.label, rows[2]!.current], [false, 'In use', true]);
    assert.equal(rows[4]!.use!.enabled, false);
    assert.match(rows[4]!.use!.title, /semanticSearch\.model\.path/);
    const switching = modelsRows(view(), { type: 'useModel', model: 'glove-100d' });
    assert.deepEqual([switching[0]!.use!.busy, switching[0]!.use!.label, switching[0]!.use!.enabled], [true, 'Switching…', false]);
  });

  it('notes: texts cut to a window, models that failed, and what the figures are', () => {
    const notes = modelsNotes(view().report);
    assert.equal(notes[0], 'Universal Sentence Encoder lite saw 310 of 2,300 chunks cut to its 128-token window.');
    assert.equal(notes[1], 'my-model saw 12 of 2,300 chunks cut to its 256-token window.');
    assert.equal(notes[2], 'bge-small was not evaluated: The model folder is damaged. Download it again.');
    assert.equal(notes[3], '7 documented definitions gave no query: 2 say only what another definition says too; 1 holds only licence, attribution or tool lines; 3 have no sentence of three words before their parameter lists; 1 could not have its documentation hidden.');
    assert.match(notes.at(-1)!, /compare the rows with each other/);
    assert.deepEqual(modelsNotes(null), []);
    assert.equal(modelsPlaceholder(view()), null);
    assert.match(modelsPlaceholder(view({ state: 'evaluating', report: null }))!, /documentation hidden/);
  });
});

describe('the models view in the panel session', () => {
  const timer: Timer = { setTimeout: () => 0, clearTimeout: () => undefined };
  function session() {
    const posted: PanelToHost[] = [];
    const panel = new PanelSession({ post: (message) => posted.push(message), timer, onDidChange: () => undefined });
    return { panel, posted };
  }

  it('offers the Models tab once the host sends a view; Use and Evaluate Again go to the host only when allowed, one at a time', () => {
    const { panel, posted } = session();
    assert.deepEqual(panel.offeredViews, ['results']);
    panel.useModel('glove-100d');
    assert.deepEqual(posted, [], 'no view yet');
    panel.receive({ type: 'modelEvaluation', view: view() });
    assert.deepEqual(panel.offeredViews, ['results', 'models']);
    panel.useModel('use-lite');
    panel.useModel('/models/my-model');
    assert.deepEqual(posted, [], 'the serving model and a folder are not offered');
    panel.useModel('glove-100d');
    panel.evaluateModels();
    assert.deepEqual(posted, [{ type: 'useModel', model: 'glove-100d' }], 'a second request waits for the answer to the first');
    assert.deepEqual(panel.pendingModelsRequest, { type: 'useModel', model: 'glove-100d' });
    panel.receive({ type: 'modelEvaluation', view: view({ switching: true }) });
    assert.equal(panel.pendingModelsRequest, null, 'the next view answers it');
    panel.evaluateModels();
    assert.equal(posted.length, 1, 'not while switching');
    panel.receive({ type: 'modelEvaluation', view: view() });
    panel.evaluateModels();
    assert.deepEqual(posted.at(-1), { type: 'evaluateModels' });
  });
});
