import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LONGEST_DEFINITION_RESULT, rankedResults } from '../../../extension/core/search/results.ts';
import { fuse } from '../../../extension/core/search/search.ts';
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
  assert.deepEqual(rankedResults(fused).map((hit) => hit.folder).sort(), ['one', 'two']);
});

test('pieces of one split group never chain into one wide result; a class does not swallow its methods', () => {
  // regex's 609-line crate doc, one statements group cut into twelve pieces, once chained into one result over
  // lines 143-601: each piece's neighbours were absorbed, and theirs, whatever their rank.
  const piece = (index: number, start: number, end: number) => chunk('f.ts', start, end, { kind: 'statements', part: { index, count: 3 } });
  const pieces = rankedResults(fuse(denseOf([piece(0, 10, 20), piece(2, 30, 40), piece(1, 19, 31)]), [], [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  assert.deepEqual(pieces.map((hit) => [hit.startLine, hit.endLine]), [[10, 20], [30, 40]], 'the bridging piece overlaps a better one: left out, not widening it');
  assert.equal(pieces[0]!.chunkIds.length, 1);

  const classChunk = chunk('g.ts', 1, 100, { kind: 'class', symbol: 'Parser' });
  const method = chunk('g.ts', 20, 30, { kind: 'method', symbol: 'parse', scope: ['Parser'] });
  assert.equal(rankedResults(fuse(denseOf([classChunk, method]), [], [], { dense: 1, lexical: 1, symbol: 1 }, 60)).length, 2);

  const part = (index: number, start: number, end: number) => chunk('h.ts', start, end, { symbol: 'long', part: { index, count: 3 } });
  const adjacent = rankedResults(fuse(denseOf([part(0, 1, 10), part(1, 11, 20)]), [], [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  assert.deepEqual(adjacent.map((hit) => [hit.startLine, hit.endLine]), [[1, 10], [11, 20]], 'touching pieces each report their own lines');
  const unit = chunk('h.ts', 1, 30, { symbol: 'long', part: { index: 0, count: 3 } });
  const unitAndPiece = rankedResults(fuse(denseOf([part(2, 21, 30)]), lexicalOf([unit]), [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  assert.deepEqual(unitAndPiece.map((hit) => [hit.startLine, hit.endLine]), [[21, 30]], 'a lexical unit over a better piece is left out');
  const twice = rankedResults(fuse(denseOf([part(2, 21, 30)]), lexicalOf([{ ...part(2, 21, 30) }]), [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  assert.deepEqual([twice.length, twice[0]!.chunkIds.length], [1, 2], 'the same lines found as two chunks are one result');
  const head = part(0, 1, 10);
  const headAsUnit = rankedResults(fuse(denseOf([head]), lexicalOf([{ ...head, endLine: 30 }]), [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  assert.deepEqual([headAsUnit.length, headAsUnit[0]!.endLine], [1, 30], 'the first piece found by both lists keeps its unit\'s lines');
  const unrelated = rankedResults(fuse(denseOf([chunk('h.ts', 1, 10), chunk('h.ts', 11, 20)]), [], [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  assert.equal(unrelated.length, 2, 'touching but separate chunks stay apart');
});

test('a prose piece overlapping a better one of its file is left out, never widening it', () => {
  // Consecutive pieces of a long section repeat their edge paragraphs; chained together they once reported the whole
  // section (a range far wider than the lines that matched).
  const section = (index: number, start: number, end: number) => chunk('guide.md', start, end, { kind: 'section', symbol: 'Install', scope: ['Install'], part: { index, count: 4 } });
  const results = rankedResults(fuse(denseOf([section(1, 20, 45), section(0, 1, 25), section(2, 40, 65), section(3, 66, 80)]), [], [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  assert.deepEqual(results.map((hit) => [hit.startLine, hit.endLine]), [[20, 45], [66, 80]], 'the best piece keeps its own lines; the overlapping ones are left out; a later touching piece stays apart');
  assert.deepEqual(results[0]!.chunkIds.length, 1);
  const otherFile = rankedResults(fuse(denseOf([section(1, 20, 45), chunk('other.md', 20, 45, { kind: 'section', symbol: 'Install' })]), [], [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  assert.equal(otherFile.length, 2, 'the same lines of another file are another result');
});

test('an import block comes after every other result, with no more relevance than the last of them', () => {
  // trpc's procedureBuilder.ts opens with 35 lines of imports that name half the package: "middleware that runs
  // before a procedure" found them first.
  const imports = chunk('procedureBuilder.ts', 1, 35, { kind: 'statements', text: "import type { Observable } from '../observable';\nimport {\n  TRPCError,\n} from './error/TRPCError';\n" });
  const header = chunk('middleware.ts', 1, 11, { kind: 'statements', text: "import { TRPCError } from './error/TRPCError';\n\nexport const middlewareMarker = 'middlewareMarker';\n" });
  const recursive = chunk('procedureBuilder.ts', 633, 672, { kind: 'function', symbol: 'callRecursive', definition: { startLine: 633, line: 634, headEndLine: undefined } });
  const results = rankedResults(fuse(denseOf([imports, recursive, header]), [], [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  assert.deepEqual(results.map((hit) => [hit.path, hit.startLine]), [['procedureBuilder.ts', 633], ['middleware.ts', 1], ['procedureBuilder.ts', 1]], 'imports with code after them stay in place');
  assert.ok(results[2]!.scores.relevance <= results[1]!.scores.relevance);
  const alone = rankedResults(fuse(denseOf([imports]), [], [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  assert.equal(alone.length, 1, 'never dropped: with nothing else, the imports are the result');
});

test('different definitions never merge, however their lines overlap', () => {
  // requests' Session: a piece of the class outline (747-794) spans merge_environment_settings (749-778) and the
  // start of get_adapter (780-...): merged, the method's result covered its neighbours.
  const outline = { startLine: 386, line: 386, headEndLine: 418 };
  const classPiece = chunk('sessions.py', 747, 794, { kind: 'class', symbol: 'Session', part: { index: 3, count: 5 }, definition: outline });
  const merge = chunk('sessions.py', 749, 778, { kind: 'method', symbol: 'merge_environment_settings', scope: ['Session'], definition: { startLine: 749, line: 749, headEndLine: undefined } });
  const adapter = chunk('sessions.py', 780, 792, { kind: 'method', symbol: 'get_adapter', scope: ['Session'], definition: { startLine: 780, line: 780, headEndLine: undefined } });
  const results = rankedResults(fuse(denseOf([merge, classPiece, adapter]), [], [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  assert.deepEqual(
    results.map((hit) => [hit.symbol, hit.startLine, hit.endLine, hit.openLine]),
    [['merge_environment_settings', 749, 778, 749], ['Session', 386, 418, 386], ['get_adapter', 780, 792, 780]],
    'each result is its own definition; the outline reports the class head',
  );
  // Statements that share a row with a function are not the function.
  const statements = chunk('x.py', 1, 12, { kind: 'statements' });
  const functionChunk = chunk('x.py', 12, 30, { kind: 'function', symbol: 'run', definition: { startLine: 12, line: 12, headEndLine: undefined } });
  assert.equal(rankedResults(fuse(denseOf([statements, functionChunk]), [], [], { dense: 1, lexical: 1, symbol: 1 }, 60)).length, 2);
});

test("the pieces of one definition are one result with its best piece's lines, from the definition's first line unless it is far up", () => {
  const definition = { startLine: 100, line: 102, headEndLine: undefined };
  const piece = (index: number, start: number, end: number) => chunk('r.py', start, end, { kind: 'method', symbol: 'resolve', scope: ['Mixin'], part: { index, count: 12 }, definition });
  const rank = (...pieces: ReturnType<typeof piece>[]) => rankedResults(fuse(denseOf(pieces), [], [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  const deep = rank(piece(4, 160, 180));
  assert.deepEqual([deep[0]!.startLine, deep[0]!.endLine, deep[0]!.openLine], [100, 180, 160], 'a piece down the definition covers it from its start and opens where it matched');
  const farDown = rank(piece(10, 420, 440));
  assert.deepEqual([farDown[0]!.startLine, farDown[0]!.endLine, farDown[0]!.openLine], [420, 440, 420], `a piece more than ${LONGEST_DEFINITION_RESULT} lines down reports its own lines`);
  const headFirst = rank(piece(0, 100, 120), piece(10, 420, 440));
  assert.equal(headFirst.length, 1, 'pieces that do not touch are still one definition');
  assert.deepEqual([headFirst[0]!.startLine, headFirst[0]!.endLine, headFirst[0]!.openLine, headFirst[0]!.chunkIds.length], [100, 120, 102, 2], 'another piece does not widen the result');
  const farFirst = rank(piece(10, 420, 440), piece(0, 100, 120));
  assert.deepEqual([farFirst[0]!.startLine, farFirst[0]!.endLine, farFirst[0]!.openLine, farFirst[0]!.chunkIds.length], [420, 440, 420, 2]);
  const section = chunk('guide.md', 40, 60, { kind: 'section', symbol: 'Install', part: { index: 2, count: 3 }, definition: { startLine: 1, line: 1, headEndLine: undefined } });
  const prose = rankedResults(fuse(denseOf([section]), [], [], { dense: 1, lexical: 1, symbol: 1 }, 60));
  assert.deepEqual([prose[0]!.startLine, prose[0]!.endLine, prose[0]!.openLine], [40, 60, 40], 'prose reports the lines it holds');
});
