// The extension's state and wiring: settings → index worker, worker events → status bar and
// notifications, file events → incremental updates. Commands (commands.ts) act through it.
import { createHash } from 'node:crypto';
import path from 'node:path';
import * as vscode from 'vscode';
import type { FolderSpec, ServiceError, ServiceSettings, ServiceState } from '../core/service/workspace-service.ts';
import type { IndexProgress } from '../core/indexing/indexer.ts';
import { RunsProgress } from '../core/indexing/progress.ts';
import type { SearchRequestOptions } from '../protocol/index-worker-protocol.ts';
import type { StorageOption } from '../core/store/storage-option.ts';
import type { IndexState, PanelRelatedChunk, PanelRelations, PanelResult } from '../protocol/panel-protocol.ts';
import type { RelationsRequest } from '../core/service/workspace-service.ts';
import type { RelatedChunk } from '../core/search/relations.ts';
import { REINDEX_KEYS, RELOAD_MODEL_KEYS, affects, readSettings, type Settings } from './configuration.ts';
import { ensureModel, modelNeedsDownload, type EnsuredModel } from './model-download.ts';
import { IndexClient, WorkerRequestError } from './index-client.ts';
import { toPanelResults } from './results.ts';
import { StatusBar } from './status-bar.ts';
import { errorActions, migrationContextKeys, overallPhase, progressMessage } from './status-text.ts';
import { openResultLocation, type ResultLocation } from './open-result.ts';

/** Paths changed at once beyond which a full run is cheaper than updating them one by one (a branch switch). */
const FULL_RUN_THRESHOLD = 500;
const FILE_EVENT_DELAY_MS = 300;
const MODEL_CHANGE_DELAY_MS = 2000;

/** The settings' storage option, in the store's canonical shape (0 = the default / all dimensions). */
export function storageOption(storage: Settings['storage']): StorageOption {
  return {
    kind: storage.kind,
    ...(storage.kind === 'binary' ? { rescore: storage.rescore } : {}),
    ...(storage.dimensions > 0 ? { dimensions: storage.dimensions } : {}),
    ...(storage.kind !== 'float32' && storage.oversampling > 0 ? { oversampling: storage.oversampling } : {}),
  };
}

export class Controller implements vscode.Disposable {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly client: IndexClient;
  readonly statusBar: StatusBar;
  private settings: Settings;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly pendingPaths = new Map<string, Set<string>>();
  private fileEventTimer: NodeJS.Timeout | undefined;
  private readonly notified = new Set<string>();
  private configured: Promise<void> | undefined;
  private modelWatcher: { directory: string; disposable: vscode.Disposable } | undefined;
  private readonly indexStatusEmitter = new vscode.EventEmitter<void>();
  /** The context keys set last (see setContext). */
  private readonly contextKeys = new Map<string, boolean>();
  /** Fires when the index state changes (the panel shows it). */
  readonly onDidChangeIndexStatus = this.indexStatusEmitter.event;

  constructor(context: vscode.ExtensionContext) {
    this.context = context;
    this.log = vscode.window.createOutputChannel('Semantic Search', { log: true });
    const dist = path.join(context.extensionPath, 'dist');
    this.client = new IndexClient(path.join(dist, 'index-worker.mjs'), {
      embeddingWorkerScript: path.join(dist, 'embedding-worker.mjs'),
      chunkingWorkerScript: path.join(dist, 'chunking-worker.mjs'),
      wasmDirectory: path.join(dist, 'wasm'),
    });
    this.statusBar = new StatusBar('semanticSearch.showStatus');
    this.settings = readSettings();
    this.disposables.push(
      this.log,
      this.client,
      this.statusBar,
      this.indexStatusEmitter,
      this.client.onDidChangeState((state) => this.onState(state)),
      this.client.onProgress(({ folder, progress }) => this.statusBar.updateProgress(folder, progress)),
      this.client.onLog(({ level, message }) => (level === 'warn' ? this.log.warn(message) : this.log.info(message))),
      this.client.onDidCrash((reason) => {
        this.log.error(reason);
        void this.notify('worker-crash', `Semantic Search's index worker stopped: ${reason} It restarts on the next search.`, ['Open Log']);
      }),
      vscode.workspace.onDidChangeConfiguration((event) => this.onConfigurationChanged(event)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.reconfigure(true)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.reconfigure(true)),
    );
    this.watchFiles();
  }

  /** Sends settings and folders to the worker (starting it). Further calls wait for the same configuration. */
  ensureConfigured(): Promise<void> {
    this.configured ??= this.reconfigure(false);
    return this.configured;
  }

  get folders(): readonly vscode.WorkspaceFolder[] {
    return vscode.workspace.workspaceFolders ?? [];
  }

  get folderNames(): Map<string, string> {
    return new Map(this.folders.map((folder) => [folder.uri.toString(), folder.name]));
  }

  get state(): ServiceState | undefined {
    return this.client.state;
  }

  /** Index every folder, or rebuild them, with a cancellable progress notification. */
  async runIndex(kind: 'index' | 'rebuild', withNotification: boolean): Promise<void> {
    await this.ensureConfigured();
    const run = (token?: vscode.CancellationToken) =>
      this.client.request(kind, {}, token).catch((error: unknown) => {
        if (error instanceof WorkerRequestError && error.kind === 'aborted') return null;
        throw error;
      });
    if (!withNotification) {
      await run();
      return;
    }
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: kind === 'rebuild' ? 'Rebuilding the semantic index' : 'Indexing for semantic search', cancellable: true },
      async (progress, token) => {
        // The same figure as the status bar: every folder's run in one share that never goes back.
        const runs = new RunsProgress<IndexProgress>();
        let reported = 0;
        const subscription = this.client.onProgress(({ folder, progress: update }) => {
          runs.set(folder, update);
          const figure = runs.figure();
          const percent = figure.fraction === undefined ? reported : Math.floor(figure.fraction * 100);
          progress.report({ increment: Math.max(0, percent - reported), message: progressMessage(runs.list(), figure) });
          reported = Math.max(reported, percent);
        });
        try {
          await run(token);
        } finally {
          subscription.dispose();
        }
      },
    );
  }

  /** Searches every folder; results in rank order, for the QuickPick and the panel. */
  async search(query: string, options: SearchRequestOptions, token?: vscode.CancellationToken): Promise<{ results: PanelResult[]; partial: boolean; notice: string | undefined; milliseconds: number }> {
    await this.ensureConfigured();
    const response = await this.client.request('search', { query, options: { k: this.settings.search.resultCount, ...options } }, token);
    const notices = [response.partial ? 'partial index: results cover what is indexed so far' : undefined, response.denseUnavailable ? `matching words only (${response.denseUnavailable})` : undefined].filter(Boolean);
    return { results: toPanelResults(response.hits, this.folderNames), partial: response.partial, notice: notices.length > 0 ? notices.join('; ') : undefined, milliseconds: response.milliseconds.total };
  }

  /** A result's callers and callees, in its folder (they open like results: the folder is the result's). */
  async relations(request: RelationsRequest): Promise<PanelRelations> {
    await this.ensureConfigured();
    const answer = await this.client.request('relations', request);
    const toPanel = (related: RelatedChunk): PanelRelatedChunk => ({
      folder: request.folder, path: related.path, startLine: related.startLine, endLine: related.endLine,
      name: related.name, symbol: related.symbol ?? null, scope: related.scope, kind: related.kind,
    });
    return { callers: answer.callers.map(toPanel), callees: answer.callees.map(toPanel), truncated: answer.truncated };
  }

  /** Opens a result at its range (in the active column unless one is given), refusing any path outside its workspace folder. */
  async openResult(result: ResultLocation, preview: boolean, viewColumn?: vscode.ViewColumn): Promise<void> {
    await openResultLocation(result, { preview, viewColumn, logger: this.log });
  }

  /** The state the panel shows: one word, a sentence, and the languages to filter by. */
  async indexStatus(): Promise<{ state: IndexState; text: string; languages: string[] }> {
    const state = this.client.state;
    const languages = this.client.started ? await this.client.request('languages', {}).catch(() => []) : [];
    if (!state || state.folders.length === 0) return { state: 'idle', text: 'Not indexed yet', languages };
    const phase = state.paused ? 'paused' : overallPhase(state.folders.map((folder) => folder.phase));
    const mapped: IndexState = phase === 'loading' ? 'indexing' : phase;
    const model = state.model ? ` · ${state.model.displayName} on ${state.model.provider}` : '';
    return { state: mapped, text: `${mapped}${model}`, languages };
  }

  /** Shows an error once per distinct message, with actions; returns the action picked. */
  async notify(key: string, message: string, actions: string[]): Promise<string | undefined> {
    if (this.notified.has(`${key}:${message}`)) return undefined;
    this.notified.add(`${key}:${message}`);
    const choice = await vscode.window.showErrorMessage(message, ...actions);
    if (choice === 'Open Log') this.log.show();
    if (choice === 'Change Model Setting') void vscode.commands.executeCommand('workbench.action.openSettings', 'semanticSearch.model');
    if (choice === 'Rebuild Index') void vscode.commands.executeCommand('semanticSearch.rebuildIndex');
    if (choice === 'Retry') void this.runIndex('index', false);
    if (choice === 'Reload Model') void this.client.request('reloadModel', {}).then(() => this.runIndex('index', false)).catch((error: unknown) => this.log.warn(`Reloading the model failed: ${String(error)}`));
    return choice;
  }

  /** The worker's settings for the current settings snapshot; a Hub model not downloaded yet is downloaded first (once the user agrees). */
  private async serviceSettings(): Promise<ServiceSettings | Extract<EnsuredModel, { problem: string }>> {
    // Taken before the download: the settings may change while it runs, and the result must match the model.
    const { settings } = this;
    const model = await ensureModel(settings, { extensionPath: this.context.extensionPath, storageDirectory: this.context.globalStorageUri.fsPath, trusted: vscode.workspace.isTrusted, log: this.log });
    if ('problem' in model) return model;
    return {
      modelDirectory: model.directory,
      ...(model.modelId ? { modelId: model.modelId } : {}),
      quantization: settings.model.quantization,
      device: settings.model.device,
      threads: settings.model.threads,
      discovery: { include: settings.indexing.include, exclude: settings.indexing.exclude, maxFileBytes: settings.indexing.maxFileSize, useGitIgnore: settings.indexing.useGitIgnore },
      chunking: { maxChunkLines: settings.chunking.maxLines, overlapTokens: settings.chunking.overlapTokens },
      search: { k: settings.search.resultCount, mode: settings.search.mode, weights: { dense: settings.search.denseWeight, lexical: settings.search.lexicalWeight }, expandCalls: settings.search.expandCalls },
      migration: settings.migration,
      storage: storageOption(settings.storage),
    };
  }

  /** One index per workspace folder, in the extension's global storage (never inside the folder). */
  private folderSpecs(): FolderSpec[] {
    return this.folders.map((folder) => {
      const key = folder.uri.toString();
      const id = createHash('sha256').update(key).digest('hex').slice(0, 16);
      return { key, name: folder.name, root: folder.uri.fsPath, databasePath: path.join(this.context.globalStorageUri.fsPath, 'indexes', `${folder.name.replace(/[^\w.-]+/g, '_')}-${id}`, 'index.db') };
    });
  }

  private async reconfigure(reindex: boolean): Promise<void> {
    const requested = this.settings;
    const apply = async (settings: ServiceSettings | Extract<EnsuredModel, { problem: string }>, runIndex: boolean): Promise<void> => {
      // Settings changed while the model was being found or downloaded: the newer reconfiguration applies instead.
      if (this.settings !== requested) return;
      if ('problem' in settings) {
        this.log.warn(settings.problem);
        this.statusBar.showMessage('$(warning) Semantic Search', settings.problem);
        if (!settings.shown) void this.notify('settings', settings.problem, ['Change Model Setting']);
        return;
      }
      await this.client.request('configure', { settings, folders: this.folderSpecs() });
      this.watchModelFolder(settings.modelDirectory);
      if (runIndex && this.settings.indexing.autoIndex) void this.runIndex('index', false).catch((error: unknown) => this.log.error(String(error)));
    };
    const downloading = modelNeedsDownload(requested, { extensionPath: this.context.extensionPath, storageDirectory: this.context.globalStorageUri.fsPath, trusted: vscode.workspace.isTrusted });
    const pending = this.serviceSettings();
    if (downloading && this.client.started) {
      // A download takes minutes: the worker keeps its configuration meanwhile, so searches go on with the
      // current model, and the new one is configured and indexed when it arrives.
      void pending.then((settings) => apply(settings, true)).catch((error: unknown) => this.log.error(`Switching to the downloaded model failed: ${String(error)}`));
      return;
    }
    await apply(await pending, reindex);
  }

  private onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (!event.affectsConfiguration('semanticSearch')) return;
    this.settings = readSettings();
    // Search settings apply on the next query; anything else goes to the worker now, and settings that
    // change the vectors start a new index (the old one keeps answering until the new one is complete).
    const reindex = affects(event, REINDEX_KEYS) || affects(event, RELOAD_MODEL_KEYS);
    if (!this.client.started) {
      this.configured = undefined;
      return;
    }
    this.configured = this.reconfigure(reindex);
  }

  private onState(state: ServiceState): void {
    this.statusBar.update(state);
    this.indexStatusEmitter.fire();
    this.setContext('semanticSearch.paused', state.paused);
    // The walkthrough's first step is done once every folder has a complete index (package.json, walkthroughs).
    this.setContext('semanticSearch.indexReady', state.folders.length > 0 && overallPhase(state.folders.map((folder) => folder.phase)) === 'ready');
    for (const [key, value] of Object.entries(migrationContextKeys(state.folders))) this.setContext(key, value);
    if (state.modelError) this.reportError(state.modelError, undefined);
    for (const folder of state.folders) if (folder.error) this.reportError(folder.error, folder.name);
  }

  /**
   * Checks the walkthrough's search step (package.json, walkthroughs): called when a search box closes after it
   * showed results. Not earlier: a checked step moves the walkthrough on, which takes the focus and would close
   * the box while the user is still reading it.
   */
  noteSearchAnswered(): void {
    this.setContext('semanticSearch.hasSearched', true);
  }

  /** Sets a context key for `when` clauses, only when its value changes (states arrive often while indexing). */
  private setContext(key: string, value: boolean): void {
    if (this.contextKeys.get(key) === value) return;
    this.contextKeys.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }

  private reportError(error: ServiceError, folderName: string | undefined): void {
    const where = folderName ? `${folderName}: ` : '';
    this.log.error(`${where}${error.message}`);
    void this.notify(error.reason, `Semantic Search: ${where}${error.message}`, errorActions(error));
  }

  /**
   * Watches the model's folder: files replaced under the same model name (a re-download, a manual
   * copy) reload the model, which re-checks its fingerprint and canaries; a new fingerprint builds a
   * new index beside the old one, as any model change does.
   */
  private watchModelFolder(directory: string): void {
    if (this.modelWatcher?.directory === directory) return;
    this.modelWatcher?.disposable.dispose();
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(directory), '**/*'));
    let timer: NodeJS.Timeout | undefined;
    const changed = (uri: vscode.Uri) => {
      clearTimeout(timer);
      // Files of a copy arrive one by one: reload once they have settled.
      timer = setTimeout(() => {
        this.log.info(`The model files changed (${uri.fsPath}); reloading the model.`);
        void this.client
          .request('reloadModel', {})
          .then(() => (this.settings.indexing.autoIndex ? this.runIndex('index', false) : undefined))
          .catch((error: unknown) => this.log.warn(`Reloading the model failed: ${String(error)}`));
      }, MODEL_CHANGE_DELAY_MS);
    };
    this.modelWatcher = {
      directory,
      disposable: vscode.Disposable.from(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed), { dispose: () => clearTimeout(timer) }),
    };
  }

  private watchFiles(): void {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    const onEvent = (uri: vscode.Uri) => {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (!folder || !this.client.started) return;
      const relative = path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
      if (relative === '' || relative.startsWith('..') || relative.split('/').includes('.git')) return;
      const key = folder.uri.toString();
      const paths = this.pendingPaths.get(key) ?? new Set<string>();
      paths.add(relative);
      this.pendingPaths.set(key, paths);
      clearTimeout(this.fileEventTimer);
      this.fileEventTimer = setTimeout(() => this.flushFileEvents(), FILE_EVENT_DELAY_MS);
    };
    this.disposables.push(watcher, watcher.onDidCreate(onEvent), watcher.onDidChange(onEvent), watcher.onDidDelete(onEvent));
  }

  private flushFileEvents(): void {
    for (const [folder, paths] of this.pendingPaths) {
      const list = [...paths];
      // A branch switch touches many files at once: one full run is faster than many updates.
      const request = list.length > FULL_RUN_THRESHOLD ? this.client.request('index', { folders: [folder] }) : this.client.request('update', { folder, paths: list });
      request.catch((error: unknown) => this.log.warn(`Updating the index failed: ${String(error)}`));
    }
    this.pendingPaths.clear();
  }

  dispose(): void {
    clearTimeout(this.fileEventTimer);
    this.modelWatcher?.disposable.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
