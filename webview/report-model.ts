// What the report tabs (migration, storage, models) share without the DOM: the model of a button, and how
// their numbers are written (shares, metrics, changes, sizes, latencies, dates). Runs in Node for unit tests:
// no browser or Node globals. Counts, plurals and bytes per vector come from core/text/format.ts, which the
// CLI shares, so a figure reads the same in the panel and in a terminal.

import { formatCount } from '../extension/core/text/format.ts';

/** A button of a report tab: what it says, its tooltip, and whether it can be pressed now. */
export interface ReportButton {
  enabled: boolean;
  /** True while its request waits for the host's answer. */
  busy: boolean;
  label: string;
  title: string;
}

/** 0.9734 → "97.3%", 1 → "100%", 0 → "0%". */
export function formatShare(value: number): string {
  const percent = Math.round(value * 1000) / 10;
  return `${Number.isInteger(percent) ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

/** A similarity or metric with three decimals: 0.9281 → "0.928". */
export function formatMetric(value: number): string {
  return value.toFixed(3);
}

/** A signed difference: 0.1 → "+0.100", -0.05 → "−0.050". */
export function formatChange(value: number): string {
  const rounded = Math.round(value * 1000) / 1000;
  if (rounded === 0) return '±0.000';
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded).toFixed(3)}`;
}

/** A total size in binary units: 512 → "512 B", 1536 → "1.5 KiB", 9_437_184 → "9.0 MiB", and GiB past 1 GiB. */
export function formatSize(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 100 ? value.toFixed(1) : Math.round(value).toString()} ${units[unit]}`;
}

/** Mebibytes without the unit, with the decimals that matter: 0.0412 → "0.04", 9 → "9.00", 36.5 → "36.5", 1200 → "1,200". */
export function formatMebibytes(bytes: number): string {
  const value = bytes / (1024 * 1024);
  if (value >= 100) return formatCount(value);
  return value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** Query latency: 0.4213 → "0.42 ms", 3.41 → "3.4 ms", 120.2 → "120 ms". */
export function formatLatency(milliseconds: number): string {
  return `${formatLatencyNumber(milliseconds)} ms`;
}

/** A latency's number alone, with the decimals that matter. */
export function formatLatencyNumber(milliseconds: number): string {
  if (milliseconds < 1) return milliseconds.toFixed(2);
  if (milliseconds < 10) return milliseconds.toFixed(1);
  return formatCount(milliseconds);
}

/** How numbers on a chart's value axis and in its tooltips are written. */
export type NumberFormat = 'percent' | 'count' | 'score' | 'milliseconds';

/** A value as an axis tick or a tooltip writes it. */
export function formatValue(value: number, format: NumberFormat): string {
  switch (format) {
    case 'percent':
      return formatShare(value);
    case 'count':
      return formatCount(value);
    case 'score':
      return formatMetric(value);
    case 'milliseconds':
      return formatLatency(value);
  }
}

/** When a report was made, in the reader's locale; empty for a time that is not one. */
export function formatDate(createdAt: number): string {
  const date = new Date(createdAt);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString();
}
