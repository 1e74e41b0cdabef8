// The models view's DOM ("Which model suits my code?"): the header (what was measured, the state, the best
// row in words, Evaluate Again), the ranking table with a "Use This Model" button on each model's best row,
// and the notes, as `models-model.ts` computes them. Text goes in with textContent only. It shares the
// storage view's styles (a header, a status line, a table of numbers).

import type { PanelModelsView } from '../extension/protocol/panel-protocol.ts';
import { element, focusedAction, icon } from './dom.ts';
import { MODELS_COLUMNS, modelsHeader, modelsNotes, modelsPlaceholder, modelsRows } from './models-model.ts';
import type { ModelsButton, ModelsHeader, ModelsRow, ModelsStatus } from './models-model.ts';
import type { ModelsRequest } from './panel-model.ts';

const STATUS_ICONS: Readonly<Record<ModelsStatus, [string, string]>> = {
  evaluating: ['codicon-loading', 'codicon-modifier-spin'],
  ready: ['codicon-pass', ''],
  failed: ['codicon-error', ''],
  switching: ['codicon-loading', 'codicon-modifier-spin'],
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
  private renderedHeader = '';
  private renderedRows = '';
  private renderedNotes = '';

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
    const signature = JSON.stringify([model, createdAt]);
    if (signature === this.renderedHeader) return;
    this.renderedHeader = signature;
    if (!model) {
      this.header.replaceChildren(element('h2', { className: 'tradeoff-title', text: 'Which model suits my code?' }),
        element('p', { className: 'tradeoff-detail', text: 'Waiting for the extension to evaluate the models…' }));
      return;
    }
    const measured = createdAt === null ? '' : formatDate(createdAt);
    const parts: Node[] = [element('h2', { className: 'tradeoff-title', testId: 'models-title', text: model.title })];
    if (model.index !== null) parts.push(element('p', { className: 'tradeoff-model', testId: 'models-index', text: model.index }));
    if (model.pool !== null) parts.push(element('p', { className: 'tradeoff-measured-on', testId: 'models-pool', text: `${model.pool}${measured && !model.stale ? ` Measured ${measured}.` : ''}` }));
    parts.push(this.statusLine(model, measured));
    if (model.verdict !== null) {
      // No verdict is said as plainly as a verdict, with a warning icon instead of a recommendation's bulb.
      parts.push(element('p', { className: 'tradeoff-recommendation', testId: 'models-verdict', attributes: { 'data-decided': String(model.decided) } }, icon(model.decided ? 'codicon-lightbulb' : 'codicon-warning'), element('span', { text: model.verdict })));
    }
    parts.push(element('div', { className: 'tradeoff-actions', attributes: { role: 'group', 'aria-label': 'Model evaluation actions' } },
      this.button(model.evaluate, 'secondary', 'models-evaluate', 'evaluate', () => this.actions.evaluate())));
    const focused = focusedAction(this.header);
    this.header.replaceChildren(...parts);
    if (focused) this.header.querySelector<HTMLElement>(`[data-action="${focused}"]`)?.focus();
  }

  /** The state (with the host's detail) in a live region: progress and failures are announced. */
  private statusLine(model: ModelsHeader, measured: string): HTMLElement {
    const line = element('div', { className: 'tradeoff-status-line', attributes: { role: 'status', 'aria-live': 'polite' } });
    if (model.statusLabel !== '') {
      const [name, extra] = STATUS_ICONS[model.status];
      line.append(element('p', { className: 'tradeoff-status', testId: 'models-status', attributes: { 'data-status': model.status } }, icon(name, extra), element('span', { text: model.statusLabel })));
    }
    if (model.detail !== '') line.append(element('p', { className: 'tradeoff-detail', testId: 'models-detail', attributes: { 'data-status': model.status }, text: model.detail }));
    if (model.stale) {
      line.append(element('p', { className: 'tradeoff-stale', testId: 'models-stale', text: `Shown below: the evaluation${measured ? ` of ${measured}` : ' made earlier'}.` }));
    }
    return line;
  }

  private button(model: ModelsButton, kind: 'primary' | 'secondary', testId: string, action: string, onClick: () => void, ariaLabel?: string): HTMLButtonElement {
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

  private renderPlaceholder(view: PanelModelsView | null): void {
    const text = view ? modelsPlaceholder(view) : null;
    if (this.placeholder.textContent !== (text ?? '')) this.placeholder.textContent = text ?? '';
    this.placeholder.hidden = text === null;
  }

  private renderTable(view: PanelModelsView | null, pending: ModelsRequest | null): void {
    const rows = view ? modelsRows(view, pending) : [];
    const signature = JSON.stringify(rows);
    if (signature === this.renderedRows) return;
    this.renderedRows = signature;
    this.models = rows.map((row) => row.model);
    if (rows.length === 0) {
      this.tableBox.replaceChildren();
      this.tableBox.hidden = true;
      return;
    }
    const focused = focusedAction(this.tableBox);
    const table = element('table', { className: 'report-table tradeoff-table models-table', testId: 'models-table' },
      element('caption', { text: 'Every installed model with each storage option, best first (by MRR@10)' }),
      element('thead', {}, element('tr', {},
        ...MODELS_COLUMNS.map((column, index) => element('th', { className: index === 0 || index >= 3 ? 'numeric' : '', attributes: { scope: 'col' }, text: column })),
        element('th', { attributes: { scope: 'col' } }, element('span', { className: 'visually-hidden', text: 'Use' })),
      )),
      element('tbody', {}, ...rows.map((row) => this.renderRow(row))),
    );
    this.tableBox.replaceChildren(table);
    this.tableBox.hidden = false;
    if (focused) this.tableBox.querySelector<HTMLElement>(`[data-action="${focused}"]`)?.focus();
  }

  private renderRow(row: ModelsRow): HTMLTableRowElement {
    const badges: Node[] = row.current ? [element('span', { className: 'badge badge-current', testId: 'models-current', text: 'Current' })] : [];
    const model = this.models[row.index];
    const use = row.use === null
      ? []
      : [this.button(row.use, row.rank === 1 && !row.currentModel ? 'primary' : 'secondary', `models-use-${row.index}`, `use-${row.index}`, () => {
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
    const signature = JSON.stringify(notes);
    if (signature === this.renderedNotes) return;
    this.renderedNotes = signature;
    this.notes.replaceChildren(...notes.map((note) => element('li', { text: note })));
    this.notes.hidden = notes.length === 0;
  }
}

function formatDate(createdAt: number): string {
  const date = new Date(createdAt);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString();
}
