// One indexed folder with everything it needs wired together: the store, the embedding runtime, the
// chunker (measuring chunks with the model's own tokenizer), the indexer and the searcher. The CLI and
// the extension's index worker both use this, so both index and search the same way.
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createChunker } from './chunking/chunker.ts';
import { chunkSizeCounter, WorkerChunker } from './indexing/worker-chunker.ts';
import type { Chunker, ChunkerLogger } from './chunking/types.ts';
import type { DiscoveryOptions } from './discovery/types.ts';
import { EmbeddingRuntime, type RuntimeOptions } from './embedding/runtime.ts';
import { ModelTokenizer } from './embedding/tokenization.ts';
import { Indexer, type IndexResult, type IndexerOptions, type RunOptions } from './indexing/indexer.ts';
import { Searcher, type EmbedderResolver, type SearchOptions, type SearchResponse } from './search/search.ts';
import { IndexStore, type DamagedDatabase, type ResidentVectors, type StoreStatistics, type WarmUp } from './store/index-store.ts';
import { checkCanaries, type CanaryCheck } from './migration/canaries.ts';
import { storageWarnings, type StorageOption } from './store/storage-option.ts';

export interface ChunkingSettings {
  /** Chunks longer than this many lines are split even when they fit the model's window. */
  maxChunkLines?: number;
  /** Tokens shared by consecutive pieces of a split chunk. Default: an eighth of the window, at most 32; never more than a quarter. */
  overlapTokens?: number;
}

export interface FolderIndexOptions extends Omit<RuntimeOptions, 'log'> {
  /** The folder to index. */
  root: string;
  /** Where the index lives; default `defaultDatabasePath(root)`, outside the folder. */
  databasePath?: string;
  discovery?: Omit<DiscoveryOptions, 'signal' | 'onSkip'>;
  chunking?: ChunkingSettings;
  /** Folder with the tree-sitter wasm files, for a bundled build. */
  wasmDirectory?: string;
  /**
   * Where files are chunked: in a worker thread (default; a bundle passes the thread's script), or `false`
   * for the indexing thread itself.
   */
  chunkingWorker?: false | string | URL;
  /** A runtime already loaded (shared by the folders of a workspace); the index then leaves it running on close. */
  runtime?: EmbeddingRuntime;
  /** The key results of this folder carry (`SearchHit.folder`), e.g. its workspace folder URI. */
  folderKey?: string;
  /**
   * Models other than `runtime` that may answer queries: during a migration the active space still
   * belongs to the previous model. Looked up by model fingerprint.
   */
  otherEmbedders?: EmbedderResolver;
  /** Whether a complete new space replaces the active one now (see Indexer); default yes. */
  decideCutover?: IndexerOptions['decideCutover'];
  /** How long a replaced space is kept for rollback. */
  retentionMs?: number;
  /**
   * How vectors are stored: float32 (default), int8, binary, optionally truncated (Matryoshka). A
   * change is a migration; vectors are converted from a space that keeps float32 ones, not re-embedded.
   */
  storage?: StorageOption;
  /**
   * Read every page of the database before trusting it (see `IndexStore.openOrReplaceDamaged`): for
   * opens that index. A damaged database is replaced either way when opening it fails.
   */
  verifyDatabase?: boolean;
  /**
   * Hold the searched vectors in memory (`IndexStore` `vectorsInMemory`): on unless false. A process that searches
   * once (`semsearch search "QUERY"`) turns it off: loading them costs more than one search from the database.
   */
  vectorsInMemory?: boolean;
  /** Log lines: `info` for what is worth knowing (the device chosen), `warn` for what went wrong. */
  log?: (level: 'info' | 'warn', message: string) => void;
}

/** What `status()` reports. */
export interface FolderIndexStatus extends StoreStatistics {
  root: string;
  databasePath: string;
  model: { id: string; fingerprint: string; quantization: string; dimensions: number; provider: string; cpuFallbackReason: string | undefined };
  activeSpace: { id: string; modelId: string; complete: boolean } | undefined;
  /** The active space's vectors held in memory for searches, if they are (read by a warm-up or the first search). */
  vectorsInMemory?: ResidentVectors;
  skips: { reason: string; count: number; examples: string[] }[];
}

/** Chunks per embedding request (and per vector transaction) when the model is a static table. */
const STATIC_EMBEDDING_BATCH = 128;

/** The user's cache folder for this platform. */
export function cacheDirectory(): string {
  if (process.platform === 'win32') return process.env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches');
  return process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
}

/** The default index location for a folder: under the user's cache, named after the folder and a hash of its real path. */
export function defaultDatabasePath(root: string): string {
  let resolved = path.resolve(root);
  try {
    resolved = realpathSync(resolved);
  } catch {
    // A folder that does not exist yet still gets a stable name.
  }
  const hash = createHash('sha256').update(resolved).digest('hex').slice(0, 16);
  const name = path.basename(resolved).replace(/[^\w.-]+/g, '_') || 'root';
  return path.join(cacheDirectory(), 'semantic-code-search', 'indexes', `${name}-${hash}`, 'index.db');
}

export class FolderIndex {
  readonly root: string;
  readonly store: IndexStore;
  readonly runtime: EmbeddingRuntime;
  readonly chunker: Chunker;
  readonly indexer: Indexer;
  readonly searcher: Searcher;
  /** What re-embedding the canary texts at open said about the model (see migration/canaries.ts). */
  canaries: CanaryCheck | undefined;
  /** Set when the database was damaged at open: it was moved aside and this index starts empty. */
  damaged: DamagedDatabase | undefined;
  private readonly ownsRuntime: boolean;

  private constructor(
    root: string,
    store: IndexStore,
    runtime: EmbeddingRuntime,
    chunker: Chunker,
    indexer: Indexer,
    ownsRuntime: boolean,
    folderKey: string,
    otherEmbedders: EmbedderResolver | undefined,
    oversampling: number | undefined,
  ) {
    this.root = root;
    this.store = store;
    this.runtime = runtime;
    this.chunker = chunker;
    this.indexer = indexer;
    this.ownsRuntime = ownsRuntime;
    this.searcher = new Searcher(store, (fingerprint) => (fingerprint === runtime.info.fingerprint ? runtime : otherEmbedders?.(fingerprint)), folderKey, { oversampling });
  }

  static async open(options: FolderIndexOptions): Promise<FolderIndex> {
    const root = path.resolve(options.root);
    const { store, damaged } = IndexStore.openOrReplaceDamaged(options.databasePath ?? defaultDatabasePath(root), { verify: options.verifyDatabase, vectorsInMemory: options.vectorsInMemory });
    // Said at once: the moved file is kept whatever happens next.
    if (damaged) options.log?.('warn', `${damaged.message} Indexing the folder again rebuilds it.`);
    let runtime = options.runtime;
    try {
      // Written only when it changes: opening to search must work while another process holds the write
      // lock, or on a storage folder that has become read-only.
      if (store.getMeta('root') !== root) store.setMeta('root', root);
      runtime ??= await EmbeddingRuntime.load({ ...options, log: options.log });
      const { manifest, fileHashes } = runtime.info;
      // Throws for an impossible option (more dimensions than the model has); warns for a poor one.
      for (const warning of options.storage ? storageWarnings(options.storage, manifest) : []) options.log?.('warn', warning);
      // This project's own tokenizer where tokenizer.json is exactly its (same ids, several times faster):
      // the chunker counts the tokens of every chunk it cuts.
      const tokenizer = { modelDirectory: runtime.info.modelDirectory, settings: { maxTokens: manifest.maxTokens, queryPrefix: manifest.queryPrefix, documentPrefix: manifest.documentPrefix }, direct: options.backend !== 'onnxruntime' };
      const logger: ChunkerLogger = { warn: (message) => options.log?.('warn', message) };
      const chunkerOptions = {
        maxTokens: manifest.maxTokens,
        // The overlap may not eat the window: at most a quarter of it, whatever the setting says.
        overlapTokens: Math.min(options.chunking?.overlapTokens ?? Math.min(32, Math.floor(manifest.maxTokens / 8)), Math.floor(manifest.maxTokens / 4)),
        maxChunkLines: options.chunking?.maxChunkLines,
        wasmDirectory: options.wasmDirectory,
      };
      // Files are parsed and cut in a thread of their own (indexing/worker-chunker.ts) unless asked not to.
      const chunker: Chunker =
        options.chunkingWorker === false
          ? createChunker({ ...chunkerOptions, countTokens: chunkSizeCounter(ModelTokenizer.load(tokenizer.modelDirectory, tokenizer.settings, { direct: tokenizer.direct })), logger })
          : new WorkerChunker({ chunker: chunkerOptions, tokenizer, logger, workerScript: options.chunkingWorker });
      // Chunk boundaries depend on the tokenizer that measures them, so it is part of the chunk set's name.
      const measuredChunker: Chunker = {
        fingerprint: `${chunker.fingerprint};tokenizer=${(fileHashes['tokenizer.json'] ?? '').slice(0, 16)}`,
        relationsVersion: chunker.relationsVersion,
        queueDepth: chunker.queueDepth,
        prepare: () => chunker.prepare?.(),
        chunkFile: (filePath, text, signal) => chunker.chunkFile(filePath, text, signal),
        dispose: () => chunker.dispose(),
      };
      const indexer = new Indexer({
        root,
        store,
        embedder: runtime,
        chunker: measuredChunker,
        discovery: options.discovery,
        decideCutover: options.decideCutover,
        retentionMs: options.retentionMs,
        storage: options.storage,
        // A static table embeds a request of 128 chunks in about 10 ms (a query waits at most that long), and
        // each request's vectors are stored in one transaction: fewer, larger ones cost less.
        embeddingBatchSize: runtime.info.backend === 'static-table' ? STATIC_EMBEDDING_BATCH : undefined,
        log: (message) => options.log?.('warn', message),
      });
      const index = new FolderIndex(root, store, runtime, measuredChunker, indexer, options.runtime === undefined, options.folderKey ?? '', options.otherEmbedders, options.storage?.oversampling);
      index.damaged = damaged;
      index.canaries = await checkCanaries(store, runtime);
      if (index.canaries.status === 'drifted') {
        options.log?.('warn', `${runtime.info.manifest.id} now computes other vectors than when this index was built (canary cosine ${index.canaries.minimumCosine.toFixed(4)}): the onnxruntime or the device changed. Rebuild the index so queries and chunks match.`);
      }
      return index;
    } catch (error) {
      if (options.runtime === undefined) await runtime?.dispose();
      store.close();
      throw error;
    }
  }

  index(run?: RunOptions): Promise<IndexResult> {
    return this.indexer.indexAll(run);
  }

  update(relativePaths: readonly string[], run?: RunOptions): Promise<IndexResult> {
    return this.indexer.updatePaths(relativePaths, run);
  }

  search(query: string, options?: SearchOptions): Promise<SearchResponse> {
    return this.searcher.search(query, options);
  }

  /**
   * Reads the active space's vectors into memory ahead of the first search (`IndexStore.warmVectors`), a slice at
   * a time, so the first search does not pay for it; nothing without an active space or with `vectorsInMemory`
   * off. A search or an update meanwhile is served as usual. Throws the signal's reason when aborted.
   */
  warmUp(signal?: AbortSignal): Promise<WarmUp> {
    const active = this.store.activeSpace();
    return active ? this.store.warmVectors(active, { signal }) : Promise.resolve({ loaded: false, vectors: undefined });
  }

  status(): FolderIndexStatus {
    const info = this.runtime.info;
    const active = this.store.activeSpace();
    return {
      ...this.store.statistics(this.chunker.fingerprint),
      root: this.root,
      databasePath: this.store.path,
      model: {
        id: info.manifest.id,
        fingerprint: info.fingerprint,
        quantization: info.quantization,
        dimensions: info.manifest.dimensions,
        provider: info.provider,
        cpuFallbackReason: info.cpuFallbackReason,
      },
      activeSpace: active ? { id: active.id, modelId: active.modelId, complete: this.store.isSpaceComplete(active.id) } : undefined,
      vectorsInMemory: active && this.store.residentVectors(active),
      skips: this.store.skips(),
    };
  }

  async close(): Promise<void> {
    this.chunker.dispose();
    if (this.ownsRuntime) await this.runtime.dispose();
    this.store.close();
  }
}
