// The results panel's logic without the DOM: the session (query, filters, request ids, debouncing,
// what the host's messages do to the state), grouping results by file, query-word highlighting and
// display formatting. `panel.ts` renders what this computes; this file runs in Node for unit tests,
// so it uses no browser or Node globals (timers are injected).

import type { StorageOptionSpec } from '../extension/core/tradeoffs/types.ts';
import { applicableOption, canEvaluateModels, canMeasureTradeoffs, usableModel } from '../extension/protocol/panel-protocol.ts';
import { carriesNothing } from '../extension/core/text/meaningful-lines.ts';
import type {
  HostToPanel, IndexState, PanelFilters, MigrationAction, PanelMigrationView, PanelModelsView, PanelRelatedChunk, PanelRelations, PanelResult, PanelState,
  PanelToHost, PanelTradeoffView, PanelView,
} from '../extension/protocol/panel-protocol.ts';

// ---------------------------------------------------------------------------------------------
// Timers, debouncing, request ids

/** The two timer functions the model needs (the browser's in the panel, fakes in tests). */
export interface Timer {
  setTimeout(callback: () => void, milliseconds: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Runs `callback` once `delay` ms after the last `trigger`; `flush` runs a pending call at once. */
export class Debouncer {
  private readonly timer: Timer;
  private readonly delay: number;
  private readonly callback: () => void;
  private handle: unknown = undefined;
  private scheduled = false;

  constructor(timer: Timer, delay: number, callback: () => void) {
    this.timer = timer;
    this.delay = delay;
    this.callback = callback;
  }

  /** Whether a call is waiting for its delay. */
  get pending(): boolean {
    return this.scheduled;
  }

  trigger(): void {
    this.cancel();
    this.scheduled = true;
    this.handle = this.timer.setTimeout(() => {
      this.scheduled = false;
      this.handle = undefined;
      this.callback();
    }, this.delay);
  }

  /** Runs the pending call now; returns whether there was one. */
  flush(): boolean {
    if (!this.scheduled) return false;
    this.cancel();
    this.callback();
    return true;
  }

  cancel(): void {
    if (this.scheduled) this.timer.clearTimeout(this.handle);
    this.scheduled = false;
    this.handle = undefined;
  }
}

/** Hands out increasing request ids; only the latest one is current, so late answers to older requests are dropped. */
export class RequestTracker {
  private last = 0;

  next(): number {
    this.last += 1;
    return this.last;
  }

  isCurrent(requestId: number): boolean {
    return requestId === this.last;
  }

  /** Makes every id handed out so far stale (the query was cleared, or the host sent results itself). */
  invalidate(): void {
    this.last += 1;
  }
}

// ---------------------------------------------------------------------------------------------
// The session

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
    this.current = { ...this.current, filters: { languages: [...filters.languages], pathGlob: filters.pathGlob, ...(filters.hideTests ? { hideTests: true } : {}) } };
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
    this.options.post({ type: 'search', requestId, query, filters: { languages: [...filters.languages], pathGlob: filters.pathGlob, ...(filters.hideTests ? { hideTests: true } : {}) } });
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
  return left.pathGlob === right.pathGlob && (left.hideTests ?? false) === (right.hideTests ?? false) && left.languages.length === right.languages.length && left.languages.every((language, index) => language === right.languages[index]);
}

/** The languages to offer: those the index has, plus any still selected from before, sorted. */
export function languageChoices(available: readonly string[], selected: readonly string[]): string[] {
  return [...new Set([...available, ...selected])].sort((left, right) => left.localeCompare(right));
}

// ---------------------------------------------------------------------------------------------
// Grouping and navigation

/** The results of one file, in rank order. */
export interface FileGroup {
  /** Unique per folder and path. */
  key: string;
  folder: string;
  folderName: string;
  path: string;
  /** Indices into the results array. */
  entries: number[];
}

/**
 * Groups results by file. `results` are in rank order, so a file's first result is its best and
 * groups come out in the order of their best results.
 */
export function groupByFile(results: readonly PanelResult[]): FileGroup[] {
  const groups = new Map<string, FileGroup>();
  results.forEach((result, index) => {
    const key = `${result.folder}\u0000${result.path}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, folder: result.folder, folderName: result.folderName, path: result.path, entries: [] };
      groups.set(key, group);
    }
    group.entries.push(index);
  });
  return [...groups.values()];
}

/** Result indices in the order they are displayed (group by group). */
export function displayOrder(groups: readonly FileGroup[]): number[] {
  return groups.flatMap((group) => group.entries);
}

/** Whether results come from more than one workspace folder (then file headers name the folder). */
export function spansFolders(results: readonly PanelResult[]): boolean {
  return new Set(results.map((result) => result.folder)).size > 1;
}

export type SelectionMove = 'next' | 'previous' | 'first' | 'last' | 'pageDown' | 'pageUp';

/**
 * The result index the selection moves to, walking the display `order`. Stops at both ends (no
 * wrapping); from no selection, every move lands on the first result.
 */
export function moveSelection(order: readonly number[], selectedIndex: number, move: SelectionMove, pageSize = 10): number {
  if (order.length === 0) return -1;
  const position = order.indexOf(selectedIndex);
  if (position === -1) return move === 'last' ? order[order.length - 1]! : order[0]!;
  const target = {
    next: position + 1,
    previous: position - 1,
    first: 0,
    last: order.length - 1,
    pageDown: position + pageSize,
    pageUp: position - pageSize,
  }[move];
  return order[Math.max(0, Math.min(order.length - 1, target))]!;
}

// ---------------------------------------------------------------------------------------------
// Highlighting

const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'do', 'does', 'for', 'from', 'how', 'i', 'in', 'is', 'it', 'its', 'of', 'on', 'or',
  'that', 'the', 'this', 'to', 'we', 'what', 'when', 'where', 'which', 'who', 'why', 'with',
]);

const WORD = /[\p{L}\p{N}_$]+/gu;
// Splits an identifier into its parts: `parseHTTPHeader` -> parse, HTTP, Header; `utf8_decode` -> utf, 8, decode.
const SUBWORD = /\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+|\p{L}+/gu;

/**
 * The lower-cased words of a query to highlight: each word and, for identifiers, their parts
 * (`parseHTTPHeader`, `parse_http_header` -> parse, http, header). Stop words and one-letter
 * words are left out unless nothing else is left.
 */
export function queryTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const word of query.match(WORD) ?? []) {
    terms.add(word.toLowerCase());
    for (const part of word.match(SUBWORD) ?? []) terms.add(part.toLowerCase());
  }
  const all = [...terms].filter((term) => /[\p{L}\p{N}]/u.test(term));
  const meaningful = all.filter((term) => term.length >= 2 && !STOP_WORDS.has(term));
  if (meaningful.length > 0) return meaningful;
  const longer = all.filter((term) => term.length >= 2);
  return longer.length > 0 ? longer : all;
}

/** A half-open range of UTF-16 offsets. */
export interface TextRange {
  start: number;
  end: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;
const DIGIT = /\p{N}/u;

/** Whether an identifier part can start at `offset`: after a non-word character, at a lower-to-upper or letter/digit change. */
function isSubwordStart(text: string, offset: number): boolean {
  if (offset === 0) return true;
  const previous = text[offset - 1]!;
  const current = text[offset]!;
  if (!LETTER_OR_DIGIT.test(previous)) return true;
  if (UPPER.test(current) && LOWER.test(previous)) return true;
  if (DIGIT.test(current) !== DIGIT.test(previous)) return true;
  // The last capital of an acronym starting a word: the `H` of `HTTPHeader`'s `Header`.
  return UPPER.test(current) && UPPER.test(previous) && offset + 1 < text.length && LOWER.test(text[offset + 1]!);
}

/**
 * Where the terms occur in `text`, case-insensitively, merged and sorted. Terms of up to two
 * characters count only where an identifier part starts, so `id` marks `userId` but not `middle`.
 */
export function highlightRanges(text: string, terms: readonly string[]): TextRange[] {
  const ranges: TextRange[] = [];
  for (const term of terms) {
    if (term.length === 0) continue;
    const pattern = new RegExp(escapeRegExp(term), 'giu');
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      if (term.length <= 2 && !isSubwordStart(text, start)) continue;
      ranges.push({ start, end: start + match[0].length });
    }
  }
  return mergeRanges(ranges);
}

function mergeRanges(ranges: TextRange[]): TextRange[] {
  ranges.sort((left, right) => left.start - right.start || left.end - right.end);
  const merged: TextRange[] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/** A piece of text, marked or not; the panel renders marked pieces in `<mark>`. */
export interface TextSegment {
  text: string;
  highlighted: boolean;
}

/** Cuts `text` into plain and highlighted pieces along sorted, non-overlapping `ranges`. */
export function splitHighlights(text: string, ranges: readonly TextRange[]): TextSegment[] {
  const segments: TextSegment[] = [];
  let offset = 0;
  for (const { start, end } of ranges) {
    const from = Math.max(start, offset);
    const to = Math.min(end, text.length);
    if (to <= from) continue;
    if (from > offset) segments.push({ text: text.slice(offset, from), highlighted: false });
    segments.push({ text: text.slice(from, to), highlighted: true });
    offset = to;
  }
  if (offset < text.length) segments.push({ text: text.slice(offset), highlighted: false });
  return segments;
}

// ---------------------------------------------------------------------------------------------
// Snippets

/** One snippet line as displayed. */
export interface SnippetLine {
  /** 1-based line number in the file. */
  number: number;
  segments: TextSegment[];
  /** The line was cut at `maxLineLength`. */
  clipped: boolean;
}

export interface SnippetView {
  lines: SnippetLine[];
  /** Snippet lines left out above and below the window. */
  hiddenBefore: number;
  hiddenAfter: number;
}

export interface SnippetOptions {
  maxLines?: number;
  maxLineLength?: number;
}

/**
 * The part of a snippet to show: at most `maxLines` lines, starting at its first line that carries something (a
 * piece of a split function can start with `)` or `...`), or further down at the first line with a query word;
 * common indentation removed; words highlighted; long lines cut.
 */
export function snippetView(snippet: string, snippetStartLine: number, terms: readonly string[], options: SnippetOptions = {}): SnippetView {
  const maxLines = options.maxLines ?? 8;
  const maxLineLength = options.maxLineLength ?? 400;
  const lines = snippet.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();

  const firstWithWords = lines.findIndex((line) => !carriesNothing(line));
  let first = firstWithWords < 0 ? 0 : firstWithWords;
  if (lines.length - first > maxLines) {
    const firstMatch = lines.findIndex((line) => highlightRanges(line.slice(0, maxLineLength), terms).length > 0);
    // Keep one line of context above the first match.
    if (firstMatch >= first + maxLines) first = Math.min(firstMatch - 1, lines.length - maxLines);
  }
  const shown = lines.slice(first, first + maxLines);
  const indent = commonIndent(shown);
  return {
    lines: shown.map((line, offset) => {
      const dedented = line.slice(Math.min(indent, leadingWhitespace(line)));
      const clipped = dedented.length > maxLineLength;
      const text = clipped ? dedented.slice(0, maxLineLength) : dedented;
      return { number: snippetStartLine + first + offset, segments: splitHighlights(text, highlightRanges(text, terms)), clipped };
    }),
    hiddenBefore: first,
    hiddenAfter: lines.length - first - shown.length,
  };
}

function leadingWhitespace(line: string): number {
  return line.length - line.trimStart().length;
}

/** The length of the whitespace prefix all non-blank lines share. */
function commonIndent(lines: readonly string[]): number {
  let prefix: string | null = null;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const own = line.slice(0, leadingWhitespace(line));
    if (prefix === null) {
      prefix = own;
      continue;
    }
    let length = 0;
    while (length < prefix.length && length < own.length && prefix[length] === own[length]) length++;
    prefix = prefix.slice(0, length);
  }
  return prefix?.length ?? 0;
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** Whether the snippet's first line with words is the summary (then the summary is not shown twice). */
export function snippetStartsWith(snippet: string, summary: string): boolean {
  const first = snippet.split(/\r\n|\r|\n/).find((line) => !carriesNothing(line));
  return first !== undefined && first.trim() === summary.trim();
}

/**
 * The one score a result shows, and its details for a tooltip: the relevance (0 to 1) when the host sent it (the
 * fused score otherwise), why the ranking stage put it there, then the fused, meaning (dense) and words (BM25)
 * scores it came from. With the ranking stage, relevance is its calibrated chance that the result answers the
 * query; without it (older states, `ranking: false`), the fused score over the best a result could get.
 */
export function scoreView(scores: PanelResult['scores']): { shown: string; details: string } {
  const shown = scores.relevance !== undefined ? scores.relevance.toFixed(2) : formatScore(scores.fused);
  const details = [
    ...(scores.relevance !== undefined
      ? [scores.ranking !== undefined ? `relevance ${scores.relevance.toFixed(3)}: the ranking stage's estimate that it answers the query` : `relevance ${scores.relevance.toFixed(3)} (1 = first in every ranking)`]
      : []),
    ...(scores.ranking !== undefined ? [scores.ranking] : []),
    `fused rank score ${scores.fused.toFixed(4)}`,
    ...(scores.dense !== null ? [`meaning: cosine ${scores.dense.toFixed(3)}`] : []),
    ...(scores.lexical !== null ? [`words: BM25 ${formatScore(scores.lexical)}`] : []),
  ];
  return { shown, details: details.join('\n') };
}

/** A score in at most four significant characters: 0.0328 -> "0.033", 7.25 -> "7.25", 123.4 -> "123". */
export function formatScore(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude < 1) return value.toFixed(3);
  if (magnitude < 10) return value.toFixed(2);
  if (magnitude < 100) return value.toFixed(1);
  return Math.round(value).toString();
}

/** "12" or "12–40". */
export function formatLineRange(startLine: number, endLine: number): string {
  return startLine === endLine ? `${startLine}` : `${startLine}–${endLine}`;
}

export function formatMilliseconds(milliseconds: number): string {
  return milliseconds < 1000 ? `${Math.round(milliseconds)} ms` : `${(milliseconds / 1000).toFixed(1)} s`;
}

/** What a result is called: its symbol, else its innermost scope, else its kind. */
export function resultTitle(result: PanelResult): string {
  return result.symbol ?? result.scope[result.scope.length - 1] ?? result.kind;
}

/** The sentence a screen reader reads for a result. */
export function resultLabel(result: PanelResult): string {
  const lines = result.startLine === result.endLine ? `line ${result.startLine}` : `lines ${result.startLine} to ${result.endLine}`;
  return `${resultTitle(result)}, ${result.kind}, ${lines}, ${result.path}`;
}

/** The status line's text about results: "Searching…", "3 results in 12 ms", "No results", or "". */
export function resultsSummary(state: PanelState, status: SearchStatusView): string {
  if (status.searching) return 'Searching…';
  if (state.query.trim() === '' || status.error !== null) return '';
  const count = state.results.length;
  const what = count === 0 ? 'No results' : count === 1 ? '1 result' : `${count} results`;
  return status.milliseconds === null ? what : `${what} in ${formatMilliseconds(status.milliseconds)}`;
}

/** The notice to show: the host's, or a default one for a partial index. */
export function noticeText(status: SearchStatusView): string | null {
  if (status.notice) return status.notice;
  return status.partial ? 'The index is partial: results may be missing until indexing finishes.' : null;
}

/** The codicon for an index state. */
export function indexStateIcon(state: IndexState): string {
  switch (state) {
    case 'ready':
      return 'codicon-pass';
    case 'indexing':
      return 'codicon-sync';
    case 'partial':
      return 'codicon-warning';
    case 'paused':
      return 'codicon-debug-pause';
    case 'error':
      return 'codicon-error';
    case 'idle':
      return 'codicon-circle-large-outline';
  }
}

/** The codicon for a chunk kind (function, class, markdown section, ...). */
export function kindIcon(kind: string, language: string): string {
  const normalized = kind.toLowerCase();
  if (/method/.test(normalized)) return 'codicon-symbol-method';
  if (/function|arrow|lambda|procedure/.test(normalized)) return 'codicon-symbol-function';
  if (/constructor/.test(normalized)) return 'codicon-symbol-constructor';
  if (/class|struct|record/.test(normalized)) return 'codicon-symbol-class';
  if (/interface|trait|protocol/.test(normalized)) return 'codicon-symbol-interface';
  if (/enum/.test(normalized)) return 'codicon-symbol-enum';
  if (/type/.test(normalized)) return 'codicon-symbol-structure';
  if (/module|namespace|package|impl/.test(normalized)) return 'codicon-symbol-namespace';
  if (/variable|const|field|property/.test(normalized)) return 'codicon-symbol-variable';
  if (/section|heading/.test(normalized) || language === 'markdown') return 'codicon-markdown';
  return 'codicon-symbol-file';
}
