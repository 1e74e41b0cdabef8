// The storage folder is read-only (a tmpfs remounted read-only, so even root gets EROFS, as with a
// read-only home or a file system remounted read-only after errors): indexing stops with one read-only message, an index SQLite can
// still read goes on answering, and once the folder is writable again the next run completes. Skips where no tmpfs can be mounted.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { semsearch } from '../cli/run-cli.ts';
import { BASE_FILES, writeCorpus } from '../indexing/corpus.ts';
import { addFiles, answers, expectedFailure, mountTmpfs, openIndex } from './helpers.ts';
import { isCoreError } from '../../../extension/core/errors.ts';

test('a read-only storage folder stops indexing with one read-only message and the index still answers', { timeout: 90_000 }, async (t) => {
  const mount = mountTmpfs(16 * 1024 * 1024);
  if (typeof mount === 'string') {
    t.skip(mount);
    return;
  }
  try {
    const root = writeCorpus();
    const databasePath = path.join(mount.directory, 'index.db');
    const baseFiles = new Set(Object.keys(BASE_FILES));
    // A copy of the index taken while it is open, with its -wal and -shm files: what a killed process
    // leaves behind, and the only state in which SQLite can read a WAL database from a read-only folder.
    const copyPath = path.join(mount.directory, 'left-open', 'index.db');
    mkdirSync(path.dirname(copyPath));
    let before: string[][];
    const writer = await openIndex(root, databasePath);
    try {
      await writer.index();
      before = await answers(writer, baseFiles);
      for (const suffix of ['', '-wal', '-shm']) copyFileSync(databasePath + suffix, copyPath + suffix);
    } finally {
      await writer.close();
    }

    // A mount with files open for writing cannot turn read-only, so the folder does while the index is closed.
    mount.remount('ro');
    addFiles(root, 'src/generated', 3);
    const reader = await openIndex(root, copyPath);
    try {
      assert.deepEqual(await answers(reader, baseFiles), before, 'opened read-only, the index answers as before: searching needs no write');
      const failure = await expectedFailure(reader.index(), 'indexing into a read-only folder must fail', 'store', 'read-only');
      assert.match(failure.message, /is read-only/);
      assert.match(failure.message, /make the folder writable/);
      assert.deepEqual(await answers(reader, baseFiles), before, 'after the failed run too');
    } finally {
      await reader.close();
    }

    // The command line says it in one line and exits 1.
    const cli = semsearch('index', root, '--db', copyPath, '--model', 'glove-100d', '--quantization', 'fp32');
    assert.equal(cli.code, 1, cli.stderr);
    const lines = cli.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line: ${cli.stderr}`);
    assert.match(lines[0]!, /^semsearch: The index database .* cannot be written: its file or folder is read-only/);

    // A cleanly closed index has no -shm file, which SQLite must create to read it: it cannot be opened
    // from the read-only folder, and neither can a new one be created there. The message says what to check.
    for (const where of [databasePath, path.join(mount.directory, 'other.db')]) {
      await assert.rejects(openIndex(root, where), (error: unknown) => isCoreError(error, 'store') && error.reason === 'cannot-open' && /folder exists and is writable/.test(error.message));
    }

    mount.remount('rw');
    const again = await openIndex(root, databasePath);
    try {
      assert.deepEqual(await answers(again, baseFiles), before);
      const result = await again.index();
      assert.equal(result.failures.length, 0);
      assert.ok(again.status().activeSpace?.complete, 'writable again, the next run completes');
    } finally {
      await again.close();
    }
  } finally {
    mount.unmount();
  }
});
