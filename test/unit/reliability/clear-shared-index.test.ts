// Clear Index and Rebuild Index while another window (another connection to the same database) has the
// index open. Deleting the file used to leave that window reading, and with its next update writing, a
// file nobody else could see; now the index is emptied in place and both see one database.
import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { WorkspaceService } from '../../../extension/core/service/workspace-service.ts';
import { clearIndexDatabase } from '../../../extension/core/store/clear-database.ts';
import { IndexStore } from '../../../extension/core/store/index-store.ts';
import { WriterLock } from '../../../extension/core/store/writer-lock.ts';
import { isAbortError } from '../../../extension/core/errors.ts';
import { writeCorpus } from '../indexing/corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';
import { serviceSettings } from '../service/settings.ts';

const FOLDER = 'file:///app';

/** A service with one indexed folder (the base corpus), and what it logged. */
async function indexedFolder() {
  const root = writeCorpus();
  const databasePath = temporaryDatabasePath();
  const logs: string[] = [];
  const service = new WorkspaceService({ onState: () => {}, onProgress: () => {}, log: (_level, message) => logs.push(message) });
  await service.configure(serviceSettings(), [{ key: FOLDER, name: 'app', root, databasePath }]);
  await service.index();
  return { databasePath, service, logs };
}

async function topPath(service: WorkspaceService, query: string): Promise<string | undefined> {
  return (await service.search(query, { mode: 'lexical' })).hits[0]?.path;
}

describe('clearing an index', () => {
  test('with no other connection open, the database files are deleted', async () => {
    const { databasePath, service, logs } = await indexedFolder();
    try {
      await service.clear([FOLDER]);
      for (const suffix of ['', '-wal', '-shm']) assert.equal(existsSync(databasePath + suffix), false, `index.db${suffix} is gone`);
      assert.ok(!logs.some((message) => message.includes('emptied in place')));
    } finally {
      await service.dispose();
    }
  });

  test('while another window has it open, it is emptied in place, and the rebuild is one database both see', async () => {
    const { databasePath, service, logs } = await indexedFolder();
    const otherWindow = IndexStore.open(databasePath);
    try {
      const filesBefore = otherWindow.files().size;
      assert.ok(filesBefore >= 4, `indexed ${filesBefore} files`);
      const inode = statSync(databasePath).ino;

      await service.clear([FOLDER]);
      assert.ok(logs.some((message) => message.includes('emptied in place')), logs.join('\n'));
      assert.equal(statSync(databasePath).ino, inode, 'the same file, not a new one');
      assert.equal(otherWindow.files().size, 0, 'the other window sees the cleared index');
      assert.deepEqual(otherWindow.vectorSpaces(), []);
      assert.equal(otherWindow.statistics().chunks, 0);
      assert.deepEqual(otherWindow.checkIntegrity(), []);

      await service.rebuild([FOLDER]);
      assert.equal(statSync(databasePath).ino, inode);
      assert.equal(otherWindow.files().size, filesBefore, 'the other window sees the rebuilt index');
      assert.ok(otherWindow.activeSpace() && otherWindow.isSpaceComplete(otherWindow.activeSpace()!.id));
      assert.equal(await topPath(service, 'SortUsersByAge'), 'src/users.go');

      // What the other window writes now, this one reads: there is no second, unseen copy.
      otherWindow.deleteFiles(['src/users.go']);
      assert.notEqual(await topPath(service, 'SortUsersByAge'), 'src/users.go');
      assert.deepEqual(otherWindow.checkIntegrity(), []);
    } finally {
      otherWindow.close();
      await service.dispose();
    }
  });

  test("waits for another process's run; a cancelled wait leaves the index as it was", async () => {
    const { databasePath, service } = await indexedFolder();
    await service.dispose();
    const otherRun = WriterLock.tryAcquire(databasePath);
    assert.ok(otherRun, 'the stand-in run holds the writer lock');
    try {
      const controller = new AbortController();
      let waited = false;
      await assert.rejects(
        clearIndexDatabase(databasePath, {
          signal: controller.signal,
          onWait: () => {
            waited = true;
            controller.abort();
          },
        }),
        (error) => isAbortError(error),
      );
      assert.ok(waited);
      const store = IndexStore.open(databasePath);
      try {
        assert.ok(store.files().size > 0, 'nothing was cleared');
      } finally {
        store.close();
      }

      let releasedAt = 0;
      const outcome = await clearIndexDatabase(databasePath, {
        onWait: () => {
          setTimeout(() => {
            releasedAt = Date.now();
            otherRun.release();
          }, 200);
        },
      });
      assert.equal(outcome, 'deleted');
      assert.ok(releasedAt > 0, 'it cleared only after the other run let go');
      assert.equal(existsSync(databasePath), false);
    } finally {
      otherRun.release();
    }
  });

  test('a file that is not a database is deleted; a missing one is nothing to do', async () => {
    const databasePath = temporaryDatabasePath();
    assert.equal(await clearIndexDatabase(databasePath), 'absent');
    writeFileSync(databasePath, 'this is not an SQLite database, just text that happens to be here '.repeat(100));
    assert.equal(await clearIndexDatabase(databasePath), 'deleted');
    assert.equal(existsSync(databasePath), false);
  });
});
