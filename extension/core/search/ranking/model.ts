// The learned ranker: per query shape, a linear score over the features plus, where training grew them, regression
// trees (trees.ts; both learned by training/ranker, never set by hand), and a logistic calibration that turns the
// score into the chance that the candidate is an answer. The weights live in weights.json beside this file,
// written by `npm run train-ranker`.
import { FEATURE_INDEX, FEATURE_NAMES, type FeatureName } from './features.ts';
import type { QueryShape } from './query-shape.ts';
import { addTreeContributions, compileTree, treesValue, type CompiledTree, type TreeNodes } from './trees.ts';

/** One query shape's learned weights. */
export interface ShapeWeights {
  /** Weight of each feature the model uses; features not named weigh 0. */
  weights: Partial<Record<FeatureName, number>>;
  /** relevance = 1 / (1 + exp(-(scale · score + offset))), fitted on the training candidates. */
  calibration: { scale: number; offset: number };
  /**
   * Taken off the score of a file's k-th best candidate (k = 0, 1, …) as `fileRepeat · log2(1 + k)`: a result list
   * reads one file once, so its second and third pieces should make room for other files. Learned on the training
   * queries (fit.ts); absent or 0: no penalty.
   */
  fileRepeat?: number;
  /** Boosted trees whose values add to the linear score (trees.ts); absent: the score is linear. */
  trees?: TreeNodes[];
}

/** The contents of weights.json. */
export interface RankerWeights {
  /** Bumped when the meaning of a feature changes: weights of another version are refused. */
  version: number;
  shapes: Record<QueryShape, ShapeWeights>;
  /** How the weights were made (manifest, query counts, training metrics): for people, not read by the code. */
  training?: unknown;
}

/** The feature semantics this code computes; a weights file of another version was trained on other features. */
export const FEATURE_VERSION = 1;

/** What a feature added to a candidate's score. */
export interface Contribution {
  feature: FeatureName;
  /** The feature's value for this candidate. */
  value: number;
  /** weight × value, plus its share of the trees' values: what it added to the score (negative: what it took away). */
  contribution: number;
}

/** A model ready to score feature rows: dense weight vectors and compiled trees per shape. */
export class Ranker {
  private readonly vectors: Record<QueryShape, Float64Array>;
  private readonly trees: Record<QueryShape, CompiledTree[]>;
  readonly weights: RankerWeights;

  constructor(weights: RankerWeights) {
    if (weights.version !== FEATURE_VERSION) throw new Error(`ranker weights of version ${weights.version} do not fit features of version ${FEATURE_VERSION}; run npm run train-ranker`);
    this.weights = weights;
    const vector = (shape: QueryShape) => {
      const values = new Float64Array(FEATURE_NAMES.length);
      for (const [name, weight] of Object.entries(weights.shapes[shape].weights)) {
        const index = FEATURE_INDEX[name as FeatureName];
        if (index === undefined) throw new Error(`ranker weights name an unknown feature "${name}"`);
        values[index] = weight ?? 0;
      }
      return values;
    };
    this.vectors = { symbol: vector('symbol'), words: vector('words') };
    const trees = (shape: QueryShape) => (weights.shapes[shape].trees ?? []).map(compileTree);
    this.trees = { symbol: trees('symbol'), words: trees('words') };
  }

  /** The score of each row of a flat feature matrix: the linear sum plus what the trees add. */
  scores(shape: QueryShape, rows: Float64Array): Float64Array {
    const vector = this.vectors[shape];
    const trees = this.trees[shape];
    const width = vector.length;
    const count = rows.length / width;
    const scores = new Float64Array(count);
    for (let row = 0; row < count; row++) {
      let sum = 0;
      const base = row * width;
      for (let column = 0; column < width; column++) sum += vector[column]! * rows[base + column]!;
      scores[row] = sum + treesValue(trees, rows, row);
    }
    return scores;
  }

  /** A score as a calibrated chance of being an answer, from 0 to 1. */
  calibrated(shape: QueryShape, score: number): number {
    const { scale, offset } = this.weights.shapes[shape].calibration;
    return 1 / (1 + Math.exp(-(scale * score + offset)));
  }

  /** What each feature added to one row's score, largest effect first; features that added nothing are left out. */
  contributions(shape: QueryShape, rows: Float64Array, row: number): Contribution[] {
    const vector = this.vectors[shape];
    const width = vector.length;
    const fromTrees = new Float64Array(width);
    addTreeContributions(this.trees[shape], rows, row, fromTrees);
    const list: Contribution[] = [];
    for (let column = 0; column < width; column++) {
      const value = rows[row * width + column]!;
      const contribution = vector[column]! * value + fromTrees[column]!;
      if (contribution !== 0) list.push({ feature: FEATURE_NAMES[column]!, value, contribution });
    }
    return list.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  }
}
