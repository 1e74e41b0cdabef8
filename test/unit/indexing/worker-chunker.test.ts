// Chunking in a worker thread (issue 18): the same chunks as on the calling thread, cancellation, typed
// errors across the thread, and the fallback to the calling thread when the worker cannot start or dies.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createChunker } from '../../../extension/core/chunking/chunker.ts';
import type { Chunk, Chunker } from '../../../extension/core/chunking/types.ts';
import { Indexer } from '../../../extension/core/indexing/indexer.ts';
import { IndexStore } from '../../../extension/core/store/index-store.ts';
import { ModelTokenizer } from '../../../extension/core/embedding/tokenization.ts';
import { isCoreError } from '../../../extension/core/errors.ts';
import { chunkSizeCounter, WorkerChunker, type WorkerChunkerOptions } from '../../../extension/core/indexing/worker-chunker.ts';
import { loadManifest } from '../../../extension/core/model/manifest.ts';
import { offlineModel } from '../../helpers/models.ts';
import { hashRuntime, writeHashModelFolder } from '../reliability/hash-embedder.ts';
import { makeChunk, temporaryDatabasePath } from '../store/helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
/** This repository's own files: TypeScript, Markdown, JSON, shell; large and small. */
const FILES = [
  'extension/core/indexing/index-run.ts',
  'extension/core/chunking/split.ts',
  'extension/core/embedding/README.md',
  'README.md',
  'package.json',
  'scripts/setup.sh',
  'test/unit/indexing/worker-chunker.test.ts',
].map((file) => ({ path: file, text: readFileSync(path.join(ROOT, file), 'utf8') }));

function options(modelDirectory: string, extra: Partial<WorkerChunkerOptions> = {}): WorkerChunkerOptions {
  const { manifest } = loadManifest(modelDirectory);
  return {
    chunker: { maxTokens: manifest.maxTokens, overlapTokens: 16 },
    tokenizer: { modelDirectory, settings: { maxTokens: manifest.maxTokens, queryPrefix: manifest.queryPrefix, documentPrefix: manifest.documentPrefix }, direct: true },
    ...extra,
  };
}

describe('chunking in a worker thread', () => {
  const modelDirectory = offlineModel('use-lite');

  test('gives the chunks, relations included, that the same chunker gives on this thread', async () => {
    const settings = options(modelDirectory);
    const local = createChunker({ ...settings.chunker, countTokens: chunkSizeCounter(ModelTokenizer.load(modelDirectory, settings.tokenizer.settings)) });
    const warnings: string[] = [];
    const worker = new WorkerChunker({ ...settings, logger: { warn: (message) => warnings.push(message) } });
    try {
      assert.equal(worker.fingerprint, local.fingerprint);
      assert.ok(worker.queueDepth > 1);
      // All at once, as the indexer hands them over: each answer goes to its own file.
      const fromWorker = await Promise.all(FILES.map((file) => worker.chunkFile(file.path, file.text)));
      for (const [index, file] of FILES.entries()) {
        const expected = await local.chunkFile(file.path, file.text);
        assert.ok(expected.length > 0, file.path);
        assert.deepEqual(fromWorker[index], expected, file.path);
      }
      assert.ok(fromWorker.flat().some((chunk) => chunk.relations.calls.length > 0), 'relations cross the thread');
      assert.deepEqual(warnings, []);
    } finally {
      worker.dispose();
      local.dispose();
    }
  });

  test('a chunking error keeps its kind and reason across the thread; a cancelled file rejects with AbortError', async () => {
    const worker = new WorkerChunker({ ...options(modelDirectory), chunker: { maxTokens: 32, overlapTokens: 0 } });
    try {
      const longPath = `${'deeply/nested/folder/'.repeat(20)}file.ts`;
      await assert.rejects(worker.chunkFile(longPath, 'export const x = 1;\n'), (error) => isCoreError(error, 'chunking') && error.reason === 'window-too-small');
      const controller = new AbortController();
      const pending = worker.chunkFile(FILES[0]!.path, FILES[0]!.text, controller.signal);
      controller.abort();
      await assert.rejects(pending, { name: 'AbortError' });
      // The thread goes on with the next file.
      assert.ok((await worker.chunkFile('small.ts', 'export function f() {\n  return 1;\n}\n')).length > 0);
    } finally {
      worker.dispose();
    }
    await assert.rejects(worker.chunkFile('small.ts', 'x'), (error) => isCoreError(error, 'chunking') && error.reason === 'disposed');
  });

  test('an idle thread stops, giving its memory back, and the next file starts a new one', async () => {
    const warnings: string[] = [];
    const worker = new WorkerChunker(options(modelDirectory, { idleMs: 50, logger: { warn: (message) => warnings.push(message) } }));
    try {
      assert.equal(worker.threadRunning, false, 'nothing starts before the first file');
      const first = await worker.chunkFile(FILES[1]!.path, FILES[1]!.text);
      assert.equal(worker.threadRunning, true);
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(worker.threadRunning, false, 'stopped after 50 ms without work');
      assert.deepEqual(await worker.chunkFile(FILES[1]!.path, FILES[1]!.text), first);
      assert.equal(worker.threadRunning, true);
      assert.deepEqual(warnings, [], 'stopping when idle is not a failure');
    } finally {
      worker.dispose();
    }
  });

  test('prepare starts the thread ahead of the first file, and it stops again when no file comes', async () => {
    const worker = new WorkerChunker(options(modelDirectory, { idleMs: 50 }));
    try {
      worker.prepare();
      assert.equal(worker.threadRunning, true);
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(worker.threadRunning, false, 'stopped after 50 ms without a file');
      worker.prepare();
      assert.ok((await worker.chunkFile(FILES[1]!.path, FILES[1]!.text)).length > 0);
    } finally {
      worker.dispose();
    }
  });

  for (const [what, workerScript] of [
    ['cannot start', path.join(ROOT, 'no-such-chunking-worker.mjs')],
    ['dies with files in hand', path.join(import.meta.dirname, 'dying-chunking-worker.ts')],
  ] as const) {
    test(`when the thread ${what}, the files it held and the next ones are chunked on this thread, with one warning`, async () => {
      const warnings: string[] = [];
      const settings = options(modelDirectory, { workerScript, logger: { warn: (message) => warnings.push(message) } });
      const local = createChunker({ ...settings.chunker, countTokens: chunkSizeCounter(ModelTokenizer.load(modelDirectory, settings.tokenizer.settings)) });
      const worker = new WorkerChunker(settings);
      try {
        const first = await Promise.all(FILES.slice(0, 4).map((file) => worker.chunkFile(file.path, file.text)));
        const later = await worker.chunkFile(FILES[4]!.path, FILES[4]!.text);
        for (const [index, chunks] of [...first, later].entries()) assert.deepEqual(chunks, await local.chunkFile(FILES[index]!.path, FILES[index]!.text));
        assert.equal(warnings.length, 1, warnings.join('\n'));
        assert.match(warnings[0]!, /Chunking in a worker thread stopped/);
      } finally {
        worker.dispose();
        local.dispose();
      }
    });
  }
});

/** Takes four files at a time and answers them out of order (random delays); `bad.txt` fails. */
class ShuffledChunker implements Chunker {
  readonly fingerprint = 'shuffled-1';
  readonly relationsVersion = 0;
  readonly queueDepth = 4;
  /** Paths in the order they were handed over. */
  readonly handed: string[] = [];
  private seed = 11;

  async chunkFile(filePath: string, text: string): Promise<Chunk[]> {
    this.handed.push(filePath);
    this.seed = (this.seed * 1103515245 + 12345) % 2147483648;
    await new Promise((resolve) => setTimeout(resolve, this.seed % 6));
    if (filePath === 'bad.txt') throw new Error('this file cannot be chunked');
    return [makeChunk({ path: filePath, text, language: 'text', kind: 'window' })];
  }

  dispose(): void {}
}

/** A folder of `count` one-line notes and an empty store, for `check`; both removed after. */
async function withNotes(count: number, check: (root: string, store: IndexStore) => Promise<void>): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'semsearch-queue-'));
  const store = IndexStore.open(temporaryDatabasePath());
  try {
    for (let index = 0; index < count; index++) writeFileSync(path.join(root, `file${String(index).padStart(3, '0')}.txt`), `note number ${index}\n`);
    await check(root, store);
  } finally {
    store.close();
    rmSync(root, { recursive: true, force: true });
  }
}

test('files handed to the chunker several at a time are written in their order; one that fails fails alone', async () => {
  await withNotes(40, async (root, store) => {
    writeFileSync(path.join(root, 'bad.txt'), 'this one fails\n');
    const chunker = new ShuffledChunker();
    const result = await new Indexer({ root, store, embedder: hashRuntime('a', writeHashModelFolder()), chunker }).indexAll();
    assert.deepEqual(result.failures.map((failure) => failure.path), ['bad.txt']);
    assert.equal(result.filesIndexed, 40);
    const stored = [...store.files().values()].sort((a, b) => a.id - b.id).map((file) => file.path);
    assert.deepEqual(stored, chunker.handed.filter((file) => file !== 'bad.txt'), 'written in the order handed over, whatever order the answers came in');
    for (const file of stored) assert.equal(store.chunksOfFile(file, chunker.fingerprint)[0]!.text, readFileSync(path.join(root, file), 'utf8'));
    assert.equal(store.countMissingEmbeddings(result.space), 0);
  });
});

/** Answers one file at a time, in order, each after a millisecond or two: slower than the indexer, as a real chunker is. */
class SlowChunker implements Chunker {
  readonly fingerprint = 'slow-1';
  readonly relationsVersion = 0;
  readonly queueDepth = 4;
  /** Files handed over and not answered yet, as each file was handed over. */
  readonly inFlight: number[] = [];
  /** How many files had been handed over at each `prepare`. */
  readonly prepared: number[] = [];
  private handed = 0;
  private outstanding = 0;
  private last: Promise<unknown> = Promise.resolve();

  prepare(): void {
    this.prepared.push(this.handed);
  }

  chunkFile(filePath: string, text: string): Promise<Chunk[]> {
    this.handed += 1;
    this.inFlight.push(this.outstanding++);
    const answer = this.last.then(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      this.outstanding--;
      return [makeChunk({ path: filePath, text, language: 'text', kind: 'window' })];
    });
    this.last = answer;
    return answer;
  }

  dispose(): void {}
}

test('a first index keeps the chunker supplied across the walk\'s batches, and gets it ready before the first file', async () => {
  // More than one walk batch (256 files): the chunker must not run dry while a batch's last files are finished.
  await withNotes(300, async (root, store) => {
    const chunker = new SlowChunker();
    const result = await new Indexer({ root, store, embedder: hashRuntime('a', writeHashModelFolder()), chunker }).indexAll();
    assert.equal(result.filesIndexed, 300);
    assert.deepEqual(chunker.prepared, [0], 'prepared once, before the first file');
    const starved = chunker.inFlight.slice(chunker.queueDepth).filter((count) => count < chunker.queueDepth - 1);
    assert.deepEqual(starved, [], 'every file after the first few is handed over while the chunker holds the queue depth less one');
  });
});
