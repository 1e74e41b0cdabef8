import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FEATURE_INDEX, FEATURE_NAMES } from '../../../extension/core/search/ranking/features.ts';
import { fitLogistic, fitShape } from '../../../training/ranker/fit.ts';
import type { QueryPool } from '../../../training/ranker/pools.ts';

/** Pools where the answer is the one candidate with `stemWordShare` 1, placed anywhere; `lines` is noise. */
function pools(count: number): QueryPool[] {
  let seed = 7;
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  return Array.from({ length: count }, (_, query) => {
    const size = 20;
    const features = new Float64Array(size * FEATURE_NAMES.length);
    const labels = new Uint8Array(size);
    const answer = Math.floor(random() * size);
    for (let row = 0; row < size; row++) {
      features[row * FEATURE_NAMES.length + FEATURE_INDEX.fusedRank] = 1 / Math.log2(2 + row);
      features[row * FEATURE_NAMES.length + FEATURE_INDEX.lines] = random() * 6;
      if (row === answer) features[row * FEATURE_NAMES.length + FEATURE_INDEX.stemWordShare] = 1;
    }
    labels[answer] = 1;
    return { id: `q${query}`, group: 'test', query: 'q', shape: 'words', targets: [], candidates: [], wordFrequencies: undefined, features, labels };
  });
}

test('the listwise fit learns the feature that marks answers and little of the noise', () => {
  const weights = fitShape(pools(200), { features: ['fusedRank', 'stemWordShare', 'lines'], iterations: 200 });
  assert.ok(weights.weights.stemWordShare! > 2, JSON.stringify(weights));
  assert.ok(Math.abs(weights.weights.lines!) < weights.weights.stemWordShare! / 5, JSON.stringify(weights));
  assert.ok(Number.isFinite(weights.calibration.scale) && weights.calibration.scale > 0);
});

test('Platt scaling stays finite when scores separate answers perfectly, and follows the rate of answers', () => {
  const separable = [...Array.from({ length: 50 }, () => ({ score: 5, label: 1 })), ...Array.from({ length: 50 }, () => ({ score: -5, label: 0 }))];
  const { scale, offset } = fitLogistic(separable);
  assert.ok(Number.isFinite(scale) && scale > 0 && scale < 10, `scale ${scale}`);
  const probability = (score: number) => 1 / (1 + Math.exp(-(scale * score + offset)));
  assert.ok(probability(5) > 0.9 && probability(-5) < 0.1);
  const mixed = Array.from({ length: 400 }, (_, index) => ({ score: index % 2, label: index % 4 === 1 ? 1 : 0 }));
  const fitted = fitLogistic(mixed);
  const rate = 1 / (1 + Math.exp(-(fitted.scale + fitted.offset)));
  assert.ok(Math.abs(rate - 0.5) < 0.05, `half the score-1 points are answers: ${rate}`);
});

test('the file-repeat penalty is learned where one file\'s many pieces bury answers in other files, and not where they do not', () => {
  const width = FEATURE_NAMES.length;
  /** Every candidate scores alike (in pool order): 12 pieces of one file come first, then the answer in a file of its own; `answerInFile`: the answer is the 12th piece. */
  const buried = (answerInFile: boolean): QueryPool[] =>
    Array.from({ length: 30 }, (_, query) => {
      const size = 20;
      const features = new Float64Array(size * width);
      const labels = new Uint8Array(size);
      const candidates = Array.from({ length: size }, (_, row) => ({ folder: '', chunk: { path: row < 12 ? 'big.go' : `f${row}.go` } }));
      labels[answerInFile ? 11 : 12] = 1;
      return { id: `q${query}`, group: 'test', query: 'q', shape: 'words', targets: [], candidates, wordFrequencies: undefined, features, labels } as unknown as QueryPool;
    });
  assert.ok(fitShape(buried(false), { features: ['lines'], iterations: 5, fileRepeat: true }).fileRepeat! > 0);
  assert.equal(fitShape(buried(true), { features: ['lines'], iterations: 5, fileRepeat: true }).fileRepeat, 0);
  assert.equal(fitShape(buried(false), { features: ['lines'], iterations: 5 }).fileRepeat, undefined, 'only when asked');
});
