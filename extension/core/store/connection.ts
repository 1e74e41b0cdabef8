// The one SQLite connection of an index database, as the table modules share it: the handle, how a
// statement's failure becomes a typed store error, IMMEDIATE transactions, and the `meta` table that
// every module keeps small facts in. `IndexStore` opens it; modules never open or close it.
import type Database from 'better-sqlite3';
import { classifySqliteError } from '../errors.ts';

/** The connection the table modules of one `IndexStore` share. */
export class StoreConnection {
  /** Called when a transaction rolls back (state mirrored in memory may hold writes that never happened). */
  private readonly rollbackListeners: (() => void)[] = [];

  readonly path: string;
  readonly database: Database.Database;
  /** Prepared statements by their SQL (see `statement`). */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(databasePath: string, database: Database.Database) {
    this.path = databasePath;
    this.database = database;
  }

  /**
   * The prepared statement of a SQL text, prepared once per connection: preparing costs more than running
   * a small statement, and indexing runs a few per chunk. Only for `run`, `get` and `all`: a statement
   * that is iterated, or switched to `pluck`/`raw`, must be prepared on its own.
   */
  statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      // A handful of texts per vector space: a bound only against a caller that builds SQL from data.
      if (this.statements.size >= 500) this.statements.clear();
      statement = this.database.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `work`, turning a SQLite failure into a store `CoreError` with a next step. */
  run<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw classifySqliteError(error, this.path);
    }
  }

  /**
   * Runs `work` in one transaction (IMMEDIATE, so two writers queue instead of deadlocking). A call inside a
   * transaction joins it as it is, without a savepoint: FTS5 writes its pending rows out as a new segment at
   * every savepoint, so a batch of files written one `replaceFile` (one savepoint) each left a segment per
   * file to merge, and cost a first index of code-eslint about a fifth of the indexing thread's time. A
   * failure inside is therefore undone with the whole outer transaction, which every caller lets it do (none
   * catches a store error and goes on inside a transaction).
   */
  transaction<T>(work: () => T): T {
    if (this.database.inTransaction) {
      try {
        return work();
      } catch (error) {
        // What is mirrored in memory may already hold this part's writes; the outer transaction will roll them back.
        for (const listener of this.rollbackListeners) listener();
        throw classifySqliteError(error, this.path);
      }
    }
    try {
      return this.database.transaction(work).immediate();
    } catch (error) {
      for (const listener of this.rollbackListeners) listener();
      throw classifySqliteError(error, this.path);
    }
  }

  /** Registers what to forget when a transaction fails and rolls back. */
  onRollback(listener: () => void): void {
    this.rollbackListeners.push(listener);
  }

  getMeta(key: string): string | undefined {
    return this.run(() => (this.statement('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value);
  }

  setMeta(key: string, value: string): void {
    this.run(() => this.database.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value));
  }

  deleteMeta(key: string): void {
    this.run(() => this.database.prepare('DELETE FROM meta WHERE key = ?').run(key));
  }
}

/** A table module of one index database: its statements run on the shared connection's handle. */
export abstract class StoreModule {
  protected readonly connection: StoreConnection;
  protected readonly database: Database.Database;

  constructor(connection: StoreConnection) {
    this.connection = connection;
    this.database = connection.database;
  }
}
