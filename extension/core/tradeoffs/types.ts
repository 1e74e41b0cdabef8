// What "Compare storage options" measures on an index, for the panel's trade-off view, the command
// and `semsearch tradeoffs --json`. One entry per storage option of the active model's vectors.

/** A storage option as the comparison names it (the store's option, flattened for display and Apply). */
export interface StorageOptionSpec {
  /** How vectors are stored and searched. */
  kind: 'float32' | 'int8' | 'binary';
  /** Matryoshka truncation: the first `dimensions` components, normalised again; undefined = all. */
  dimensions?: number;
  /** Binary only: what the candidates are rescored with. */
  rescore?: 'float32' | 'int8';
  /** Binary only: candidates fetched per result wanted (k × oversampling) before rescoring. */
  oversampling?: number;
}

export interface StorageOptionMeasurement {
  option: StorageOptionSpec;
  /** E.g. "binary, float32 rescore ×10", "int8, 256 dims". */
  label: string;
  /** The option the active index uses now. */
  current: boolean;
  /** Bytes one vector takes in this option, everything it needs to be searched included (rescoring copies too). */
  bytesPerVector: number;
  /** bytesPerVector × vectors. */
  totalBytes: number;
  /** Dense query latency over the sample queries, milliseconds. */
  latency: { p50: number; p95: number };
  /** Share of the exact float32 top 10 (full dimensions) this option returns, averaged over the queries. */
  recallAt10VsExact: number;
  /** Retrieval quality on self-supervised queries (doc comments → the code they document); undefined without such queries. */
  quality: { recallAt10: number; mrrAt10: number } | undefined;
  /** Shown next to the option, e.g. truncating a model that was not trained for it. */
  warning: string | undefined;
}

export interface TradeoffReport {
  version: 1;
  createdAt: number;
  model: { id: string; dimensions: number; matryoshka: boolean };
  /** Vectors in the active space (what totalBytes multiplies). */
  vectors: number;
  queries: { latencyAndRecall: number; selfSupervised: number };
  options: StorageOptionMeasurement[];
  /** Index into `options` of the recommended one; undefined when nothing beats the current option. */
  recommended: number | undefined;
  /** Why it is recommended (or why none is), one or two sentences. */
  recommendation: string;
}
