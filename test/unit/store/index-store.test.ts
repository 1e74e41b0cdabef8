import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { IndexStore, chunkContentHash } from '../../../extension/core/store/index-store.ts';
import { SCHEMA_VERSION } from '../../../extension/core/store/schema.ts';
import { columnSizes } from '../../../extension/core/store/lexical.ts';
import { lexicalQuery, lexicalWords, queryWords, symbolQuery } from '../../../extension/core/search/lexical.ts';
import { makeChunk, openTemporaryStore, spaceDefinition, temporaryDatabasePath, unitVector } from './helpers.ts';
import { isCoreError } from '../../../extension/core/errors.ts';

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'store');
const file = (filePath: string, contentHash = `hash-of-${filePath}`) => ({ path: filePath, contentHash, size: 10, mtimeMs: 1, language: 'typescript' });

test('a new database is at the current schema version, in WAL mode', () => {
  const store = openTemporaryStore();
  const raw = new Database(store.path, { readonly: true });
  assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
  raw.close();
  store.close();
});

test('chunks are stored per file and found lexically by identifier parts', () => {
  const store = openTemporaryStore();
  store.replaceFile(file('src/library.ts'), new Map([['chunker-1', [
    makeChunk({ text: 'function parseHTTPHeader(line) {\n  return line.split(":");\n}', symbol: 'parseHTTPHeader' }),
    makeChunk({ text: 'function drawCircle(ctx) {\n  ctx.arc();\n}', symbol: 'drawCircle', startLine: 5, endLine: 7 }),
  ]]]));
  const matches = store.lexical('chunker-1', lexicalQuery(queryWords('parse http header'))!, 10);
  assert.equal(matches.length, 1);
  assert.equal(store.chunksById([matches[0]!.chunkId]).get(matches[0]!.chunkId)!.symbol, 'parseHTTPHeader');
  const exact = store.lexical('chunker-1', lexicalQuery(queryWords('parseHTTPHeader'))!, 10);
  assert.equal(store.chunksById([exact[0]!.chunkId]).get(exact[0]!.chunkId)!.symbol, 'parseHTTPHeader');
  assert.equal(store.lexical('chunker-2', lexicalQuery(queryWords('parse'))!, 10).length, 0, 'another chunker sees nothing');
  assert.deepEqual(store.checkIntegrity(), []);
  store.close();
});

test("a query's word statistics count its own chunk set only: not a retired model's, not the ids re-chunked files left behind", () => {
  const store = openTemporaryStore();
  const [parseWord] = lexicalWords('parse');
  const chunks = (count: number) => Array.from({ length: count }, (_, index) => makeChunk({ text: `function parse${index}(line) {\n  return line;\n}`, symbol: `parse${index}`, startLine: index * 4 + 1, endLine: index * 4 + 3 }));
  // The old model's chunks (kept for a rollback) and the new one's, in one index.
  store.replaceFile(file('src/a.ts'), new Map([['chunker-old', chunks(6)], ['chunker-new', chunks(2)]]));
  store.replaceFile(file('src/b.ts'), new Map([['chunker-old', [makeChunk({ text: 'const unrelated = 1;' })]], ['chunker-new', [makeChunk({ text: 'const unrelated = 1;' })]]]));
  const mixed = store.lexicalDocumentFrequencies('chunker-new', [parseWord!, 'nowhere']);
  assert.deepEqual([mixed.documents, mixed.frequencies.get(parseWord!), mixed.frequencies.has('nowhere')], [3, 2, false]);
  assert.equal(store.lexicalDocumentFrequencies('chunker-old', [parseWord!]).documents, 7);
  // Alone, after a file was chunked again many times: its new chunks take new ids, the count stays.
  const alone = openTemporaryStore();
  alone.replaceFile(file('src/a.ts'), new Map([['chunker-new', chunks(2)]]));
  alone.replaceFile(file('src/b.ts'), new Map([['chunker-new', [makeChunk({ text: 'const unrelated = 1;' })]]]));
  for (let edit = 0; edit < 5; edit++) alone.replaceFile(file('src/a.ts', `hash-${edit}`), new Map([['chunker-new', chunks(2)]]));
  const edited = alone.lexicalDocumentFrequencies('chunker-new', [parseWord!]);
  assert.deepEqual([edited.documents, edited.frequencies.get(parseWord!)], [3, 2]);
  alone.replaceFile(file('src/c.ts'), new Map([['chunker-new', [makeChunk({ text: 'const other = 2;' })]]]));
  assert.equal(alone.lexicalDocumentFrequencies('chunker-new', [parseWord!]).documents, 4, 'the count follows a write');
  store.close();
  alone.close();
});

test('while a retired chunk set shares the lexical table, matches are ranked and scored as if the searched set were alone', () => {
  const texts = ['parse the header line', 'parse a cookie header and parse its value', 'render the page', 'parse options', 'close the socket after the header'];
  const newChunks = () => texts.map((text, index) => makeChunk({ text, symbol: index === 3 ? 'parseOptions' : `unit${index}`, startLine: index * 3 + 1, endLine: index * 3 + 2 }));
  // The old model's chunks: many, short, and full of the query's words, so the table-wide statistics are theirs.
  const oldChunks = () => Array.from({ length: 40 }, (_, index) => makeChunk({ text: index % 2 === 0 ? 'parse header' : `parse ${index}`, startLine: index + 1, endLine: index + 1 }));
  const alone = openTemporaryStore();
  const shared = openTemporaryStore();
  for (const name of ['src/a.ts', 'src/b.ts']) {
    alone.replaceFile(file(name), new Map([['chunker-new', newChunks()]]));
    shared.replaceFile(file(name), new Map([['chunker-old', oldChunks()], ['chunker-new', newChunks()]]));
  }
  for (const expression of [lexicalQuery(queryWords('parse header'))!, symbolQuery(['parseoptions'])!]) {
    const ranked = (store: IndexStore) => {
      const matches = store.lexical('chunker-new', expression, 6);
      const chunks = store.chunksById(matches.map((match) => match.chunkId));
      return matches.map((match) => `${chunks.get(match.chunkId)!.text} ${match.score.toFixed(9)}`);
    };
    const expected = ranked(alone);
    assert.ok(expected.length > 0, expression);
    assert.deepEqual(ranked(shared), expected, expression);
  }
  alone.close();
  shared.close();
});

test("FTS5's docsize records are read as SQLite varints: big-endian groups of seven bits", () => {
  assert.deepEqual(columnSizes(Uint8Array.of(0x05, 0x81, 0x48, 0x7f)), [5, 200, 127]);
  assert.deepEqual(columnSizes(Uint8Array.of(0x82, 0x80, 0x00, 0x00)), [32768, 0, 0]);
});

test('nearest neighbours come from one vector space only, best first', () => {
  const store = openTemporaryStore();
  const chunks = [0, 1, 2].map((axis) => makeChunk({ text: `function f${axis}() {}`, startLine: axis * 3 + 1, endLine: axis * 3 + 1 }));
  store.replaceFile(file('a.ts'), new Map([['chunker-1', chunks]]));
  const small = store.ensureVectorSpace(spaceDefinition());
  const large = store.ensureVectorSpace(spaceDefinition({ modelFingerprint: 'model-b', dimensions: 8 }));
  assert.notEqual(small.tableName, large.tableName);
  store.insertEmbeddings(small, chunks.map((chunk, axis) => ({ contentHash: chunkContentHash(chunk), vector: unitVector(4, axis) })));
  store.insertEmbeddings(large, chunks.slice(0, 1).map((chunk) => ({ contentHash: chunkContentHash(chunk), vector: unitVector(8, 5) })));
  const hits = store.nearest(small, unitVector(4, 2), 10);
  assert.equal(hits.length, 3);
  assert.equal(hits[0]!.contentHash, chunkContentHash(chunks[2]!));
  assert.ok(hits[0]!.similarity > hits[1]!.similarity);
  assert.equal(store.nearest(large, unitVector(8, 5), 10).length, 1);
  assert.throws(() => store.nearest(large, unitVector(4, 0), 10), (error: unknown) => isCoreError(error, 'store'));
  assert.equal(store.countMissingEmbeddings(large), 2);
  assert.deepEqual(store.checkIntegrity(), []);
  store.close();
});

test('duplicate chunks share one vector, which goes when the last copy goes', () => {
  const store = openTemporaryStore();
  const chunk = makeChunk({ text: 'export const answer = 42;', kind: 'statements' });
  store.replaceFile(file('one.ts'), new Map([['chunker-1', [chunk]]]));
  store.replaceFile(file('copy.ts'), new Map([['chunker-1', [chunk]]]));
  const space = store.ensureVectorSpace(spaceDefinition());
  assert.equal(store.missingVectorContents(space).length, 1, 'one content, one vector to compute');
  assert.equal(store.insertEmbeddings(space, [{ contentHash: chunkContentHash(chunk), vector: unitVector(4, 0) }]), 1);
  assert.equal(store.insertEmbeddings(space, [{ contentHash: chunkContentHash(chunk), vector: unitVector(4, 0) }]), 0, 'no duplicate vector');
  store.deleteFiles(['one.ts']);
  assert.equal(store.statistics().spaces[0]!.vectors, 1);
  store.deleteFiles(['copy.ts']);
  assert.equal(store.statistics().spaces[0]!.vectors, 0);
  assert.deepEqual(store.checkIntegrity(), []);
  store.close();
});

test('changing a file replaces its chunks and drops vectors of content that is gone', () => {
  const store = openTemporaryStore();
  const before = makeChunk({ text: 'function old() {}' });
  const after = makeChunk({ text: 'function renamed() {}' });
  store.replaceFile(file('a.ts', 'v1'), new Map([['chunker-1', [before]]]));
  const space = store.ensureVectorSpace(spaceDefinition());
  store.insertEmbeddings(space, [{ contentHash: chunkContentHash(before), vector: unitVector(4, 1) }]);
  store.replaceFile(file('a.ts', 'v2'), new Map([['chunker-1', [after]]]));
  assert.equal(store.statistics().spaces[0]!.vectors, 0);
  assert.equal(store.countMissingEmbeddings(space), 1);
  // A vector computed for content that vanished meanwhile is not stored.
  assert.equal(store.insertEmbeddings(space, [{ contentHash: chunkContentHash(before), vector: unitVector(4, 1) }]), 0);
  assert.deepEqual(store.checkIntegrity(), []);
  store.close();
});

test('one space is active at a time; activation is atomic', () => {
  const store = openTemporaryStore();
  const first = store.ensureVectorSpace(spaceDefinition(), 'active');
  const second = store.ensureVectorSpace(spaceDefinition({ modelFingerprint: 'model-b' }));
  assert.equal(store.activeSpace()!.id, first.id);
  store.activateSpace(second.id);
  assert.equal(store.activeSpace()!.id, second.id);
  assert.equal(store.vectorSpace(first.id).state, 'retired');
  store.dropSpace(first.id);
  assert.equal(store.vectorSpaces().length, 1);
  store.close();
});

test('a database from a newer version is refused with a clear next step', () => {
  const databasePath = temporaryDatabasePath();
  IndexStore.open(databasePath).close();
  const raw = new Database(databasePath);
  raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  raw.close();
  assert.throws(() => IndexStore.open(databasePath), (error: unknown) => isCoreError(error, 'store') && error.reason === 'schema-too-new' && /Update the extension/.test(error.message));
});

test('a file that is not a database is reported as corrupt', () => {
  const databasePath = temporaryDatabasePath();
  writeFileSync(databasePath, Buffer.alloc(8192, 7));
  assert.throws(() => IndexStore.open(databasePath), (error: unknown) => isCoreError(error, 'store') && error.reason === 'corrupt');
});

test('a failed migration leaves the database at its old version, with nothing half-created', () => {
  const databasePath = temporaryDatabasePath();
  const raw = new Database(databasePath);
  // A table the first migration also creates makes it fail part-way.
  raw.exec('CREATE TABLE skips (x)');
  raw.close();
  assert.throws(() => IndexStore.open(databasePath), (error: unknown) => isCoreError(error, 'store') && error.reason === 'migration-failed' && /unchanged at schema 0/.test(error.message));
  const after = new Database(databasePath, { readonly: true });
  assert.equal(after.pragma('user_version', { simple: true }), 0);
  assert.equal((after.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name IN ('files', 'chunks', 'meta')").get() as { n: number }).n, 0);
  after.close();
});

test('the released schema v1 fixture opens, reads and searches with this code', () => {
  const databasePath = temporaryDatabasePath();
  copyFileSync(path.join(FIXTURES, 'schema-v1.db'), databasePath);
  const store = IndexStore.open(databasePath);
  assert.deepEqual(store.checkIntegrity(), []);
  const space = store.activeSpace()!;
  assert.equal(space.dimensions, 4);
  const files = store.files();
  assert.deepEqual([...files.keys()].sort(), ['docs/guide.md', 'src/http.ts']);
  const [hit] = store.nearest(space, unitVector(4, 0), 1);
  const [chunk] = store.chunksByContentHash(space.chunker, [hit!.contentHash]).get(hit!.contentHash)!;
  assert.equal(chunk!.symbol, 'parseHeader');
  assert.equal(store.lexical(space.chunker, lexicalQuery(queryWords('install guide'))!, 5).length, 1);
  store.close();
});

test('every released schema fixture opens and is migrated to the current version', () => {
  for (const version of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const databasePath = temporaryDatabasePath();
    copyFileSync(path.join(FIXTURES, `schema-v${version}.db`), databasePath);
    IndexStore.open(databasePath).close();
    const raw = new Database(databasePath, { readonly: true });
    assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION, `fixture v${version}`);
    raw.close();
    const store = IndexStore.open(databasePath);
    assert.deepEqual(store.checkIntegrity(), []);
    const [installWord] = lexicalWords('install');
    assert.ok(store.lexicalDocumentFrequencies('chunker-1', [installWord!]).frequencies.get(installWord!)! >= 1, `fixture v${version}: term frequencies work after migration`);
    assert.equal(store.lexical('chunker-1', lexicalQuery(queryWords('installing guides'))!, 5).length, 1, `fixture v${version}: the lexical index holds stems after migration`);
    // Chunks written before schema 8 have no definition until their files are chunked again.
    const parseHeader = store.chunksOfFile('src/http.ts', 'chunker-1')[0]!;
    assert.deepEqual(parseHeader.definition, version >= 8 ? { startLine: 1, line: 1, headEndLine: undefined } : undefined, `fixture v${version}: definition`);
    store.close();
  }
});

test('migrations, calibrations and canaries are recorded per space', () => {
  const store = openTemporaryStore();
  const from = store.ensureVectorSpace(spaceDefinition(), 'active');
  const to = store.ensureVectorSpace(spaceDefinition({ modelFingerprint: 'model-b' }));
  const migration = store.startMigration(from.id, to.id);
  assert.equal(store.startMigration(from.id, to.id).id, migration.id, 'starting again resumes the same migration');
  assert.equal(store.pendingMigration()!.state, 'building');
  store.updateMigration(migration.id, 'ready', { coverage: 1 });
  assert.deepEqual(store.pendingMigration()!.report, { coverage: 1 });
  const other = store.ensureVectorSpace(spaceDefinition({ modelFingerprint: 'model-c' }));
  store.startMigration(from.id, other.id);
  assert.equal(store.migrations().find((entry) => entry.id === migration.id)!.state, 'abandoned', 'a new target abandons the unfinished one');
  store.activateSpace(to.id);
  assert.ok(store.vectorSpace(from.id).retiredAt! > 0, 'the old space records when it retired');
  assert.equal(store.vectorSpace(to.id).retiredAt, undefined);

  store.saveCalibration(to.id, 'similar', 0.62, { method: 'p99 of unrelated pairs' });
  assert.equal(store.calibration(to.id, 'similar')!.value, 0.62);
  assert.equal(store.calibration(from.id, 'similar'), undefined, 'calibrations are per space');
  store.dropSpace(to.id);
  assert.equal(store.calibration(to.id, 'similar'), undefined, 'dropping a space drops its calibrations');

  store.saveCanaries('model-a', 'texts-v1', [unitVector(4, 0), unitVector(4, 1)]);
  const canaries = store.canaries('model-a')!;
  assert.equal(canaries.textsHash, 'texts-v1');
  assert.deepEqual([...canaries.vectors[1]!], [...unitVector(4, 1)]);
  store.close();
});

test('the integrity check names each broken invariant: tags without vectors, vectors no chunk references, unknown spaces, lexical rows', () => {
  const databasePath = temporaryDatabasePath();
  const store = IndexStore.open(databasePath);
  const kept = makeChunk({ text: 'export const kept = 1;', kind: 'statements' });
  const dropped = makeChunk({ text: 'export const dropped = 2;', kind: 'statements' });
  store.replaceFile(file('kept.ts'), new Map([['chunker-1', [kept, dropped]]]));
  const space = store.ensureVectorSpace(spaceDefinition());
  store.insertEmbeddings(space, [
    { contentHash: chunkContentHash(kept), vector: unitVector(4, 0) },
    { contentHash: chunkContentHash(dropped), vector: unitVector(4, 1) },
  ]);
  assert.deepEqual(store.checkIntegrity(), []);
  // Damage behind the store's back, from another connection, as a bug or a hand edit would.
  const database = new Database(databasePath);
  database.pragma('foreign_keys = OFF');
  database.prepare('DELETE FROM chunks WHERE content_hash = ?').run(chunkContentHash(dropped));
  database.prepare("INSERT INTO embeddings (space_id, content_hash) VALUES ('no-such-space', 'x')").run();
  database.prepare('INSERT INTO embeddings (space_id, content_hash) VALUES (?, ?)').run(space.id, 'untracked');
  database.close();
  const problems = store.checkIntegrity();
  assert.ok(problems.includes('vectors tagged with unknown space no-such-space'), problems.join('\n'));
  assert.ok(problems.includes(`space ${space.id}: 3 tags but 2 vectors`), problems.join('\n'));
  assert.ok(problems.includes(`space ${space.id}: 2 vectors no chunk references`), problems.join('\n'));
  assert.ok(problems.includes('1 lexical units but 2 lexical rows'), problems.join('\n'));
  store.close();
});

test('files written in one transaction join it without savepoints: one full-text segment per batch, and a failure undoes the whole batch', () => {
  const store = openTemporaryStore();
  const chunksOf = (index: number) => new Map([['chunker-1', [makeChunk({ text: `function handler${index}(request) {\n  return respond${index}(request);\n}`, symbol: `handler${index}` })]]]);
  // FTS5 writes its pending rows out as a new segment at every savepoint: one savepoint per file left a segment per file.
  store.transaction(() => {
    for (let index = 0; index < 12; index++) store.replaceFile(file(`src/handler${index}.ts`), chunksOf(index));
  });
  const raw = new Database(store.path, { readonly: true });
  assert.equal((raw.prepare('SELECT COUNT(DISTINCT segid) AS segments FROM chunks_lexical_idx').get() as { segments: number }).segments, 1);
  // The same words and the same matches as the files written one transaction each.
  const oneByOne = openTemporaryStore();
  for (let index = 0; index < 12; index++) oneByOne.replaceFile(file(`src/handler${index}.ts`), chunksOf(index));
  const separate = new Database(oneByOne.path, { readonly: true });
  const terms = (database: Database.Database) => database.prepare('SELECT term, doc, cnt FROM chunks_lexical_terms ORDER BY term').all();
  assert.ok(terms(raw).length > 12);
  assert.deepEqual(terms(raw), terms(separate));
  separate.close();
  raw.close();
  for (const query of ['handler7', 'respond request', 'handler']) {
    const matches = (target: IndexStore) => target.lexical('chunker-1', lexicalQuery(queryWords(query))!, 20).map((match) => [match.chunkId, match.score]);
    assert.deepEqual(matches(store), matches(oneByOne), query);
  }
  oneByOne.close();
  const [best] = store.lexical('chunker-1', lexicalQuery(queryWords('handler7'))!, 10);
  assert.equal(store.chunksById([best!.chunkId]).get(best!.chunkId)!.symbol, 'handler7');

  // A file that fails half-way (a chunk without text) takes the files before it in the batch down with it.
  const broken = new Map([['chunker-1', [makeChunk({ text: 'const ok = 1;' }), { ...makeChunk({ text: '' }), text: null as unknown as string }]]]);
  assert.throws(() => store.transaction(() => {
    store.replaceFile(file('src/fine.ts'), chunksOf(20));
    store.replaceFile(file('src/broken.ts'), broken);
  }), (error) => isCoreError(error, 'store') || (error as { code?: string }).code === 'SQLITE_CONSTRAINT_NOTNULL');
  assert.deepEqual([...store.files().keys()].filter((filePath) => !filePath.startsWith('src/handler')), []);
  assert.ok(store.lexical('chunker-1', lexicalQuery(queryWords('handler20'))!, 10).every((match) => store.chunksById([match.chunkId]).get(match.chunkId)!.symbol !== 'handler20'));
  assert.deepEqual(store.checkIntegrity(), []);
  store.close();
});
