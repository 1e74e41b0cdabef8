// Memory stays bounded on a large workspace (issue 8, deliverable 7): bench/load.ts measures it at
// 200,000 files; these tests guard the two bounds that measure rests on, with counters instead of
// RSS so a busy machine cannot make them flake.
// - Chunk contents waiting for a vector are capped however far the embedder falls behind: the indexer
//   stops chunking until the embedder catches up (back-pressure), instead of holding every chunk.
// - No run reads every stored file into memory at once (a 200,000-file index would take hundreds of
//   megabytes): change detection looks files up one at a time.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { Chunk, Chunker } from '../../../extension/core/chunking/types.ts';
import { Indexer, type Embedder } from '../../../extension/core/indexing/indexer.ts';
import { IndexStore } from '../../../extension/core/store/index-store.ts';
import { writeSyntheticWorkspace } from '../../../bench/load-workspace.ts';
import { makeChunk, temporaryDatabasePath } from '../store/helpers.ts';

const FILES = 2_000;
const BATCH_SIZE = 16;
const DIMENSIONS = 8;

/** Chunks a file by its blank-line paragraphs (no tree-sitter: this test is about the pipeline, not the chunker). */
class ParagraphChunker implements Chunker {
  readonly fingerprint = 'paragraphs-1';
  readonly relationsVersion = 0;
  readonly queueDepth: number;
  /** Files chunked so far. */
  calls = 0;

  /** With a `queueDepth` above 1 it answers a turn of the event loop later, as a chunker on another thread would. */
  constructor(queueDepth = 1) {
    this.queueDepth = queueDepth;
  }

  async chunkFile(filePath: string, text: string): Promise<Chunk[]> {
    if (this.queueDepth > 1) await new Promise((resolve) => setImmediate(resolve));
    this.calls += 1;
    const chunks: Chunk[] = [];
    let line = 1;
    for (const paragraph of text.split(/\n\s*\n/)) {
      const lines = paragraph.split('\n').length;
      if (paragraph.trim() !== '') chunks.push(makeChunk({ path: filePath, text: paragraph, startLine: line, endLine: line + lines - 1 }));
      line += lines + 1;
    }
    return chunks;
  }

  dispose(): void {}
}

/**
 * An embedder far slower than chunking: each request waits until the indexer has stopped chunking
 * (it is held back, or every file is done), and before answering notes how many contents still wait
 * for a vector. Vectors come from a hash of the text, so they are deterministic.
 */
class LaggingEmbedder implements Embedder {
  readonly info: Embedder['info'] = {
    fingerprint: 'lagging-model',
    manifest: {
      schemaVersion: 1,
      id: 'lagging',
      displayName: 'Lagging test model',
      dimensions: DIMENSIONS,
      pooling: 'mean',
      normalize: true,
      maxTokens: 512,
      queryPrefix: '',
      documentPrefix: '',
      output: 'last_hidden_state',
      matryoshka: false,
    },
    quantization: 'fp32',
    fileHashes: {},
    modelDirectory: '/nowhere/lagging',
  };
  /** The most chunk contents without a vector seen at any request. */
  largestBacklog = 0;
  private readonly chunker: ParagraphChunker;
  private readonly backlog: () => number;

  constructor(chunker: ParagraphChunker, backlog: () => number) {
    this.chunker = chunker;
    this.backlog = backlog;
  }

  async embed(texts: readonly string[]) {
    // Chunking has stopped once no file was chunked for a while; waiting longer only slows the test.
    let seen = -1;
    while (seen !== this.chunker.calls) {
      seen = this.chunker.calls;
      await sleep(20);
    }
    this.largestBacklog = Math.max(this.largestBacklog, this.backlog());
    return {
      vectors: texts.map((text) => {
        const bytes = createHash('sha256').update(text).digest();
        return Float32Array.from({ length: DIMENSIONS }, (_, index) => bytes[index]! / 255 - 0.5);
      }),
      truncations: [],
    };
  }
}

describe('indexing a large workspace keeps memory bounded', () => {
  let root: string;
  let outerStore: IndexStore;
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'semsearch-load-'));
    writeSyntheticWorkspace(root, { files: FILES, seed: 7 });
    outerStore = IndexStore.open(temporaryDatabasePath());
  });
  after(() => {
    outerStore.close();
    rmSync(root, { recursive: true, force: true });
  });

  // The second time with files handed to the chunker 32 at a time (as to the chunking thread), into a new store.
  for (const queueDepth of [1, 32]) {
    test(`contents waiting for a vector stay under a fixed bound however far the embedder falls behind (chunker queue ${queueDepth})`, async () => {
      const chunker = new ParagraphChunker(queueDepth);
      const store = queueDepth === 1 ? outerStore : IndexStore.open(temporaryDatabasePath());
      let indexer: Indexer | undefined;
      const embedder = new LaggingEmbedder(chunker, () => store.countMissingEmbeddings(indexer!.targetSpace()));
      indexer = new Indexer({ root, store, embedder, chunker, embeddingBatchSize: BATCH_SIZE });
      const result = await indexer.indexAll();

      assert.equal(result.filesIndexed, FILES + 1, 'every source file and the .gitignore');
      assert.deepEqual(result.failures, []);
      assert.equal(store.countMissingEmbeddings(result.space), 0, 'everything is embedded in the end');
      assert.ok(result.chunksEmbedded > BATCH_SIZE * 100, `enough contents (${result.chunksEmbedded}) to overflow any small queue`);
      // The indexer queues at most 8 batches before it waits; on top of those come the batches in flight
      // and the chunks of the file that filled the queue. Without the wait it would be every content.
      const bound = BATCH_SIZE * 12;
      assert.ok(embedder.largestBacklog <= bound, `at most ${bound} contents wait for a vector, saw ${embedder.largestBacklog}`);
      // The embedder did fall behind, or the bound proves nothing.
      assert.ok(embedder.largestBacklog >= BATCH_SIZE * 8, `the queue filled up (largest backlog ${embedder.largestBacklog})`);
      if (store !== outerStore) store.close();
    });
  }

  test('no run reads every stored file into memory: unchanged files, edits and deletions are looked up one by one', async () => {
    const store = outerStore;
    const chunker = new ParagraphChunker();
    const embedder = new LaggingEmbedder(chunker, () => 0);
    const indexer = new Indexer({ root, store, embedder, chunker, embeddingBatchSize: BATCH_SIZE });
    const files = store.files.bind(store);
    let wholeIndexReads = 0;
    store.files = () => {
      wholeIndexReads += 1;
      return files();
    };
    try {
      const unchanged = await indexer.indexAll();
      assert.equal(unchanged.filesUnchanged, FILES + 1);
      assert.equal(unchanged.filesIndexed, 0);

      const [edited, deleted] = [...files().keys()].filter((file) => file.endsWith('.ts')).slice(0, 2);
      writeFileSync(path.join(root, edited!), '/** Retries a request with exponential backoff. */\nexport function retryWithBackoff() {}\n');
      rmSync(path.join(root, deleted!));
      const update = await indexer.updatePaths([edited!, deleted!, 'packages/p0/src/m1']);
      assert.equal(update.filesIndexed, 1);
      assert.equal(update.filesRemoved, 1);
      assert.equal(store.fileLookup().get(deleted!), undefined);
      assert.equal(chunker.calls, 1, 'only the edited file was chunked');
      assert.equal(wholeIndexReads, 0, 'store.files() holds every file at once: a 200,000-file index would take hundreds of megabytes');
    } finally {
      store.files = files;
    }
  });
});
