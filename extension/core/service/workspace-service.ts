// The workspace service: every indexed folder of a workspace behind one interface, for the extension's
// index worker (and its tests, in plain Node). It shares one embedding runtime between folders, loads
// it on first need, runs one index operation per folder at a time, pauses and resumes, and searches
// all folders with one global ranking. The folder lifecycle and the shared state are in service-core.ts;
// searching, model changes and reports are in their own modules, which this class calls.
import type { ChunkRelationsView } from '../search/relations.ts';
import type { SearchResponse } from '../search/search.ts';
import type { FolderIndexStatus } from '../folder-index.ts';
import type { ModelEvaluationReport } from '../evaluation/model-evaluation.ts';
import type { ThresholdName } from '../migration/calibration.ts';
import type { DuplicatesResult } from '../migration/find-duplicates.ts';
import type { MigrationReport } from '../migration/report.ts';
import type { TradeoffReport } from '../tradeoffs/types.ts';
import { clearIndexDatabase } from '../store/clear-database.ts';
import * as reports from './folder-reports.ts';
import * as modelChanges from './model-changes.ts';
import * as searching from './searching.ts';
import { emptyState, runtimeKey, ServiceCore } from './service-core.ts';
import type { FolderSpec, FolderState, RelationsRequest, RestoredSpace, SearchRequestFilters, ServiceEvents, ServiceSettings, ServiceState, SimilarRequest, SimilarResult } from './service-types.ts';

export * from './service-types.ts';

export class WorkspaceService {
  private readonly core: ServiceCore;

  constructor(events: ServiceEvents) {
    this.core = new ServiceCore(events);
  }

  /**
   * Applies settings and the folder list. Loads nothing: the model and indexes open on first use.
   * A change of model settings drops the loaded model; a change of discovery or chunking settings
   * reopens the folders (a new chunker means a new vector space, built while the old one serves).
   */
  async configure(settings: ServiceSettings, folders: readonly FolderSpec[]): Promise<void> {
    const previous = this.core.settings;
    this.core.settings = settings;
    const modelChanged = !previous || runtimeKey(previous) !== runtimeKey(settings);
    const folderOptionsChanged = !previous || JSON.stringify([previous.discovery, previous.chunking, previous.storage]) !== JSON.stringify([settings.discovery, settings.chunking, settings.storage]);
    const wanted = new Map(folders.map((folder) => [folder.key, folder]));
    for (const [key, entry] of this.core.folders) {
      if (!wanted.has(key) || wanted.get(key)!.databasePath !== entry.spec.databasePath || modelChanged || folderOptionsChanged) {
        await this.core.closeFolder(entry);
        if (!wanted.has(key)) this.core.folders.delete(key);
      }
    }
    if (modelChanged && (this.core.runtime || this.core.runtimeLoading)) {
      const runtime = this.core.runtime ?? (await this.core.runtimeLoading?.catch(() => undefined));
      this.core.runtime = undefined;
      this.core.runtimeLoading = undefined;
      // The old model keeps answering queries for the spaces it built until they are replaced.
      if (runtime) this.core.servingRuntimes.set(runtime.info.fingerprint, Promise.resolve(runtime));
    }
    if (modelChanged) this.core.modelError = undefined;
    for (const spec of folders) {
      const existing = this.core.folders.get(spec.key);
      if (existing) existing.spec = spec;
      else this.core.folders.set(spec.key, { spec, index: undefined, opening: undefined, run: undefined, state: emptyState(spec), unapplied: new Set(), warming: undefined });
    }
    this.core.emitState();
  }

  /**
   * Indexes the given folders (all by default). Resolves when done; a running operation is joined.
   * Aborting `signal` stops the runs (what they finished stays; the next run continues).
   */
  async index(keys?: readonly string[], signal?: AbortSignal): Promise<void> {
    if (this.core.paused) return;
    const entries = this.core.entries(keys);
    const runs = entries.map((entry) => this.core.startRun(entry, (index, run) => index.index(run)));
    const stop = () => entries.forEach((entry) => entry.run?.controller.abort());
    signal?.addEventListener('abort', stop, { once: true });
    try {
      await Promise.all(runs);
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    signal?.throwIfAborted();
  }

  /** Deletes the folders' indexes and indexes them again from scratch. */
  async rebuild(keys?: readonly string[], signal?: AbortSignal): Promise<void> {
    await this.clear(keys, signal);
    await this.index(keys, signal);
  }

  /** Updates changed paths; while paused they are picked up by the full run on resume. */
  async update(key: string, paths: readonly string[]): Promise<void> {
    const entry = this.core.folders.get(key);
    if (!entry || this.core.paused || paths.length === 0) return;
    // Paths an earlier update could not apply go with this one: a save is never left behind.
    const wanted = [...new Set([...entry.unapplied, ...paths])];
    entry.unapplied.clear();
    // A full run in progress sees the files as it reaches them; updates queue behind it in the indexer.
    const index = await this.core.openFolder(entry).catch(() => undefined);
    if (!index) {
      // openFolder has put the folder in the error state, with why.
      for (const relativePath of wanted) entry.unapplied.add(relativePath);
      this.core.events.log('warn', `${entry.spec.name}: ${wanted.length} changed file(s) wait for the index to open; they are updated with the next change or run.`);
      return;
    }
    try {
      const result = await index.update(wanted);
      this.core.finishRun(entry, result, index);
    } catch (error) {
      for (const relativePath of wanted) entry.unapplied.add(relativePath);
      this.core.failFolder(entry, error);
    }
  }

  pause(): void {
    this.core.paused = true;
    for (const entry of this.core.folders.values()) {
      entry.run?.controller.abort();
      entry.state.phase = 'paused';
      entry.state.progress = undefined;
    }
    this.core.emitState();
  }

  async resume(): Promise<void> {
    this.core.paused = false;
    for (const entry of this.core.folders.values()) if (entry.state.phase === 'paused') entry.state.phase = 'idle';
    this.core.emitState();
    await this.index();
  }

  /**
   * Stops work on the folders and clears their index databases: deleted, or emptied in place when
   * another window or process has one open (see clear-database.ts). Waits for another process's run
   * to let go of an index first; aborting `signal` stops that wait.
   */
  async clear(keys?: readonly string[], signal?: AbortSignal): Promise<void> {
    for (const entry of this.core.entries(keys)) {
      await this.core.closeFolder(entry);
      const outcome = await clearIndexDatabase(entry.spec.databasePath, {
        signal,
        onWait: () => this.core.events.log('info', `${entry.spec.name}: another window or semsearch process is updating the index; clearing it when that finishes.`),
      });
      if (outcome === 'emptied') {
        this.core.events.log('info', `${entry.spec.name}: another window or semsearch process has the index open, so it was emptied in place rather than deleted.`);
      }
      entry.state = emptyState(entry.spec);
    }
    this.core.emitState();
  }

  /** Searches every folder with one ranking. Folders that fail to open are left out (their state says why). */
  search(query: string, options: SearchRequestFilters, signal?: AbortSignal): Promise<SearchResponse> {
    return searching.search(this.core, query, options, signal);
  }

  /**
   * A result's callers and callees in its folder's index. The chunk ids the result carries are used when they
   * still name chunks of its file inside its range (a re-index may have replaced them); else the chunks in its range.
   */
  relations(request: RelationsRequest): Promise<ChunkRelationsView> {
    return searching.relations(this.core, request);
  }

  /** Chunks most similar to a piece of code (a selection), across folders, the selection itself excluded. */
  similar(request: SimilarRequest, signal?: AbortSignal): Promise<SimilarResult> {
    return searching.similar(this.core, request, signal);
  }

  /**
   * Cuts the folders' pending migrations over now (the new index must be complete). Folders without
   * one are left alone; throws the first migration `CoreError` when none could be cut over.
   */
  cutOver(keys?: readonly string[]): Promise<string[]> {
    return modelChanges.cutOver(this.core, keys);
  }

  /**
   * Makes the index the last cutover replaced active again, in each folder that has one. Returns the
   * model each folder went back to, so the caller can set the settings back to it (otherwise the next
   * index run starts the same migration again).
   */
  rollBack(keys?: readonly string[]): Promise<RestoredSpace[]> {
    return modelChanges.rollBack(this.core, keys);
  }

  /**
   * The migration report of each folder with a migration in progress or one that can be rolled back:
   * the saved one, or a fresh one when asked (or when none was saved yet).
   */
  migrationReports(options: { keys?: readonly string[]; refresh?: boolean; signal?: AbortSignal } = {}): Promise<{ folder: string; name: string; report: MigrationReport }[]> {
    return modelChanges.migrationReports(this.core, options);
  }

  /**
   * The calibrated value of a threshold in the active index of a folder, calibrating it first when
   * it never was (the first find-similar or duplicate search after an index is built).
   */
  threshold(key: string, name: ThresholdName, signal?: AbortSignal): Promise<number | undefined> {
    return reports.calibratedThreshold(this.core, key, name, signal);
  }

  /** Exact and near-duplicate code in each folder's active index, at the index's calibrated `duplicate` threshold. */
  duplicates(options: { keys?: readonly string[]; signal?: AbortSignal; onProgress?: (examined: number, total: number) => void } = {}): Promise<{ folder: string; name: string; result: DuplicatesResult | undefined; problem: string | undefined }[]> {
    return reports.duplicates(this.core, options);
  }

  /**
   * Measures every storage option of a folder's active index (the first folder when none is named)
   * on its own vectors and doc comments, and recommends one. Waits for a running index run first, so
   * the spaces it builds for measuring are not collected under it.
   */
  tradeoffs(options: { key?: string; signal?: AbortSignal; onProgress?: (done: number, total: number, message: string) => void } = {}): Promise<{ folder: string; name: string; report: TradeoffReport }> {
    return reports.tradeoffs(this.core, options);
  }

  /**
   * Judges every installed model (and its storage options) on a folder's own documented code (the
   * first folder when none is named). Models load one at a time beside the indexer's, which is reused
   * for its own folder; nothing is downloaded. Waits for a running index run first, so the pool is
   * drawn from a settled index.
   */
  evaluateModels(options: reports.ModelEvaluationOptions): Promise<{ folder: string; name: string; report: ModelEvaluationReport }> {
    return reports.evaluateModels(this.core, options);
  }

  /**
   * The model's files changed on disk (a new download, a replaced file): load it again. A new
   * fingerprint means a new index built beside the old one (a migration); the same fingerprint is
   * checked against the canaries when the folders reopen.
   */
  async reloadModel(): Promise<void> {
    const settings = this.core.requireSettings();
    this.core.settings = undefined;
    await this.configure(settings, [...this.core.folders.values()].map((entry) => entry.spec));
  }

  /** Languages present in the indexes, for the panel's filter. */
  languages(): Promise<string[]> {
    return searching.languages(this.core);
  }

  /** Detailed status of every folder that is open (files, chunks, skips, spaces, database size). */
  details(): { key: string; name: string; status: FolderIndexStatus | undefined; state: FolderState }[] {
    return [...this.core.folders.values()].map((entry) => ({ key: entry.spec.key, name: entry.spec.name, status: entry.index?.status(), state: entry.state }));
  }

  /** What the front end shows: every folder's state, the model, and whether indexing is paused. */
  state(): ServiceState {
    return this.core.state();
  }

  async dispose(): Promise<void> {
    this.core.disposed = true;
    for (const entry of this.core.folders.values()) await this.core.closeFolder(entry);
    const runtime = this.core.runtime ?? (await this.core.runtimeLoading?.catch(() => undefined));
    await runtime?.dispose();
    for (const serving of this.core.servingRuntimes.values()) await (await serving)?.dispose();
    this.core.servingRuntimes.clear();
  }
}
