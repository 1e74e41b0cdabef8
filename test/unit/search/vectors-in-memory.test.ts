// Whole searches with the vectors held in memory (the default) against the same searches with sqlite-vec reading
// them from the database (`vectorsInMemory: false`, how every search ran before): the same hits in the same
// order with the same scores, in every mode, and still after files are added, changed and removed between
// searches, by the searching connection and by another one.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import { Searcher, type SearchHit, type SearchOptions } from '../../../extension/core/search/search.ts';
import { seededRandom } from '../../../extension/core/random.ts';
import { IndexStore } from '../../../extension/core/store/index-store.ts';
import { offlineModel } from '../../helpers/models.ts';

const WORDS = 'parse read write config request retry client server cache token user account order invoice render template route handler queue message batch stream buffer socket header cookie session password hash index search query result error timeout connect close open file path directory'.split(' ');

/** A TypeScript file of functions named and commented from seeded words. */
function sourceFile(seed: number, functions: number): string {
  const next = seededRandom(seed);
  const word = () => WORDS[Math.floor(next() * WORDS.length)]!;
  return Array.from({ length: functions }, (_, index) => {
    const [a, b, c] = [word(), word(), word()];
    return `/** ${a} the ${b} of a ${c}, then ${word()} it. */\nexport function ${a}${b[0]!.toUpperCase()}${b.slice(1)}${index}(${c}: string): string {\n  const ${word()}Value = ${c}.trim();\n  return \`${word()} \${${c}} ${word()}\`;\n}\n`;
  }).join('\n');
}

let root: string;
let index: FolderIndex;
let reference: IndexStore;

before(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'semsearch-memory-'));
  mkdirSync(path.join(root, 'src'));
  for (let file = 0; file < 30; file++) writeFileSync(path.join(root, 'src', `module${file}.ts`), sourceFile(file, 8));
  index = await FolderIndex.open({ root, databasePath: path.join(root, '..', `${path.basename(root)}.db`), modelDirectory: offlineModel('glove-100d'), quantization: 'fp32', device: 'cpu', threads: 1 });
  await index.index();
  reference = IndexStore.open(index.store.path, { vectorsInMemory: false });
});

after(async () => {
  reference?.close();
  await index?.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(path.join(root, '..', `${path.basename(root)}.db`), { force: true });
  rmSync(path.join(root, '..', `${path.basename(root)}.db-wal`), { force: true });
  rmSync(path.join(root, '..', `${path.basename(root)}.db-shm`), { force: true });
});

const QUERIES = ['retry the request', 'parse config file', 'render template for user', 'close socket on timeout', 'cacheToken', 'hash password of account'];
const OPTIONS: SearchOptions[] = [{ k: 10 }, { k: 10, mode: 'dense' }, { k: 5, weights: { dense: 1 } }, { k: 10, ranking: false, weights: { dense: 1 } }, { k: 10, mode: 'lexical' }];

/** The same hits in the same order, with the same scores within float32 rounding (about 1e-7 here). */
function assertSameHits(held: readonly SearchHit[], read: readonly SearchHit[], what: string): void {
  const places = (hits: readonly SearchHit[]) => hits.map((hit) => ({ path: hit.path, startLine: hit.startLine, endLine: hit.endLine, chunkIds: hit.chunkIds }));
  assert.deepEqual(places(held), places(read), what);
  held.forEach((hit, position) => {
    const other = read[position]!.scores;
    assert.equal(hit.scores.dense === undefined, other.dense === undefined, what);
    for (const [name, a, b] of [['dense', hit.scores.dense ?? 0, other.dense ?? 0], ['fused', hit.scores.fused, other.fused], ['relevance', hit.scores.relevance, other.relevance]] as const) {
      assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${name} ${a} vs ${b} at ${position}`);
    }
  });
}

async function assertSameSearches(what: string): Promise<void> {
  const fromDatabase = new Searcher(reference, index.searcher.resolveEmbedder);
  for (const query of QUERIES) {
    for (const options of OPTIONS) {
      const held = await index.searcher.search(query, options);
      const read = await fromDatabase.search(query, options);
      assert.ok(held.hits.length > 0, `${what}: "${query}" finds something`);
      assertSameHits(held.hits, read.hits, `${what}: "${query}" ${JSON.stringify(options)}`);
    }
  }
  assert.ok(index.store.residentVectors(index.store.activeSpace()!), `${what}: the searching connection holds the vectors`);
  assert.equal(reference.residentVectors(reference.activeSpace()!), undefined, 'the reference reads them from the database');
}

test('searches from memory equal searches from the database, through edits by this and another connection', async () => {
  await assertSameSearches('first index');

  // Edits through the searching connection (its vectors in memory follow its own writes).
  writeFileSync(path.join(root, 'src', 'module30.ts'), sourceFile(30, 8));
  writeFileSync(path.join(root, 'src', 'module3.ts'), sourceFile(103, 5));
  rmSync(path.join(root, 'src', 'module4.ts'));
  await index.update(['src/module30.ts', 'src/module3.ts', 'src/module4.ts']);
  await assertSameSearches('after edits here');

  // Edits through another connection (another process, say): the vectors in memory are read again.
  const other = await FolderIndex.open({ root, databasePath: index.store.path, modelDirectory: offlineModel('glove-100d'), runtime: index.runtime, vectorsInMemory: false });
  try {
    writeFileSync(path.join(root, 'src', 'module31.ts'), sourceFile(31, 8));
    writeFileSync(path.join(root, 'src', 'module5.ts'), sourceFile(105, 6));
    rmSync(path.join(root, 'src', 'module6.ts'));
    await other.update(['src/module31.ts', 'src/module5.ts', 'src/module6.ts']);
  } finally {
    await other.close();
  }
  await assertSameSearches('after edits by another connection');
});
