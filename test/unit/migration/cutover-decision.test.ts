// Whether a complete new index cuts over by itself: the one decision the editor and `semsearch migrate` share.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cutoverDecision } from '../../../extension/core/migration/cutover-decision.ts';
import type { MigrationReport } from '../../../extension/core/migration/report.ts';

const report = (queries: number, from: number | undefined, to: number) =>
  ({ quality: queries === 0 ? undefined : { queries, from: from === undefined ? undefined : { recallAt10: 1, mrrAt10: from }, to: { recallAt10: 1, mrrAt10: to } } }) as MigrationReport;
const automatic = { automatic: true, margin: 0.05 };
const reason = (decision: ReturnType<typeof cutoverDecision>) => (decision.cutOver ? 'cut over' : decision.reason);

test('cuts over by itself on evidence enough that quality held', () => {
  assert.equal(reason(cutoverDecision(report(40, 0.5, 0.48), automatic)), 'cut over');
  assert.equal(reason(cutoverDecision(report(40, 0.5, 0.9), automatic)), 'cut over');
});

test('waits for the user when the evidence is missing or thin, never cutting over on it', () => {
  assert.equal(reason(cutoverDecision(undefined, automatic)), 'no-report');
  assert.equal(reason(cutoverDecision(report(0, undefined, 0), automatic)), 'missing');
  assert.equal(reason(cutoverDecision(report(40, undefined, 0.6), automatic)), 'no-old-figure', 'the old model could not be measured');
  // requests: three copies of one attribution line. Quality "rose" from 0 to 0.6: still no evidence.
  assert.equal(reason(cutoverDecision(report(3, 0, 0.6), automatic)), 'few-queries');
  assert.equal(reason(cutoverDecision(report(100, 0, 0), automatic)), 'no-hits');
});

test('waits when MRR@10 fell by more than the margin, with the figures', () => {
  const fell = cutoverDecision(report(40, 0.8, 0.7), automatic);
  assert.equal(reason(fell), 'quality-fell');
  assert.deepEqual(fell.cutOver ? undefined : fell.fell, { queries: 40, from: 0.8, to: 0.7 });
  assert.match(fell.cutOver ? '' : fell.text, /MRR@10 on 40 queries from doc comments fell from 0\.800 to 0\.700, more than the allowed 0\.05/);
});

test('with automatic cutover off it waits, and still says first what the report found', () => {
  const manual = { automatic: false, margin: 0.05 };
  assert.equal(reason(cutoverDecision(report(40, 0.5, 0.5), manual)), 'manual');
  assert.equal(reason(cutoverDecision(report(3, 0.5, 0.5), manual)), 'few-queries');
});

test('a storage change with thin doc-comment evidence cuts over when it keeps the current results', () => {
  const space = (chunker: string, fingerprint = 'use-lite@1') => ({ id: 'x', modelId: 'use-lite', modelFingerprint: fingerprint, chunker, dimensions: 512, state: 'ready' });
  const storage = (overlaps: number[], to = space('c1')) =>
    ({
      ...report(16, 0.5, 0.5),
      from: space('c1'),
      to,
      overlap: { mean: overlaps.reduce((a, b) => a + b, 0) / overlaps.length, meanJaccard: 0, min: Math.min(...overlaps), perQuery: overlaps.map((overlapAt10) => ({ query: 'q', source: 'recent', overlapAt10, jaccard: 0 })) },
    }) as MigrationReport;
  assert.equal(reason(cutoverDecision(storage(Array(16).fill(0.95)), automatic)), 'cut over');
  assert.equal(reason(cutoverDecision(storage(Array(16).fill(0.95)), { automatic: false, margin: 0.05 })), 'manual');
  const changed = cutoverDecision(storage(Array(16).fill(0.6)), automatic);
  assert.equal(reason(changed), 'results-changed');
  assert.match(changed.cutOver ? '' : changed.text, /keeps only 60% of the current top 10 on 16 queries/);
  // Too few queries to say the results are the same, another model, or another chunker: the usual rule.
  assert.equal(reason(cutoverDecision(storage(Array(5).fill(1)), automatic)), 'few-queries');
  assert.equal(reason(cutoverDecision(storage(Array(16).fill(1), space('c1', 'glove@1')), automatic)), 'few-queries');
  assert.equal(reason(cutoverDecision(storage(Array(16).fill(1), space('c2')), automatic)), 'few-queries');
});
