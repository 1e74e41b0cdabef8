// What an index run (index-run.ts) keeps of a file on its way from the walk to the store: the file as the walk
// found it, what reading it gave, and the checks that decide whether its content changed.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Chunk } from '../chunking/types.ts';
import type { DiscoveredFile } from '../discovery/index.ts';
import type { FileRecord, StoredFile } from '../store/index-store.ts';

/**
 * How close to the read a file's mtime may be before it stops proving anything. A save in the same
 * clock tick as the read (a few ms on Linux, 1-2 s on HFS+ and FAT) can keep both the size and the
 * mtime, so such a file is stored with an mtime no stat matches, and the next run reads it again.
 */
export const RACY_MTIME_MS = 2000;

/** The mtime to record for a file read at `readStartedMs`: its own, or -1 when a later save could share it. */
export function trustedMtime(mtimeMs: number, readStartedMs: number): number {
  return mtimeMs >= readStartedMs - RACY_MTIME_MS ? -1 : mtimeMs;
}

/**
 * A file the scan found new or changed, waiting to be indexed. It keeps what the walk found but not the
 * absolute path, which it joins again when asked: in a first run over a large workspace every file
 * waits, and the absolute paths would double what the list holds.
 */
export class ChangedFile implements DiscoveredFile {
  readonly root: string;
  readonly relativePath: string;
  readonly size: number;
  readonly mtimeMs: number;

  constructor(file: DiscoveredFile) {
    this.root = file.root;
    this.relativePath = file.relativePath;
    this.size = file.size;
    this.mtimeMs = file.mtimeMs;
  }

  get absolutePath(): string {
    return path.join(this.root, this.relativePath);
  }
}

/** Each file with what the index knows of it, looked up as the file's turn comes (not all held at once). */
export function* withKnown<F extends DiscoveredFile>(files: readonly F[], known: (file: F) => StoredFile | undefined): Generator<readonly [F, StoredFile | undefined]> {
  for (const file of files) yield [file, known(file)];
}

/** sha256 of a file's bytes. */
export function contentHashOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A file `startFile` has read: nothing more to do, its chunks on the way, or why it failed. */
export interface StartedFile {
  file: DiscoveredFile;
  chunking?: Promise<Chunk[]>;
  record?: Omit<FileRecord, 'language'>;
  error?: unknown;
}
