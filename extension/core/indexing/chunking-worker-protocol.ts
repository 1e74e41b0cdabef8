// The messages between a `WorkerChunker` (worker-chunker.ts) and its thread (chunking-worker.ts).
import type { ChunkerOptions, Chunk } from '../chunking/types.ts';
import type { TokenizationSettings } from '../embedding/tokenization.ts';

/** What the chunking thread is started with: the chunker's options and the tokenizer that measures chunks. */
export interface ChunkingWorkerConfiguration {
  /** `ChunkerOptions` without the functions (the thread makes its own token counter and sends warnings back). */
  chunker: Omit<ChunkerOptions, 'countTokens' | 'logger'>;
  /** The model folder whose tokenizer measures chunks, as `ModelTokenizer.load` takes it. */
  tokenizer: { modelDirectory: string; settings: TokenizationSettings; direct: boolean };
}

/** A failure as it crosses the thread: a chunking `CoreError` keeps its reason, an abort its name. */
export interface SerializedChunkingError {
  name: string;
  message: string;
  reason?: string;
}

export type RequestToChunkingWorker =
  | { type: 'chunk'; requestId: number; path: string; text: string }
  | { type: 'cancel'; requestId: number };

export type MessageFromChunkingWorker =
  | { type: 'chunked'; requestId: number; chunks: Chunk[] }
  | { type: 'failed'; requestId: number; error: SerializedChunkingError }
  | { type: 'warn'; message: string };
