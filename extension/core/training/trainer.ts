// Trains the static embedding model: a token table and a pooling weight per token, learned with a
// symmetric in-batch contrastive loss (InfoNCE) at every Matryoshka prefix, row-sparse Adam, batches
// built from blocks of items of one package (harder negatives), worker threads sharing the parameters.
// Deterministic: the same data, configuration and seed give the same bytes (the worker count is part of
// the configuration: it fixes how sums are split).
import { Worker } from 'node:worker_threads';
import { abortError } from '../errors.ts';
import { KIND_CODES, type TokenizedItems } from './dataset.ts';
import { normalSample, seededRandom, shuffle } from '../random.ts';
import { createRowGradients, createSharedState, type SharedState } from './shared-state.ts';
import type { StepMessage, StepWorkerData } from './step-worker.ts';
import { validate, type ValidationResult } from './validation.ts';

export interface TrainingConfig {
  seed: number;
  dimensions: number;
  /** Matryoshka prefixes, ascending, the last being `dimensions`. */
  levels: number[];
  /** Weight of each prefix's loss. */
  levelWeights: number[];
  batchSize: number;
  /** Items of one package placed together in a batch (1: no same-package negatives). */
  groupSize: number;
  maxEpochs: number;
  /** Epochs without a better validation MRR before stopping; the best epoch's parameters are kept. */
  patience: number;
  learningRate: number;
  weightLearningRate: number;
  /** Learning rate at the last epoch, as a share of `learningRate` (linear decay). */
  finalLearningRateShare: number;
  temperature: number;
  /** Standard deviation of the initial token vectors. */
  initialScale: number;
  maxDocumentTokens: number;
  maxQueryTokens: number;
  workers: number;
  validationSize: number;
  /** Times a prose item (heading → section) is seen per epoch: prose is scarce next to code. */
  sectionRepeat: number;
  /** Chance that an item with both kinds of query is asked by its identifier words rather than its documentation. */
  identifierShare: number;
  /** Share of a document's tokens dropped at random each time it is seen (0: none): the table cannot learn a document by its rare tokens alone. */
  documentDropout: number;
}

export const DEFAULT_TRAINING_CONFIG: TrainingConfig = {
  seed: 1,
  dimensions: 256,
  levels: [64, 128, 256],
  levelWeights: [1, 1, 1],
  batchSize: 512,
  groupSize: 16,
  maxEpochs: 5,
  patience: 1,
  learningRate: 0.01,
  weightLearningRate: 0.01,
  finalLearningRateShare: 0.2,
  temperature: 0.05,
  initialScale: 0.1,
  maxDocumentTokens: 256,
  maxQueryTokens: 48,
  workers: 2,
  validationSize: 1024,
  sectionRepeat: 1,
  identifierShare: 0.3,
  documentDropout: 0,
};

export interface TrainingProgress {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  /** Mean loss of the epoch so far. */
  loss: number;
}

export interface EpochReport {
  epoch: number;
  loss: number;
  seconds: number;
  validation: ValidationResult;
}

export interface TrainedModel {
  /** Token vectors with the pooling weight folded in (w_t · e_t), row-major [vocabularySize, dimensions]. */
  table: Float32Array;
  vocabularySize: number;
  dimensions: number;
  levels: number[];
  history: EpochReport[];
  bestEpoch: number;
  /** Validation before any training (the initial table). */
  initialValidation: ValidationResult;
}

export interface TrainingInput {
  train: TokenizedItems;
  validation: TokenizedItems;
  vocabularySize: number;
  /** Initial pooling weight of each token (e.g. its inverse document frequency). */
  initialWeights: Float32Array;
}

/** The item order of one epoch: blocks of one package's items, blocks shuffled; whole batches only. */
export function epochOrder(data: TokenizedItems, config: Pick<TrainingConfig, 'groupSize' | 'batchSize' | 'sectionRepeat'>, random: () => number): Int32Array {
  const byPackage: number[][] = data.packages.map(() => []);
  for (let item = 0; item < data.count; item++) {
    const repeat = data.queryKinds[data.itemQueries[item]!] === KIND_CODES.section ? config.sectionRepeat : 1;
    for (let copy = 0; copy < repeat; copy++) byPackage[data.itemPackages[item]!]!.push(item);
  }
  const blocks: number[][] = [];
  for (const items of byPackage) {
    shuffle(items, random);
    for (let start = 0; start < items.length; start += config.groupSize) blocks.push(items.slice(start, start + config.groupSize));
  }
  shuffle(blocks, random);
  const order = blocks.flat();
  return Int32Array.from(order.slice(0, order.length - (order.length % config.batchSize)));
}

/** One of an item's queries: its identifier words with chance `identifierShare` when it has other queries too. */
function pickQuery(data: TokenizedItems, item: number, identifierShare: number, random: () => number): number {
  const first = data.itemQueries[item]!;
  const end = data.itemQueries[item + 1]!;
  const candidates: number[] = [];
  const identifiers: number[] = [];
  for (let query = first; query < end; query++) (data.queryKinds[query] === KIND_CODES.identifier ? identifiers : candidates).push(query);
  const pool = candidates.length === 0 || (identifiers.length > 0 && random() < identifierShare) ? identifiers : candidates;
  return pool[Math.floor(random() * pool.length)]!;
}

/** Copies one batch (each item's document and one of its queries) into the shared buffers. */
function loadBatch(state: SharedState, data: TokenizedItems, items: Int32Array, config: Pick<TrainingConfig, 'identifierShare' | 'documentDropout'>, random: () => number): void {
  let queryPosition = 0;
  let documentPosition = 0;
  items.forEach((item, row) => {
    const query = pickQuery(data, item, config.identifierShare, random);
    state.queryOffsets[row] = queryPosition;
    const queryTokens = data.queryIds.subarray(data.queryOffsets[query]!, data.queryOffsets[query + 1]!);
    state.queryIds.set(queryTokens, queryPosition);
    queryPosition += queryTokens.length;
    state.documentOffsets[row] = documentPosition;
    const documentTokens = data.documentIds.subarray(data.documentOffsets[item]!, data.documentOffsets[item + 1]!);
    if (config.documentDropout > 0) {
      const start = documentPosition;
      for (const token of documentTokens) if (random() >= config.documentDropout) state.documentIds[documentPosition++] = token;
      // Never drop a whole document: an empty one would pool to zero.
      if (documentPosition === start && documentTokens.length > 0) state.documentIds[documentPosition++] = documentTokens[0]!;
    } else {
      state.documentIds.set(documentTokens, documentPosition);
      documentPosition += documentTokens.length;
    }
  });
  state.queryOffsets[items.length] = queryPosition;
  state.documentOffsets[items.length] = documentPosition;
}

export interface TrainOptions {
  onProgress?: (progress: TrainingProgress) => void;
  onEpoch?: (report: EpochReport) => void;
  signal?: AbortSignal;
}

/** Trains a model; resolves with the best epoch's table. Rejects with an AbortError when the signal fires. */
export async function train(input: TrainingInput, config: TrainingConfig, options: TrainOptions = {}): Promise<TrainedModel> {
  const { dimensions, levels } = config;
  const V = input.vocabularySize;
  const state = createSharedState({
    vocabularySize: V,
    dimensions,
    levels,
    batchSize: config.batchSize,
    maxQueryTokens: config.maxQueryTokens,
    maxDocumentTokens: config.maxDocumentTokens,
    workers: config.workers,
  });
  const random = seededRandom(config.seed);
  // Rows 0 and 1 ([PAD], [UNK]) never occur in a batch and stay zero.
  for (let index = 2 * dimensions; index < V * dimensions; index++) state.embeddings[index] = normalSample(random) * config.initialScale;
  for (let token = 0; token < V; token++) state.logWeights[token] = Math.log(Math.max(input.initialWeights[token]!, 1e-3));

  const gradients = Array.from({ length: config.workers }, () => createRowGradients(state.shape));
  const workers = gradients.map((_, worker) => new Worker(new URL('./step-worker.ts', import.meta.url), { workerData: { state, gradients, worker } satisfies StepWorkerData }));
  const runStep = (message: StepMessage) =>
    new Promise<void>((resolve, reject) => {
      let pending = workers.length;
      const cleanups: (() => void)[] = [];
      workers.forEach((worker) => {
        const onMessage = () => {
          if (--pending === 0) {
            cleanups.forEach((cleanup) => cleanup());
            resolve();
          }
        };
        const onError = (error: Error) => {
          cleanups.forEach((cleanup) => cleanup());
          reject(error);
        };
        worker.once('message', onMessage);
        worker.once('error', onError);
        cleanups.push(() => {
          worker.off('message', onMessage);
          worker.off('error', onError);
        });
        worker.postMessage(message);
      });
    });

  try {
    const initialValidation = validate(state, input.validation, config);
    const history: EpochReport[] = [];
    let best = { epoch: 0, mrr: -1, table: foldedTable(state) };
    let step = 0;
    const firstOrder = epochOrder(input.train, config, seededRandom(config.seed + 1));
    const stepsPerEpoch = firstOrder.length / config.batchSize;
    if (stepsPerEpoch === 0) throw new Error(`too little training data: ${input.train.count} items for a batch of ${config.batchSize}`);
    const totalSteps = stepsPerEpoch * config.maxEpochs;
    for (let epoch = 1; epoch <= config.maxEpochs; epoch++) {
      const started = performance.now();
      const epochRandom = seededRandom(config.seed + 1 + epoch * 7919);
      const order = epoch === 1 ? firstOrder : epochOrder(input.train, config, epochRandom);
      let lossSum = 0;
      for (let batch = 0; batch < stepsPerEpoch; batch++) {
        if (options.signal?.aborted) throw abortError(options.signal);
        loadBatch(state, input.train, order.subarray(batch * config.batchSize, (batch + 1) * config.batchSize), config, epochRandom);
        step++;
        const share = 1 - (1 - config.finalLearningRateShare) * ((step - 1) / Math.max(1, totalSteps - 1));
        await runStep({
          type: 'step',
          step,
          batch: config.batchSize,
          temperature: config.temperature,
          levelWeights: config.levelWeights,
          adam: { learningRate: config.learningRate * share, weightLearningRate: config.weightLearningRate * share, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
        });
        let loss = 0;
        for (let worker = 0; worker < config.workers; worker++) loss += state.losses[worker]!;
        lossSum += loss;
        options.onProgress?.({ epoch, step: batch + 1, stepsPerEpoch, loss: lossSum / (batch + 1) });
      }
      const validation = validate(state, input.validation, config);
      const report: EpochReport = { epoch, loss: lossSum / stepsPerEpoch, seconds: (performance.now() - started) / 1000, validation };
      history.push(report);
      options.onEpoch?.(report);
      const mrr = validation.mrr.at(-1)!;
      if (mrr > best.mrr) best = { epoch, mrr, table: foldedTable(state) };
      else if (epoch - best.epoch >= config.patience) break;
    }
    return { table: best.table, vocabularySize: V, dimensions, levels, history, bestEpoch: best.epoch, initialValidation };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/** The table the model ships: each row scaled by its token's pooling weight. */
function foldedTable(state: SharedState): Float32Array {
  const D = state.shape.dimensions;
  const table = new Float32Array(state.embeddings.length);
  for (let token = 0; token < state.shape.vocabularySize; token++) {
    const weight = Math.exp(state.logWeights[token]!);
    for (let d = 0; d < D; d++) table[token * D + d] = weight * state.embeddings[token * D + d]!;
  }
  return table;
}
