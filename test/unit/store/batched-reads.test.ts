// The reads a search makes for a few hundred rows at once (one statement each, not one per row) answer as
// one lookup per row did: chunks by id and by content hash, in the order asked, duplicates and missing keys
// included; lexical matches keep to their chunker whether or not another chunker has chunks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkContentHash } from '../../../extension/core/store/index-store.ts';
import { lexicalQuery, queryWords } from '../../../extension/core/search/lexical.ts';
import { makeChunk, openTemporaryStore } from './helpers.ts';

const file = (filePath: string, contentHash = `hash-of-${filePath}`) => ({ path: filePath, contentHash, size: 10, mtimeMs: 1, language: 'typescript' });

test('chunks by id come in the order asked, each once, missing ids left out', () => {
  const store = openTemporaryStore();
  store.replaceFile(file('src/a.ts'), new Map([['chunker-1', Array.from({ length: 6 }, (_, index) => makeChunk({ text: `const a${index} = ${index};`, symbol: `a${index}`, startLine: index + 1, endLine: index + 1 }))]]));
  const ids = store.chunksOfFile('src/a.ts', 'chunker-1').map((chunk) => chunk.id);
  const asked = [ids[4]!, 9999, ids[1]!, ids[4]!, ids[0]!];
  const found = store.chunksById(asked);
  assert.deepEqual([...found.keys()], [ids[4], ids[1], ids[0]]);
  assert.deepEqual([...found.values()].map((chunk) => chunk.symbol), ['a4', 'a1', 'a0']);
  assert.equal(found.get(ids[1]!)!.path, 'src/a.ts');
  assert.equal(store.chunksById([]).size, 0);
  store.close();
});

test('chunks by content hash: every chunk of each hash in path and line order, an empty list for an unknown hash', () => {
  const store = openTemporaryStore();
  const shared = (line: number) => makeChunk({ text: 'function shared() { return 1; }', symbol: 'shared', startLine: line, endLine: line });
  const own = makeChunk({ text: 'function own() { return 2; }', symbol: 'own', startLine: 9, endLine: 9 });
  store.replaceFile(file('src/b.ts'), new Map([['chunker-1', [shared(3), own]]]));
  store.replaceFile(file('src/a.ts'), new Map([['chunker-1', [shared(7)]]]));
  store.replaceFile(file('src/c.ts'), new Map([['chunker-2', [shared(1)]]]));
  const sharedHash = chunkContentHash(shared(1));
  const ownHash = chunkContentHash(own);
  const found = store.chunksByContentHash('chunker-1', [ownHash, sharedHash, 'unknown', ownHash]);
  assert.deepEqual([...found.keys()], [ownHash, sharedHash, 'unknown']);
  assert.deepEqual(found.get(sharedHash)!.map((chunk) => [chunk.path, chunk.startLine]), [['src/a.ts', 7], ['src/b.ts', 3]], 'not the other chunker’s copy');
  assert.deepEqual(found.get(ownHash)!.map((chunk) => chunk.symbol), ['own']);
  assert.deepEqual(found.get('unknown'), []);
  store.close();
});

test('lexical matches keep to their chunker, with one chunker in the index or two', () => {
  const store = openTemporaryStore();
  const chunks = (prefix: string) => [makeChunk({ text: `function ${prefix}Parse() { retry(); }`, symbol: `${prefix}Parse` }), makeChunk({ text: `function ${prefix}Other() { wait(); }`, symbol: `${prefix}Other`, startLine: 5, endLine: 5 })];
  const query = lexicalQuery(queryWords('retry wait'))!;
  store.replaceFile(file('src/one.ts'), new Map([['chunker-1', chunks('one')]]));
  const alone = store.lexical('chunker-1', query, 10);
  assert.equal(alone.length, 2);
  assert.equal(store.lexical('chunker-2', query, 10).length, 0);
  // A change of chunking under way: both chunk sets are stored.
  store.replaceFile(file('src/one.ts'), new Map([['chunker-1', chunks('one')], ['chunker-2', chunks('two')]]));
  const first = store.lexical('chunker-1', query, 10);
  const second = store.lexical('chunker-2', query, 10);
  assert.deepEqual([...store.chunksById(first.map((match) => match.chunkId)).values()].map((chunk) => chunk.chunker), ['chunker-1', 'chunker-1']);
  assert.deepEqual([...store.chunksById(second.map((match) => match.chunkId)).values()].map((chunk) => chunk.chunker), ['chunker-2', 'chunker-2']);
  store.close();
});
