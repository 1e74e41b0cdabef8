// The memory the trainer's threads share: the parameters and Adam's moments, one batch of token ids, and
// the intermediate values of a step (pooled vectors, similarity logits, their gradients). Every buffer is
// a SharedArrayBuffer, so the main thread and the workers see the same numbers without copying; a
// worker's private gradient buffers are its own.

/** What fixes the buffers' sizes. */
export interface StateShape {
  vocabularySize: number;
  dimensions: number;
  /** Matryoshka prefixes, ascending; the last equals `dimensions`. */
  levels: readonly number[];
  batchSize: number;
  maxQueryTokens: number;
  maxDocumentTokens: number;
  workers: number;
}

function shared<T extends Float32Array | Int32Array | Float64Array>(Type: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  return new Type(new SharedArrayBuffer(Math.max(1, length) * Type.BYTES_PER_ELEMENT));
}

/** The shared buffers, created once by the trainer and handed to every worker. */
export interface SharedState {
  shape: StateShape;
  embeddings: Float32Array;
  /** Log of each token's pooling weight (the weight is its exponential). */
  logWeights: Float32Array;
  embeddingMoment1: Float32Array;
  embeddingMoment2: Float32Array;
  weightMoment1: Float32Array;
  weightMoment2: Float32Array;
  /** Step at which a row was last updated (so a row touched by two workers is updated once). */
  rowStamps: Int32Array;
  queryIds: Int32Array;
  /** `batchSize + 1` offsets into `queryIds`. */
  queryOffsets: Int32Array;
  documentIds: Int32Array;
  documentOffsets: Int32Array;
  /** Pooled (weighted mean) vectors, row-major [batchSize, dimensions]. */
  queries: Float32Array;
  documents: Float32Array;
  /** Sum of the pooling weights of each input. */
  queryWeights: Float32Array;
  documentWeights: Float32Array;
  /** Norm of each vector's prefix per level, [batchSize, levels]. */
  queryNorms: Float32Array;
  documentNorms: Float32Array;
  /** Cosine similarity per level, [levels, batchSize (query), batchSize (document)]. */
  cosines: Float32Array;
  /** Gradient of the loss with respect to each logit (cosine / temperature), same layout. */
  logitGradients: Float32Array;
  queryGradients: Float32Array;
  documentGradients: Float32Array;
  /** Each worker's share of the loss of the step, summed by the main thread in worker order. */
  losses: Float64Array;
  /** Barrier counter and generation, and the current step's parameters (see step-worker.ts). */
  control: Int32Array;
  /** Learning rate, temperature, Adam step, batch size of the current step. */
  stepParameters: Float64Array;
}

/** A worker's gradient accumulators: shared, because the Adam phase sums every worker's rows. */
export interface RowGradients {
  embeddings: Float32Array;
  logWeights: Float32Array;
  /** Rows with a gradient this step, in the order first touched; `touchedCount[0]` of them. */
  touched: Int32Array;
  touchedCount: Int32Array;
  /** 1 where the row is in `touched`. */
  marks: Uint8Array;
}

export function createRowGradients(shape: StateShape): RowGradients {
  const { vocabularySize: V, dimensions: D } = shape;
  return {
    embeddings: shared(Float32Array, V * D),
    logWeights: shared(Float32Array, V),
    touched: shared(Int32Array, V),
    touchedCount: shared(Int32Array, 1),
    marks: new Uint8Array(new SharedArrayBuffer(V)),
  };
}

export function createSharedState(shape: StateShape): SharedState {
  const { vocabularySize: V, dimensions: D, batchSize: B, levels } = shape;
  const L = levels.length;
  if (levels.at(-1) !== D) throw new Error(`the last Matryoshka level must be the dimensions (${D})`);
  if (levels.some((level) => level % 4 !== 0)) throw new Error('Matryoshka levels must be multiples of 4 (the kernels add four products at a time)');
  return {
    shape,
    embeddings: shared(Float32Array, V * D),
    logWeights: shared(Float32Array, V),
    embeddingMoment1: shared(Float32Array, V * D),
    embeddingMoment2: shared(Float32Array, V * D),
    weightMoment1: shared(Float32Array, V),
    weightMoment2: shared(Float32Array, V),
    rowStamps: shared(Int32Array, V),
    queryIds: shared(Int32Array, B * shape.maxQueryTokens),
    queryOffsets: shared(Int32Array, B + 1),
    documentIds: shared(Int32Array, B * shape.maxDocumentTokens),
    documentOffsets: shared(Int32Array, B + 1),
    queries: shared(Float32Array, B * D),
    documents: shared(Float32Array, B * D),
    queryWeights: shared(Float32Array, B),
    documentWeights: shared(Float32Array, B),
    queryNorms: shared(Float32Array, B * L),
    documentNorms: shared(Float32Array, B * L),
    cosines: shared(Float32Array, L * B * B),
    logitGradients: shared(Float32Array, L * B * B),
    queryGradients: shared(Float32Array, B * D),
    documentGradients: shared(Float32Array, B * D),
    losses: shared(Float64Array, shape.workers),
    control: shared(Int32Array, 8),
    stepParameters: shared(Float64Array, 8),
  };
}

/** The slice of `count` items a worker owns: contiguous, the same every step. */
export function sliceOf(count: number, worker: number, workers: number): [number, number] {
  return [Math.floor((count * worker) / workers), Math.floor((count * (worker + 1)) / workers)];
}
