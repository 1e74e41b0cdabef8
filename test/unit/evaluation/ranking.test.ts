import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { metricsOfRanks, NOT_FOUND, optionRanks, rankOfGroup } from '../../../extension/core/evaluation/ranking.ts';
import { pooledCandidates, seededShuffle } from '../../../extension/core/evaluation/model-evaluation.ts';

const vector = (...values: number[]) => Float32Array.from(values);

describe('metrics of single-target queries', () => {
  test('Recall@10, MRR@10 and nDCG@10 by hand', () => {
    const metrics = metricsOfRanks([1, 2, 11, NOT_FOUND]);
    assert.equal(metrics.recallAt10, 0.5);
    assert.equal(metrics.mrrAt10, (1 + 1 / 2) / 4);
    assert.ok(Math.abs(metrics.ndcgAt10 - (1 + 1 / Math.log2(3)) / 4) < 1e-12);
  });

  test('rank 10 counts, rank 11 does not; no queries give zeros', () => {
    assert.deepEqual(metricsOfRanks([10]), { recallAt10: 1, mrrAt10: 0.1, ndcgAt10: 1 / Math.log2(11) });
    assert.deepEqual(metricsOfRanks([11]), { recallAt10: 0, mrrAt10: 0, ndcgAt10: 0 });
    assert.deepEqual(metricsOfRanks([]), { recallAt10: 0, mrrAt10: 0, ndcgAt10: 0 });
  });

  test('rankOfGroup: a declaration ranks by its best piece; ties count against the target', () => {
    // Entries 0 and 1 are two pieces of declaration 0; entry 2 is declaration 1; entry 3 declaration 2.
    const groups = [0, 0, 1, 2];
    const entries = [0, 1, 2, 3];
    assert.equal(rankOfGroup([0.1, 0.9, 0.5, 0.8], entries, groups, 0), 1, 'its second piece beats everything');
    assert.equal(rankOfGroup([0.1, 0.2, 0.5, 0.8], entries, groups, 0), 3);
    assert.equal(rankOfGroup([0.9, 0.9, 0.9, 0.9], entries, groups, 0), 3, 'a model that scores everything the same finds nothing first');
    assert.equal(rankOfGroup([0.5, 0.9], [2, 3], groups, 0), NOT_FOUND, 'no piece of the target among the entries');
  });
});

describe('ranks over a tiny pool', () => {
  // Four documents along four directions; each query leans towards one of them.
  const pool = [vector(1, 0, 0, 0), vector(0, 1, 0, 0), vector(0, 0, 1, 0), vector(0, 0, 0, 1)];
  const queries = [vector(0.9, 0.1, 0, 0), vector(0.6, 0.5, 0, 0), vector(0, 0, 0.2, 0.8)];

  test('float32 ranks by cosine', () => {
    assert.deepEqual(optionRanks({ kind: 'float32' }, queries, pool, [0, 1, 2]), [1, 2, 2]);
  });

  test('int8 agrees with float32 on clear cases', () => {
    assert.deepEqual(optionRanks({ kind: 'int8' }, queries, pool, [0, 1, 2]), [1, 2, 2]);
  });

  test('truncation ranks on the first dimensions only', () => {
    // Two dimensions: documents 2 and 3 become zero vectors and tie with each other below the others.
    assert.deepEqual(optionRanks({ kind: 'float32', dimensions: 2 }, [vector(0, 1, 0, 0)], pool, [1]), [1]);
  });

  test('pieces of one declaration are one result: the best piece counts, the others do not push it down', () => {
    // Documents 0 and 1 are pieces of declaration 0; 2 and 3 are declarations 1 and 2.
    const groups = [0, 0, 1, 2];
    assert.deepEqual(optionRanks({ kind: 'float32' }, [vector(0.5, 0.6, 0.1, 0)], pool, [0], pool.length, groups), [1]);
    assert.deepEqual(optionRanks({ kind: 'float32' }, [vector(0.1, 0.2, 0.3, 0.9)], pool, [1], pool.length, groups), [2], 'declaration 0 counts once above it');
    assert.throws(() => optionRanks({ kind: 'float32' }, queries, pool, [0, 1, 2], pool.length, [0, 1]), RangeError);
  });

  test('binary: a target outside the Hamming candidates is not found; inside, it is rescored from float32', () => {
    const wide = optionRanks({ kind: 'binary', rescore: 'float32' }, queries, pool, [0, 1, 2], 4);
    assert.deepEqual(wide, [1, 2, 2]);
    const narrow = optionRanks({ kind: 'binary', rescore: 'float32' }, [vector(0.6, 0.5, 0, 0)], pool, [3], 2);
    assert.deepEqual(narrow, [NOT_FOUND]);
  });
});

test('the binary net is the index\'s share of the pool, at least k', () => {
  assert.equal(pooledCandidates(40, 2100, 10_000), 84);
  assert.equal(pooledCandidates(40, 2100, 1_000_000), 10);
  assert.equal(pooledCandidates(40, 2100, 1500), 400, 'an index smaller than the pool keeps its net');
  assert.equal(pooledCandidates(40, 120, 100), 120, 'never more than the pool');
});

test('seededShuffle: the same seed gives the same order, another seed another', () => {
  const items = Array.from({ length: 50 }, (_, index) => index);
  assert.deepEqual(seededShuffle(items, 7), seededShuffle(items, 7));
  assert.notDeepEqual(seededShuffle(items, 7), seededShuffle(items, 8));
  assert.deepEqual([...seededShuffle(items, 7)].sort((a, b) => a - b), items);
});
