// The host side of the results panel: owns the one `WebviewPanel` (its page: panel-html.ts), runs the searches the
// panel asks for through an injected search function (cancelling the one in flight), and opens results in an editor
// after checking that the path stays inside a workspace folder. It also shows where a model change stands (the
// migration view) and passes the buttons pressed there on as `onDidRequestMigrationAction`, and the comparison of
// storage options (the storage view), passing its Apply and Measure Again buttons on as `onDidRequestApplyStorage`
// and `onDidRequestMeasureTradeoffs`, and the comparison of models (the models view), passing its "Use This Model"
// and "Evaluate Again" on as `onDidRequestUseModel` and `onDidRequestEvaluateModels`.
// Every message from the webview is checked against the protocol's description of it (the log says why one
// was dropped); messages to it are checked with `parseToPanel` before they are posted. The three report
// tabs share one path: a view is clipped and checked (panel-fit.ts), kept, re-sent when the page reloads, and
// a tab's buttons are obeyed only when the last view sent allows them.

import crypto from 'node:crypto';
import * as vscode from 'vscode';
import { isAbortError } from '../core/errors.ts';
import type { StorageOptionSpec } from '../core/tradeoffs/types.ts';
import {
  applicableOption, canEvaluateModels, canMeasureTradeoffs, MAX_LANGUAGES, MAX_QUERY_LENGTH, panelSchemas, parseToPanel, usableModel,
} from '../protocol/panel-protocol.ts';
import type {
  HostToPanel, IndexState, MigrationAction, PanelFilters, PanelMigrationView, PanelModelsView, PanelRelations, PanelResult, PanelToHost, PanelTradeoffView,
} from '../protocol/panel-protocol.ts';
import { parseWith, validate } from '../protocol/schema.ts';
import { clip, fitRelations, fitResults, REPORT_VIEWS, type ReportTabName, type ReportViewKind, type ReportViews } from './panel-fit.ts';
import { openResultLocation } from './open-result.ts';
import { PANEL_TITLE, panelHtml } from './panel-html.ts';

/** The panel's view type (also the serializer's and the `onWebviewPanel:` activation event's). */
export const RESULTS_VIEW_TYPE = 'semanticSearch.results';

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

// The clippers moved to panel-fit.ts; their tests import them from here.
export { fitMigrationView, fitModelsView, fitRelations, fitResults, fitTradeoffView } from './panel-fit.ts';

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
  /** The report views last given (as checked and sent), sent again whenever the page (re)loads. */
  private readonly reports: { [K in ReportTabName]?: ReportViews[K] } = {};
  /** The view the page is to switch to once it is ready and has that view's data (the latest show… call wins). */
  private pendingView: ReportTabName | undefined;
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
        // Results handed over come with the filters they were found with (none unless given); a bare query keeps the panel's own.
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
    this.showReport('migration', view);
  }

  /**
   * Sends a new migration view to the panel if it is open (without revealing it or switching views), and
   * keeps it for a panel opened or restored later. A phase of 'none' hides the view's tab once the user
   * leaves it.
   */
  updateMigration(view: PanelMigrationView): void {
    this.updateReport('migration', view);
  }

  /**
   * Reveals the panel (creating it if needed) on the storage view, showing `view`; the view is kept and sent
   * again whenever the page reloads. Use `updateTradeoffs` for updates (progress while measuring, the report,
   * `applying`) that should not reveal it.
   */
  showTradeoffs(view: PanelTradeoffView): void {
    this.showReport('storage', view);
  }

  /**
   * Sends a new trade-off view to the panel if it is open (without revealing it or switching views), and
   * keeps it for a panel opened or restored later. Its report is what Apply may choose from.
   */
  updateTradeoffs(view: PanelTradeoffView): void {
    this.updateReport('storage', view);
  }

  /**
   * Reveals the panel (creating it if needed) on the models view, showing `view`; the view is kept and sent
   * again whenever the page reloads. Use `updateModels` for updates that should not reveal it.
   */
  showModels(view: PanelModelsView): void {
    this.showReport('models', view);
  }

  /** Sends a new models view to the panel if it is open (without revealing it or switching views), and keeps it. */
  updateModels(view: PanelModelsView): void {
    this.updateReport('models', view);
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
      PANEL_TITLE,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      { ...this.webviewOptions(), retainContextWhenHidden: false, enableFindWidget: true },
    );
    this.attach(panel);
  }

  /** Reveals the panel on a report's tab (once the page is ready and has the view), showing `view`. */
  private showReport<K extends ReportTabName>(tab: K, view: ReportViews[K]): void {
    if (this.disposed) return;
    this.reveal();
    this.pendingView = tab;
    this.updateReport(tab, view);
  }

  /** Clips and checks a report view, keeps it, and sends it if the page is ready. */
  private updateReport<K extends ReportTabName>(tab: K, view: ReportViews[K]): void {
    if (this.disposed) return;
    const kind: ReportViewKind<ReportViews[K]> = REPORT_VIEWS[tab];
    const fitted = kind.fit(view);
    const outcome = validate(kind.schema, fitted);
    let checked = outcome.ok ? outcome.value : undefined;
    if (!outcome.ok) {
      // The reason names the field and what it held (e.g. a latency that is NaN), never its text.
      this.options.logger.warn(`Results panel: ${kind.unfit(outcome.error)}`);
      checked = parseWith(kind.schema, kind.withoutReport(fitted));
    }
    if (!checked) {
      this.options.logger.warn(`Results panel: did not show an invalid ${kind.name}.`);
      return;
    }
    this.reports[tab] = checked;
    this.postReport(tab);
  }

  /** Sends a kept report view, then the switch to it if one is waiting (both only once the page is ready). */
  private postReport(tab: ReportTabName): void {
    const view = this.reports[tab];
    if (!this.panel || !this.ready || !view) return;
    this.post((REPORT_VIEWS[tab] as ReportViewKind<typeof view>).message(view));
    this.flushPendingView(tab);
  }

  /** Switches the page to the waiting view, if it is `sent`: the view whose data has just been posted. */
  private flushPendingView(sent: ReportTabName): void {
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
    const outcome = validate(panelSchemas.fromPanel, raw);
    if (!outcome.ok) {
      // Why, from the protocol check: where and what kind of value was wrong, never the (untrusted) value itself.
      const prefix = `Results panel: dropped an invalid message from the webview (${describeMessage(raw)}: `;
      this.options.logger.warn(`${prefix}${clip(outcome.error, Math.max(20, 190 - prefix.length))}).`);
      return;
    }
    const message = outcome.value;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        // A (re)loaded page has no request in flight: anything still running answers a page that is gone.
        this.abortSearch();
        this.postIndexStatus();
        // A show waiting was asked for before any switch to another view still waiting (show clears that).
        this.flushPendingShow();
        this.postReport('migration');
        this.postReport('storage');
        this.postReport('models');
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

  /**
   * A report tab's button: obeyed (`fire`) only when the last view sent allows it (the buttons mirror that view;
   * a page that asks for more is stale, or not ours). Otherwise the page, which waits for an answer, gets the
   * current view again.
   */
  private tabRequest(tab: ReportTabName, allowed: boolean, refusal: string, fire: () => void): void {
    if (!allowed) {
      this.options.logger.warn(`Results panel: ${refusal}`);
      this.postReport(tab);
      return;
    }
    fire();
  }

  private useModel(model: string): void {
    const evaluated = usableModel(this.reports.models, model);
    this.tabRequest('models', evaluated !== undefined, `ignored "Use This Model" for ${JSON.stringify(model.slice(0, 200))}: the last evaluation does not offer it now.`,
      () => this.useModelRequests.fire(evaluated!.name));
  }

  private evaluateModels(): void {
    this.tabRequest('models', canEvaluateModels(this.reports.models), 'ignored Evaluate Again from the models view: the models are being evaluated or switched, or were never shown.',
      () => this.evaluateModelsRequests.fire());
  }

  private applyStorage(option: StorageOptionSpec): void {
    const measurement = applicableOption(this.reports.storage, option);
    // The report's own copy: nothing the page sent goes further.
    this.tabRequest('storage', measurement !== undefined, `ignored Apply of the storage option ${JSON.stringify(option)}: the last comparison does not offer it now.`,
      () => this.applyStorageRequests.fire({ ...measurement!.option }));
  }

  private measureTradeoffs(): void {
    this.tabRequest('storage', canMeasureTradeoffs(this.reports.storage), 'ignored Measure Again from the storage view: the options are being measured or applied, or were never shown.',
      () => this.measureTradeoffsRequests.fire());
  }

  private migrationAction(action: MigrationAction): void {
    const migration = this.reports.migration;
    const allowed = action === 'refreshReport' ? migration !== undefined && migration.phase !== 'none'
      : action === 'cutOver' ? migration?.canCutOver === true
        : migration?.canRollBack === true;
    this.tabRequest('migration', allowed, `ignored '${action}' from the migration view: the current migration does not allow it.`, () => this.migrationActions.fire(action));
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

/** A short description of a message for the log, without echoing its (untrusted, possibly huge) contents. */
function describeMessage(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return typeof raw;
  const type = (raw as { type?: unknown }).type;
  return typeof type === 'string' ? `type ${JSON.stringify(type.slice(0, 40))}` : 'no type';
}
