// Messages between the extension host and its index worker thread (extension/worker/index-worker.ts).
// Requests carry an id; the worker answers each with one `response`, and sends events as they happen.
import type { IndexProgress } from '../core/indexing/indexer.ts';
import type { SearchResponse } from '../core/search/search.ts';
import type { FolderIndexStatus } from '../core/folder-index.ts';
import type { FolderSpec, FolderState, RelationsRequest, RestoredSpace, SearchRequestFilters, ServiceError, ServiceSettings, ServiceState, SimilarRequest, SimilarResult } from '../core/service/workspace-service.ts';
import type { ChunkRelationsView } from '../core/search/relations.ts';
import type { MigrationReport } from '../core/migration/report.ts';
import type { DuplicatesResult } from '../core/migration/find-duplicates.ts';
import type { TradeoffReport } from '../core/tradeoffs/types.ts';
import type { InstalledModelsOptions } from '../core/evaluation/installed-models.ts';
import type { ModelEvaluationReport } from '../core/evaluation/types.ts';

export type SearchRequestOptions = SearchRequestFilters;

/** Request kinds and what each one answers with. */
export interface WorkerRequests {
  configure: { params: { settings: ServiceSettings; folders: FolderSpec[] }; result: null };
  index: { params: { folders?: string[] }; result: null };
  rebuild: { params: { folders?: string[] }; result: null };
  update: { params: { folder: string; paths: string[] }; result: null };
  pause: { params: Record<string, never>; result: null };
  resume: { params: Record<string, never>; result: null };
  clear: { params: { folders?: string[] }; result: null };
  search: { params: { query: string; options: SearchRequestOptions }; result: SearchResponse };
  similar: { params: SimilarRequest; result: SimilarResult };
  relations: { params: RelationsRequest; result: ChunkRelationsView };
  languages: { params: Record<string, never>; result: string[] };
  details: { params: Record<string, never>; result: { key: string; name: string; status: FolderIndexStatus | undefined; state: FolderState }[] };
  cutOver: { params: { folders?: string[] }; result: string[] };
  rollBack: { params: { folders?: string[] }; result: RestoredSpace[] };
  migrationReports: { params: { folders?: string[]; refresh?: boolean }; result: { folder: string; name: string; report: MigrationReport }[] };
  duplicates: { params: { folders?: string[] }; result: { folder: string; name: string; result: DuplicatesResult | undefined; problem: string | undefined }[] };
  reloadModel: { params: Record<string, never>; result: null };
  /** Stop every request, close the indexes and the model, and exit: a terminated worker could abort the extension host (runtime.ts, closeWorker). */
  shutdown: { params: Record<string, never>; result: null };
  tradeoffs: { params: { folder?: string }; result: { folder: string; name: string; report: TradeoffReport } };
  /** "Which model suits my code?": `locations` say where installed models are; nothing is downloaded. */
  evaluateModels: {
    params: { folder?: string; locations: Omit<InstalledModelsOptions, 'current'>; queries?: number; distractors?: number };
    result: { folder: string; name: string; report: ModelEvaluationReport };
  };
}

export type WorkerRequestType = keyof WorkerRequests;

export type HostToWorker =
  | { [K in WorkerRequestType]: { type: 'request'; id: number; kind: K; params: WorkerRequests[K]['params'] } }[WorkerRequestType]
  | { type: 'cancel'; id: number };

export type WorkerToHost =
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: ServiceError | { kind: 'aborted'; reason: 'aborted'; message: string } }
  | { type: 'state'; state: ServiceState }
  | { type: 'progress'; folder: string; progress: IndexProgress }
  /** How far a long request (e.g. tradeoffs, evaluateModels) has come; `id` is the request's. */
  | { type: 'requestProgress'; id: number; done: number; total: number; message: string }
  | { type: 'log'; level: 'info' | 'warn'; message: string };

/** What the host passes to the worker when it starts it. */
export interface IndexWorkerData {
  /** The bundled embedding worker script. */
  embeddingWorkerScript: string;
  /** The bundled chunking worker script. */
  chunkingWorkerScript: string;
  /** Folder with the tree-sitter wasm files. */
  wasmDirectory: string;
}
