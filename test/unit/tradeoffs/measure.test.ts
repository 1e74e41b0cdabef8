import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkContentHash } from '../../../extension/core/store/index-store.ts';
import { measureTradeoffs, quantile } from '../../../extension/core/tradeoffs/measure.ts';
import { makeChunk, openTemporaryStore, spaceDefinition } from '../store/helpers.ts';
import { clusteredVectors } from '../store/vectors.ts';

test('storage options are measured on the vectors of the index and the spaces built for it are dropped', async () => {
  const dimensions = 64;
  const store = openTemporaryStore();
  const chunks = Array.from({ length: 1500 }, (_, index) => makeChunk({ text: `function f${index}() {}`, startLine: index + 1, endLine: index + 1 }));
  store.replaceFile({ path: 'src/many.ts', contentHash: 'many', size: 1, mtimeMs: 1, language: 'typescript' }, new Map([['chunker-1', chunks]]));
  const base = store.ensureVectorSpace(spaceDefinition({ dimensions }), 'active');
  const vectors = clusteredVectors({ count: 1600, dimensions, seed: 21, clusters: 30 });
  store.insertEmbeddings(base, chunks.map((chunk, index) => ({ contentHash: chunkContentHash(chunk), vector: vectors[index]! })));
  const queries = vectors.slice(1500);
  const progress: number[] = [];
  const results = await measureTradeoffs(
    store,
    base,
    [{ kind: 'float32' }, { kind: 'int8' }, { kind: 'binary', oversampling: 2 }, { kind: 'binary', oversampling: 20 }, { kind: 'binary', rescore: 'int8' }, { kind: 'float32', dimensions: 32 }],
    queries,
    { onProgress: (done) => progress.push(done) },
  );
  assert.deepEqual(progress, [0, 1, 2, 3, 4, 5, 6]);
  const [float32, int8, narrow, wide, binaryInt8, truncated] = results;
  assert.equal(float32!.spaceId, base.id);
  assert.equal(float32!.built, false);
  assert.equal(float32!.recallAt10VsExact, 1);
  assert.equal(narrow!.spaceId, wide!.spaceId, 'oversampling is measured on one space');
  assert.ok(wide!.recallAt10VsExact > narrow!.recallAt10VsExact, 'more candidates, more recall');
  assert.ok(wide!.recallAt10VsExact >= 0.95, `binary ×20: ${wide!.recallAt10VsExact}`);
  assert.ok(int8!.recallAt10VsExact >= 0.95, `int8: ${int8!.recallAt10VsExact}`);
  assert.ok(binaryInt8!.recallAt10VsExact >= 0.9);
  assert.ok(truncated!.recallAt10VsExact < 1);
  assert.ok(int8!.bytesPerVector < float32!.bytesPerVector / 2);
  assert.ok(binaryInt8!.bytesPerVector < wide!.bytesPerVector, 'int8 rescoring vectors are smaller');
  for (const result of results) {
    assert.equal(result.vectors, 1500);
    assert.ok(result.latency.p50 > 0 && result.latency.p95 >= result.latency.p50);
    assert.ok(Math.abs(result.totalBytes - result.bytesPerVector * result.vectors) < 1e-6 * result.totalBytes);
  }
  assert.deepEqual(store.vectorSpaces().map((space) => space.id), [base.id], 'the measured spaces are gone');
  assert.deepEqual(store.checkIntegrity(), []);
  store.close();
});

test('quantiles are nearest-rank', () => {
  assert.equal(quantile([5, 1, 3, 2, 4], 0.5), 3);
  assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95), 10);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});
