// The host side of the models view: shown and kept like the storage view, its buttons passed on only when
// the last view allows them, and reports fitted to the protocol's limits.
import assert from 'node:assert/strict';
import { registerHooks } from 'node:module';
import { beforeEach, describe, it } from 'node:test';
import type * as vscodeTypes from 'vscode';
import type { PanelModelsView } from '../../../extension/protocol/panel-protocol.ts';
import { MAX_EVALUATION_ROWS, parseModelsView } from '../../../extension/protocol/panel-protocol.ts';
import * as fake from './fake-vscode.ts';
import { modelEvaluationReport } from './model-evaluation-fixture.ts';

const fakeUrl = new URL('./fake-vscode.ts', import.meta.url).href;
registerHooks({
  resolve: (specifier, context, nextResolve) => (specifier === 'vscode' ? { url: fakeUrl, shortCircuit: true } : nextResolve(specifier, context)),
});
const { ResultsPanel, fitModelsView } = await import('../../../extension/host/results-panel.ts');

const flush = () => new Promise((resolve) => setImmediate(resolve));

function models(overrides: Partial<PanelModelsView> = {}): PanelModelsView {
  return { state: 'ready', detail: '', report: modelEvaluationReport(), switching: false, ...overrides };
}

function setUp() {
  const warnings: string[] = [];
  const statusChanged = new fake.EventEmitter<unknown>();
  const panel = new ResultsPanel({
    extensionUri: fake.Uri.file('/ext') as unknown as vscodeTypes.Uri,
    search: () => new Promise(() => undefined),
    indexStatus: () => ({ state: 'ready', text: '', languages: [] }),
    onDidChangeIndexStatus: statusChanged.event as unknown as vscodeTypes.Event<unknown>,
    logger: { warn: (message: string) => warnings.push(message) },
  });
  const used: string[] = [];
  let evaluated = 0;
  panel.onDidRequestUseModel((model) => used.push(model));
  panel.onDidRequestEvaluateModels(() => evaluated++);
  return { panel, warnings, used, evaluated: () => evaluated };
}

const posted = (panel: fake.FakeWebviewPanel) => panel.webview.posted.filter((message) => (message as { type: string }).type !== 'indexStatus');
const types = (panel: fake.FakeWebviewPanel) => posted(panel).map((message) => (message as { type: string }).type);

beforeEach(() => fake.resetFake());

describe('ResultsPanel: the models view', () => {
  it('showModels opens the panel and, once it is ready, sends the view and switches to the models view; a reloaded page gets it again', async () => {
    const setup = setUp();
    setup.panel.showModels(models({ state: 'evaluating', report: null, detail: 'Loading use-lite (0%)…' }));
    const created = fake.recorded.panels.at(-1)!;
    assert.deepEqual(created.webview.posted, [], 'nothing before ready');
    created.send({ type: 'ready' });
    await flush();
    assert.deepEqual(types(created), ['modelEvaluation', 'showView']);
    assert.deepEqual(posted(created)[1], { type: 'showView', view: 'models' });
    created.webview.posted.length = 0;
    setup.panel.updateModels(models());
    created.send({ type: 'ready' });
    await flush();
    assert.deepEqual(types(created), ['modelEvaluation', 'modelEvaluation'], 'the update, then the same view again for the reloaded page, without a switch');
  });

  it('passes "Use This Model" on only for a usable model of the last view, and Evaluate Again only when allowed', async () => {
    const setup = setUp();
    setup.panel.showModels(models());
    const created = fake.recorded.panels.at(-1)!;
    created.send({ type: 'ready' });
    await flush();
    created.webview.posted.length = 0;
    created.send({ type: 'useModel', model: 'glove-100d' });
    assert.deepEqual(setup.used, ['glove-100d']);
    for (const model of ['use-lite', '/models/my-model', 'bge-small', 'x'.repeat(5000)]) created.send({ type: 'useModel', model });
    assert.deepEqual(setup.used, ['glove-100d'], 'the serving model, a folder, a failed model and nonsense are refused');
    assert.deepEqual(types(created), ['modelEvaluation', 'modelEvaluation', 'modelEvaluation'], 'each refusal is answered with the current view');
    created.send({ type: 'evaluateModels' });
    assert.equal(setup.evaluated(), 1);
    setup.panel.updateModels(models({ state: 'evaluating' }));
    created.send({ type: 'evaluateModels' });
    created.send({ type: 'useModel', model: 'glove-100d' });
    assert.equal(setup.evaluated(), 1);
    assert.deepEqual(setup.used, ['glove-100d']);
  });

  it('fits long texts and too many rows to the protocol; a report with a non-finite number is replaced by a failure', async () => {
    const report = modelEvaluationReport();
    report.failures[0]!.message = 'x'.repeat(10_000);
    report.rows = Array.from({ length: MAX_EVALUATION_ROWS + 5 }, () => report.rows[0]!);
    const fitted = fitModelsView(models({ report }));
    assert.ok(parseModelsView(fitted), 'the fitted view is valid');
    assert.equal(fitted.report!.rows.length, MAX_EVALUATION_ROWS);
    assert.equal(fitted.report!.verdict.best, 0, 'the verdict still points at the best row');
    // A best row trimmed away (a model over the limits) leaves no verdict rather than a wrong one.
    const trimmed = modelEvaluationReport();
    trimmed.models[1]!.name = 'g'.repeat(10_000);
    for (const row of trimmed.rows) if (row.model === 'glove-100d') row.model = trimmed.models[1]!.name;
    const fittedTrimmed = fitModelsView(models({ report: trimmed }));
    assert.ok(parseModelsView(fittedTrimmed), 'still valid');
    assert.equal(fittedTrimmed.report!.verdict.best, undefined);
    assert.equal(fittedTrimmed.report!.rows[0]!.model, 'use-lite');

    const setup = setUp();
    setup.panel.showModels(models());
    const created = fake.recorded.panels.at(-1)!;
    created.send({ type: 'ready' });
    await flush();
    created.webview.posted.length = 0;
    const broken = modelEvaluationReport();
    broken.rows[0]!.mrrAt10 = Number.NaN;
    setup.panel.updateModels(models({ report: broken }));
    const sent = (posted(created)[0] as { view: PanelModelsView }).view;
    assert.deepEqual([sent.state, sent.report], ['failed', null]);
    assert.match(setup.warnings.at(-1)!, /does not fit the panel protocol/);
  });

  it('logs which field of a report did not fit, and what it held', async () => {
    const setup = setUp();
    const broken = modelEvaluationReport();
    broken.rows[1]!.chunksPerSecond = Number.POSITIVE_INFINITY;
    setup.panel.showModels(models({ report: broken }));
    assert.match(setup.warnings.at(-1)!, /\(report\.rows\[1\]\.chunksPerSecond: expected a finite number of at least 0, got Infinity\)/);
  });
});
