import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { classifyFile } from '../../../extension/core/discovery/index.ts';
import { canSymlink, permissionsAreBypassed, reasonFor, walkAll, withTree, type TreeSpec } from './fixture.ts';

const noSymlinks = canSymlink() ? false : 'symlinks need privileges on Windows';
const discoveryModule = fileURLToPath(new URL('../../../extension/core/discovery/index.ts', import.meta.url));

describe('discoverFiles: symlinks', { skip: noSymlinks }, () => {
  it('folds symlinks to targets inside the root (indexed once, under the real path) and stops at loops', async () => {
    await withTree({ src: { 'a.ts': 'x', nested: { 'b.ts': 'x' } }, 'real.ts': 'x' }, async (root) => {
      fs.symlinkSync('..', path.join(root, 'src', 'nested', 'up'));
      fs.symlinkSync(path.join(root, 'src'), path.join(root, 'alias'));
      fs.symlinkSync('real.ts', path.join(root, 'link.ts'));
      fs.symlinkSync('self-a', path.join(root, 'self-b'));
      fs.symlinkSync('self-b', path.join(root, 'self-a'));
      const result = await walkAll([root]);
      assert.deepEqual(result.files, ['real.ts', 'src/a.ts', 'src/nested/b.ts']);
      assert.equal(reasonFor(result, 'src/nested/up'), 'symlink-loop');
      assert.deepEqual(result.skips.find((skip) => skip.relativePath === 'alias'), { root, relativePath: 'alias', reason: 'folded-symlink', isFolder: true, detail: 'src' });
      assert.deepEqual(result.skips.find((skip) => skip.relativePath === 'link.ts'), { root, relativePath: 'link.ts', reason: 'folded-symlink', isFolder: false, detail: 'real.ts' });
      assert.equal(reasonFor(result, 'self-a'), 'symlink-loop');
      assert.equal(reasonFor(result, 'self-b'), 'symlink-loop');
    });
  });

  // Issue 15: serde's `serde/src/core` links to `serde_core/src`, and `serde_derive_internals/src` to
  // `serde_derive/src/internals`; both copies were indexed and took each other's top-10 places.
  const SERDE_LIKE: TreeSpec = {
    serde: { src: { 'lib.rs': 'pub mod de;' } },
    serde_core: { src: { 'lib.rs': 'pub mod de;', 'de.rs': 'pub trait Deserialize {}' } },
    serde_derive: { src: { 'lib.rs': 'mod internals;', internals: { 'ast.rs': 'pub struct Container;' } } },
    serde_derive_internals: { 'Cargo.toml': '[package]' },
  };
  function linkSerdeLike(root: string): void {
    // One link sorts before its target ('serde' < 'serde_core'), the other after it: the walk order must not matter.
    fs.symlinkSync(path.join('..', '..', 'serde_core', 'src'), path.join(root, 'serde', 'src', 'core'));
    fs.symlinkSync(path.join('..', 'serde_derive', 'src', 'internals'), path.join(root, 'serde_derive_internals', 'src'));
  }
  const SERDE_REAL_FILES = ['serde/src/lib.rs', 'serde_core/src/de.rs', 'serde_core/src/lib.rs', 'serde_derive/src/internals/ast.rs', 'serde_derive/src/lib.rs', 'serde_derive_internals/Cargo.toml'];

  for (const io of ['sync', 'async'] as const) {
    it(`indexes a file reached through a folder link once, under its real path, whichever comes first in the walk (${io})`, async () => {
      await withTree(SERDE_LIKE, async (root) => {
        linkSerdeLike(root);
        const result = await walkAll([root], { io });
        assert.deepEqual(result.files, SERDE_REAL_FILES);
        const folded = result.skips.filter((skip) => skip.reason === 'folded-symlink').map((skip) => [skip.relativePath, skip.detail]);
        assert.deepEqual(folded, [
          ['serde/src/core', 'serde_core/src'],
          ['serde_derive_internals/src', 'serde_derive/src/internals'],
        ]);
        assert.equal(result.summary.skipped['folded-symlink'], 2);
      });
    });
  }

  it('folds the same links when the walk starts inside the link or the root is reached through a link', async () => {
    await withTree({ repo: SERDE_LIKE }, async (base) => {
      const root = path.join(base, 'repo');
      linkSerdeLike(root);
      fs.symlinkSync(root, path.join(base, 'repo-link'));
      const throughLink = await walkAll([path.join(base, 'repo-link')]);
      assert.deepEqual(throughLink.files, SERDE_REAL_FILES);
      assert.equal(throughLink.summary.skipped['folded-symlink'], 2);
      const below = await walkAll([{ root, folder: 'serde/src/core' }]);
      assert.deepEqual(below.files, []);
      assert.deepEqual(below.skips.map((skip) => [skip.relativePath, skip.reason]), [['serde/src/core', 'folded-symlink']]);
    });
  });

  it('classifies a path through a folded link as skipped, and its real path as indexed (the watcher agrees with the walk)', async () => {
    await withTree(SERDE_LIKE, async (root) => {
      linkSerdeLike(root);
      const throughLink = await classifyFile(root, 'serde/src/core/de.rs');
      assert.equal(throughLink.kind, 'skip');
      assert.deepEqual(throughLink.kind === 'skip' && [throughLink.skip.relativePath, throughLink.skip.reason, throughLink.skip.detail], ['serde/src/core', 'folded-symlink', 'serde_core/src']);
      const link = await classifyFile(root, 'serde_derive_internals/src');
      assert.equal(link.kind === 'skip' && link.skip.reason, 'folded-symlink');
      const real = await classifyFile(root, 'serde_core/src/de.rs');
      assert.equal(real.kind === 'index' && real.file.absolutePath, path.join(root, 'serde_core', 'src', 'de.rs'));
    });
  });

  it('applies ignore rules to the real path: a link into an ignored folder indexes nothing', async () => {
    await withTree({ '.gitignore': 'build/\n', build: { v2: { 'out.ts': 'x' } }, 'main.ts': 'x' }, async (root) => {
      fs.symlinkSync(path.join('build', 'v2'), path.join(root, 'current'));
      const result = await walkAll([root]);
      assert.deepEqual(result.files, ['.gitignore', 'main.ts']);
      assert.equal(reasonFor(result, 'build'), 'ignored');
      assert.equal(reasonFor(result, 'current'), 'folded-symlink');
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
      // Links out of the root are not folded: each one followed is walked under its own path.
      fs.symlinkSync(path.join(base, 'outside'), path.join(root, 'out-again'));
      const twice = await walkAll([root], { followSymlinksOutsideRoot: true });
      assert.deepEqual(twice.files, ['in.ts', 'out-again/o.md', 'out-again/o.ts', 'out-file.md', 'out-folder/o.md', 'out-folder/o.ts']);
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
