// Reading a discovered file whole: one version of it or a skip with its reason, whatever happens meanwhile.
// Changes in the middle of a read are injected through the function's own file-access seam.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  NODE_WHOLE_FILE_ACCESS,
  READ_ATTEMPTS,
  readFileConsistently,
  withReadSkips,
  type WholeFileAccess,
} from '../../../extension/core/discovery/index.ts';
import { walkAll, withTree } from './fixture.ts';

/** The real calls, with `beforeRead(readCall)` run before each read and reads cut to `chunkBytes`. */
function interfering(beforeRead: (readCall: number) => void, chunkBytes = Number.MAX_SAFE_INTEGER): WholeFileAccess & { opens: number; reads: number } {
  const access = {
    opens: 0,
    reads: 0,
    open(filePath: string): number {
      access.opens += 1;
      return NODE_WHOLE_FILE_ACCESS.open(filePath);
    },
    fstat: NODE_WHOLE_FILE_ACCESS.fstat,
    close: NODE_WHOLE_FILE_ACCESS.close,
    read(fd: number, buffer: Buffer, offset: number, position: number): number {
      access.reads += 1;
      beforeRead(access.reads);
      return fs.readSync(fd, buffer, offset, Math.min(chunkBytes, buffer.length - offset), position);
    },
  };
  return access;
}

describe('readFileConsistently', () => {
  it('reads a whole file with the modification time of the version read', async () => {
    await withTree({ 'a.ts': 'export const a = 1;\n' }, async (root) => {
      const file = path.join(root, 'a.ts');
      const read = readFileConsistently(file, 1024);
      assert.equal(read.kind, 'read');
      assert.equal(read.kind === 'read' && read.bytes.toString(), 'export const a = 1;\n');
      assert.equal(read.kind === 'read' && read.mtimeMs, fs.statSync(file).mtimeMs);
    });
  });

  it('never returns a mix: a rewrite between two reads of the same file is noticed and the new version read whole', async () => {
    const before = 'a'.repeat(4096);
    const after = 'b'.repeat(4096);
    await withTree({ 'same-size.txt': before }, async (root) => {
      const file = path.join(root, 'same-size.txt');
      // Reads of 1 KiB: the rewrite lands after the first quarter of the old version was read.
      const access = interfering((call) => {
        if (call === 2) fs.writeFileSync(file, after);
      }, 1024);
      const read = readFileConsistently(file, 1 << 20, access);
      assert.equal(read.kind, 'read');
      assert.equal(read.kind === 'read' && read.bytes.toString(), after);
      assert.equal(access.opens, 2, 'the file was read again');
    });
  });

  it('never returns a write caught half-way whose times were stamped before the read began', async () => {
    // Linux stamps the times when a write begins: the stats never change here, only the bytes do.
    const halfWritten = `${'a'.repeat(2048)}${'b'.repeat(2048)}`;
    const written = 'b'.repeat(4096);
    await withTree({ 'saving.txt': halfWritten }, async (root) => {
      const file = path.join(root, 'saving.txt');
      const frozen = fs.statSync(file);
      const access = interfering((call) => {
        if (call === 3) fs.writeFileSync(file, written); // the write completes between the two reads
      });
      const read = readFileConsistently(file, 1 << 20, { ...access, read: access.read, fstat: () => frozen });
      assert.equal(read.kind === 'read' && read.bytes.toString(), written);
    });
  });

  it('reads a file again when it grows or shrinks while being read', async () => {
    await withTree({ 'log.txt': 'first line\n' }, async (root) => {
      const file = path.join(root, 'log.txt');
      const grows = interfering((call) => {
        if (call === 1) fs.appendFileSync(file, 'second line\n');
      });
      const grown = readFileConsistently(file, 1 << 20, grows);
      assert.equal(grown.kind === 'read' && grown.bytes.toString(), 'first line\nsecond line\n');
      const shrinks = interfering((call) => {
        if (call === 1) fs.writeFileSync(file, 'x\n');
      });
      const shrunk = readFileConsistently(file, 1 << 20, shrinks);
      assert.equal(shrunk.kind === 'read' && shrunk.bytes.toString(), 'x\n');
    });
  });

  it(`skips a file as 'changing' when it changes during each of ${READ_ATTEMPTS} reads`, async () => {
    await withTree({ 'busy.txt': 'v0\n' }, async (root) => {
      const file = path.join(root, 'busy.txt');
      let version = 0;
      const access = interfering(() => fs.writeFileSync(file, `v${++version}\n`.repeat(version)));
      const read = readFileConsistently(file, 1 << 20, access);
      assert.deepEqual(read, { kind: 'skip', reason: 'changing', detail: `still changing after ${READ_ATTEMPTS} reads` });
      assert.equal(access.opens, READ_ATTEMPTS);
    });
  });

  it('skips what is gone, grew past the limit, became a folder or a FIFO, with the walk\'s reasons', async (t) => {
    await withTree({ 'big.txt': 'x'.repeat(2048), 'folder': { 'inside.ts': 'x' } }, async (root) => {
      assert.deepEqual(readFileConsistently(path.join(root, 'gone.ts'), 1024), { kind: 'skip', reason: 'vanished', detail: 'ENOENT: gone before it was read' });
      assert.deepEqual(readFileConsistently(path.join(root, 'big.txt'), 1024), { kind: 'skip', reason: 'too-large', detail: '2048 bytes, over 1024' });
      assert.deepEqual(readFileConsistently(path.join(root, 'folder'), 1024), { kind: 'skip', reason: 'vanished', detail: 'replaced by a folder' });
      if (process.platform === 'win32') {
        t.diagnostic('no FIFOs on Windows');
        return;
      }
      execFileSync('mkfifo', [path.join(root, 'pipe.ts')]);
      // Opening a FIFO without a writer would block forever without O_NONBLOCK.
      assert.deepEqual(readFileConsistently(path.join(root, 'pipe.ts'), 1024), { kind: 'skip', reason: 'not-a-file', detail: 'a socket, FIFO or device' });
    });
  });

  it('withReadSkips moves files skipped at read time from the walk\'s files to their reasons', async () => {
    await withTree({ 'a.ts': 'x', 'b.ts': 'x', 'c.ts': 'x' }, async (root) => {
      const { summary } = await walkAll([root]);
      const later = withReadSkips(summary, [
        { root, relativePath: 'a.ts', reason: 'vanished', isFolder: false, detail: 'ENOENT' },
        { root, relativePath: 'b.ts', reason: 'changing', isFolder: false },
      ]);
      assert.equal(later.files, 1);
      assert.equal(later.skippedTotal, summary.skippedTotal + 2);
      assert.equal(later.skipped.vanished, 1);
      assert.equal(later.skipped.changing, 1);
      assert.deepEqual(later.examples.vanished.map((skip) => skip.relativePath), ['a.ts']);
      assert.equal(withReadSkips(summary, []), summary);
    });
  });
});
