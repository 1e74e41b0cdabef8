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

test('query weights follow the group sizes to the group power: 0 weighs queries alike, 1 groups alike', () => {
  // Pools of two groups that want opposite answers: 60 "many" queries want the section, 20 "few" the function.
  const pools = interactionPools(80).map((pool, index) => {
    const wanted = index < 60 ? 'kindSection' : 'kindCallable';
    const width = FEATURE_NAMES.length;
    const labels = Uint8Array.from({ length: pool.labels.length }, (_, row) => (pool.features[row * width + FEATURE_INDEX[wanted]] === 1 ? 1 : 0));
    return { ...pool, group: index < 60 ? 'many' : 'few', labels };
  });
  const fitted = (groupPower: number | undefined) => fitShape(pools, { features: ['fusedRank', 'lines'], iterations: 20, trees: { ...TREES, groupPower } });
  const ranker = (weights: ReturnType<typeof fitted>) => new Ranker({ version: FEATURE_VERSION, shapes: { symbol: weights, words: weights } });
  const byGroup = (weights: ReturnType<typeof fitted>, group: string) => firstRight(ranker(weights), pools.filter((pool) => pool.group === group));
  assert.equal(JSON.stringify(fitted(0).trees), JSON.stringify(fitted(undefined).trees), 'power 0, the default, is queries alike');
  // Little tells the groups apart, so the heavier one wins where they disagree: the many queries when queries
  // weigh alike, the few when groups do (20 queries of weight 2 against 60 of weight 2/3).
  const [manyAlike, fewAlike] = [byGroup(fitted(0), 'many'), byGroup(fitted(0), 'few')];
  const [manyGroups, fewGroups] = [byGroup(fitted(1), 'many'), byGroup(fitted(1), 'few')];
  assert.ok(manyAlike > 0.9 && fewGroups > 0.9, `each weighting serves its heavier group: ${manyAlike}, ${fewGroups}`);
  assert.ok(fewGroups > fewAlike + 0.2 && manyGroups < manyAlike, `groups alike move toward the few: ${fewAlike} → ${fewGroups}, ${manyAlike} → ${manyGroups}`);
});
