// What "Which model suits my code?" measures, for the panel's Models view, the command and
// `semsearch evaluate --json`. Pure types: the webview imports them. README.md in this folder defines
// every number.
import type { Quantization } from '../model/fingerprint.ts';
import type { StorageOptionSpec } from '../tradeoffs/types.ts';
import type { EvaluationVerdict } from './evidence.ts';

export type { EvaluationVerdict } from './evidence.ts';

/** A model the extension can load without downloading anything. */
export interface InstalledModel {
  /** The name settings and `--models` use: a catalog id (`use-lite`, `bge-small`) or, for a folder, its path. */
  name: string;
  displayName: string;
  /** Where its files are. */
  directory: string;
  /** The Hub repository of a downloaded model (helps the runtime infer its manifest). */
  modelId?: string;
  quantization: Quantization;
  /** bundled: ships with the extension; hub: downloaded from the catalog earlier; folder: a model folder on disk. */
  source: 'bundled' | 'hub' | 'folder';
}

/** One model as evaluated. */
export interface EvaluatedModel {
  name: string;
  /** The manifest's id, e.g. `use-lite`, `BAAI/bge-small-en-v1.5`. */
  id: string;
  displayName: string;
  source: InstalledModel['source'];
  quantization: Quantization;
  dimensions: number;
  /** The model's window in tokens; longer texts are cut. */
  maxTokens: number;
  matryoshka: boolean;
  /** Whether this model built the index searches use now. */
  current: boolean;
  /** Pool texts embedded per second (documents only, as the index embeds them), on this machine. */
  chunksPerSecond: number;
  /** Pool texts longer than the model's window (cut before embedding). */
  truncatedTexts: number;
}

/** One (model, storage option) pair and its retrieval quality on the pool. */
export interface ModelEvaluationRow {
  /** `EvaluatedModel.name`. */
  model: string;
  modelDisplayName: string;
  option: StorageOptionSpec;
  /** E.g. "float32", "binary (rescored from float32) ×40". */
  label: string;
  /** Dimensions the option keeps. */
  dimensions: number;
  /** Vector data one chunk takes (codes and rescoring copies), SQLite's overhead left out. */
  bytesPerVector: number;
  /** Share of queries whose target is in the top 10 of the pool. */
  recallAt10: number;
  /** Mean of 1/rank of the target within the top 10 (0 when absent). */
  mrrAt10: number;
  /** Mean of 1/log2(rank + 1) within the top 10 (one relevant chunk per query). */
  ndcgAt10: number;
  /** The model's embedding throughput (the same for each of its options). */
  chunksPerSecond: number;
  /** Binary only: candidates rescored per query in the pool (the index's net, scaled to the pool). */
  candidates?: number;
  /** The model serving the folder now. */
  currentModel: boolean;
  /** The model and storage serving the folder now. */
  current: boolean;
}

/** The report of "Which model suits my code?". */
export interface ModelEvaluationReport {
  /** 2: targets are declarations (every piece), documentation hidden in every pool text, and a verdict. */
  version: 2;
  createdAt: number;
  /** Results examined per query. */
  k: number;
  /** The seed of the distractor sample (the same seed on the same index gives the same pool). */
  seed: number;
  /** The index the pool came from. */
  index: { chunks: number; vectors: number; modelId: string | undefined; storage: string | undefined };
  /**
   * What every model embedded, in chunks: the targets' pieces and the distractors', documentation
   * hidden in all of them. `targets` counts definitions (one per query), `targetChunks` their pieces.
   */
  pool: { size: number; targets: number; targetChunks: number; distractors: number; droppedQuoting: number };
  queries: {
    /** Distinct queries, one per documented definition. */
    count: number;
    /** From doc comments above definitions, and from Python docstrings. */
    fromDocComments: number;
    fromDocstrings: number;
    /** Documented definitions read that gave no query (the sum of `leftOut`). */
    skipped: number;
    /** Why: no sentence of three words; only licence or attribution lines; a sentence other definitions share too; documentation that could not be hidden. */
    leftOut: { noSentence: number; boilerplate: number; duplicate: number; notHidden: number };
    /** A few queries, to see what they look like. */
    examples: { query: string; path: string; symbol: string | undefined }[];
  };
  models: EvaluatedModel[];
  /** Models that could not be loaded or run, and why. */
  failures: { model: string; message: string }[];
  /** Every (model, option), best first: by MRR@10, then fewer bytes per vector. */
  rows: ModelEvaluationRow[];
  /** Which row the figures name best, or why they name none (too few queries, all zero, a tie). */
  verdict: EvaluationVerdict;
}
