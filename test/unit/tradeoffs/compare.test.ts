import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import { candidateOptions, compareStorageOptions, recommend } from '../../../extension/core/tradeoffs/compare.ts';
import type { StorageOptionMeasurement, TradeoffReport } from '../../../extension/core/tradeoffs/types.ts';
import { offlineModel } from '../../helpers/models.ts';
import { writeCorpus } from '../indexing/corpus.ts';
import { MIGRATION_FILES } from '../migration/report-corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';

function measurement(overrides: Partial<StorageOptionMeasurement>): StorageOptionMeasurement {
  return {
    option: { kind: 'float32' },
    label: 'float32',
    current: false,
    bytesPerVector: 2048,
    totalBytes: 2048_000,
    latency: { p50: 10, p95: 12 },
    recallAt10VsExact: 1,
    quality: { recallAt10: 0.9, mrrAt10: 0.8 },
    warning: undefined,
    ...overrides,
  };
}

describe('recommend', () => {
  test('the smallest option that keeps 99% of the exact results and float32 quality within 0.01', () => {
    const options = [
      measurement({ current: true }),
      measurement({ option: { kind: 'int8' }, label: 'int8', bytesPerVector: 600, recallAt10VsExact: 0.995, quality: { recallAt10: 0.9, mrrAt10: 0.795 } }),
      measurement({ option: { kind: 'binary', rescore: 'float32', oversampling: 10 }, label: 'binary', bytesPerVector: 300, recallAt10VsExact: 0.96 }),
      measurement({ option: { kind: 'float32', dimensions: 256 }, label: 'float32, 256', bytesPerVector: 500, recallAt10VsExact: 0.999, quality: { recallAt10: 0.8, mrrAt10: 0.7 } }),
    ];
    const { index, reason } = recommend(options);
    assert.equal(index, 1, 'binary misses too many exact results; the truncation loses quality');
    assert.match(reason, /int8 keeps 99\.5% of the exact top 10, MRR@10 0\.795 \(float32 0\.800\) at 29% of float32's bytes/);
  });

  test('nothing to recommend when the current option is already the best', () => {
    assert.equal(recommend([measurement({ current: true, label: 'float32' })]).index, undefined);
  });
});

describe('candidate options', () => {
  test('every kind; truncations a Matryoshka model was trained for, or one with a warning for other models', () => {
    const nomic = candidateOptions({ id: 'nomic', dimensions: 768, matryoshka: true, matryoshkaDimensions: [768, 512, 256, 128, 64] });
    assert.deepEqual(nomic.filter((option) => option.dimensions).map((option) => option.dimensions), [512, 512, 256, 256, 128, 128]);
    const use = candidateOptions({ id: 'use-lite', dimensions: 512, matryoshka: false });
    assert.deepEqual([...new Set(use.map((option) => option.kind))], ['float32', 'int8', 'binary']);
    assert.deepEqual(use.filter((option) => option.dimensions).map((option) => option.dimensions), [256, 256]);
  });
});

describe('compare storage options on a real index', () => {
  let index: FolderIndex;
  let report: TradeoffReport;
  before(async () => {
    index = await FolderIndex.open({ root: writeCorpus(MIGRATION_FILES), databasePath: temporaryDatabasePath(), modelDirectory: offlineModel('use-lite'), quantization: 'int8', device: 'cpu', threads: 1 });
    await index.index();
    const manifest = index.runtime.info.manifest;
    report = await compareStorageOptions({ store: index.store, embedder: index.runtime, model: { id: manifest.id, dimensions: manifest.dimensions, matryoshka: manifest.matryoshka }, recentQueries: ['retry a request'] });
  });
  after(() => index.close());

  test('every candidate is measured with finite figures; float32 is exact and current', () => {
    assert.equal(report.options.length, candidateOptions({ id: 'use-lite', dimensions: 512, matryoshka: false }).length);
    for (const option of report.options) {
      for (const value of [option.bytesPerVector, option.totalBytes, option.latency.p50, option.latency.p95, option.recallAt10VsExact]) assert.ok(Number.isFinite(value) && value >= 0, `${option.label}: ${value}`);
      assert.ok(option.recallAt10VsExact <= 1);
    }
    const float32 = report.options.find((option) => option.option.kind === 'float32' && !option.option.dimensions)!;
    assert.equal(float32.current, true);
    assert.equal(float32.recallAt10VsExact, 1);
    assert.ok(report.queries.selfSupervised > 10, 'doc comments give queries');
    assert.ok(float32.quality!.mrrAt10 > 0.5);
  });

  test('int8 takes fewer bytes than float32; truncating a model not trained for it carries a warning', () => {
    const float32 = report.options.find((option) => option.option.kind === 'float32' && !option.option.dimensions)!;
    const int8 = report.options.find((option) => option.option.kind === 'int8' && !option.option.dimensions)!;
    assert.ok(int8.bytesPerVector < float32.bytesPerVector, `${int8.bytesPerVector} < ${float32.bytesPerVector}`);
    assert.match(report.options.find((option) => option.option.dimensions === 256)!.warning!, /not trained for truncation/);
  });

  test('measuring leaves the index as it was: no extra vector spaces', () => {
    assert.equal(index.store.vectorSpaces().length, 1);
  });
});
