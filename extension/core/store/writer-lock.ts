// One writer per index database at a time, across processes (two VS Code windows, a window and a
// `semsearch index`, two CLI runs). SQLite already makes each transaction atomic, but an index run is
// many transactions that read the database, read the disk and write what they found: two runs at once
// embed the same chunks twice, and the slower one can write back a file version the faster one has
// already replaced. So a run first takes this lock; readers (searches) never take it.
//
// The lock is an exclusive SQLite lock on a small file beside the database, held by an open
// transaction. SQLite's locks are the operating system's file locks, so the lock goes with its
// process: a writer that crashes or is killed leaves no stale lock behind, and there is no pid file
// to clean up. Connections in one process exclude each other too (SQLite tracks its locks per file).
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { classifySqliteError, abortError, readOnlyError } from '../errors.ts';

/** Who holds the lock, as the holder wrote it into the index database (for messages only). */
export interface WriterLockHolder {
  pid: number;
  /** What the holder is, e.g. `semsearch index` or `VS Code window`. */
  command: string;
  /** When it took the lock (ms since the epoch). */
  since: number;
}

/** How often a waiting writer tries again. */
const RETRY_MS = 200;

/** The lock file of an index database. */
export function writerLockPath(databasePath: string): string {
  return `${databasePath}-writer`;
}

/** The exclusive right to write one index database; `release` it when the operation ends. */
export class WriterLock {
  private readonly connection: Database.Database;

  private constructor(connection: Database.Database) {
    this.connection = connection;
  }

  /** Takes the lock when nobody holds it; undefined when another writer does. */
  static tryAcquire(databasePath: string): WriterLock | undefined {
    const lockPath = writerLockPath(databasePath);
    let connection: Database.Database | undefined;
    try {
      connection = new Database(lockPath);
      // Fail at once when held: the caller decides how to wait (and can be cancelled meanwhile).
      connection.pragma('busy_timeout = 0');
      connection.exec('BEGIN EXCLUSIVE');
      return new WriterLock(connection);
    } catch (error) {
      connection?.close();
      const code = (error as { code?: unknown }).code;
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return undefined;
      // The lock file is created beside the database: in a read-only folder that is the first write to fail.
      if (code === 'SQLITE_CANTOPEN' && !isWritableFolder(path.dirname(lockPath))) throw readOnlyError(databasePath, error);
      throw classifySqliteError(error, lockPath);
    }
  }

  /**
   * Takes the lock, waiting while another writer holds it. `onWait` is called once, when the first try
   * finds it held. Aborting `signal` stops the wait with the signal's reason.
   */
  static async acquire(databasePath: string, options: { signal?: AbortSignal; onWait?: () => void } = {}): Promise<WriterLock> {
    let waited = false;
    for (;;) {
      if (options.signal?.aborted) throw abortError(options.signal);
      const lock = WriterLock.tryAcquire(databasePath);
      if (lock) return lock;
      if (!waited) options.onWait?.();
      waited = true;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, RETRY_MS);
        function done() {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', done);
          resolve();
        }
        options.signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** Lets the next writer in. Safe to call twice. */
  release(): void {
    if (!this.connection.open) return;
    try {
      this.connection.exec('ROLLBACK');
    } finally {
      this.connection.close();
    }
  }
}

function isWritableFolder(folder: string): boolean {
  try {
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
