// The storage view's logic without the DOM: the header (model, vectors, queries, state, recommendation),
// one row per storage option (every measured number, its notes and its Apply button), and the two scatter
// charts (quality against bytes per vector, latency against bytes per vector) described in plain data that
// `charts.ts` draws with Chart.js. Runs in Node for unit tests: no browser or Node globals. Every string
// here is plain text: `tradeoff-view.ts` renders it with textContent.

import type { StorageOptionMeasurement, TradeoffReport } from '../extension/core/tradeoffs/types.ts';
import { applicableOption, canMeasureTradeoffs, sameStorageOption } from '../extension/protocol/panel-protocol.ts';
import type { PanelTradeoffView, TradeoffState } from '../extension/protocol/panel-protocol.ts';
import { formatBytes, formatCount, plural } from '../extension/core/text/format.ts';
import {
  formatLatency, formatLatencyNumber, formatMebibytes, formatMetric, formatShare, formatSize, formatValue, type NumberFormat, type ReportButton,
} from './report-model.ts';
import type { TradeoffRequest } from './panel-model.ts';

// The report tabs' formatting lives in report-model.ts; these names are the ones this view's callers know.
export { formatLatency, formatMebibytes, formatSize, formatValue as formatAxisValue } from './report-model.ts';

// ---------------------------------------------------------------------------------------------
// Header

/** What the view is doing, as its status line says it. */
export type TradeoffStatus = TradeoffState | 'applying';

/** A button of the storage view. */
export type TradeoffButton = ReportButton;

/** The top of the storage view. */
export interface TradeoffHeader {
  title: string;
  status: TradeoffStatus;
  /** E.g. "Measuring the storage options on your index"; empty when ready (the report says the rest). */
  statusLabel: string;
  /** The host's detail line (progress, failure, applying); may be empty. */
  detail: string;
  /** "nomic-embed-text-v1.5, 768 dimensions, Matryoshka"; null without a report. */
  model: string | null;
  /** "12,345 vectors · 200 sample queries · 85 queries from doc comments"; null without a report. */
  measuredOn: string | null;
  /** Whether the report shown is an earlier one (measuring again, or the last measuring failed). */
  stale: boolean;
  /** The report's sentence, with the recommended option's label (null when nothing beats the current one). */
  recommendation: { text: string; option: string | null } | null;
  measure: TradeoffButton;
}

const STATUS_LABELS: Readonly<Record<TradeoffStatus, string>> = {
  measuring: 'Measuring the storage options on your index',
  ready: '',
  failed: 'Measuring the storage options failed',
  applying: 'Applying a storage option',
};

/** The header of a trade-off view; `pending` is the button pressed and not answered yet (all wait for it). */
export function tradeoffHeader(view: PanelTradeoffView, pending: TradeoffRequest | null = null): TradeoffHeader {
  const report = view.report;
  const status: TradeoffStatus = view.applying && view.state !== 'measuring' ? 'applying' : view.state;
  const measuring = pending?.type === 'measureTradeoffs';
  const recommended = report?.recommended === undefined ? undefined : report.options[report.recommended];
  return {
    title: 'Storage options',
    status,
    statusLabel: STATUS_LABELS[status],
    detail: view.detail,
    model: report ? modelLine(report) : null,
    measuredOn: report ? measuredOnLine(report) : null,
    stale: report !== null && view.state !== 'ready',
    recommendation: report && report.recommendation.trim() !== '' ? { text: report.recommendation, option: recommended?.label ?? null } : null,
    measure: {
      enabled: canMeasureTradeoffs(view) && pending === null,
      busy: measuring,
      label: measuring ? 'Measuring…' : 'Measure Again',
      title: view.state === 'measuring'
        ? 'The options are being measured now.'
        : view.applying
          ? 'Measure again once the storage option has been applied.'
          : 'Measure every storage option on the index again: size, query latency, agreement with exact search and retrieval quality.',
    },
  };
}

/** The model whose vectors are stored: these options change how its vectors are kept, never its weights. */
function modelLine(report: TradeoffReport): string {
  return `How the vectors of ${report.model.id} (${plural(report.model.dimensions, 'dimension')}${report.model.matryoshka ? ', Matryoshka' : ''}) are stored; the model and its weights stay as they are.`;
}

function measuredOnLine(report: TradeoffReport): string {
  const parts = [plural(report.vectors, 'vector'), plural(report.queries.latencyAndRecall, 'sample query', 'sample queries')];
  parts.push(report.queries.selfSupervised > 0 ? plural(report.queries.selfSupervised, 'query from doc comments', 'queries from doc comments') : 'no queries from doc comments');
  return parts.join(' · ');
}

/** A piece of the recommendation sentence; the recommended option's label is highlighted. */
export interface TextPart {
  text: string;
  highlighted: boolean;
}

/**
 * The recommendation with the recommended option's label highlighted where the sentence names it, or named
 * before the sentence when it does not.
 */
export function recommendationSegments(text: string, option: string | null): TextPart[] {
  if (option === null || option === '') return [{ text, highlighted: false }];
  const at = text.indexOf(option);
  const parts = at === -1
    ? [{ text: 'Recommended: ', highlighted: false }, { text: option, highlighted: true }, { text: `. ${text}`, highlighted: false }]
    : [{ text: text.slice(0, at), highlighted: false }, { text: option, highlighted: true }, { text: text.slice(at + option.length), highlighted: false }];
  return parts.filter((part) => part.text !== '');
}

/** The sentence shown instead of the report when there is none. */
export function tradeoffPlaceholder(view: PanelTradeoffView): string | null {
  if (view.report !== null) return view.report.options.length === 0 ? 'No storage options were measured.' : null;
  switch (view.state) {
    case 'measuring':
      return 'Each storage option is measured on your index: its size, how fast it answers, how close its results are to exact search, and how well it finds the code your doc comments describe.';
    case 'failed':
      return 'No comparison is available. Measure again once the problem is fixed.';
    case 'ready':
      return 'No comparison is available.';
  }
}

// ---------------------------------------------------------------------------------------------
// The table

/** The table's columns: the option (with its warning), then one per measured number (the Apply button's column is the DOM's). */
export const TRADEOFF_COLUMNS: readonly string[] = [
  'Vectors stored as', 'Bytes per vector', 'Total (MiB)', 'Latency p50 (ms)', 'Latency p95 (ms)', 'Recall@10 vs exact', 'Recall@10 (doc comments)', 'MRR@10 (doc comments)',
];

/** One storage option as the table shows it. */
export interface TradeoffRow {
  /** The option's index in the report (test ids use it). */
  index: number;
  label: string;
  current: boolean;
  recommended: boolean;
  /** The measured numbers, one per column after the first. */
  values: string[];
  warning: string | null;
  apply: TradeoffButton & { primary: boolean; ariaLabel: string };
}

/** The rows of a view's report, in the report's order, with their Apply buttons. */
export function tradeoffRows(view: PanelTradeoffView, pending: TradeoffRequest | null = null): TradeoffRow[] {
  const report = view.report;
  if (!report) return [];
  return report.options.map((measurement, index) => {
    const recommended = report.recommended === index;
    const applying = pending?.type === 'applyStorage' && sameStorageOption(pending.option, measurement.option);
    const allowed = applicableOption(view, measurement.option) !== undefined;
    return {
      index,
      label: measurement.label,
      current: measurement.current,
      recommended,
      values: [
        formatBytes(measurement.bytesPerVector),
        formatMebibytes(measurement.totalBytes),
        formatLatencyNumber(measurement.latency.p50),
        formatLatencyNumber(measurement.latency.p95),
        formatShare(measurement.recallAt10VsExact),
        measurement.quality ? formatShare(measurement.quality.recallAt10) : '–',
        measurement.quality ? formatMetric(measurement.quality.mrrAt10) : '–',
      ],
      warning: measurement.warning ?? null,
      apply: {
        enabled: allowed && pending === null,
        busy: applying,
        primary: recommended,
        label: measurement.current ? 'In use' : applying ? 'Applying…' : 'Apply',
        ariaLabel: measurement.current ? `Vectors stored as ${measurement.label} are in use` : `Apply: store the vectors as ${measurement.label}`,
        title: applyTitle(view, measurement),
      },
    };
  });
}

function applyTitle(view: PanelTradeoffView, measurement: StorageOptionMeasurement): string {
  if (measurement.current) return 'The index stores its vectors this way now.';
  if (view.applying) return 'A storage option is being applied.';
  if (view.state === 'measuring') return 'Wait for the measurements to finish.';
  if (view.state === 'failed') return 'These measurements are from an earlier run: measure again first.';
  return `Store the vectors as ${measurement.label}: a new index is built beside the current one and takes over when it is complete.`;
}

// ---------------------------------------------------------------------------------------------
// Charts

/** How a point is marked: the option in use and the recommended one stand out from the others. */
export type PointRole = 'current' | 'recommended' | 'other';

/** How numbers on an axis and in tooltips are written. */
export type AxisFormat = NumberFormat;

/** An axis of a scatter chart: its title, how its numbers are written, its range and grid. */
export interface ScatterAxis {
  label: string;
  format: AxisFormat;
  logarithmic: boolean;
  min: number;
  max: number;
  /** The distance between grid lines of a linear axis (`min` is a multiple of it); undefined on a log axis. */
  step: number | undefined;
}

/** One storage option on a chart: a dataset of its own, so that the legend names it. */
export interface ScatterPoint {
  /** The option's label, with "(current)" or "(recommended)": the legend and the tooltip's title. */
  label: string;
  x: number;
  y: number;
  role: PointRole;
  /** A palette index: the option's index in the report, so that an option has the same colour in both charts. */
  color: number;
  /** The tooltip's lines under the title. */
  details: string[];
}

/** Storage options placed by two of their numbers. */
export interface ScatterChartSpec {
  kind: 'scatter';
  /** Stable within a report, for test ids. */
  id: string;
  title: string;
  /** A sentence that says what the chart shows, with every point's numbers. */
  ariaLabel: string;
  points: ScatterPoint[];
  x: ScatterAxis;
  y: ScatterAxis;
}

/** What the quality chart plots: retrieval quality on doc-comment queries when every option has it, else agreement with exact search. */
export type QualityMeasure = 'self-supervised' | 'vs-exact';

/** Which quality the report allows the quality chart to plot. */
export function qualityMeasure(report: TradeoffReport): QualityMeasure {
  return report.options.length > 0 && report.options.every((option) => option.quality !== undefined) ? 'self-supervised' : 'vs-exact';
}

/** The option's label as a chart names it. */
export function pointLabel(measurement: StorageOptionMeasurement, recommended: boolean): string {
  return measurement.current ? `${measurement.label} (current)` : recommended ? `${measurement.label} (recommended)` : measurement.label;
}

/** The two charts of a report: quality against bytes per vector, and p50 latency against bytes per vector. */
export function tradeoffCharts(report: TradeoffReport): ScatterChartSpec[] {
  if (report.options.length === 0) return [];
  const measure = qualityMeasure(report);
  const quality = (option: StorageOptionMeasurement) => (measure === 'self-supervised' ? option.quality!.mrrAt10 : option.recallAt10VsExact);
  const qualityAxis: Omit<ScatterAxis, 'min' | 'max' | 'step'> = measure === 'self-supervised'
    ? { label: 'MRR@10 (doc comments)', format: 'score', logarithmic: false }
    : { label: 'Recall@10 vs exact', format: 'percent', logarithmic: false };
  return [
    scatterSpec(report, {
      id: 'tradeoff-quality',
      title: measure === 'self-supervised' ? 'Retrieval quality against size' : 'Agreement with exact search against size',
      y: { ...qualityAxis, ...withStep(shareRange(report.options.map(quality))) },
      value: quality,
    }),
    scatterSpec(report, {
      id: 'tradeoff-latency',
      title: 'Query latency against size',
      y: { label: 'Latency p50 (ms)', format: 'milliseconds', logarithmic: false, ...withStep(latencyRange(report.options.map((option) => option.latency.p50))) },
      value: (option) => option.latency.p50,
    }),
  ];
}

interface ScatterRecipe {
  id: string;
  title: string;
  y: ScatterAxis;
  value(option: StorageOptionMeasurement): number;
}

function scatterSpec(report: TradeoffReport, recipe: ScatterRecipe): ScatterChartSpec {
  const x: ScatterAxis = { label: 'Bytes per vector (log scale)', format: 'count', logarithmic: true, step: undefined, ...bytesRange(report.options.map((option) => option.bytesPerVector)) };
  const points = report.options.map((option, index): ScatterPoint => {
    const recommended = report.recommended === index;
    return {
      label: pointLabel(option, recommended),
      x: option.bytesPerVector,
      y: recipe.value(option),
      role: option.current ? 'current' : recommended ? 'recommended' : 'other',
      color: index,
      details: pointDetails(option),
    };
  });
  const described = points.map((point) => `${point.label}: ${formatBytes(point.x)} per vector, ${recipe.y.format === 'milliseconds' ? 'p50 ' : ''}${formatValue(point.y, recipe.y.format)}`);
  return {
    kind: 'scatter',
    id: recipe.id,
    title: recipe.title,
    ariaLabel: `${recipe.title}, ${recipe.y.label} against bytes per vector. ${described.join('; ')}.`,
    points,
    x,
    y: recipe.y,
  };
}

function pointDetails(option: StorageOptionMeasurement): string[] {
  const lines = [
    `${formatBytes(option.bytesPerVector)} per vector, ${formatSize(option.totalBytes)} in all`,
    `Latency p50 ${formatLatency(option.latency.p50)}, p95 ${formatLatency(option.latency.p95)}`,
    `Recall@10 vs exact ${formatShare(option.recallAt10VsExact)}`,
  ];
  if (option.quality) lines.push(`Doc comments: MRR@10 ${formatMetric(option.quality.mrrAt10)}, Recall@10 ${formatShare(option.quality.recallAt10)}`);
  if (option.warning) lines.push(`⚠ ${option.warning}`);
  return lines;
}

/** A log axis around the sizes: a little room on both sides, so that no point sits on the edge. */
export function bytesRange(values: readonly number[]): { min: number; max: number } {
  const positive = values.filter((value) => value > 0);
  if (positive.length === 0) return { min: 1, max: 10 };
  return { min: Math.min(...positive) / 1.5, max: Math.max(...positive) * 1.5 };
}

/** A share axis (0–1) around the values, in steps of 0.05, so that small differences are visible. */
export function shareRange(values: readonly number[]): { min: number; max: number } {
  if (values.length === 0) return { min: 0, max: 1 };
  const low = Math.min(...values);
  const high = Math.max(...values);
  const padding = Math.max(0.02, (high - low) * 0.1);
  const min = Math.max(0, Math.floor((low - padding) * 20) / 20);
  const max = Math.min(1, Math.ceil((high + padding) * 20) / 20);
  // Rounding cannot close the range (the padding is at least 0.02), but values pinned at 0 and 1 can't either.
  return max > min ? { min, max } : { min: 0, max: 1 };
}

/** A round distance between grid lines that gives about five of them over `max − min`: 1, 2 or 5 times a power of ten. */
export function niceStep(min: number, max: number): number {
  const wanted = (max - min) / 6;
  if (!(wanted > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(wanted));
  // Rounded, so that float noise (0.15 / 6 = 0.024999…) does not pick the next step down.
  return Number(([1, 2, 5, 10].find((factor) => factor * magnitude >= wanted * (1 - 1e-9))! * magnitude).toPrecision(12));
}

function withStep(range: { min: number; max: number }): { min: number; max: number; step: number } {
  return { ...range, step: niceStep(range.min, range.max) };
}

/** A latency axis from 0 to a round value above the slowest option. */
export function latencyRange(values: readonly number[]): { min: number; max: number } {
  const high = Math.max(0, ...values) * 1.15;
  if (high <= 0) return { min: 0, max: 1 };
  const magnitude = 10 ** Math.floor(Math.log10(high));
  const step = [1, 2, 2.5, 5, 10].find((factor) => factor * magnitude >= high)!;
  return { min: 0, max: step * magnitude };
}

/** A log axis tick's text: only 1, 2 and 5 times a power of ten are labelled ("100", "200", "500", "1,000"), the other lines stay bare. */
export function logTickLabel(value: number): string {
  if (!(value > 0)) return '';
  const power = 10 ** Math.floor(Math.log10(value) + 1e-9);
  const significand = value / power;
  if (![1, 2, 5].some((wanted) => Math.abs(significand - wanted) < 1e-6)) return '';
  return value >= 1 ? formatCount(value) : String(Number(value.toPrecision(1)));
}

/** A linear axis tick's text (the axis title gives the unit): 0.55 → "0.55" (score), "55%" (percent), 2.5 → "2.5" (milliseconds). */
export function linearTickLabel(value: number, format: AxisFormat): string {
  switch (format) {
    case 'percent':
      return formatShare(value);
    case 'score':
      return value.toFixed(2);
    case 'count':
    case 'milliseconds':
      // Ticks are round numbers: drop the float noise (0.30000000000000004) and trailing zeros.
      return Number(value.toPrecision(6)).toLocaleString('en-US');
  }
}
