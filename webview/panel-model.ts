// The results panel's logic without the DOM: the session (query, filters, request ids, debouncing, what the
// host's messages do to the state). The list as displayed is result-list.ts, a result's text result-text.ts,
// the timers panel-timing.ts. `panel.ts` renders what these compute; they run in Node for unit tests, so they
// use no browser or Node globals (timers are injected).

import type { StorageOptionSpec } from '../extension/core/tradeoffs/types.ts';
import { applicableOption, canEvaluateModels, canMeasureTradeoffs, filtersOf, usableModel } from '../extension/protocol/panel-protocol.ts';
import { Debouncer, RequestTracker, type Timer } from './panel-timing.ts';
import type {
  HostToPanel, IndexState, PanelFilters, MigrationAction, PanelMigrationView, PanelModelsView, PanelRelatedChunk, PanelRelations, PanelResult, PanelState,
  PanelToHost, PanelTradeoffView, PanelView,
} from '../extension/protocol/panel-protocol.ts';

/** The index status as the host last reported it. */
export interface IndexStatusView {
  state: IndexState;
  text: string;
  languages: string[];
}

/** What the status line shows about the current search (not persisted: it is re-derived or re-fetched). */
export interface SearchStatusView {
  searching: boolean;
  /** `searchFailed`'s message for the current request. */
  error: string | null;
  notice: string | null;
  partial: boolean;
  /** How long the search that produced the shown results took; null when they were restored or handed over. */
  milliseconds: number | null;
}

export interface SessionOptions {
  post(message: PanelToHost): void;
  timer: Timer;
  /** Called after every change to anything the panel shows. */
  onDidChange(): void;
  /** Delay between the last keystroke and the search; default 250 ms. */
  debounceMilliseconds?: number;
  /** How long a migration, storage or models button waits for the host's answer before it can be pressed again; default 2 minutes. */
  actionTimeoutMilliseconds?: number;
  /** The state `getState()` returned, already checked with `parsePanelState`. */
  restored?: PanelState;
}

/**
 * A result's callers and callees as the panel holds them: asked for (loading), answered, or failed. Kept in
 * memory only (the host is asked again after a reload), and dropped when the results change.
 */
export type RelationsView =
  | { state: 'loading'; requestId: number }
  | { state: 'ready'; requestId: number; relations: PanelRelations }
  | { state: 'failed'; requestId: number; message: string };

/** Whether a result is code whose callers and callees can be asked for (not a Markdown section or a text window). */
export function hasRelations(result: PanelResult): boolean {
  return result.kind !== 'section' && result.kind !== 'window' && result.language !== 'markdown' && result.language !== 'text';
}

/** What identifies a result across renders: its folder, path and range. */
export function resultKey(result: Pick<PanelResult, 'folder' | 'path' | 'startLine' | 'endLine'>): string {
  return `${result.folder}\u0000${result.path}\u0000${result.startLine}\u0000${result.endLine}`;
}

/** A request of the storage view's buttons, as sent to the host. */
export type TradeoffRequest = Extract<PanelToHost, { type: 'applyStorage' | 'measureTradeoffs' }>;

/** A request of the models view's buttons, as sent to the host. */
export type ModelsRequest = Extract<PanelToHost, { type: 'useModel' | 'evaluateModels' }>;

/** A fresh panel's state. */
export function emptyPanelState(): PanelState {
  return { query: '', filters: { languages: [], pathGlob: '' }, results: [], selectedIndex: -1, searchPending: false, view: 'results' };
}

/** The panel's state machine: what typing, filtering, selecting and the host's messages do. */
export class PanelSession {
  private readonly options: SessionOptions;
  private readonly requests = new RequestTracker();
  private readonly debouncer: Debouncer;
  private current: PanelState;
  private searchStatus: SearchStatusView = { searching: false, error: null, notice: null, partial: false, milliseconds: null };
  private index: IndexStatusView | null = null;
  private migrationView: PanelMigrationView | null = null;
  /** A migration button the host has not answered yet (its next `migration` message answers it). */
  private pendingAction: MigrationAction | null = null;
  private pendingActionHandle: unknown = undefined;
  private tradeoffView: PanelTradeoffView | null = null;
  /** A storage view button the host has not answered yet (its next `tradeoffs` message answers it). */
  private pendingTradeoff: TradeoffRequest | null = null;
  private pendingTradeoffHandle: unknown = undefined;
  private modelsView: PanelModelsView | null = null;
  /** A models view button the host has not answered yet (its next `modelEvaluation` message answers it). */
  private pendingModels: ModelsRequest | null = null;
  private pendingModelsHandle: unknown = undefined;
  private resultsQuery: string;
  /** Callers and callees shown, by result key. */
  private relations = new Map<string, RelationsView>();
  private relationRequests = 0;

  constructor(options: SessionOptions) {
    this.options = options;
    this.debouncer = new Debouncer(options.timer, options.debounceMilliseconds ?? 250, () => this.search());
    this.current = options.restored
      ? { ...options.restored, searchPending: options.restored.searchPending ?? false, view: options.restored.view ?? 'results' }
      : emptyPanelState();
    this.resultsQuery = this.current.query;
  }

  /** The state to persist with `setState` (a `PanelState`). */
  get state(): PanelState {
    return this.current;
  }

  get status(): SearchStatusView {
    return this.searchStatus;
  }

  get indexStatus(): IndexStatusView | null {
    return this.index;
  }

  /** The migration view as the host last sent it (not persisted: the host sends it again on `ready`). */
  get migration(): PanelMigrationView | null {
    return this.migrationView;
  }

  /** The view shown. */
  get view(): PanelView {
    return this.current.view ?? 'results';
  }

  /** Whether the view switcher offers the migration view: while a migration is under way, or while it is shown. */
  get offersMigration(): boolean {
    return (this.migrationView !== null && this.migrationView.phase !== 'none') || this.view === 'migration';
  }

  /** The trade-off view as the host last sent it (not persisted: the host sends it again on `ready`). */
  get tradeoffs(): PanelTradeoffView | null {
    return this.tradeoffView;
  }

  /** Whether the view switcher offers the storage view: once the host has sent one, or while it is shown. */
  get offersStorage(): boolean {
    return this.tradeoffView !== null || this.view === 'storage';
  }

  /** The models view as the host last sent it (not persisted: the host sends it again on `ready`). */
  get models(): PanelModelsView | null {
    return this.modelsView;
  }

  /** Whether the view switcher offers the models view: once the host has sent one, or while it is shown. */
  get offersModels(): boolean {
    return this.modelsView !== null || this.view === 'models';
  }

  /** The views the switcher offers, in tab order (the results alone: no switcher). */
  get offeredViews(): PanelView[] {
    return [
      'results',
      ...(this.offersMigration ? ['migration' as const] : []),
      ...(this.offersStorage ? ['storage' as const] : []),
      ...(this.offersModels ? ['models' as const] : []),
    ];
  }

  /** Switches views (a tab, or the host's `showView`). */
  setView(view: PanelView): void {
    if (view === this.view) return;
    this.update({ view });
  }

  /** The migration action sent and not answered yet; the buttons wait for the answer. */
  get pendingMigrationAction(): MigrationAction | null {
    return this.pendingAction;
  }

  /**
   * A migration view button: asks the host, which decides (the buttons only mirror what it allows).
   * The buttons wait until the host sends the migration view again, or `actionTimeoutMilliseconds` pass.
   */
  migrationAction(action: MigrationAction): void {
    if (this.pendingAction !== null) return;
    this.pendingAction = action;
    this.pendingActionHandle = this.options.timer.setTimeout(() => this.clearPendingAction(), this.options.actionTimeoutMilliseconds ?? 120_000);
    this.options.post({ type: 'migrationAction', action });
    this.options.onDidChange();
  }

  /** The storage view button pressed and not answered yet; the buttons wait for the answer. */
  get pendingTradeoffRequest(): TradeoffRequest | null {
    return this.pendingTradeoff;
  }

  /**
   * The storage view's Apply for one of the report's options: asks the host, which decides. Sent only when
   * the last view allows it (`applicableOption`) and no other button waits for an answer.
   */
  applyStorage(option: StorageOptionSpec): void {
    const measurement = applicableOption(this.tradeoffView, option);
    if (!measurement) return;
    this.requestTradeoff({ type: 'applyStorage', option: { ...measurement.option } });
  }

  /** The storage view's Measure Again: asks the host to compare the options again. */
  measureTradeoffs(): void {
    if (!canMeasureTradeoffs(this.tradeoffView)) return;
    this.requestTradeoff({ type: 'measureTradeoffs' });
  }

  private requestTradeoff(request: TradeoffRequest): void {
    if (this.pendingTradeoff !== null) return;
    this.pendingTradeoff = request;
    this.pendingTradeoffHandle = this.options.timer.setTimeout(() => this.clearPendingTradeoff(), this.options.actionTimeoutMilliseconds ?? 120_000);
    this.options.post(request);
    this.options.onDidChange();
  }

  private clearPendingTradeoff(notify = true): void {
    if (this.pendingTradeoff === null) return;
    this.options.timer.clearTimeout(this.pendingTradeoffHandle);
    this.pendingTradeoff = null;
    this.pendingTradeoffHandle = undefined;
    if (notify) this.options.onDidChange();
  }

  /** The models view button pressed and not answered yet; the buttons wait for the answer. */
  get pendingModelsRequest(): ModelsRequest | null {
    return this.pendingModels;
  }

  /** The models view's "Use This Model": asks the host, sent only when the last view allows it (`usableModel`). */
  useModel(model: string): void {
    const evaluated = usableModel(this.modelsView, model);
    if (!evaluated) return;
    this.requestModels({ type: 'useModel', model: evaluated.name });
  }

  /** The models view's "Evaluate Again". */
  evaluateModels(): void {
    if (!canEvaluateModels(this.modelsView)) return;
    this.requestModels({ type: 'evaluateModels' });
  }

  private requestModels(request: ModelsRequest): void {
    if (this.pendingModels !== null) return;
    this.pendingModels = request;
    this.pendingModelsHandle = this.options.timer.setTimeout(() => this.clearPendingModels(), this.options.actionTimeoutMilliseconds ?? 120_000);
    this.options.post(request);
    this.options.onDidChange();
  }

  private clearPendingModels(notify = true): void {
    if (this.pendingModels === null) return;
    this.options.timer.clearTimeout(this.pendingModelsHandle);
    this.pendingModels = null;
    this.pendingModelsHandle = undefined;
    if (notify) this.options.onDidChange();
  }

  /** The query the shown results answer (the query box may be ahead of it): highlights follow this one. */
  get highlightQuery(): string {
    return this.resultsQuery;
  }

  /** The callers and callees shown under a result (by index in `state.results`), or undefined when folded. */
  relationsOf(index: number): RelationsView | undefined {
    const result = this.current.results[index];
    return result === undefined ? undefined : this.relations.get(resultKey(result));
  }

  /** The "Callers / Callees" toggle of a result: asks the host for them, or folds them away again. */
  toggleRelations(index: number): void {
    const result = this.current.results[index];
    if (result === undefined || !hasRelations(result)) return;
    const key = resultKey(result);
    if (this.relations.delete(key)) {
      this.options.onDidChange();
      return;
    }
    const requestId = ++this.relationRequests;
    this.relations.set(key, { state: 'loading', requestId });
    const { folder, path, startLine, endLine } = result;
    this.options.post({ type: 'relations', requestId, folder, path, startLine, endLine, chunkIds: [...(result.chunkIds ?? [])] });
    this.options.onDidChange();
  }

  /** Opens a caller or callee in an editor, as a result is opened. */
  openRelated(related: PanelRelatedChunk, preview = false): void {
    this.options.post({ type: 'open', folder: related.folder, path: related.path, startLine: related.startLine, endLine: related.endLine, preview });
  }

  /** Tells the host the panel is listening; searches again if the restored results were stale. */
  start(): void {
    this.options.post({ type: 'ready' });
    if (this.current.searchPending) {
      if (this.current.query.trim() === '') this.update({ searchPending: false });
      else this.search();
    }
  }

  /** The query box changed: search after the debounce delay (or clear at once when empty). */
  setQuery(query: string): void {
    if (query === this.current.query) return;
    this.current = { ...this.current, query };
    this.queryOrFiltersChanged(false);
  }

  /** A filter changed; `immediate` for discrete choices (a checkbox), debounced for typing (the glob). */
  setFilters(filters: PanelFilters, immediate: boolean): void {
    if (filtersEqual(filters, this.current.filters)) return;
    this.current = { ...this.current, filters: filtersOf(filters) };
    this.queryOrFiltersChanged(immediate);
  }

  /** Enter in the query box: search now, even if the query has not changed (e.g. to refresh). */
  searchNow(): void {
    this.debouncer.cancel();
    if (this.current.query.trim() === '') {
      this.clearResults();
      return;
    }
    this.search();
  }

  /** Selects a result by its index in `state.results` (-1 = none). */
  select(index: number): void {
    const selectedIndex = index >= 0 && index < this.current.results.length ? index : -1;
    if (selectedIndex === this.current.selectedIndex) return;
    this.update({ selectedIndex });
  }

  /** Applies a message from the host (already checked with `parseToPanel`); returns false when it was stale and dropped. */
  receive(message: HostToPanel): boolean {
    switch (message.type) {
      case 'searching':
        if (!this.requests.isCurrent(message.requestId)) return false;
        this.searchStatus = { ...this.searchStatus, searching: true, error: null };
        this.options.onDidChange();
        return true;
      case 'results':
        if (!this.requests.isCurrent(message.requestId)) return false;
        this.searchStatus = { searching: false, error: null, notice: message.notice, partial: message.partial, milliseconds: message.milliseconds };
        this.resultsQuery = message.query;
        this.update({ results: message.results, selectedIndex: -1, searchPending: false });
        return true;
      case 'searchFailed':
        if (!this.requests.isCurrent(message.requestId)) return false;
        this.searchStatus = { ...this.searchStatus, searching: false, error: message.message };
        this.update({ searchPending: false });
        return true;
      case 'show':
        this.debouncer.cancel();
        // A query handed over is to be seen: the results view comes to the front.
        this.current = { ...this.current, query: message.query, filters: message.filters, view: 'results' };
        if (message.results !== null) {
          // The host brings finished results: whatever this panel still has in flight is older.
          this.requests.invalidate();
          this.searchStatus = { searching: false, error: null, notice: null, partial: false, milliseconds: null };
          this.resultsQuery = message.query;
          this.update({ results: message.results, selectedIndex: -1, searchPending: false });
        } else {
          this.searchNow();
          this.options.onDidChange();
        }
        return true;
      case 'indexStatus':
        this.index = { state: message.state, text: message.text, languages: message.languages };
        this.options.onDidChange();
        return true;
      case 'migration':
        this.migrationView = message.view;
        this.clearPendingAction(false);
        this.options.onDidChange();
        return true;
      case 'tradeoffs':
        this.tradeoffView = message.view;
        this.clearPendingTradeoff(false);
        this.options.onDidChange();
        return true;
      case 'modelEvaluation':
        this.modelsView = message.view;
        this.clearPendingModels(false);
        this.options.onDidChange();
        return true;
      case 'showView':
        if (message.view === this.view) return true;
        this.update({ view: message.view });
        return true;
      case 'relations':
      case 'relationsFailed': {
        // Only the answer to the latest request of a result still unfolded counts.
        const key = [...this.relations].find(([, view]) => view.requestId === message.requestId)?.[0];
        if (key === undefined) return false;
        this.relations.set(key, message.type === 'relations'
          ? { state: 'ready', requestId: message.requestId, relations: message.relations }
          : { state: 'failed', requestId: message.requestId, message: message.message });
        this.options.onDidChange();
        return true;
      }
    }
  }

  private clearPendingAction(notify = true): void {
    if (this.pendingAction === null) return;
    this.options.timer.clearTimeout(this.pendingActionHandle);
    this.pendingAction = null;
    this.pendingActionHandle = undefined;
    if (notify) this.options.onDidChange();
  }

  private queryOrFiltersChanged(immediate: boolean): void {
    if (this.current.query.trim() === '') {
      this.debouncer.cancel();
      this.clearResults();
      return;
    }
    this.current = { ...this.current, searchPending: true };
    if (immediate) {
      this.debouncer.cancel();
      this.search();
    } else {
      this.debouncer.trigger();
      this.options.onDidChange();
    }
  }

  private clearResults(): void {
    this.requests.invalidate();
    this.searchStatus = { searching: false, error: null, notice: null, partial: false, milliseconds: null };
    this.resultsQuery = '';
    this.update({ results: [], selectedIndex: -1, searchPending: false });
  }

  private search(): void {
    const requestId = this.requests.next();
    const { query, filters } = this.current;
    this.searchStatus = { ...this.searchStatus, searching: true, error: null };
    this.current = { ...this.current, searchPending: true };
    this.options.post({ type: 'search', requestId, query, filters: filtersOf(filters) });
    this.options.onDidChange();
  }

  private update(change: Partial<PanelState>): void {
    // New results: the callers and callees shown belong to the old ones.
    if (change.results !== undefined && change.results !== this.current.results) this.relations = new Map();
    this.current = { ...this.current, ...change };
    this.options.onDidChange();
  }
}

export function filtersEqual(left: PanelFilters, right: PanelFilters): boolean {
  return left.pathGlob === right.pathGlob && (left.hideTests ?? false) === (right.hideTests ?? false) && (left.scope ?? 'all') === (right.scope ?? 'all') && left.languages.length === right.languages.length && left.languages.every((language, index) => language === right.languages[index]);
}

/** The languages to offer: those the index has, plus any still selected from before, sorted. */
export function languageChoices(available: readonly string[], selected: readonly string[]): string[] {
  return [...new Set([...available, ...selected])].sort((left, right) => left.localeCompare(right));
}
