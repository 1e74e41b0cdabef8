import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import { Indexer, type Embedder } from '../../../extension/core/indexing/indexer.ts';
import { cosineSimilarity } from '../../../extension/core/store/quantization.ts';
import type { StorageOption } from '../../../extension/core/store/storage-option.ts';
import { offlineModel } from '../../helpers/models.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';
import { writeGeneratedCorpus } from './corpus.ts';

function openIndex(root: string, options: { storage?: StorageOption; log?: (level: 'info' | 'warn', message: string) => void } = {}) {
  return FolderIndex.open({ root, databasePath: temporaryDatabasePath(), modelDirectory: offlineModel('glove-100d'), quantization: 'fp32', device: 'cpu', threads: 1, ...options });
}

/** The index's model, counting the texts it embeds. */
function countingEmbedder(index: FolderIndex): Embedder & { texts: number } {
  const counting = {
    texts: 0,
    info: index.runtime.info,
    embed: (texts: readonly string[], purpose: 'query' | 'document', signal?: AbortSignal) => {
      counting.texts += texts.length;
      return index.runtime.embed(texts, purpose, signal);
    },
  };
  return counting;
}

function indexerFor(index: FolderIndex, embedder: Embedder, storage: StorageOption): Indexer {
  return new Indexer({ root: index.root, store: index.store, embedder, chunker: index.chunker, storage, calibrationMinimum: 10 });
}

describe('storage options', () => {
  test('changing the storage to binary is a migration that converts the float32 vectors without embedding them', async () => {
    const root = writeGeneratedCorpus(12);
    const index = await openIndex(root);
    try {
      const first = await index.index();
      const float32 = first.space;
      assert.ok(first.chunksEmbedded >= 48);
      const embedder = countingEmbedder(index);
      const binary = indexerFor(index, embedder, { kind: 'binary', oversampling: 8 });
      const result = await binary.indexAll();
      assert.equal(result.vectorsDerived, index.store.vectorCount(float32));
      assert.equal(result.chunksEmbedded, 0);
      assert.equal(embedder.texts, 0, 'nothing was embedded');
      assert.equal(result.activated, true, 'complete at once, so it cut over');
      const active = index.store.activeSpace()!;
      assert.deepEqual(active.storage, { kind: 'binary', rescore: 'float32' });
      assert.notEqual(active.id, float32.id);
      assert.ok(index.store.quantizer(active.id), 'calibrated on the float32 vectors');
      assert.equal(index.store.oversampling(active.id), 8);
      assert.equal(index.store.vectorSpace(float32.id).state, 'retired', 'the float32 space is kept for rollback');
      assert.deepEqual(index.store.checkIntegrity(), []);

      // Search reads the binary space; its similarities are exact cosines of the float32 vectors.
      const response = await index.search('validate the invoice number 3-1', { k: 5, mode: 'dense' });
      assert.equal(response.spaces[0]!.id, active.id);
      assert.ok(response.hits.length > 0);
      const [queryVector] = (await index.runtime.embed(['validate the invoice number 3-1'], 'query')).vectors;
      for (const hit of response.hits) {
        const [chunk] = index.store.chunksById([hit.chunkIds[0]!]).values();
        const stored = index.store.vectorsByContentHash(float32, [chunk!.contentHash]).get(chunk!.contentHash)!;
        assert.ok(Math.abs(hit.scores.dense! - cosineSimilarity(queryVector!, stored)) < 1e-5, 'rescored from float32');
      }

      // Incremental updates write codes straight away.
      writeFileSync(path.join(root, 'src/extra.ts'), '/** Reverses the words of a sentence. */\nexport function reverseWords(sentence: string): string {\n  return sentence.split(" ").reverse().join(" ");\n}\n');
      const update = await binary.updatePaths(['src/extra.ts']);
      assert.equal(update.chunksEmbedded, 1);
      assert.deepEqual(index.store.checkIntegrity(), [], 'nothing left staged');
      const similar = index.searcher.similarToVector((await index.runtime.embed(['reverse the words of a sentence'], 'query')).vectors[0]!, 3);
      assert.equal(similar[0]!.chunk.path, 'src/extra.ts');

      // Back to float32: the retired space gets the one vector it missed from the binary space's float32 copies.
      const back = await indexerFor(index, embedder, { kind: 'float32' }).indexAll();
      assert.equal(back.space.id, float32.id);
      assert.equal(back.vectorsDerived, 1);
      assert.equal(back.chunksEmbedded, 0);
      assert.equal(embedder.texts, 1, 'only the new function was ever embedded');
      assert.equal(index.store.activeSpace()!.id, float32.id);
    } finally {
      await index.close();
    }
  });

  test('a folder indexed straight into int8 stays float32 until the run ends, then calibrates on all of it', async () => {
    const root = writeGeneratedCorpus(6);
    const index = await openIndex(root);
    try {
      const int8 = indexerFor(index, index.runtime, { kind: 'int8' });
      const result = await int8.indexAll();
      assert.ok(result.chunksEmbedded > 10);
      assert.equal(result.vectorsDerived, 0);
      const space = index.store.activeSpace()!;
      assert.equal(space.storage.kind, 'int8');
      assert.equal(index.store.quantizer(space.id)!.sampleSize, index.store.vectorCount(space));
      assert.equal(index.store.holdsFloat32(space), false);
      assert.deepEqual(index.store.checkIntegrity(), []);
      // The same top results as a float32 index of the folder.
      const reference = await openIndex(root);
      try {
        await reference.index();
        const query = 'compress the image number 2-2';
        const key = (hit: { path: string; startLine: number }) => `${hit.path}:${hit.startLine}`;
        const exact = (await reference.search(query, { k: 5, mode: 'dense' })).hits.map(key);
        const found = (await index.search(query, { k: 5, mode: 'dense' })).hits.map(key);
        assert.ok(found.filter((hit) => exact.includes(hit)).length >= 4, `${found} vs ${exact}`);
      } finally {
        await reference.close();
      }
      // An int8 space keeps no float32 vectors: another option must embed again.
      const binary = await indexerFor(index, index.runtime, { kind: 'binary' }).indexAll();
      assert.equal(binary.vectorsDerived, 0);
      assert.equal(binary.chunksEmbedded, result.chunksEmbedded);
    } finally {
      await index.close();
    }
  });

  test('FolderIndex.open warns when truncating a model not trained for it, and refuses more dimensions than it has', async () => {
    const root = writeGeneratedCorpus(2);
    const warnings: string[] = [];
    const index = await openIndex(root, { storage: { kind: 'float32', dimensions: 64 }, log: (level, message) => level === 'warn' && warnings.push(message) });
    try {
      assert.ok(warnings.some((message) => /not trained for truncation/.test(message)));
      const result = await index.index();
      assert.deepEqual(result.space.storage, { kind: 'float32', dimensions: 64 });
      assert.equal(index.store.storedDimensions(result.space), 64);
      const response = await index.search('parse the header', { k: 3, mode: 'dense' });
      assert.ok(response.hits.length > 0);
    } finally {
      await index.close();
    }
    await assert.rejects(openIndex(root, { storage: { kind: 'float32', dimensions: 512 } }), /cannot be truncated to 512/);
  });
});
