// The host side of the results panel: owns the one `WebviewPanel`, builds its HTML (strict CSP, a
// fresh nonce per load, assets only from dist/webview), runs the searches the panel asks for through
// an injected search function (cancelling the one in flight), and opens results in an editor after
// checking that the path stays inside a workspace folder. It also shows where a model change stands
// (the migration view) and passes the buttons pressed there on as `onDidRequestMigrationAction`, and the
// comparison of storage options (the storage view), passing its Apply and Measure Again buttons on as
// `onDidRequestApplyStorage` and `onDidRequestMeasureTradeoffs`, and the comparison of models (the models
// view), passing its "Use This Model" and "Evaluate Again" on as `onDidRequestUseModel` and
// `onDidRequestEvaluateModels`.
// Every message from the webview is checked with `parseFromPanel`; messages to it are checked with
// `parseToPanel` before they are posted.

import crypto from 'node:crypto';
import * as vscode from 'vscode';
import { isAbortError } from '../core/errors.ts';
import type { MigrationReport } from '../core/migration/report.ts';
import type { StorageOptionSpec, TradeoffReport } from '../core/tradeoffs/types.ts';
import type { ModelEvaluationReport } from '../core/evaluation/types.ts';
import {
  applicableOption, canEvaluateModels, canMeasureTradeoffs, MAX_CHUNK_IDS, MAX_EVALUATED_MODEL_NAME_LENGTH, MAX_EVALUATED_MODELS, MAX_EVALUATION_ROWS, MAX_LANGUAGES,
  MAX_MIGRATION_TEXT_LENGTH, MAX_MODEL_NAME_LENGTH, MAX_OPTION_LABEL_LENGTH, MAX_QUERY_LENGTH, MAX_RELATED, MAX_REPORT_EXAMPLES, MAX_REPORT_QUERIES,
  MAX_RANKING_LENGTH, MAX_REPORT_QUERY_LENGTH, MAX_RESULTS, MAX_SNIPPET_LENGTH, MAX_SUMMARY_LENGTH,
  MAX_TRADEOFF_OPTIONS, MAX_TRADEOFF_TEXT_LENGTH, parseFromPanel, parseMigrationView,
  parseModelsView, parseToPanel, parseTradeoffView, usableModel,
} from '../protocol/panel-protocol.ts';
import type {
  HostToPanel, IndexState, MigrationAction, PanelFilters, PanelMigrationView, PanelModelsView, PanelRelations, PanelResult, PanelToHost, PanelTradeoffView,
} from '../protocol/panel-protocol.ts';
import { openResultLocation } from './open-result.ts';

/** The panel's view type (also the serializer's and the `onWebviewPanel:` activation event's). */
export const RESULTS_VIEW_TYPE = 'semanticSearch.results';
const TITLE = 'Semantic Search';

/** The index status as the panel's status line shows it. */
export interface PanelIndexStatus {
  state: IndexState;
  /** One line, e.g. "1,204 files indexed" or "Indexing 310 of 1,204 files". */
  text: string;
  /** The languages the index holds chunks of (the language filter offers these). */
  languages: string[];
}

/** What a search gives the panel. */
export interface PanelSearchOutcome {
  results: PanelResult[];
  partial: boolean;
  /** A line for the status bar (e.g. "matching words only"); none when null or absent. */
  notice?: string | null;
  milliseconds: number;
}

/** Runs one search; rejects with an AbortError (or resolves, ignored) once `signal` aborts. */
export type PanelSearch = (query: string, filters: PanelFilters, signal: AbortSignal) => Promise<PanelSearchOutcome>;

/** A result whose callers and callees the panel asks for: its location and the chunks it is made of. */
export type PanelRelationsRequest = Omit<Extract<PanelToHost, { type: 'relations' }>, 'type' | 'requestId'>;

/** Finds a result's callers and callees. */
export type PanelRelationsProvider = (request: PanelRelationsRequest) => Promise<PanelRelations>;

/** Where the panel reports what it refused or what failed. */
export interface PanelLogger {
  warn(message: string): void;
}

export interface ResultsPanelOptions {
  /** The extension's root: assets are loaded from `dist/webview` under it, and from nowhere else. */
  extensionUri: vscode.Uri;
  search: PanelSearch;
  /** The current index status; read when the panel (re)loads and whenever `onDidChangeIndexStatus` fires. */
  indexStatus(): PanelIndexStatus | PromiseLike<PanelIndexStatus>;
  onDidChangeIndexStatus: vscode.Event<unknown>;
  logger: PanelLogger;
  /** Answers the Callers / Callees toggle of a result; without it the panel says they are not available. */
  relations?: PanelRelationsProvider;
}

const EMPTY_FILTERS: PanelFilters = { languages: [], pathGlob: '' };

/** The results panel: at most one webview panel, created on `show` or restored after a window reload. */
export class ResultsPanel implements vscode.Disposable {
  private readonly options: ResultsPanelOptions;
  private readonly disposables: vscode.Disposable[] = [];
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  /** Whether the webview's script has said `ready` since it last (re)loaded; messages before that would be lost. */
  private ready = false;
  /** A `show` waiting for the webview to be ready. */
  private pendingShow: Extract<HostToPanel, { type: 'show' }> | undefined;
  private inFlight: AbortController | undefined;
  /** The migration view last given, sent again whenever the page (re)loads. */
  private migration: PanelMigrationView | undefined;
  /** The trade-off view last given (as checked and sent), sent again whenever the page (re)loads. */
  private tradeoffs: PanelTradeoffView | undefined;
  /** The models view last given (as checked and sent), sent again whenever the page (re)loads. */
  private models: PanelModelsView | undefined;
  /** The view the page is to switch to once it is ready and has that view's data (the latest show… call wins). */
  private pendingView: 'migration' | 'storage' | 'models' | undefined;
  private readonly migrationActions = new vscode.EventEmitter<MigrationAction>();
  private readonly applyStorageRequests = new vscode.EventEmitter<StorageOptionSpec>();
  private readonly measureTradeoffsRequests = new vscode.EventEmitter<void>();
  private readonly useModelRequests = new vscode.EventEmitter<string>();
  private readonly evaluateModelsRequests = new vscode.EventEmitter<void>();
  /** The filters of the panel's last search: a `show` with only a query keeps them. */
  private lastFilters: PanelFilters = EMPTY_FILTERS;
  /** Increases with every `open`, so a slow open does not override a later one. */
  private openSequence = 0;
  /** Increases with every index status read, so a slow read does not override a later one. */
  private statusSequence = 0;
  private disposed = false;

  /**
   * A button of the migration view was pressed: cut over, roll back or refresh the report. Cut over and
   * roll back arrive only while the last migration view allows them (`canCutOver`, `canRollBack`).
   */
  readonly onDidRequestMigrationAction: vscode.Event<MigrationAction> = this.migrationActions.event;

  /**
   * The storage view's Apply was pressed for this option. It arrives only for an option of the last trade-off
   * view's report that `applicableOption` allows (not the current one; the view ready and not applying), and
   * is the report's own copy of the option. Answer with `updateTradeoffs` (e.g. `applying: true` once the
   * migration starts, or the view unchanged when the user declines a confirmation): the page waits for it.
   */
  readonly onDidRequestApplyStorage: vscode.Event<StorageOptionSpec> = this.applyStorageRequests.event;

  /**
   * The storage view's Measure Again was pressed (only while the last trade-off view allows it: not measuring,
   * not applying). Answer with `updateTradeoffs` (state 'measuring'): the page waits for it.
   */
  readonly onDidRequestMeasureTradeoffs: vscode.Event<void> = this.measureTradeoffsRequests.event;

  /**
   * The models view's "Use This Model" was pressed for this model name. It arrives only for a model of the last
   * models view's report that `usableModel` allows. Answer with `updateModels` (e.g. `switching: true`, or the
   * view unchanged when the user declines): the page waits for it.
   */
  readonly onDidRequestUseModel: vscode.Event<string> = this.useModelRequests.event;

  /** The models view's "Evaluate Again" was pressed (only while the last view allows it). Answer with `updateModels`. */
  readonly onDidRequestEvaluateModels: vscode.Event<void> = this.evaluateModelsRequests.event;

  constructor(options: ResultsPanelOptions) {
    this.options = options;
    this.disposables.push(
      options.onDidChangeIndexStatus(() => this.postIndexStatus()),
      this.migrationActions,
      this.applyStorageRequests,
      this.measureTradeoffsRequests,
      this.useModelRequests,
      this.evaluateModelsRequests,
    );
  }

  /** Whether the panel exists (possibly hidden). */
  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /**
   * Reveals the panel, creating it if needed. With a query, the panel shows it: with `results` as
   * they are (e.g. the QuickPick's "show in panel"), or else it searches for it.
   */
  show(query?: string, results?: PanelResult[], filters?: PanelFilters): void {
    if (this.disposed) return;
    this.reveal();
    if (query !== undefined) {
      // A query shown switches the page to the results, after any earlier switch to another view.
      this.pendingView = undefined;
      this.pendingShow = {
        type: 'show',
        query: query.slice(0, MAX_QUERY_LENGTH),
        // Results handed over were found without filters; a bare query keeps the panel's own.
        filters: filters ?? (results ? EMPTY_FILTERS : this.lastFilters),
        results: results ? fitResults(results) : null,
      };
      this.flushPendingShow();
    }
  }

  /**
   * Reveals the panel (creating it if needed) on the migration view, showing `view`; the view is kept
   * and sent again whenever the page reloads. Use `updateMigration` for updates that should not reveal it.
   */
  showMigration(view: PanelMigrationView): void {
    if (this.disposed) return;
    this.reveal();
    this.pendingView = 'migration';
    this.updateMigration(view);
  }

  /**
   * Sends a new migration view to the panel if it is open (without revealing it or switching views), and
   * keeps it for a panel opened or restored later. A phase of 'none' hides the view's tab once the user
   * leaves it.
   */
  updateMigration(view: PanelMigrationView): void {
    if (this.disposed) return;
    const fitted = fitMigrationView(view);
    let checked = parseMigrationView(fitted);
    if (!checked) {
      // A report that does not fit (e.g. a NaN) is not worth losing the phase and the buttons for.
      this.options.logger.warn('Results panel: the migration report does not fit the panel protocol (a number that is not finite?); showing the migration without it.');
      checked = parseMigrationView({ ...fitted, report: null });
    }
    if (!checked) {
      this.options.logger.warn('Results panel: did not show an invalid migration view.');
      return;
    }
    this.migration = checked;
    this.postMigration();
  }

  /**
   * Reveals the panel (creating it if needed) on the storage view, showing `view`; the view is kept and sent
   * again whenever the page reloads. Use `updateTradeoffs` for updates (progress while measuring, the report,
   * `applying`) that should not reveal it.
   */
  showTradeoffs(view: PanelTradeoffView): void {
    if (this.disposed) return;
    this.reveal();
    this.pendingView = 'storage';
    this.updateTradeoffs(view);
  }

  /**
   * Sends a new trade-off view to the panel if it is open (without revealing it or switching views), and
   * keeps it for a panel opened or restored later. Its report is what Apply may choose from.
   */
  updateTradeoffs(view: PanelTradeoffView): void {
    if (this.disposed) return;
    const fitted = fitTradeoffView(view);
    let checked = parseTradeoffView(fitted);
    if (!checked) {
      // A report that does not fit (e.g. a NaN latency) is not shown: say so rather than show nothing.
      this.options.logger.warn('Results panel: the storage options report does not fit the panel protocol (a number that is not finite, or an unknown option?); showing the view without it.');
      checked = parseTradeoffView({
        ...fitted,
        state: fitted.state === 'ready' ? 'failed' : fitted.state,
        detail: fitted.state === 'ready' ? 'The measurements could not be shown: they hold a value the panel does not accept. See the Semantic Search log.' : fitted.detail,
        report: null,
      });
    }
    if (!checked) {
      this.options.logger.warn('Results panel: did not show an invalid storage options view.');
      return;
    }
    this.tradeoffs = checked;
    this.postTradeoffs();
  }

  /**
   * Reveals the panel (creating it if needed) on the models view, showing `view`; the view is kept and sent
   * again whenever the page reloads. Use `updateModels` for updates that should not reveal it.
   */
  showModels(view: PanelModelsView): void {
    if (this.disposed) return;
    this.reveal();
    this.pendingView = 'models';
    this.updateModels(view);
  }

  /** Sends a new models view to the panel if it is open (without revealing it or switching views), and keeps it. */
  updateModels(view: PanelModelsView): void {
    if (this.disposed) return;
    const fitted = fitModelsView(view);
    let checked = parseModelsView(fitted);
    if (!checked) {
      this.options.logger.warn('Results panel: the model evaluation does not fit the panel protocol (a number that is not finite?); showing the view without it.');
      checked = parseModelsView({
        ...fitted,
        state: fitted.state === 'ready' ? 'failed' : fitted.state,
        detail: fitted.state === 'ready' ? 'The evaluation could not be shown: it holds a value the panel does not accept. See the Semantic Search log.' : fitted.detail,
        report: null,
      });
    }
    if (!checked) {
      this.options.logger.warn('Results panel: did not show an invalid models view.');
      return;
    }
    this.models = checked;
    this.postModels();
  }

  /** Takes over a panel VS Code restored after a window reload (see `registerResultsPanelSerializer`). */
  restore(webviewPanel: vscode.WebviewPanel): void {
    if (this.disposed || this.panel) {
      // One results panel at a time: a second restored one would only compete for the same searches.
      webviewPanel.dispose();
      return;
    }
    webviewPanel.webview.options = this.webviewOptions();
    this.attach(webviewPanel);
  }

  /** Sends the index status to the panel: the given one, or the provider's current one. */
  postIndexStatus(status?: PanelIndexStatus): void {
    // Not read for a panel that cannot receive it: `ready` asks again.
    if (!this.panel || !this.ready) return;
    const sequence = ++this.statusSequence;
    if (status) {
      this.postStatus(status);
      return;
    }
    let current: PanelIndexStatus | PromiseLike<PanelIndexStatus>;
    try {
      current = this.options.indexStatus();
    } catch (error) {
      this.options.logger.warn(`Results panel: could not read the index status: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    Promise.resolve(current).then(
      (resolved) => {
        if (sequence === this.statusSequence) this.postStatus(resolved);
      },
      (error: unknown) => this.options.logger.warn(`Results panel: could not read the index status: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.panel?.dispose();
    this.detach();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  // -------------------------------------------------------------------------------------------

  private reveal(): void {
    if (this.panel) {
      this.panel.reveal(this.panel.viewColumn, false);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      RESULTS_VIEW_TYPE,
      TITLE,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      { ...this.webviewOptions(), retainContextWhenHidden: false, enableFindWidget: true },
    );
    this.attach(panel);
  }

  /** Sends the kept migration view, then the switch to it if one is waiting (both only once the page is ready). */
  private postMigration(): void {
    if (!this.panel || !this.ready || !this.migration) return;
    this.post({ type: 'migration', view: this.migration });
    this.flushPendingView('migration');
  }

  /** Sends the kept trade-off view, then the switch to it if one is waiting (both only once the page is ready). */
  private postTradeoffs(): void {
    if (!this.panel || !this.ready || !this.tradeoffs) return;
    this.post({ type: 'tradeoffs', view: this.tradeoffs });
    this.flushPendingView('storage');
  }

  /** Sends the kept models view, then the switch to it if one is waiting (both only once the page is ready). */
  private postModels(): void {
    if (!this.panel || !this.ready || !this.models) return;
    this.post({ type: 'modelEvaluation', view: this.models });
    this.flushPendingView('models');
  }

  /** Switches the page to the waiting view, if it is `sent`: the view whose data has just been posted. */
  private flushPendingView(sent: 'migration' | 'storage' | 'models'): void {
    if (this.pendingView !== sent) return;
    this.pendingView = undefined;
    this.post({ type: 'showView', view: sent });
  }

  private postStatus(status: PanelIndexStatus): void {
    this.post({
      type: 'indexStatus',
      state: status.state,
      text: status.text.slice(0, 1000),
      languages: status.languages.filter((language) => language.length <= 50).slice(0, MAX_LANGUAGES),
    });
  }

  private webviewOptions(): vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.options.extensionUri, 'dist', 'webview')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    this.panelDisposables.push(
      panel.onDidDispose(() => {
        if (this.panel === panel) this.detach();
      }),
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      panel.onDidChangeViewState(({ webviewPanel }) => {
        // A hidden webview is torn down (retainContextWhenHidden is off) and reloads when shown: stop
        // posting until it says `ready` again, and drop the search it was waiting for (it remembers
        // that its results are stale and searches again).
        if (!webviewPanel.visible) {
          this.ready = false;
          this.abortSearch();
        }
      }),
    );
    panel.webview.html = panelHtml(panel.webview, this.options.extensionUri, crypto.randomBytes(16).toString('base64'));
  }

  private detach(): void {
    this.abortSearch();
    for (const disposable of this.panelDisposables.splice(0)) disposable.dispose();
    this.panel = undefined;
    this.ready = false;
    this.pendingShow = undefined;
    this.pendingView = undefined;
  }

  private receive(raw: unknown): void {
    const message = parseFromPanel(raw);
    if (!message) {
      this.options.logger.warn(`Results panel: dropped an invalid message from the webview (${describeMessage(raw)}).`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.ready = true;
        // A (re)loaded page has no request in flight: anything still running answers a page that is gone.
        this.abortSearch();
        this.postIndexStatus();
        // A show waiting was asked for before any switch to another view still waiting (show clears that).
        this.flushPendingShow();
        this.postMigration();
        this.postTradeoffs();
        this.postModels();
        return;
      case 'search':
        void this.runSearch(message);
        return;
      case 'open':
        void this.open(message);
        return;
      case 'migrationAction':
        this.migrationAction(message.action);
        return;
      case 'applyStorage':
        this.applyStorage(message.option);
        return;
      case 'measureTradeoffs':
        this.measureTradeoffs();
        return;
      case 'useModel':
        this.useModel(message.model);
        return;
      case 'evaluateModels':
        this.evaluateModels();
        return;
      case 'relations':
        void this.answerRelations(message);
        return;
    }
  }

  private async answerRelations({ requestId, folder, path, startLine, endLine, chunkIds }: Extract<PanelToHost, { type: 'relations' }>): Promise<void> {
    const request: PanelRelationsRequest = { folder, path, startLine, endLine, chunkIds };
    const provider = this.options.relations;
    if (!provider) {
      this.post({ type: 'relationsFailed', requestId, message: 'Callers and callees are not available here.' });
      return;
    }
    try {
      const relations = fitRelations(await provider(request));
      if (!this.post({ type: 'relations', requestId, relations })) {
        this.post({ type: 'relationsFailed', requestId, message: 'The callers and callees could not be shown: they do not fit the panel protocol. See the Semantic Search log.' });
      }
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.options.logger.warn(`Results panel: finding callers and callees failed: ${text}`);
      this.post({ type: 'relationsFailed', requestId, message: text.slice(0, 2000) || 'Finding callers and callees failed.' });
    }
  }

  private useModel(model: string): void {
    // The buttons mirror the last view; a model it does not offer (stale, or not ours) is not switched to.
    const evaluated = usableModel(this.models, model);
    if (!evaluated) {
      this.options.logger.warn(`Results panel: ignored "Use This Model" for ${JSON.stringify(model.slice(0, 200))}: the last evaluation does not offer it now.`);
      this.postModels();
      return;
    }
    this.useModelRequests.fire(evaluated.name);
  }

  private evaluateModels(): void {
    if (!canEvaluateModels(this.models)) {
      this.options.logger.warn('Results panel: ignored Evaluate Again from the models view: the models are being evaluated or switched, or were never shown.');
      this.postModels();
      return;
    }
    this.evaluateModelsRequests.fire();
  }

  private applyStorage(option: StorageOptionSpec): void {
    // The buttons mirror the last view; an option it does not offer (stale, or not ours) is not applied.
    const measurement = applicableOption(this.tradeoffs, option);
    if (!measurement) {
      this.options.logger.warn(`Results panel: ignored Apply of the storage option ${JSON.stringify(option)}: the last comparison does not offer it now.`);
      // The page waits for an answer: the current view is one.
      this.postTradeoffs();
      return;
    }
    // The report's own copy: nothing the page sent goes further.
    this.applyStorageRequests.fire({ ...measurement.option });
  }

  private measureTradeoffs(): void {
    if (!canMeasureTradeoffs(this.tradeoffs)) {
      this.options.logger.warn('Results panel: ignored Measure Again from the storage view: the options are being measured or applied, or were never shown.');
      this.postTradeoffs();
      return;
    }
    this.measureTradeoffsRequests.fire();
  }

  private migrationAction(action: MigrationAction): void {
    // The buttons mirror the last view; a page that asks for more (stale, or not ours) is not obeyed.
    const allowed = action === 'refreshReport' ? this.migration !== undefined && this.migration.phase !== 'none'
      : action === 'cutOver' ? this.migration?.canCutOver === true
        : this.migration?.canRollBack === true;
    if (!allowed) {
      this.options.logger.warn(`Results panel: ignored '${action}' from the migration view: the current migration does not allow it.`);
      // The page waits for an answer: the current view is one.
      this.postMigration();
      return;
    }
    this.migrationActions.fire(action);
  }

  private flushPendingShow(): void {
    if (!this.pendingShow || !this.ready) return;
    const show = this.pendingShow;
    this.pendingShow = undefined;
    this.post(show);
  }

  private abortSearch(): void {
    this.inFlight?.abort();
    this.inFlight = undefined;
  }

  private async runSearch({ requestId, query, filters }: Extract<PanelToHost, { type: 'search' }>): Promise<void> {
    this.lastFilters = filters;
    this.abortSearch();
    const controller = new AbortController();
    this.inFlight = controller;
    if (query.trim() === '') {
      this.inFlight = undefined;
      this.post({ type: 'results', requestId, query, results: [], partial: false, notice: null, milliseconds: 0 });
      return;
    }
    this.post({ type: 'searching', requestId, query });
    try {
      const outcome = await this.options.search(query, filters, controller.signal);
      if (controller.signal.aborted) return;
      const results = fitResults(outcome.results);
      const notice = outcome.notice ? outcome.notice.slice(0, 2000) : null;
      const milliseconds = Number.isFinite(outcome.milliseconds) && outcome.milliseconds >= 0 ? outcome.milliseconds : 0;
      if (!this.post({ type: 'results', requestId, query, results, partial: outcome.partial, notice, milliseconds })) {
        this.post({ type: 'searchFailed', requestId, message: 'The results could not be shown: they do not fit the panel protocol. See the Semantic Search log.' });
      }
    } catch (error) {
      if (controller.signal.aborted || isAbortError(error)) return;
      const text = error instanceof Error ? error.message : String(error);
      this.options.logger.warn(`Results panel: search failed: ${text}`);
      this.post({ type: 'searchFailed', requestId, message: text.slice(0, 2000) || 'The search failed.' });
    } finally {
      if (this.inFlight === controller) this.inFlight = undefined;
    }
  }

  /**
   * Posts a message if the webview is ready; returns false when it was invalid (logged) so callers
   * can fall back. A message to a webview that is not ready is dropped: `ready` re-sends what matters.
   */
  private post(message: HostToPanel): boolean {
    if (!parseToPanel(message)) {
      this.options.logger.warn(`Results panel: did not post an invalid '${message.type}' message.`);
      return false;
    }
    const panel = this.panel;
    if (!panel || !this.ready) return true;
    panel.webview.postMessage(message).then(undefined, (error: unknown) => {
      this.options.logger.warn(`Results panel: posting '${message.type}' failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    return true;
  }

  private async open({ folder, path, startLine, endLine, openLine, preview }: Extract<PanelToHost, { type: 'open' }>): Promise<void> {
    const sequence = ++this.openSequence;
    // A later open supersedes this one: skip it if the user has already moved on.
    await Promise.resolve();
    if (sequence !== this.openSequence || this.disposed) return;
    await openResultLocation({ folder, path, startLine, endLine, openLine }, { preview, viewColumn: this.editorColumn(), logger: { warn: (message) => this.options.logger.warn(`Results panel: ${message}`) } });
  }

  /**
   * Where a result opened from a QuickPick goes: undefined (the active column) unless the panel is the active
   * editor, which it is after a click in it (Cut Over, Apply): then a column other than the panel's. Opened in
   * the active column, the preview of the first result covered the panel and reloaded its page.
   */
  resultColumn(): vscode.ViewColumn | undefined {
    return this.panel?.active ? this.editorColumn() : undefined;
  }

  /** A column other than the panel's, so opening a result never covers the panel (which would reload it). */
  private editorColumn(): vscode.ViewColumn {
    const panelColumn = this.panel?.viewColumn;
    const other = vscode.window.visibleTextEditors.find((editor) => editor.viewColumn !== undefined && editor.viewColumn !== panelColumn);
    return other?.viewColumn ?? vscode.ViewColumn.Beside;
  }
}

/** Registers the serializer that hands panels VS Code restores after a window reload to `resultsPanel`. */
export function registerResultsPanelSerializer(resultsPanel: ResultsPanel): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, {
    // The webview restores its own state (getState); the host only wires the panel up again.
    deserializeWebviewPanel: async (webviewPanel: vscode.WebviewPanel) => resultsPanel.restore(webviewPanel),
  });
}

/** The panel's page: no data, only the assets, under a CSP that allows scripts with this load's nonce alone. */
export function panelHtml(webview: Pick<vscode.Webview, 'cspSource' | 'asWebviewUri'>, extensionUri: vscode.Uri, nonce: string): string {
  const asset = (...segments: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', ...segments)).toString();
  const csp = [
    `default-src 'none'`,
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    // Neither falls back to default-src: without them a <base> or <form> could point the page's links and posts elsewhere.
    `base-uri 'none'`,
    `form-action 'none'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)};">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(asset('codicons', 'codicon.css'))}">
<link rel="stylesheet" href="${escapeAttribute(asset('panel.css'))}">
<title>${TITLE}</title>
</head>
<body>
<script nonce="${escapeAttribute(nonce)}" src="${escapeAttribute(asset('panel.js'))}"></script>
</body>
</html>
`;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Clips search results to what the protocol accepts, so one odd chunk cannot get the whole answer refused. */
export function fitResults(results: readonly PanelResult[]): PanelResult[] {
  return results.slice(0, MAX_RESULTS).map((result) => {
    const startLine = Math.max(1, Math.trunc(result.startLine) || 1);
    const endLine = Math.max(startLine, Math.trunc(result.endLine) || startLine);
    const finiteOrNull = (value: number | null) => (value !== null && Number.isFinite(value) ? value : null);
    const relevance = result.scores.relevance === undefined ? null : finiteOrNull(result.scores.relevance);
    return {
      folder: result.folder,
      folderName: result.folderName.slice(0, 1000),
      path: result.path,
      startLine,
      endLine,
      ...(result.openLine === undefined ? {} : { openLine: Math.min(endLine, Math.max(startLine, Math.trunc(result.openLine) || startLine)) }),
      language: result.language.slice(0, 50),
      kind: result.kind.slice(0, 50),
      symbol: result.symbol === null ? null : result.symbol.slice(0, 1000),
      scope: result.scope.slice(0, 100).map((entry) => entry.slice(0, 1000)),
      ...(result.summary === undefined ? {} : { summary: result.summary.slice(0, MAX_SUMMARY_LENGTH) }),
      snippet: result.snippet.slice(0, MAX_SNIPPET_LENGTH),
      snippetStartLine: Math.max(1, Math.trunc(result.snippetStartLine) || 1),
      scores: {
        dense: finiteOrNull(result.scores.dense),
        lexical: finiteOrNull(result.scores.lexical),
        fused: finiteOrNull(result.scores.fused) ?? 0,
        ...(relevance === null ? {} : { relevance: Math.min(1, Math.max(0, relevance)) }),
        ...(result.scores.ranking === undefined ? {} : { ranking: result.scores.ranking.slice(0, MAX_RANKING_LENGTH) }),
      },
      ...(result.chunkIds === undefined ? {} : { chunkIds: result.chunkIds.slice(0, MAX_CHUNK_IDS) }),
      ...(result.via === undefined ? {} : { via: { name: result.via.name.slice(0, 1000) } }),
    };
  });
}

/** Clips callers and callees to the protocol's limits (lists shortened, marked truncated; long names cut). */
export function fitRelations(relations: PanelRelations): PanelRelations {
  const fit = (list: PanelRelations['callers']) =>
    list.slice(0, MAX_RELATED).map((related) => {
      const startLine = Math.max(1, Math.trunc(related.startLine) || 1);
      return {
        folder: related.folder,
        path: related.path,
        startLine,
        endLine: Math.max(startLine, Math.trunc(related.endLine) || startLine),
        name: related.name.slice(0, 1000),
        symbol: related.symbol === null ? null : related.symbol.slice(0, 1000),
        scope: related.scope.slice(0, 100).map((entry) => entry.slice(0, 1000)),
        kind: related.kind.slice(0, 50),
      };
    });
  return {
    callers: fit(relations.callers),
    callees: fit(relations.callees),
    truncated: relations.truncated || relations.callers.length > MAX_RELATED || relations.callees.length > MAX_RELATED,
  };
}

/**
 * Clips a migration view to the protocol's limits (long texts cut, long lists shortened), so that one long
 * doc comment or a long query list cannot get the whole view refused. Numbers are left as they are.
 */
export function fitMigrationView(view: PanelMigrationView): PanelMigrationView {
  const clip = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);
  const report = view.report;
  return {
    phase: view.phase,
    fromModel: view.fromModel === null ? null : clip(view.fromModel, MAX_MODEL_NAME_LENGTH),
    toModel: view.toModel === null ? null : clip(view.toModel, MAX_MODEL_NAME_LENGTH),
    detail: clip(view.detail, MAX_MIGRATION_TEXT_LENGTH),
    canCutOver: view.canCutOver,
    canRollBack: view.canRollBack,
    decisionReason: view.decisionReason === null ? null : clip(view.decisionReason, MAX_MIGRATION_TEXT_LENGTH),
    report: report === null ? null : fitReport(report, clip),
  };
}

function fitReport(report: MigrationReport, clip: (text: string, length: number) => string): MigrationReport {
  const thresholds = (value: MigrationReport['thresholds']['to']): MigrationReport['thresholds']['to'] =>
    'unavailable' in value ? { unavailable: clip(value.unavailable, MAX_MIGRATION_TEXT_LENGTH) } : value;
  return {
    ...report,
    queries: {
      ...report.queries,
      examples: report.queries.examples.slice(0, MAX_REPORT_EXAMPLES).map((example) => ({ ...example, query: clip(example.query, MAX_REPORT_QUERY_LENGTH) })),
    },
    overlap: report.overlap && {
      ...report.overlap,
      // The queries that changed most are the ones worth keeping when there are too many.
      perQuery: [...report.overlap.perQuery]
        .sort((a, b) => a.overlapAt10 - b.overlapAt10)
        .slice(0, MAX_REPORT_QUERIES)
        .map((entry) => ({ ...entry, query: clip(entry.query, MAX_REPORT_QUERY_LENGTH) })),
    },
    thresholds: { from: report.thresholds.from && thresholds(report.thresholds.from), to: thresholds(report.thresholds.to) },
  };
}

/**
 * Clips a trade-off view to the protocol's limits (long texts cut, options past the limit dropped, with the
 * recommendation when it was one of them), so that one long warning cannot get the whole view refused.
 * Numbers are left as they are.
 */
export function fitTradeoffView(view: PanelTradeoffView): PanelTradeoffView {
  const clip = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);
  const report = view.report;
  return {
    state: view.state,
    detail: clip(view.detail, MAX_TRADEOFF_TEXT_LENGTH),
    report: report === null ? null : fitTradeoffReport(report, clip),
    applying: view.applying,
  };
}

function fitTradeoffReport(report: TradeoffReport, clip: (text: string, length: number) => string): TradeoffReport {
  let options = report.options;
  let recommended = report.recommended;
  if (options.length > MAX_TRADEOFF_OPTIONS) {
    // The current and the recommended options are the ones worth keeping when there are too many.
    const wanted = new Set([options.findIndex((option) => option.current), recommended ?? -1].filter((index) => index >= 0));
    const kept = options.map((option, index) => ({ option, index })).filter(({ index }) => wanted.has(index) || index < MAX_TRADEOFF_OPTIONS - wanted.size);
    options = kept.map(({ option }) => option);
    // Out of range stays out of range, for the protocol check to refuse.
    if (recommended !== undefined && recommended < report.options.length) recommended = kept.findIndex(({ index }) => index === recommended);
  }
  return {
    ...report,
    model: { ...report.model, id: clip(report.model.id, MAX_MODEL_NAME_LENGTH) },
    options: options.map((option) => ({
      ...option,
      label: clip(option.label, MAX_OPTION_LABEL_LENGTH),
      warning: option.warning === undefined ? undefined : clip(option.warning, MAX_TRADEOFF_TEXT_LENGTH),
    })),
    recommended,
    recommendation: clip(report.recommendation, MAX_TRADEOFF_TEXT_LENGTH),
  };
}

/**
 * Clips a models view to the protocol's limits (long texts cut, rows and models past the limit dropped), so
 * that one long failure message cannot get the whole view refused. Numbers are left as they are.
 */
export function fitModelsView(view: PanelModelsView): PanelModelsView {
  const clip = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);
  const report = view.report;
  return {
    state: view.state,
    detail: clip(view.detail, MAX_TRADEOFF_TEXT_LENGTH),
    report: report === null ? null : fitModelsReport(report, clip),
    switching: view.switching,
  };
}

function fitModelsReport(report: ModelEvaluationReport, clip: (text: string, length: number) => string): ModelEvaluationReport {
  const models = report.models.slice(0, MAX_EVALUATED_MODELS).filter((model) => model.name.length <= MAX_EVALUATED_MODEL_NAME_LENGTH);
  const names = new Set(models.map((model) => model.name));
  const kept = report.rows.filter((row) => names.has(row.model)).slice(0, MAX_EVALUATION_ROWS);
  // The verdict points into the rows: after trimming, at the same row, or at none (then it says why).
  const best = report.verdict.best === undefined ? -1 : kept.indexOf(report.rows[report.verdict.best]!);
  const verdict = best >= 0 || report.verdict.best === undefined
    ? { ...report.verdict, best: best >= 0 ? best : undefined, text: clip(report.verdict.text, MAX_TRADEOFF_TEXT_LENGTH) }
    : { best: undefined, reason: 'missing' as const, text: 'No verdict: the best model is not among the rows shown.' };
  return {
    ...report,
    verdict,
    index: { ...report.index, modelId: report.index.modelId === undefined ? undefined : clip(report.index.modelId, MAX_MODEL_NAME_LENGTH) },
    queries: {
      ...report.queries,
      examples: report.queries.examples.slice(0, MAX_REPORT_EXAMPLES).map((example) => ({ ...example, query: clip(example.query, MAX_REPORT_QUERY_LENGTH) })),
    },
    models: models.map((model) => ({ ...model, id: clip(model.id, MAX_MODEL_NAME_LENGTH), displayName: clip(model.displayName, MAX_MODEL_NAME_LENGTH) })),
    failures: report.failures.slice(0, MAX_EVALUATED_MODELS).map((failure) => ({ model: clip(failure.model, MAX_EVALUATED_MODEL_NAME_LENGTH), message: clip(failure.message, MAX_TRADEOFF_TEXT_LENGTH) })),
    rows: kept
      .map((row) => ({ ...row, modelDisplayName: clip(row.modelDisplayName, MAX_MODEL_NAME_LENGTH), label: clip(row.label, MAX_OPTION_LABEL_LENGTH) })),
  };
}

/** A short description of a message for the log, without echoing its (untrusted, possibly huge) contents. */
function describeMessage(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return typeof raw;
  const type = (raw as { type?: unknown }).type;
  return typeof type === 'string' ? `type ${JSON.stringify(type.slice(0, 40))}` : 'no type';
}
