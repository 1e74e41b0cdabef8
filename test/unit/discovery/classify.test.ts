import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { classifyFile, discoverFiles, FileClassifier, isIgnoreFile } from '../../../extension/core/discovery/index.ts';
import type { DiscoveredFile } from '../../../extension/core/discovery/index.ts';
import { canSymlink, walkAll, withTree, type TreeSpec } from './fixture.ts';

const RICH_TREE: TreeSpec = {
  '.gitignore': '*.log\n!keep.log\n/build\ntemp/\n**/cache/**\n',
  '.semanticsearchignore': 'fixtures/\n',
  '.git': { info: { exclude: 'local-notes.md\n' }, HEAD: 'ref: refs/heads/main\n' },
  'local-notes.md': 'x',
  'a.log': 'x',
  'keep.log': 'x',
  build: { 'out.js': 'x' },
  temp: { 't.ts': 'x' },
  cache: { 'c.ts': 'x' },
  fixtures: { 'f.json': '{}' },
  node_modules: { dep: { 'index.js': 'x' } },
  '.env': 'SECRET=1',
  'package-lock.json': '{}',
  'logo.png': 'x',
  'bundle.js': `var a=${'1+'.repeat(3000)}1;`,
  'gen.ts': '// @generated\nexport {};\n',
  'big.txt': 'x'.repeat(2048),
  src: {
    '.gitignore': '*.tmp\n!keep.tmp\n',
    'main.ts': 'export {};\n',
    'a.tmp': 'x',
    'keep.tmp': 'x',
    'line\nbreak.ts': 'x',
    'ünï.ts': 'x',
    build: { 'inner.js': 'x' },
    deep: { cache: { 'd.ts': 'x' }, 'e.ts': 'x' },
  },
};

describe('classifyFile', () => {
  for (const io of ['sync', 'async'] as const) {
    it(`agrees with the walk on every path, including paths inside skipped folders (${io} io)`, async () => {
      await withTree(RICH_TREE, async (root) => {
        if (canSymlink()) {
          fs.symlinkSync('..', path.join(root, 'src', 'up'));
          fs.symlinkSync('/', path.join(root, 'src', 'system'));
          fs.symlinkSync('main.ts', path.join(root, 'src', 'alias.ts'));
          fs.symlinkSync('gone.ts', path.join(root, 'src', 'dangling.ts'));
        }
        if (process.platform !== 'win32') execFileSync('mkfifo', [path.join(root, 'src', 'pipe')]);
        const options = { maxFileBytes: 1024, io };
        const walked = new Map<string, DiscoveredFile>();
        for await (const file of discoverFiles([root], options)) walked.set(file.relativePath, file);
        const { skips } = await walkAll([root], options);
        assert.ok(skips.length >= 15, `expected many kinds of skips, got ${skips.length}`);

        const classifier = new FileClassifier(options);
        for (const [relativePath, file] of walked) {
          assert.deepEqual(await classifier.classify(root, relativePath), { kind: 'index', file }, relativePath);
        }
        for (const skip of skips) {
          const classification = await classifier.classify(root, skip.relativePath);
          assert.deepEqual(classification, { kind: 'skip', skip }, skip.relativePath);
        }
        // Every path on disk, walked without following symlinks: inside a skipped folder, the folder's skip.
        for (const relativePath of listEverything(root)) {
          const classification = await classifier.classify(root, relativePath);
          if (walked.has(relativePath)) {
            assert.equal(classification.kind, 'index', relativePath);
            continue;
          }
          if (classification.kind === 'folder') continue;
          assert.equal(classification.kind, 'skip', relativePath);
          const skip = classification.kind === 'skip' ? classification.skip : undefined;
          const recorded = skips.find((candidate) => candidate.relativePath === skip?.relativePath);
          assert.deepEqual(skip, recorded, relativePath);
          assert.ok(relativePath === skip?.relativePath || relativePath.startsWith(`${skip?.relativePath}/`), relativePath);
        }
      });
    });
  }

  it('says folder for a folder the walk would enter, vanished for a missing path, outside-root for ..', async () => {
    await withTree({ src: { 'a.ts': 'x' } }, async (root) => {
      assert.deepEqual(await classifyFile(root, 'src'), { kind: 'folder', root: path.resolve(root), relativePath: 'src' });
      const missing = await classifyFile(root, 'src/missing.ts');
      assert.equal(missing.kind === 'skip' && missing.skip.reason, 'vanished');
      const escaping = await classifyFile(root, 'src/../../etc/passwd');
      assert.equal(escaping.kind === 'skip' && escaping.skip.reason, 'outside-root');
      const normalized = await classifyFile(root, './src/../src/a.ts');
      assert.equal(normalized.kind === 'index' && normalized.file.relativePath, 'src/a.ts');
    });
  });

  it('caches ignore files until invalidated, and shares the cache with a walk', async () => {
    await withTree({ sub: { 'a.log': 'x', 'b.ts': 'x' } }, async (root) => {
      const classifier = new FileClassifier();
      assert.equal((await classifier.classify(root, 'sub/a.log')).kind, 'index');
      const gitignore = path.join(root, 'sub', '.gitignore');
      fs.writeFileSync(gitignore, '*.log\n');
      assert.ok(isIgnoreFile(gitignore));
      // Still the cached rules: the watcher must say that the ignore file changed.
      assert.equal((await classifier.classify(root, 'sub/a.log')).kind, 'index');
      classifier.invalidate(gitignore);
      const after = await classifier.classify(root, 'sub/a.log');
      assert.equal(after.kind === 'skip' && after.skip.detail, 'sub/.gitignore:1: *.log');

      // Forgetting a folder forgets the folders below it too.
      fs.writeFileSync(gitignore, '*.ts\n');
      classifier.invalidate(root);
      assert.equal((await classifier.classify(root, 'sub/a.log')).kind, 'index');

      const shared = await walkAll([root], { ignoreCache: classifier.ignoreCache });
      assert.deepEqual(shared.files, ['sub/.gitignore', 'sub/a.log']);
    });
  });

  it('checks a path against the rules of every folder above it', async () => {
    await withTree(
      { '.gitignore': 'generated/\n', generated: { deep: { 'x.ts': 'x' } }, lib: { '.gitignore': '/local.ts\n', 'local.ts': 'x' } },
      async (root) => {
        const inIgnored = await classifyFile(root, 'generated/deep/x.ts');
        assert.deepEqual(inIgnored, {
          kind: 'skip',
          skip: { root: path.resolve(root), relativePath: 'generated', reason: 'ignored', isFolder: true, detail: '.gitignore:1: generated/' },
        });
        const anchored = await classifyFile(root, 'lib/local.ts');
        assert.equal(anchored.kind === 'skip' && anchored.skip.reason, 'ignored');
      },
    );
  });
});

// Every path under root, not following symlinks, not entering .git.
function listEverything(root: string, folder = ''): string[] {
  const paths: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, folder), { withFileTypes: true })) {
    const relativePath = folder === '' ? entry.name : `${folder}/${entry.name}`;
    paths.push(relativePath);
    if (entry.isDirectory() && entry.name !== '.git') paths.push(...listEverything(root, relativePath));
  }
  return paths;
}
