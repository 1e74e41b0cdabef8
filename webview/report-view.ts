// DOM pieces the report tabs share (the migration, storage and models views): a button made from its model,
// the status line, the table of numbers with one action column, the charts of a tab (drawn only while the tab
// is visible), and re-rendering a part without losing keyboard focus or redoing work when nothing changed.
// Text goes in with textContent only.

import type { Chart } from 'chart.js';
import { drawCharts } from './charts.ts';
import type { ChartSpec } from './migration-model.ts';
import type { ReportButton } from './report-model.ts';
import type { ScatterChartSpec } from './tradeoff-model.ts';
import { element, focusedAction, icon } from './dom.ts';

/** A button from its model: label, tooltip, enabled, busy (aria-busy); `action` names it for keeping focus. */
export function reportButton(model: ReportButton, kind: 'primary' | 'secondary', testId: string, action: string, onClick: () => void, ariaLabel?: string): HTMLButtonElement {
  const button = element('button', {
    className: `button button-${kind}`,
    testId,
    attributes: { type: 'button', title: model.title, 'data-action': action, ...(ariaLabel ? { 'aria-label': ariaLabel } : {}) },
    text: model.label,
  });
  button.disabled = !model.enabled;
  if (model.busy) button.setAttribute('aria-busy', 'true');
  button.addEventListener('click', onClick);
  return button;
}

/** What a tab's status line says: the state (with its icon), the host's detail, and whether the report is an earlier one. */
export interface StatusLine {
  status: string;
  statusLabel: string;
  detail: string;
  stale: boolean;
}

/**
 * The status line in a live region, so progress and failures are announced. `prefix` makes the test ids
 * (`prefix-status`, `prefix-detail`, `prefix-stale`); `staleText` says what is shown while the report is an earlier one.
 */
export function statusLine(model: StatusLine, icons: Readonly<Record<string, readonly [string, string]>>, prefix: string, staleText: string): HTMLElement {
  const line = element('div', { className: 'tradeoff-status-line', attributes: { role: 'status', 'aria-live': 'polite' } });
  if (model.statusLabel !== '') {
    const [name, extra] = icons[model.status] ?? ['codicon-info', ''];
    line.append(element('p', { className: 'tradeoff-status', testId: `${prefix}-status`, attributes: { 'data-status': model.status } }, icon(name, extra), element('span', { text: model.statusLabel })));
  }
  if (model.detail !== '') line.append(element('p', { className: 'tradeoff-detail', testId: `${prefix}-detail`, attributes: { 'data-status': model.status }, text: model.detail }));
  if (model.stale) line.append(element('p', { className: 'tradeoff-stale', testId: `${prefix}-stale`, text: staleText }));
  return line;
}

/** The icons of the states the storage and models tabs share (a busy state spins like running). */
export const RUNNING_ICON = ['codicon-loading', 'codicon-modifier-spin'] as const;
export const READY_ICON = ['codicon-pass', ''] as const;
export const FAILED_ICON = ['codicon-error', ''] as const;

/**
 * Replaces `container`'s children, giving keyboard focus back to the re-created button with the same
 * `data-action` (the panel re-renders on every keystroke and every progress update).
 */
export function replaceKeepingFocus(container: HTMLElement, ...children: Node[]): void {
  const focused = focusedAction(container);
  container.replaceChildren(...children);
  if (focused) container.querySelector<HTMLElement>(`[data-action="${focused}"]`)?.focus();
}

/** A tab's header before the host has sent anything: its title and what it waits for. */
export function waitingHeader(header: HTMLElement, title: string, waiting: string): void {
  header.replaceChildren(element('h2', { className: 'tradeoff-title', text: title }), element('p', { className: 'tradeoff-detail', text: waiting }));
}

/** The sentence shown instead of a report (hidden when `text` is null); set only when it changes. */
export function showPlaceholder(placeholder: HTMLElement, text: string | null): void {
  if (placeholder.textContent !== (text ?? '')) placeholder.textContent = text ?? '';
  placeholder.hidden = text === null;
}

/** Remembers what a part was last rendered from: `changed` is false when it would render the same again. */
export class RenderedFrom {
  private signature = '';
  changed(...inputs: unknown[]): boolean {
    const signature = JSON.stringify(inputs);
    if (signature === this.signature) return false;
    this.signature = signature;
    return true;
  }
}

/** A column of a report table: its heading, and whether its cells are numbers (aligned right). */
export interface ReportColumn {
  text: string;
  numeric: boolean;
}

/**
 * A table of a report's rows with an action column at the end (its heading read by screen readers only).
 * `rows` are made by the tab (cells, badges, the row's button).
 */
export function reportTable(options: { className: string; testId: string; caption: string; columns: readonly ReportColumn[]; actionColumn: string }, rows: HTMLTableRowElement[]): HTMLTableElement {
  return element('table', { className: options.className, testId: options.testId },
    element('caption', { text: options.caption }),
    element('thead', {}, element('tr', {},
      ...options.columns.map((column) => element('th', { className: column.numeric ? 'numeric' : '', attributes: { scope: 'col' }, text: column.text })),
      element('th', { attributes: { scope: 'col' } }, element('span', { className: 'visually-hidden', text: options.actionColumn })),
    )),
    element('tbody', {}, ...rows),
  );
}

/** A chart of any tab, as `charts.ts` draws it. */
type AnyChartSpec = ChartSpec | ScatterChartSpec;

/**
 * The charts of a tab: canvases made when the report is rendered, drawn only while the tab is visible (a
 * hidden canvas has no size) and again when the theme changes.
 */
export class ChartSet {
  private readonly charts: Chart[] = [];
  private canvases: Array<{ canvas: HTMLCanvasElement; spec: AnyChartSpec }> = [];
  private drawn = false;

  /** A figure with the chart's title and its canvas (role img, the label also as fallback content), to draw later. */
  figure(spec: AnyChartSpec, kind: string): HTMLElement {
    const canvas = element('canvas', { testId: `chart-${spec.id}`, attributes: { role: 'img', 'aria-label': spec.ariaLabel } });
    // The fallback content of a canvas, for browsers that read it rather than the label.
    canvas.textContent = spec.ariaLabel;
    this.canvases.push({ canvas, spec });
    this.drawn = false;
    return element('figure', { className: `chart chart-${kind}`, attributes: { 'data-chart': spec.id } },
      element('figcaption', { className: 'chart-title', text: spec.title }),
      element('div', { className: 'chart-box' }, canvas),
    );
  }

  /** Forgets the charts (before the report is rendered again). */
  clear(): void {
    this.destroy();
    this.canvases = [];
  }

  /** Draws the charts if they are not drawn; call while the tab is visible. */
  drawIfNeeded(): void {
    if (this.drawn) return;
    this.destroy();
    this.charts.push(...drawCharts(this.canvases));
    this.drawn = true;
  }

  /** The theme changed: colours are read again; a hidden tab draws again when it is shown. */
  themeChanged(hidden: boolean): void {
    if (!this.drawn) return;
    if (hidden) {
      this.destroy();
      return;
    }
    this.drawn = false;
    this.drawIfNeeded();
  }

  private destroy(): void {
    for (const chart of this.charts.splice(0)) chart.destroy();
    this.drawn = false;
  }
}
