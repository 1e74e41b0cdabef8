import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FEATURE_NAMES } from '../../../../extension/core/search/ranking/features.ts';
import { FEATURE_VERSION, Ranker, type RankerWeights } from '../../../../extension/core/search/ranking/model.ts';
import { bundledRanker, explainRanking, RANKING_POOL, rankingSummary, rerank } from '../../../../extension/core/search/ranking/rerank.ts';
import type { RankedChunk } from '../../../../extension/core/search/results.ts';
import type { StoredChunk } from '../../../../extension/core/store/index-store.ts';

let nextId = 1;
function ranked(path: string, position: number, extra: Partial<StoredChunk> = {}): RankedChunk {
  const chunk: StoredChunk = {
    id: nextId++, path, chunker: 'c', contentHash: `h${nextId}`, startLine: 1, endLine: 10, language: 'go', kind: 'function',
    symbol: undefined, scope: [], signature: undefined, docComment: undefined, part: undefined, text: '', lexicalEndLine: 10,
    definition: { startLine: 1, line: 1, headEndLine: undefined }, ...extra,
  };
  return { folder: '', chunk, dense: undefined, lexical: 10 - position / 10, fused: 1 / (61 + position), relevance: 0.5, ranks: { lexical: position } };
}

const testWeights: RankerWeights = {
  version: FEATURE_VERSION,
  shapes: {
    symbol: { weights: { definesExact: 5, fusedRank: 1, testPath: -2 }, calibration: { scale: 1, offset: -2 } },
    words: { weights: { fusedRank: 1, stemWordShare: 3 }, calibration: { scale: 1, offset: -2 } },
  },
};

test('the ranker reorders the pool by its score: a definition of the name asked for comes first, tests go down', () => {
  const pool = [ranked('usage.go', 0, { symbol: 'run' }), ranked('command_test.go', 1, { kind: 'class', symbol: 'Command' }), ranked('command.go', 2, { kind: 'class', symbol: 'Command' })];
  const order = rerank('Command', pool, { ranker: new Ranker(testWeights) });
  assert.deepEqual(order.map((candidate) => candidate.chunk.path), ['command.go', 'command_test.go', 'usage.go']);
  const words = rerank('session store', [ranked('a.go', 0), ranked('sessions/store.go', 1)], { ranker: new Ranker(testWeights) });
  assert.equal(words[0]!.chunk.path, 'sessions/store.go', 'a words query uses the words weights');
});

test('relevance is the calibrated score, falling down the list; the explanation adds up to the score', () => {
  const ranker = new Ranker(testWeights);
  const order = rerank('Command', [ranked('usage.go', 0), ranked('command.go', 1, { kind: 'class', symbol: 'Command' })], { ranker });
  for (const candidate of order) {
    assert.ok(candidate.relevance > 0 && candidate.relevance < 1);
    assert.equal(candidate.relevance, 1 / (1 + Math.exp(-(candidate.ranking!.score - 2))));
  }
  assert.ok(order[0]!.relevance > order[1]!.relevance);
  const explanation = explainRanking(order[0]!.ranking!, ranker);
  const total = explanation.contributions.reduce((sum, entry) => sum + entry.contribution, 0);
  assert.ok(Math.abs(total - explanation.score) < 1e-9);
  assert.equal(explanation.contributions[0]!.feature, 'definesExact', 'largest effect first');
});

test('a file-repeat penalty makes room for other files without reordering a file\'s own candidates', () => {
  const pool = [ranked('a.go', 0), ranked('a.go', 1), ranked('a.go', 2), ranked('b.go', 3)];
  const weights = (fileRepeat: number): RankerWeights => ({ ...testWeights, shapes: { ...testWeights.shapes, words: { ...testWeights.shapes.words, fileRepeat } } });
  const plain = rerank('parse config', pool, { ranker: new Ranker(weights(0)) });
  assert.deepEqual(plain.map((candidate) => candidate.chunk.path), ['a.go', 'a.go', 'a.go', 'b.go']);
  const spread = rerank('parse config', pool, { ranker: new Ranker(weights(1)) });
  assert.deepEqual(spread.map((candidate) => candidate.chunk.path), ['a.go', 'b.go', 'a.go', 'a.go']);
  const ids = spread.filter((candidate) => candidate.chunk.path === 'a.go').map((candidate) => candidate.chunk.id);
  assert.deepEqual(ids, [...ids].sort((x, y) => x - y), 'a file keeps the order of its own pieces');
  // The score an explanation names is the one that placed the result: it falls down the list, penalty and all.
  const named = spread.map((candidate) => Number(/score (-?[\d.]+)/.exec(rankingSummary(explainRanking(candidate.ranking!, new Ranker(weights(1)))))![1]));
  assert.deepEqual(named, [...named].sort((x, y) => y - x), named.join(', '));
  assert.ok(rankingSummary(explainRanking(spread[2]!.ranking!, new Ranker(weights(1)))).includes('later piece of its file -1.00'));
});

test('candidates below the pool keep their fused order after it, never above its lowest relevance', () => {
  const pool = Array.from({ length: RANKING_POOL + 5 }, (_, position) => ranked(`f${position}.go`, position));
  pool.at(-1)!.chunk.symbol = 'Command';
  pool.at(-1)!.chunk.kind = 'class';
  const order = rerank('Command', pool, { ranker: new Ranker(testWeights) });
  assert.equal(order.length, pool.length);
  assert.deepEqual(order.slice(RANKING_POOL).map((candidate) => candidate.chunk.path), pool.slice(RANKING_POOL).map((candidate) => candidate.chunk.path));
  const lowest = Math.min(...order.slice(0, RANKING_POOL).map((candidate) => candidate.relevance));
  assert.ok(order.slice(RANKING_POOL).every((candidate) => candidate.relevance <= lowest && candidate.ranking === undefined));
});

test('weights of another feature version or naming an unknown feature are refused', () => {
  assert.throws(() => new Ranker({ ...testWeights, version: FEATURE_VERSION + 1 }), /train-ranker/);
  assert.throws(() => new Ranker({ ...testWeights, shapes: { ...testWeights.shapes, words: { weights: { nonsense: 1 } as never, calibration: { scale: 1, offset: 0 } } } }), /unknown feature/);
});

test('the bundled weights load, use known features, and put the definition of a name asked for first', () => {
  const ranker = bundledRanker();
  for (const shape of ['symbol', 'words'] as const) {
    for (const name of Object.keys(ranker.weights.shapes[shape].weights)) assert.ok((FEATURE_NAMES as readonly string[]).includes(name));
  }
  const pool = [ranked('usage.go', 0, { symbol: 'execute', scope: ['Command'] }), ranked('other.go', 1), ranked('command.go', 2, { kind: 'class', symbol: 'Command' })];
  assert.equal(rerank('Command', pool)[0]!.chunk.path, 'command.go');
});
