// Typed errors for the core. Callers branch on `reason`, never on message text; the message says
// what happened and what to do next, so it can be shown to a user as is.

/** Why a model could not be loaded or used. */
export type ModelErrorReason =
  | 'model-missing'
  | 'model-corrupt'
  | 'manifest-invalid'
  | 'manifest-mismatch'
  | 'tokenizer-invalid'
  | 'empty-input'
  | 'runtime-failed'
  | 'model-changed'
  | 'out-of-memory'
  | 'disposed';

/** A model, its files or its inputs are wrong. */
export class ModelError extends Error {
  readonly reason: ModelErrorReason;

  constructor(reason: ModelErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelError';
    this.reason = reason;
  }
}

export function isModelError(error: unknown): error is ModelError {
  return error instanceof Error && error.name === 'ModelError' && 'reason' in error;
}

/** The standard error for an aborted operation (what `AbortSignal.throwIfAborted` throws). */
export function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  return new DOMException('The operation was aborted.', 'AbortError');
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** Why the index database could not be used. */
export type StoreErrorReason =
  | 'schema-too-new'
  | 'migration-failed'
  | 'corrupt'
  | 'locked'
  | 'disk-full'
  | 'read-only'
  | 'io-failed'
  | 'cannot-open'
  | 'space-missing'
  | 'storage-invalid';

/** The index database is unusable or an operation on it failed in a way the user can act on. */
export class StoreError extends Error {
  readonly reason: StoreErrorReason;

  constructor(reason: StoreErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.reason = reason;
  }
}

export function isStoreError(error: unknown): error is StoreError {
  return error instanceof Error && error.name === 'StoreError' && 'reason' in error;
}

/**
 * Maps a SQLite error to a StoreError by its result code (better-sqlite3 sets `code`, e.g.
 * `SQLITE_FULL`), never by message text. Other errors are returned unchanged.
 */
export function classifySqliteError(error: unknown, databasePath: string): unknown {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const primary = code.split('_').slice(0, 2).join('_');
  const where = `the index database ${databasePath}`;
  // Opening a WAL database creates its -shm file; on a full disk that is the write that fails.
  switch (code === 'SQLITE_IOERR_SHMSIZE' ? 'SQLITE_FULL' : primary) {
    case 'SQLITE_FULL':
      return new StoreError('disk-full', `The disk holding ${where} is full, so the last change was not saved; the index keeps what it had and still answers searches. Free some space, then index again.`, { cause: error });
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new StoreError('locked', `${capitalize(where)} is locked by another process (another window or a semsearch command is writing to it); searching still works. Wait for it to finish or close it, then try again.`, { cause: error });
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return new StoreError('corrupt', `${capitalize(where)} is damaged. Rebuild the index.`, { cause: error });
    case 'SQLITE_READONLY':
    case 'SQLITE_PERM':
      return readOnlyError(databasePath, error);
    case 'SQLITE_IOERR':
      return new StoreError('io-failed', `The disk failed to read or write ${where} (${code}). The last change was not saved; check the disk and its free space, then try again.`, { cause: error });
    case 'SQLITE_CANTOPEN':
      return new StoreError('cannot-open', `${capitalize(where)} cannot be opened. Check that its folder exists and is writable.`, { cause: error });
    default:
      return error;
  }
}

/** The error for an index database whose file or folder cannot be written. */
export function readOnlyError(databasePath: string, cause: unknown): StoreError {
  return new StoreError('read-only', `The index database ${databasePath} cannot be written: its file or folder is read-only. The index keeps what it had and still answers searches; make the folder writable (or give semsearch another --db), then index again.`, { cause });
}

/**
 * The error for a worker that V8 stopped at its heap limit (`ERR_WORKER_OUT_OF_MEMORY`, matched by
 * its code); other worker failures are `runtime-failed`.
 */
export function workerFailure(error: Error & { code?: unknown }, what: string): ModelError {
  if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new ModelError(
      'out-of-memory',
      `The ${what} ran out of memory and was stopped; the index keeps what it had. Use fewer threads (the semanticSearch.model.threads setting, or --threads), choose a smaller model or its int8 quantization, then index again.`,
      { cause: error },
    );
  }
  return new ModelError('runtime-failed', `The ${what} crashed: ${error.message}`, { cause: error });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
