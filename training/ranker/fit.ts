// Fits the ranker's weights for one query shape: a linear score trained with a listwise softmax loss (the answers'
// share of the softmax over the query's pool, as in ListNet with one-hot targets), L2-regularised, on features
// standardised for the optimiser and folded back to raw weights; then a logistic calibration of the score on the
// candidates users would see (each query's best few), so that relevance reads as the chance of being an answer.
import { FEATURE_INDEX, FEATURE_NAMES, type FeatureName } from '../../extension/core/search/ranking/features.ts';
import { FEATURE_VERSION, Ranker, type ShapeWeights } from '../../extension/core/search/ranking/model.ts';
import { spreadFiles } from '../../extension/core/search/ranking/rerank.ts';
import type { QueryPool } from './pools.ts';
import { fitTrees, type TreeOptions } from './trees.ts';

export interface FitOptions {
  /** The features the model may use; the others weigh 0. */
  features: readonly FeatureName[];
  /** L2 penalty on the standardised weights, per query. */
  l2?: number;
  iterations?: number;
  learningRate?: number;
  /**
   * Weigh each query group (identifier, doc, heading, module…) alike in the loss, instead of each query: doc
   * queries outnumber heading and module queries ten to one, and the words model would learn code's answers only.
   */
  balanceGroups?: boolean;
  /** Learn the file-repeat penalty (model.ts `fileRepeat`) on the training queries. */
  fileRepeat?: boolean;
  /** Boost regression trees on the linear score (trees.ts); the calibration and the penalty then follow the sum. */
  trees?: TreeOptions;
}

/** Candidates per query the calibration is fitted on: the places a person looks at. */
const CALIBRATION_DEPTH = 20;
/**
 * Default L2 penalty on the standardised weights. Small: thousands of queries for a few dozen weights; of 0.001,
 * 0.01 and 0.05 compared on the dev sets (bench/ranking-lab.ts), 0.01 lost least on cosqa and csn-python.
 */
const DEFAULT_L2 = 0.01;
const DEFAULT_ITERATIONS = 400;
const DEFAULT_LEARNING_RATE = 0.05;

/** Fits one shape's weights on pools that hold an answer (others carry no listwise signal). */
export function fitShape(pools: readonly QueryPool[], options: FitOptions): ShapeWeights {
  const usable = pools.filter((pool) => pool.labels.some((label) => label === 1));
  const columns = options.features.map((name) => FEATURE_INDEX[name]);
  const width = FEATURE_NAMES.length;
  const dimension = columns.length;
  // Standardise each used feature over every candidate, so one learning rate suits them all.
  const mean = new Float64Array(dimension);
  const deviation = new Float64Array(dimension);
  let count = 0;
  for (const pool of usable) {
    const rows = pool.labels.length;
    count += rows;
    for (let row = 0; row < rows; row++) columns.forEach((column, index) => (mean[index]! += pool.features[row * width + column]!));
  }
  for (let index = 0; index < dimension; index++) mean[index]! /= Math.max(count, 1);
  for (const pool of usable) {
    for (let row = 0; row < pool.labels.length; row++) columns.forEach((column, index) => (deviation[index]! += (pool.features[row * width + column]! - mean[index]!) ** 2));
  }
  for (let index = 0; index < dimension; index++) deviation[index] = Math.sqrt(deviation[index]! / Math.max(count, 1)) || 1;
  const standardised = usable.map((pool) => {
    const rows = pool.labels.length;
    const values = new Float64Array(rows * dimension);
    for (let row = 0; row < rows; row++) columns.forEach((column, index) => (values[row * dimension + index] = (pool.features[row * width + column]! - mean[index]!) / deviation[index]!));
    return { values, labels: pool.labels, rows, weight: 1 };
  });
  if (options.balanceGroups) {
    const groups = new Map<string, number>();
    for (const pool of usable) groups.set(pool.group, (groups.get(pool.group) ?? 0) + 1);
    // Mean weight 1: each group carries usable.length / groups.size queries' worth.
    usable.forEach((pool, index) => (standardised[index]!.weight = usable.length / groups.size / groups.get(pool.group)!));
  }

  // Adam on the mean listwise loss.
  const weights = new Float64Array(dimension);
  const moment = new Float64Array(dimension);
  const velocity = new Float64Array(dimension);
  const l2 = options.l2 ?? DEFAULT_L2;
  const rate = options.learningRate ?? DEFAULT_LEARNING_RATE;
  const gradient = new Float64Array(dimension);
  for (let step = 1; step <= (options.iterations ?? DEFAULT_ITERATIONS); step++) {
    gradient.fill(0);
    for (const { values, labels, rows, weight } of standardised) {
      const scores = new Float64Array(rows);
      let top = -Infinity;
      for (let row = 0; row < rows; row++) {
        let sum = 0;
        for (let index = 0; index < dimension; index++) sum += weights[index]! * values[row * dimension + index]!;
        scores[row] = sum;
        top = Math.max(top, sum);
      }
      let total = 0;
      let positive = 0;
      for (let row = 0; row < rows; row++) {
        scores[row] = Math.exp(scores[row]! - top);
        total += scores[row]!;
        if (labels[row]) positive += scores[row]!;
      }
      // d(-log(positive/total))/ds_i = p_i - [label_i] · e_i / positive
      for (let row = 0; row < rows; row++) {
        const coefficient = weight * (scores[row]! / total - (labels[row] ? scores[row]! / positive : 0));
        if (coefficient === 0) continue;
        for (let index = 0; index < dimension; index++) gradient[index]! += coefficient * values[row * dimension + index]!;
      }
    }
    for (let index = 0; index < dimension; index++) {
      const g = gradient[index]! / standardised.length + 2 * l2 * weights[index]!;
      moment[index] = 0.9 * moment[index]! + 0.1 * g;
      velocity[index] = 0.999 * velocity[index]! + 0.001 * g * g;
      const corrected = moment[index]! / (1 - 0.9 ** step);
      const spread = velocity[index]! / (1 - 0.999 ** step);
      weights[index]! -= (rate * corrected) / (Math.sqrt(spread) + 1e-8);
    }
  }

  // Back to raw features: w·(x − μ)/σ = (w/σ)·x − Σ wμ/σ; the constant shifts every score of a query alike, and
  // the calibration's offset absorbs it.
  const raw: Partial<Record<FeatureName, number>> = {};
  options.features.forEach((name, index) => {
    raw[name] = round(weights[index]! / deviation[index]!);
  });
  const linearScore = (pool: QueryPool, row: number) => options.features.reduce((sum, name) => sum + raw[name]! * pool.features[row * width + FEATURE_INDEX[name]]!, 0);
  const fitted: ShapeWeights = { weights: raw, calibration: { scale: 1, offset: 0 } };
  let rawScore = linearScore;
  if (options.trees) {
    fitted.trees = fitTrees(usable, usable.map((pool) => Float64Array.from(pool.labels, (_, row) => linearScore(pool, row))), options.trees);
    // Scored as the product scores (model.ts), once per pool; both shapes hold these weights, so either name will do.
    const ranker = new Ranker({ version: FEATURE_VERSION, shapes: { symbol: fitted, words: fitted } });
    const scores = new Map<QueryPool, Float64Array>();
    rawScore = (pool, row) => {
      let values = scores.get(pool);
      if (!values) scores.set(pool, (values = ranker.scores('words', pool.features)));
      return values[row]!;
    };
  }
  const calibrationPoints: { score: number; label: number }[] = [];
  for (const pool of pools) {
    const scored = Array.from(pool.labels, (label, row) => ({ score: rawScore(pool, row), label }));
    scored.sort((a, b) => b.score - a.score);
    calibrationPoints.push(...scored.slice(0, CALIBRATION_DEPTH));
  }
  fitted.calibration = fitLogistic(calibrationPoints);
  if (options.fileRepeat) fitted.fileRepeat = learnFileRepeat(usable, rawScore);
  return fitted;
}

/** Penalties tried for a file's later candidates, in units of the score's spread over the pools. */
const FILE_REPEAT_GRID = [0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5];

/**
 * The file-repeat penalty that places the training queries' first answer best (nDCG@10 of one answer: a result
 * list credits a target once, so what counts is how early the first answer comes). Chosen on a grid, relative
 * to the spread of the scores.
 */
function learnFileRepeat(pools: readonly QueryPool[], rawScore: (pool: QueryPool, row: number) => number): number {
  const scored = pools.map((pool) => ({ pool, scores: Float64Array.from(pool.labels, (_, row) => rawScore(pool, row)) }));
  let sum = 0;
  let squares = 0;
  let count = 0;
  for (const { scores } of scored) for (const value of scores) {
    sum += value;
    squares += value * value;
    count += 1;
  }
  const spread = Math.sqrt(Math.max(squares / Math.max(count, 1) - (sum / Math.max(count, 1)) ** 2, 0)) || 1;
  let best = { penalty: 0, gain: -1 };
  for (const step of FILE_REPEAT_GRID) {
    const penalty = step * spread;
    let gain = 0;
    for (const { pool, scores } of scored) {
      const adjusted = Float64Array.from(scores);
      if (penalty > 0) spreadFiles(pool.candidates, adjusted, penalty);
      const order = Array.from(adjusted, (_, index) => index).sort((a, b) => adjusted[b]! - adjusted[a]! || a - b);
      const place = order.slice(0, 10).findIndex((index) => pool.labels[index] === 1);
      if (place >= 0) gain += 1 / Math.log2(2 + place);
    }
    if (gain > best.gain + 1e-9) best = { penalty, gain };
  }
  return round(best.penalty);
}

/**
 * Platt scaling: the scale and offset of a logistic curve through (score, label) points, by Newton's method, with
 * Platt's smoothed targets ((answers + 1)/(answers + 2) and 1/(others + 2) instead of 1 and 0): where the scores
 * separate answers from the rest perfectly, plain targets send the scale to infinity and every score to 0 or 1.
 */
export function fitLogistic(points: readonly { score: number; label: number }[]): { scale: number; offset: number } {
  const answers = points.filter((point) => point.label === 1).length;
  const high = (answers + 1) / (answers + 2);
  const low = 1 / (points.length - answers + 2);
  // On standardised scores, so that Newton's steps are well scaled; converted back at the end.
  const mean = points.reduce((sum, point) => sum + point.score, 0) / Math.max(points.length, 1);
  const spread = Math.sqrt(points.reduce((sum, point) => sum + (point.score - mean) ** 2, 0) / Math.max(points.length, 1)) || 1;
  const data = points.map((point) => ({ z: (point.score - mean) / spread, target: point.label === 1 ? high : low }));
  const loss = (a: number, b: number) =>
    data.reduce((sum, { z, target }) => {
      const t = a * z + b;
      // log(1 + e^t) − target·t, computed without overflow.
      return sum + (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))) - target * t;
    }, 0);
  let a = 1;
  let b = 0;
  let current = loss(a, b);
  for (let iteration = 0; iteration < 100; iteration++) {
    let gA = 0;
    let gB = 0;
    let hAA = 1e-9;
    let hAB = 0;
    let hBB = 1e-9;
    for (const { z, target } of data) {
      const p = 1 / (1 + Math.exp(-(a * z + b)));
      const curvature = p * (1 - p);
      gA += (p - target) * z;
      gB += p - target;
      hAA += curvature * z * z;
      hAB += curvature * z;
      hBB += curvature;
    }
    const determinant = hAA * hBB - hAB * hAB;
    if (!(determinant > 1e-12)) break;
    const stepA = (hBB * gA - hAB * gB) / determinant;
    const stepB = (hAA * gB - hAB * gA) / determinant;
    // Halve the step until the loss falls: a full Newton step can overshoot far from the optimum.
    let factor = 1;
    let next = loss(a - stepA, b - stepB);
    while (next > current && factor > 1e-4) {
      factor /= 2;
      next = loss(a - factor * stepA, b - factor * stepB);
    }
    if (next > current) break;
    a -= factor * stepA;
    b -= factor * stepB;
    const improvement = current - next;
    current = next;
    if (improvement < 1e-10) break;
  }
  return { scale: round(a / spread), offset: round(b - (a * mean) / spread) };
}

/** Weights are kept to 4 significant digits: the file stays readable and diffs stay small. */
function round(value: number): number {
  return Number(value.toPrecision(4));
}
