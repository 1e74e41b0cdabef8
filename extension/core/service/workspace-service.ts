// The workspace service: every indexed folder of a workspace behind one interface, for the extension's
// index worker (and its tests, in plain Node). It shares one embedding runtime between folders, loads
// it on first need, runs one index operation per folder at a time, pauses and resumes, and searches
// all folders with one global ranking.
import path from 'node:path';
import { embeddingText } from '../chunking/embedding-text.ts';
import { EmbeddingRuntime } from '../embedding/runtime.ts';
import type { DeviceSetting } from '../embedding/providers.ts';
import { CoreError, isAbortError, isCoreError, type CoreErrorKind, type NextStep } from '../errors.ts';
import { FolderIndex, type ChunkingSettings, type FolderIndexStatus } from '../folder-index.ts';
import type { IndexProgress, IndexResult } from '../indexing/indexer.ts';
import type { DiscoveryOptions } from '../discovery/types.ts';
import type { Quantization } from '../model/fingerprint.ts';
import { rankedResults } from '../search/results.ts';
import { fuse, searchAcross, type SearchHit, type SearchMode, type SearchResponse } from '../search/search.ts';
import type { Migration, StoredChunk, VectorSpace } from '../store/index-store.ts';
import { chunksInRange, relationsOf, type ChunkRelationsView } from '../search/relations.ts';
import { clearIndexDatabase } from '../store/clear-database.ts';
import type { StorageOption } from '../store/storage-option.ts';
import { cutOver, DEFAULT_RETENTION_DAYS, migrationStatus, rollBack } from '../migration/lifecycle.ts';
import { cutoverDecision, type CutoverDecision, type CutoverPolicy } from '../migration/cutover-decision.ts';
import { currentMigration, decideCutover, loadSpaceModel, reportMigration, rollbackableCutover, spaceLabel } from '../operations/migration.ts';
import type { MigrationReport } from '../migration/report.ts';
import { calibrateThresholds, type ThresholdName } from '../migration/calibration.ts';
import { findDuplicates, type DuplicatesResult } from '../migration/find-duplicates.ts';
import { compareStorage, evaluationCandidates } from '../operations/reports.ts';
import { spaceModel } from '../model/model-location.ts';
import type { TradeoffReport } from '../tradeoffs/types.ts';
import type { InstalledModelsOptions } from '../evaluation/installed-models.ts';
import { evaluateModels, type EvaluationProgress, type ModelEvaluationReport } from '../evaluation/model-evaluation.ts';

/** Everything the service is told by the settings. */
export interface ServiceSettings {
  modelDirectory: string;
  modelId?: string;
  quantization: Quantization;
  device: DeviceSetting;
  /** 0 = as many as the machine has cores. */
  threads: number;
  discovery: Pick<DiscoveryOptions, 'include' | 'exclude' | 'maxFileBytes' | 'useGitIgnore'>;
  chunking: ChunkingSettings;
  /** How vectors are stored (default float32); a change builds a new space while the old one serves. */
  storage?: StorageOption;
  search: { k: number; mode: SearchMode; weights: { dense: number | undefined; lexical: number }; expandCalls?: boolean };
  /** How a model change is carried out (defaults: DEFAULT_MIGRATION_SETTINGS). */
  migration?: MigrationSettings;
  /** For a bundled build: where the embedding worker script and the tree-sitter wasm files are. */
  embeddingWorkerScript?: string;
  wasmDirectory?: string;
}

export interface MigrationSettings {
  /** Cut over by itself once the new index is complete and its quality held; otherwise always ask. */
  autoCutover: boolean;
  /** Largest drop of MRR@10 on self-supervised queries (absolute, 0..1) that still cuts over by itself. */
  qualityMargin: number;
  /** Days the replaced index is kept for rollback. */
  retentionDays: number;
}

export const DEFAULT_MIGRATION_SETTINGS: MigrationSettings = { autoCutover: true, qualityMargin: 0.05, retentionDays: DEFAULT_RETENTION_DAYS };

/** Queries remembered for the migration report's overlap (newest last). */
const RECENT_QUERY_LIMIT = 50;

/** What a rollback returned a folder to: enough to set the model and storage settings back. */
export interface RestoredSpace {
  folder: string;
  modelId: string;
  /** The model, with its storage when that is not plain float32. */
  label: string;
  modelDirectory: string | undefined;
  quantization: Quantization | undefined;
  storage: StorageOption;
}

/** One folder to index. */
export interface FolderSpec {
  /** A stable key, e.g. the workspace folder's URI. */
  key: string;
  name: string;
  /** File system path of the folder. */
  root: string;
  databasePath: string;
}

export type FolderPhase = 'idle' | 'loading' | 'indexing' | 'ready' | 'partial' | 'paused' | 'error';

/**
 * A failure the user can act on, without the stack: plain data, so it crosses the worker boundary as it is.
 * `kind` and `reason` are a `CoreError`'s (`other` / `unexpected` for any other error); the message says what
 * happened and what to do, and `nextStep` names that step for the editor's button.
 */
export interface ServiceError {
  kind: CoreErrorKind | 'other';
  reason: string;
  message: string;
  nextStep: NextStep;
}

/** A folder's model change, as the status bar and the report panel show it. */
export interface FolderMigration {
  id: number;
  /**
   * building: the new index is being built while the old one answers; awaiting-decision: it is
   * complete but cuts over only when the user says so; cut-over: the new one answers and the old one
   * is kept for rollback.
   */
  phase: 'building' | 'awaiting-decision' | 'cut-over';
  fromModel: string | undefined;
  toModel: string;
  /** Chunk contents the new index still has to embed (0 once complete or cut over). */
  missing: number;
  /** Why the cutover waits for the user; undefined when it does not. */
  decisionReason: string | undefined;
  canRollBack: boolean;
  updatedAt: number;
  hasReport: boolean;
}

export interface FolderState {
  key: string;
  name: string;
  phase: FolderPhase;
  progress: IndexProgress | undefined;
  error: ServiceError | undefined;
  migration: FolderMigration | undefined;
  /** Set when the model computes other vectors than the index was built with (canaries): what to do. */
  stale: string | undefined;
  /** Set when the index database was found damaged, moved aside and rebuilt: what happened (shown once). */
  recovered: string | undefined;
  lastRun: { filesIndexed: number; filesRemoved: number; chunksEmbedded: number; milliseconds: number; truncations: number; failures: number } | undefined;
}

export interface ModelState {
  id: string;
  displayName: string;
  fingerprint: string;
  quantization: Quantization;
  dimensions: number;
  provider: string;
  cpuFallbackReason: string | undefined;
}

export interface ServiceState {
  folders: FolderState[];
  model: ModelState | undefined;
  modelError: ServiceError | undefined;
  paused: boolean;
}

export interface ServiceEvents {
  onState(state: ServiceState): void;
  onProgress(folder: string, progress: IndexProgress): void;
  log(level: 'info' | 'warn', message: string): void;
}

/** A result whose callers and callees are wanted: its chunks when known (they must lie in its range), else its range. */
export interface RelationsRequest {
  folder: string;
  /** Path relative to the folder. */
  path: string;
  startLine: number;
  endLine: number;
  chunkIds: number[];
}

export interface SimilarRequest {
  folder: string;
  /** Path relative to the folder. */
  path: string;
  text: string;
  startLine: number;
  endLine: number;
  k: number;
}

/** What Find Similar answers: the code above the model's calibrated threshold, and what lies just below it. */
export interface SimilarResult {
  hits: SearchHit[];
  /**
   * The next results under the threshold (up to `k`), most similar first: shown only when the user asks, since
   * this model calls them unrelated.
   */
  belowThreshold: SearchHit[];
  /** The calibrated "similar" threshold of the (first) folder's model; undefined before it was calibrated. */
  threshold: number | undefined;
}

/** Whether two results share lines of one file. */
function overlapping(a: SearchHit, b: SearchHit): boolean {
  return a.folder === b.folder && a.path === b.path && a.startLine <= b.endLine && b.startLine <= a.endLine;
}

interface FolderEntry {
  spec: FolderSpec;
  index: FolderIndex | undefined;
  opening: Promise<FolderIndex> | undefined;
  run: { controller: AbortController; done: Promise<void> } | undefined;
  state: FolderState;
  /** Changed paths an update could not apply (the index would not open, or the update failed): sent again with the next one. */
  unapplied: Set<string>;
}

/** Turns any error into what the user sees: a `CoreError` of any kind keeps its kind, reason and next step; others become `other`. */
export function describeError(error: unknown): ServiceError {
  if (isCoreError(error)) return { kind: error.kind, reason: error.reason, message: error.message, nextStep: error.nextStep };
  return { kind: 'other', reason: 'unexpected', message: error instanceof Error ? error.message : String(error), nextStep: 'none' };
}

export class WorkspaceService {
  private readonly events: ServiceEvents;
  private settings: ServiceSettings | undefined;
  private readonly folders = new Map<string, FolderEntry>();
  private runtime: EmbeddingRuntime | undefined;
  /**
   * Models kept to answer queries for spaces that are still active but belong to another model than
   * the settings' (during a migration), by model fingerprint. Undefined when that model's files no
   * longer give the fingerprint (they changed under the same name).
   */
  private readonly servingRuntimes = new Map<string, Promise<EmbeddingRuntime | undefined>>();
  private runtimeLoading: Promise<EmbeddingRuntime> | undefined;
  /** Queries searched lately, for the migration report (kept in memory only). */
  private readonly recentQueries: string[] = [];
  private modelError: ServiceError | undefined;
  private paused = false;
  private disposed = false;

  constructor(events: ServiceEvents) {
    this.events = events;
  }

  /**
   * Applies settings and the folder list. Loads nothing: the model and indexes open on first use.
   * A change of model settings drops the loaded model; a change of discovery or chunking settings
   * reopens the folders (a new chunker means a new vector space, built while the old one serves).
   */
  async configure(settings: ServiceSettings, folders: readonly FolderSpec[]): Promise<void> {
    const previous = this.settings;
    this.settings = settings;
    const modelChanged = !previous || runtimeKey(previous) !== runtimeKey(settings);
    const folderOptionsChanged = !previous || JSON.stringify([previous.discovery, previous.chunking, previous.storage]) !== JSON.stringify([settings.discovery, settings.chunking, settings.storage]);
    const wanted = new Map(folders.map((folder) => [folder.key, folder]));
    for (const [key, entry] of this.folders) {
      if (!wanted.has(key) || wanted.get(key)!.databasePath !== entry.spec.databasePath || modelChanged || folderOptionsChanged) {
        await this.closeFolder(entry);
        if (!wanted.has(key)) this.folders.delete(key);
      }
    }
    if (modelChanged && (this.runtime || this.runtimeLoading)) {
      const runtime = this.runtime ?? (await this.runtimeLoading?.catch(() => undefined));
      this.runtime = undefined;
      this.runtimeLoading = undefined;
      // The old model keeps answering queries for the spaces it built until they are replaced.
      if (runtime) this.servingRuntimes.set(runtime.info.fingerprint, Promise.resolve(runtime));
    }
    if (modelChanged) this.modelError = undefined;
    for (const spec of folders) {
      const existing = this.folders.get(spec.key);
      if (existing) existing.spec = spec;
      else this.folders.set(spec.key, { spec, index: undefined, opening: undefined, run: undefined, state: emptyState(spec), unapplied: new Set() });
    }
    this.emitState();
  }

  /**
   * Indexes the given folders (all by default). Resolves when done; a running operation is joined.
   * Aborting `signal` stops the runs (what they finished stays; the next run continues).
   */
  async index(keys?: readonly string[], signal?: AbortSignal): Promise<void> {
    if (this.paused) return;
    const entries = this.entries(keys);
    const runs = entries.map((entry) => this.startRun(entry, (index, run) => index.index(run)));
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
    const entry = this.folders.get(key);
    if (!entry || this.paused || paths.length === 0) return;
    // Paths an earlier update could not apply go with this one: a save is never left behind.
    const wanted = [...new Set([...entry.unapplied, ...paths])];
    entry.unapplied.clear();
    // A full run in progress sees the files as it reaches them; updates queue behind it in the indexer.
    const index = await this.openFolder(entry).catch(() => undefined);
    if (!index) {
      // openFolder has put the folder in the error state, with why.
      for (const relativePath of wanted) entry.unapplied.add(relativePath);
      this.events.log('warn', `${entry.spec.name}: ${wanted.length} changed file(s) wait for the index to open; they are updated with the next change or run.`);
      return;
    }
    try {
      const result = await index.update(wanted);
      this.finishRun(entry, result, index);
    } catch (error) {
      for (const relativePath of wanted) entry.unapplied.add(relativePath);
      this.failFolder(entry, error);
    }
  }

  pause(): void {
    this.paused = true;
    for (const entry of this.folders.values()) {
      entry.run?.controller.abort();
      entry.state.phase = 'paused';
      entry.state.progress = undefined;
    }
    this.emitState();
  }

  async resume(): Promise<void> {
    this.paused = false;
    for (const entry of this.folders.values()) if (entry.state.phase === 'paused') entry.state.phase = 'idle';
    this.emitState();
    await this.index();
  }

  /**
   * Stops work on the folders and clears their index databases: deleted, or emptied in place when
   * another window or process has one open (see clear-database.ts). Waits for another process's run
   * to let go of an index first; aborting `signal` stops that wait.
   */
  async clear(keys?: readonly string[], signal?: AbortSignal): Promise<void> {
    for (const entry of this.entries(keys)) {
      await this.closeFolder(entry);
      const outcome = await clearIndexDatabase(entry.spec.databasePath, {
        signal,
        onWait: () => this.events.log('info', `${entry.spec.name}: another window or semsearch process is updating the index; clearing it when that finishes.`),
      });
      if (outcome === 'emptied') {
        this.events.log('info', `${entry.spec.name}: another window or semsearch process has the index open, so it was emptied in place rather than deleted.`);
      }
      entry.state = emptyState(entry.spec);
    }
    this.emitState();
  }

  /** Searches every folder with one ranking. Folders that fail to open are left out (their state says why). */
  async search(query: string, options: { k?: number; languages?: string[]; pathGlob?: string; excludeTests?: boolean; mode?: SearchMode }, signal?: AbortSignal): Promise<SearchResponse> {
    const settings = this.requireSettings();
    this.rememberQuery(query);
    await this.loadRuntime().catch(() => undefined);
    const indexes = (await Promise.all([...this.folders.values()].map((entry) => this.openFolder(entry).catch(() => undefined)))).filter(
      (index): index is FolderIndex => index !== undefined,
    );
    return searchAcross(indexes.map((index) => index.searcher), query, {
      k: options.k ?? settings.search.k,
      mode: options.mode ?? settings.search.mode,
      weights: settings.search.weights,
      languages: options.languages,
      pathGlob: options.pathGlob,
      excludeTests: options.excludeTests,
      expandCalls: settings.search.expandCalls,
      signal,
    });
  }

  /**
   * A result's callers and callees in its folder's index. The chunk ids the result carries are used when they
   * still name chunks of its file inside its range (a re-index may have replaced them); else the chunks in its range.
   */
  async relations(request: RelationsRequest): Promise<ChunkRelationsView> {
    const entry = this.folders.get(request.folder);
    const index = entry && (await this.openFolder(entry).catch(() => undefined));
    if (!index) return { callers: [], callees: [], truncated: false };
    const chunker = index.store.activeSpace()?.chunker ?? index.chunker.fingerprint;
    const known = [...index.store.chunksById(request.chunkIds).values()].filter(
      (chunk) => chunk.chunker === chunker && chunk.path === request.path && chunk.startLine >= request.startLine && chunk.endLine <= request.endLine,
    );
    const chunks = known.length > 0 ? known : chunksInRange(index.store, chunker, request.path, request.startLine, request.endLine);
    return relationsOf(index.store, chunks.map((chunk) => chunk.id));
  }

  /** Chunks most similar to a piece of code (a selection), across folders, the selection itself excluded. */
  async similar(request: SimilarRequest, signal?: AbortSignal): Promise<SimilarResult> {
    // Embedded like a chunk (same header, same purpose), so it lands in the chunks' neighbourhood, and
    // by the model of each folder's active space.
    const text = embeddingText({ path: request.path, scope: [], signature: undefined, part: undefined, text: request.text });
    const vectors = new Map<string, Float32Array>();
    const dense: { folder: string; chunk: StoredChunk; similarity: number }[] = [];
    const below: { folder: string; chunk: StoredChunk; similarity: number }[] = [];
    let shownThreshold: number | undefined;
    for (const entry of this.folders.values()) {
      const index = await this.openFolder(entry).catch(() => undefined);
      if (!index) continue;
      const resolved = await index.searcher.queryEmbedder();
      if ('problem' in resolved) continue;
      const fingerprint = resolved.space.modelFingerprint;
      if (!vectors.has(fingerprint)) vectors.set(fingerprint, (await resolved.embedder.embed([text], 'document', signal)).vectors[0]!);
      const vector = vectors.get(fingerprint);
      signal?.throwIfAborted();
      const exclude = new Set(
        entry.spec.key === request.folder
          ? index.store.chunksOfFile(request.path, resolved.space.chunker).filter((chunk) => chunk.startLine <= request.endLine && chunk.endLine >= request.startLine).map((chunk) => chunk.id)
          : [],
      );
      // Only what this model calls similar: its calibrated threshold, not a constant.
      const threshold = await this.threshold(entry.spec.key, 'similar', signal);
      shownThreshold ??= threshold;
      for (const { chunk, similarity } of index.searcher.similarToVector(vector!, request.k * 6, exclude)) {
        (similarity >= (threshold ?? -1) ? dense : below).push({ folder: entry.spec.key, chunk, similarity });
      }
    }
    // Ranked like a search with only the dense list, so the pieces of one definition come back as one result.
    const ranked = (list: typeof dense) => rankedResults(fuse(list.sort((a, b) => b.similarity - a.similarity), [], [], { dense: 1, lexical: 0, symbol: 0 }, 60));
    const hits = ranked(dense).slice(0, request.k);
    // A definition with a piece above the threshold is a result already: its other pieces are not "below" it.
    const shown = new Set(hits.map((hit) => `${hit.folder}\n${hit.path}\n${hit.startLine}`));
    const belowThreshold = ranked(below).filter((hit) => !shown.has(`${hit.folder}\n${hit.path}\n${hit.startLine}`) && !hits.some((other) => overlapping(other, hit)));
    return { hits, belowThreshold: belowThreshold.slice(0, request.k), threshold: shownThreshold };
  }

  /**
   * Cuts the folders' pending migrations over now (the new index must be complete). Folders without
   * one are left alone; throws the first migration `CoreError` when none could be cut over.
   */
  async cutOver(keys?: readonly string[]): Promise<string[]> {
    const done: string[] = [];
    let refusal: unknown;
    for (const entry of this.entries(keys)) {
      const index = await this.openFolder(entry).catch(() => undefined);
      if (!index?.store.pendingMigration()) continue;
      try {
        await index.indexer.exclusive(() => cutOver(index.store));
        done.push(entry.spec.key);
      } catch (error) {
        if (!isCoreError(error, 'migration')) throw error;
        refusal ??= error;
      }
      this.refreshMigration(entry, index);
    }
    this.emitState();
    void this.releaseServingRuntimes();
    if (done.length === 0) throw refusal ?? new CoreError('migration', 'nothing-pending', 'There is no migration to cut over to. Change the model to start one.');
    return done;
  }

  /**
   * Makes the index the last cutover replaced active again, in each folder that has one. Returns the
   * model each folder went back to, so the caller can set the settings back to it (otherwise the next
   * index run starts the same migration again).
   */
  async rollBack(keys?: readonly string[]): Promise<RestoredSpace[]> {
    const restored: RestoredSpace[] = [];
    for (const entry of this.entries(keys)) {
      entry.run?.controller.abort();
      await entry.run?.done;
      const index = await this.openFolder(entry).catch(() => undefined);
      if (!index) continue;
      const pending = index.store.pendingMigration();
      if (pending) {
        // Rolling back while a new index is built abandons that build: the active index is already the old one.
        index.store.updateMigration(pending.id, 'abandoned');
        const active = index.store.activeSpace();
        if (active) restored.push({ folder: entry.spec.key, modelId: active.modelId, label: spaceLabel(active), storage: active.storage, ...spaceModel(active) });
      } else {
        try {
          const { space } = await index.indexer.exclusive(() => rollBack(index.store));
          restored.push({ folder: entry.spec.key, modelId: space.modelId, label: spaceLabel(space), storage: space.storage, ...spaceModel(space) });
        } catch (error) {
          if (!isCoreError(error, 'migration')) throw error;
        }
      }
      this.refreshMigration(entry, index);
      if (!this.paused && !entry.run) entry.state.phase = completeness(index);
    }
    this.emitState();
    if (restored.length === 0) throw new CoreError('migration', 'nothing-to-roll-back', 'There is no earlier index to go back to: no cutover happened, or its old index has already been removed.');
    return restored;
  }

  /**
   * The migration report of each folder with a migration in progress or one that can be rolled back:
   * the saved one, or a fresh one when asked (or when none was saved yet).
   */
  async migrationReports(options: { keys?: readonly string[]; refresh?: boolean; signal?: AbortSignal } = {}): Promise<{ folder: string; name: string; report: MigrationReport }[]> {
    const reports: { folder: string; name: string; report: MigrationReport }[] = [];
    for (const entry of this.entries(options.keys)) {
      const index = await this.openFolder(entry).catch(() => undefined);
      if (!index) continue;
      const migration = currentMigration(index.store);
      if (!migration) continue;
      let report = migration.report as MigrationReport | undefined;
      if (!report || options.refresh) {
        report = await reportMigration({ store: index.store, migration, embedderFor: (space) => this.servingEmbedder(space.modelFingerprint), recentQueries: this.recentQueries, signal: options.signal });
        this.refreshMigration(entry, index);
      }
      reports.push({ folder: entry.spec.key, name: entry.spec.name, report });
    }
    this.emitState();
    return reports;
  }

  /**
   * The calibrated value of a threshold in the active index of a folder, calibrating it first when
   * it never was (the first find-similar or duplicate search after an index is built).
   */
  async threshold(key: string, name: ThresholdName, signal?: AbortSignal): Promise<number | undefined> {
    const entry = this.folders.get(key);
    const index = entry && (await this.openFolder(entry).catch(() => undefined));
    const space = index?.store.activeSpace();
    if (!index || !space) return undefined;
    const saved = index.store.calibration(space.id, name);
    if (saved) return saved.value;
    const embedder = await this.servingEmbedder(space.modelFingerprint);
    if (!embedder) return undefined;
    try {
      const result = await calibrateThresholds(index.store, space, { embedder, signal });
      return result[name].value;
    } catch (error) {
      // Too small an index has no meaningful threshold: the feature then shows unfiltered results.
      if (isCoreError(error, 'calibration')) {
        this.events.log('info', `${entry.spec.name}: ${error.message}`);
        return undefined;
      }
      throw error;
    }
  }

  /** Exact and near-duplicate code in each folder's active index, at the index's calibrated `duplicate` threshold. */
  async duplicates(options: { keys?: readonly string[]; signal?: AbortSignal; onProgress?: (examined: number, total: number) => void } = {}): Promise<{ folder: string; name: string; result: DuplicatesResult | undefined; problem: string | undefined }[]> {
    const results: { folder: string; name: string; result: DuplicatesResult | undefined; problem: string | undefined }[] = [];
    for (const entry of this.entries(options.keys)) {
      const index = await this.openFolder(entry).catch(() => undefined);
      const space = index?.store.activeSpace();
      if (!index || !space) {
        results.push({ folder: entry.spec.key, name: entry.spec.name, result: undefined, problem: 'not indexed yet' });
        continue;
      }
      const threshold = await this.threshold(entry.spec.key, 'duplicate', options.signal);
      if (threshold === undefined) {
        results.push({ folder: entry.spec.key, name: entry.spec.name, result: undefined, problem: 'too little code is indexed to calibrate what counts as a duplicate' });
        continue;
      }
      const result = await findDuplicates(index.store, space, { threshold, signal: options.signal, onProgress: (progress) => options.onProgress?.(progress.examined, progress.total) });
      results.push({ folder: entry.spec.key, name: entry.spec.name, result, problem: undefined });
    }
    return results;
  }

  /**
   * Measures every storage option of a folder's active index (the first folder when none is named)
   * on its own vectors and doc comments, and recommends one. Waits for a running index run first, so
   * the spaces it builds for measuring are not collected under it.
   */
  async tradeoffs(options: { key?: string; signal?: AbortSignal; onProgress?: (done: number, total: number, message: string) => void } = {}): Promise<{ folder: string; name: string; report: TradeoffReport }> {
    const entry = options.key ? this.folders.get(options.key) : [...this.folders.values()][0];
    if (!entry) throw new CoreError('migration', 'no-folder', 'Open a folder to compare storage options on its index.');
    await entry.run?.done;
    const index = await this.openFolder(entry);
    const active = index.store.activeSpace();
    if (!active) throw new CoreError('migration', 'no-index', `${entry.spec.name} has no index yet: index it, then compare storage options.`);
    const embedder = await this.servingEmbedder(active.modelFingerprint);
    if (!embedder) throw new CoreError('migration', 'model-not-loaded', `The model of ${entry.spec.name}'s index (${active.modelId}) cannot be loaded to embed the queries.`);
    const report = await compareStorage({ store: index.store, embedder, recentQueries: this.recentQueries, signal: options.signal, onProgress: options.onProgress });
    return { folder: entry.spec.key, name: entry.spec.name, report };
  }

  /**
   * Judges every installed model (and its storage options) on a folder's own documented code (the
   * first folder when none is named). Models load one at a time beside the indexer's, which is reused
   * for its own folder; nothing is downloaded. Waits for a running index run first, so the pool is
   * drawn from a settled index.
   */
  async evaluateModels(options: {
    key?: string;
    /** Where installed models are (the index's own model is added from its space). */
    locations: Omit<InstalledModelsOptions, 'current'>;
    queries?: number;
    distractors?: number;
    signal?: AbortSignal;
    onProgress?: (progress: EvaluationProgress) => void;
  }): Promise<{ folder: string; name: string; report: ModelEvaluationReport }> {
    const entry = options.key ? this.folders.get(options.key) : [...this.folders.values()][0];
    if (!entry) throw new CoreError('migration', 'no-folder', 'Open a folder to find the model that suits its code.');
    await entry.run?.done;
    const index = await this.openFolder(entry);
    const settings = this.requireSettings();
    const models = evaluationCandidates(index.store, options.locations);
    const shared = this.runtime;
    const report = await evaluateModels({
      store: index.store,
      models,
      loadModel: async (candidate) => {
        // The indexer's own model is already loaded: lend it, and leave it running afterwards.
        if (shared && path.resolve(shared.info.modelDirectory) === path.resolve(candidate.directory) && shared.info.quantization === candidate.quantization) {
          return { info: shared.info, embed: (texts, purpose, signal) => shared.embed(texts, purpose, signal), dispose: async () => undefined };
        }
        return EmbeddingRuntime.load({
          modelDirectory: candidate.directory,
          modelId: candidate.modelId,
          quantization: candidate.quantization,
          device: settings.device,
          threads: settings.threads > 0 ? settings.threads : undefined,
          workerScript: settings.embeddingWorkerScript,
          log: (level, message) => this.events.log(level, message),
        });
      },
      queries: options.queries,
      distractors: options.distractors,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    return { folder: entry.spec.key, name: entry.spec.name, report };
  }

  /**
   * The model's files changed on disk (a new download, a replaced file): load it again. A new
   * fingerprint means a new index built beside the old one (a migration); the same fingerprint is
   * checked against the canaries when the folders reopen.
   */
  async reloadModel(): Promise<void> {
    const settings = this.requireSettings();
    this.settings = undefined;
    await this.configure(settings, [...this.folders.values()].map((entry) => entry.spec));
  }

  /** Languages present in the indexes, for the panel's filter. */
  async languages(): Promise<string[]> {
    const all = new Set<string>();
    for (const entry of this.folders.values()) {
      if (!entry.index) continue;
      for (const language of entry.index.store.languages()) all.add(language);
    }
    return [...all].sort();
  }

  /** Detailed status of every folder that is open (files, chunks, skips, spaces, database size). */
  details(): { key: string; name: string; status: FolderIndexStatus | undefined; state: FolderState }[] {
    return [...this.folders.values()].map((entry) => ({ key: entry.spec.key, name: entry.spec.name, status: entry.index?.status(), state: entry.state }));
  }

  state(): ServiceState {
    const info = this.runtime?.info;
    return {
      folders: [...this.folders.values()].map((entry) => ({ ...entry.state })),
      model: info && {
        id: info.manifest.id,
        displayName: info.manifest.displayName,
        fingerprint: info.fingerprint,
        quantization: info.quantization,
        dimensions: info.manifest.dimensions,
        provider: info.provider,
        cpuFallbackReason: info.cpuFallbackReason,
      },
      modelError: this.modelError,
      paused: this.paused,
    };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const entry of this.folders.values()) await this.closeFolder(entry);
    const runtime = this.runtime ?? (await this.runtimeLoading?.catch(() => undefined));
    await runtime?.dispose();
    for (const serving of this.servingRuntimes.values()) await (await serving)?.dispose();
    this.servingRuntimes.clear();
  }

  /**
   * The model that answers queries for spaces of `fingerprint`: the settings' model, or one kept or
   * loaded from the space's own record (model folder and quantization) while that space is active.
   */
  private servingEmbedder(fingerprint: string): Promise<EmbeddingRuntime | undefined> {
    if (this.runtime?.info.fingerprint === fingerprint) return Promise.resolve(this.runtime);
    let serving = this.servingRuntimes.get(fingerprint);
    if (!serving) {
      // Any space of that model records where its files were: the active one, or a retained one (a report after cutover).
      const space = [...this.folders.values()].flatMap((entry) => entry.index?.store.vectorSpaces() ?? []).find((candidate) => candidate.modelFingerprint === fingerprint);
      if (!space || !spaceModel(space).modelDirectory) return Promise.resolve(undefined);
      const settings = this.requireSettings();
      serving = loadSpaceModel(space, {
        device: settings.device,
        threads: settings.threads > 0 ? settings.threads : undefined,
        workerScript: settings.embeddingWorkerScript,
      }).then(
        (loaded) => {
          if ('runtime' in loaded) return loaded.runtime;
          // Same folder, other bytes: these files can no longer embed queries for that space.
          this.events.log('warn', `The model files of ${space.modelId} changed since its index was built; that index can only be searched by words until it is rebuilt.`);
          return undefined;
        },
        () => undefined,
      );
      this.servingRuntimes.set(fingerprint, serving);
    }
    return serving;
  }

  /** Disposes kept models no active space needs any more (after a cutover). */
  private async releaseServingRuntimes(): Promise<void> {
    const needed = new Set([...this.folders.values()].flatMap((entry) => {
      const space = entry.index?.store.activeSpace();
      return space ? [space.modelFingerprint] : [];
    }));
    // Chosen and removed at once: a model loaded again while these are disposed (a rollback) is a new entry.
    const unneeded = [...this.servingRuntimes].filter(([fingerprint]) => !needed.has(fingerprint));
    for (const [fingerprint] of unneeded) this.servingRuntimes.delete(fingerprint);
    for (const [, serving] of unneeded) await (await serving)?.dispose();
  }

  // ---- internals ----

  private requireSettings(): ServiceSettings {
    if (!this.settings) throw new Error('The workspace service has no settings yet.');
    return this.settings;
  }

  private entries(keys?: readonly string[]): FolderEntry[] {
    return keys ? keys.flatMap((key) => (this.folders.has(key) ? [this.folders.get(key)!] : [])) : [...this.folders.values()];
  }

  private loadRuntime(): Promise<EmbeddingRuntime> {
    if (this.runtime) return Promise.resolve(this.runtime);
    if (!this.runtimeLoading) {
      const settings = this.requireSettings();
      const loading = EmbeddingRuntime.load({
        modelDirectory: settings.modelDirectory,
        modelId: settings.modelId,
        quantization: settings.quantization,
        device: settings.device,
        threads: settings.threads > 0 ? settings.threads : undefined,
        workerScript: settings.embeddingWorkerScript,
        log: (level, message) => this.events.log(level, message),
      });
      this.runtimeLoading = loading;
      loading.then(
        (runtime) => {
          if (this.runtimeLoading !== loading) return;
          this.runtime = runtime;
          this.modelError = undefined;
          this.emitState();
        },
        (error: unknown) => {
          if (this.runtimeLoading !== loading) return;
          this.runtimeLoading = undefined;
          this.modelError = describeError(error);
          this.events.log('warn', `The model could not be loaded: ${this.modelError.message}`);
          this.emitState();
        },
      );
    }
    return this.runtimeLoading;
  }

  private openFolder(entry: FolderEntry): Promise<FolderIndex> {
    if (entry.index) return Promise.resolve(entry.index);
    if (!entry.opening) {
      const settings = this.requireSettings();
      const migration = settings.migration ?? DEFAULT_MIGRATION_SETTINGS;
      let opened: FolderIndex | undefined;
      const opening = this.loadRuntime().then(async (runtime) => {
        opened = await FolderIndex.open({
          root: entry.spec.root,
          databasePath: entry.spec.databasePath,
          modelDirectory: runtime.info.modelDirectory,
          runtime,
          otherEmbedders: (fingerprint) => this.servingEmbedder(fingerprint),
          folderKey: entry.spec.key,
          discovery: settings.discovery,
          chunking: settings.chunking,
          storage: settings.storage,
          wasmDirectory: settings.wasmDirectory,
          retentionMs: migration.retentionDays * 86_400_000,
          decideCutover: (pending, _from, to) => this.decideCutover(entry, opened!, pending, to),
          // Once per open in a session, off the UI thread: a damaged database is rebuilt, not extended.
          verifyDatabase: true,
          log: (level, message) => this.events.log(level, message),
        });
        return opened;
      });
      entry.opening = opening;
      opening.then(
        (index) => {
          if (entry.opening !== opening) return void index.close();
          entry.index = index;
          entry.opening = undefined;
          if (entry.state.phase === 'error') entry.state.error = undefined;
          if (index.damaged) {
            entry.state.recovered = `${index.damaged.message} The folder is being indexed again.`;
            // Searching an empty index finds nothing: rebuild it now, whatever asked for the folder.
            if (!entry.run && !this.paused) void this.startRun(entry, (opened, run) => opened.index(run));
          }
          entry.state.stale =
            index.canaries?.status === 'drifted'
              ? `The model now computes other vectors than when this index was built (canary similarity ${index.canaries.minimumCosine.toFixed(3)}); searches by meaning may miss. Rebuild the index.`
              : undefined;
          this.refreshMigration(entry, index);
          this.refreshPhase(entry);
          this.emitState();
        },
        (error: unknown) => {
          if (entry.opening !== opening) return;
          entry.opening = undefined;
          this.failFolder(entry, error);
        },
      );
    }
    return entry.opening;
  }

  private async closeFolder(entry: FolderEntry): Promise<void> {
    entry.run?.controller.abort();
    await entry.run?.done;
    const opening = entry.opening;
    entry.opening = undefined;
    const index = entry.index ?? (await opening?.catch(() => undefined));
    entry.index = undefined;
    await index?.close();
  }

  private async startRun(entry: FolderEntry, operation: (index: FolderIndex, run: { signal: AbortSignal; onProgress: (progress: IndexProgress) => void }) => Promise<IndexResult>): Promise<void> {
    // A run being stopped (a pause, a reconfiguration) is not joined: it ends without doing the work asked
    // for now (a resume right after a pause would index nothing). Wait for it to end, then start afresh.
    while (entry.run?.controller.signal.aborted) await entry.run.done;
    if (entry.run) return entry.run.done;
    const controller = new AbortController();
    entry.state.phase = 'loading';
    entry.state.error = undefined;
    this.emitState();
    const done = (async () => {
      try {
        const index = await this.openFolder(entry);
        controller.signal.throwIfAborted();
        entry.state.phase = 'indexing';
        this.emitState();
        const result = await operation(index, {
          signal: controller.signal,
          onProgress: (progress) => {
            entry.state.progress = progress;
            // The run starts a migration when it targets a new space: show it from its first progress.
            if (entry.state.migration === undefined && index.store.pendingMigration()) {
              this.refreshMigration(entry, index);
              this.emitState();
            }
            this.events.onProgress(entry.spec.key, progress);
          },
        });
        this.finishRun(entry, result, index);
      } catch (error) {
        if (isAbortError(error) || controller.signal.aborted) {
          entry.state.phase = this.paused ? 'paused' : 'partial';
          entry.state.progress = undefined;
          this.emitState();
        } else {
          this.failFolder(entry, error);
        }
      } finally {
        entry.run = undefined;
      }
    })();
    entry.run = { controller, done };
    return done;
  }

  private finishRun(entry: FolderEntry, result: IndexResult, index: FolderIndex): void {
    entry.state.lastRun = {
      filesIndexed: result.filesIndexed,
      filesRemoved: result.filesRemoved,
      chunksEmbedded: result.chunksEmbedded,
      milliseconds: result.milliseconds,
      truncations: result.truncations.length,
      failures: result.failures.length,
    };
    entry.state.progress = undefined;
    entry.state.error = undefined;
    if (!this.paused) entry.state.phase = completeness(index);
    this.refreshMigration(entry, index);
    this.emitState();
    void this.releaseServingRuntimes();
  }

  /** After a folder opens: its phase says how complete its index is, unless a run or a pause says more. */
  private refreshPhase(entry: FolderEntry): void {
    if (entry.run || this.paused || !entry.index) return;
    entry.state.phase = completeness(entry.index);
  }

  /**
   * Called by the indexer when a new index is complete: writes the migration report into the
   * migration's record and says whether to cut over now (quality held and automatic cutover on).
   */
  private async decideCutover(entry: FolderEntry, index: FolderIndex, migration: Migration, to: VectorSpace): Promise<boolean> {
    const settings = this.requireSettings().migration ?? DEFAULT_MIGRATION_SETTINGS;
    const { decision, reportError } = await decideCutover({ store: index.store, migration, embedderFor: (space) => this.servingEmbedder(space.modelFingerprint), recentQueries: this.recentQueries, policy: cutoverPolicy(settings) });
    if (reportError !== undefined) this.events.log('warn', `${entry.spec.name}: the migration report could not be made (${reportError instanceof Error ? reportError.message : String(reportError)}).`);
    const reason = holdReason(decision);
    if (reason) this.events.log('info', `${entry.spec.name}: the new index of ${to.modelId} is complete; ${reason}`);
    return reason === undefined;
  }

  /** Recomputes what the folder's state says about its migration, from the database. */
  private refreshMigration(entry: FolderEntry, index: FolderIndex): void {
    const status = migrationStatus(index.store);
    const modelOf = (spaceId: string | undefined) => {
      const space = spaceId ? index.store.vectorSpaces().find((candidate) => candidate.id === spaceId) : undefined;
      return space && spaceLabel(space);
    };
    const settings = this.settings?.migration ?? DEFAULT_MIGRATION_SETTINGS;
    const pending = status.pending;
    if (pending) {
      const report = pending.report as MigrationReport | undefined;
      const awaiting = pending.state === 'ready';
      entry.state.migration = {
        id: pending.id,
        phase: awaiting ? 'awaiting-decision' : 'building',
        fromModel: modelOf(pending.fromSpace),
        toModel: spaceLabel(pending.target),
        missing: pending.missing,
        decisionReason: awaiting ? (holdReason(cutoverDecision(report, cutoverPolicy(settings))) ?? 'waiting for the cutover') : undefined,
        canRollBack: status.rollbackTo !== undefined,
        updatedAt: pending.updatedAt,
        hasReport: report !== undefined,
      };
      return;
    }
    const last = rollbackableCutover(status);
    entry.state.migration =
      last
        ? {
            id: last.id,
            phase: 'cut-over',
            fromModel: modelOf(last.fromSpace),
            toModel: modelOf(last.toSpace) ?? last.toSpace,
            missing: 0,
            decisionReason: undefined,
            canRollBack: true,
            updatedAt: last.updatedAt,
            hasReport: last.report !== undefined,
          }
        : undefined;
  }

  private rememberQuery(query: string): void {
    const trimmed = query.trim();
    if (trimmed === '') return;
    const existing = this.recentQueries.indexOf(trimmed);
    if (existing >= 0) this.recentQueries.splice(existing, 1);
    this.recentQueries.push(trimmed);
    if (this.recentQueries.length > RECENT_QUERY_LIMIT) this.recentQueries.shift();
  }

  private failFolder(entry: FolderEntry, error: unknown): void {
    entry.state.phase = 'error';
    entry.state.progress = undefined;
    entry.state.error = describeError(error);
    this.events.log('warn', `${entry.spec.name}: ${entry.state.error.message}`);
    this.emitState();
  }

  private emitState(): void {
    if (!this.disposed) this.events.onState(this.state());
  }
}

/** The policy the settings give `cutoverDecision`. */
function cutoverPolicy(settings: MigrationSettings): CutoverPolicy {
  return { automatic: settings.autoCutover, margin: settings.qualityMargin };
}

/** Why a complete new index waits for the user instead of cutting over by itself, naming the setting involved; undefined when it need not. */
function holdReason(decision: CutoverDecision): string | undefined {
  if (decision.cutOver) return undefined;
  switch (decision.reason) {
    case 'manual':
      return `${decision.text} (semanticSearch.migration.autoCutover), so it waits for you to cut over.`;
    case 'quality-fell':
      return `${decision.text} (semanticSearch.migration.qualityMargin), so it waits for you to cut over or roll back.`;
    default:
      return `${decision.text}, so it waits for you to review the report, then cut over or roll back.`;
  }
}

function completeness(index: FolderIndex): FolderPhase {
  const active = index.store.activeSpace();
  return !active ? 'idle' : index.store.isSpaceComplete(active.id) ? 'ready' : 'partial';
}

function runtimeKey(settings: ServiceSettings): string {
  return JSON.stringify([settings.modelDirectory, settings.modelId ?? null, settings.quantization, settings.device, settings.threads]);
}

function emptyState(spec: FolderSpec): FolderState {
  return { key: spec.key, name: spec.name, phase: 'idle', progress: undefined, error: undefined, migration: undefined, stale: undefined, recovered: undefined, lastRun: undefined };
}
