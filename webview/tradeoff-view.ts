// The storage view's DOM ("Compare storage options"): the header (model, what was measured, state,
// recommendation, Measure Again), the two scatter charts and the table of every measured number with an
// Apply button per option, as `tradeoff-model.ts` computes them. Text goes in with textContent only; each
// chart is a canvas with role="img" and an aria-label that says every point's numbers, and the table holds
// them all too. Charts are drawn only while the view is visible (a hidden canvas has no size) and redrawn
// when the report or the theme changes.

import type { StorageOptionSpec } from '../extension/core/tradeoffs/types.ts';
import type { PanelTradeoffView } from '../extension/protocol/panel-protocol.ts';
import { element, icon } from './dom.ts';
import type { TradeoffRequest } from './panel-model.ts';
import { formatDate } from './report-model.ts';
import {
  ChartSet, FAILED_ICON, READY_ICON, RenderedFrom, replaceKeepingFocus, reportButton, reportTable, RUNNING_ICON, showPlaceholder, statusLine, waitingHeader,
} from './report-view.ts';
import { recommendationSegments, TRADEOFF_COLUMNS, tradeoffCharts, tradeoffHeader, tradeoffPlaceholder, tradeoffRows } from './tradeoff-model.ts';
import type { TradeoffRow, TradeoffStatus } from './tradeoff-model.ts';

const STATUS_ICONS: Readonly<Record<TradeoffStatus, readonly [string, string]>> = {
  measuring: RUNNING_ICON,
  ready: READY_ICON,
  failed: FAILED_ICON,
  applying: RUNNING_ICON,
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
  private readonly charts = new ChartSet();
  /** The options of the rendered rows, by index, for the Apply buttons. */
  private options: StorageOptionSpec[] = [];
  private readonly renderedHeader = new RenderedFrom();
  private readonly renderedCharts = new RenderedFrom();
  private readonly renderedRows = new RenderedFrom();

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
    if (visible) this.charts.drawIfNeeded();
  }

  /** The theme changed: colours are read again and the charts redrawn (if they are drawn). */
  themeChanged(): void {
    this.charts.themeChanged(this.root.hidden);
  }

  private renderHeader(view: PanelTradeoffView | null, pending: TradeoffRequest | null): void {
    // Re-created only when it changes: the panel renders on every keystroke in the query box.
    const model = view ? tradeoffHeader(view, pending) : null;
    const createdAt = view?.report?.createdAt ?? null;
    if (!this.renderedHeader.changed(model, createdAt)) return;
    if (!model) {
      waitingHeader(this.header, 'Storage options', 'Waiting for the extension to measure the storage options…');
      return;
    }
    const measured = createdAt === null ? '' : formatDate(createdAt);
    const parts: Node[] = [element('h2', { className: 'tradeoff-title', testId: 'tradeoff-title', text: model.title })];
    if (model.model !== null) parts.push(element('p', { className: 'tradeoff-model', testId: 'tradeoff-model', text: model.model }));
    if (model.measuredOn !== null) {
      parts.push(element('p', { className: 'tradeoff-measured-on', testId: 'tradeoff-measured-on', text: `${model.measuredOn}${measured && !model.stale ? ` · measured ${measured}` : ''}` }));
    }
    parts.push(statusLine(model, STATUS_ICONS, 'tradeoff', `Shown below: the measurements${measured ? ` of ${measured}` : ' made earlier'}.`));
    if (model.recommendation !== null) {
      parts.push(element('p', { className: 'tradeoff-recommendation', testId: 'tradeoff-recommendation', attributes: { 'data-recommended': String(model.recommendation.option !== null) } },
        icon(model.recommendation.option !== null ? 'codicon-lightbulb' : 'codicon-info'),
        element('span', {}, ...recommendationSegments(model.recommendation.text, model.recommendation.option).map((segment) =>
          segment.highlighted ? element('strong', { className: 'recommended-option', text: segment.text }) : document.createTextNode(segment.text))),
      ));
    }
    parts.push(element('div', { className: 'tradeoff-actions', attributes: { role: 'group', 'aria-label': 'Storage options actions' } },
      reportButton(model.measure, 'secondary', 'tradeoff-measure', 'measure', () => this.actions.measure())));
    replaceKeepingFocus(this.header, ...parts);
  }

  private renderPlaceholder(view: PanelTradeoffView | null): void {
    showPlaceholder(this.placeholder, view ? tradeoffPlaceholder(view) : null);
  }

  private renderCharts(view: PanelTradeoffView | null): void {
    const report = view?.report ?? null;
    // Progress updates resend the same report: redraw only when it changed.
    if (!this.renderedCharts.changed(report)) return;
    this.charts.clear();
    const specs = report ? tradeoffCharts(report) : [];
    this.chartsBox.replaceChildren(...specs.map((spec) => this.charts.figure(spec, 'scatter')));
    this.chartsBox.hidden = specs.length === 0;
  }

  private renderTable(view: PanelTradeoffView | null, pending: TradeoffRequest | null): void {
    const rows = view ? tradeoffRows(view, pending) : [];
    if (!this.renderedRows.changed(rows)) return;
    this.options = view?.report?.options.map((measurement) => measurement.option) ?? [];
    if (rows.length === 0) {
      this.tableBox.replaceChildren();
      this.tableBox.hidden = true;
      return;
    }
    replaceKeepingFocus(this.tableBox, reportTable({
      className: 'report-table tradeoff-table',
      testId: 'tradeoff-table',
      caption: 'Every storage option, as measured on your index',
      columns: TRADEOFF_COLUMNS.map((text, index) => ({ text, numeric: index > 0 })),
      actionColumn: 'Apply',
    }, rows.map((row) => this.renderRow(row))));
    this.tableBox.hidden = false;
  }

  private renderRow(row: TradeoffRow): HTMLTableRowElement {
    const badges: Node[] = [];
    if (row.current) badges.push(element('span', { className: 'badge badge-current', testId: 'tradeoff-current', text: 'Current' }));
    if (row.recommended) badges.push(element('span', { className: 'badge badge-recommended', testId: 'tradeoff-recommended' }, icon('codicon-lightbulb'), document.createTextNode('Recommended')));
    // A warning goes with the option's name, where it is read before the numbers.
    const warning = row.warning === null ? [] : [element('span', { className: 'tradeoff-warning', testId: `tradeoff-warning-${row.index}` }, icon('codicon-warning'), element('span', { text: row.warning }))];
    const option = this.options[row.index];
    const apply = reportButton(row.apply, row.apply.primary ? 'primary' : 'secondary', `tradeoff-apply-${row.index}`, `apply-${row.index}`,
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
}
