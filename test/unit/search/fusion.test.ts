import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuse, mergeOverlapping } from '../../../extension/core/search/search.ts';
import type { StoredChunk } from '../../../extension/core/store/index-store.ts';

let nextId = 1;
function chunk(path: string, startLine: number, endLine: number, extra: Partial<StoredChunk> = {}): StoredChunk {
  return {
    id: nextId++, path, chunker: 'c', contentHash: `h${nextId}`, startLine, endLine, language: 'typescript', kind: 'function',
    symbol: undefined, scope: [], signature: undefined, docComment: undefined, part: undefined, text: `lines ${startLine}-${endLine}`, lexicalEndLine: endLine, ...extra,
  };
}
const denseOf = (chunks: StoredChunk[], folder = '') => chunks.map((entry, index) => ({ folder, chunk: entry, similarity: 1 - index / 100 }));
const lexicalOf = (chunks: StoredChunk[], folder = '') => chunks.map((entry, index) => ({ folder, chunk: entry, score: 100 - index }));

test('reciprocal rank fusion rewards chunks both lists rank high, with configurable weights', () => {
  const [a, b, c] = [chunk('a.ts', 1, 5), chunk('b.ts', 1, 5), chunk('c.ts', 1, 5)];
  const both = fuse(denseOf([a!, b!]), lexicalOf([b!, c!]), [], { dense: 1, lexical: 1, symbol: 1 }, 60);
  assert.equal(both[0]!.chunk, b, 'ranked by both lists');
  assert.equal(both[0]!.fused, 1 / 62 + 1 / 61);
  const denseOnly = fuse(denseOf([a!, b!]), lexicalOf([c!, b!]), [], { dense: 1, lexical: 0, symbol: 1 }, 60);
  assert.deepEqual(denseOnly.slice(0, 2).map((candidate) => candidate.chunk), [a, b]);
  const lexicalHeavy = fuse(denseOf([a!]), lexicalOf([c!]), [], { dense: 1, lexical: 3, symbol: 1 }, 60);
  assert.equal(lexicalHeavy[0]!.chunk, c);
});

test('the symbol list adds its rank like another list, weighted by its own weight', () => {
  const [a, b] = [chunk('a.ts', 1, 5), chunk('b.ts', 1, 5, { symbol: 'GetUint' })];
  const symbolFirst = fuse(denseOf([a!]), lexicalOf([a!, b!]), lexicalOf([b!]), { dense: 1, lexical: 1, symbol: 2 }, 60);
  assert.equal(symbolFirst[0]!.chunk, b, 'an exact name outweighs one rank in two lists when weighted double');
  assert.equal(symbolFirst[0]!.fused, 1 / 62 + 2 / 61);
  const symbolOff = fuse(denseOf([a!]), lexicalOf([a!, b!]), lexicalOf([b!]), { dense: 1, lexical: 1, symbol: 0 }, 60);
  assert.equal(symbolOff[0]!.chunk, a);
});

test('the same chunk id in two folders stays two results', () => {
  const shared = chunk('same.ts', 1, 3);
  const fused = fuse([...denseOf([shared], 'one'), ...denseOf([shared], 'two')], [], [], { dense: 1, lexical: 1, symbol: 1 }, 60);
  assert.equal(fused.length, 2);
  assert.deepEqual(mergeOverlapping(fused).map((hit) => hit.folder).sort(), ['one', 'two']);
});

test('overlapping pieces of one text merge, transitively; a class does not swallow its methods', () => {
  const pieces = [chunk('f.ts', 10, 20), chunk('f.ts', 30, 40), chunk('f.ts', 19, 31)];
  const merged = mergeOverlapping(fuse(denseOf(pieces), [], [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  assert.equal(merged.length, 1, 'the third piece bridges the first two');
  assert.deepEqual([merged[0]!.startLine, merged[0]!.endLine], [10, 40]);
  assert.equal(merged[0]!.chunkIds.length, 3);

  const classChunk = chunk('g.ts', 1, 100, { kind: 'class', symbol: 'Parser' });
  const method = chunk('g.ts', 20, 30, { kind: 'method', symbol: 'parse', scope: ['Parser'] });
  assert.equal(mergeOverlapping(fuse(denseOf([classChunk, method]), [], [], { dense: 1, lexical: 1, symbol: 1 }, 60)).length, 2);

  const part = (index: number, start: number, end: number) => chunk('h.ts', start, end, { symbol: 'long', part: { index, count: 3 } });
  const adjacent = mergeOverlapping(fuse(denseOf([part(0, 1, 10), part(1, 11, 20)]), [], [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  assert.equal(adjacent.length, 1, 'touching pieces of one split chunk are one result');
  const unit = chunk('h.ts', 1, 30, { symbol: 'long', part: { index: 0, count: 3 } });
  const unitAndPiece = mergeOverlapping(fuse(denseOf([part(2, 21, 30)]), lexicalOf([unit]), [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  assert.equal(unitAndPiece.length, 1, 'a lexical unit and a piece inside it are one result');
  const head = part(0, 1, 10);
  const headAsUnit = mergeOverlapping(fuse(denseOf([head]), lexicalOf([{ ...head, endLine: 30 }]), [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  assert.deepEqual([headAsUnit.length, headAsUnit[0]!.endLine], [1, 30], 'the first piece found by both lists keeps its unit\'s lines');
  const unrelated = mergeOverlapping(fuse(denseOf([chunk('h.ts', 1, 10), chunk('h.ts', 11, 20)]), [], [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  assert.equal(unrelated.length, 2, 'touching but separate chunks stay apart');
});
