// The workspace service's shared handle: the folders, the settings and the loaded models, and the folder
// lifecycle every part of the service goes through (open on first use, one index run per folder at a time,
// close). The service's other modules take this handle; `WorkspaceService` owns one.
import { EmbeddingRuntime } from '../embedding/runtime.ts';
import { isAbortError } from '../errors.ts';
import { FolderIndex } from '../folder-index.ts';
import type { IndexProgress, IndexResult } from '../indexing/indexer.ts';
import type { Quantization } from '../model/fingerprint.ts';
import { loadSpaceModel } from '../operations/migration.ts';
import { spaceModel } from '../model/model-location.ts';
import { decideCutover, refreshMigration } from './migration-state.ts';
import { DEFAULT_MIGRATION_SETTINGS, describeError, type FolderPhase, type FolderSpec, type FolderState, type ServiceError, type ServiceEvents, type ServiceSettings, type ServiceState } from './service-types.ts';

/** Queries remembered for the migration report's overlap (newest last). */
const RECENT_QUERY_LIMIT = 50;

/** One folder of the workspace: its index once open, its run, and what the editor shows of it. */
export interface FolderEntry {
  spec: FolderSpec;
  index: FolderIndex | undefined;
  opening: Promise<FolderIndex> | undefined;
  run: { controller: AbortController; done: Promise<void> } | undefined;
  state: FolderState;
  /** Changed paths an update could not apply (the index would not open, or the update failed): sent again with the next one. */
  unapplied: Set<string>;
  /** The last warm-up of the open index (`warmFolder`): the space whose vectors it reads into memory ahead of the first search. */
  warming: { spaceId: string; controller: AbortController; done: Promise<void> } | undefined;
}

/** What the service's modules share: the folders, the settings, the models, and the folder lifecycle. */
export class ServiceCore {
  readonly events: ServiceEvents;
  settings: ServiceSettings | undefined;
  readonly folders = new Map<string, FolderEntry>();
  runtime: EmbeddingRuntime | undefined;
  /**
   * Models kept to answer queries for spaces that are still active but belong to another model than
   * the settings' (during a migration), by model fingerprint. Undefined when that model's files no
   * longer give the fingerprint (they changed under the same name).
   */
  readonly servingRuntimes = new Map<string, Promise<EmbeddingRuntime | undefined>>();
  runtimeLoading: Promise<EmbeddingRuntime> | undefined;
  /** Queries searched lately, for the migration report (kept in memory only). */
  readonly recentQueries: string[] = [];
  modelError: ServiceError | undefined;
  paused = false;
  disposed = false;

  constructor(events: ServiceEvents) {
    this.events = events;
  }

  /** What the front end shows: a copy of every folder's state, the loaded model, and whether indexing is paused. */
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

  /**
   * The model that answers queries for spaces of `fingerprint`: the settings' model, or one kept or
   * loaded from the space's own record (model folder and quantization) while that space is active.
   */
  servingEmbedder(fingerprint: string): Promise<EmbeddingRuntime | undefined> {
    if (this.runtime?.info.fingerprint === fingerprint) return Promise.resolve(this.runtime);
    let serving = this.servingRuntimes.get(fingerprint);
    if (!serving) {
      // Any space of that model records where its files were: the active one, or a retained one (a report after cutover).
      const space = [...this.folders.values()].flatMap((entry) => entry.index?.store.vectorSpaces() ?? []).find((candidate) => candidate.modelFingerprint === fingerprint);
      if (!space || !spaceModel(space).modelDirectory) return Promise.resolve(undefined);
      const settings = this.requireSettings();
      serving = loadSpaceModel(space, machineOptions(settings)).then(
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
  async releaseServingRuntimes(): Promise<void> {
    const needed = new Set([...this.folders.values()].flatMap((entry) => {
      const space = entry.index?.store.activeSpace();
      return space ? [space.modelFingerprint] : [];
    }));
    // Chosen and removed at once: a model loaded again while these are disposed (a rollback) is a new entry.
    const unneeded = [...this.servingRuntimes].filter(([fingerprint]) => !needed.has(fingerprint));
    for (const [fingerprint] of unneeded) this.servingRuntimes.delete(fingerprint);
    for (const [, serving] of unneeded) await (await serving)?.dispose();
  }

  /** The settings; throws before the first `configure`. */
  requireSettings(): ServiceSettings {
    if (!this.settings) throw new Error('The workspace service has no settings yet.');
    return this.settings;
  }

  /** The folders with these keys (unknown keys are skipped), or all of them. */
  entries(keys?: readonly string[]): FolderEntry[] {
    return keys ? keys.flatMap((key) => (this.folders.has(key) ? [this.folders.get(key)!] : [])) : [...this.folders.values()];
  }

  /** The settings' model, loaded once and shared by every folder; a failure is kept in `modelError`. */
  loadRuntime(): Promise<EmbeddingRuntime> {
    if (this.runtime) return Promise.resolve(this.runtime);
    if (!this.runtimeLoading) {
      const settings = this.requireSettings();
      const loading = loadModel(settings, { modelDirectory: settings.modelDirectory, modelId: settings.modelId, quantization: settings.quantization }, this.events);
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

  /** The folder's index, opened on first use (once, however many ask); a failure puts the folder in the error state. */
  openFolder(entry: FolderEntry): Promise<FolderIndex> {
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
          chunkingWorker: settings.chunkingWorkerScript,
          retentionMs: migration.retentionDays * 86_400_000,
          decideCutover: (pending, _from, to) => decideCutover(this, entry, opened!, pending, to),
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
          refreshMigration(this, entry, index);
          this.refreshPhase(entry);
          this.emitState();
          this.warmFolder(entry, index);
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

  /**
   * Reads the folder's active space's vectors into memory in the background (`FolderIndex.warmUp`), so the first
   * search does not wait for them: when the index opens, and when the active space changes (the first run, a
   * cutover at the end of a run or on request, a rollback). Slices of it take turns with indexing and searching on
   * this thread; a search meanwhile reads the rest itself. Once per space and open: after another process's commit
   * the next search reads them again, as it would have, instead of every save of this window reading them in the
   * background.
   */
  warmFolder(entry: FolderEntry, index: FolderIndex): void {
    const active = index.store.activeSpace();
    if (this.disposed || !active || entry.warming?.spaceId === active.id) return;
    entry.warming?.controller.abort();
    const controller = new AbortController();
    const done = index.warmUp(controller.signal).then(
      (warmed) => {
        const vectors = warmed.vectors;
        if (warmed.loaded && vectors) this.events.log('info', `${entry.spec.name}: ${vectors.rows.toLocaleString('en')} vectors read into memory ahead of searches (${(vectors.bytes / 2 ** 20).toFixed(0)} MB, ${vectors.milliseconds.toFixed(0)} ms of reading).`);
      },
      (error: unknown) => {
        // A failure here costs nothing but speed: the first search reads the vectors itself, or reports the fault.
        if (!isAbortError(error)) this.events.log('warn', `${entry.spec.name}: reading the vectors into memory ahead of searches failed: ${describeError(error).message}`);
      },
    );
    entry.warming = { spaceId: active.id, controller, done };
  }

  /** Stops the folder's run and warm-up and closes its index (or the one being opened). */
  async closeFolder(entry: FolderEntry): Promise<void> {
    entry.run?.controller.abort();
    entry.warming?.controller.abort();
    await entry.run?.done;
    await entry.warming?.done;
    entry.warming = undefined;
    const opening = entry.opening;
    entry.opening = undefined;
    const index = entry.index ?? (await opening?.catch(() => undefined));
    entry.index = undefined;
    await index?.close();
  }

  /** Runs an index operation on the folder, or joins the one running: one run per folder at a time. */
  async startRun(entry: FolderEntry, operation: (index: FolderIndex, run: { signal: AbortSignal; onProgress: (progress: IndexProgress) => void }) => Promise<IndexResult>): Promise<void> {
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
              refreshMigration(this, entry, index);
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

  /** Records a finished run (or update) in the folder's state. */
  finishRun(entry: FolderEntry, result: IndexResult, index: FolderIndex): void {
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
    refreshMigration(this, entry, index);
    this.emitState();
    this.warmFolder(entry, index);
    void this.releaseServingRuntimes();
  }

  /** After a folder opens: its phase says how complete its index is, unless a run or a pause says more. */
  refreshPhase(entry: FolderEntry): void {
    if (entry.run || this.paused || !entry.index) return;
    entry.state.phase = completeness(entry.index);
  }

  /** Remembers a searched query for the migration report (the newest RECENT_QUERY_LIMIT, without repeats). */
  rememberQuery(query: string): void {
    const trimmed = query.trim();
    if (trimmed === '') return;
    const existing = this.recentQueries.indexOf(trimmed);
    if (existing >= 0) this.recentQueries.splice(existing, 1);
    this.recentQueries.push(trimmed);
    if (this.recentQueries.length > RECENT_QUERY_LIMIT) this.recentQueries.shift();
  }

  /** Puts the folder in the error state with why, and logs it. */
  failFolder(entry: FolderEntry, error: unknown): void {
    entry.state.phase = 'error';
    entry.state.progress = undefined;
    entry.state.error = describeError(error);
    this.events.log('warn', `${entry.spec.name}: ${entry.state.error.message}`);
    this.emitState();
  }

  /** Pushes the state to the front end (not after dispose). */
  emitState(): void {
    if (!this.disposed) this.events.onState(this.state());
  }
}

/** Loads a model on the machine the settings ask for (device, threads, worker script), logging to the service's events. */
export function loadModel(settings: ServiceSettings, model: { modelDirectory: string; modelId: string | undefined; quantization: Quantization }, events: ServiceEvents): Promise<EmbeddingRuntime> {
  return EmbeddingRuntime.load({ ...model, ...machineOptions(settings), log: (level, message) => events.log(level, message) });
}

/** Where and how the settings run a model, whichever model it is. */
function machineOptions(settings: ServiceSettings): { device: ServiceSettings['device']; threads: number | undefined; workerScript: string | undefined } {
  return { device: settings.device, threads: settings.threads > 0 ? settings.threads : undefined, workerScript: settings.embeddingWorkerScript };
}

/** How complete a folder's active index is. */
export function completeness(index: FolderIndex): FolderPhase {
  const active = index.store.activeSpace();
  return !active ? 'idle' : index.store.isSpaceComplete(active.id) ? 'ready' : 'partial';
}

/** What a loaded model depends on: a change of any of these drops it. */
export function runtimeKey(settings: ServiceSettings): string {
  return JSON.stringify([settings.modelDirectory, settings.modelId ?? null, settings.quantization, settings.device, settings.threads]);
}

/** A folder's state before anything is known of its index. */
export function emptyState(spec: FolderSpec): FolderState {
  return { key: spec.key, name: spec.name, phase: 'idle', progress: undefined, error: undefined, migration: undefined, stale: undefined, recovered: undefined, lastRun: undefined };
}
