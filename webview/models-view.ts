// The models view's DOM ("Which model suits my code?"): the header (what was measured, the state, the best
// row in words, Evaluate Again), the ranking table with a "Use This Model" button on each model's best row,
// and the notes, as `models-model.ts` computes them. Text goes in with textContent only. It shares the
// storage view's styles (a header, a status line, a table of numbers).

import type { PanelModelsView } from '../extension/protocol/panel-protocol.ts';
import { element, icon } from './dom.ts';
import { MODELS_COLUMNS, modelsHeader, modelsNotes, modelsPlaceholder, modelsRows } from './models-model.ts';
import type { ModelsRow, ModelsStatus } from './models-model.ts';
import type { ModelsRequest } from './panel-model.ts';
import { formatDate } from './report-model.ts';
import {
  FAILED_ICON, READY_ICON, RenderedFrom, replaceKeepingFocus, reportButton, reportTable, RUNNING_ICON, showPlaceholder, statusLine, waitingHeader,
} from './report-view.ts';

const STATUS_ICONS: Readonly<Record<ModelsStatus, readonly [string, string]>> = {
  evaluating: RUNNING_ICON,
  ready: READY_ICON,
  failed: FAILED_ICON,
  switching: RUNNING_ICON,
};

/** What the view's buttons ask for. */
export interface ModelsViewActions {
  use(model: string): void;
  evaluate(): void;
}

/** The models view: owns its element (a tab panel). */
export class ModelsView {
  readonly root = element('section', {
    className: 'tradeoff-view models-view',
    testId: 'models-view',
    attributes: { id: 'view-models', role: 'tabpanel', 'aria-labelledby': 'tab-models', tabindex: '-1' },
  });
  private readonly actions: ModelsViewActions;
  private readonly header = element('header', { className: 'tradeoff-header', testId: 'models-header' });
  private readonly placeholder = element('p', { className: 'tradeoff-placeholder', testId: 'models-placeholder' });
  private readonly tableBox = element('div', { className: 'tradeoff-table-box' });
  private readonly notes = element('ul', { className: 'models-notes', testId: 'models-notes' });
  /** The model of each rendered row, by index, for the Use buttons. */
  private models: string[] = [];
  private readonly renderedHeader = new RenderedFrom();
  private readonly renderedRows = new RenderedFrom();
  private readonly renderedNotes = new RenderedFrom();

  constructor(actions: ModelsViewActions) {
    this.actions = actions;
    this.root.append(this.header, this.placeholder, this.tableBox, this.notes);
  }

  /** Shows a models view (null before the host has sent one). */
  render(view: PanelModelsView | null, pending: ModelsRequest | null): void {
    this.renderHeader(view, pending);
    this.renderPlaceholder(view);
    this.renderTable(view, pending);
    this.renderNotes(view);
  }

  private renderHeader(view: PanelModelsView | null, pending: ModelsRequest | null): void {
    // Re-created only when it changes: the panel renders on every keystroke in the query box.
    const model = view ? modelsHeader(view, pending) : null;
    const createdAt = view?.report?.createdAt ?? null;
    if (!this.renderedHeader.changed(model, createdAt)) return;
    if (!model) {
      waitingHeader(this.header, 'Which model suits my code?', 'Waiting for the extension to evaluate the models…');
      return;
    }
    const measured = createdAt === null ? '' : formatDate(createdAt);
    const parts: Node[] = [element('h2', { className: 'tradeoff-title', testId: 'models-title', text: model.title })];
    if (model.index !== null) parts.push(element('p', { className: 'tradeoff-model', testId: 'models-index', text: model.index }));
    if (model.pool !== null) parts.push(element('p', { className: 'tradeoff-measured-on', testId: 'models-pool', text: `${model.pool}${measured && !model.stale ? ` Measured ${measured}.` : ''}` }));
    parts.push(statusLine(model, STATUS_ICONS, 'models', `Shown below: the evaluation${measured ? ` of ${measured}` : ' made earlier'}.`));
    if (model.verdict !== null) {
      // No verdict is said as plainly as a verdict, with a warning icon instead of a recommendation's bulb.
      parts.push(element('p', { className: 'tradeoff-recommendation', testId: 'models-verdict', attributes: { 'data-decided': String(model.decided) } }, icon(model.decided ? 'codicon-lightbulb' : 'codicon-warning'), element('span', { text: model.verdict })));
    }
    parts.push(element('div', { className: 'tradeoff-actions', attributes: { role: 'group', 'aria-label': 'Model evaluation actions' } },
      reportButton(model.evaluate, 'secondary', 'models-evaluate', 'evaluate', () => this.actions.evaluate())));
    replaceKeepingFocus(this.header, ...parts);
  }

  private renderPlaceholder(view: PanelModelsView | null): void {
    showPlaceholder(this.placeholder, view ? modelsPlaceholder(view) : null);
  }

  private renderTable(view: PanelModelsView | null, pending: ModelsRequest | null): void {
    const rows = view ? modelsRows(view, pending) : [];
    if (!this.renderedRows.changed(rows)) return;
    this.models = rows.map((row) => row.model);
    if (rows.length === 0) {
      this.tableBox.replaceChildren();
      this.tableBox.hidden = true;
      return;
    }
    replaceKeepingFocus(this.tableBox, reportTable({
      className: 'report-table tradeoff-table models-table',
      testId: 'models-table',
      caption: 'Every installed model with each storage option, best first (by MRR@10)',
      columns: MODELS_COLUMNS.map((text, index) => ({ text, numeric: index === 0 || index >= 3 })),
      actionColumn: 'Use',
    }, rows.map((row) => this.renderRow(row))));
    this.tableBox.hidden = false;
  }

  private renderRow(row: ModelsRow): HTMLTableRowElement {
    const badges: Node[] = row.current ? [element('span', { className: 'badge badge-current', testId: 'models-current', text: 'Current' })] : [];
    const model = this.models[row.index];
    const use = row.use === null
      ? []
      : [reportButton(row.use, row.rank === 1 && !row.currentModel ? 'primary' : 'secondary', `models-use-${row.index}`, `use-${row.index}`, () => {
        if (model !== undefined) this.actions.use(model);
      }, row.use.ariaLabel)];
    return element('tr', {
      className: [row.current ? 'current' : '', row.rank === 1 ? 'recommended' : ''].filter(Boolean).join(' '),
      testId: `models-row-${row.index}`,
      attributes: { 'data-current': String(row.current), 'data-current-model': String(row.currentModel) },
    },
      element('td', { className: 'numeric', attributes: { 'data-label': MODELS_COLUMNS[0]! }, text: String(row.rank) }),
      element('th', { attributes: { scope: 'row', title: row.model } }, element('span', { className: 'tradeoff-label', text: row.modelDisplayName }), ...badges,
        ...(row.weights === null ? [] : [element('span', { className: 'models-weights', testId: `models-weights-${row.index}`, text: row.weights })])),
      element('td', { attributes: { 'data-label': MODELS_COLUMNS[2]! }, text: row.label }),
      // data-label: in the narrow layout each number is shown under its column's name (panel.css).
      ...row.values.map((value, column) => element('td', { className: 'numeric', attributes: { 'data-label': MODELS_COLUMNS[column + 3] ?? '' }, text: value })),
      element('td', { className: 'tradeoff-apply' }, ...use),
    );
  }

  private renderNotes(view: PanelModelsView | null): void {
    const notes = modelsNotes(view?.report ?? null);
    if (!this.renderedNotes.changed(notes)) return;
    this.notes.replaceChildren(...notes.map((note) => element('li', { text: note })));
    this.notes.hidden = notes.length === 0;
  }
}
