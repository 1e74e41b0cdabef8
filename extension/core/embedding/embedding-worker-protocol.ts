// Messages between the embedding runtime (caller's thread) and its worker thread.
import type { ModelErrorReason } from '../errors.ts';
import type { ModelManifest } from '../model/manifest.ts';
import type { FileStamp, Quantization } from '../model/fingerprint.ts';
import type { DeviceSetting, ExecutionProvider, ProviderAttempt } from './providers.ts';
import type { EmbeddingPurpose } from './tokenization.ts';

/** What the worker is started with. */
export interface WorkerConfiguration {
  modelDirectory: string;
  /** The Hugging Face repository id, when the folder came from the Hub; helps infer a manifest. */
  modelId?: string;
  quantization: Quantization;
  device: DeviceSetting;
  /** Threads onnxruntime may use for one inference (intra-op). */
  threads: number;
  /** Most texts per inference call. */
  maxBatchSize: number;
  /** Most padded tokens (batch size × longest input) per inference call. */
  maxBatchTokens: number;
  /**
   * `auto` (the default): a static token-table model (this project's `code-static`) is computed directly from
   * its ONNX file's table (static-table.ts), every other model by onnxruntime. `onnxruntime`: always onnxruntime.
   */
  backend?: EmbeddingBackend;
}

/** Which code computes the vectors (see `WorkerConfiguration.backend`). */
export type EmbeddingBackend = 'auto' | 'onnxruntime';

/** What a loaded model is and how it runs. */
export interface RuntimeInfo {
  /** The model folder (absolute). */
  modelDirectory: string;
  manifest: ModelManifest;
  fingerprint: string;
  fileHashes: Record<string, string>;
  /** The hashed files as they were when hashed, by role: a later difference means the fingerprint no longer describes them. */
  fileStamps: Record<string, FileStamp>;
  quantization: Quantization;
  /** The ONNX file in use, relative to the model folder. */
  onnxFile: string;
  /** The execution provider actually running the model. */
  provider: ExecutionProvider;
  /** `static-table`: the model's table read from its ONNX file and computed in TypeScript, on the CPU; `onnxruntime`: a session. */
  backend: 'onnxruntime' | 'static-table';
  /** GPU providers that were skipped or failed before `provider` was chosen. */
  providerAttempts: ProviderAttempt[];
  /** Why the model runs on the CPU although a GPU was allowed; undefined when it runs on a GPU or the CPU was asked for. */
  cpuFallbackReason?: string;
  threads: number;
  /** Milliseconds to hash, load, check and warm up the model. */
  loadMilliseconds: number;
}

/** One input that did not fit the model's window and was cut. */
export interface Truncation {
  /** Index of the text in the request. */
  index: number;
  /** Tokens the whole text has. */
  tokens: number;
  /** Tokens the model saw. */
  keptTokens: number;
}

export interface SerializedError {
  reason: ModelErrorReason | 'aborted';
  message: string;
}

export type RequestToWorker =
  | { type: 'embed'; requestId: number; texts: string[]; purpose: EmbeddingPurpose }
  | { type: 'count'; requestId: number; texts: string[] }
  | { type: 'cancel'; requestId: number }
  /** Finish the inference in progress, release the model and exit (see `closeWorker` in runtime.ts). */
  | { type: 'close' };

export type MessageFromWorker =
  | { type: 'ready'; info: RuntimeInfo }
  | { type: 'load-failed'; error: SerializedError }
  | { type: 'embedded'; requestId: number; vectors: Float32Array; truncations: Truncation[] }
  | { type: 'counted'; requestId: number; counts: number[] }
  | { type: 'failed'; requestId: number; error: SerializedError }
  | { type: 'log'; level: 'info' | 'warn'; message: string };
