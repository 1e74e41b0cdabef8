// The few file system calls discovery makes, in two flavours behind one interface.
//
// Why two: a walk makes about four calls per file (stat, open, read, close). Through libuv's thread pool
// each call is a round trip between threads, and on a machine with few cores those round trips are the
// whole cost of a walk; the same calls made synchronously are 5-8 times faster when the files are in the
// page cache, which they usually are. Synchronous calls block the event loop, so the walk gives it back
// every few milliseconds (see walk.ts). The async flavour suits slow or remote file systems, where one
// call can take long enough to matter.

import fs, { type BigIntStats, type Dirent, type Stats } from 'node:fs';

/** A value now (sync flavour) or later (async flavour); callers simply `await` it. */
export type MaybePromise<T> = T | Promise<T>;

/** The file system calls discovery needs. Errors are the usual Node errors with a `code`. */
export interface FileAccess {
  /** True when calls complete before they return, so the walk must yield to the event loop itself. */
  readonly blocking: boolean;
  stat(filePath: string): MaybePromise<Stats>;
  lstat(filePath: string): MaybePromise<Stats>;
  /** Device and inode, exact (bigint), as "dev:ino". */
  identity(filePath: string): MaybePromise<string>;
  realpath(filePath: string): MaybePromise<string>;
  readdir(folderPath: string): MaybePromise<Dirent[]>;
  /** Up to `length` bytes from the start of a file. */
  readSample(filePath: string, length: number): MaybePromise<Buffer>;
  readText(filePath: string): MaybePromise<string>;
}

// O_NONBLOCK keeps a FIFO that replaced a file after its stat from blocking the open (where it exists).
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

function identityOf(stats: BigIntStats): string {
  return `${stats.dev}:${stats.ino}`;
}

/** Synchronous calls: fastest on local disks; the walk yields to the event loop between slices. */
export const SYNC_FILE_ACCESS: FileAccess = {
  blocking: true,
  stat: (filePath) => fs.statSync(filePath),
  lstat: (filePath) => fs.lstatSync(filePath),
  identity: (filePath) => identityOf(fs.statSync(filePath, { bigint: true })),
  realpath: (filePath) => fs.realpathSync.native(filePath),
  readdir: (folderPath) => fs.readdirSync(folderPath, { withFileTypes: true }),
  readSample: (filePath, length) => {
    const fd = fs.openSync(filePath, OPEN_FLAGS);
    try {
      const buffer = Buffer.allocUnsafe(length);
      return buffer.subarray(0, fs.readSync(fd, buffer, 0, length, 0));
    } finally {
      fs.closeSync(fd);
    }
  },
  readText: (filePath) => fs.readFileSync(filePath, 'utf8'),
};

// Plain callbacks rather than `fs/promises`: cheaper per call, and a walk makes tens of thousands.
function call<T>(start: (done: (error: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value))));
}

/** Asynchronous calls through libuv's thread pool: never block, several in flight at once. */
export const ASYNC_FILE_ACCESS: FileAccess = {
  blocking: false,
  stat: (filePath) => call<Stats>((done) => fs.stat(filePath, done)),
  lstat: (filePath) => call<Stats>((done) => fs.lstat(filePath, done)),
  identity: async (filePath) => identityOf(await call<BigIntStats>((done) => fs.stat(filePath, { bigint: true }, done))),
  realpath: (filePath) => call<string>((done) => fs.realpath.native(filePath, done)),
  readdir: (folderPath) => call<Dirent[]>((done) => fs.readdir(folderPath, { withFileTypes: true }, done)),
  readSample: async (filePath, length) => {
    const fd = await call<number>((done) => fs.open(filePath, OPEN_FLAGS, done));
    try {
      const buffer = Buffer.allocUnsafe(length);
      const bytesRead = await call<number>((done) => fs.read(fd, buffer, 0, length, 0, done));
      return buffer.subarray(0, bytesRead);
    } finally {
      await call<void>((done) => fs.close(fd, (error) => done(error, undefined)));
    }
  },
  readText: (filePath) => call<string>((done) => fs.readFile(filePath, 'utf8', done)),
};
