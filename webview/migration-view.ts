// The migration view's DOM: the header (models, phase, detail, buttons) and the report's sections
// (sentences, charts, tables, lists) that `migration-model.ts` computes. Text goes in with textContent
// only; a chart is a canvas with role="img" and an aria-label that says its key numbers, and every
// number it shows is also in a table. Charts are drawn only while the view is visible (a hidden canvas
// has no size) and redrawn when the report or the theme changes.

import type { MigrationAction, PanelMigrationView } from '../extension/protocol/panel-protocol.ts';
import { element, icon } from './dom.ts';
import { migrationHeader, modelNames, reportPlaceholder, reportSections, reportSummary } from './migration-model.ts';
import type { HeaderButton, ReportList, ReportSection, ReportTable } from './migration-model.ts';
import { formatDate } from './report-model.ts';
import { ChartSet, RenderedFrom, replaceKeepingFocus, reportButton } from './report-view.ts';

const PHASE_ICONS: Readonly<Record<PanelMigrationView['phase'], string>> = {
  'none': 'codicon-circle-slash',
  'building': 'codicon-loading',
  'awaiting-decision': 'codicon-warning',
  'cut-over': 'codicon-pass',
};

const ACTION_TEST_IDS: Readonly<Record<MigrationAction, string>> = { cutOver: 'cut-over', rollBack: 'roll-back', refreshReport: 'refresh-report' };

/** The migration view: owns its element (a tab panel) and the charts drawn in it. */
export class MigrationView {
  readonly root = element('section', {
    className: 'migration-view',
    testId: 'migration-view',
    attributes: { id: 'view-migration', role: 'tabpanel', 'aria-labelledby': 'tab-migration', tabindex: '-1' },
  });
  private readonly onAction: (action: MigrationAction) => void;
  private readonly header = element('header', { className: 'migration-header', testId: 'migration-header' });
  private readonly report = element('div', { className: 'migration-report', testId: 'migration-report' });
  private readonly charts = new ChartSet();
  private readonly renderedHeader = new RenderedFrom();
  private readonly renderedReport = new RenderedFrom();

  constructor(onAction: (action: MigrationAction) => void) {
    this.onAction = onAction;
    this.root.append(this.header, this.report);
  }

  /** Shows a migration view (null before the host has sent one); charts are drawn when `visible`. */
  render(view: PanelMigrationView | null, pending: MigrationAction | null, visible: boolean): void {
    this.renderHeader(view, pending);
    this.renderReport(view);
    if (visible) this.charts.drawIfNeeded();
  }

  /** The theme changed: colours are read again and the charts redrawn (if they are drawn). */
  themeChanged(): void {
    this.charts.themeChanged(this.root.hidden);
  }

  private renderHeader(view: PanelMigrationView | null, pending: MigrationAction | null): void {
    // Re-created only when it changes: the panel renders on every keystroke in the query box.
    const model = view ? migrationHeader(view, pending) : null;
    if (!this.renderedHeader.changed(model)) return;
    if (!model) {
      this.header.replaceChildren(element('h2', { className: 'migration-title', text: 'Model change' }),
        element('p', { className: 'migration-detail', text: 'Waiting for the extension to report on the model change…' }));
      return;
    }
    const phase = element('p', { className: 'migration-phase', testId: 'migration-phase', attributes: { 'data-phase': model.phase } },
      icon(PHASE_ICONS[model.phase], model.phase === 'building' ? 'codicon-modifier-spin' : ''), element('span', { text: model.phaseLabel }));
    const parts: Node[] = [element('h2', { className: 'migration-title', testId: 'migration-title', text: model.title }), phase];
    if (model.detail !== '') parts.push(element('p', { className: 'migration-detail', testId: 'migration-detail', text: model.detail }));
    if (model.decision !== null) parts.push(element('p', { className: 'migration-decision', testId: 'migration-decision' }, icon('codicon-warning'), element('span', { text: model.decision })));
    parts.push(element('div', { className: 'migration-actions', attributes: { role: 'group', 'aria-label': 'Model change actions' } },
      this.button(model.cutOver, 'primary'), this.button(model.rollBack, 'secondary'), this.button(model.refresh, 'secondary')));
    replaceKeepingFocus(this.header, ...parts);
  }

  private button(model: HeaderButton, kind: 'primary' | 'secondary'): HTMLButtonElement {
    return reportButton(model, kind, `migration-${ACTION_TEST_IDS[model.action]}`, model.action, () => this.onAction(model.action));
  }

  private renderReport(view: PanelMigrationView | null): void {
    const names = view ? modelNames(view) : null;
    // Progress updates resend the same report: redraw only when it (or the names in it) changed.
    if (!this.renderedReport.changed(view?.report ?? null, names, view === null ? null : reportPlaceholder(view))) return;
    this.charts.clear();
    if (!view || !names) {
      this.report.replaceChildren();
      return;
    }
    const placeholder = reportPlaceholder(view);
    if (placeholder !== null || view.report === null) {
      this.report.replaceChildren(element('p', { className: 'migration-placeholder', testId: 'migration-placeholder', text: placeholder ?? '' }));
      return;
    }
    const report = view.report;
    const measured = formatDate(report.createdAt);
    const meta = element('p', { className: 'report-meta', testId: 'report-meta', text: `${reportSummary(report)}${measured === '' ? '' : ` Measured ${measured}.`}` });
    this.report.replaceChildren(meta, ...reportSections(report, names).map((section) => this.renderSection(section)));
  }

  private renderSection(section: ReportSection): HTMLElement {
    const headingId = `report-${section.id}`;
    return element('section', { className: 'report-section', testId: `migration-${section.id}`, attributes: { 'aria-labelledby': headingId } },
      element('h3', { attributes: { id: headingId }, text: section.title }),
      ...section.sentences.map((sentence) => element('p', { className: 'report-sentence', text: sentence })),
      ...section.charts.map((spec) => this.charts.figure(spec, spec.kind)),
      ...section.tables.map((table) => renderTable(table)),
      ...section.lists.map((list) => renderList(list)),
    );
  }
}

/** A cell that is a number (a count, share, score or change, or the dash for none): aligned right. */
const NUMBER = /^(?:[−+±]?[\d,.]+%?|–)$/;

/** A report table in a box that scrolls sideways: at half the editor's width its last columns were cut off. */
function renderTable(table: ReportTable): HTMLDivElement {
  const [, ...valueColumns] = table.columns;
  return element('div', { className: 'report-table-box' }, element('table', { className: 'report-table' },
    element('caption', { text: table.caption }),
    element('thead', {}, element('tr', {}, ...table.columns.map((column) => element('th', { attributes: { scope: 'col' }, text: column })))),
    element('tbody', {}, ...table.rows.map(([name, ...values]) => element('tr', {},
      element('th', { attributes: { scope: 'row' }, text: name ?? '' }),
      ...valueColumns.map((_, index) => {
        const value = values[index] ?? '';
        return element('td', { className: NUMBER.test(value) ? 'numeric' : '', text: value });
      }),
    ))),
  ));
}

function renderList(list: ReportList): HTMLElement {
  return element('div', { className: 'report-list' },
    element('h4', { text: list.heading }),
    element('ul', {}, ...list.items.map((item) => element('li', {},
      element('span', { className: 'report-list-text', text: item.text }),
      element('span', { className: 'report-list-detail', text: item.detail }),
    ))),
  );
}
