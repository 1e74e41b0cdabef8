// The storage view's logic on a hand-made report of a realistic comparison (fixtures/tradeoff-report.json:
// nomic-embed-text-v1.5 on 12,480 vectors; float32 in use, int8 recommended, binary with float32 rescoring
// ×4 and ×10, binary with int8 rescoring, and int8 truncated to 256 dimensions with a warning). Reports are
// read through `parseTradeoffReport`, as the panel receives them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { TradeoffReport } from '../../../extension/core/tradeoffs/types.ts';
import { parseTradeoffReport } from '../../../extension/protocol/panel-protocol.ts';
import type { PanelTradeoffView } from '../../../extension/protocol/panel-protocol.ts';
import { formatBytes } from '../../../extension/core/text/format.ts';
import type { TradeoffRequest } from '../../../webview/panel-model.ts';
import {
  bytesRange, niceStep, formatLatency, formatMebibytes, formatSize, latencyRange, linearTickLabel, logTickLabel, qualityMeasure, recommendationSegments,
  shareRange, TRADEOFF_COLUMNS, tradeoffCharts, tradeoffHeader, tradeoffPlaceholder, tradeoffRows,
} from '../../../webview/tradeoff-model.ts';
import type { ScatterChartSpec } from '../../../webview/tradeoff-model.ts';

const raw = () => JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', 'tradeoff-report.json'), 'utf8')) as Record<string, any>;

function parsed(value: unknown = raw()): TradeoffReport {
  const report = parseTradeoffReport(value);
  assert.ok(report, 'the fixture is a valid report');
  return report;
}

/** The same comparison without self-supervised queries (a code base without doc comments). */
function withoutQuality(): TradeoffReport {
  const source = raw();
  source.queries.selfSupervised = 0;
  for (const option of source.options) delete option.quality;
  return parsed(source);
}

const report = parsed();

function view(overrides: Partial<PanelTradeoffView> = {}): PanelTradeoffView {
  return { state: 'ready', detail: '', report, applying: false, ...overrides };
}

/** Every number in a chart is finite: Chart.js would draw nothing (or throw) for NaN. */
function assertFinite(value: unknown, where: string): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${where} is ${value}`);
  else if (Array.isArray(value)) value.forEach((item, index) => assertFinite(item, `${where}[${index}]`));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) assertFinite(item, `${where}.${key}`);
}

describe('the storage view header', () => {
  it('says which model, how many vectors and queries, and the recommendation with the recommended option', () => {
    const header = tradeoffHeader(view());
    assert.equal(header.title, 'Storage options');
    // Storage options change how the vectors are kept, never the model's weights: the header says so.
    assert.equal(header.model, 'How the vectors of nomic-ai/nomic-embed-text-v1.5 (768 dimensions, Matryoshka) are stored; the model and its weights stay as they are.');
    assert.equal(header.measuredOn, '12,480 vectors · 200 sample queries · 86 queries from doc comments');
    assert.deepEqual([header.status, header.statusLabel, header.stale], ['ready', '', false]);
    assert.deepEqual(header.recommendation, { text: report.recommendation, option: 'int8' });
    assert.deepEqual(header.measure, {
      enabled: true, busy: false, label: 'Measure Again',
      title: 'Measure every storage option on the index again: size, query latency, agreement with exact search and retrieval quality.',
    });
  });

  it('says when there are no queries from doc comments, and when nothing is recommended', () => {
    const header = tradeoffHeader(view({ report: { ...withoutQuality(), recommended: undefined, recommendation: 'float32 is the best trade-off here.' } }));
    assert.equal(header.measuredOn, '12,480 vectors · 200 sample queries · no queries from doc comments');
    assert.deepEqual(header.recommendation, { text: 'float32 is the best trade-off here.', option: null });
    const single = tradeoffHeader(view({ report: { ...report, vectors: 1, queries: { latencyAndRecall: 1, selfSupervised: 1 }, model: { id: 'glove', dimensions: 1, matryoshka: false } } }));
    assert.match(single.model!, /^How the vectors of glove \(1 dimension\) are stored/);
    assert.equal(single.measuredOn, '1 vector · 1 sample query · 1 query from doc comments');
    assert.equal(tradeoffHeader(view({ report: { ...report, recommendation: ' ' } })).recommendation, null, 'no sentence, no paragraph');
  });

  it('measuring: says so with the progress, shows the earlier report as stale, and cannot measure again', () => {
    const header = tradeoffHeader(view({ state: 'measuring', detail: 'Measuring binary, int8 rescore ×10 (5 of 6)…' }));
    assert.deepEqual([header.status, header.statusLabel, header.detail, header.stale], ['measuring', 'Measuring the storage options on your index', 'Measuring binary, int8 rescore ×10 (5 of 6)…', true]);
    assert.equal(header.measure.enabled, false);
    assert.equal(header.measure.title, 'The options are being measured now.');
    const first = tradeoffHeader(view({ state: 'measuring', detail: 'Sampling 200 queries…', report: null }));
    assert.deepEqual([first.model, first.measuredOn, first.recommendation, first.stale], [null, null, null, false]);
  });

  it('failed: says so with the reason, and can measure again', () => {
    const header = tradeoffHeader(view({ state: 'failed', detail: 'The index is being rebuilt: measure again once it is complete.' }));
    assert.deepEqual([header.status, header.statusLabel, header.stale, header.measure.enabled], ['failed', 'Measuring the storage options failed', true, true]);
  });

  it('applying: says so, and neither button can be pressed', () => {
    const header = tradeoffHeader(view({ applying: true, detail: 'Applying int8: 1,204 of 12,480 vectors converted.' }));
    assert.deepEqual([header.status, header.statusLabel, header.measure.enabled], ['applying', 'Applying a storage option', false]);
    assert.equal(header.measure.title, 'Measure again once the storage option has been applied.');
    assert.ok(tradeoffRows(view({ applying: true })).every((row) => !row.apply.enabled));
  });

  it('a measurement asked for and not answered yet: the button waits and says so', () => {
    const pending: TradeoffRequest = { type: 'measureTradeoffs' };
    const header = tradeoffHeader(view(), pending);
    assert.deepEqual([header.measure.enabled, header.measure.busy, header.measure.label], [false, true, 'Measuring…']);
    assert.ok(tradeoffRows(view(), pending).every((row) => !row.apply.enabled), 'Apply waits too');
  });

  it('highlights the recommended option in the sentence, or names it before a sentence that does not', () => {
    assert.deepEqual(recommendationSegments(report.recommendation, 'int8'), [
      { text: 'int8', highlighted: true },
      { text: report.recommendation.slice(4), highlighted: false },
    ]);
    assert.deepEqual(recommendationSegments('Switch to binary ×10 to save space.', 'binary ×10'), [
      { text: 'Switch to ', highlighted: false }, { text: 'binary ×10', highlighted: true }, { text: ' to save space.', highlighted: false },
    ]);
    assert.deepEqual(recommendationSegments('A quarter of the size.', 'int8'), [
      { text: 'Recommended: ', highlighted: false }, { text: 'int8', highlighted: true }, { text: '. A quarter of the size.', highlighted: false },
    ]);
    assert.deepEqual(recommendationSegments('Nothing beats the current option.', null), [{ text: 'Nothing beats the current option.', highlighted: false }]);
  });

  it('has a placeholder only when there is no report to show', () => {
    assert.equal(tradeoffPlaceholder(view()), null);
    assert.match(tradeoffPlaceholder(view({ state: 'measuring', report: null }))!, /measured on your index/);
    assert.match(tradeoffPlaceholder(view({ state: 'failed', report: null }))!, /Measure again/);
    assert.equal(tradeoffPlaceholder(view({ report: { ...report, options: [], recommended: undefined } })), 'No storage options were measured.');
  });
});

describe('the storage view table', () => {
  it('has every measured number of every option, in the report\'s order', () => {
    const rows = tradeoffRows(view());
    assert.equal(TRADEOFF_COLUMNS.length, 8);
    assert.deepEqual(rows.map((row) => [row.label, ...row.values]), [
      ['float32', '3,072 B', '36.6', '4.8', '7.9', '100%', '81.4%', '0.642'],
      ['int8', '776 B', '9.24', '2.1', '3.6', '96.2%', '80.8%', '0.637'],
      ['binary, float32 rescore ×4', '3,168 B', '37.7', '1.3', '2.4', '90.3%', '79.1%', '0.618'],
      ['binary, float32 rescore ×10', '3,168 B', '37.7', '1.9', '3.1', '97.8%', '81.2%', '0.640'],
      ['binary, int8 rescore ×10', '872 B', '10.4', '1.7', '2.9', '95.1%', '80.3%', '0.633'],
      ['int8, 256 dims', '264 B', '3.14', '0.91', '1.6', '87.4%', '77.6%', '0.601'],
    ]);
    assert.ok(rows.every((row) => row.values.length === TRADEOFF_COLUMNS.length - 1));
    assert.deepEqual(rows.map((row) => row.index), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(rows.map((row) => row.warning !== null), [false, false, false, false, false, true]);
    assert.match(rows[5]!.warning!, /^Truncating to 256 dimensions/);
  });

  it('marks the current and the recommended option; Apply is disabled for the current one and primary for the recommended one', () => {
    const rows = tradeoffRows(view());
    assert.deepEqual(rows.map((row) => [row.current, row.recommended]), [[true, false], [false, true], [false, false], [false, false], [false, false], [false, false]]);
    assert.deepEqual(rows[0]!.apply, { enabled: false, busy: false, primary: false, label: 'In use', ariaLabel: 'Vectors stored as float32 are in use', title: 'The index stores its vectors this way now.' });
    assert.deepEqual(
      { ...rows[1]!.apply, title: undefined },
      { enabled: true, busy: false, primary: true, label: 'Apply', ariaLabel: 'Apply: store the vectors as int8', title: undefined },
    );
    assert.match(rows[1]!.apply.title, /^Store the vectors as int8: a new index is built/);
    assert.deepEqual(rows.slice(2).map((row) => [row.apply.enabled, row.apply.primary, row.apply.label]), Array.from({ length: 4 }, () => [true, false, 'Apply']));
  });

  it('Apply waits while measuring, after a failure, and for an Apply not answered yet', () => {
    for (const state of ['measuring', 'failed'] as const) {
      const rows = tradeoffRows(view({ state }));
      assert.ok(rows.every((row) => !row.apply.enabled), state);
      assert.match(rows[1]!.apply.title, state === 'measuring' ? /Wait for the measurements/ : /measure again first/);
    }
    const pending: TradeoffRequest = { type: 'applyStorage', option: { kind: 'binary', rescore: 'int8', oversampling: 10 } };
    const rows = tradeoffRows(view(), pending);
    assert.deepEqual(rows.map((row) => [row.apply.enabled, row.apply.busy, row.apply.label]), [
      [false, false, 'In use'], [false, false, 'Apply'], [false, false, 'Apply'], [false, false, 'Apply'], [false, true, 'Applying…'], [false, false, 'Apply'],
    ]);
  });

  it('writes a dash for quality that was not measured', () => {
    const rows = tradeoffRows(view({ report: withoutQuality() }));
    assert.deepEqual(rows[1]!.values.slice(-3), ['96.2%', '–', '–']);
  });

  it('has no rows without a report', () => {
    assert.deepEqual(tradeoffRows(view({ state: 'measuring', report: null })), []);
  });
});

describe('the storage view charts', () => {
  const [quality, latency] = tradeoffCharts(report) as [ScatterChartSpec, ScatterChartSpec];

  it('are quality and latency against bytes per vector on a log axis, one point per option, every number finite', () => {
    assert.deepEqual(tradeoffCharts(report).map((chart) => [chart.kind, chart.id]), [['scatter', 'tradeoff-quality'], ['scatter', 'tradeoff-latency']]);
    for (const chart of [quality, latency]) {
      assertFinite(chart, chart.id);
      assert.deepEqual(chart.points.map((point) => point.x), report.options.map((option) => option.bytesPerVector));
      assert.equal(chart.x.logarithmic, true);
      assert.equal(chart.x.label, 'Bytes per vector (log scale)');
      for (const point of chart.points) {
        assert.ok(point.x > chart.x.min && point.x < chart.x.max, `${chart.id}: ${point.label} is inside the x axis`);
        assert.ok(point.y >= chart.y.min && point.y <= chart.y.max, `${chart.id}: ${point.label} is inside the y axis`);
      }
    }
  });

  it('plot MRR@10 on doc-comment queries, and p50 latency from 0', () => {
    assert.equal(qualityMeasure(report), 'self-supervised');
    assert.equal(quality.title, 'Retrieval quality against size');
    assert.deepEqual([quality.y.label, quality.y.format], ['MRR@10 (doc comments)', 'score']);
    assert.deepEqual(quality.points.map((point) => point.y), report.options.map((option) => option.quality!.mrrAt10));
    // 0.6012 … 0.6423: an axis close around them, so that the differences show.
    assert.deepEqual([quality.y.min, quality.y.max, quality.y.step], [0.55, 0.7, 0.05]);
    assert.deepEqual([latency.y.label, latency.y.format, latency.y.min, latency.y.max, latency.y.step], ['Latency p50 (ms)', 'milliseconds', 0, 10, 2]);
    assert.equal(quality.x.step, undefined, 'a log axis has no step');
    assert.deepEqual(latency.points.map((point) => point.y), [4.82, 2.14, 1.31, 1.93, 1.72, 0.91]);
  });

  it('plot agreement with exact search when there are no doc-comment queries', () => {
    const only = withoutQuality();
    assert.equal(qualityMeasure(only), 'vs-exact');
    const [chart] = tradeoffCharts(only) as [ScatterChartSpec];
    assert.equal(chart.title, 'Agreement with exact search against size');
    assert.deepEqual([chart.y.label, chart.y.format], ['Recall@10 vs exact', 'percent']);
    assert.deepEqual(chart.points.map((point) => point.y), [1, 0.962, 0.903, 0.978, 0.951, 0.874]);
    assert.deepEqual([chart.y.min, chart.y.max, chart.y.step], [0.85, 1, 0.05]);
  });

  it('mark the current and the recommended option, name every option, and keep an option\'s colour in both charts', () => {
    for (const chart of [quality, latency]) {
      assert.deepEqual(chart.points.map((point) => point.role), ['current', 'recommended', 'other', 'other', 'other', 'other']);
      assert.deepEqual(chart.points.map((point) => point.label), [
        'float32 (current)', 'int8 (recommended)', 'binary, float32 rescore ×4', 'binary, float32 rescore ×10', 'binary, int8 rescore ×10', 'int8, 256 dims',
      ]);
      assert.deepEqual(chart.points.map((point) => point.color), [0, 1, 2, 3, 4, 5]);
    }
  });

  it('say every point\'s numbers in the tooltip and in the aria-label', () => {
    assert.deepEqual(quality.points[1]!.details, [
      '776 B per vector, 9.2 MiB in all',
      'Latency p50 2.1 ms, p95 3.6 ms',
      'Recall@10 vs exact 96.2%',
      'Doc comments: MRR@10 0.637, Recall@10 80.8%',
    ]);
    assert.match(quality.points[5]!.details.at(-1)!, /^⚠ Truncating to 256 dimensions/);
    assert.equal(
      quality.ariaLabel,
      'Retrieval quality against size, MRR@10 (doc comments) against bytes per vector. float32 (current): 3,072 B per vector, 0.642; ' +
        'int8 (recommended): 776 B per vector, 0.637; binary, float32 rescore ×4: 3,168 B per vector, 0.618; binary, float32 rescore ×10: 3,168 B per vector, 0.640; ' +
        'binary, int8 rescore ×10: 872 B per vector, 0.633; int8, 256 dims: 264 B per vector, 0.601.',
    );
    assert.match(latency.ariaLabel, /^Query latency against size, Latency p50 \(ms\) against bytes per vector\. float32 \(current\): 3,072 B per vector, p50 4\.8 ms; int8 \(recommended\)/);
  });

  it('none without options', () => {
    assert.deepEqual(tradeoffCharts({ ...report, options: [], recommended: undefined }), []);
  });

  it('keep markup in labels as plain text', () => {
    const source = raw();
    source.options[2].label = '<img src=x onerror=alert(1)>';
    const [chart] = tradeoffCharts(parsed(source)) as [ScatterChartSpec];
    assert.equal(chart.points[2]!.label, '<img src=x onerror=alert(1)>');
    assert.equal(tradeoffRows(view({ report: parsed(source) }))[2]!.label, '<img src=x onerror=alert(1)>');
  });
});

describe('storage view formatting', () => {
  it('writes sizes, latencies and axis ticks', () => {
    assert.deepEqual([formatBytes(96), formatBytes(3072), formatBytes(1.5)], ['96 B', '3,072 B', '1.5 B']);
    assert.deepEqual([formatSize(512), formatSize(1536), formatSize(9_437_184), formatSize(38_338_560), formatSize(5 * 1024 ** 3)], ['512 B', '1.5 KiB', '9.0 MiB', '36.6 MiB', '5.0 GiB']);
    assert.deepEqual([formatSize(200 * 1024 * 1024)], ['200 MiB']);
    assert.deepEqual([formatMebibytes(43_200), formatMebibytes(9_437_184), formatMebibytes(38_338_560), formatMebibytes(1200 * 1024 * 1024)], ['0.04', '9.00', '36.6', '1,200']);
    assert.deepEqual([formatLatency(0.4213), formatLatency(3.41), formatLatency(120.2), formatLatency(1234)], ['0.42 ms', '3.4 ms', '120 ms', '1,234 ms']);
    assert.deepEqual([100, 200, 300, 500, 1000, 2000, 5000, 7000, 21.3, 0.5].map(logTickLabel), ['100', '200', '', '500', '1,000', '2,000', '5,000', '', '', '0.5']);
    assert.deepEqual([logTickLabel(0), logTickLabel(-1), logTickLabel(Number.NaN)], ['', '', '']);
    assert.deepEqual([linearTickLabel(0.55, 'score'), linearTickLabel(0.9, 'percent'), linearTickLabel(0.30000000000000004, 'milliseconds'), linearTickLabel(2500, 'count')], ['0.55', '90%', '0.3', '2,500']);
  });

  it('chooses axis ranges that hold every value', () => {
    assert.deepEqual(bytesRange([96, 3168]), { min: 64, max: 4752 });
    assert.deepEqual(bytesRange([]), { min: 1, max: 10 });
    assert.deepEqual(shareRange([1, 1, 1]), { min: 0.95, max: 1 });
    assert.deepEqual(shareRange([0, 0]), { min: 0, max: 0.05 });
    assert.deepEqual(shareRange([]), { min: 0, max: 1 });
    assert.deepEqual(latencyRange([0.91, 4.82]), { min: 0, max: 10 });
    assert.deepEqual(latencyRange([0.4]), { min: 0, max: 0.5 });
    assert.deepEqual(latencyRange([180]), { min: 0, max: 250 });
    assert.deepEqual(latencyRange([0, 0]), { min: 0, max: 1 });
    assert.deepEqual([niceStep(0.55, 0.7), niceStep(0.95, 1), niceStep(0, 10), niceStep(0, 250), niceStep(0, 0.5), niceStep(1, 1)], [0.05, 0.01, 2, 50, 0.1, 1]);
  });
});
