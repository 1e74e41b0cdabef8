// The migration view's logic on reports made by the real `migrationReport` (fixtures/, written by
// fixtures/make-migration-reports.ts): GloVe → USE lite, and a first index with USE lite alone. The
// reports are read through `parseMigrationReport`, as the panel receives them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { MigrationReport } from '../../../extension/core/migration/report.ts';
import { parseMigrationReport } from '../../../extension/protocol/panel-protocol.ts';
import type { PanelMigrationView } from '../../../extension/protocol/panel-protocol.ts';
import { formatCount } from '../../../extension/core/text/format.ts';
import {
  coverageSection, formatChange, formatShare, histogramSpec, migrationHeader, modelNames, overlapDistribution, overlapSection, qualitySection,
  reportPlaceholder, reportSections, reportSummary, scoresSection, thresholdsSection, visibleBins, worstQueries,
} from '../../../webview/migration-model.ts';
import type { BarChartSpec, ChartSpec, HistogramSpec, ReportSection } from '../../../webview/migration-model.ts';

function fixture(name: string): MigrationReport {
  const report = parseMigrationReport(JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8')));
  assert.ok(report, `${name} is a valid report`);
  return report;
}

const migration = fixture('migration-report.json');
const firstIndex = fixture('first-index-report.json');
const names = { from: 'GloVe', to: 'USE lite' };

function view(overrides: Partial<PanelMigrationView> = {}): PanelMigrationView {
  return {
    phase: 'awaiting-decision', fromModel: 'GloVe', toModel: 'USE lite', detail: '79 of 79 chunks embedded', canCutOver: true, canRollBack: true,
    decisionReason: null, report: migration, ...overrides,
  };
}

function bar(section: ReportSection, index = 0): BarChartSpec {
  const chart = section.charts[index];
  assert.equal(chart?.kind, 'bar');
  return chart as BarChartSpec;
}
function histogram(section: ReportSection, index = 0): HistogramSpec {
  const chart = section.charts[index];
  assert.equal(chart?.kind, 'histogram');
  return chart as HistogramSpec;
}

/** Every number in a chart is finite: Chart.js would draw nothing (or throw) for NaN. */
function assertFinite(value: unknown, where: string): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${where} is ${value}`);
  else if (Array.isArray(value)) value.forEach((item, index) => assertFinite(item, `${where}[${index}]`));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) assertFinite(item, `${where}.${key}`);
}

function allCharts(report: MigrationReport): ChartSpec[] {
  return reportSections(report, names).flatMap((section) => section.charts);
}

describe('migration report sections', () => {
  it('come in reading order, each with something to read, and every chart says what it shows', () => {
    for (const report of [migration, firstIndex]) {
      const sections = reportSections(report, names);
      assert.deepEqual(sections.map((section) => section.id), ['coverage', 'quality', 'overlap', 'scores', 'thresholds']);
      for (const section of sections) assert.ok(section.sentences.length + section.charts.length + section.tables.length > 0, section.id);
      for (const chart of sections.flatMap((section) => section.charts)) {
        assert.ok(chart.ariaLabel.length > 20, `${chart.id} has an aria-label`);
        assertFinite(chart, chart.id);
      }
    }
    assert.deepEqual(allCharts(migration).map((chart) => chart.id), ['coverage', 'quality', 'overlap', 'top-scores', 'unrelated-pairs']);
    assert.deepEqual(allCharts(firstIndex).map((chart) => chart.id), ['coverage', 'quality', 'top-scores', 'unrelated-pairs']);
  });

  it('coverage: vectors and missing contents per index, stacked, with the same numbers in a table', () => {
    const section = coverageSection(migration, names);
    const chart = bar(section);
    assert.deepEqual(chart.categories, ['Old: GloVe', 'New: USE lite']);
    assert.deepEqual(chart.series.map((series) => [series.label, series.values]), [['Vectors', [45, 79]], ['Missing', [0, 0]]]);
    assert.equal(chart.stacked, true);
    assert.equal(chart.horizontal, true);
    assert.equal(chart.ariaLabel, 'Coverage: Old: GloVe 100% complete, 45 vectors, 0 missing contents; New: USE lite 100% complete, 79 vectors, 0 missing contents.');
    assert.deepEqual(section.tables[0]!.rows, [
      ['Old: GloVe', 'glove-100d', '100', '100%', '45', '0', 'yes'],
      ['New: USE lite', 'use-lite', '512', '100%', '79', '0', 'yes'],
    ]);
    assert.deepEqual(section.sentences, []);
  });

  it('coverage of an index still being built says so', () => {
    const building: MigrationReport = { ...migration, coverage: { ...migration.coverage, to: { vectors: 1204, missingContents: 1896, shareComplete: 1204 / 3100, markedComplete: false } } };
    const section = coverageSection(building, names);
    assert.match(section.sentences[0]!, /^New: USE lite is not complete yet/);
    assert.deepEqual(bar(section).series[1]!.values, [0, 1896]);
    assert.equal(section.tables[0]!.rows[1]![3], '38.8%');
  });

  it('a first index describes the new index alone, in every section', () => {
    const coverage = coverageSection(firstIndex, names);
    assert.deepEqual(bar(coverage).categories, ['New: USE lite']);
    assert.match(coverage.sentences[0]!, /first index/);
    const overlap = overlapSection(firstIndex, names);
    assert.deepEqual(overlap.charts, []);
    assert.deepEqual(overlap.sentences, ['There is no old index to compare the results with.']);
    const quality = qualitySection(firstIndex, names);
    assert.deepEqual(bar(quality).series.map((series) => series.label), ['New: USE lite']);
    assert.deepEqual(quality.tables[0]!.columns, ['Measure', 'New: USE lite']);
    assert.ok(quality.sentences.includes('There is no old model to compare with.'));
    assert.deepEqual(histogram(scoresSection(firstIndex, names)).series.map((series) => series.label), ['New: USE lite']);
    const thresholds = thresholdsSection(firstIndex, names);
    assert.deepEqual(thresholds.tables[0]!.columns, ['Threshold', 'New: USE lite']);
    assert.deepEqual(histogram(thresholds).markers.map((marker) => marker.label), ['New: USE lite similar', 'New: USE lite duplicate']);
  });

  it('overlap: a distribution over tenths, the mean and the lowest, and the queries that changed most', () => {
    const section = overlapSection(migration, names);
    const chart = bar(section);
    const overlap = migration.overlap!;
    assert.equal(chart.categories.length, 11);
    assert.equal(chart.categories[0], '0%');
    assert.equal(chart.categories[10], '100%');
    assert.equal(chart.series[0]!.values.reduce((sum, count) => sum + count, 0), overlap.perQuery.length);
    assert.match(chart.ariaLabel, /mean 49\.3%, lowest 30%/);
    assert.match(section.sentences[0]!, /^Over 40 queries \(3 recent, 37 from doc comments\), on average 49\.3% of the top 10 results stay the same/);
    assert.deepEqual(section.tables[0]!.rows[0], ['Queries', '40']);
    const listed = section.lists[0]!;
    assert.equal(listed.items.length, 5);
    const worst = worstQueries(overlap.perQuery);
    assert.equal(worst[0]!.overlapAt10, overlap.min);
    assert.ok(worst.every((entry, index) => index === 0 || entry.overlapAt10 >= worst[index - 1]!.overlapAt10));
    assert.equal(listed.items[0]!.text, `“${worst[0]!.query}”`);
    assert.match(listed.items[0]!.detail, /^30% in common, Jaccard 0\.\d{3} \((recent search|from a doc comment)\)$/);
  });

  it('overlap buckets round to the nearest tenth, and ties among the worst are broken by Jaccard', () => {
    assert.deepEqual(overlapDistribution([{ overlapAt10: 0 }, { overlapAt10: 0.04 }, { overlapAt10: 2 / 7 }, { overlapAt10: 1 }]), [2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
    const worst = worstQueries([
      { query: 'b', source: 'recent', overlapAt10: 0.5, jaccard: 0.4 },
      { query: 'a', source: 'recent', overlapAt10: 0.5, jaccard: 0.3 },
      { query: 'c', source: 'self-supervised', overlapAt10: 0.9, jaccard: 0.8 },
    ], 2);
    assert.deepEqual(worst.map((entry) => entry.query), ['a', 'b']);
  });

  it('overlap without queries says why', () => {
    const section = overlapSection({ ...migration, overlap: undefined }, names);
    assert.deepEqual(section.charts, []);
    assert.match(section.sentences[0]!, /^No queries to compare/);
  });

  it('quality: Recall@10 and MRR@10 old against new, as grouped bars and a table with the change', () => {
    const section = qualitySection(migration, names);
    const chart = bar(section);
    const quality = migration.quality!;
    assert.deepEqual(chart.categories, ['Recall@10', 'MRR@10']);
    assert.deepEqual(chart.series.map((series) => [series.label, series.color, series.values]), [
      ['Old: GloVe', 'old', [quality.from!.recallAt10, quality.from!.mrrAt10]],
      ['New: USE lite', 'new', [quality.to.recallAt10, quality.to.mrrAt10]],
    ]);
    assert.deepEqual([chart.valueAxis.min, chart.valueAxis.max], [0, 1]);
    assert.equal(chart.ariaLabel, 'Search quality on 37 queries: Old: GloVe Recall@10 0.973, MRR@10 0.780; New: USE lite Recall@10 1.000, MRR@10 0.928.');
    assert.deepEqual(section.tables[0]!.rows, [
      ['Recall@10', '0.973', '1.000', '+0.027'],
      ['MRR@10', '0.780', '0.928', '+0.148'],
    ]);
    assert.match(section.sentences[0]!, /^Measured on 37 queries made from the first sentence of doc comments/);
    const examples = section.lists[0]!;
    assert.equal(examples.heading, 'Example queries');
    assert.deepEqual(examples.items[0], { text: '“HashPassword stores a password safely by hashing it with a random salt.”', detail: 'looks for HashPassword in internal/auth/tokens.go' });
  });

  it('quality without self-supervised queries says why', () => {
    const section = qualitySection({ ...migration, quality: undefined, queries: { ...migration.queries, selfSupervised: 0, selfSupervisedSkipped: 4, examples: [] } }, names);
    assert.deepEqual(section.charts, []);
    assert.deepEqual(section.lists, []);
    assert.match(section.sentences[0]!, /^No quality measured: .* \(4 documented definitions left out\)\. Recall and MRR need doc comments/);
    assert.match(section.sentences[1]!, /the cutover waits for you/);
  });

  it('quality on too few queries says the figures decide nothing (requests: 3 copies of one attribution line)', () => {
    const thin = { ...migration, quality: { queries: 3, from: { recallAt10: 1, mrrAt10: 0.611 }, to: { recallAt10: 0, mrrAt10: 0 } } };
    const section = qualitySection(thin, names);
    assert.ok(section.sentences.includes('These figures decide nothing: the search quality rests on too few queries: not enough evidence (3 queries; a verdict needs 30). The cutover waits for you.'), section.sentences.join(' | '));
    assert.ok(!qualitySection(migration, names).sentences.some((sentence) => sentence.startsWith('These figures decide nothing')), '37 queries are evidence');
  });

  it('top-1 scores: both models overlaid as shares of their queries, over the bins that hold any', () => {
    const section = scoresSection(migration, names);
    const chart = histogram(section);
    assert.deepEqual(chart.series.map((series) => [series.label, series.color]), [['Old: GloVe', 'old'], ['New: USE lite', 'new']]);
    for (const series of chart.series) {
      const total = series.points.reduce((sum, point) => sum + point.y, 0);
      assert.ok(Math.abs(total - 1) < 1e-9, `${series.label}: the visible bins hold every query (${total})`);
      assert.ok(series.points.every((point) => point.x > chart.xMin && point.x < chart.xMax));
    }
    // Old scores fill bins 33–39, new ones 25–36: one empty bin is kept on each side.
    assert.equal(chart.xMin, migration.scores.to.topScores.edges[24]);
    assert.equal(chart.xMax, 1);
    assert.ok(Math.abs(chart.binWidth - 0.05) < 1e-9);
    assert.ok(chart.yMax >= Math.max(...chart.series.flatMap((series) => series.points.map((point) => point.y))));
    assert.match(chart.ariaLabel, /^Histogram of top-1 score of each query: Old: GloVe, 40 queries, mean 0\.928; New: USE lite, 40 queries, mean 0\.601\.$/);
    assert.deepEqual(section.tables[0]!.rows, [['Old: GloVe', '40', '0.928', '912', '0.832'], ['New: USE lite', '40', '0.601', '2,796', '0.766']]);
  });

  it('thresholds: a table, and lines on the unrelated-pairs histogram (dashed similar, solid duplicate)', () => {
    const section = thresholdsSection(migration, names);
    const chart = histogram(section);
    const from = migration.thresholds.from as { similar: { value: number }; duplicate: { value: number } };
    const to = migration.thresholds.to as { similar: { value: number }; duplicate: { value: number } };
    assert.deepEqual(chart.markers, [
      { label: 'Old: GloVe similar', color: 'old', value: from.similar.value, dash: 'dashed' },
      { label: 'Old: GloVe duplicate', color: 'old', value: from.duplicate.value, dash: 'solid' },
      { label: 'New: USE lite similar', color: 'new', value: to.similar.value, dash: 'dashed' },
      { label: 'New: USE lite duplicate', color: 'new', value: to.duplicate.value, dash: 'solid' },
    ]);
    assert.ok(chart.markers.every((marker) => marker.value >= chart.xMin && marker.value <= chart.xMax));
    assert.deepEqual(section.tables[0]!.rows, [['Similar', '0.950', '0.914'], ['Duplicate', '0.977', '0.957']]);
    assert.ok(section.sentences.includes('New: USE lite: at the duplicate threshold, 67.2% of edited copies are recognised.'));
    assert.match(chart.ariaLabel, /Thresholds: Old: GloVe similar at 0\.950, Old: GloVe duplicate at 0\.977, New: USE lite similar at 0\.914, New: USE lite duplicate at 0\.957\.$/);
  });

  it('thresholds that are unavailable, or that miss the precision target, are said in words', () => {
    const unavailable = 'Space x (use-lite) has 3 vectors: too few to sample unrelated pairs. Index more code and calibrate again.';
    const to = migration.thresholds.to as { similar: { value: number; computedAt: number; details: Record<string, unknown> }; duplicate: { value: number; computedAt: number; details: Record<string, unknown> } };
    const report: MigrationReport = {
      ...migration,
      thresholds: {
        from: { similar: to.similar, duplicate: { ...to.duplicate, details: { targetMet: false, precision: 0.81, precisionTarget: 0.95 } } },
        to: { unavailable },
      },
    };
    const section = thresholdsSection(report, names);
    assert.ok(section.sentences.includes(`New: USE lite: thresholds unavailable. ${unavailable}`));
    assert.ok(section.sentences.includes('Old: GloVe: no duplicate threshold reaches the precision target of 95%; the most precise one is used (precision 0.810).'));
    assert.deepEqual(section.tables[0]!.rows, [['Similar', '0.914', 'unavailable'], ['Duplicate', '0.957', 'unavailable']]);
    assert.deepEqual(histogram(section).markers.map((marker) => marker.label), ['Old: GloVe similar', 'Old: GloVe duplicate']);
  });

  it('an empty distribution gives no chart (and no NaN) but a sentence', () => {
    const empty = { ...migration.scores.to.topScores, counts: migration.scores.to.topScores.counts.map(() => 0), total: 0, mean: undefined };
    const report: MigrationReport = { ...firstIndex, scores: { from: undefined, to: { topScores: empty, unrelatedPairs: { ...empty } } }, thresholds: { from: undefined, to: { unavailable: 'Too few vectors.' } } };
    const scores = scoresSection(report, names);
    assert.deepEqual(scores.charts, []);
    assert.ok(scores.sentences.includes('No queries were run, so there are no scores to show.'));
    assert.deepEqual(scores.tables[0]!.rows, [['New: USE lite', '0', '–', '0', '–']]);
    const thresholds = thresholdsSection(report, names);
    assert.deepEqual(thresholds.charts, []);
    assert.ok(thresholds.sentences.includes('No unrelated pairs could be sampled: the index holds too few vectors.'));
  });

  it('visibleBins spans the non-empty bins of every histogram and every marker, with one bin to spare', () => {
    const edges = Array.from({ length: 41 }, (_, index) => Math.round((-1 + index * 0.05) * 1000) / 1000);
    const counts = (filled: number[]) => edges.slice(1).map((_, index) => (filled.includes(index) ? 1 : 0));
    const a = { edges, counts: counts([30, 31]), total: 2, mean: 0.5 };
    const b = { edges, counts: counts([35]), total: 1, mean: 0.8 };
    assert.deepEqual(visibleBins([a, b]), { first: 29, last: 36 });
    assert.deepEqual(visibleBins([a], [0.99]), { first: 29, last: 39 });
    assert.deepEqual(visibleBins([a], [1]), { first: 29, last: 39 }, 'a marker at 1 falls in the last bin');
    assert.equal(visibleBins([{ edges, counts: counts([]), total: 0, mean: undefined }]), undefined);
    assert.equal(histogramSpec('x', 'X', 'pairs', [], []), undefined);
  });

  it('texts from the report stay plain text, and long queries are cut for the list', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const long = `${'a very long query '.repeat(20)}end`;
    const report: MigrationReport = {
      ...migration,
      overlap: { ...migration.overlap!, perQuery: [{ query: hostile, source: 'recent', overlapAt10: 0, jaccard: 0 }, { query: long, source: 'recent', overlapAt10: 0.1, jaccard: 0 }] },
      queries: { ...migration.queries, examples: [{ query: 'q', path: '<b>x</b>.ts', symbol: undefined }] },
    };
    const items = overlapSection(report, names).lists[0]!.items;
    assert.equal(items[0]!.text, `“${hostile}”`);
    assert.equal(items[1]!.text.length, 162);
    assert.ok(items[1]!.text.endsWith('…”'));
    assert.deepEqual(qualitySection(report, names).lists[0]!.items[0], { text: '“q”', detail: 'looks for <b>x</b>.ts' });
  });

  it('summarises what the report measured with', () => {
    assert.equal(reportSummary(migration), 'Compared on 40 queries: 3 recent searches and 37 from doc comments.');
    assert.equal(reportSummary(firstIndex), 'Compared on 12 queries: 0 recent searches and 12 from doc comments.');
  });
});

describe('migration header', () => {
  it('names the models, the phase and the detail, and enables the buttons the host allows', () => {
    const header = migrationHeader(view());
    assert.equal(header.title, 'GloVe → USE lite');
    assert.equal(header.phaseLabel, 'Waiting for your decision');
    assert.equal(header.detail, '79 of 79 chunks embedded');
    assert.match(header.decision!, /worse than the old one/);
    assert.deepEqual([header.cutOver.enabled, header.rollBack.enabled, header.refresh.enabled], [true, true, true]);
    assert.deepEqual([header.cutOver.label, header.rollBack.label, header.refresh.label], ['Cut Over', 'Roll Back', 'Refresh Report']);
    assert.equal(migrationHeader(view({ decisionReason: 'MRR@10 fell from 0.93 to 0.78.' })).decision, 'MRR@10 fell from 0.93 to 0.78.');
    assert.equal(migrationHeader(view({ decisionReason: 'the search quality rests on too few queries.' })).decision, 'The search quality rests on too few queries.', 'a notification\'s clause reads as a sentence');

    const building = migrationHeader(view({ phase: 'building', canCutOver: false, canRollBack: true, report: null, decisionReason: 'ignored' }));
    assert.equal(building.decision, null, 'only a decision that waits is shown');
    assert.deepEqual([building.cutOver.enabled, building.rollBack.enabled], [false, true]);
    assert.match(building.cutOver.title, /once the new index is complete/);
    assert.equal(migrationHeader(view({ phase: 'cut-over', canCutOver: false })).rollBack.title, 'Make GloVe answer searches again.');
    assert.equal(migrationHeader(view({ phase: 'none', fromModel: null, toModel: null, report: null, canCutOver: false, canRollBack: false })).refresh.enabled, false);
  });

  it('while a button waits for the host, all wait and the pressed one says what is going on', () => {
    const header = migrationHeader(view(), 'cutOver');
    assert.deepEqual([header.cutOver.enabled, header.rollBack.enabled, header.refresh.enabled], [false, false, false]);
    assert.deepEqual([header.cutOver.busy, header.cutOver.label], [true, 'Cutting over…']);
    assert.equal(header.rollBack.busy, false);
    assert.equal(migrationHeader(view(), 'refreshReport').refresh.label, 'Refreshing…');
  });

  it('falls back to the report\'s model ids, and titles a first index by its model', () => {
    assert.deepEqual(modelNames(view({ fromModel: null, toModel: null })), { from: 'glove-100d', to: 'use-lite' });
    assert.equal(migrationHeader(view({ fromModel: null, toModel: 'USE lite', report: firstIndex })).title, 'USE lite (first index)');
    assert.equal(migrationHeader(view({ phase: 'none', fromModel: null, toModel: null, report: null })).title, 'Model change');
  });

  it('says why there is no report yet', () => {
    assert.equal(reportPlaceholder(view()), null);
    assert.match(reportPlaceholder(view({ report: null, phase: 'building' }))!, /once the new index is complete/);
    assert.match(reportPlaceholder(view({ report: null, phase: 'none' }))!, /^No model change in progress/);
    assert.match(reportPlaceholder(view({ report: null, phase: 'cut-over' }))!, /Refresh the report/);
  });
});

describe('formatting', () => {
  it('writes shares, changes and counts', () => {
    assert.deepEqual([formatShare(0.9734), formatShare(1), formatShare(0), formatShare(0.4925), formatShare(0.3)], ['97.3%', '100%', '0%', '49.3%', '30%']);
    assert.deepEqual([formatChange(0.1), formatChange(-0.05), formatChange(0.0001)], ['+0.100', '−0.050', '±0.000']);
    assert.deepEqual([formatCount(3100), formatCount(1_234_567), formatCount(12)], ['3,100', '1,234,567', '12']);
  });
});
