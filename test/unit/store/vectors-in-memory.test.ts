// The vectors held in memory for searches (vector-matrix.ts, vec0-rows.ts, space-vectors.ts) against sqlite-vec
// reading them from the database, which is what every search did before: same neighbours, same order, the same
// similarities within float32 rounding, for every storage option, and still after writes of this connection,
// writes of another connection and a rollback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { IndexStore, chunkContentHash, type StorageOption, type VectorSpace } from '../../../extension/core/store/index-store.ts';
import { cosineSimilarity } from '../../../extension/core/store/quantization.ts';
import { readVec0Rows } from '../../../extension/core/store/vec0-rows.ts';
import { loadMatrix, VectorMatrix } from '../../../extension/core/store/vector-matrix.ts';
import { makeChunk, spaceDefinition, temporaryDatabasePath } from './helpers.ts';
import { clusteredVectors, seededRandom } from './vectors.ts';

const DIMENSIONS = 40; // not a multiple of 8 or 16: the rows' padding must not count

function float32Row(vector: Float32Array): Uint8Array {
  return new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
}

test('the cosine scan equals brute force through removals and compaction, with the WebAssembly and the JavaScript scans', () => {
  const vectors = clusteredVectors({ count: 3000, dimensions: DIMENSIONS, seed: 41 });
  const next = seededRandom(42);
  // Some exact duplicates: equal similarities come back in id order.
  for (let index = 100; index < 110; index++) vectors[index] = vectors[5]!;
  for (const simd of [true, false]) {
    const matrix = new VectorMatrix('float32', DIMENSIONS, 16, { simd });
    const live = new Map<number, Float32Array>();
    vectors.forEach((vector, index) => {
      assert.ok(matrix.add(index * 2 + 1, float32Row(vector)));
      live.set(index * 2 + 1, vector);
    });
    // More than a quarter removed: the matrix compacts itself.
    for (let index = 0; index < 3000; index += 2 + Math.floor(next() * 2)) {
      assert.ok(matrix.remove(index * 2 + 1));
      live.delete(index * 2 + 1);
    }
    assert.equal(matrix.remove(1), false, 'already removed');
    assert.equal(matrix.size, live.size);
    for (const query of [vectors[5]!, vectors[77]!, clusteredVectors({ count: 1, dimensions: DIMENSIONS, seed: 43 })[0]!]) {
      const expected = [...live].map(([id, vector]) => ({ id, similarity: cosineSimilarity(query, vector) })).sort((a, b) => b.similarity - a.similarity || a.id - b.id);
      for (const k of [1, 10, 250]) {
        const found = matrix.nearestByCosine(query, k);
        assert.deepEqual(found.map((row) => row.id), expected.slice(0, k).map((row) => row.id), `simd ${simd}, k ${k}`);
        found.forEach((row, index) => assert.ok(Math.abs(row.similarity - expected[index]!.similarity) < 1e-6));
      }
    }
    assert.equal(matrix.nearestByCosine(vectors[0]!, 100_000).length, live.size, 'asking for more than there are returns all');
    // Rescoring candidates (a binary space's float32 rescoring vectors): the very numbers cosineSimilarity gives.
    const ids = [...live.keys()].slice(0, 200);
    const query = vectors[9]!;
    assert.deepEqual([...matrix.cosines(query, [...ids, 2])], [...ids.map((id) => cosineSimilarity(query, live.get(id)!)), Number.NaN], 'NaN for an id not held');
  }
});

test('the int8 distance scan equals brute force, equal distances in id order', () => {
  const next = seededRandom(44);
  const codes = Array.from({ length: 2000 }, () => Int8Array.from({ length: DIMENSIONS }, () => Math.round(next() * 254) - 127));
  for (let index = 50; index < 60; index++) codes[index] = codes[3]!;
  const query = codes[3]!;
  const squared = (a: Int8Array, b: Int8Array) => a.reduce((sum, value, index) => sum + (value - b[index]!) ** 2, 0);
  const scans = [true, false].map((simd) => {
    const matrix = new VectorMatrix('int8', DIMENSIONS, 16, { simd });
    codes.forEach((code, index) => matrix.add(index + 1, new Uint8Array(code.buffer)));
    for (let index = 0; index < 2000; index += 7) matrix.remove(index + 1);
    return matrix;
  });
  const expected = codes
    .map((code, index) => ({ id: index + 1, distance: Math.fround(Math.sqrt(squared(code, query))) }))
    .filter((row) => (row.id - 1) % 7 !== 0)
    .sort((a, b) => a.distance - b.distance || a.id - b.id);
  for (const matrix of scans) {
    const found = matrix.nearestByDistance(query, 300);
    assert.deepEqual(found.map(({ id, distance }) => ({ id, distance })), expected.slice(0, 300));
    assert.deepEqual([...new Int8Array(found[0]!.codes.buffer, found[0]!.codes.byteOffset, DIMENSIONS)], [...codes[found[0]!.id - 1]!], 'each neighbour comes with its codes');
  }
});

test('vec0 rows read from the shadow tables equal the rows read through the virtual table, deletions included', () => {
  const database = new Database(':memory:');
  sqliteVec.load(database);
  const vectors = clusteredVectors({ count: 2500, dimensions: DIMENSIONS, seed: 45 });
  database.exec(`CREATE VIRTUAL TABLE f USING vec0(embedding float[${DIMENSIONS}]); CREATE VIRTUAL TABLE q USING vec0(embedding int8[${DIMENSIONS}])`);
  const insertFloat = database.prepare('INSERT INTO f (rowid, embedding) VALUES (?, ?)');
  const insertInt8 = database.prepare('INSERT INTO q (rowid, embedding) VALUES (?, vec_int8(?))');
  vectors.forEach((vector, index) => {
    insertFloat.run(BigInt(index + 10), Buffer.from(vector.buffer));
    insertInt8.run(BigInt(index + 10), Buffer.from(Int8Array.from(vector, (value) => Math.round(value * 100)).buffer));
  });
  for (let id = 10; id < 2510; id += 3) {
    database.prepare('DELETE FROM f WHERE rowid = ?').run(BigInt(id));
    database.prepare('DELETE FROM q WHERE rowid = ?').run(BigInt(id));
  }
  for (const [table, rowBytes] of [['f', DIMENSIONS * 4], ['q', DIMENSIONS]] as const) {
    const shadow: [number, string][] = [];
    assert.equal(readVec0Rows(database, table, rowBytes, (id, bytes) => shadow.push([id, Buffer.from(bytes).toString('hex')])), 'shadow');
    const virtual = (database.prepare(`SELECT rowid AS id, embedding FROM ${table}`).all() as { id: number; embedding: Buffer }[]).map((row): [number, string] => [row.id, row.embedding.toString('hex')]);
    assert.equal(shadow.length, 2500 - 834);
    assert.deepEqual(shadow, virtual, table);
  }
  // A table whose layout is not vec0's shadow tables is read row by row.
  database.exec('CREATE TABLE plain (rowid INTEGER PRIMARY KEY, embedding BLOB)');
  database.prepare('INSERT INTO plain VALUES (7, ?)').run(Buffer.from(vectors[0]!.buffer));
  const plain: number[] = [];
  assert.equal(readVec0Rows(database, 'plain', DIMENSIONS * 4, (id) => plain.push(id)), 'virtual');
  assert.deepEqual(plain, [7]);
  database.close();
});

const OPTIONS: StorageOption[] = [
  { kind: 'float32' },
  { kind: 'float32', dimensions: 16 },
  { kind: 'int8' },
  { kind: 'int8', dimensions: 16 },
  { kind: 'binary' },
  { kind: 'binary', rescore: 'int8' },
];

/** Neighbours as a comparable list: content hashes in order, similarities rounded to float32 noise. */
function neighbours(store: IndexStore, space: VectorSpace, query: Float32Array, k: number) {
  return store.nearest(space, query, k).map((hit) => ({ contentHash: hit.contentHash, similarity: hit.similarity }));
}

function assertSameNeighbours(inMemory: IndexStore, fromDatabase: IndexStore, space: VectorSpace, queries: readonly Float32Array[], what: string): void {
  for (const [index, query] of queries.entries()) {
    for (const k of [1, 10, 60]) {
      const held = neighbours(inMemory, space, query, k);
      const read = neighbours(fromDatabase, space, query, k);
      assert.deepEqual(held.map((hit) => hit.contentHash), read.map((hit) => hit.contentHash), `${what}: query ${index}, k ${k}`);
      held.forEach((hit, position) => assert.ok(Math.abs(hit.similarity - read[position]!.similarity) < 1e-6, `${what}: similarity ${hit.similarity} vs ${read[position]!.similarity}`));
    }
  }
}

for (const storage of OPTIONS) {
  test(`${JSON.stringify(storage)}: searches from memory equal sqlite-vec's, after writes here, writes elsewhere and a rollback`, () => {
    const count = 1600;
    const vectors = clusteredVectors({ count, dimensions: DIMENSIONS, seed: 46 });
    const chunks = Array.from({ length: count }, (_, index) => makeChunk({ text: `function f${index}() { return ${index}; }`, startLine: index + 1, endLine: index + 1 }));
    const hashes = chunks.map((chunk) => chunkContentHash(chunk));
    const databasePath = temporaryDatabasePath();
    const store = IndexStore.open(databasePath);
    // The same database read the way searches read it before: sqlite-vec's KNN over the stored vectors.
    const reference = IndexStore.open(databasePath, { vectorsInMemory: false });
    store.replaceFile({ path: 'src/many.ts', contentHash: 'many', size: 1, mtimeMs: 1, language: 'typescript' }, new Map([['chunker-1', chunks]]));
    const space = store.ensureVectorSpace(spaceDefinition({ dimensions: DIMENSIONS, storage }), 'active');
    const insert = (target: IndexStore, from: number, to: number) => target.insertEmbeddings(space, hashes.slice(from, to).map((contentHash, index) => ({ contentHash, vector: vectors[from + index]! })));
    insert(store, 0, 1200);
    store.calibrateSpace(space, { minimumVectors: 1 });
    const queries = [vectors[3]!, vectors[1300]!, ...clusteredVectors({ count: 3, dimensions: DIMENSIONS, seed: 47 })];
    assertSameNeighbours(store, reference, space, queries, 'first search');
    assert.ok(store.residentVectors(space), 'searched from memory (a binary space: its rescoring vectors)');

    // This connection's writes: new vectors, and a file changed so that some chunks and their vectors go.
    insert(store, 1200, 1400);
    store.replaceFile({ path: 'src/many.ts', contentHash: 'many-2', size: 1, mtimeMs: 2, language: 'typescript' }, new Map([['chunker-1', chunks.filter((_, index) => index % 5 !== 0)]]));
    assertSameNeighbours(store, reference, space, queries, 'after writes of this connection');

    // Another connection's writes: the vectors in memory are read again.
    insert(reference, 1400, 1600);
    reference.replaceFile({ path: 'src/many.ts', contentHash: 'many-3', size: 1, mtimeMs: 3, language: 'typescript' }, new Map([['chunker-1', chunks.filter((_, index) => index % 7 !== 0)]]));
    assertSameNeighbours(store, reference, space, [...queries, vectors[1500]!], 'after writes of another connection');

    // A rolled-back transaction leaves nothing behind in memory.
    assert.throws(() => store.transaction(() => {
      store.deleteFiles(['src/many.ts']);
      assert.equal(store.nearest(space, vectors[3]!, 5).length, 0, 'inside the transaction the vectors are gone');
      throw new Error('roll back');
    }), /roll back/);
    assertSameNeighbours(store, reference, space, queries, 'after a rollback');
    assert.deepEqual(store.checkIntegrity(), []);
    reference.close();
    store.close();
  });
}

test('one space of a connection holds its vectors in memory at a time', () => {
  const vectors = clusteredVectors({ count: 50, dimensions: DIMENSIONS, seed: 48 });
  const chunks = vectors.map((_, index) => makeChunk({ text: `const v${index} = ${index};`, startLine: index + 1, endLine: index + 1 }));
  const store = IndexStore.open(temporaryDatabasePath());
  store.replaceFile({ path: 'src/v.ts', contentHash: 'v', size: 1, mtimeMs: 1, language: 'typescript' }, new Map([['chunker-1', chunks]]));
  const spaces = [store.ensureVectorSpace(spaceDefinition({ dimensions: DIMENSIONS })), store.ensureVectorSpace(spaceDefinition({ dimensions: DIMENSIONS, storage: { kind: 'float32', dimensions: 16 } }))];
  for (const space of spaces) store.insertEmbeddings(space, chunks.map((chunk, index) => ({ contentHash: chunkContentHash(chunk), vector: vectors[index]! })));
  store.nearest(spaces[0]!, vectors[0]!, 3);
  assert.equal(store.residentVectors(spaces[0]!)?.rows, 50);
  store.nearest(spaces[1]!, vectors[0]!, 3);
  assert.equal(store.residentVectors(spaces[0]!), undefined, 'the first space let go of its vectors');
  assert.equal(store.residentVectors(spaces[1]!)?.rows, 50);
  store.close();
});

test('vectors too large to hold are not loaded, and a matrix refuses to grow past its limit', () => {
  const database = new Database(':memory:');
  sqliteVec.load(database);
  database.exec(`CREATE VIRTUAL TABLE f USING vec0(embedding float[${DIMENSIONS}])`);
  const insert = database.prepare('INSERT INTO f (rowid, embedding) VALUES (?, ?)');
  clusteredVectors({ count: 100, dimensions: DIMENSIONS, seed: 49 }).forEach((vector, index) => insert.run(BigInt(index + 1), Buffer.from(vector.buffer)));
  const fits = VectorMatrix.memoryBytes('float32', DIMENSIONS, 1024);
  assert.equal(loadMatrix(database, { table: 'f', layout: 'vec0' }, 'float32', DIMENSIONS, undefined, fits)?.matrix.size, 100);
  assert.equal(loadMatrix(database, { table: 'f', layout: 'vec0' }, 'float32', DIMENSIONS, undefined, fits - 1), undefined);
  const matrix = new VectorMatrix('float32', DIMENSIONS, 16, { byteLimit: VectorMatrix.memoryBytes('float32', DIMENSIONS, 16) });
  const row = float32Row(clusteredVectors({ count: 1, dimensions: DIMENSIONS, seed: 50 })[0]!);
  for (let id = 1; id <= 16; id++) assert.ok(matrix.add(id, row));
  assert.throws(() => matrix.add(17, row), RangeError);
  assert.equal(matrix.size, 16, 'nothing half added');
  database.close();
});
