import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ModelEvaluationReport } from '../../../extension/core/evaluation/types.ts';
import { writeCorpus } from '../indexing/corpus.ts';
import { MIGRATION_FILES } from '../migration/report-corpus.ts';
import { semsearch } from './run-cli.ts';

test('semsearch evaluate ranks every installed model and storage option on the index\'s doc comments', () => {
  const root = writeCorpus(MIGRATION_FILES);
  const database = path.join(mkdtempSync(path.join(os.tmpdir(), 'semsearch-evaluate-')), 'index.db');
  const indexed = semsearch('index', root, '--db', database, '--model', 'glove-100d', '--quantization', 'fp32');
  assert.equal(indexed.code, 0, indexed.stderr);

  const result = semsearch('evaluate', '--db', database, '--json', '--distractors', '30', '--queries', '12', '--threads', '1');
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as ModelEvaluationReport;
  assert.equal(report.version, 2);
  assert.equal(report.k, 10);
  assert.deepEqual(report.models.map((model) => [model.name, model.current]), [['use-lite', false], ['glove-100d', true]]);
  assert.equal(report.queries.count, 12);
  assert.equal(report.pool.targets, 12);
  assert.equal(report.pool.size, report.pool.targetChunks + report.pool.distractors);
  assert.ok(report.pool.distractors > 0 && report.pool.distractors <= 40, 'about 30: the last declaration drawn brings all its pieces');
  assert.deepEqual([report.verdict.best, report.verdict.reason], [undefined, 'few-queries'], '12 queries are no evidence');
  assert.equal(report.rows.length, 6, 'float32, int8 and binary of each model');
  for (const row of report.rows) {
    assert.deepEqual(Object.keys(row).filter((key) => key !== 'candidates').sort(), ['bytesPerVector', 'chunksPerSecond', 'current', 'currentModel', 'dimensions', 'label', 'model', 'modelDisplayName', 'mrrAt10', 'ndcgAt10', 'option', 'recallAt10'].sort());
    for (const share of [row.recallAt10, row.mrrAt10, row.ndcgAt10]) assert.ok(share >= 0 && share <= 1);
  }
  assert.equal(report.rows.filter((row) => row.current).length, 1);
  assert.deepEqual(report.failures, []);

  const text = semsearch('evaluate', '--db', database, '--models', 'glove-100d', '--distractors', '30', '--queries', '12', '--threads', '1');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /pool: +\d+ chunks embedded by every model, documentation hidden in all: the 12 documented definitions/);
  assert.match(text.stdout, /^No verdict: not enough evidence \(12 queries; a verdict needs 30\)\.$/m);
  assert.doesNotMatch(text.stdout, /best here/);
  assert.match(text.stdout, /rank +model \(> your index now\) +vectors stored as +dims +B\/vector +R@10 +MRR@10 +nDCG@10 +chunks\/s/);
  assert.match(text.stdout, /> glove-100d +float32 +100 +400 /);
  assert.doesNotMatch(text.stdout, /use-lite/);

  // All 33 queries the project makes: glove against itself is no comparison, but its options are ranked and named.
  const enough = semsearch('evaluate', '--db', database, '--models', 'glove-100d', '--distractors', '30', '--threads', '1');
  assert.equal(enough.code, 0, enough.stderr);
  assert.match(enough.stdout, /^best here: glove-100d, \S+ \(MRR@10 0\.\d{3}, Recall@10 \d\.\d{3} on 33 queries\)$/m);

  const notDownloaded = semsearch('evaluate', '--db', database, '--models', 'bge-small');
  assert.equal(notDownloaded.code, 2);
  assert.match(notDownloaded.stderr, /not downloaded, and evaluate never downloads/);
  const unknown = semsearch('evaluate', '--db', database, '--models', 'nonsense');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /the installed ones are use-lite, glove-100d/);
});
