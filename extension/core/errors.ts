// Typed errors for the core: one `CoreError` with a `kind` (which part failed) and a `reason` (why), and
// one guard, `isCoreError`. Callers branch on kind and reason, never on message text; the message says what
// happened and what to do next, so it can be shown to a user as is, and `nextStep` names that step as data
// (the editor turns it into a button). The kind and reason survive a thread boundary as plain data:
// `describeError` (service) and `SerializedError` (embedding worker) carry them, and the next step is
// derived from them again.

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

/**
 * Why an operation on a folder's index (a cutover, a rollback, a report, a comparison) could not happen:
 * nothing to cut over to, the new index not complete, nothing to roll back to, its retention over; or what
 * the operation needs is missing: no folder open, no index in it yet, the index's model not loaded.
 */
export type MigrationErrorReason =
  | 'nothing-pending'
  | 'not-complete'
  | 'nothing-to-roll-back'
  | 'retention-over'
  | 'no-folder'
  | 'no-index'
  | 'model-not-loaded';

/** Why "Which model suits my code?" cannot be answered. */
export type EvaluationErrorReason = 'no-index' | 'no-queries' | 'no-models';

/** Why a similarity threshold cannot be calibrated or read. */
export type CalibrationErrorReason = 'not-calibrated' | 'too-few-vectors' | 'model-mismatch';

/** Why a download failed. Cancellation is not among them: it rejects with the standard `AbortError`. */
export type DownloadErrorReason =
  | 'checksum-mismatch'
  | 'size-mismatch'
  | 'http-error'
  | 'network'
  | 'offline'
  | 'not-found'
  | 'insecure-endpoint'
  | 'disk-full';

/** Why chunking could not proceed: the chunker was misconfigured or used after dispose. */
export type ChunkingErrorReason = 'invalid-options' | 'window-too-small' | 'disposed';

/** Why a TensorFlow.js model could not be converted: an unsupported op or attribute, or malformed files. */
export type ConversionErrorReason = 'unsupported' | 'malformed';

/** Every kind of core error and its reasons. */
export interface CoreErrorReasons {
  model: ModelErrorReason;
  store: StoreErrorReason;
  migration: MigrationErrorReason;
  evaluation: EvaluationErrorReason;
  calibration: CalibrationErrorReason;
  download: DownloadErrorReason;
  chunking: ChunkingErrorReason;
  conversion: ConversionErrorReason;
}

/** Which part of the core failed. */
export type CoreErrorKind = keyof CoreErrorReasons;

/** Every kind, in a fixed order (for tests and exhaustive tables). */
export const CORE_ERROR_KINDS: readonly CoreErrorKind[] = ['model', 'store', 'migration', 'evaluation', 'calibration', 'download', 'chunking', 'conversion'];

/**
 * What the user can do about an error, as data. The editor offers `reload-model`, `change-model`,
 * `rebuild-index` and `retry` as buttons; the others are said in the message only.
 */
export type NextStep =
  /** The model's files changed under its name: load them again. */
  | 'reload-model'
  /** Choose another model, or fix or download the chosen one's files. */
  | 'change-model'
  /** The index is damaged: build it again. */
  | 'rebuild-index'
  /** The cause passes (another writer finishes, space is freed, the network returns): try again. */
  | 'retry'
  /** Index the folder first. */
  | 'index-folder'
  /** Open a folder first. */
  | 'open-folder'
  /** Let the work in progress finish first. */
  | 'wait'
  /** Correct a setting or an argument the message names. */
  | 'change-settings'
  /** Nothing the extension can do for the user: the message says what happened. */
  | 'none';

// The next step of each reason. Total by type: a new reason does not compile until it is given one. Model
// and store errors keep the buttons the editor offered before there was a table (a model error offers to
// change the model unless its files changed; a damaged index to rebuild it; a lock or a full disk a retry).
const NEXT_STEPS: { readonly [K in CoreErrorKind]: Readonly<Record<CoreErrorReasons[K], NextStep>> } = {
  model: {
    'model-missing': 'change-model',
    'model-corrupt': 'change-model',
    'manifest-invalid': 'change-model',
    'manifest-mismatch': 'change-model',
    'tokenizer-invalid': 'change-model',
    'empty-input': 'change-model',
    'runtime-failed': 'change-model',
    'model-changed': 'reload-model',
    'out-of-memory': 'change-model',
    disposed: 'change-model',
  },
  store: {
    'schema-too-new': 'none',
    'migration-failed': 'none',
    corrupt: 'rebuild-index',
    locked: 'retry',
    'disk-full': 'retry',
    'read-only': 'none',
    'io-failed': 'none',
    'cannot-open': 'none',
    'space-missing': 'none',
    'storage-invalid': 'change-settings',
  },
  migration: {
    'nothing-pending': 'change-model',
    'not-complete': 'wait',
    'nothing-to-roll-back': 'none',
    'retention-over': 'none',
    'no-folder': 'open-folder',
    'no-index': 'index-folder',
    'model-not-loaded': 'change-model',
  },
  evaluation: { 'no-index': 'index-folder', 'no-queries': 'none', 'no-models': 'change-model' },
  calibration: { 'not-calibrated': 'index-folder', 'too-few-vectors': 'index-folder', 'model-mismatch': 'none' },
  download: {
    'checksum-mismatch': 'retry',
    'size-mismatch': 'retry',
    'http-error': 'change-model',
    network: 'retry',
    offline: 'change-settings',
    'not-found': 'change-model',
    'insecure-endpoint': 'change-settings',
    'disk-full': 'retry',
  },
  chunking: { 'invalid-options': 'change-settings', 'window-too-small': 'change-settings', disposed: 'none' },
  conversion: { unsupported: 'change-model', malformed: 'change-model' },
};

/** The next step of a kind's reason. */
export function nextStepOf<K extends CoreErrorKind>(kind: K, reason: CoreErrorReasons[K]): NextStep {
  return (NEXT_STEPS[kind] as Record<string, NextStep>)[reason] ?? 'none';
}

/** A failure of the core the user can act on: which part (`kind`), why (`reason`), and the next step. */
export class CoreError<K extends CoreErrorKind = CoreErrorKind> extends Error {
  readonly kind: K;
  readonly reason: CoreErrorReasons[K];
  readonly nextStep: NextStep;

  constructor(kind: K, reason: CoreErrorReasons[K], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CoreError';
    this.kind = kind;
    this.reason = reason;
    this.nextStep = nextStepOf(kind, reason);
  }
}

/**
 * Whether `error` is a `CoreError` (of `kind`, when given). Told by name and fields, not `instanceof`, so an
 * error made by another copy of this module (a bundle, a worker) is recognised too.
 */
export function isCoreError(error: unknown): error is CoreError;
export function isCoreError<K extends CoreErrorKind>(error: unknown, kind: K): error is CoreError<K>;
export function isCoreError(error: unknown, kind?: CoreErrorKind): error is CoreError {
  if (!(error instanceof Error) || error.name !== 'CoreError' || !('kind' in error) || !('reason' in error)) return false;
  return kind === undefined || error.kind === kind;
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

/**
 * Maps a SQLite error to a store `CoreError` by its result code (better-sqlite3 sets `code`, e.g.
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
      return new CoreError('store', 'disk-full', `The disk holding ${where} is full, so the last change was not saved; the index keeps what it had and still answers searches. Free some space, then index again.`, { cause: error });
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new CoreError('store', 'locked', `${capitalize(where)} is locked by another process (another window or a semsearch command is writing to it); searching still works. Wait for it to finish or close it, then try again.`, { cause: error });
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return new CoreError('store', 'corrupt', `${capitalize(where)} is damaged. Rebuild the index.`, { cause: error });
    case 'SQLITE_READONLY':
    case 'SQLITE_PERM':
      return readOnlyError(databasePath, error);
    case 'SQLITE_IOERR':
      return new CoreError('store', 'io-failed', `The disk failed to read or write ${where} (${code}). The last change was not saved; check the disk and its free space, then try again.`, { cause: error });
    case 'SQLITE_CANTOPEN':
      return new CoreError('store', 'cannot-open', `${capitalize(where)} cannot be opened. Check that its folder exists and is writable.`, { cause: error });
    default:
      return error;
  }
}

/** The error for an index database whose file or folder cannot be written. */
export function readOnlyError(databasePath: string, cause: unknown): CoreError<'store'> {
  return new CoreError('store', 'read-only', `The index database ${databasePath} cannot be written: its file or folder is read-only. The index keeps what it had and still answers searches; make the folder writable (or give semsearch another --db), then index again.`, { cause });
}

/**
 * The error for a worker that V8 stopped at its heap limit (`ERR_WORKER_OUT_OF_MEMORY`, matched by
 * its code); other worker failures are `runtime-failed`.
 */
export function workerFailure(error: Error & { code?: unknown }, what: string): CoreError<'model'> {
  if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new CoreError('model', 
      'out-of-memory',
      `The ${what} ran out of memory and was stopped; the index keeps what it had. Use fewer threads (the semanticSearch.model.threads setting, or --threads), choose a smaller model or its int8 quantization, then index again.`,
      { cause: error },
    );
  }
  return new CoreError('model', 'runtime-failed', `The ${what} crashed: ${error.message}`, { cause: error });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
