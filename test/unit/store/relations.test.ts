// Relations in the store: names each chunk defines, calls and imports (schema 5), the queries over them, and the
// migration of an index from before them.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import type { ChunkRelations } from '../../../extension/core/chunking/types.ts';
import { IndexStore } from '../../../extension/core/store/index-store.ts';
import { SCHEMA_VERSION } from '../../../extension/core/store/schema.ts';
import { makeChunk, openTemporaryStore, temporaryDatabasePath } from './helpers.ts';
import { isCoreError } from '../../../extension/core/errors.ts';

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'store');
const file = (filePath: string, contentHash = `hash-of-${filePath}`) => ({ path: filePath, contentHash, size: 10, mtimeMs: 1, language: 'typescript' });

/** A one-function file: `symbol` defined in `filePath`, calling `calls`. */
function define(store: IndexStore, filePath: string, symbol: string, calls: string[] = [], startLine = 1): void {
  const relations: ChunkRelations = { defines: [symbol], calls, imports: [] };
  store.replaceFile(file(filePath, `${filePath}:${symbol}`), new Map([['chunker-1', [makeChunk({ path: filePath, symbol, text: `function ${symbol}() { ${calls.join('(); ')} }`, startLine, endLine: startLine, relations })]]]), 1);
}

const where = (matches: { chunk: { path: string; symbol: string | undefined }; proximity: string }[]) => matches.map((match) => `${match.chunk.path} ${match.chunk.symbol} ${match.proximity}`);

test('schema 4 gains chunk_symbols; its chunk sets say they have no relations yet, so the indexer chunks them again', () => {
  const databasePath = temporaryDatabasePath();
  copyFileSync(path.join(FIXTURES, 'schema-v4.db'), databasePath);
  const store = IndexStore.open(databasePath);
  try {
    assert.ok(SCHEMA_VERSION >= 5);
    assert.deepEqual(store.checkIntegrity(), []);
    const files = store.files();
    assert.equal(files.get('src/http.ts')!.relationsVersions.get('chunker-1'), 0);
    assert.ok(files.get('src/http.ts')!.chunkers.has('chunker-1'), 'the chunks themselves stay');
    const [chunk] = store.chunksOfFile('src/http.ts', 'chunker-1');
    assert.deepEqual(store.relationsOfChunk(chunk!.id), { defines: [], calls: [], imports: [] });
    assert.deepEqual(store.definitionsOf('chunker-1', 'parseHeader'), []);
    // Writing the file again records the relations and their version.
    store.replaceFile(file('src/http.ts', 'h1'), new Map([['chunker-1', [makeChunk({ path: 'src/http.ts', symbol: 'parseHeader', text: chunk!.text, relations: { defines: ['parseHeader'], calls: ['split'], imports: [] } })]]]), 1);
    assert.equal(store.files().get('src/http.ts')!.relationsVersions.get('chunker-1'), 1);
    assert.deepEqual(where(store.definitionsOf('chunker-1', 'parseHeader')), ['src/http.ts parseHeader elsewhere']);
    assert.deepEqual(store.checkIntegrity(), []);
  } finally {
    store.close();
  }
});

test('a failed schema 5 migration leaves the index at schema 4', () => {
  const databasePath = temporaryDatabasePath();
  copyFileSync(path.join(FIXTURES, 'schema-v4.db'), databasePath);
  const raw = new Database(databasePath);
  raw.exec('CREATE TABLE chunk_symbols (x)');
  raw.close();
  assert.throws(() => IndexStore.open(databasePath), (error: unknown) => isCoreError(error, 'store') && error.reason === 'migration-failed' && /schema 5 \(code relations/.test(error.message) && /unchanged at schema 4/.test(error.message));
  const after = new Database(databasePath, { readonly: true });
  try {
    assert.equal(after.pragma('user_version', { simple: true }), 4);
    const columns = (after.prepare('PRAGMA table_info(file_chunkings)').all() as { name: string }[]).map((column) => column.name);
    assert.ok(!columns.includes('relations'), 'the column of the failed step is not there');
  } finally {
    after.close();
  }
});

test('the released schema 5 fixture: who defines, who calls, and what a chunk calls', () => {
  const databasePath = temporaryDatabasePath();
  copyFileSync(path.join(FIXTURES, 'schema-v5.db'), databasePath);
  const store = IndexStore.open(databasePath);
  try {
    assert.deepEqual(store.checkIntegrity(), []);
    assert.equal(store.files().get('src/server.ts')!.relationsVersions.get('chunker-1'), 1);
    assert.deepEqual(where(store.definitionsOf('chunker-1', 'parseHeader', { near: 'src/server.ts' })), ['src/http.ts parseHeader same-directory']);
    assert.deepEqual(where(store.callersOf('chunker-1', 'parseHeader', { near: 'src/http.ts' })), ['src/server.ts handle same-directory']);
    const [handle] = store.chunksOfFile('src/server.ts', 'chunker-1');
    assert.deepEqual(store.relationsOfChunk(handle!.id), { defines: ['handle'], calls: ['parseHeader'], imports: ['./http.ts'] });
    assert.deepEqual(store.calleesOf(handle!).map((callee) => [callee.name, callee.chunk.path, callee.definitions]), [['parseHeader', 'src/http.ts', 1]]);
    assert.deepEqual(store.callersOf('chunker-2', 'parseHeader'), [], 'another chunk set sees nothing');
  } finally {
    store.close();
  }
});

test('name-only resolution prefers the same file, then the same directory, then anywhere; never the chunk itself', () => {
  const store = openTemporaryStore();
  try {
    define(store, 'lib/other/parse.ts', 'parse');
    define(store, 'lib/zed/parse.ts', 'parse');
    define(store, 'src/http/parse.ts', 'parse');
    // A file defining `parse` and calling it, plus a recursive `walk`.
    store.replaceFile(file('src/http/server.ts'), new Map([['chunker-1', [
      makeChunk({ path: 'src/http/server.ts', symbol: 'parse', text: 'function parse() {}', startLine: 1, endLine: 1, relations: { defines: ['parse'], calls: [], imports: [] } }),
      makeChunk({ path: 'src/http/server.ts', symbol: 'serve', text: 'function serve() { parse(); walk(); missing(); }', startLine: 3, endLine: 3, relations: { defines: ['serve'], calls: ['parse', 'walk', 'missing'], imports: [] } }),
      makeChunk({ path: 'src/http/server.ts', symbol: 'walk', text: 'function walk() { walk(); }', startLine: 5, endLine: 5, relations: { defines: ['walk'], calls: ['walk'], imports: [] } }),
    ]]]), 1);
    define(store, 'src/client.ts', 'fetchAll', ['parse']);
    define(store, 'lib/zed/use.ts', 'useIt', ['parse']);

    assert.deepEqual(where(store.definitionsOf('chunker-1', 'parse', { near: 'src/http/server.ts' })), [
      'src/http/server.ts parse same-file',
      'src/http/parse.ts parse same-directory',
      'lib/other/parse.ts parse elsewhere',
      'lib/zed/parse.ts parse elsewhere',
    ]);
    assert.deepEqual(where(store.definitionsOf('chunker-1', 'parse', { near: 'lib/zed/use.ts', limit: 2 })), ['lib/zed/parse.ts parse same-directory', 'lib/other/parse.ts parse elsewhere']);

    const serve = store.chunksOfFile('src/http/server.ts', 'chunker-1').find((chunk) => chunk.symbol === 'serve')!;
    assert.deepEqual(store.calleesOf(serve).map((callee) => `${callee.name} → ${callee.chunk.path} ${callee.proximity} (${callee.definitions})`), [
      'parse → src/http/server.ts same-file (1)',
      'walk → src/http/server.ts same-file (1)',
    ]);
    const walk = store.chunksOfFile('src/http/server.ts', 'chunker-1').find((chunk) => chunk.symbol === 'walk')!;
    assert.deepEqual(store.calleesOf(walk), [], 'a recursive call is not a callee');
    // From a file with no definition of its own, the closest tier is "elsewhere": three candidates, ambiguous.
    const fetchAll = store.chunksOfFile('src/client.ts', 'chunker-1')[0]!;
    const guesses = store.calleesOf(fetchAll, { perName: 2 });
    assert.deepEqual(guesses.map((callee) => [callee.chunk.path, callee.definitions]), [['lib/other/parse.ts', 4], ['lib/zed/parse.ts', 4]]);

    assert.deepEqual(where(store.callersOf('chunker-1', 'parse', { near: 'lib/zed/parse.ts' })), [
      'lib/zed/use.ts useIt same-directory',
      'src/client.ts fetchAll elsewhere',
      'src/http/server.ts serve elsewhere',
    ]);
  } finally {
    store.close();
  }
});

test('the pieces of a split definition count once; replacing and deleting files removes their names', () => {
  const store = openTemporaryStore();
  try {
    const relations: ChunkRelations = { defines: ['pipeline'], calls: ['step'], imports: [] };
    const pieces = [0, 1, 2].map((index) => makeChunk({ path: 'src/big.ts', symbol: 'pipeline', text: `piece ${index}`, startLine: index * 10 + 1, endLine: index * 10 + 12, part: { index, count: 3 }, relations }));
    store.replaceFile(file('src/big.ts'), new Map([['chunker-1', pieces]]), 1);
    define(store, 'src/step.ts', 'step');
    assert.deepEqual(store.definitionsOf('chunker-1', 'pipeline').map((match) => match.chunk.part?.index), [0]);
    assert.deepEqual(where(store.callersOf('chunker-1', 'step')), ['src/big.ts pipeline elsewhere']);

    store.replaceFile(file('src/big.ts', 'changed'), new Map([['chunker-1', [makeChunk({ path: 'src/big.ts', symbol: 'other', text: 'x', relations: { defines: ['other'], calls: [], imports: [] } })]]]), 1);
    assert.deepEqual(store.definitionsOf('chunker-1', 'pipeline'), []);
    assert.deepEqual(store.callersOf('chunker-1', 'step'), []);
    store.deleteFiles(['src/step.ts', 'src/big.ts']);
    assert.deepEqual(store.definitionsOf('chunker-1', 'step'), []);
    const raw = new Database(store.path, { readonly: true });
    try {
      assert.equal((raw.prepare('SELECT COUNT(*) AS n FROM chunk_symbols').get() as { n: number }).n, 0);
    } finally {
      raw.close();
    }
    assert.deepEqual(store.checkIntegrity(), []);
  } finally {
    store.close();
  }
});
