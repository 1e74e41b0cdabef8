// Another connection holds the index's write lock (BEGIN IMMEDIATE) past the busy timeout, as a second
// window or a `semsearch index` in a terminal would: indexing stops with one "locked" message, readers
// still read (WAL), and once the lock is released the next run completes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { semsearch } from '../cli/run-cli.ts';
import { BASE_FILES, writeCorpus } from '../indexing/corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';
import { addFiles, answers, expectedFailure, openIndex } from './helpers.ts';

test('a database locked by another writer stops indexing with one locked message while searches still answer', { timeout: 90_000 }, async () => {
  const root = writeCorpus();
  const databasePath = temporaryDatabasePath();
  const baseFiles = new Set(Object.keys(BASE_FILES));
  let before: string[][];
  const first = await openIndex(root, databasePath);
  try {
    await first.index();
    before = await answers(first, baseFiles);
  } finally {
    await first.close();
  }
  addFiles(root, 'src/generated', 3);

  const holder = new Database(databasePath);
  try {
    holder.exec('BEGIN IMMEDIATE');
    const index = await openIndex(root, databasePath);
    try {
      assert.deepEqual(await answers(index, baseFiles), before, 'a reader opens and answers while another connection writes');
      // The store waits out its busy timeout (5 s) before it gives up.
      const failure = await expectedFailure(index.index(), 'indexing while another writer holds the lock must fail', 'store', 'locked');
      assert.match(failure.message, /is locked by another process/);
      assert.match(failure.message, /searching still works/);
      assert.match(failure.message, /then try again/);
      assert.deepEqual(await answers(index, baseFiles), before, 'and after the failed run');
    } finally {
      await index.close();
    }

    // From the command line: a search answers, an index run says it in one line and exits 1.
    const search = semsearch('search', 'sort users by age', '--db', databasePath, '--dir', root, '--k', '3');
    assert.equal(search.code, 0, search.stderr);
    assert.match(search.stdout, /src\/users\.go/);
    const cli = semsearch('index', root, '--db', databasePath, '--model', 'glove-100d', '--quantization', 'fp32');
    assert.equal(cli.code, 1, cli.stderr);
    const lines = cli.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line: ${cli.stderr}`);
    assert.match(lines[0]!, /^semsearch: The index database .* is locked by another process/);
  } finally {
    if (holder.inTransaction) holder.exec('ROLLBACK');
    holder.close();
  }

  const index = await openIndex(root, databasePath);
  try {
    const result = await index.index();
    assert.equal(result.filesIndexed, 3, 'the lock released, the next run indexes what the locked one could not');
    assert.ok(index.status().activeSpace?.complete);
    assert.deepEqual(await answers(index, baseFiles), before);
  } finally {
    await index.close();
  }
});
