// The storage view's DOM ("Compare storage options"): the header (model, what was measured, state,
// recommendation, Measure Again), the two scatter charts and the table of every measured number with an
// Apply button per option, as `tradeoff-model.ts` computes them. Text goes in with textContent only; each
// chart is a canvas with role="img" and an aria-label that says every point's numbers, and the table holds
// them all too. Charts are drawn only while the view is visible (a hidden canvas has no size) and redrawn
// when the report or the theme changes.

import type { Chart } from 'chart.js';
import type { StorageOptionSpec } from '../extension/core/tradeoffs/types.ts';
import type { PanelTradeoffView } from '../extension/protocol/panel-protocol.ts';
import { drawCharts } from './charts.ts';
import { element, focusedAction, icon } from './dom.ts';
import type { TradeoffRequest } from './panel-model.ts';
import { recommendationSegments, TRADEOFF_COLUMNS, tradeoffCharts, tradeoffHeader, tradeoffPlaceholder, tradeoffRows } from './tradeoff-model.ts';
import type { ScatterChartSpec, TradeoffButton, TradeoffHeader, TradeoffRow, TradeoffStatus } from './tradeoff-model.ts';

const STATUS_ICONS: Readonly<Record<TradeoffStatus, [string, string]>> = {
  measuring: ['codicon-loading', 'codicon-modifier-spin'],
  ready: ['codicon-pass', ''],
  failed: ['codicon-error', ''],
  applying: ['codicon-loading', 'codicon-modifier-spin'],
};

/** What the view's buttons ask for. */
export interface TradeoffViewActions {
  apply(option: StorageOptionSpec): void;
  measure(): void;
}

/** The storage view: owns its element (a tab panel) and the charts drawn in it. */
export class TradeoffView {
  readonly root = element('section', {
    className: 'tradeoff-view',
    testId: 'storage-view',
    attributes: { id: 'view-storage', role: 'tabpanel', 'aria-labelledby': 'tab-storage', tabindex: '-1' },
  });
  private readonly actions: TradeoffViewActions;
  private readonly header = element('header', { className: 'tradeoff-header', testId: 'tradeoff-header' });
  private readonly placeholder = element('p', { className: 'tradeoff-placeholder', testId: 'tradeoff-placeholder' });
  private readonly chartsBox = element('div', { className: 'tradeoff-charts', testId: 'tradeoff-charts' });
  private readonly tableBox = element('div', { className: 'tradeoff-table-box' });
  private readonly charts: Chart[] = [];
  private canvases: Array<{ canvas: HTMLCanvasElement; spec: ScatterChartSpec }> = [];
  /** The options of the rendered rows, by index, for the Apply buttons. */
  private options: StorageOptionSpec[] = [];
  private renderedHeader = '';
  private renderedCharts = '';
  private renderedRows = '';
  private chartsDrawn = false;

  constructor(actions: TradeoffViewActions) {
    this.actions = actions;
    this.root.append(this.header, this.placeholder, this.chartsBox, this.tableBox);
  }

  /** Shows a trade-off view (null before the host has sent one); charts are drawn when `visible`. */
  render(view: PanelTradeoffView | null, pending: TradeoffRequest | null, visible: boolean): void {
    this.renderHeader(view, pending);
    this.renderPlaceholder(view);
    this.renderCharts(view);
    this.renderTable(view, pending);
    if (visible && !this.chartsDrawn) this.drawCharts();
  }

  /** The theme changed: colours are read again and the charts redrawn (if they are drawn). */
  themeChanged(): void {
    if (!this.chartsDrawn) return;
    if (this.root.hidden) this.destroyCharts();
    else this.drawCharts();
  }

  private renderHeader(view: PanelTradeoffView | null, pending: TradeoffRequest | null): void {
    // Re-created only when it changes: the panel renders on every keystroke in the query box.
    const model = view ? tradeoffHeader(view, pending) : null;
    const createdAt = view?.report?.createdAt ?? null;
    const signature = JSON.stringify([model, createdAt]);
    if (signature === this.renderedHeader) return;
    this.renderedHeader = signature;
    if (!model) {
      this.header.replaceChildren(element('h2', { className: 'tradeoff-title', text: 'Storage options' }),
        element('p', { className: 'tradeoff-detail', text: 'Waiting for the extension to measure the storage options…' }));
      return;
    }
    const measured = createdAt === null ? '' : formatDate(createdAt);
    const parts: Node[] = [element('h2', { className: 'tradeoff-title', testId: 'tradeoff-title', text: model.title })];
    if (model.model !== null) parts.push(element('p', { className: 'tradeoff-model', testId: 'tradeoff-model', text: model.model }));
    if (model.measuredOn !== null) {
      parts.push(element('p', { className: 'tradeoff-measured-on', testId: 'tradeoff-measured-on', text: `${model.measuredOn}${measured && !model.stale ? ` · measured ${measured}` : ''}` }));
    }
    parts.push(this.statusLine(model, measured));
    if (model.recommendation !== null) {
      parts.push(element('p', { className: 'tradeoff-recommendation', testId: 'tradeoff-recommendation', attributes: { 'data-recommended': String(model.recommendation.option !== null) } },
        icon(model.recommendation.option !== null ? 'codicon-lightbulb' : 'codicon-info'),
        element('span', {}, ...recommendationSegments(model.recommendation.text, model.recommendation.option).map((segment) =>
          segment.highlighted ? element('strong', { className: 'recommended-option', text: segment.text }) : document.createTextNode(segment.text))),
      ));
    }
    parts.push(element('div', { className: 'tradeoff-actions', attributes: { role: 'group', 'aria-label': 'Storage options actions' } },
      this.button(model.measure, 'secondary', 'tradeoff-measure', 'measure', () => this.actions.measure())));
    const focused = focusedAction(this.header);
    this.header.replaceChildren(...parts);
    if (focused) this.header.querySelector<HTMLElement>(`[data-action="${focused}"]`)?.focus();
  }

  /** The state (with the host's detail) in a live region: measuring progress and failures are announced. */
  private statusLine(model: TradeoffHeader, measured: string): HTMLElement {
    const line = element('div', { className: 'tradeoff-status-line', attributes: { role: 'status', 'aria-live': 'polite' } });
    if (model.statusLabel !== '') {
      const [name, extra] = STATUS_ICONS[model.status];
      line.append(element('p', { className: 'tradeoff-status', testId: 'tradeoff-status', attributes: { 'data-status': model.status } }, icon(name, extra), element('span', { text: model.statusLabel })));
    }
    if (model.detail !== '') line.append(element('p', { className: 'tradeoff-detail', testId: 'tradeoff-detail', attributes: { 'data-status': model.status }, text: model.detail }));
    if (model.stale) {
      line.append(element('p', { className: 'tradeoff-stale', testId: 'tradeoff-stale', text: `Shown below: the measurements${measured ? ` of ${measured}` : ' made earlier'}.` }));
    }
    return line;
  }

  private button(model: TradeoffButton, kind: 'primary' | 'secondary', testId: string, action: string, onClick: () => void, ariaLabel?: string): HTMLButtonElement {
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

  private renderPlaceholder(view: PanelTradeoffView | null): void {
    const text = view ? tradeoffPlaceholder(view) : null;
    if (this.placeholder.textContent !== (text ?? '')) this.placeholder.textContent = text ?? '';
    this.placeholder.hidden = text === null;
  }

  private renderCharts(view: PanelTradeoffView | null): void {
    const report = view?.report ?? null;
    // Progress updates resend the same report: redraw only when it changed.
    const signature = JSON.stringify(report);
    if (signature === this.renderedCharts) return;
    this.renderedCharts = signature;
    this.destroyCharts();
    this.canvases = [];
    const specs = report ? tradeoffCharts(report) : [];
    this.chartsBox.replaceChildren(...specs.map((spec) => this.renderChart(spec)));
    this.chartsBox.hidden = specs.length === 0;
  }

  private renderChart(spec: ScatterChartSpec): HTMLElement {
    const canvas = element('canvas', { testId: `chart-${spec.id}`, attributes: { role: 'img', 'aria-label': spec.ariaLabel } });
    // The fallback content of a canvas, for browsers that read it rather than the label.
    canvas.textContent = spec.ariaLabel;
    this.canvases.push({ canvas, spec });
    this.chartsDrawn = false;
    return element('figure', { className: 'chart chart-scatter', attributes: { 'data-chart': spec.id } },
      element('figcaption', { className: 'chart-title', text: spec.title }),
      element('div', { className: 'chart-box' }, canvas),
    );
  }

  private renderTable(view: PanelTradeoffView | null, pending: TradeoffRequest | null): void {
    const rows = view ? tradeoffRows(view, pending) : [];
    const signature = JSON.stringify(rows);
    if (signature === this.renderedRows) return;
    this.renderedRows = signature;
    this.options = view?.report?.options.map((measurement) => measurement.option) ?? [];
    if (rows.length === 0) {
      this.tableBox.replaceChildren();
      this.tableBox.hidden = true;
      return;
    }
    const focused = focusedAction(this.tableBox);
    const table = element('table', { className: 'report-table tradeoff-table', testId: 'tradeoff-table' },
      element('caption', { text: 'Every storage option, as measured on your index' }),
      element('thead', {}, element('tr', {},
        ...TRADEOFF_COLUMNS.map((column, index) => element('th', { className: index === 0 ? '' : 'numeric', attributes: { scope: 'col' }, text: column })),
        element('th', { attributes: { scope: 'col' } }, element('span', { className: 'visually-hidden', text: 'Apply' })),
      )),
      element('tbody', {}, ...rows.map((row) => this.renderRow(row))),
    );
    this.tableBox.replaceChildren(table);
    this.tableBox.hidden = false;
    if (focused) this.tableBox.querySelector<HTMLElement>(`[data-action="${focused}"]`)?.focus();
  }

  private renderRow(row: TradeoffRow): HTMLTableRowElement {
    const badges: Node[] = [];
    if (row.current) badges.push(element('span', { className: 'badge badge-current', testId: 'tradeoff-current', text: 'Current' }));
    if (row.recommended) badges.push(element('span', { className: 'badge badge-recommended', testId: 'tradeoff-recommended' }, icon('codicon-lightbulb'), document.createTextNode('Recommended')));
    // A warning goes with the option's name, where it is read before the numbers.
    const warning = row.warning === null ? [] : [element('span', { className: 'tradeoff-warning', testId: `tradeoff-warning-${row.index}` }, icon('codicon-warning'), element('span', { text: row.warning }))];
    const option = this.options[row.index];
    const apply = this.button(row.apply, row.apply.primary ? 'primary' : 'secondary', `tradeoff-apply-${row.index}`, `apply-${row.index}`,
      () => {
        if (option) this.actions.apply(option);
      }, row.apply.ariaLabel);
    return element('tr', {
      className: [row.current ? 'current' : '', row.recommended ? 'recommended' : ''].filter(Boolean).join(' '),
      testId: `tradeoff-row-${row.index}`,
      attributes: { 'data-current': String(row.current), 'data-recommended': String(row.recommended) },
    },
      element('th', { attributes: { scope: 'row' } }, element('span', { className: 'tradeoff-label', text: row.label }), ...badges, ...warning),
      // data-label: in the narrow layout each number is shown under its column's name (panel.css).
      ...row.values.map((value, column) => element('td', { className: 'numeric', attributes: { 'data-label': TRADEOFF_COLUMNS[column + 1] ?? '' }, text: value })),
      element('td', { className: 'tradeoff-apply' }, apply),
    );
  }

  private drawCharts(): void {
    this.destroyCharts();
    this.charts.push(...drawCharts(this.canvases));
    this.chartsDrawn = true;
  }

  private destroyCharts(): void {
    for (const chart of this.charts.splice(0)) chart.destroy();
    this.chartsDrawn = false;
  }
}

function formatDate(createdAt: number): string {
  const date = new Date(createdAt);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString();
}
