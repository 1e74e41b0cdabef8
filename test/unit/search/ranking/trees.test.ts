import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FEATURE_INDEX, FEATURE_NAMES } from '../../../../extension/core/search/ranking/features.ts';
import { FEATURE_VERSION, Ranker, type ShapeWeights } from '../../../../extension/core/search/ranking/model.ts';
import { compileTree, type TreeNodes } from '../../../../extension/core/search/ranking/trees.ts';

/** Splits on kindSection, then (for sections) on headingMatch at 0.5. Node values are expected values. */
const TREE: TreeNodes = {
  feature: ['kindSection', null, 'headingMatch', null, null],
  threshold: [0.5, 0, 0.5, 0, 0],
  left: [1, -1, 3, -1, -1],
  right: [2, -1, 4, -1, -1],
  value: [0, -0.2, 0.4, 0.1, 1.3],
};

function row(values: Partial<Record<keyof typeof FEATURE_INDEX, number>>): Float64Array {
  const rows = new Float64Array(FEATURE_NAMES.length);
  for (const [name, value] of Object.entries(values)) rows[FEATURE_INDEX[name as keyof typeof FEATURE_INDEX]] = value!;
  return rows;
}

const weights: ShapeWeights = { weights: { lexicalScore: 2 }, calibration: { scale: 1, offset: 0 }, trees: [TREE] };
const ranker = new Ranker({ version: FEATURE_VERSION, shapes: { symbol: { weights: { lexicalScore: 2 }, calibration: { scale: 1, offset: 0 } }, words: weights } });

test('a ranker with trees scores the linear sum plus the leaf each row reaches', () => {
  assert.deepEqual([...ranker.scores('words', row({ lexicalScore: 0.5 }))], [1 - 0.2]);
  assert.deepEqual([...ranker.scores('words', row({ lexicalScore: 0.5, kindSection: 1, headingMatch: 0.5 }))], [1 + 0.1]);
  assert.deepEqual([...ranker.scores('words', row({ lexicalScore: 0.5, kindSection: 1, headingMatch: 0.9 }))], [1 + 1.3]);
  assert.deepEqual([...ranker.scores('symbol', row({ lexicalScore: 0.5, kindSection: 1, headingMatch: 0.9 }))], [1], 'a shape without trees stays linear');
});

test('the explanation splits a tree\'s value among the features on its path, and the parts add up to the score', () => {
  const features = row({ lexicalScore: 0.5, kindSection: 1, headingMatch: 0.9 });
  const parts = ranker.contributions('words', features, 0);
  const byName = Object.fromEntries(parts.map((part) => [part.feature, part.contribution]));
  assert.equal(byName.lexicalScore, 1);
  assert.ok(Math.abs(byName.kindSection! - 0.4) < 1e-12);
  assert.ok(Math.abs(byName.headingMatch! - 0.9) < 1e-12);
  const total = parts.reduce((sum, part) => sum + part.contribution, 0);
  assert.ok(Math.abs(total - ranker.scores('words', features)[0]!) < 1e-12);
  assert.equal(parts[0]!.feature, 'lexicalScore', 'largest effect first');
});

test('a stored tree that names an unknown feature, or points a child backwards, is refused', () => {
  assert.throws(() => compileTree({ ...TREE, feature: ['noSuchFeature' as never, null, 'headingMatch', null, null] }), /unknown feature "noSuchFeature"/);
  assert.throws(() => compileTree({ ...TREE, left: [0, -1, 3, -1, -1] }), /bad child index/);
  assert.throws(() => compileTree({ ...TREE, value: [0, 1] }), /differ in length/);
});
