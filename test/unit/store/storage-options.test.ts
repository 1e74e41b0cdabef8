import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { IndexStore, chunkContentHash, vectorSpaceId, type StorageOption, type VectorSpace } from '../../../extension/core/store/index-store.ts';
import { deriveSpace, derivationSource } from '../../../extension/core/store/derive.ts';
import { binaryCode, cosineSimilarity, hammingDistance, truncateAndNormalize } from '../../../extension/core/store/quantization.ts';
import { defaultOversampling, parseStorageKey, parseStorageOption, storageKey, storageWarnings, vectorBytesPerVector } from '../../../extension/core/store/storage-option.ts';
import { makeChunk, openTemporaryStore, spaceDefinition, temporaryDatabasePath, unitVector } from './helpers.ts';
import { clusteredVectors } from './vectors.ts';
import { isCoreError } from '../../../extension/core/errors.ts';

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'store');
const DIMENSIONS = 32;

/** A store with `count` chunks of one file, and their contents' hashes in order. */
function storeWithChunks(count: number): { store: IndexStore; hashes: string[] } {
  const store = openTemporaryStore();
  const chunks = Array.from({ length: count }, (_, index) => makeChunk({ text: `function f${index}() { return ${index}; }`, startLine: index + 1, endLine: index + 1 }));
  store.replaceFile({ path: 'src/many.ts', contentHash: 'many', size: 1, mtimeMs: 1, language: 'typescript' }, new Map([['chunker-1', chunks]]));
  return { store, hashes: chunks.map((chunk) => chunkContentHash(chunk)) };
}

function fill(store: IndexStore, space: VectorSpace, hashes: readonly string[], vectors: readonly Float32Array[]): void {
  store.insertEmbeddings(space, hashes.map((contentHash, index) => ({ contentHash, vector: vectors[index]! })));
}

/** Exact top k content hashes by cosine similarity. */
function exactTop(query: Float32Array, hashes: readonly string[], vectors: readonly Float32Array[], k: number): string[] {
  return vectors
    .map((vector, index) => ({ hash: hashes[index]!, similarity: cosineSimilarity(query, vector) }))
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, k)
    .map((entry) => entry.hash);
}

test('plain float32 keeps the ids spaces had before storage options; every other option gets its own', () => {
  const definition = spaceDefinition();
  const before = createHash('sha256').update(JSON.stringify(['model-a', 'chunker-1', 'float32'])).digest('hex').slice(0, 24);
  assert.equal(vectorSpaceId(definition), before);
  const options: StorageOption[] = [
    { kind: 'int8' },
    { kind: 'binary' },
    { kind: 'binary', rescore: 'int8' },
    { kind: 'float32', dimensions: 16 },
    { kind: 'int8', dimensions: 16 },
  ];
  const ids = new Set([before, ...options.map((storage) => vectorSpaceId({ ...definition, storage }))]);
  const store = openTemporaryStore();
  assert.equal(store.ensureVectorSpace({ ...definition, dimensions: 16, storage: { kind: 'float32', dimensions: 16 } }).id, before, 'truncating to every dimension is plain float32');
  store.close();
  assert.equal(ids.size, options.length + 1);
  assert.equal(vectorSpaceId({ ...definition, storage: { kind: 'binary', oversampling: 80 } }), vectorSpaceId({ ...definition, storage: { kind: 'binary', rescore: 'float32' } }), 'oversampling is a search setting, not identity');
  assert.equal(storageKey({ kind: 'binary', dimensions: 64 }), 'binary;rescore=float32;dimensions=64');
  assert.deepEqual(parseStorageKey('binary;rescore=int8;dimensions=64'), { kind: 'binary', rescore: 'int8', dimensions: 64 });
  assert.deepEqual(parseStorageOption('binary+int8:20', 128), { kind: 'binary', rescore: 'int8', oversampling: 20, dimensions: 128 });
  assert.deepEqual(parseStorageOption('int8'), { kind: 'int8' });
  for (const bad of ['float16', 'float32:4', 'int8+int8', 'binary:0']) assert.throws(() => parseStorageOption(bad), (error: unknown) => isCoreError(error, 'store') && error.reason === 'storage-invalid', bad);
  assert.equal(vectorBytesPerVector({ kind: 'int8' }, 384) * 4, vectorBytesPerVector({ kind: 'float32' }, 384));
  assert.deepEqual([defaultOversampling('binary', 1000), defaultOversampling('binary', 100_000), defaultOversampling('binary', 1_000_000), defaultOversampling('int8', 1_000_000)], [40, 40, 100, 10], 'the binary net widens with the space');
});

test('the released schema v3 fixture keeps its space id, which is the float32 id of today', () => {
  const databasePath = temporaryDatabasePath();
  copyFileSync(path.join(FIXTURES, 'schema-v3.db'), databasePath);
  const raw = new Database(databasePath, { readonly: true });
  const before = raw.prepare("SELECT id, storage FROM vector_spaces WHERE state = 'active'").get() as { id: string; storage: string };
  raw.close();
  const store = IndexStore.open(databasePath);
  const space = store.activeSpace()!;
  assert.equal(space.id, before.id);
  assert.equal(before.storage, 'float32');
  assert.deepEqual(space.storage, { kind: 'float32' });
  assert.equal(vectorSpaceId(space), space.id, 'recomputing the id of the old space gives the same id');
  assert.deepEqual(store.checkIntegrity(), []);
  store.close();
});

test('the schema v3 fixture gains the quantizers table; the binary space of the v4 fixture searches', () => {
  const upgraded = temporaryDatabasePath();
  copyFileSync(path.join(FIXTURES, 'schema-v3.db'), upgraded);
  IndexStore.open(upgraded).close();
  const raw = new Database(upgraded, { readonly: true });
  assert.equal((raw.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'quantizers'").get() as { n: number }).n, 1);
  raw.close();

  const databasePath = temporaryDatabasePath();
  copyFileSync(path.join(FIXTURES, 'schema-v4.db'), databasePath);
  const store = IndexStore.open(databasePath);
  assert.deepEqual(store.checkIntegrity(), []);
  const binary = store.vectorSpaces().find((space) => space.storage.kind === 'binary')!;
  assert.deepEqual(binary.storage, { kind: 'binary', rescore: 'float32' });
  assert.ok(store.quantizer(binary.id)!.thresholds);
  const [hit] = store.nearest(binary, unitVector(4, 0), 1);
  assert.equal(store.chunksByContentHash(binary.chunker, [hit!.contentHash]).get(hit!.contentHash)![0]!.symbol, 'parseHeader');
  assert.ok(hit!.similarity > 0.99);
  store.close();
});

test('truncation warns for models not trained for it, and cannot add dimensions', () => {
  assert.deepEqual(storageWarnings({ kind: 'float32' }, { id: 'm', dimensions: 384, matryoshka: false }), []);
  assert.match(storageWarnings({ kind: 'int8', dimensions: 128 }, { id: 'm', dimensions: 384, matryoshka: false })[0]!, /not trained for truncation/);
  assert.deepEqual(storageWarnings({ kind: 'float32', dimensions: 256 }, { id: 'nomic', dimensions: 768, matryoshka: true, matryoshkaDimensions: [768, 512, 256, 128, 64] }), []);
  assert.throws(() => storageWarnings({ kind: 'float32', dimensions: 512 }, { id: 'm', dimensions: 384, matryoshka: true }), (error: unknown) => isCoreError(error, 'store') && error.reason === 'storage-invalid');
  const store = openTemporaryStore();
  assert.throws(() => store.ensureVectorSpace(spaceDefinition({ storage: { kind: 'float32', dimensions: 8 } })), (error: unknown) => isCoreError(error, 'store') && error.reason === 'storage-invalid', 'more than the model has');
  store.close();
});

test('a quantized space stays float32 until calibrated, then moves every vector to codes', () => {
  const vectors = clusteredVectors({ count: 300, dimensions: DIMENSIONS, seed: 11 });
  const { store, hashes } = storeWithChunks(300);
  for (const storage of [{ kind: 'int8' }, { kind: 'binary' }, { kind: 'binary', rescore: 'int8' }] as StorageOption[]) {
    const space = store.ensureVectorSpace(spaceDefinition({ dimensions: DIMENSIONS, storage }));
    fill(store, space, hashes.slice(0, 200), vectors.slice(0, 200));
    assert.equal(store.quantizer(space.id), undefined);
    assert.ok(store.holdsFloat32(space));
    const query = vectors[250]!;
    const staged = store.nearest(space, query, 10);
    assert.deepEqual(staged.map((hit) => hit.contentHash), exactTop(query, hashes.slice(0, 200), vectors.slice(0, 200), 10), 'staged vectors are searched exactly');
    assert.equal(store.calibrateSpace(space), false, 'under the minimum nothing happens');
    assert.equal(store.calibrateSpace(space, { minimumVectors: 100 }), true);
    assert.equal(store.quantizer(space.id)!.sampleSize, 200);
    assert.equal(store.holdsFloat32(space), storage.kind === 'binary' && storage.rescore !== 'int8');
    assert.deepEqual(store.checkIntegrity(), [], `${storageKey(storage)}: no vector left staged`);
    // Later vectors go straight to codes.
    fill(store, space, hashes.slice(200), vectors.slice(200));
    assert.equal(store.vectorCount(space), 300);
    assert.deepEqual(store.checkIntegrity(), []);
    const hits = store.nearest(space, query, 10, { oversampling: 10 });
    const exact = exactTop(query, hashes, vectors, 10);
    const recall = hits.filter((hit) => exact.includes(hit.contentHash)).length / 10;
    assert.ok(recall >= 0.9, `${storageKey(storage)}: recall@10 ${recall}`);
    for (const hit of hits) {
      const vector = vectors[hashes.indexOf(hit.contentHash)]!;
      assert.ok(Math.abs(hit.similarity - cosineSimilarity(query, vector)) < (storage.kind === 'binary' && storage.rescore !== 'int8' ? 1e-5 : 0.01), 'similarities are (rescored) cosines');
    }
  }
  // Removing the chunks removes their vectors from every table of every space.
  store.deleteFiles(['src/many.ts']);
  assert.deepEqual(store.checkIntegrity(), []);
  for (const space of store.vectorSpaces()) assert.equal(store.vectorCount(space), 0);
  store.close();
});

test('the Hamming first stage equals a brute-force Hamming search, and rescoring orders its candidates exactly', () => {
  const vectors = clusteredVectors({ count: 500, dimensions: DIMENSIONS, seed: 12, clusters: 20 });
  const { store, hashes } = storeWithChunks(500);
  const space = store.ensureVectorSpace(spaceDefinition({ dimensions: DIMENSIONS, storage: { kind: 'binary' } }));
  fill(store, space, hashes, vectors);
  store.calibrateSpace(space, { minimumVectors: 1 });
  const { thresholds } = store.quantizer(space.id)!;
  const raw = new Database(store.path, { readonly: true });
  sqliteVec.load(raw);
  const hashById = new Map((raw.prepare('SELECT id, content_hash FROM embeddings WHERE space_id = ?').all(space.id) as { id: number; content_hash: string }[]).map((row) => [row.id, row.content_hash]));
  for (const queryIndex of [0, 77, 301]) {
    const query = clusteredVectors({ count: 1, dimensions: DIMENSIONS, seed: 100 + queryIndex, clusters: 20 })[0]!;
    const queryCode = binaryCode(query, thresholds!);
    const reference = hashes
      .map((hash, index) => ({ hash, distance: hammingDistance(binaryCode(vectors[index]!, thresholds!), queryCode) }))
      .sort((a, b) => a.distance - b.distance);
    const candidates = store.firstStage(space, query, 40);
    assert.deepEqual(candidates.map((candidate) => candidate.distance), reference.slice(0, 40).map((entry) => entry.distance), 'same distances, in order');
    // The codes in memory are the ones stored: sqlite-vec's own Hamming KNN on the bit[N] table agrees.
    const stored = raw.prepare(`SELECT distance FROM "${space.tableName}" WHERE embedding MATCH vec_bit(?) AND k = 40 ORDER BY distance`).all(Buffer.from(queryCode)) as { distance: number }[];
    assert.deepEqual(stored.map((row) => row.distance), reference.slice(0, 40).map((entry) => entry.distance));
    const cut = reference[39]!.distance;
    for (const candidate of candidates) {
      const hash = hashById.get(candidate.embeddingId)!;
      assert.equal(candidate.distance, reference.find((entry) => entry.hash === hash)!.distance, 'each row at its true Hamming distance');
    }
    const certain = reference.filter((entry) => entry.distance < cut).map((entry) => entry.hash);
    for (const hash of certain) assert.ok(candidates.some((candidate) => hashById.get(candidate.embeddingId) === hash), 'everything strictly nearer than the cut is there');
    // Rescoring: the top 10 of 40 candidates (oversampling 4) in exact cosine order.
    const hits = store.nearest(space, query, 10, { oversampling: 4 });
    const expected = candidates
      .map((candidate) => {
        const hash = hashById.get(candidate.embeddingId)!;
        return { hash, similarity: cosineSimilarity(query, vectors[hashes.indexOf(hash)]!) };
      })
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, 10);
    assert.deepEqual(hits.map((hit) => hit.contentHash), expected.map((entry) => entry.hash));
    for (let rank = 1; rank < hits.length; rank++) assert.ok(hits[rank - 1]!.similarity >= hits[rank]!.similarity);
  }
  raw.close();
  store.close();
});

test('binary codes in memory follow writes of this connection, of other connections, and rollbacks', () => {
  const vectors = clusteredVectors({ count: 300, dimensions: DIMENSIONS, seed: 15 });
  const { store, hashes } = storeWithChunks(300);
  const space = store.ensureVectorSpace(spaceDefinition({ dimensions: DIMENSIONS, storage: { kind: 'binary' } }));
  fill(store, space, hashes.slice(0, 100), vectors.slice(0, 100));
  store.calibrateSpace(space, { minimumVectors: 1 });
  const found = (target: IndexStore, index: number) => target.nearest(space, vectors[index]!, 1)[0]?.contentHash === hashes[index];
  assert.ok(found(store, 50));
  assert.ok(!found(store, 150), 'not stored yet');
  fill(store, space, [hashes[150]!], [vectors[150]!]);
  assert.ok(found(store, 150), 'own insert');
  const other = IndexStore.open(store.path);
  assert.ok(found(other, 150));
  fill(other, space, [hashes[200]!], [vectors[200]!]);
  assert.ok(found(store, 200), 'another connection inserted it');
  assert.throws(() => store.transaction(() => {
    fill(store, space, [hashes[250]!], [vectors[250]!]);
    assert.ok(found(store, 250), 'inside the transaction');
    throw new Error('roll back');
  }), /roll back/);
  assert.ok(!found(store, 250), 'rolled back, and forgotten in memory');
  assert.ok(found(store, 200));
  other.close();
  store.close();
});

test('another storage option is derived from the float32 vectors without embedding again', async () => {
  const vectors = clusteredVectors({ count: 400, dimensions: DIMENSIONS, seed: 13 });
  const { store, hashes } = storeWithChunks(400);
  const source = store.ensureVectorSpace(spaceDefinition({ dimensions: DIMENSIONS }), 'active');
  fill(store, source, hashes, vectors);
  const truncated = store.ensureVectorSpace(spaceDefinition({ dimensions: DIMENSIONS, storage: { kind: 'float32', dimensions: 16 } }));
  assert.equal(store.storedDimensions(truncated), 16);
  await deriveSpace(store, truncated, source, { batchSize: 150 });
  assert.equal(store.vectorCount(truncated), 400);
  const stored = store.vectorsByContentHash(truncated, [hashes[5]!]).get(hashes[5]!)!;
  assert.deepEqual([...stored], [...truncateAndNormalize(vectors[5]!, 16)], 'a truncated copy is the normalised prefix');
  const query = vectors[9]!;
  assert.deepEqual(
    store.nearest(truncated, query, 5).map((hit) => hit.contentHash),
    exactTop(truncateAndNormalize(query, 16), hashes, vectors.map((vector) => truncateAndNormalize(vector, 16)), 5),
    'a full-length query is truncated the same way',
  );

  const int8 = store.ensureVectorSpace(spaceDefinition({ dimensions: DIMENSIONS, storage: { kind: 'int8' } }));
  store.calibrateSpace(int8, { sample: store.sampleVectors(source, 1000).map((entry) => entry.vector) });
  assert.equal(store.quantizer(int8.id)!.sampleSize, 400);
  assert.equal(await deriveSpace(store, int8, source, { batchSize: 150 }), 400);
  assert.equal(await deriveSpace(store, int8, source), 0, 'a second run has nothing left to copy');
  assert.equal(store.vectorCount(int8), 400);
  assert.deepEqual(store.checkIntegrity(), []);
  const binary = store.ensureVectorSpace(spaceDefinition({ dimensions: DIMENSIONS, storage: { kind: 'binary' } }));
  assert.equal(derivationSource(store, binary)?.id, source.id, 'the full float32 space, not the truncated or int8 one');
  assert.equal(derivationSource(store, store.ensureVectorSpace(spaceDefinition({ dimensions: DIMENSIONS, storage: { kind: 'int8', dimensions: 8 } })))?.id, source.id, 'the active one among equals');
  assert.equal(derivationSource(store, store.ensureVectorSpace(spaceDefinition({ modelFingerprint: 'model-c', dimensions: DIMENSIONS }))), undefined);
  assert.throws(() => store.copyVectors(binary, int8, 10), (error: unknown) => isCoreError(error, 'store') && error.reason === 'storage-invalid', 'int8 codes are no source');
  assert.throws(() => store.copyVectors(int8, store.ensureVectorSpace(spaceDefinition({ modelFingerprint: 'model-b', dimensions: DIMENSIONS })), 10), (error: unknown) => isCoreError(error, 'store') && error.reason === 'storage-invalid', 'another model is no source');
  store.close();
});

test('int8 spaces take about a quarter of the bytes of float32 ones', async () => {
  const dimensions = 384;
  const vectors = clusteredVectors({ count: 2048, dimensions, seed: 14 });
  const { store, hashes } = storeWithChunks(2048);
  const float32 = store.ensureVectorSpace(spaceDefinition({ dimensions }), 'active');
  fill(store, float32, hashes, vectors);
  const int8 = store.ensureVectorSpace(spaceDefinition({ dimensions, storage: { kind: 'int8' } }));
  store.calibrateSpace(int8, { sample: vectors });
  await deriveSpace(store, int8, float32);
  const ratio = store.spaceBytes(int8) / store.spaceBytes(float32);
  assert.ok(ratio > 0.2 && ratio < 0.3, `int8 / float32 bytes ${ratio.toFixed(3)}`);
  store.close();
});
