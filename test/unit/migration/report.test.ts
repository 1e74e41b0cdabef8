// The migration report, calibrated thresholds and duplicate search on a real index: the same folder
// indexed with GloVe (the old space) and then Universal Sentence Encoder lite (the new one) in one
// database, as a model change does.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EmbeddingRuntime } from '../../../extension/core/embedding/runtime.ts';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import { calibrateThresholds, thresholdFor, type CalibrationResult } from '../../../extension/core/migration/calibration.ts';
import { findDuplicates, type DuplicateGroup, type FindDuplicatesProgress } from '../../../extension/core/migration/find-duplicates.ts';
import { migrationReport, qualityDropped, type Histogram, type MigrationReport, type MigrationReportProgress } from '../../../extension/core/migration/report.ts';
import type { VectorSpace } from '../../../extension/core/store/index-store.ts';
import { offlineModel } from '../../helpers/models.ts';
import { writeCorpus } from '../indexing/corpus.ts';
import { openTemporaryStore, spaceDefinition, temporaryDatabasePath } from '../store/helpers.ts';
import { MIGRATION_FILES } from './report-corpus.ts';
import { isCoreError } from '../../../extension/core/errors.ts';

const RECENT_QUERIES = ['sort users by age', 'retry failed http requests', 'hash a password', 'retry failed http requests '];

function assertHistogram(histogram: Histogram, total: number): void {
  assert.equal(histogram.edges.length, histogram.counts.length + 1);
  assert.equal(histogram.edges[0], -1);
  assert.equal(histogram.edges.at(-1), 1);
  assert.equal(histogram.counts.reduce((sum, count) => sum + count, 0), total);
  assert.equal(histogram.total, total);
}

/** Every number in a value is finite (JSON would silently turn NaN and Infinity into null). */
function assertFiniteNumbers(value: unknown, where = 'report'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${where} is ${value}`);
  else if (Array.isArray(value)) value.forEach((item, index) => assertFiniteNumbers(item, `${where}[${index}]`));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) assertFiniteNumbers(item, `${where}.${key}`);
}

const symbolsOf = (group: DuplicateGroup) => new Set(group.contents.flatMap((content) => content.locations.map((location) => location.symbol)));

describe('migration from GloVe to Universal Sentence Encoder lite', () => {
  let index: FolderIndex;
  let glove: EmbeddingRuntime;
  let oldSpace: VectorSpace;
  let newSpace: VectorSpace;
  let report: MigrationReport;
  const progress: MigrationReportProgress[] = [];
  const calibrations = new Map<string, CalibrationResult>();

  before(async () => {
    const root = writeCorpus(MIGRATION_FILES);
    const databasePath = temporaryDatabasePath();
    const open = (model: 'glove-100d' | 'use-lite') => FolderIndex.open({ root, databasePath, modelDirectory: offlineModel(model), quantization: 'fp32', device: 'cpu', threads: 1 });
    const first = await open('glove-100d');
    await first.index();
    await first.close();
    index = await open('use-lite');
    await index.index();
    glove = await EmbeddingRuntime.load({ modelDirectory: offlineModel('glove-100d'), quantization: 'fp32', device: 'cpu', threads: 1 });
    [oldSpace, newSpace] = [index.store.vectorSpaces().find((space) => space.modelId === 'glove-100d')!, index.store.activeSpace()!];
    report = await migrationReport({
      store: index.store,
      from: oldSpace,
      to: newSpace,
      embedFrom: glove,
      embedTo: index.runtime,
      recentQueries: RECENT_QUERIES,
      onProgress: (update) => progress.push(update),
    });
  });

  after(async () => {
    await glove?.dispose();
    await index?.close();
  });

  test('the two spaces differ in model, dimensions and chunk set', () => {
    assert.equal(newSpace.modelId, 'use-lite');
    assert.equal(oldSpace.dimensions, 100);
    assert.equal(newSpace.dimensions, 512);
    assert.notEqual(oldSpace.chunker, newSpace.chunker, 'the tokenizers differ, so the chunk sets do');
  });

  test('thresholds are calibrated per space: they differ, and similar < duplicate in each', async () => {
    for (const [space, embedder] of [[oldSpace, glove], [newSpace, index.runtime]] as const) {
      const result = await calibrateThresholds(index.store, space, { embedder });
      calibrations.set(space.modelId, result);
      assert.ok(result.similar.value < result.duplicate.value, `${space.modelId}: similar ${result.similar.value} < duplicate ${result.duplicate.value}`);
      assert.equal(thresholdFor(index.store, space, 'similar'), result.similar.value);
      assert.equal(thresholdFor(index.store, space, 'duplicate'), result.duplicate.value);
      assert.match(String(result.similar.details.method), /percentile 0.99/);
      const details = result.duplicate.details as { precisionTarget: number; targetMet: boolean; perturbedPairs: number; unrelated: { pairs: number; vectorsSampled: number } };
      assert.equal(details.precisionTarget, 0.95);
      assert.equal(details.targetMet, true);
      assert.ok(details.perturbedPairs >= 20, `${details.perturbedPairs} perturbed pairs`);
      assert.equal(details.unrelated.pairs, result.unrelated.length);
      // The perturbed copies are far more similar than unrelated pairs: the medians are apart.
      const median = (values: number[]) => values[Math.floor(values.length / 2)]!;
      assert.ok(median(result.perturbed) > median(result.unrelated) + 0.05);
    }
    const [gloveResult, useResult] = [calibrations.get('glove-100d')!, calibrations.get('use-lite')!];
    assert.notEqual(gloveResult.similar.value, useResult.similar.value);
    assert.notEqual(gloveResult.duplicate.value, useResult.duplicate.value);
    // GloVe averages word vectors, so unrelated code already scores high: its thresholds sit higher.
    assert.ok(gloveResult.similar.value > useResult.similar.value);
  });

  test('calibration is repeatable on the same index', async () => {
    const again = await calibrateThresholds(index.store, newSpace, { embedder: index.runtime });
    assert.equal(again.similar.value, thresholdFor(index.store, newSpace, 'similar'));
    assert.ok(Math.abs(again.duplicate.value - thresholdFor(index.store, newSpace, 'duplicate')) < 1e-6);
  });

  test('calibrating with another model than the space\'s is refused', async () => {
    await assert.rejects(calibrateThresholds(index.store, oldSpace, { embedder: index.runtime }), (error) => isCoreError(error, 'calibration') && error.reason === 'model-mismatch');
    await assert.rejects(migrationReport({ store: index.store, from: oldSpace, to: newSpace, embedFrom: index.runtime, embedTo: index.runtime }), (error) => isCoreError(error, 'calibration') && error.reason === 'model-mismatch');
  });

  test('the report covers both spaces completely', () => {
    assert.equal(report.from!.id, oldSpace.id);
    assert.equal(report.to.id, newSpace.id);
    for (const coverage of [report.coverage.from!, report.coverage.to]) {
      assert.equal(coverage.shareComplete, 1);
      assert.equal(coverage.missingContents, 0);
      assert.equal(coverage.markedComplete, true);
      assert.ok(coverage.vectors > 0);
    }
    assert.ok(report.coverage.to.vectors > report.coverage.from!.vectors, 'the 128-token window of USE splits more chunks');
  });

  test('queries: recent ones deduplicated, self-supervised ones from doc comments without markers', () => {
    assert.equal(report.queries.recent, 3);
    assert.ok(report.queries.selfSupervised >= 30, `${report.queries.selfSupervised} self-supervised queries`);
    const examples = report.queries.examples.map((example) => example.query);
    assert.ok(examples.includes('HashPassword stores a password safely by hashing it with a random salt.'), examples.join('\n'));
    for (const query of examples) assert.doesNotMatch(query, /^(\/\/|\/\*|\*|#)|\*\/$/);
  });

  test('top-10 overlap of old and new results is a share in [0, 1] for every query', () => {
    const overlap = report.overlap!;
    assert.equal(overlap.perQuery.length, report.queries.recent + report.queries.selfSupervised);
    for (const entry of overlap.perQuery) {
      assert.ok(entry.overlapAt10 >= 0 && entry.overlapAt10 <= 1, `${entry.query}: ${entry.overlapAt10}`);
      assert.ok(entry.jaccard >= 0 && entry.jaccard <= entry.overlapAt10 + 1e-9);
    }
    assert.ok(overlap.mean > 0 && overlap.mean < 1, `mean overlap ${overlap.mean}: the models rank differently, not unrelatedly`);
    assert.deepEqual(overlap.perQuery.slice(0, 3).map((entry) => entry.source), ['recent', 'recent', 'recent']);
  });

  test('score histograms share their bins and count every sample', () => {
    const queries = report.queries.recent + report.queries.selfSupervised;
    const [from, to] = [report.scores.from!, report.scores.to];
    assert.deepEqual(from.topScores.edges, to.topScores.edges);
    assert.deepEqual(from.unrelatedPairs.edges, to.unrelatedPairs.edges);
    assert.deepEqual(from.topScores.edges, from.unrelatedPairs.edges);
    assertHistogram(from.topScores, queries);
    assertHistogram(to.topScores, queries);
    const thresholds = report.thresholds;
    assert.ok('similar' in thresholds.from! && 'similar' in thresholds.to);
    assertHistogram(from.unrelatedPairs, (thresholds.from.similar.details.unrelated as { pairs: number }).pairs);
    assertHistogram(to.unrelatedPairs, (thresholds.to.similar.details.unrelated as { pairs: number }).pairs);
  });

  test('the report carries both spaces\' recalibrated thresholds', () => {
    const thresholds = report.thresholds;
    assert.ok('similar' in thresholds.from! && 'similar' in thresholds.to);
    assert.ok(thresholds.from.similar.value < thresholds.from.duplicate.value);
    assert.ok(thresholds.to.similar.value < thresholds.to.duplicate.value);
    assert.notEqual(thresholds.from.similar.value, thresholds.to.similar.value);
  });

  test('Recall@10 and MRR@10 are shares, and USE ranks the documented code better than GloVe', () => {
    const quality = report.quality!;
    assert.equal(quality.queries, report.queries.selfSupervised);
    for (const measured of [quality.from!, quality.to]) {
      for (const value of [measured.recallAt10, measured.mrrAt10]) assert.ok(value >= 0 && value <= 1);
      assert.ok(measured.mrrAt10 <= measured.recallAt10);
    }
    assert.ok(quality.to.mrrAt10 > quality.from!.mrrAt10, `USE MRR ${quality.to.mrrAt10} > GloVe MRR ${quality.from!.mrrAt10}`);
    assert.equal(qualityDropped(report, 0), false);
  });

  test('the report is plain JSON with finite numbers, and progress ends done', () => {
    assertFiniteNumbers(JSON.parse(JSON.stringify(report)));
    assert.deepEqual(JSON.parse(JSON.stringify(report)).quality, report.quality);
    assert.equal(progress.at(-1)!.phase, 'done');
    assert.ok(progress.every((update, position) => position === 0 || update.fraction >= progress[position - 1]!.fraction));
  });

  test('a first index has nothing to compare with: the report describes the new space alone', async () => {
    const first = await migrationReport({ store: index.store, from: undefined, to: newSpace, embedTo: index.runtime, recentQueries: RECENT_QUERIES, recalibrate: false });
    assert.equal(first.from, undefined);
    assert.equal(first.coverage.from, undefined);
    assert.equal(first.overlap, undefined);
    assert.equal(first.scores.from, undefined);
    assert.equal(first.thresholds.from, undefined);
    assert.equal(first.quality!.from, undefined);
    assert.ok(first.quality!.to.mrrAt10 > 0);
    assert.equal(qualityDropped(first, 0), false);
    // recalibrate: false reads the saved thresholds.
    assert.ok('similar' in first.thresholds.to);
    assert.equal(first.thresholds.to.similar.value, thresholdFor(index.store, newSpace, 'similar'));
  });

  test('an aborted report stops', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(migrationReport({ store: index.store, from: oldSpace, to: newSpace, embedFrom: glove, embedTo: index.runtime, signal: controller.signal }), { name: 'AbortError' });
  });

  for (const model of ['glove-100d', 'use-lite'] as const) {
    test(`findDuplicates (${model}) finds the exact copy and the renamed copy, not unrelated functions`, async () => {
      const space = model === 'use-lite' ? newSpace : oldSpace;
      const updates: FindDuplicatesProgress[] = [];
      const result = await findDuplicates(index.store, space, { onProgress: (update) => updates.push(update) });
      assert.equal(result.thresholdSource, 'calibrated');
      assert.equal(result.threshold, thresholdFor(index.store, space, 'duplicate'));
      assert.equal(result.examined, result.total);
      assert.equal(updates.at(-1)!.examined, updates.at(-1)!.total);

      const exact = result.groups.filter((group) => group.kind === 'exact');
      assert.equal(exact.length, 1, 'one exact group, the pieces of one split copy included');
      const paths = new Set(exact[0]!.contents.flatMap((content) => content.locations.map((location) => location.path)));
      assert.deepEqual([...paths].sort(), ['src/legacy/text-utils.ts', 'src/text/strings.ts']);
      assert.deepEqual([...symbolsOf(exact[0]!)], ['editDistance']);

      const near = result.groups.filter((group) => group.kind === 'near');
      const renamed = near.find((group) => symbolsOf(group).has('parseRetryAfter'));
      assert.ok(renamed, `the renamed copy is found: ${JSON.stringify(near.map((group) => [...symbolsOf(group)]))}`);
      assert.deepEqual([...symbolsOf(renamed)].sort(), ['parseRetryAfter', 'retryDelayFromHeader']);
      assert.ok(renamed.similarity >= result.threshold);

      // Nothing else, except (with USE) the LRU cache's get and set, whose bodies share half their words.
      for (const group of near.filter((candidate) => candidate !== renamed)) {
        assert.equal(model, 'use-lite', `GloVe groups ${[...symbolsOf(group)].join(', ')}`);
        assert.deepEqual([...symbolsOf(group)].sort(), ['get', 'set']);
      }
    });
  }

  test('findDuplicates takes an explicit threshold, and stops when aborted', async () => {
    const loose = await findDuplicates(index.store, newSpace, { threshold: thresholdFor(index.store, newSpace, 'similar') });
    const calibrated = await findDuplicates(index.store, newSpace);
    assert.equal(loose.thresholdSource, 'option');
    assert.ok(loose.groups.length >= calibrated.groups.length);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(findDuplicates(index.store, newSpace, { signal: controller.signal }), { name: 'AbortError' });
  });
});

describe('thresholds before calibration', () => {
  test('thresholdFor says the space is not calibrated yet, and findDuplicates needs a threshold', async () => {
    const store = openTemporaryStore();
    try {
      const space = store.ensureVectorSpace(spaceDefinition());
      assert.throws(() => thresholdFor(store, space, 'duplicate'), (error) => isCoreError(error, 'calibration') && error.reason === 'not-calibrated' && /not calibrated yet/.test(error.message));
      await assert.rejects(findDuplicates(store, space), (error) => isCoreError(error, 'calibration') && error.reason === 'not-calibrated');
      const none = await findDuplicates(store, space, { threshold: 0.9 });
      assert.deepEqual(none.groups, []);
    } finally {
      store.close();
    }
  });

  test('a space with too few vectors cannot be calibrated', async () => {
    const store = openTemporaryStore();
    try {
      const space = store.ensureVectorSpace(spaceDefinition());
      const embedder = { info: { fingerprint: space.modelFingerprint }, embed: async () => ({ vectors: [] }) };
      await assert.rejects(calibrateThresholds(store, space, { embedder }), (error) => isCoreError(error, 'calibration') && error.reason === 'too-few-vectors');
    } finally {
      store.close();
    }
  });
});
