// When figures from self-supervised queries may name a winner or let a migration cut over by itself.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluationVerdict, MINIMUM_EVIDENCE_QUERIES, migrationEvidence, pairedDifference } from '../../../extension/core/evaluation/evidence.ts';

/** Reciprocal ranks of n queries: `hits` of them found first, the rest missed. */
const found = (n: number, hits: number) => Array.from({ length: n }, (_, index) => (index < hits ? 1 : 0));

describe('evaluationVerdict', () => {
  test('names the first row when it leads the next model clearly on queries enough', () => {
    const rows = [
      { model: 'use-lite', mrrAt10: 0.6, reciprocalRanks: found(40, 24) },
      { model: 'use-lite', mrrAt10: 0.55 },
      { model: 'glove-100d', mrrAt10: 0.1, reciprocalRanks: found(40, 4) },
    ];
    assert.deepEqual(evaluationVerdict(rows, 40), { best: 0, reason: undefined, text: '' });
  });

  test('not enough evidence below the minimum of distinct queries, whatever the figures', () => {
    const verdict = evaluationVerdict([{ model: 'a', mrrAt10: 0.9 }, { model: 'b', mrrAt10: 0.1 }], MINIMUM_EVIDENCE_QUERIES - 1);
    assert.equal(verdict.best, undefined);
    assert.equal(verdict.reason, 'few-queries');
    assert.equal(verdict.text, 'No verdict: not enough evidence (29 queries; a verdict needs 30).');
    assert.equal(evaluationVerdict([{ model: 'a', mrrAt10: 0.9 }], 1).text, 'No verdict: not enough evidence (1 query; a verdict needs 30).');
  });

  test('a top figure of zero is no verdict (requests: every model 0.000, and GloVe was still "best")', () => {
    const verdict = evaluationVerdict([{ model: 'glove-100d', modelDisplayName: 'GloVe', mrrAt10: 0 }, { model: 'use-lite', mrrAt10: 0 }], 100);
    assert.deepEqual([verdict.best, verdict.reason], [undefined, 'no-hits']);
    assert.match(verdict.text, /no model found any of the 100 documented definitions/);
  });

  test('two models with the same best figure tie; two options of one model do not', () => {
    const tie = evaluationVerdict([{ model: 'a', modelDisplayName: 'Model A', mrrAt10: 0.4 }, { model: 'b', modelDisplayName: 'Model B', mrrAt10: 0.4 }], 50);
    assert.deepEqual([tie.best, tie.reason], [undefined, 'tie']);
    assert.match(tie.text, /Model A and Model B tie \(MRR@10 0\.400 on 50 queries\)/);
    assert.equal(evaluationVerdict([{ model: 'a', mrrAt10: 0.4 }, { model: 'a', mrrAt10: 0.4 }], 50).best, 0, 'one model: the options are ranked, nothing to tie with');
  });

  test('a lead inside the noise of the queries is no clear winner', () => {
    // 100 queries: A finds queries 0–29 first, B queries 20–45; they agree on ten. A lead of 0.04, standard error 0.06.
    const a = Array.from({ length: 100 }, (_, index) => (index < 30 ? 1 : 0));
    const b = Array.from({ length: 100 }, (_, index) => (index >= 20 && index < 46 ? 1 : 0));
    const close = evaluationVerdict([{ model: 'a', modelDisplayName: 'A', mrrAt10: 0.3, reciprocalRanks: a }, { model: 'b', modelDisplayName: 'B', mrrAt10: 0.26, reciprocalRanks: b }], 100);
    assert.deepEqual([close.best, close.reason], [undefined, 'within-noise']);
    assert.match(close.text, /^No clear winner: A leads B by 0\.040 MRR@10 \(0\.300 against 0\.260\), less than the ±0\.\d{3} that 100 queries can tell apart\.$/);
    // A lead of 0.06 on queries where A is never worse is clear.
    const always = evaluationVerdict([{ model: 'a', mrrAt10: 0.3, reciprocalRanks: a }, { model: 'b', mrrAt10: 0.24, reciprocalRanks: a.map((value, index) => (index < 6 ? 0 : value)) }], 100);
    assert.equal(always.best, 0);
  });

  test('pairedDifference: mean and standard error of a − b', () => {
    const difference = pairedDifference([1, 0, 1, 0], [0, 0, 0, 0])!;
    assert.equal(difference.mean, 0.5);
    assert.ok(Math.abs(difference.standardError - Math.sqrt(1 / 3 / 4)) < 1e-12);
    assert.equal(pairedDifference([1], [0]), undefined);
    assert.equal(pairedDifference(undefined, [0, 1]), undefined);
  });
});

describe('migrationEvidence', () => {
  const quality = (queries: number, from: number | undefined, to: number) => ({ queries, from: from === undefined ? undefined : { mrrAt10: from }, to: { mrrAt10: to } });

  test('queries enough, an old figure, and not both zero make evidence', () => {
    assert.deepEqual(migrationEvidence(quality(30, 0.4, 0.5)), { sufficient: true });
    assert.deepEqual(migrationEvidence(quality(30, 0, 0.2)), { sufficient: true }, 'the new model finds what the old did not');
  });

  test('missing, thin or empty figures are no evidence, and say why', () => {
    const reason = (value: ReturnType<typeof migrationEvidence>) => (value.sufficient ? 'sufficient' : value.reason);
    assert.equal(reason(migrationEvidence(undefined)), 'missing');
    assert.equal(reason(migrationEvidence(quality(0, 0, 0))), 'missing');
    assert.equal(reason(migrationEvidence(quality(40, undefined, 0.5))), 'no-old-figure');
    // The migration report of requests: three copies of one attribution line, both models at 0 or not.
    const three = migrationEvidence(quality(3, 0.611, 0));
    assert.equal(reason(three), 'few-queries');
    assert.equal(three.sufficient ? '' : three.text, 'the search quality rests on too few queries: not enough evidence (3 queries; a verdict needs 30)');
    assert.equal(reason(migrationEvidence(quality(50, 0, 0))), 'no-hits');
  });
});
