// Reading a discovered file whole, for indexing. The walk decided on a `stat` and a 32 KiB sample; by the
// time the indexer reads the file it may be gone, denied, replaced, bigger than the limit, or half-way
// through being rewritten. This read checks the limit again on the open file and returns one version
// of it, never a mix of two, or says why it cannot, with a skip reason like the walk's.

import fs, { type Stats } from 'node:fs';
import type { DiscoverySummary, SkippedEntry, SkipReason } from './types.ts';

/** How often a file that changes while it is read is read again before it is skipped as 'changing'. */
export const READ_ATTEMPTS = 3;

/** The calls `readFileConsistently` makes; tests pass one that changes the file half-way. */
export interface WholeFileAccess {
  open(filePath: string): number;
  fstat(fd: number): Stats;
  /** Reads into `buffer` from `offset` at file position `position`; returns the bytes read (0 at the end). */
  read(fd: number, buffer: Buffer, offset: number, position: number): number;
  close(fd: number): void;
}

// O_NONBLOCK keeps a FIFO that replaced the file since the walk from blocking the open (where it exists).
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** The real file system, synchronously: a file is at most `maxFileBytes`, read in a few calls. */
export const NODE_WHOLE_FILE_ACCESS: WholeFileAccess = {
  open: (filePath) => fs.openSync(filePath, OPEN_FLAGS),
  fstat: (fd) => fs.fstatSync(fd),
  read: (fd, buffer, offset, position) => fs.readSync(fd, buffer, offset, buffer.length - offset, position),
  close: (fd) => fs.closeSync(fd),
};

/** One version of a file: its bytes, and the size and modification time that go with them. */
export interface ConsistentRead {
  readonly kind: 'read';
  readonly bytes: Buffer;
  readonly mtimeMs: number;
}

/** Why a file could not be read; `reason` is one of the walk's skip reasons. */
export interface ReadSkip {
  readonly kind: 'skip';
  readonly reason: SkipReason;
  readonly detail: string;
}

function sameVersion(before: Stats, after: Stats): boolean {
  return before.size === after.size && before.mtimeMs === after.mtimeMs && before.ctimeMs === after.ctimeMs;
}

function skipForReadError(error: unknown): ReadSkip {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'skip', reason: 'vanished', detail: `${code}: gone before it was read` };
  if (code === 'ELOOP') return { kind: 'skip', reason: 'symlink-loop', detail: code };
  // EACCES and EPERM are the expected ones; anything else (EIO, EISDIR...) is also reported with its code.
  return { kind: 'skip', reason: 'unreadable', detail: typeof code === 'string' ? code : String(error) };
}

/**
 * Reads a whole file if it is a regular file of at most `maxFileBytes`, and returns one version of it: the
 * size, modification and change times must be the same before and after, the read must end where the size
 * said, and a second read must give the same bytes. A file that changes meanwhile is read again, up to
 * `READ_ATTEMPTS` times. Never
 * throws for file system errors: they become skips ('vanished', 'unreadable', 'too-large', 'changing'...).
 */
export function readFileConsistently(filePath: string, maxFileBytes: number, access: WholeFileAccess = NODE_WHOLE_FILE_ACCESS): ConsistentRead | ReadSkip {
  for (let attempt = 1; attempt <= READ_ATTEMPTS; attempt += 1) {
    let fd: number;
    try {
      fd = access.open(filePath);
    } catch (error) {
      return skipForReadError(error);
    }
    try {
      const before = access.fstat(fd);
      if (before.isDirectory()) return { kind: 'skip', reason: 'vanished', detail: 'replaced by a folder' };
      if (!before.isFile()) return { kind: 'skip', reason: 'not-a-file', detail: 'a socket, FIFO or device' };
      if (before.size > maxFileBytes) return { kind: 'skip', reason: 'too-large', detail: `${before.size} bytes, over ${maxFileBytes}` };
      // Linux stamps the times when a write begins, so a read overlapping a write can see half of it with the
      // times unchanged after; a second read finds more of the write and differs. Reads are from the page
      // cache and a file is at most `maxFileBytes`, so this costs little next to chunking and embedding.
      const bytes = readWhole(access, fd, before.size);
      const again = readWhole(access, fd, before.size);
      const after = access.fstat(fd);
      if (bytes.length === before.size && bytes.equals(again) && sameVersion(before, after)) return { kind: 'read', bytes, mtimeMs: after.mtimeMs };
    } catch (error) {
      return skipForReadError(error);
    } finally {
      try {
        access.close(fd);
      } catch {
        // A failed close of a read-only descriptor loses nothing.
      }
    }
  }
  return { kind: 'skip', reason: 'changing', detail: `still changing after ${READ_ATTEMPTS} reads` };
}

/** Reads from the start until the end of the file, or one byte past `size` (which shows that it grew). */
function readWhole(access: WholeFileAccess, fd: number, size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size + 1);
  let length = 0;
  while (length < buffer.length) {
    const count = access.read(fd, buffer, length, length);
    if (count === 0) break;
    length += count;
  }
  return buffer.subarray(0, length);
}

/**
 * A walk's summary with the skips found afterwards, while the files were read, added to it: each such
 * file was counted as found by the walk, so it moves from `files` to its skip reason.
 */
export function withReadSkips(summary: DiscoverySummary, skips: readonly SkippedEntry[], examplesPerReason = 5): DiscoverySummary {
  if (skips.length === 0) return summary;
  const skipped = { ...summary.skipped };
  const examples: Record<SkipReason, readonly SkippedEntry[]> = { ...summary.examples };
  for (const skip of skips) {
    skipped[skip.reason] += 1;
    if (examples[skip.reason].length < examplesPerReason) examples[skip.reason] = [...examples[skip.reason], skip];
  }
  return { ...summary, files: summary.files - skips.length, skipped, skippedTotal: summary.skippedTotal + skips.length, examples };
}
