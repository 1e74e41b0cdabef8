// Draws the chart specifications of `migration-model.ts` and `tradeoff-model.ts` with Chart.js (bundled into panel.js by
// esbuild; nothing is loaded at run time). Chart.js draws on a canvas and sizes it through the CSSOM
// (element.style), which the panel's CSP allows: it injects no stylesheet and needs no 'unsafe-inline'.
// Colours and fonts are read from VS Code's theme variables each time a chart is drawn.

import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, ScatterController, Tooltip,
} from 'chart.js';
import type { ChartConfiguration, ChartDataset, LegendItem, PointStyle, TooltipItem } from 'chart.js';
import { color as parseColor } from 'chart.js/helpers';
import { formatMetric, formatShare, formatValue } from './report-model.ts';
import type { BarChartSpec, ChartColor, ChartSpec, HistogramSpec } from './migration-model.ts';
import { linearTickLabel, logTickLabel } from './tradeoff-model.ts';
import type { PointRole, ScatterAxis, ScatterChartSpec } from './tradeoff-model.ts';

/** The theme as the charts use it. */
export interface ChartTheme {
  colors: Record<ChartColor, string>;
  /** Colours told apart by identity (one per storage option), in order. */
  palette: string[];
  foreground: string;
  muted: string;
  grid: string;
  fontFamily: string;
  fontSize: number;
}

// VS Code's chart colours (and the dark theme's values as fallbacks, for a page outside VS Code).
const COLOR_VARIABLES: Readonly<Record<ChartColor, [string, string]>> = {
  old: ['--vscode-charts-blue', '#3794ff'],
  new: ['--vscode-charts-orange', '#d18616'],
  vectors: ['--vscode-charts-blue', '#3794ff'],
  missing: ['--vscode-charts-yellow', '#cca700'],
  neutral: ['--vscode-charts-purple', '#b180d7'],
};

const PALETTE_VARIABLES: ReadonlyArray<[string, string]> = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-yellow', '#cca700'],
  ['--vscode-charts-red', '#f14c4c'],
];

/** Reads the theme's colours and font from the CSS variables VS Code sets on the page. */
export function readTheme(element: Element = document.body): ChartTheme {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const colors = Object.fromEntries(Object.entries(COLOR_VARIABLES).map(([role, [name, fallback]]) => [role, read(name, fallback)])) as Record<ChartColor, string>;
  const foreground = read('--vscode-charts-foreground', read('--vscode-foreground', '#cccccc'));
  return {
    colors,
    palette: PALETTE_VARIABLES.map(([name, fallback]) => read(name, fallback)),
    foreground,
    muted: read('--vscode-descriptionForeground', foreground),
    grid: read('--vscode-charts-lines', withAlpha(foreground, 0.2)),
    fontFamily: read('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.parseFloat(read('--vscode-font-size', '13')) || 13,
  };
}

/** A colour with an alpha, or the colour itself when it cannot be parsed (e.g. a CSS keyword). */
function withAlpha(value: string, alpha: number): string {
  const parsed = parseColor(value);
  return parsed.valid ? parsed.alpha(alpha).rgbString() : value;
}

let registered = false;

/** Registers the Chart.js parts the panel uses, once (not at import: nothing runs as an import's side effect). */
function register(): void {
  if (registered) return;
  Chart.register(BarController, BarElement, LineController, LineElement, ScatterController, PointElement, CategoryScale, LinearScale, LogarithmicScale, Legend, Tooltip);
  registered = true;
}

/** Draws a chart specification on a canvas; the caller destroys the returned chart. */
export function drawChart(canvas: HTMLCanvasElement, spec: ChartSpec | ScatterChartSpec, theme: ChartTheme): Chart {
  register();
  Chart.defaults.font.family = theme.fontFamily;
  Chart.defaults.font.size = theme.fontSize;
  Chart.defaults.color = theme.foreground;
  Chart.defaults.borderColor = theme.grid;
  const configuration = spec.kind === 'bar' ? barConfiguration(spec, theme) : spec.kind === 'histogram' ? histogramConfiguration(spec, theme) : scatterConfiguration(spec, theme);
  return new Chart(canvas, configuration as ChartConfiguration);
}

const commonOptions = {
  responsive: true,
  maintainAspectRatio: false,
  // Redrawn on every report: movement would only distract (and it respects reduced motion for free).
  animation: false,
} as const;

function legend(theme: ChartTheme, shown: boolean) {
  return {
    display: shown,
    position: 'bottom' as const,
    labels: {
      color: theme.foreground,
      boxWidth: 14,
      boxHeight: 10,
      // Each dataset's pointStyle: a square for bars, a (dashed) line for threshold lines.
      usePointStyle: true,
      pointStyleWidth: 18,
      // In dataset order (Chart.js sorts by drawing order, which puts the lines drawn on top first).
      sort: (a: LegendItem, b: LegendItem) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0),
      // With point styles the legend takes the dash of a point, not of the line: a dashed threshold is drawn dashed.
      generateLabels: (chart: Chart): LegendItem[] =>
        Chart.defaults.plugins.legend.labels.generateLabels(chart).map((item) => {
          const dataset = item.datasetIndex === undefined ? undefined : chart.data.datasets[item.datasetIndex];
          const dash = dataset && 'borderDash' in dataset ? dataset.borderDash : undefined;
          return Array.isArray(dash) ? { ...item, lineDash: dash.filter((length): length is number => typeof length === 'number') } : item;
        }),
    },
  };
}

function axisTitle(text: string, theme: ChartTheme) {
  return { display: true, text, color: theme.muted };
}

function barConfiguration(spec: BarChartSpec, theme: ChartTheme): ChartConfiguration<'bar'> {
  const valueAxis = {
    type: 'linear' as const,
    min: spec.valueAxis.min,
    max: spec.valueAxis.max,
    stacked: spec.stacked,
    beginAtZero: true,
    title: axisTitle(spec.valueAxis.label, theme),
    grid: { color: theme.grid },
    ticks: {
      color: theme.muted,
      precision: spec.valueAxis.format === 'count' ? 0 : undefined,
      stepSize: spec.valueAxis.format === 'score' ? 0.2 : undefined,
      // Axis steps need fewer decimals than the values in tooltips and tables.
      callback: (value: string | number) => (spec.valueAxis.format === 'score' ? Number(value).toFixed(1) : formatValue(Number(value), spec.valueAxis.format)),
    },
  };
  const categoryAxis = {
    type: 'category' as const,
    stacked: spec.stacked,
    title: { ...axisTitle(spec.categoryAxis, theme), display: spec.categoryAxis !== '' },
    grid: { display: false },
    ticks: { color: theme.foreground },
  };
  return {
    type: 'bar',
    data: {
      labels: spec.categories,
      datasets: spec.series.map((series) => ({
        label: series.label,
        data: series.values,
        backgroundColor: withAlpha(theme.colors[series.color], 0.75),
        borderColor: theme.colors[series.color],
        borderWidth: 1,
        pointStyle: 'rect' as const,
      })),
    },
    options: {
      ...commonOptions,
      indexAxis: spec.horizontal ? 'y' : 'x',
      scales: spec.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      plugins: {
        legend: legend(theme, spec.series.length > 1),
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'bar'>) => `${item.dataset.label ?? ''}: ${formatValue(spec.horizontal ? item.parsed.x ?? 0 : item.parsed.y ?? 0, spec.valueAxis.format)}`,
          },
        },
      },
    },
  };
}

type HistogramDataset = ChartDataset<'bar' | 'line', { x: number; y: number }[]>;

function histogramConfiguration(spec: HistogramSpec, theme: ChartTheme): ChartConfiguration<'bar' | 'line', { x: number; y: number }[]> {
  const bars: HistogramDataset[] = spec.series.map((series) => ({
    type: 'bar' as const,
    label: series.label,
    data: series.points,
    backgroundColor: withAlpha(theme.colors[series.color], 0.45),
    borderColor: theme.colors[series.color],
    borderWidth: 1,
    // Bars fill their bin, and the series overlay (transparent) instead of sitting side by side.
    grouped: false,
    barPercentage: 1,
    categoryPercentage: 1,
    pointStyle: 'rect' as const,
    order: 2,
  }));
  // Thresholds are two-point lines from the axis to the top: they join the legend and the tooltips.
  const markers: HistogramDataset[] = spec.markers.map((marker) => ({
    type: 'line' as const,
    label: `${marker.label} ${formatMetric(marker.value)}`,
    data: [{ x: marker.value, y: 0 }, { x: marker.value, y: spec.yMax }],
    borderColor: theme.colors[marker.color],
    backgroundColor: theme.colors[marker.color],
    borderWidth: 2,
    borderDash: marker.dash === 'dashed' ? [6, 4] : [],
    pointRadius: 0,
    pointHitRadius: 6,
    pointStyle: 'line' as const,
    fill: false,
    order: 1,
  }));
  return {
    type: 'bar',
    data: { datasets: [...bars, ...markers] },
    options: {
      ...commonOptions,
      parsing: false,
      scales: {
        x: {
          type: 'linear',
          min: spec.xMin,
          max: spec.xMax,
          offset: false,
          title: axisTitle(spec.xAxis, theme),
          grid: { color: theme.grid, offset: false },
          ticks: { color: theme.muted, stepSize: spec.binWidth * 2, callback: (value: string | number) => Number(value).toFixed(2) },
        },
        y: {
          type: 'linear',
          min: 0,
          max: spec.yMax,
          title: axisTitle(spec.yAxis, theme),
          grid: { color: theme.grid },
          ticks: { color: theme.muted, stepSize: spec.yStep, callback: (value: string | number) => formatShare(Number(value)) },
        },
      },
      interaction: { mode: 'nearest', intersect: true },
      plugins: {
        legend: legend(theme, true),
        tooltip: {
          callbacks: {
            title: (items: TooltipItem<'bar' | 'line'>[]) => {
              const item = items[0];
              if (!item || item.dataset.type === 'line') return '';
              const centre = item.parsed.x ?? 0;
              return `${formatMetric(centre - spec.binWidth / 2)} to ${formatMetric(centre + spec.binWidth / 2)}`;
            },
            label: (item: TooltipItem<'bar' | 'line'>) => (item.dataset.type === 'line' ? item.dataset.label ?? '' : `${item.dataset.label ?? ''}: ${formatShare(item.parsed.y ?? 0)}`),
          },
        },
      },
    },
  };
}

/** How a point is drawn: the option in use is a diamond ringed in the foreground colour, the recommended one a star. */
const POINT_MARKS: Readonly<Record<PointRole, { style: PointStyle; radius: number; borderWidth: number }>> = {
  other: { style: 'circle', radius: 5, borderWidth: 1 },
  current: { style: 'rectRot', radius: 8, borderWidth: 2 },
  recommended: { style: 'star', radius: 11, borderWidth: 3 },
};

/** Past the palette, other options change shape so that two of them never look the same. */
const OTHER_STYLES: readonly PointStyle[] = ['circle', 'triangle', 'rect', 'crossRot'];

function scatterAxis(axis: ScatterAxis, theme: ChartTheme) {
  return {
    type: axis.logarithmic ? 'logarithmic' as const : 'linear' as const,
    min: axis.min,
    max: axis.max,
    title: axisTitle(axis.label, theme),
    grid: { color: theme.grid },
    ticks: {
      color: theme.muted,
      stepSize: axis.step,
      // A log axis draws a line at every 1…9 × 10ⁿ: only 1, 2 and 5 get a number, so none need skipping or turning.
      autoSkip: !axis.logarithmic,
      maxRotation: axis.logarithmic ? 0 : 50,
      callback: (value: string | number) => (axis.logarithmic ? logTickLabel(Number(value)) : linearTickLabel(Number(value), axis.format)),
    },
  };
}

function scatterConfiguration(spec: ScatterChartSpec, theme: ChartTheme): ChartConfiguration<'scatter'> {
  const datasets: ChartDataset<'scatter'>[] = spec.points.map((point) => {
    const color = theme.palette[point.color % theme.palette.length] ?? theme.foreground;
    const mark = POINT_MARKS[point.role];
    const style = point.role === 'other' ? OTHER_STYLES[Math.floor(point.color / theme.palette.length) % OTHER_STYLES.length]! : mark.style;
    return {
      label: point.label,
      data: [{ x: point.x, y: point.y }],
      backgroundColor: point.role === 'recommended' ? color : withAlpha(color, 0.85),
      borderColor: point.role === 'current' ? theme.foreground : color,
      borderWidth: mark.borderWidth,
      pointStyle: style,
      pointRadius: mark.radius,
      pointHoverRadius: mark.radius + 2,
      pointHitRadius: 6,
    };
  });
  return {
    type: 'scatter',
    data: { datasets },
    options: {
      ...commonOptions,
      scales: { x: scatterAxis(spec.x, theme), y: scatterAxis(spec.y, theme) },
      plugins: {
        // One entry per option, drawn as its point (round circles: no stretched point style width).
        legend: { display: true, position: 'bottom', labels: { color: theme.foreground, usePointStyle: true, boxHeight: 8 } },
        tooltip: {
          callbacks: {
            title: (items: TooltipItem<'scatter'>[]) => items.map((item) => item.dataset.label ?? '').join(', '),
            label: (item: TooltipItem<'scatter'>) => spec.points[item.datasetIndex]?.details ?? '',
          },
        },
      },
    },
  };
}

/**
 * Draws every chart of a view in the current theme. A chart that fails is skipped with a warning:
 * its numbers are in the view's table, and one failure is not worth the whole view.
 */
export function drawCharts(entries: readonly { canvas: HTMLCanvasElement; spec: ChartSpec | ScatterChartSpec }[]): Chart[] {
  const theme = readTheme();
  const charts: Chart[] = [];
  for (const { canvas, spec } of entries) {
    try {
      charts.push(drawChart(canvas, spec, theme));
    } catch (error) {
      console.warn(`Semantic Search: could not draw the chart ${spec.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return charts;
}
