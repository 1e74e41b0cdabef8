// The migration view's logic without the DOM: the header and buttons of a `PanelMigrationView`, and a
// `MigrationReport` turned into sections of sentences, tables, lists and chart specifications. Charts are
// described here in plain data (categories, series, bins, marker lines, colour roles); `charts.ts` draws
// them with Chart.js and the theme's colours. Runs in Node for unit tests: no browser or Node globals.
// Every string here is plain text: `migration-view.ts` renders it with textContent.

import { migrationEvidence } from '../extension/core/evaluation/evidence.ts';
import type { Histogram, MigrationReport, QueryOverlap, ReportSpace, SpaceCoverage, SpaceThresholds, ThresholdSummary } from '../extension/core/migration/report.ts';
import type { MigrationAction, MigrationPhase, PanelMigrationView } from '../extension/protocol/panel-protocol.ts';
import { formatCount, plural } from '../extension/core/text/format.ts';
import { formatChange, formatMetric, formatShare, type ReportButton } from './report-model.ts';

// ---------------------------------------------------------------------------------------------
// Chart specifications

/** What a series or marker is; `charts.ts` maps each to a theme colour (old blue, new orange…). */
export type ChartColor = 'old' | 'new' | 'vectors' | 'missing' | 'neutral';

/** How numbers on a value axis and in tooltips are written. */
export type ValueFormat = 'percent' | 'count' | 'score';

/** Bars over named categories: grouped (side by side) or stacked, vertical or horizontal. */
export interface BarChartSpec {
  kind: 'bar';
  /** Stable within a report, for test ids. */
  id: string;
  title: string;
  /** A sentence that says what the chart shows, with its key numbers. */
  ariaLabel: string;
  categories: string[];
  series: { label: string; color: ChartColor; values: number[] }[];
  horizontal: boolean;
  stacked: boolean;
  /** The category axis's title; empty for none (the categories say it). */
  categoryAxis: string;
  valueAxis: { label: string; format: ValueFormat; min: number; max: number | undefined };
}

/** A vertical line across a histogram (a threshold). */
export interface ChartMarker {
  label: string;
  color: ChartColor;
  value: number;
  /** Dashed for `similar`, solid for `duplicate`. */
  dash: 'dashed' | 'solid';
}

/** Histograms over the same fixed bins, overlaid, as shares of each series' total (models differ in sample size). */
export interface HistogramSpec {
  kind: 'histogram';
  id: string;
  title: string;
  ariaLabel: string;
  /** Bin edges shown (a run of the report's fixed bins, empty ones at both ends trimmed). */
  xMin: number;
  xMax: number;
  binWidth: number;
  /** One point per bin: x = the bin's centre, y = its share of the series' total. */
  series: { label: string; color: ChartColor; points: { x: number; y: number }[] }[];
  markers: ChartMarker[];
  /** Top of the value axis (markers run up to it), a multiple of `yStep`. */
  yMax: number;
  yStep: number;
  xAxis: string;
  yAxis: string;
}

export type ChartSpec = BarChartSpec | HistogramSpec;

// ---------------------------------------------------------------------------------------------
// Sections

/** A table whose first column names the row. */
export interface ReportTable {
  caption: string;
  columns: string[];
  rows: string[][];
}

export interface ReportList {
  heading: string;
  items: { text: string; detail: string }[];
}

export type SectionId = 'coverage' | 'overlap' | 'quality' | 'scores' | 'thresholds';

/** One part of the report: sentences first (including "not available" ones), then charts, tables and lists. */
export interface ReportSection {
  id: SectionId;
  title: string;
  sentences: string[];
  charts: ChartSpec[];
  tables: ReportTable[];
  lists: ReportList[];
}

/** The display names of the two models. */
export interface ModelNames {
  from: string;
  to: string;
}

/** How many of the worst-overlap queries are listed. */
export const WORST_QUERIES = 5;
/** How many example self-supervised queries are listed. */
export const EXAMPLE_QUERIES = 5;
/** Longest query text shown in a list; longer ones are cut with an ellipsis. */
const QUERY_DISPLAY_LENGTH = 160;

// ---------------------------------------------------------------------------------------------
// Formatting

// The report tabs' formatting lives in report-model.ts; these names are the ones this view's callers know.
export { formatChange, formatMetric, formatShare, formatValue } from './report-model.ts';

function quoted(text: string): string {
  const clipped = text.length > QUERY_DISPLAY_LENGTH ? `${text.slice(0, QUERY_DISPLAY_LENGTH - 1).trimEnd()}…` : text;
  return `“${clipped}”`;
}

// ---------------------------------------------------------------------------------------------
// Header and buttons

const PHASE_LABELS: Readonly<Record<MigrationPhase, string>> = {
  'none': 'No model change in progress',
  'building': 'Building the new index',
  'awaiting-decision': 'Waiting for your decision',
  'cut-over': 'Cut over: the new model answers searches',
};

/** What the top of the migration view says and which buttons it enables. */
export interface MigrationHeader {
  /** "glove-100d → use-lite", or the one model of a first index. */
  title: string;
  phase: MigrationPhase;
  phaseLabel: string;
  detail: string;
  /** Why the cutover waits (awaiting-decision), or null. */
  decision: string | null;
  cutOver: HeaderButton;
  rollBack: HeaderButton;
  refresh: HeaderButton;
}

/** A button of the migration view: what it says, its tooltip, whether it can be pressed now, and what it asks for. */
export interface HeaderButton extends ReportButton {
  action: MigrationAction;
}

/** The header of a migration view; `pending` is the button pressed and not answered yet (all wait for it). */
export function migrationHeader(view: PanelMigrationView, pending: MigrationAction | null = null): MigrationHeader {
  const names = modelNames(view);
  const title = view.phase === 'none' && view.fromModel === null && view.toModel === null
    ? 'Model change'
    : view.fromModel === null && view.report?.from === undefined
      ? `${names.to} (first index)`
      : `${names.from} → ${names.to}`;
  const button = (action: MigrationAction, allowed: boolean, label: string, busyLabel: string, title: string): HeaderButton => ({
    action,
    enabled: allowed && pending === null,
    busy: pending === action,
    label: pending === action ? busyLabel : label,
    title,
  });
  return {
    title,
    phase: view.phase,
    phaseLabel: PHASE_LABELS[view.phase],
    detail: view.detail,
    decision: view.phase === 'awaiting-decision'
      ? (view.decisionReason === null ? 'The new model answers the sample queries worse than the old one. Review the report, then cut over or roll back.' : sentenceCase(view.decisionReason))
      : null,
    cutOver: button('cutOver', view.canCutOver, 'Cut Over', 'Cutting over…',
      view.canCutOver ? `Make ${names.to} answer searches now; ${names.from} is kept for a rollback.` : 'Cutting over is possible once the new index is complete and before it has been cut over.'),
    rollBack: button('rollBack', view.canRollBack, 'Roll Back', 'Rolling back…',
      view.canRollBack
        ? view.phase === 'cut-over' ? `Make ${names.from} answer searches again.` : `Stop the change to ${names.to} and keep ${names.from}.`
        : 'There is nothing to roll back.'),
    refresh: button('refreshReport', view.phase !== 'none', 'Refresh Report', 'Refreshing…',
      'Measure the two models on your code again (coverage, overlap, scores, thresholds, quality).'),
  };
}

/** The models' display names: the view's, else the report's model ids. */
export function modelNames(view: PanelMigrationView): ModelNames {
  return {
    from: view.fromModel ?? view.report?.from?.modelId ?? 'the old model',
    to: view.toModel ?? view.report?.to.modelId ?? 'the new model',
  };
}

/** The sentence shown instead of the report when there is none. */
export function reportPlaceholder(view: PanelMigrationView): string | null {
  if (view.report !== null) return null;
  switch (view.phase) {
    case 'none':
      return 'No model change in progress. When you choose another embedding model, a new index is built beside the current one and compared with it here.';
    case 'building':
      return 'The report is made once the new index is complete: it compares the two models on your own code.';
    case 'awaiting-decision':
    case 'cut-over':
      return 'No report is available. Refresh the report to measure the two models on your code.';
  }
}

// ---------------------------------------------------------------------------------------------
// The report

/** The sections of a report, in reading order. */
export function reportSections(report: MigrationReport, names: ModelNames): ReportSection[] {
  return [coverageSection(report, names), qualitySection(report, names), overlapSection(report, names), scoresSection(report, names), thresholdsSection(report, names)];
}

function oldLabel(names: ModelNames): string {
  return `Old: ${names.from}`;
}
function newLabel(names: ModelNames): string {
  return `New: ${names.to}`;
}

/** Coverage of both spaces: a stacked bar of vectors and missing contents per space. */
export function coverageSection(report: MigrationReport, names: ModelNames): ReportSection {
  const spaces: { label: string; coverage: SpaceCoverage; space: ReportSpace | undefined }[] = [];
  if (report.coverage.from) spaces.push({ label: oldLabel(names), coverage: report.coverage.from, space: report.from });
  spaces.push({ label: newLabel(names), coverage: report.coverage.to, space: report.to });
  const describe = ({ label, coverage }: (typeof spaces)[number]) =>
    `${label} ${formatShare(coverage.shareComplete)} complete, ${plural(coverage.vectors, 'vector')}, ${plural(coverage.missingContents, 'missing content')}`;
  const sentences = report.coverage.from ? [] : ['This is a first index: there is no old index to compare with.'];
  const incomplete = spaces.filter(({ coverage }) => coverage.missingContents > 0 || !coverage.markedComplete);
  if (incomplete.length > 0) {
    sentences.push(`${incomplete.map(({ label }) => label).join(' and ')} ${incomplete.length === 1 ? 'is' : 'are'} not complete yet: the numbers below cover what has been embedded so far.`);
  }
  return {
    id: 'coverage',
    title: 'Coverage',
    sentences,
    charts: [{
      kind: 'bar',
      id: 'coverage',
      title: 'Chunk contents with and without a vector',
      ariaLabel: `Coverage: ${spaces.map(describe).join('; ')}.`,
      categories: spaces.map(({ label }) => label),
      series: [
        { label: 'Vectors', color: 'vectors', values: spaces.map(({ coverage }) => coverage.vectors) },
        { label: 'Missing', color: 'missing', values: spaces.map(({ coverage }) => coverage.missingContents) },
      ],
      horizontal: true,
      stacked: true,
      categoryAxis: '',
      valueAxis: { label: 'Chunk contents', format: 'count', min: 0, max: undefined },
    }],
    tables: [{
      caption: 'Coverage of each index',
      columns: ['Index', 'Model', 'Dimensions', 'Complete', 'Vectors', 'Missing', 'Marked complete'],
      rows: spaces.map(({ label, coverage, space }) => [
        label, space?.modelId ?? '–', space === undefined ? '–' : formatCount(space.dimensions),
        formatShare(coverage.shareComplete), formatCount(coverage.vectors), formatCount(coverage.missingContents), coverage.markedComplete ? 'yes' : 'no',
      ]),
    }],
    lists: [],
  };
}

/** Overlap buckets: tenths of the top 10 (0.0 … 1.0). */
const OVERLAP_BUCKETS = 11;

/** How many queries fall in each tenth of top-10 overlap (index i = i/10, rounded to the nearest tenth). */
export function overlapDistribution(perQuery: readonly Pick<QueryOverlap, 'overlapAt10'>[]): number[] {
  const counts = new Array<number>(OVERLAP_BUCKETS).fill(0);
  for (const { overlapAt10 } of perQuery) counts[Math.min(OVERLAP_BUCKETS - 1, Math.max(0, Math.round(overlapAt10 * 10)))]! += 1;
  return counts;
}

/** The queries whose results changed most: lowest overlap first, then lowest Jaccard, then the query text. */
export function worstQueries(perQuery: readonly QueryOverlap[], count = WORST_QUERIES): QueryOverlap[] {
  return [...perQuery]
    .sort((a, b) => a.overlapAt10 - b.overlapAt10 || a.jaccard - b.jaccard || a.query.localeCompare(b.query))
    .slice(0, count);
}

/** Top-10 overlap between the old and the new results per query. */
export function overlapSection(report: MigrationReport, names: ModelNames): ReportSection {
  const section: ReportSection = { id: 'overlap', title: 'How much the results change', sentences: [], charts: [], tables: [], lists: [] };
  const overlap = report.overlap;
  if (!report.from) {
    section.sentences.push('There is no old index to compare the results with.');
    return section;
  }
  if (!overlap || overlap.perQuery.length === 0) {
    section.sentences.push('No queries to compare: there were no recent searches and no documented declarations to draw queries from.');
    return section;
  }
  const queries = overlap.perQuery.length;
  const recent = overlap.perQuery.filter((entry) => entry.source === 'recent').length;
  const summary = `Over ${plural(queries, 'query', 'queries')} (${formatCount(recent)} recent, ${formatCount(queries - recent)} from doc comments), ` +
    `on average ${formatShare(overlap.mean)} of the top ${report.k} results stay the same (Jaccard ${formatMetric(overlap.meanJaccard)}); the lowest is ${formatShare(overlap.min)}.`;
  section.sentences.push(summary, `Low overlap is not a loss in itself: ${names.to} may rank other, better results first. The quality section says which model finds the documented code.`);
  const counts = overlapDistribution(overlap.perQuery);
  const labels = counts.map((_, index) => formatShare(index / 10));
  section.charts.push({
    kind: 'bar',
    id: 'overlap',
    title: `Share of the top ${report.k} in both result lists, per query`,
    ariaLabel: `Top-${report.k} overlap per query: mean ${formatShare(overlap.mean)}, lowest ${formatShare(overlap.min)}. ` +
      `Queries by overlap: ${counts.map((count, index) => `${labels[index]} ${count}`).filter((_, index) => counts[index]! > 0).join(', ')}.`,
    categories: labels,
    series: [{ label: 'Queries', color: 'neutral', values: counts }],
    horizontal: false,
    stacked: false,
    categoryAxis: `Results in both top ${report.k} lists`,
    valueAxis: { label: 'Queries', format: 'count', min: 0, max: undefined },
  });
  section.tables.push({
    caption: 'Top-10 overlap',
    columns: ['Measure', 'Value'],
    rows: [
      ['Queries', formatCount(queries)],
      [`Mean overlap of the top ${report.k}`, formatShare(overlap.mean)],
      ['Mean Jaccard', formatMetric(overlap.meanJaccard)],
      ['Lowest overlap', formatShare(overlap.min)],
    ],
  });
  section.lists.push({
    heading: 'Queries whose results change most',
    items: worstQueries(overlap.perQuery).map((entry) => ({
      text: quoted(entry.query),
      detail: `${formatShare(entry.overlapAt10)} in common, Jaccard ${formatMetric(entry.jaccard)} (${entry.source === 'recent' ? 'recent search' : 'from a doc comment'})`,
    })),
  });
  return section;
}

/** The host's reason as a sentence of its own: it is written to follow "is ready, but" in a notification. */
function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Recall@10 and MRR@10 on the self-supervised queries, old against new. */
export function qualitySection(report: MigrationReport, names: ModelNames): ReportSection {
  const section: ReportSection = { id: 'quality', title: 'Search quality', sentences: [], charts: [], tables: [], lists: [] };
  const quality = report.quality;
  if (!quality) {
    section.sentences.push(
      'No quality measured: no documented definition had a usable first sentence of its own to serve as a query' +
        `${report.queries.selfSupervisedSkipped > 0 ? ` (${plural(report.queries.selfSupervisedSkipped, 'documented definition')} left out)` : ''}. Recall and MRR need doc comments or docstrings in the indexed code.`,
      'Without them nothing shows that the new model searches as well, so the cutover waits for you.',
    );
    return section;
  }
  const skipped = report.queries.selfSupervisedSkipped;
  section.sentences.push(
    `Measured on ${plural(quality.queries, 'query', 'queries')} made from the first sentence of doc comments and docstrings, each looking for the definition it documents` +
      `${skipped > 0 ? ` (${plural(skipped, 'documented definition')} left out: no sentence of its own, or only licence or attribution lines)` : ''}. ` +
      `Recall@${report.k} is the share found in the top ${report.k}; MRR@${report.k} rewards finding it near the top.`,
    'These queries share words with their targets, so both numbers overstate how well either model answers your own words; they compare the models on the same footing.',
  );
  // The same rule the cutover follows (core/evaluation/evidence.ts): thin figures decide nothing.
  const evidence = migrationEvidence(quality);
  if (!evidence.sufficient) section.sentences.push(`These figures decide nothing: ${evidence.text}. The cutover waits for you.`);
  if (!quality.from) section.sentences.push('There is no old model to compare with.');
  const series = [];
  if (quality.from) series.push({ label: oldLabel(names), color: 'old' as const, values: [quality.from.recallAt10, quality.from.mrrAt10] });
  series.push({ label: newLabel(names), color: 'new' as const, values: [quality.to.recallAt10, quality.to.mrrAt10] });
  const describe = (label: string, recall: number, mrr: number) => `${label} Recall@${report.k} ${formatMetric(recall)}, MRR@${report.k} ${formatMetric(mrr)}`;
  section.charts.push({
    kind: 'bar',
    id: 'quality',
    title: `Recall@${report.k} and MRR@${report.k}`,
    ariaLabel: `Search quality on ${plural(quality.queries, 'query', 'queries')}: ` +
      `${[...(quality.from ? [describe(oldLabel(names), quality.from.recallAt10, quality.from.mrrAt10)] : []), describe(newLabel(names), quality.to.recallAt10, quality.to.mrrAt10)].join('; ')}.`,
    categories: [`Recall@${report.k}`, `MRR@${report.k}`],
    series,
    horizontal: false,
    stacked: false,
    categoryAxis: '',
    valueAxis: { label: 'Score', format: 'score', min: 0, max: 1 },
  });
  const columns = quality.from ? ['Measure', oldLabel(names), newLabel(names), 'Change'] : ['Measure', newLabel(names)];
  const row = (measure: string, from: number | undefined, to: number) => (from === undefined ? [measure, formatMetric(to)] : [measure, formatMetric(from), formatMetric(to), formatChange(to - from)]);
  section.tables.push({
    caption: 'Search quality',
    columns,
    rows: [
      row(`Recall@${report.k}`, quality.from?.recallAt10, quality.to.recallAt10),
      row(`MRR@${report.k}`, quality.from?.mrrAt10, quality.to.mrrAt10),
    ],
  });
  if (report.queries.examples.length > 0) {
    section.lists.push({
      heading: 'Example queries',
      items: report.queries.examples.slice(0, EXAMPLE_QUERIES).map((example) => ({
        text: quoted(example.query),
        detail: `looks for ${example.symbol !== undefined ? `${example.symbol} in ` : ''}${example.path}`,
      })),
    });
  }
  return section;
}

/** The bins to show: the report's fixed bins from the first to the last non-empty one (and past any marker). */
export function visibleBins(histograms: readonly Histogram[], markers: readonly number[] = []): { first: number; last: number } | undefined {
  const reference = histograms[0];
  if (!reference) return undefined;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const histogram of histograms) {
    histogram.counts.forEach((count, index) => {
      if (count <= 0) return;
      first = Math.min(first, index);
      last = Math.max(last, index);
    });
  }
  for (const value of markers) {
    const index = binOf(reference, value);
    first = Math.min(first, index);
    last = Math.max(last, index);
  }
  if (!Number.isFinite(first)) return undefined;
  // One empty bin on each side, so the outermost bars do not sit on the axes.
  return { first: Math.max(0, first - 1), last: Math.min(reference.counts.length - 1, last + 1) };
}

function binOf(histogram: Histogram, value: number): number {
  const last = histogram.counts.length - 1;
  for (let index = 0; index <= last; index++) if (value < histogram.edges[index + 1]!) return index;
  return last;
}

/** A "nice" axis of shares: a step of 0.02, 0.05 or 0.1 by size, and a top at the first step above the largest value. */
export function shareAxis(largest: number): { max: number; step: number } {
  const step = largest <= 0.1 ? 0.02 : largest <= 0.3 ? 0.05 : 0.1;
  const steps = Math.max(1, Math.ceil((largest * 1.02) / step - 1e-9));
  return { max: Math.min(1, Math.round(steps * step * 1000) / 1000), step };
}

/** Overlaid histograms of shares; undefined when every series is empty. */
export function histogramSpec(
  id: string,
  title: string,
  what: string,
  series: readonly { label: string; color: ChartColor; histogram: Histogram }[],
  markers: readonly ChartMarker[],
): HistogramSpec | undefined {
  const filled = series.filter((entry) => entry.histogram.total > 0);
  const bins = visibleBins(filled.map((entry) => entry.histogram), markers.map((marker) => marker.value));
  const reference = filled[0]?.histogram;
  if (!bins || !reference) return undefined;
  const points = filled.map((entry) => ({
    label: entry.label,
    color: entry.color,
    points: entry.histogram.counts.slice(bins.first, bins.last + 1).map((count, offset) => {
      const index = bins.first + offset;
      return { x: (entry.histogram.edges[index]! + entry.histogram.edges[index + 1]!) / 2, y: count / entry.histogram.total };
    }),
  }));
  const axis = shareAxis(Math.max(...points.flatMap((entry) => entry.points.map((point) => point.y))));
  const describe = (entry: (typeof filled)[number]) =>
    `${entry.label}, ${plural(entry.histogram.total, what.replace(/s$/, ''), what)}${entry.histogram.mean === undefined ? '' : `, mean ${formatMetric(entry.histogram.mean)}`}`;
  return {
    kind: 'histogram',
    id,
    title,
    ariaLabel: `Histogram of ${title.toLowerCase()}: ${filled.map(describe).join('; ')}` +
      `${markers.length > 0 ? `. Thresholds: ${markers.map((marker) => `${marker.label} at ${formatMetric(marker.value)}`).join(', ')}` : ''}.`,
    xMin: reference.edges[bins.first]!,
    xMax: reference.edges[bins.last + 1]!,
    binWidth: reference.edges[bins.first + 1]! - reference.edges[bins.first]!,
    series: points,
    markers: [...markers],
    yMax: axis.max,
    yStep: axis.step,
    xAxis: 'Cosine similarity',
    yAxis: `Share of ${what}`,
  };
}

/** Top-1 scores of the queries, both models overlaid. */
export function scoresSection(report: MigrationReport, names: ModelNames): ReportSection {
  const section: ReportSection = { id: 'scores', title: 'Scores of the best result', sentences: [], charts: [], tables: [], lists: [] };
  const series = [];
  if (report.scores.from) series.push({ label: oldLabel(names), color: 'old' as const, histogram: report.scores.from.topScores });
  series.push({ label: newLabel(names), color: 'new' as const, histogram: report.scores.to.topScores });
  section.sentences.push(
    'The similarity of each query’s best result. Each model has its own scale, so raw scores of two models are not comparable: ' +
      'what matters is how far the best results sit above the unrelated pairs below.',
  );
  const chart = histogramSpec('top-scores', 'Top-1 score of each query', 'queries', series, []);
  if (chart) section.charts.push(chart);
  else section.sentences.push('No queries were run, so there are no scores to show.');
  section.tables.push(distributionTable(report, names));
  return section;
}

/** The sizes and means of both distributions of both models. */
function distributionTable(report: MigrationReport, names: ModelNames): ReportTable {
  const rows: string[][] = [];
  const mean = (histogram: Histogram) => (histogram.mean === undefined ? '–' : formatMetric(histogram.mean));
  if (report.scores.from) {
    const { topScores, unrelatedPairs } = report.scores.from;
    rows.push([oldLabel(names), formatCount(topScores.total), mean(topScores), formatCount(unrelatedPairs.total), mean(unrelatedPairs)]);
  }
  const { topScores, unrelatedPairs } = report.scores.to;
  rows.push([newLabel(names), formatCount(topScores.total), mean(topScores), formatCount(unrelatedPairs.total), mean(unrelatedPairs)]);
  return { caption: 'Score distributions', columns: ['Model', 'Queries', 'Mean top-1 score', 'Unrelated pairs', 'Mean unrelated similarity'], rows };
}

function thresholdsOf(thresholds: SpaceThresholds | undefined): { similar: ThresholdSummary; duplicate: ThresholdSummary } | undefined {
  return thresholds && 'similar' in thresholds ? thresholds : undefined;
}

/** Recalibrated thresholds, marked on the unrelated-pairs histograms. */
export function thresholdsSection(report: MigrationReport, names: ModelNames): ReportSection {
  const section: ReportSection = { id: 'thresholds', title: 'Similarity thresholds', sentences: [], charts: [], tables: [], lists: [] };
  section.sentences.push(
    'Each model gets its own thresholds, measured on its own vectors: “similar” is above 99% of unrelated pairs of chunks; ' +
      '“duplicate” is where a chunk and an edited copy of it are told apart from unrelated code with the target precision.',
  );
  const spaces: { label: string; color: ChartColor; thresholds: SpaceThresholds; histogram: Histogram | undefined }[] = [];
  if (report.from && report.thresholds.from) spaces.push({ label: oldLabel(names), color: 'old', thresholds: report.thresholds.from, histogram: report.scores.from?.unrelatedPairs });
  spaces.push({ label: newLabel(names), color: 'new', thresholds: report.thresholds.to, histogram: report.scores.to.unrelatedPairs });

  const markers: ChartMarker[] = [];
  for (const space of spaces) {
    if ('unavailable' in space.thresholds) {
      section.sentences.push(`${space.label}: thresholds unavailable. ${space.thresholds.unavailable}`);
      continue;
    }
    const { similar, duplicate } = space.thresholds;
    markers.push(
      { label: `${space.label} similar`, color: space.color, value: similar.value, dash: 'dashed' },
      { label: `${space.label} duplicate`, color: space.color, value: duplicate.value, dash: 'solid' },
    );
    const details = duplicate.details;
    if (details.targetMet === false) {
      const precision = typeof details.precision === 'number' ? ` (precision ${formatMetric(details.precision)})` : '';
      const target = typeof details.precisionTarget === 'number' ? ` of ${formatShare(details.precisionTarget)}` : '';
      section.sentences.push(`${space.label}: no duplicate threshold reaches the precision target${target}; the most precise one is used${precision}.`);
    }
    if (typeof details.recall === 'number') {
      section.sentences.push(`${space.label}: at the duplicate threshold, ${formatShare(details.recall)} of edited copies are recognised.`);
    }
  }

  const chart = histogramSpec(
    'unrelated-pairs',
    'Similarity of unrelated pairs',
    'pairs',
    spaces.flatMap((space) => (space.histogram ? [{ label: space.label, color: space.color, histogram: space.histogram }] : [])),
    markers,
  );
  if (chart) section.charts.push(chart);
  else section.sentences.push('No unrelated pairs could be sampled: the index holds too few vectors.');

  const value = (thresholds: SpaceThresholds | undefined, name: 'similar' | 'duplicate') => {
    const available = thresholdsOf(thresholds);
    return available ? formatMetric(available[name].value) : 'unavailable';
  };
  const columns = ['Threshold', ...spaces.map((space) => space.label)];
  section.tables.push({
    caption: 'Thresholds',
    columns,
    rows: [
      ['Similar', ...spaces.map((space) => value(space.thresholds, 'similar'))],
      ['Duplicate', ...spaces.map((space) => value(space.thresholds, 'duplicate'))],
    ],
  });
  return section;
}

/** One line on what the report measured with (the date is written by the DOM, in the user's locale). */
export function reportSummary(report: MigrationReport): string {
  const queries = report.queries.recent + report.queries.selfSupervised;
  return `Compared on ${plural(queries, 'query', 'queries')}: ${formatCount(report.queries.recent)} recent ${report.queries.recent === 1 ? 'search' : 'searches'} and ${formatCount(report.queries.selfSupervised)} from doc comments.`;
}
