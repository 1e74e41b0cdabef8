// Gradient-boosted regression trees on top of the linear ranker: each tree corrects the score where one feature's
// effect depends on another (dense similarity for code but not for prose, a heading match in a prose-led pool),
// which a weighted sum cannot express. Trained with the linear fit's listwise softmax loss, by Newton boosting
// (each leaf moves by −G/(H + λ), as in XGBoost) on features cut into quantile bins.
import { FEATURE_INDEX, FEATURE_NAMES, type FeatureName } from '../../extension/core/search/ranking/features.ts';
import type { TreeNodes } from '../../extension/core/search/ranking/trees.ts';
import type { QueryPool } from './pools.ts';

export interface TreeOptions {
  trees?: number;
  depth?: number;
  /** Shrinkage: each tree adds this share of its Newton step. */
  rate?: number;
  /** L2 penalty on leaf values (in hessian units). */
  lambda?: number;
  /** Least hessian a leaf may hold: no leaf for a handful of candidates. */
  minHessian?: number;
  /** Quantile bins per feature. */
  bins?: number;
  /**
   * How much a query's group (identifier, doc, heading…) decides its weight: each query weighs its group's size to
   * the power −groupPower, scaled to a mean of 1. 0: queries alike; 1: groups alike (see fit.ts `balanceGroups`).
   */
  groupPower?: number;
  /** Features the trees may split on (default: every feature). */
  features?: readonly FeatureName[];
}

const DEFAULTS: Required<Omit<TreeOptions, 'features'>> = { trees: 60, depth: 3, rate: 0.1, lambda: 1, minHessian: 1, bins: 32, groupPower: 0 };

/** Quantile cut points of each feature over every row (unique, ascending). */
function cutPoints(pools: readonly QueryPool[], bins: number): number[][] {
  const width = FEATURE_NAMES.length;
  const cuts: number[][] = [];
  for (let column = 0; column < width; column++) {
    const values: number[] = [];
    for (const pool of pools) for (let row = 0; row < pool.labels.length; row++) values.push(pool.features[row * width + column]!);
    values.sort((a, b) => a - b);
    const points = new Set<number>();
    for (let bin = 1; bin < bins; bin++) points.add(values[Math.floor((bin * (values.length - 1)) / bins)]!);
    // A cut at the largest value splits nothing off.
    points.delete(values[values.length - 1]!);
    cuts.push([...points].sort((a, b) => a - b));
  }
  return cuts;
}

/**
 * Boosts trees on the pools, starting from `base` (one score per candidate of each pool: the linear ranker's).
 * Returns the trees; the final score of a row is its base score plus every tree's value. Deterministic: the same
 * pools give the same trees.
 */
export function fitTrees(pools: readonly QueryPool[], base: readonly Float64Array[], options: TreeOptions = {}): TreeNodes[] {
  // An option given as undefined keeps its default.
  const settings = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) } as typeof DEFAULTS & TreeOptions;
  // Bins are stored a byte per feature and row.
  if (!(settings.bins >= 2 && settings.bins <= 255)) throw new Error(`trees need 2 to 255 bins, not ${settings.bins}`);
  const width = FEATURE_NAMES.length;
  const usable = pools.map((pool, index) => ({ pool, base: base[index]! })).filter(({ pool }) => pool.labels.some((label) => label === 1));
  const groupCounts = new Map<string, number>();
  for (const { pool } of usable) groupCounts.set(pool.group, (groupCounts.get(pool.group) ?? 0) + 1);
  const raw = (group: string) => groupCounts.get(group)! ** -settings.groupPower;
  const scale = usable.length / usable.reduce((sum, { pool }) => sum + raw(pool.group), 0);
  const queryWeight = (group: string) => raw(group) * scale;

  const cuts = cutPoints(usable.map(({ pool }) => pool), settings.bins);
  // A feature the trees may not use gets no cut points, so no split.
  if (options.features) {
    const allowed = new Set(options.features.map((name) => FEATURE_INDEX[name]));
    cuts.forEach((_, column) => {
      if (!allowed.has(column)) cuts[column] = [];
    });
  }
  // Every candidate of every pool, as one row: its bin per feature, its pool and its score so far.
  const total = usable.reduce((sum, { pool }) => sum + pool.labels.length, 0);
  const binned = new Uint8Array(total * width);
  const score = new Float64Array(total);
  const starts: number[] = [];
  let offset = 0;
  for (const { pool, base: scores } of usable) {
    starts.push(offset);
    for (let row = 0; row < pool.labels.length; row++) {
      score[offset + row] = scores[row]!;
      for (let column = 0; column < width; column++) {
        const value = pool.features[row * width + column]!;
        const points = cuts[column]!;
        let bin = 0;
        while (bin < points.length && value > points[bin]!) bin += 1;
        binned[(offset + row) * width + column] = bin;
      }
    }
    offset += pool.labels.length;
  }

  const gradient = new Float64Array(total);
  const hessian = new Float64Array(total);
  const trees: TreeNodes[] = [];
  const binCount = settings.bins + 1;
  for (let round = 0; round < settings.trees; round++) {
    // Listwise softmax loss per query: d/ds_i = p_i − y_i·e_i/Σ_answers e; curvature ≈ p_i(1 − p_i).
    usable.forEach(({ pool }, index) => {
      const start = starts[index]!;
      const rows = pool.labels.length;
      let top = -Infinity;
      for (let row = 0; row < rows; row++) top = Math.max(top, score[start + row]!);
      let sum = 0;
      let positive = 0;
      for (let row = 0; row < rows; row++) {
        const e = Math.exp(score[start + row]! - top);
        sum += e;
        if (pool.labels[row]) positive += e;
      }
      const weight = queryWeight(pool.group);
      for (let row = 0; row < rows; row++) {
        const e = Math.exp(score[start + row]! - top);
        const p = e / sum;
        const answerShare = pool.labels[row] ? e / positive : 0;
        gradient[start + row] = weight * (p - answerShare);
        hessian[start + row] = weight * Math.max(p * (1 - p), 1e-6);
      }
    });

    // Built with column indices (-1: leaf), stored with feature names.
    const tree = { feature: [] as number[], threshold: [] as number[], left: [] as number[], right: [] as number[], value: [] as number[] };
    const leafOf = new Int32Array(total);
    const grow = (rowsOfNode: Int32Array, depth: number): number => {
      const node = tree.feature.length;
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.left.push(-1);
      tree.right.push(-1);
      let g = 0;
      let h = 0;
      for (const row of rowsOfNode) {
        g += gradient[row]!;
        h += hessian[row]!;
      }
      tree.value.push((-g / (h + settings.lambda)) * settings.rate);
      if (depth === settings.depth || h < 2 * settings.minHessian) {
        for (const row of rowsOfNode) leafOf[row] = node;
        return node;
      }
      const histogramG = new Float64Array(width * binCount);
      const histogramH = new Float64Array(width * binCount);
      for (const row of rowsOfNode) {
        const base = row * width;
        const gr = gradient[row]!;
        const hr = hessian[row]!;
        for (let column = 0; column < width; column++) {
          const slot = column * binCount + binned[base + column]!;
          histogramG[slot] += gr;
          histogramH[slot] += hr;
        }
      }
      const parentGain = (g * g) / (h + settings.lambda);
      let best = { gain: 1e-9, column: -1, bin: -1 };
      for (let column = 0; column < width; column++) {
        let leftG = 0;
        let leftH = 0;
        for (let bin = 0; bin < cuts[column]!.length; bin++) {
          leftG += histogramG[column * binCount + bin]!;
          leftH += histogramH[column * binCount + bin]!;
          const rightH = h - leftH;
          if (leftH < settings.minHessian || rightH < settings.minHessian) continue;
          const rightG = g - leftG;
          const gain = (leftG * leftG) / (leftH + settings.lambda) + (rightG * rightG) / (rightH + settings.lambda) - parentGain;
          if (gain > best.gain) best = { gain, column, bin };
        }
      }
      if (best.column < 0) {
        for (const row of rowsOfNode) leafOf[row] = node;
        return node;
      }
      const goesLeft = (row: number) => binned[row * width + best.column]! <= best.bin;
      const leftRows = rowsOfNode.filter(goesLeft);
      const rightRows = rowsOfNode.filter((row) => !goesLeft(row));
      tree.feature[node] = best.column;
      tree.threshold[node] = cuts[best.column]![best.bin]!;
      const left = grow(leftRows, depth + 1);
      const right = grow(rightRows, depth + 1);
      tree.left[node] = left;
      tree.right[node] = right;
      return node;
    };
    grow(Int32Array.from({ length: total }, (_, row) => row), 0);
    for (let row = 0; row < total; row++) score[row] += tree.value[leafOf[row]!]!;
    trees.push({
      feature: tree.feature.map((column) => (column < 0 ? null : FEATURE_NAMES[column]!)),
      // Thresholds exact: a feature's value can sit on one (a share of 1/3), and must fall on the side it fell in training.
      threshold: tree.threshold,
      left: tree.left,
      right: tree.right,
      value: tree.value.map(significant),
    });
  }
  return trees;
}

/** Leaf and node values kept to 6 significant digits: exact enough, and the weights file stays small. */
function significant(value: number): number {
  return Number(value.toPrecision(6));
}
