// Two `semsearch index` processes on the same folder and database at once, and a third `semsearch
// search` answering queries all the while: one writer at a time (the other waits and says so), nothing
// done twice, a healthy database that holds exactly what one run gives, and no search ever failing or
// waiting long.
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, type WriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { IndexStore } from '../../../extension/core/store/index-store.ts';
import { offlineModel } from '../../helpers/models.ts';
import { startSemsearch } from '../cli/run-cli.ts';
import { writeGeneratedCorpus } from '../indexing/corpus.ts';
import { indexSnapshot, temporaryDatabasePath } from '../store/helpers.ts';

/** The store's busy timeout (IndexStore.open's default): the longest a search may ever wait for a lock. */
const BUSY_TIMEOUT_MS = 5000;

const QUERIES = ['parse the invoice', 'encrypt a session token', 'compress an image', 'validate the address', 'sort the records', 'format a report header'];

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function finished(child: ChildProcessWithoutNullStreams): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Resolves once a writer has created the database file (the search command needs it to exist). */
async function databaseCreated(databasePath: string): Promise<void> {
  while (!existsSync(databasePath)) await sleep(20);
}

/**
 * A `semsearch search --batch` fed one query at a time through a named pipe (a child's stdin is a
 * socket, which cannot be opened by name); each answer's wait is timed.
 */
class Searcher {
  readonly latencies: number[] = [];
  readonly duringWrites: number[] = [];
  readonly failures: string[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queries: WriteStream;
  private readonly exit: Promise<Finished>;
  private readonly answers: string[] = [];
  private waiting: (() => void) | undefined;

  constructor(databasePath: string, root: string) {
    const pipe = path.join(mkdtempSync(path.join(os.tmpdir(), 'semsearch-queries-')), 'queries');
    execFileSync('mkfifo', [pipe]);
    this.child = startSemsearch('search', '--batch', pipe, '--db', databasePath, '--dir', root, '--model', offlineModel('glove-100d'), '--quantization', 'fp32', '--device', 'cpu', '--json');
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.answers.push(line);
      this.waiting?.();
    });
    this.exit = finished(this.child);
    // Opening a named pipe waits for its reader: the search process, once its model is loaded.
    this.queries = createWriteStream(pipe);
  }

  /** Asks queries until `stop` resolves, then a few more (the index complete by then). */
  async run(stop: Promise<unknown>, isWriting: () => boolean): Promise<Finished> {
    let stopped = false;
    void stop.finally(() => (stopped = true));
    // The clock starts once the search process reads queries (its model loaded, its index open).
    await Promise.race([once(this.queries, 'open'), this.exit]);
    let id = 0;
    let after = 0;
    while (!stopped || after++ < 3) {
      const query = QUERIES[id % QUERIES.length]!;
      const writing = isWriting();
      const started = performance.now();
      this.queries.write(`${JSON.stringify({ id, query })}\n`);
      const answer = await this.nextAnswer();
      if (answer === undefined) break;
      const milliseconds = performance.now() - started;
      this.latencies.push(milliseconds);
      if (writing) this.duringWrites.push(milliseconds);
      const parsed = JSON.parse(answer) as { id: number; results: unknown[] };
      if (parsed.id !== id || !Array.isArray(parsed.results)) this.failures.push(answer);
      id += 1;
    }
    this.queries.end();
    return this.exit;
  }

  private async nextAnswer(): Promise<string | undefined> {
    let exited = false;
    const gone = this.exit.then(() => (exited = true));
    while (this.answers.length === 0 && !exited) await Promise.race([new Promise<void>((resolve) => (this.waiting = resolve)), gone]);
    return this.answers.shift();
  }
}

test('two index processes on one database take turns; a search process meanwhile never fails and never waits long', { timeout: 180_000 }, async (t) => {
  const root = writeGeneratedCorpus(300);
  const databasePath = temporaryDatabasePath();
  const model = ['--model', offlineModel('glove-100d'), '--quantization', 'fp32', '--device', 'cpu', '--threads', '1', '--json'];
  const writers = [startSemsearch('index', root, '--db', databasePath, ...model), startSemsearch('index', root, '--db', databasePath, ...model)];
  let writing = writers.length;
  const results = Promise.all(writers.map((writer) => finished(writer).finally(() => (writing -= 1))));

  await databaseCreated(databasePath);
  const searcher = new Searcher(databasePath, root);
  const [outcomes, searched] = await Promise.all([results, searcher.run(results, () => writing > 0)]);

  for (const outcome of outcomes) assert.equal(outcome.code, 0, outcome.stderr);
  const [first, second] = outcomes.map((outcome) => (JSON.parse(outcome.stdout) as { chunksEmbedded: number; filesIndexed: number }[])[0]!);
  // One run did the work; the other waited for it, said so, and found everything done.
  const embedded = [first!.chunksEmbedded, second!.chunksEmbedded].sort((a, b) => a - b);
  assert.equal(embedded[0], 0, `both runs embedded chunks: ${embedded.join(' and ')}`);
  assert.ok(embedded[1]! > 0);
  assert.equal([first!.filesIndexed, second!.filesIndexed].filter((files) => files > 0).length, 1, 'only one run indexed files');
  const waited = outcomes.filter((outcome) => /is updating the index .*; waiting for it to finish/.test(outcome.stderr));
  assert.equal(waited.length, 1, `the second writer says it waits: ${outcomes.map((outcome) => outcome.stderr).join(' | ')}`);
  assert.match(waited[0]!.stderr, /Another process \(pid \d+, semsearch\.js index/);

  assert.equal(searched.code, 0, searched.stderr);
  assert.deepEqual(searcher.failures, []);
  assert.ok(searcher.duringWrites.length > 0, 'some searches ran while the index was being written');
  const slowest = Math.max(...searcher.duringWrites);
  assert.ok(slowest < BUSY_TIMEOUT_MS, `a search waited ${slowest.toFixed(0)} ms`);
  const sorted = [...searcher.duringWrites].sort((a, b) => a - b);
  t.diagnostic(
    `writers: 2 (embedded ${embedded.join(' and ')} chunks); searches: ${searcher.latencies.length}, ${searcher.duringWrites.length} while writing; ` +
      `latency during writes: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, max ${slowest.toFixed(0)} ms`,
  );

  const store = IndexStore.open(databasePath);
  try {
    assert.deepEqual(store.checkIntegrity(), []);
    const space = store.activeSpace()!;
    assert.equal(store.countMissingEmbeddings(space), 0);
    assert.equal(store.isSpaceComplete(space.id), true);
  } finally {
    store.close();
  }
  const cleanPath = temporaryDatabasePath();
  const clean = await finished(startSemsearch('index', root, '--db', cleanPath, ...model));
  assert.equal(clean.code, 0, clean.stderr);
  assert.deepEqual(indexSnapshot(databasePath), indexSnapshot(cleanPath), 'the same files, chunks and vectors as one run, none twice');
});
