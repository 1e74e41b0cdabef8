// An index written before relations existed (or with an older RELATIONS_VERSION) gets them on the next run by
// chunking its files again: nothing is embedded again, since the chunks' text and so their vectors are the same.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import { offlineModel } from '../../helpers/models.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';
import { writeCorpus } from './corpus.ts';

test('chunk sets with older relations are chunked again on the next run, embedding nothing', async () => {
  const root = writeCorpus();
  const databasePath = temporaryDatabasePath();
  const open = () => FolderIndex.open({ root, databasePath, modelDirectory: offlineModel('glove-100d'), quantization: 'fp32', device: 'cpu', threads: 1 });
  let index = await open();
  let vectors: number;
  try {
    const first = await index.index();
    assert.ok(first.chunksEmbedded > 0);
    vectors = index.status().spaces[0]!.vectors;
    assert.ok([...index.store.files().values()].every((file) => file.relationsVersions.get(index.chunker.fingerprint) === index.chunker.relationsVersion));
    const definers = index.store.definitionsOf(index.chunker.fingerprint, 'loadConfiguration');
    assert.deepEqual(definers.map((match) => match.chunk.path), ['src/files.ts']);
  } finally {
    await index.close();
  }

  // As an index from before relations: no names, chunk sets at relations version 0.
  const raw = new Database(databasePath);
  raw.exec('DELETE FROM chunk_symbols; UPDATE file_chunkings SET relations = 0;');
  raw.close();

  index = await open();
  try {
    assert.deepEqual(index.store.definitionsOf(index.chunker.fingerprint, 'loadConfiguration'), []);
    const again = await index.index();
    assert.equal(again.filesIndexed, 5, 'every file is chunked again');
    assert.equal(again.chunksEmbedded, 0, 'and nothing is embedded again');
    assert.equal(index.status().spaces[0]!.vectors, vectors, 'every vector is kept');
    assert.deepEqual(index.store.definitionsOf(index.chunker.fingerprint, 'loadConfiguration').map((match) => match.chunk.path), ['src/files.ts']);
    assert.equal(index.status().activeSpace!.complete, true);
    assert.deepEqual(index.store.checkIntegrity(), []);
    const third = await index.index();
    assert.equal(third.filesIndexed, 0, 'once current, the files are unchanged again');
  } finally {
    await index.close();
  }
});
