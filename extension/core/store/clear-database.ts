// Clearing an index database (Clear Index, and the first step of Rebuild Index) without pulling it
// from under another process. Deleting the file while another VS Code window or a `semsearch` command
// has it open does not stop that process: on Linux and macOS it keeps reading, and with its next
// update writing, a file that no longer has a name, and nobody sees its work again. So the database is
// deleted only when no other connection has it open; otherwise it is emptied in place, which every
// connection sees, and its free pages are given back when the other readers allow it.
import { existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { classifySqliteError } from '../errors.ts';
import { IndexStore } from './index-store.ts';
import { WriterLock } from './writer-lock.ts';

/** What clearing did: deleted the files, emptied a database another process has open, or found none. */
export type ClearOutcome = 'deleted' | 'emptied' | 'absent';

/** The files SQLite keeps for a database in WAL mode. */
const DATABASE_FILE_SUFFIXES = ['', '-wal', '-shm'];

/**
 * Clears one index database. Waits for the writer lock first (a run of another process finishes the
 * transaction it is in; `onWait` is called once if it has to wait), so no run writes between the check
 * and the clearing. Aborting `signal` stops the wait.
 */
export async function clearIndexDatabase(databasePath: string, options: { signal?: AbortSignal; onWait?: () => void } = {}): Promise<ClearOutcome> {
  if (!existsSync(databasePath)) {
    for (const suffix of DATABASE_FILE_SUFFIXES) rmSync(databasePath + suffix, { force: true });
    return 'absent';
  }
  const lock = await WriterLock.acquire(databasePath, options);
  try {
    if (deleteIfNobodyHasItOpen(databasePath)) return 'deleted';
    // A damaged database is moved aside here, and the new one is empty already.
    const { store } = IndexStore.openOrReplaceDamaged(databasePath);
    try {
      store.empty();
      store.compact();
    } finally {
      store.close();
    }
    return 'emptied';
  } finally {
    lock.release();
  }
}

/**
 * Deletes the database files when no other connection, in this process or another, has the database
 * open: an exclusive locking-mode transaction is refused while any other connection is open on a WAL
 * database, even an idle one.
 */
function deleteIfNobodyHasItOpen(databasePath: string): boolean {
  let connection: Database.Database | undefined;
  try {
    connection = new Database(databasePath, { fileMustExist: true });
    connection.pragma('busy_timeout = 0');
    connection.pragma('locking_mode = EXCLUSIVE');
    connection.exec('BEGIN EXCLUSIVE');
    connection.exec('COMMIT');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      connection?.close();
      return false;
    }
    // A file that is not a database (or is damaged) is what the user wants gone.
    if (code !== 'SQLITE_NOTADB' && code !== 'SQLITE_CORRUPT') {
      connection?.close();
      throw classifySqliteError(error, databasePath);
    }
  }
  connection?.close();
  // Another connection could still open the file between this close and the deletion: a window as
  // long as three unlinks.
  for (const suffix of DATABASE_FILE_SUFFIXES) rmSync(databasePath + suffix, { force: true });
  return true;
}
