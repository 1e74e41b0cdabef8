// The workspace service's vocabulary: its settings, the folders it is given, and the state and errors it
// reports. Plain data, so every value crosses the worker boundary as it is.
import { DEFAULT_RETENTION_DAYS } from '../migration/lifecycle.ts';
import type { DeviceSetting } from '../embedding/providers.ts';
import { isCoreError, type CoreErrorKind, type NextStep } from '../errors.ts';
import type { ChunkingSettings } from '../folder-index.ts';
import type { IndexProgress } from '../indexing/indexer.ts';
import type { DiscoveryOptions } from '../discovery/types.ts';
import type { Quantization } from '../model/fingerprint.ts';
import type { SearchScope } from '../search/scope.ts';
import type { SearchHit, SearchMode } from '../search/search.ts';
import type { StorageOption } from '../store/storage-option.ts';

/** What one search from a front end may choose; everything else comes from the settings. */
export interface SearchRequestFilters {
  k?: number;
  languages?: string[];
  pathGlob?: string;
  excludeTests?: boolean;
  scope?: SearchScope;
  mode?: SearchMode;
}

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
  /** For a bundled build: where the embedding and chunking worker scripts and the tree-sitter wasm files are. */
  embeddingWorkerScript?: string;
  chunkingWorkerScript?: string;
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

/** Turns any error into what the user sees: a `CoreError` of any kind keeps its kind, reason and next step; others become `other`. */
export function describeError(error: unknown): ServiceError {
  if (isCoreError(error)) return { kind: error.kind, reason: error.reason, message: error.message, nextStep: error.nextStep };
  return { kind: 'other', reason: 'unexpected', message: error instanceof Error ? error.message : String(error), nextStep: 'none' };
}
