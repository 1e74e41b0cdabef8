// The results panel's DOM: builds the page, renders what `PanelSession` holds and turns input into
// session calls. Every piece of data is rendered as text (textContent, text nodes, <mark> elements
// for highlights); nothing from a message is ever parsed as markup. Bundled to dist/webview/panel.js.
// Four views share the page: the search results; the migration report (migration-view.ts), a tab while a model
// change is under way; the comparisons of storage options (tradeoff-view.ts) and of models (models-view.ts),
// tabs once the host has sent one. A code result's callers and callees are relations-view.ts's.

import {
  parsePanelState, parseToPanel, type PanelFilters, type PanelResult, type PanelState, type PanelToHost, type PanelView,
} from '../extension/protocol/panel-protocol.ts';
import { element, highlighted, icon } from './dom.ts';
import { MigrationView } from './migration-view.ts';
import { ModelsView } from './models-view.ts';
import { TradeoffView } from './tradeoff-view.ts';
import { languageChoices, PanelSession } from './panel-model.ts';
import { RelationAreas } from './relations-view.ts';
import { Debouncer, type Timer } from './panel-timing.ts';
import {
  displayOrder, formatLineRange, groupByFile, indexStateIcon, kindIcon, moveSelection, noticeText, resultLabel, resultsSummary, resultScope, resultTitle, scoreView, snippetStartsWith,
  spansFolders, type FileGroup, type SelectionMove,
} from './result-list.ts';
import { highlightRanges, queryTerms, snippetView, splitHighlights } from './result-text.ts';

interface VsCodeApi {
  postMessage(message: PanelToHost): void;
  getState(): unknown;
  setState(state: PanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** How long the selection rests before the editor previews it, so holding an arrow key does not open every result. */
const PREVIEW_DELAY_MILLISECONDS = 150;

const browserTimer: Timer = {
  setTimeout: (callback, milliseconds) => window.setTimeout(callback, milliseconds),
  clearTimeout: (handle) => window.clearTimeout(handle as number),
};

// ---------------------------------------------------------------------------------------------
// The page

/** A tab of the tab list: it controls the view `view-NAME` (a report tab also shows its state in `state`). */
function viewTab(name: string, codicon: string, label: string, state?: HTMLElement): HTMLButtonElement {
  return element('button', {
    className: 'view-tab',
    testId: `tab-${name}`,
    attributes: { type: 'button', role: 'tab', id: `tab-${name}`, 'aria-controls': `view-${name}` },
  }, icon(codicon), element('span', { text: label }), ...(state ? [state] : []));
}

class Panel {
  private readonly api: VsCodeApi;
  private readonly session: PanelSession;
  private readonly preview: Debouncer;

  private readonly queryInput = element('input', {
    className: 'query-input',
    testId: 'query',
    attributes: {
      type: 'text', id: 'query', placeholder: 'Search code by meaning', 'aria-label': 'Search code by meaning',
      'aria-controls': 'results', 'aria-describedby': 'status', spellcheck: 'false', autocomplete: 'off',
    },
  });
  private readonly globInput = element('input', {
    className: 'glob-input',
    testId: 'path-glob',
    attributes: { type: 'text', placeholder: 'Files to include, e.g. src/**/*.ts', 'aria-label': 'Files to include (glob)', spellcheck: 'false', autocomplete: 'off' },
  });
  /** Every file, source code only, or documentation only (core/search/scope.ts). */
  private readonly scopeSelect = element('select', { className: 'scope-select', testId: 'scope', attributes: { 'aria-label': 'Search in', title: 'Search every file, source code only, or documentation only' } },
    element('option', { text: 'All files', attributes: { value: 'all' } }),
    element('option', { text: 'Code', attributes: { value: 'code' } }),
    element('option', { text: 'Docs', attributes: { value: 'docs' } }),
  );
  private readonly hideTestsBox = element('input', { testId: 'hide-tests', attributes: { type: 'checkbox' } });
  private readonly hideTests = element('label', { className: 'tests-toggle', attributes: { title: 'Leave test files and test folders out of the results' } }, this.hideTestsBox, element('span', { text: 'Hide tests' }));
  private readonly languageSummaryText = element('span', { className: 'language-summary-text', testId: 'language-filter-summary' });
  private readonly languageList = element('fieldset', { className: 'language-list', testId: 'language-options' });
  private readonly languageFilter = element('details', { className: 'language-filter', testId: 'language-filter' },
    element('summary', { className: 'language-summary', attributes: { 'aria-label': 'Filter by language' } }, icon('codicon-filter'), this.languageSummaryText, icon('codicon-chevron-down', 'chevron')),
    this.languageList,
  );
  private readonly statusIndex = element('span', { className: 'status-index', testId: 'status-index' });
  private readonly statusResults = element('span', { className: 'status-results', testId: 'status-results' });
  private readonly statusNotice = element('span', { className: 'status-notice', testId: 'status-notice' });
  private readonly statusError = element('span', { className: 'status-error', testId: 'status-error', attributes: { role: 'alert' } });
  private readonly status = element('div', { className: 'status', testId: 'status', attributes: { id: 'status', role: 'status', 'aria-live': 'polite' } },
    this.statusIndex, this.statusResults, this.statusNotice, this.statusError);
  private readonly resultsList = element('div', {
    className: 'results',
    testId: 'results',
    attributes: { id: 'results', role: 'listbox', tabindex: '0', 'aria-label': 'Search results' },
  });
  private readonly emptyState = element('div', { className: 'empty-state', testId: 'empty-state' });

  private readonly resultsTab = viewTab('results', 'codicon-search', 'Results');
  private readonly migrationTabIcon = element('span', { className: 'view-tab-state' });
  private readonly migrationTab = viewTab('migration', 'codicon-arrow-swap', 'Migration', this.migrationTabIcon);
  private readonly storageTabIcon = element('span', { className: 'view-tab-state' });
  private readonly storageTab = viewTab('storage', 'codicon-database', 'Storage', this.storageTabIcon);
  private readonly modelsTabIcon = element('span', { className: 'view-tab-state' });
  private readonly modelsTab = viewTab('models', 'codicon-beaker', 'Models', this.modelsTabIcon);
  private readonly tabs = element('div', { className: 'view-tabs', testId: 'view-tabs', attributes: { role: 'tablist', 'aria-label': 'Views' } },
    this.resultsTab, this.migrationTab, this.storageTab, this.modelsTab);
  private readonly resultsView = element('div', { className: 'results-view', testId: 'results-view', attributes: { id: 'view-results' } });
  private readonly migrationView: MigrationView;
  private readonly tradeoffView: TradeoffView;
  private readonly modelsView: ModelsView;
  /** Each code result's callers/callees toggle and area. */
  private readonly relations: RelationAreas;

  /** What is on screen, to re-render only what changed. */
  private renderedResults: readonly PanelResult[] | null = null;
  private renderedSelection = -1;
  private renderedLanguages = '';
  private order: number[] = [];

  constructor(api: VsCodeApi) {
    this.api = api;
    const stored = api.getState();
    const restored = stored === undefined || stored === null ? undefined : parsePanelState(stored);
    if (stored !== undefined && stored !== null && !restored) console.warn('Semantic Search: the saved panel state is not valid and was discarded.');
    this.session = new PanelSession({
      post: (message) => api.postMessage(message),
      timer: browserTimer,
      onDidChange: () => this.changed(),
      restored,
    });
    this.preview = new Debouncer(browserTimer, PREVIEW_DELAY_MILLISECONDS, () => this.openSelected(true));
    this.relations = new RelationAreas(this.session);
    this.migrationView = new MigrationView((action) => this.session.migrationAction(action));
    this.tradeoffView = new TradeoffView({
      apply: (option) => this.session.applyStorage(option),
      measure: () => this.session.measureTradeoffs(),
    });
    this.modelsView = new ModelsView({
      use: (model) => this.session.useModel(model),
      evaluate: () => this.session.evaluateModels(),
    });
  }

  start(): void {
    this.build();
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      const message = parseToPanel(event.data);
      if (!message) {
        console.warn('Semantic Search: dropped a message from the host that is not a valid panel message.');
        return;
      }
      this.session.receive(message);
    });
    this.queryInput.value = this.session.state.query;
    this.globInput.value = this.session.state.filters.pathGlob;
    this.render();
    this.session.start();
    this.queryInput.focus();
  }

  private build(): void {
    const queryRow = element('div', { className: 'query-row' }, icon('codicon-search', 'query-icon'), this.queryInput);
    const filters = element('div', { className: 'filters', attributes: { role: 'group', 'aria-label': 'Filters' } }, this.languageFilter, this.scopeSelect, this.globInput, this.hideTests);
    this.resultsView.append(
      element('div', { className: 'search-bar', attributes: { role: 'search' } }, queryRow, filters),
      this.status,
      this.resultsList,
      this.emptyState,
    );
    const main = element('main', { className: 'panel' }, this.tabs, this.resultsView, this.migrationView.root, this.tradeoffView.root, this.modelsView.root);
    document.body.append(main);

    this.resultsTab.addEventListener('click', () => this.session.setView('results'));
    this.migrationTab.addEventListener('click', () => this.session.setView('migration'));
    this.storageTab.addEventListener('click', () => this.session.setView('storage'));
    this.modelsTab.addEventListener('click', () => this.session.setView('models'));
    this.tabs.addEventListener('keydown', (event) => this.onTabKey(event));
    // VS Code swaps the theme's variables (on <html>) and classes (on <body>) without reloading the page.
    const themeObserver = new MutationObserver(() => {
      this.migrationView.themeChanged();
      this.tradeoffView.themeChanged();
    });
    themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });

    this.queryInput.addEventListener('input', () => this.session.setQuery(this.queryInput.value));
    this.queryInput.addEventListener('keydown', (event) => this.onQueryKey(event));
    this.globInput.addEventListener('input', () => this.session.setFilters({ ...this.session.state.filters, pathGlob: this.globInput.value }, false));
    this.globInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        this.session.searchNow();
      }
    });
    this.languageList.addEventListener('change', () => this.languagesChanged());
    this.hideTestsBox.addEventListener('change', () => this.session.setFilters({ ...this.session.state.filters, hideTests: this.hideTestsBox.checked }, true));
    this.scopeSelect.addEventListener('change', () => {
      const value = this.scopeSelect.value;
      this.session.setFilters({ ...this.session.state.filters, scope: value === 'code' || value === 'docs' ? value : undefined }, true);
    });
    this.languageFilter.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.languageFilter.open) {
        event.preventDefault();
        event.stopPropagation();
        this.languageFilter.open = false;
        this.languageFilter.querySelector('summary')?.focus();
      }
    });
    // In the capture phase: a click on a result's own buttons (Callers / Callees, a related name) stops there so that
    // the result does not open, and must still close the dropdown it landed outside of.
    document.addEventListener('click', (event) => {
      if (this.languageFilter.open && event.target instanceof Node && !this.languageFilter.contains(event.target)) this.languageFilter.open = false;
    }, true);
    this.resultsList.addEventListener('keydown', (event) => this.onListKey(event));
    this.resultsList.addEventListener('focus', () => {
      if (this.session.state.selectedIndex === -1 && this.order.length > 0) this.session.select(this.order[0]!);
    });
    this.resultsList.addEventListener('click', (event) => {
      // The buttons inside a result (Callers / Callees, a caller or callee) do their own thing.
      if (event.target instanceof Element && event.target.closest('button')) return;
      const option = event.target instanceof Element ? event.target.closest<HTMLElement>('[role="option"]') : null;
      const index = option ? Number(option.dataset.index) : Number.NaN;
      if (!Number.isInteger(index)) return;
      this.preview.cancel();
      this.session.select(index);
      this.openSelected(false);
    });
  }

  // -------------------------------------------------------------------------------------------
  // Input

  /** Arrow keys, Home and End move between the tabs (and select them), as in a WAI-ARIA tab list. */
  private onTabKey(event: KeyboardEvent): void {
    const views = this.session.offeredViews;
    const current = views.indexOf(this.session.view);
    const next = event.key === 'ArrowRight' ? (current + 1) % views.length
      : event.key === 'ArrowLeft' ? (current + views.length - 1) % views.length
        : event.key === 'Home' ? 0
          : event.key === 'End' ? views.length - 1
            : -1;
    if (next === -1) return;
    event.preventDefault();
    this.session.setView(views[next]!);
    this.tabFor(views[next]!).focus();
  }

  private tabFor(view: PanelView): HTMLButtonElement {
    return view === 'results' ? this.resultsTab : view === 'migration' ? this.migrationTab : view === 'storage' ? this.storageTab : this.modelsTab;
  }

  private onQueryKey(event: KeyboardEvent): void {
    if (event.key === 'Enter') {
      event.preventDefault();
      this.session.searchNow();
    } else if (event.key === 'ArrowDown' && this.order.length > 0) {
      event.preventDefault();
      // Select (and so preview) before focusing, so the list's focus handler finds a selection.
      this.moveTo(this.session.state.selectedIndex === -1 ? this.order[0]! : this.session.state.selectedIndex);
      this.resultsList.focus();
    }
  }

  private onListKey(event: KeyboardEvent): void {
    // A focused button inside a result (Callers / Callees) takes Enter and Space itself.
    if (event.target instanceof HTMLButtonElement) return;
    const moves: Record<string, SelectionMove> = { ArrowDown: 'next', ArrowUp: 'previous', Home: 'first', End: 'last', PageDown: 'pageDown', PageUp: 'pageUp' };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      const selected = this.session.state.selectedIndex;
      // Up from the first result goes back to the query, like a combobox.
      if (move === 'previous' && (selected === this.order[0] || selected === -1)) {
        this.focusQuery();
        return;
      }
      this.moveTo(moveSelection(this.order, selected, move, this.pageSize()));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      this.preview.cancel();
      this.openSelected(false);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      this.focusQuery();
    } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      // Typing while the list has focus goes on with the query (the key lands in the box once it has focus).
      this.focusQuery();
    }
  }

  private moveTo(index: number): void {
    if (index === -1) return;
    const changed = index !== this.session.state.selectedIndex;
    this.session.select(index);
    if (changed) this.preview.trigger();
  }

  private focusQuery(): void {
    this.preview.cancel();
    this.queryInput.focus();
    const end = this.queryInput.value.length;
    this.queryInput.setSelectionRange(end, end);
  }

  private pageSize(): number {
    const option = this.resultsList.querySelector<HTMLElement>('[role="option"]');
    return option && option.offsetHeight > 0 ? Math.max(1, Math.floor(this.resultsList.clientHeight / option.offsetHeight)) : 5;
  }

  private languagesChanged(): void {
    const languages = [...this.languageList.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')].filter((box) => box.checked).map((box) => box.value);
    const filters: PanelFilters = { ...this.session.state.filters, languages };
    this.session.setFilters(filters, true);
  }

  private openSelected(preview: boolean): void {
    const { results, selectedIndex } = this.session.state;
    const result = results[selectedIndex];
    if (!result) return;
    this.api.postMessage({ type: 'open', folder: result.folder, path: result.path, startLine: result.startLine, endLine: result.endLine, ...(result.openLine === undefined ? {} : { openLine: result.openLine }), preview });
  }

  // -------------------------------------------------------------------------------------------
  // Rendering

  private changed(): void {
    this.api.setState(this.session.state);
    this.render();
  }

  private render(): void {
    const state = this.session.state;
    // A `show` from the host can replace the query and filters: keep the inputs in step without moving the caret needlessly.
    if (this.queryInput.value !== state.query) this.queryInput.value = state.query;
    if (this.globInput.value !== state.filters.pathGlob) this.globInput.value = state.filters.pathGlob;
    this.hideTestsBox.checked = state.filters.hideTests === true;
    this.scopeSelect.value = state.filters.scope ?? 'all';
    this.renderViews();
    this.renderLanguages();
    this.renderStatus();
    this.renderResults();
    this.relations.render();
    this.renderSelection();
  }

  private renderViews(): void {
    const views = this.session.offeredViews;
    const view = views.includes(this.session.view) ? this.session.view : 'results';
    const offered = views.length > 1;
    this.tabs.hidden = !offered;
    for (const name of ['results', 'migration', 'storage', 'models'] as const) {
      const tab = this.tabFor(name);
      tab.hidden = !views.includes(name);
      tab.setAttribute('aria-selected', String(view === name));
      tab.tabIndex = view === name ? 0 : -1;
      tab.classList.toggle('selected', view === name);
    }
    // Without tabs the results are the page, not a tab panel.
    if (offered) {
      this.resultsView.setAttribute('role', 'tabpanel');
      this.resultsView.setAttribute('aria-labelledby', 'tab-results');
    } else {
      this.resultsView.removeAttribute('role');
      this.resultsView.removeAttribute('aria-labelledby');
    }
    this.resultsView.hidden = view !== 'results';
    this.migrationView.root.hidden = view !== 'migration';
    this.tradeoffView.root.hidden = view !== 'storage';
    this.modelsView.root.hidden = view !== 'models';

    // The tab says where the change stands, and asks for attention when a decision is waiting.
    const phase = this.session.migration?.phase ?? 'none';
    const states = {
      'none': null,
      'building': ['codicon-loading codicon-modifier-spin', 'building the new index'],
      'awaiting-decision': ['codicon-warning', 'needs your decision'],
      'cut-over': ['codicon-pass', 'cut over'],
    } as const;
    const state = states[phase];
    this.migrationTabIcon.replaceChildren(...(state ? [icon(state[0])] : []));
    this.migrationTab.dataset.phase = phase;
    this.migrationTab.setAttribute('aria-label', state ? `Migration, ${state[1]}` : 'Migration');
    this.migrationView.render(this.session.migration, this.session.pendingMigrationAction, view === 'migration');

    // The storage tab says when the options are being measured or applied, or when measuring failed.
    const tradeoffs = this.session.tradeoffs;
    const storageState = tradeoffs === null ? null
      : tradeoffs.state === 'measuring' ? ['codicon-loading codicon-modifier-spin', 'measuring']
        : tradeoffs.state === 'failed' ? ['codicon-error', 'measuring failed']
          : tradeoffs.applying ? ['codicon-loading codicon-modifier-spin', 'applying'] : null;
    this.storageTabIcon.replaceChildren(...(storageState ? [icon(storageState[0]!)] : []));
    this.storageTab.dataset.state = tradeoffs === null ? 'none' : tradeoffs.applying && tradeoffs.state === 'ready' ? 'applying' : tradeoffs.state;
    this.storageTab.setAttribute('aria-label', storageState ? `Storage, ${storageState[1]}` : 'Storage');
    this.tradeoffView.render(tradeoffs, this.session.pendingTradeoffRequest, view === 'storage');

    // The models tab says when the models are being evaluated or one is being switched to, or when evaluating failed.
    const models = this.session.models;
    const modelsState = models === null ? null
      : models.state === 'evaluating' ? ['codicon-loading codicon-modifier-spin', 'evaluating']
        : models.state === 'failed' ? ['codicon-error', 'evaluating failed']
          : models.switching ? ['codicon-loading codicon-modifier-spin', 'switching'] : null;
    this.modelsTabIcon.replaceChildren(...(modelsState ? [icon(modelsState[0]!)] : []));
    this.modelsTab.dataset.state = models === null ? 'none' : models.switching && models.state === 'ready' ? 'switching' : models.state;
    this.modelsTab.setAttribute('aria-label', modelsState ? `Models, ${modelsState[1]}` : 'Models');
    this.modelsView.render(models, this.session.pendingModelsRequest);
  }

  private renderLanguages(): void {
    const selected = this.session.state.filters.languages;
    const choices = languageChoices(this.session.indexStatus?.languages ?? [], selected);
    const signature = JSON.stringify([choices, selected]);
    this.languageSummaryText.textContent = selected.length === 0 ? 'All languages' : selected.length <= 2 ? selected.join(', ') : `${selected.length} languages`;
    if (signature === this.renderedLanguages) return;
    this.renderedLanguages = signature;
    const legend = element('legend', { className: 'visually-hidden', text: 'Languages to search' });
    const boxes = choices.map((language) => {
      const box = element('input', { testId: 'language-option', attributes: { type: 'checkbox' } });
      box.value = language;
      box.checked = selected.includes(language);
      return element('label', { className: 'language-choice' }, box, document.createTextNode(language));
    });
    const none = choices.length === 0 ? [element('p', { className: 'language-none', text: 'No languages indexed yet.' })] : [];
    this.languageList.replaceChildren(legend, ...boxes, ...none);
  }

  private renderStatus(): void {
    const index = this.session.indexStatus;
    const status = this.session.status;
    if (index) {
      this.statusIndex.replaceChildren(icon(indexStateIcon(index.state), index.state === 'indexing' ? 'codicon-modifier-spin' : ''), element('span', { text: index.text }));
      this.statusIndex.dataset.state = index.state;
      this.statusIndex.hidden = false;
    } else {
      this.statusIndex.replaceChildren();
      this.statusIndex.hidden = true;
    }
    const summary = resultsSummary(this.session.state, status);
    this.statusResults.replaceChildren(...(status.searching ? [icon('codicon-loading', 'codicon-modifier-spin')] : []), document.createTextNode(summary));
    this.statusResults.hidden = summary === '';
    const notice = noticeText(status);
    this.statusNotice.replaceChildren(...(notice === null ? [] : [icon('codicon-warning'), element('span', { text: notice })]));
    this.statusNotice.hidden = notice === null;
    this.statusError.replaceChildren(...(status.error === null ? [] : [icon('codicon-error'), element('span', { text: status.error })]));
    this.statusError.hidden = status.error === null;
  }

  private renderResults(): void {
    const state = this.session.state;
    if (state.results !== this.renderedResults) {
      this.renderedResults = state.results;
      this.renderedSelection = -1;
      // Highlights follow the query the results answer, not what is being typed meanwhile.
      const terms = queryTerms(this.session.highlightQuery);
      const groups = groupByFile(state.results);
      const showFolders = spansFolders(state.results);
      this.order = displayOrder(groups);
      this.relations.clear();
      this.resultsList.replaceChildren(...groups.map((group) => this.renderGroup(group, state.results, terms, showFolders)));
      this.resultsList.hidden = state.results.length === 0;
    }

    const filtered = state.filters.languages.length > 0 || state.filters.pathGlob.trim() !== '' || state.filters.hideTests === true || state.filters.scope !== undefined;
    const text = state.results.length > 0
      ? ''
      : state.query.trim() === ''
        ? 'Type what you are looking for, in words or code: results are found by meaning.'
        : state.searchPending || this.session.status.error !== null
          ? ''
          : `No results for “${state.query}”.${filtered ? ' Try clearing the language, file or test filters.' : ''}`;
    if (this.emptyState.textContent !== text) this.emptyState.textContent = text;
    this.emptyState.hidden = text === '';
  }

  private renderGroup(group: FileGroup, results: readonly PanelResult[], terms: string[], showFolder: boolean): HTMLElement {
    const slash = group.path.lastIndexOf('/');
    // The group's aria-label says all the header does, so screen readers skip the header itself.
    const header = element('div', { className: 'file-header', testId: 'file-header', attributes: { title: group.path, 'aria-hidden': 'true' } },
      icon('codicon-file'),
      element('span', { className: 'file-name', text: group.path.slice(slash + 1) }),
      element('span', { className: 'file-directory', text: slash > 0 ? group.path.slice(0, slash) : '' }),
      ...(showFolder ? [element('span', { className: 'file-folder', testId: 'file-folder' }, icon('codicon-folder'), document.createTextNode(group.folderName))] : []),
      element('span', { className: 'file-count', attributes: { 'aria-label': `${group.entries.length} ${group.entries.length === 1 ? 'result' : 'results'}` }, text: String(group.entries.length) }),
    );
    const label = `${showFolder ? `${group.folderName}: ` : ''}${group.path}, ${group.entries.length} ${group.entries.length === 1 ? 'result' : 'results'}`;
    return element('div', { className: 'file-group', testId: 'file-group', attributes: { role: 'group', 'aria-label': label } },
      header,
      ...group.entries.map((index) => this.renderResult(results[index]!, index, terms)),
    );
  }

  private renderResult(result: PanelResult, index: number, terms: string[]): HTMLElement {
    const score = scoreView(result.scores);
    // Without a symbol the innermost scope (or the kind) is the title; it is not repeated beside it.
    const title = resultTitle(result);
    const scope = resultScope(result);
    const heading = element('div', { className: 'result-heading' },
      icon(kindIcon(result.kind, result.language), 'kind-icon'),
      element('span', { className: 'result-symbol', testId: 'result-symbol' }, ...highlighted(splitHighlights(title, highlightRanges(title, terms)))),
      ...(scope.length > 0 ? [element('span', { className: 'result-scope', text: scope.join(' › ') })] : []),
      ...(title !== result.kind ? [element('span', { className: 'result-kind', text: result.kind })] : []),
      element('span', { className: 'result-lines', testId: 'result-lines', text: `${result.startLine === result.endLine ? 'line' : 'lines'} ${formatLineRange(result.startLine, result.endLine)}` }),
      element('span', { className: 'result-scores', testId: 'result-scores', attributes: { title: score.details }, text: score.shown }),
    );
    const summary = result.summary && !snippetStartsWith(result.snippet, result.summary)
      ? [element('div', { className: 'result-summary', testId: 'result-summary', text: result.summary })]
      : [];

    const view = snippetView(result.snippet, result.snippetStartLine, terms);
    const code = element('code', {},
      ...view.lines.map((line) => element('span', { className: 'snippet-line' },
        element('span', { className: 'line-number', attributes: { 'aria-hidden': 'true' }, text: String(line.number) }),
        element('span', { className: 'line-text' }, ...highlighted(line.segments), ...(line.clipped ? [element('span', { className: 'clipped', text: '…' })] : [])),
      )),
    );
    const more = view.hiddenBefore + view.hiddenAfter;
    const snippet = element('pre', { className: 'snippet', testId: 'result-snippet' }, code,
      ...(more > 0 ? [element('span', { className: 'snippet-more', text: `${more} more ${more === 1 ? 'line' : 'lines'}` })] : []));

    const via = result.via
      ? [element('div', { className: 'result-via', testId: 'result-via' }, icon('codicon-call-outgoing'), element('span', { text: `Called by the result above as ${result.via.name}()` }))]
      : [];
    return element('div', {
      className: 'result',
      testId: 'result',
      attributes: { id: `result-${index}`, role: 'option', 'aria-selected': 'false', 'aria-label': resultLabel(result), 'data-index': String(index) },
    }, ...via, heading, ...summary, snippet, ...this.relations.controls(result, index));
  }

  private renderSelection(): void {
    const selectedIndex = this.session.state.selectedIndex;
    for (const option of this.resultsList.querySelectorAll<HTMLElement>('[role="option"][aria-selected="true"]')) {
      if (Number(option.dataset.index) !== selectedIndex) {
        option.setAttribute('aria-selected', 'false');
        option.classList.remove('selected');
      }
    }
    const selected = selectedIndex >= 0 ? document.getElementById(`result-${selectedIndex}`) : null;
    if (selected) {
      selected.setAttribute('aria-selected', 'true');
      selected.classList.add('selected');
      this.resultsList.setAttribute('aria-activedescendant', selected.id);
      // Only when the selection moves: a status update must not yank the list back while the user scrolls.
      if (selectedIndex !== this.renderedSelection) selected.scrollIntoView({ block: 'nearest' });
    } else {
      this.resultsList.removeAttribute('aria-activedescendant');
    }
    this.renderedSelection = selectedIndex;
  }
}

new Panel(acquireVsCodeApi()).start();
