import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FEATURE_INDEX, FEATURE_NAMES } from '../../../extension/core/search/ranking/features.ts';
import { FEATURE_VERSION, Ranker } from '../../../extension/core/search/ranking/model.ts';
import { fitShape } from '../../../training/ranker/fit.ts';
import type { QueryPool } from '../../../training/ranker/pools.ts';

/**
 * Pools where what answers depends on the pool: where retrieval found prose first (`poolProse` 0.8) the answer is
 * the one section, elsewhere (0.1) the one function. Both kinds are in every pool, so no weighted sum of the
 * features can tell the answer; a tree that splits on `poolProse` and then on the kind can.
 */
function interactionPools(count: number): QueryPool[] {
  let seed = 11;
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const width = FEATURE_NAMES.length;
  return Array.from({ length: count }, (_, query) => {
    const size = 12;
    const features = new Float64Array(size * width);
    const labels = new Uint8Array(size);
    const prosePool = query % 2 === 0;
    const section = Math.floor(random() * size);
    let callable = Math.floor(random() * size);
    if (callable === section) callable = (callable + 1) % size;
    for (let row = 0; row < size; row++) {
      const at = (name: keyof typeof FEATURE_INDEX, value: number) => (features[row * width + FEATURE_INDEX[name]] = value);
      at('fusedRank', 1 / Math.log2(2 + row));
      at('poolProse', prosePool ? 0.8 : 0.1);
      at('lines', random() * 6);
      if (row === section) at('kindSection', 1);
      if (row === callable) at('kindCallable', 1);
    }
    labels[prosePool ? section : callable] = 1;
    return { id: `q${query}`, group: 'test', query: 'q', shape: 'words', targets: [], candidates: [], wordFrequencies: undefined, features, labels };
  });
}

/** Share of pools whose best-scored candidate is the answer. */
function firstRight(ranker: Ranker, pools: readonly QueryPool[]): number {
  let right = 0;
  for (const pool of pools) {
    const scores = ranker.scores('words', pool.features);
    let best = 0;
    for (let row = 1; row < scores.length; row++) if (scores[row]! > scores[best]!) best = row;
    if (pool.labels[best]) right += 1;
  }
  return right / pools.length;
}

const FEATURES = ['fusedRank', 'kindSection', 'kindCallable', 'poolProse', 'lines'] as const;
const TREES = { trees: 20, depth: 3, rate: 0.3, minHessian: 1 };

test('boosted trees learn what the linear score cannot: which kind answers depends on the pool', () => {
  const training = interactionPools(200);
  const held = interactionPools(201).slice(200 - 60);
  const linear = fitShape(training, { features: [...FEATURES], iterations: 200 });
  const boosted = fitShape(training, { features: [...FEATURES], iterations: 200, trees: TREES });
  const asRanker = (weights: typeof linear) => new Ranker({ version: FEATURE_VERSION, shapes: { symbol: weights, words: weights } });
  assert.equal(linear.trees, undefined);
  assert.equal(boosted.trees!.length, TREES.trees);
  const linearRight = firstRight(asRanker(linear), held);
  const boostedRight = firstRight(asRanker(boosted), held);
  assert.ok(linearRight < 0.7, `a weighted sum cannot serve both kinds of pool: ${linearRight}`);
  assert.ok(boostedRight > 0.95, `the trees put the answer first: ${boostedRight}`);
  assert.ok(boosted.trees!.some((tree) => tree.feature.includes('poolProse')), 'a tree splits on the pool');
});

test('boosting is deterministic: the same pools give the same trees, byte for byte', () => {
  const pools = interactionPools(80);
  const first = fitShape(pools, { features: [...FEATURES], iterations: 50, trees: TREES, fileRepeat: true });
  const second = fitShape(pools, { features: [...FEATURES], iterations: 50, trees: TREES, fileRepeat: true });
  assert.equal(JSON.stringify(first), JSON.stringify(second));
});

test('trees may be kept off features: none of their splits uses one left out', () => {
  const fitted = fitShape(interactionPools(100), { features: [...FEATURES], iterations: 50, trees: { ...TREES, features: ['fusedRank', 'kindSection', 'kindCallable', 'lines'] } });
  assert.ok(fitted.trees!.every((tree) => !tree.feature.includes('poolProse')));
});
