// Reading a space's vectors into memory ahead of its first search (`IndexStore.warmVectors`, a slice at a time):
// the search that follows reads nothing, a search or a write that comes between two slices sees exactly what the
// database holds (this connection's writes applied to the load, another connection's commit starting it again),
// an abort stops it, and a store with nothing to hold does nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { isAbortError } from '../../../extension/core/errors.ts';
import { IndexStore, chunkContentHash, type StorageOption, type VectorSpace } from '../../../extension/core/store/index-store.ts';
import { readVec0Rows, readVec0RowsAfter } from '../../../extension/core/store/vec0-rows.ts';
import { MatrixLoad } from '../../../extension/core/store/vector-matrix.ts';
import { makeChunk, spaceDefinition, temporaryDatabasePath } from './helpers.ts';
import { clusteredVectors } from './vectors.ts';

const DIMENSIONS = 40;
const COUNT = 1600;
/** Small slices (64 rows, the least a slice reads), so a warm-up of 1,200 vectors takes about 19 turns. */
const SLICE = { sliceBytes: 1 };

/** A store with 1,200 of COUNT chunks' vectors in an active space, and a second connection that reads from the database. */
function fixture(storage: StorageOption = { kind: 'float32' }) {
  const vectors = clusteredVectors({ count: COUNT, dimensions: DIMENSIONS, seed: 61 });
  const chunks = Array.from({ length: COUNT }, (_, index) => makeChunk({ text: `function w${index}() { return ${index}; }`, startLine: index + 1, endLine: index + 1 }));
  const hashes = chunks.map((chunk) => chunkContentHash(chunk));
  const databasePath = temporaryDatabasePath();
  const store = IndexStore.open(databasePath);
  const reference = IndexStore.open(databasePath, { vectorsInMemory: false });
  store.replaceFile({ path: 'src/w.ts', contentHash: 'w', size: 1, mtimeMs: 1, language: 'typescript' }, new Map([['chunker-1', chunks]]));
  const space = store.ensureVectorSpace(spaceDefinition({ dimensions: DIMENSIONS, storage }), 'active');
  const insert = (target: IndexStore, from: number, to: number) => target.insertEmbeddings(space, hashes.slice(from, to).map((contentHash, index) => ({ contentHash, vector: vectors[from + index]! })));
  insert(store, 0, 1200);
  store.calibrateSpace(space, { minimumVectors: 1 });
  /** Keeps the chunks whose index passes `keep`: the vectors of the others are deleted. */
  const keepChunks = (target: IndexStore, version: number, keep: (index: number) => boolean) =>
    target.replaceFile({ path: 'src/w.ts', contentHash: `w${version}`, size: 1, mtimeMs: version, language: 'typescript' }, new Map([['chunker-1', chunks.filter((_, index) => keep(index))]]));
  const queries = [vectors[3]!, vectors[700]!, vectors[1300]!, vectors[1500]!, ...clusteredVectors({ count: 2, dimensions: DIMENSIONS, seed: 62 })];
  const close = () => {
    reference.close();
    store.close();
  };
  return { store, reference, space, vectors, insert, keepChunks, queries, close };
}

/** The searching store finds what sqlite-vec finds in the database: same contents in the same order, same similarities. */
function assertCurrent(store: IndexStore, reference: IndexStore, space: VectorSpace, queries: readonly Float32Array[], what: string): void {
  for (const [index, query] of queries.entries()) {
    const held = store.nearest(space, query, 20);
    const read = reference.nearest(space, query, 20);
    assert.deepEqual(held.map((hit) => hit.contentHash), read.map((hit) => hit.contentHash), `${what}: query ${index}`);
    held.forEach((hit, position) => assert.ok(Math.abs(hit.similarity - read[position]!.similarity) < 1e-6, what));
  }
}

const OPTIONS: StorageOption[] = [{ kind: 'float32' }, { kind: 'float32', dimensions: 16 }, { kind: 'int8' }, { kind: 'binary' }, { kind: 'binary', rescore: 'int8' }];

for (const storage of OPTIONS) {
  test(`${JSON.stringify(storage)}: a warm-up reads the vectors in slices, and the search after it reads nothing`, async () => {
    const { store, reference, space, queries, close } = fixture(storage);
    let turns = 0;
    const counting = (async () => {
      for (let turn = 0; turn < 1000 && !store.residentVectors(space); turn++) {
        turns += 1;
        await nextTurn();
      }
    })();
    const warmed = await store.warmVectors(space, SLICE);
    await counting;
    assert.equal(warmed.loaded, true);
    assert.equal(warmed.vectors?.rows, 1200);
    assert.equal(warmed.vectors?.loadedBy, 'warm-up');
    assert.ok(turns >= 10, `the thread had other turns while it loaded (${turns})`);
    assertCurrent(store, reference, space, queries, 'after the warm-up');
    assert.equal(store.residentVectors(space)?.loadedBy, 'warm-up', 'the search did not read the vectors again');
    assert.deepEqual(await store.warmVectors(space), { loaded: false, vectors: store.residentVectors(space) }, 'a second warm-up has nothing to read');
    close();
  });
}

test('without a warm-up the first search reads the vectors itself (what the warm-up spares it)', () => {
  const { store, reference, space, queries, close } = fixture();
  assertCurrent(store, reference, space, queries, 'cold');
  assert.equal(store.residentVectors(space)?.loadedBy, 'search');
  close();
});

for (const storage of [{ kind: 'float32' }, { kind: 'int8' }, { kind: 'binary' }] satisfies StorageOption[]) {
  test(`${storage.kind}: writes of this connection between slices are in the vectors the warm-up leaves`, async () => {
    const { store, reference, space, insert, keepChunks, queries, close } = fixture(storage);
    const warming = store.warmVectors(space, SLICE);
    await nextTurn();
    await nextTurn();
    assert.equal(store.residentVectors(space), undefined, 'still loading');
    // Vectors removed below and above the slices read so far, and new ones (ids above every row).
    keepChunks(store, 2, (index) => index % 5 !== 0);
    insert(store, 1200, 1400);
    await nextTurn();
    keepChunks(store, 3, (index) => index % 7 !== 0);
    const warmed = await warming;
    assert.equal(warmed.vectors?.loadedBy, 'warm-up');
    assertCurrent(store, reference, space, queries, 'after writes during the warm-up');
    assert.equal(store.residentVectors(space)?.loadedBy, 'warm-up', 'and nothing was read again');
    // Another connection's write after the warm-up: the next search reads them again and finds it.
    insert(reference, 1400, 1600);
    assertCurrent(store, reference, space, queries, 'after another connection wrote');
    assert.equal(store.residentVectors(space)?.loadedBy, 'search');
    assert.equal(store.residentVectors(space)?.rows, reference.vectorCount(space));
    close();
  });
}

test("another connection's commit during a warm-up starts it again; a search between slices reads the rest and is current", async () => {
  const { store, reference, space, insert, keepChunks, queries, close } = fixture();
  const warming = store.warmVectors(space, SLICE);
  await nextTurn();
  await nextTurn();
  insert(reference, 1200, 1300);
  reference.transaction(() => keepChunks(reference, 4, (index) => index % 3 !== 0));
  await nextTurn();
  // A search in the middle of the (restarted) load finishes it: never a part of the vectors.
  assert.equal(store.residentVectors(space), undefined);
  assertCurrent(store, reference, space, queries, 'search during the warm-up');
  assert.equal(store.residentVectors(space)?.rows, reference.vectorCount(space));
  const warmed = await warming;
  assert.equal(warmed.vectors?.rows, reference.vectorCount(space));
  insert(store, 1300, 1400);
  assertCurrent(store, reference, space, queries, 'after a write of this connection');
  close();
});

test('a search between two slices reads the rest of the warm-up, not a part of the vectors', async () => {
  const { store, reference, space, queries, close } = fixture();
  const warming = store.warmVectors(space, SLICE);
  await nextTurn();
  await nextTurn();
  assert.equal(store.residentVectors(space), undefined, 'still loading');
  assertCurrent(store, reference, space, queries, 'search during the warm-up');
  assert.deepEqual([store.residentVectors(space)?.loadedBy, store.residentVectors(space)?.rows], ['warm-up', 1200], 'the search finished the slices');
  assert.equal((await warming).vectors?.rows, 1200);
  close();
});

test("a warm-up started again after another connection's commit leaves current vectors the search keeps", async () => {
  const { store, reference, space, insert, keepChunks, queries, close } = fixture();
  const warming = store.warmVectors(space, SLICE);
  await nextTurn();
  await nextTurn();
  // Removed in the slices already read, and added after them.
  reference.transaction(() => keepChunks(reference, 4, (index) => index % 3 !== 0));
  insert(reference, 1200, 1300);
  const warmed = await warming;
  assert.equal(warmed.vectors?.rows, reference.vectorCount(space));
  assertCurrent(store, reference, space, queries, 'after the warm-up');
  assert.equal(store.residentVectors(space)?.loadedBy, 'warm-up', 'read at the current version: the search read nothing');
  close();
});

test('a warm-up leaves the vectors to the first search when another connection keeps committing', async () => {
  const { store, reference, space, insert, queries, close } = fixture();
  const warming = store.warmVectors(space, SLICE);
  let done = false;
  const writer = (async () => {
    for (let from = 1200; !done && from < 1600; from += 5) {
      await nextTurn();
      insert(reference, from, from + 5);
    }
  })();
  const warmed = await warming;
  done = true;
  await writer;
  assert.deepEqual(warmed, { loaded: false, vectors: undefined }, 'it gave up');
  assertCurrent(store, reference, space, queries, 'the first search after it');
  close();
});

test('a row this connection writes with an id below the last one read (SQLite gives the largest again) starts the load again', async () => {
  const { store, reference, space, insert, keepChunks, queries, vectors, close } = fixture();
  // One slice of exactly the 1,200 rows: after the load's start and one slice it has read up to the largest id.
  const warming = store.warmVectors(space, { sliceBytes: 1200 * DIMENSIONS * 4 });
  await nextTurn();
  assert.equal(store.residentVectors(space), undefined, 'one more (empty) slice to go');
  // The three largest ids go, and the new vectors get them again.
  keepChunks(store, 6, (index) => index < 1197 || index >= 1200);
  insert(store, 1200, 1210);
  await warming;
  assertCurrent(store, reference, space, [...queries, ...vectors.slice(1200, 1210)], 'after ids given again');
  assert.equal(store.residentVectors(space)?.rows, reference.vectorCount(space));
  close();
});

test('a rollback during a warm-up leaves none of the rolled-back writes in memory', async () => {
  const { store, reference, space, insert, keepChunks, queries, close } = fixture();
  const warming = store.warmVectors(space, SLICE);
  await nextTurn();
  await nextTurn();
  assert.throws(() => store.transaction(() => {
    keepChunks(store, 5, (index) => index % 2 === 0);
    insert(store, 1200, 1300);
    throw new Error('roll back');
  }), /roll back/);
  await warming;
  assertCurrent(store, reference, space, queries, 'after a rollback during the warm-up');
  assert.equal(store.residentVectors(space)?.rows, 1200);
  close();
});

test('an aborted warm-up stops reading; searches stay correct', async () => {
  const { store, reference, space, queries, close } = fixture();
  const controller = new AbortController();
  const warming = store.warmVectors(space, { ...SLICE, signal: controller.signal });
  await nextTurn();
  controller.abort();
  await assert.rejects(warming, (error) => isAbortError(error));
  // Far more turns than the whole load takes: had it gone on, the vectors would be held by now.
  for (let turn = 0; turn < 100; turn++) await nextTurn();
  assert.equal(store.residentVectors(space), undefined, 'nothing more was read');
  await assert.rejects(store.warmVectors(space, { signal: AbortSignal.abort() }), (error) => isAbortError(error));
  assertCurrent(store, reference, space, queries, 'after the abort');
  close();
});

test('nothing to warm: no vectors in memory, a staged space, an empty space', async () => {
  const { store, space, close } = fixture();
  const unheld = IndexStore.open(store.path, { vectorsInMemory: false });
  assert.deepEqual(await unheld.warmVectors(space), { loaded: false, vectors: undefined });
  unheld.close();
  // A quantized space before its calibration is searched by sqlite-vec.
  const staged = store.ensureVectorSpace(spaceDefinition({ dimensions: DIMENSIONS, storage: { kind: 'int8' }, chunker: 'chunker-2' }));
  assert.deepEqual(await store.warmVectors(staged), { loaded: false, vectors: undefined });
  const empty = store.ensureVectorSpace(spaceDefinition({ dimensions: DIMENSIONS, chunker: 'chunker-3' }));
  const warmed = await store.warmVectors(empty);
  assert.equal(warmed.vectors?.rows, 0);
  assert.deepEqual(store.nearest(empty, clusteredVectors({ count: 1, dimensions: DIMENSIONS, seed: 63 })[0]!, 5), []);
  // A space dropped: nothing to hold, no error.
  store.dropSpace(empty.id);
  assert.deepEqual(await store.warmVectors(empty), { loaded: false, vectors: undefined });
  close();
});

test('slices by id read what a whole read gives, also when new rows filled freed slots; an id below the last read needs a new start', () => {
  const database = new Database(':memory:');
  sqliteVec.load(database);
  database.exec(`CREATE VIRTUAL TABLE f USING vec0(embedding float[${DIMENSIONS}])`);
  const vectors = clusteredVectors({ count: 3000, dimensions: DIMENSIONS, seed: 64 });
  const insert = database.prepare('INSERT INTO f (rowid, embedding) VALUES (?, ?)');
  for (let id = 1; id <= 2500; id++) insert.run(BigInt(id), Buffer.from(vectors[id - 1]!.buffer));
  // Freed slots in the last chunk are filled again by newer (larger) ids: storage order is no longer id order.
  for (let id = 2049; id <= 2500; id += 4) database.prepare('DELETE FROM f WHERE rowid = ?').run(BigInt(id));
  for (let id = 2501; id <= 2700; id++) insert.run(BigInt(id), Buffer.from(vectors[id - 1]!.buffer));
  for (let id = 5; id < 2000; id += 9) database.prepare('DELETE FROM f WHERE rowid = ?').run(BigInt(id));
  const whole: [number, string][] = [];
  assert.equal(readVec0Rows(database, 'f', DIMENSIONS * 4, (id, bytes) => whole.push([id, Buffer.from(bytes).toString('hex')])), 'shadow');
  whole.sort((a, b) => a[0] - b[0]);
  const sliced: [number, string][] = [];
  for (let after = 0; ;) {
    const read = readVec0RowsAfter(database, 'f', DIMENSIONS * 4, after, 300, (id, bytes) => {
      sliced.push([id, Buffer.from(bytes).toString('hex')]);
      after = id;
    });
    assert.ok(read !== undefined);
    if (read < 300) break;
  }
  assert.deepEqual(sliced, whole);
  // Not vec0's layout: the caller reads the table another way.
  database.exec('CREATE TABLE plain (rowid INTEGER PRIMARY KEY, embedding BLOB)');
  assert.equal(readVec0RowsAfter(database, 'plain', DIMENSIONS * 4, 0, 10, () => assert.fail('nothing is visited')), undefined);
  assert.equal(MatrixLoad.start(database, { table: 'plain', layout: 'vec0' }, 'float32', DIMENSIONS)!.step(), 'unreadable');

  const load = MatrixLoad.start(database, { table: 'f', layout: 'vec0' }, 'float32', DIMENSIONS)!;
  assert.equal(load.step(64 * DIMENSIONS * 4), 'more');
  const row = new Uint8Array(vectors[0]!.buffer);
  assert.equal(load.inserted(5000, row), true, 'above the last read: left to a later slice');
  assert.equal(load.inserted(3, row), false, 'below the last read: start again');
  database.close();
});
