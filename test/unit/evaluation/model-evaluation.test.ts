import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EmbeddingPurpose } from '../../../extension/core/embedding/tokenization.ts';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import { evaluateModels, type EvaluationRuntime, type InstalledModel, type ModelEvaluationReport, type ModelEvaluationOptions } from '../../../extension/core/evaluation/model-evaluation.ts';
import { MINIMUM_EVIDENCE_QUERIES } from '../../../extension/core/evaluation/evidence.ts';
import { offlineModel } from '../../helpers/models.ts';
import { CONSTANT, constantRuntime, RANDOM, randomRuntime } from './control-models.ts';
import { writeCorpus } from '../indexing/corpus.ts';
import { MIGRATION_FILES } from '../migration/report-corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';
import { CoreError, isCoreError } from '../../../extension/core/errors.ts';

/** Python documented the Python way: docstrings, no comments above. */
const DOCSTRING_FILES: Record<string, string> = {
  'scripts/shapes.py': `import math


def circle_area(radius):
    """Computes the area enclosed by a circle of the given radius."""
    return math.pi * radius * radius


def hypotenuse(a, b):
    """
    Finds the length of the longest side of a right triangle.

    Args:
        a: one short side
        b: the other short side
    """
    return math.sqrt(a * a + b * b)
`,
};

const GLOVE: InstalledModel = { name: 'glove-100d', displayName: 'GloVe', directory: offlineModel('glove-100d'), quantization: 'fp32', source: 'bundled' };

/** Texts handed to the embedder, by purpose. */
interface Recorded {
  query: string[];
  document: string[];
}

describe('which model suits my code', () => {
  let index: FolderIndex;
  const recorded: Recorded = { query: [], document: [] };
  const log = { disposed: 0 };
  /** Glove through the index's own runtime (left running), recording what it is given. */
  const loadModel = async (model: InstalledModel): Promise<EvaluationRuntime> => {
    if (model.name === 'random') return randomRuntime(() => (log.disposed += 1));
    if (model.name === 'constant') return constantRuntime();
    if (model.name !== 'glove-100d' && model.name !== 'glove-copy') throw new CoreError('model', 'model-missing', `${model.directory} does not exist.`);
    return {
      info: index.runtime.info,
      async embed(texts: readonly string[], purpose: EmbeddingPurpose, signal?: AbortSignal) {
        recorded[purpose].push(...texts);
        return index.runtime.embed(texts, purpose, signal);
      },
      async dispose() {
        log.disposed += 1;
      },
    };
  };
  const evaluate = (overrides: Partial<ModelEvaluationOptions> = {}) => evaluateModels({ store: index.store, models: [GLOVE], loadModel, distractors: 500, ...overrides });
  let report: ModelEvaluationReport;

  before(async () => {
    index = await FolderIndex.open({ root: writeCorpus({ ...MIGRATION_FILES, ...DOCSTRING_FILES }), databasePath: temporaryDatabasePath(), modelDirectory: GLOVE.directory, quantization: 'fp32', device: 'cpu', threads: 1 });
    await index.index();
    report = await evaluate({ models: [RANDOM, GLOVE] });
  });
  after(() => index.close());

  test('the documentation is hidden from the text embedded for its target', () => {
    assert.ok(report.queries.count >= 15, `queries: ${report.queries.count}`);
    assert.ok(report.queries.fromDocstrings >= 2, 'Python docstrings give queries too');
    // The glove run embedded the pool once: the first `targets` documents are the targets.
    const pool = recorded.document.slice(-report.pool.size);
    assert.equal(pool.length, report.pool.size);
    const queries = recorded.query.slice(-report.queries.count);
    const indexed = index.store.chunkIds(index.store.activeSpace()!.chunker);
    const originals = [...index.store.chunksById(indexed).values()].map((chunk) => chunk.text);
    const verbatim = queries.filter((query) => originals.some((text) => text.includes(query)));
    assert.ok(verbatim.length >= 10, 'most queries appear word for word in the indexed code');
    for (const query of verbatim) {
      assert.ok(!pool.some((text) => text.includes(query)), `no pool text holds the query "${query}"`);
    }
    const docstringTarget = pool.find((text) => text.includes('def hypotenuse(a, b):'));
    assert.ok(docstringTarget, 'the docstring function is a target');
    assert.doesNotMatch(docstringTarget, /longest side|Args:/);
    assert.match(docstringTarget, /^path: scripts\/shapes\.py\n\n/, 'the same embeddingText format as indexing');
  });

  test('the pool is bounded and reported: the targets\' pieces and seeded distractors', () => {
    assert.equal(report.pool.size, report.pool.targets + report.pool.distractors);
    assert.equal(report.pool.targets, report.queries.count);
    assert.ok(report.pool.distractors > 0 && report.pool.distractors < report.index.chunks);
    assert.ok(report.pool.targetChunks >= report.pool.targets);
    assert.ok(report.pool.size <= report.pool.targetChunks + 500 + 10, 'about `distractors` other chunks (the last declaration drawn may add a few pieces)');
  });

  test('a real model ranks above one that returns random vectors', () => {
    const glove = report.rows.find((row) => row.model === 'glove-100d' && row.option.kind === 'float32')!;
    const random = report.rows.find((row) => row.model === 'random' && row.option.kind === 'float32')!;
    assert.ok(glove.mrrAt10 > random.mrrAt10 + 0.3, `glove ${glove.mrrAt10} against random ${random.mrrAt10}`);
    assert.ok(glove.recallAt10 > random.recallAt10);
    assert.equal(report.rows[0]!.model, 'glove-100d');
    assert.ok(report.rows.findIndex((row) => row.model === 'random') > report.rows.findIndex((row) => row.model === 'glove-100d' && row.option.kind === 'float32'));
    for (let index = 1; index < report.rows.length; index++) assert.ok(report.rows[index - 1]!.mrrAt10 >= report.rows[index]!.mrrAt10, 'sorted by MRR@10');
  });

  test('the verdict names the best row once there are queries enough (33 distinct ones here, one per documented definition)', () => {
    assert.ok(report.queries.count >= MINIMUM_EVIDENCE_QUERIES, `${report.queries.count} queries`);
    assert.equal(new Set(report.queries.examples.map((example) => example.query)).size, report.queries.examples.length);
    assert.equal(report.queries.leftOut.duplicate, 4, 'the copied and the renamed function (two pairs) say the same: no query names one of them');
    assert.equal(report.verdict.best, 0);
    assert.equal(report.rows[report.verdict.best!]!.model, 'glove-100d');
  });

  test('no verdict: too few queries, nothing found by any model, or a tie', async () => {
    const few = await evaluate({ models: [RANDOM, GLOVE], queries: 12, distractors: 100 });
    assert.equal(few.queries.count, 12);
    assert.equal(few.rows[0]!.model, 'glove-100d', 'the rows are still ranked');
    assert.deepEqual([few.verdict.best, few.verdict.reason], [undefined, 'few-queries']);
    assert.match(few.verdict.text, /not enough evidence \(12 queries; a verdict needs 30\)/);

    const nothing = await evaluate({ models: [CONSTANT], distractors: 100 });
    assert.ok(nothing.rows.every((row) => row.mrrAt10 === 0 && row.recallAt10 === 0), 'equal scores count against the target');
    assert.deepEqual([nothing.verdict.best, nothing.verdict.reason], [undefined, 'no-hits']);

    const copy: InstalledModel = { ...GLOVE, name: 'glove-copy' };
    const tie = await evaluate({ models: [GLOVE, copy], distractors: 100 });
    assert.equal(tie.rows[0]!.mrrAt10, tie.rows.find((row) => row.model === 'glove-copy')!.mrrAt10);
    assert.deepEqual([tie.verdict.best, tie.verdict.reason], [undefined, 'tie']);
  });

  test('every model gets float32, int8 and binary; the serving model and storage are marked', () => {
    assert.deepEqual(report.rows.filter((row) => row.model === 'glove-100d').map((row) => row.label).sort(), ['binary (rescored from float32) ×40', 'float32', 'int8']);
    const current = report.rows.filter((row) => row.current);
    assert.equal(current.length, 1);
    assert.equal(current[0]!.model, 'glove-100d');
    assert.equal(current[0]!.label, 'float32');
    assert.deepEqual(report.models.map((model) => [model.name, model.current]), [['random', false], ['glove-100d', true]]);
    const float32 = report.rows.find((row) => row.model === 'glove-100d' && row.label === 'float32')!;
    assert.equal(float32.bytesPerVector, 400);
    assert.equal(float32.dimensions, 100);
    assert.ok(float32.chunksPerSecond > 0);
    assert.ok(float32.ndcgAt10 >= float32.mrrAt10 && float32.ndcgAt10 <= float32.recallAt10);
  });

  test('two runs give the same figures', async () => {
    const again = await evaluate({ models: [RANDOM, GLOVE] });
    const figures = (source: ModelEvaluationReport) => ({
      pool: source.pool,
      queries: source.queries,
      rows: source.rows.map(({ chunksPerSecond: _speed, ...row }) => row),
    });
    assert.deepEqual(figures(again), figures(report));
    const otherSeed = await evaluate({ seed: 2, distractors: 20 });
    const sameSeed = await evaluate({ seed: 2, distractors: 20 });
    assert.deepEqual(figures(otherSeed), figures(sameSeed));
  });

  test('a model that cannot be loaded is reported; the others are still judged', async () => {
    const missing: InstalledModel = { ...RANDOM, name: 'broken', directory: '/nowhere/broken' };
    const result = await evaluate({ models: [missing, GLOVE], distractors: 20 });
    assert.deepEqual(result.failures.map((failure) => failure.model), ['broken']);
    assert.match(result.failures[0]!.message, /does not exist/);
    assert.ok(result.rows.length > 0 && result.rows.every((row) => row.model === 'glove-100d'));
  });

  test('cancelling stops the evaluation and releases the model being run', async () => {
    const controller = new AbortController();
    const disposedBefore = log.disposed;
    const phases: string[] = [];
    await assert.rejects(
      evaluate({
        models: [GLOVE, RANDOM],
        signal: controller.signal,
        onProgress: (progress) => {
          phases.push(progress.phase);
          if (progress.phase === 'embedding' && progress.done > 0) controller.abort();
        },
      }),
      (error: Error) => error.name === 'AbortError',
    );
    assert.equal(log.disposed, disposedBefore + 1, 'glove was released; random was never loaded');
    assert.ok(!phases.includes('done'));
  });

  test('typed errors: no queries to make, no models', async () => {
    await assert.rejects(evaluate({ models: [] }), (error) => isCoreError(error, 'evaluation') && error.reason === 'no-models');
  });
});

test('a folder without documentation cannot be evaluated, and says why', async () => {
  const index = await FolderIndex.open({ root: writeCorpus({ 'src/plain.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n' }), databasePath: temporaryDatabasePath(), modelDirectory: GLOVE.directory, quantization: 'fp32', device: 'cpu', threads: 1 });
  try {
    await index.index();
    await assert.rejects(
      evaluateModels({ store: index.store, models: [GLOVE], loadModel: async () => index.runtime }),
      (error) => isCoreError(error, 'evaluation') && error.reason === 'no-queries' && /documented/.test(error.message),
    );
  } finally {
    await index.close();
  }
});
