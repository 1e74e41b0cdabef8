import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { canSymlink, permissionsAreBypassed, reasonFor, walkAll, withTree } from './fixture.ts';

const noSymlinks = canSymlink() ? false : 'symlinks need privileges on Windows';
const discoveryModule = fileURLToPath(new URL('../../../extension/core/discovery/index.ts', import.meta.url));

describe('discoverFiles: symlinks', { skip: noSymlinks }, () => {
  it('follows symlinks inside the root and stops at loops', async () => {
    await withTree({ src: { 'a.ts': 'x', nested: { 'b.ts': 'x' } }, 'real.ts': 'x' }, async (root) => {
      fs.symlinkSync('..', path.join(root, 'src', 'nested', 'up'));
      fs.symlinkSync(path.join(root, 'src'), path.join(root, 'alias'));
      fs.symlinkSync('real.ts', path.join(root, 'link.ts'));
      fs.symlinkSync('self-a', path.join(root, 'self-b'));
      fs.symlinkSync('self-b', path.join(root, 'self-a'));
      const result = await walkAll([root]);
      assert.deepEqual(result.files, ['alias/a.ts', 'alias/nested/b.ts', 'link.ts', 'real.ts', 'src/a.ts', 'src/nested/b.ts']);
      assert.equal(reasonFor(result, 'src/nested/up'), 'symlink-loop');
      assert.equal(reasonFor(result, 'alias/nested/up'), 'symlink-loop');
      assert.equal(reasonFor(result, 'self-a'), 'symlink-loop');
      assert.equal(reasonFor(result, 'self-b'), 'symlink-loop');
    });
  });

  it('does not follow symlinks out of the root unless allowed', async () => {
    await withTree({ outside: { 'o.ts': 'x', 'o.md': 'x' }, root: { 'in.ts': 'x' } }, async (base) => {
      const root = path.join(base, 'root');
      fs.symlinkSync(path.join(base, 'outside'), path.join(root, 'out-folder'));
      fs.symlinkSync(path.join(base, 'outside', 'o.md'), path.join(root, 'out-file.md'));
      const result = await walkAll([root]);
      assert.deepEqual(result.files, ['in.ts']);
      assert.equal(reasonFor(result, 'out-folder'), 'outside-root');
      assert.equal(reasonFor(result, 'out-file.md'), 'outside-root');
      const followed = await walkAll([root], { followSymlinksOutsideRoot: true });
      assert.deepEqual(followed.files, ['in.ts', 'out-file.md', 'out-folder/o.md', 'out-folder/o.ts']);
    });
  });

  it('counts a symlink whose target is missing as broken', async () => {
    await withTree({ 'a.ts': 'x' }, async (root) => {
      fs.symlinkSync('missing.ts', path.join(root, 'dangling.ts'));
      const result = await walkAll([root]);
      assert.deepEqual(result.files, ['a.ts']);
      assert.equal(reasonFor(result, 'dangling.ts'), 'broken-symlink');
    });
  });
});

describe('discoverFiles: things that are not regular files', () => {
  it('skips FIFOs without opening them (opening one would block)', { skip: process.platform === 'win32' && 'no FIFOs on Windows' }, async () => {
    await withTree({ 'a.ts': 'x' }, async (root) => {
      execFileSync('mkfifo', [path.join(root, 'pipe.ts')]);
      fs.symlinkSync('pipe.ts', path.join(root, 'pipe-link.ts'));
      const result = await walkAll([root]);
      assert.deepEqual(result.files, ['a.ts']);
      assert.equal(reasonFor(result, 'pipe.ts'), 'not-a-file');
      assert.equal(reasonFor(result, 'pipe-link.ts'), 'not-a-file');
    });
  });

  it('skips sockets', { skip: process.platform === 'win32' && 'no Unix sockets in folders on Windows' }, async () => {
    await withTree({ 'a.ts': 'x' }, async (root) => {
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(path.join(root, 'server.sock'), resolve));
      try {
        const result = await walkAll([root]);
        assert.deepEqual(result.files, ['a.ts']);
        assert.equal(reasonFor(result, 'server.sock'), 'not-a-file');
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });

  it('walks names with newlines, spaces and non-ASCII characters', async () => {
    await withTree(
      { 'line\nbreak.ts': 'x', 'with space.ts': 'x', 'ünïcödé': { '日本語.md': 'x' }, 'tab\there.ts': 'x' },
      async (root) => {
        const result = await walkAll([root]);
        assert.deepEqual(result.files, ['line\nbreak.ts', 'tab\there.ts', 'with space.ts', 'ünïcödé/日本語.md']);
        assert.equal(result.summary.skippedTotal, 0);
      },
    );
  });

  it('counts a name that is not valid UTF-8 as unreadable', { skip: process.platform !== 'linux' && 'only Linux allows such names' }, async () => {
    await withTree({ 'a.ts': 'x' }, async (root) => {
      const name = Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.ts')]);
      fs.writeFileSync(name, 'x');
      const result = await walkAll([root]);
      assert.deepEqual(result.files, ['a.ts']);
      assert.equal(result.summary.skipped.unreadable, 1);
      assert.match(result.summary.examples.unreadable[0]?.detail ?? '', /UTF-8/);
    });
  });
});

describe('discoverFiles: permission denied', { skip: process.platform === 'win32' && 'chmod does not deny reads on Windows' }, () => {
  it('counts unreadable files and folders instead of throwing', async (t) => {
    await withTree({ locked: { 'inside.ts': 'x' }, 'secret.txt': 'x', 'open.ts': 'x' }, async (root) => {
      fs.chmodSync(path.join(root, 'locked'), 0o000);
      fs.chmodSync(path.join(root, 'secret.txt'), 0o000);
      let outcome: { files: string[]; skips: [string, string][] };
      if (!permissionsAreBypassed()) {
        const result = await walkAll([root]);
        outcome = { files: result.files, skips: result.skips.map((skip) => [skip.relativePath, skip.reason]) };
      } else {
        // Root reads through chmod 000, so the walk runs in a child process as an unprivileged user.
        const child = runAsNobody(root);
        if (typeof child === 'string') {
          t.skip(`running as root, where chmod does not block reads, and ${child}`);
          return;
        }
        outcome = child;
      }
      assert.deepEqual(outcome.files, ['open.ts']);
      assert.deepEqual(outcome.skips, [
        ['locked', 'unreadable'],
        ['secret.txt', 'unreadable'],
      ]);
    });
  });
});

const NOBODY = 65534;

// Walks `root` in a child process running as `nobody`; returns why not when that is impossible here.
function runAsNobody(root: string): { files: string[]; skips: [string, string][] } | string {
  fs.chmodSync(root, 0o755);
  for (const name of ['open.ts']) fs.chmodSync(path.join(root, name), 0o644);
  const script = `
    import { discoverFiles } from ${JSON.stringify(discoveryModule)};
    const skips = [];
    const files = [];
    for await (const file of discoverFiles([${JSON.stringify(root)}], { onSkip: (s) => skips.push([s.relativePath, s.reason]) })) {
      files.push(file.relativePath);
    }
    console.log(JSON.stringify({ files, skips }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    uid: NOBODY,
    gid: NOBODY,
    cwd: path.dirname(root),
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (child.error !== undefined) return `a child process as nobody failed to start (${child.error.message})`;
  if (child.status !== 0) return `the child process as nobody failed: ${child.stderr.trim().split('\n')[0]}`;
  return JSON.parse(child.stdout) as { files: string[]; skips: [string, string][] };
}
