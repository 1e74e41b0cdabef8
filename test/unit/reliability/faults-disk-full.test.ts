// The disk holding the index fills up while a run writes: a real tmpfs, filled to the last few
// kilobytes, so SQLite itself reports SQLITE_FULL. The run stops with one store CoreError saying what to
// do, the index still answers as before, and once space is freed the next run completes.
import assert from 'node:assert/strict';
import { rmSync, statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import { IndexStore } from '../../../extension/core/store/index-store.ts';
import { BASE_FILES, writeCorpus } from '../indexing/corpus.ts';
import { addFiles, answers, expectedFailure, mountTmpfs, openIndex } from './helpers.ts';
import { isCoreError } from '../../../extension/core/errors.ts';

test('a full disk stops indexing with one disk-full message and leaves the previous index searchable', { timeout: 90_000 }, async (t) => {
  const mount = mountTmpfs(16 * 1024 * 1024);
  if (typeof mount === 'string') {
    t.skip(mount);
    return;
  }
  try {
    const root = writeCorpus();
    const databasePath = path.join(mount.directory, 'index.db');
    const baseFiles = new Set(Object.keys(BASE_FILES));
    const filler = path.join(mount.directory, 'filler');
    let before: string[][];
    // The disk fills while the index is open, as it would under a running editor.
    const index = await openIndex(root, databasePath);
    try {
      await index.index();
      before = await answers(index, baseFiles);
      // Leave a few pages free, far less than the new files need.
      const { bavail, bsize } = statfsSync(mount.directory);
      writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 24 * 1024)));
      addFiles(root, 'src/generated', 60, 8);

      const failure = await expectedFailure(index.index(), 'indexing onto a full disk must fail', 'store', 'disk-full');
      assert.match(failure.message, /is full/);
      assert.match(failure.message, /Free some space, then index again/);
      assert.doesNotMatch(failure.message, /SQLITE_/, 'no raw SQLite code in the message');
      assert.deepEqual(await answers(index, baseFiles), before, 'the open index answers as before while the disk is still full');
    } finally {
      await index.close();
    }

    // Reopened on the full disk: it answers as before, or (when SQLite must create its shared-memory
    // file again) it fails with the same disk-full message, never a raw "disk I/O error".
    const reopened = await openIndex(root, databasePath).catch((error: unknown) => error);
    if (reopened instanceof FolderIndex) {
      try {
        assert.deepEqual(await answers(reopened, baseFiles), before);
      } finally {
        await reopened.close();
      }
    } else {
      assert.ok(isCoreError(reopened, 'store') && reopened.reason === 'disk-full' && /Free some space/.test(reopened.message), `disk-full, not ${String(reopened)}`);
    }

    rmSync(filler);
    const store = IndexStore.open(databasePath, { readonly: true });
    try {
      assert.deepEqual(store.checkIntegrity(), [], 'what was committed before the disk filled is intact');
    } finally {
      store.close();
    }
    const third = await openIndex(root, databasePath);
    try {
      assert.deepEqual(await answers(third, baseFiles), before, 'reopened, the index answers as before the fault');
      const result = await third.index();
      assert.equal(result.failures.length, 0);
      assert.ok(third.status().activeSpace?.complete, 'with space again, the next run completes');
      const found = await third.search('numeric helpers part 7', { mode: 'lexical', k: 50 });
      assert.ok(found.hits.some((hit) => hit.path === 'src/generated/module7.ts'), 'the files the full disk refused are indexed now');
    } finally {
      await third.close();
    }
  } finally {
    mount.unmount();
  }
});
