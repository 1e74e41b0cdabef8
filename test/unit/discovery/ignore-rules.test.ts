import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { IgnoreRuleCache, parseIgnoreFile } from '../../../extension/core/discovery/index.ts';
import { walkAll, withTree, type TreeSpec } from './fixture.ts';

describe('parseIgnoreFile', () => {
  it('rebases rules onto the root and marks where they came from', () => {
    const text = '\uFEFF# comment\n\n*.log\r\n!keep.log\n/anchored\nmid/dle\nfolder/\n   \n/\n';
    assert.deepEqual(
      parseIgnoreFile(text, 'a/b', 'a/b/.gitignore').map((rule) => rule.pattern),
      ['a/b/**/*.log', '!a/b/**/keep.log', 'a/b/anchored', 'a/b/mid/dle', 'a/b/**/folder/'],
    );
    assert.equal(parseIgnoreFile('x\n*.log\n', '', '.gitignore')[1]?.mark, '.gitignore:2: *.log');
    assert.deepEqual(
      parseIgnoreFile('*.js\n', '!odd/[x]*', 's').map((rule) => rule.pattern),
      ['\\!odd/\\[x]\\*/**/*.js'],
    );
  });
});

describe('IgnoreRuleCache', () => {
  it('reads a folder once, forgets least recently used folders past its size, and forgets on invalidate', async () => {
    await withTree({ a: { '.gitignore': 'x\n' }, b: { '.gitignore': 'y\n' }, c: {} }, async (root) => {
      const cache = new IgnoreRuleCache({ maxFolders: 2 });
      const folderA = path.join(root, 'a');
      const first = await cache.rulesFor(root, folderA, 'a');
      assert.deepEqual(first.gitIgnore.map((rule) => rule.pattern), ['a/**/x']);
      assert.equal(await cache.rulesFor(root, folderA, 'a'), first);
      await cache.rulesFor(root, path.join(root, 'b'), 'b');
      await cache.rulesFor(root, folderA, 'a');
      await cache.rulesFor(root, path.join(root, 'c'), 'c');
      assert.equal(cache.size, 2);
      // b was the least recently used, so a is still the same object.
      assert.equal(await cache.rulesFor(root, folderA, 'a'), first);
      cache.invalidate(path.join(folderA, '.gitignore'));
      assert.notEqual(await cache.rulesFor(root, folderA, 'a'), first);
      cache.clear();
      assert.equal(cache.size, 0);
    });
  });
});

// Git itself is the reference for ignore semantics: `git ls-files --others --exclude-standard` lists
// exactly the files a fresh repository does not ignore.
const hasGit = (() => {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const ORACLE_TREE: TreeSpec = {
  '.gitignore': [
    '*.log',
    '!keep.log',
    '/build',
    'docs/**/*.tmp',
    'temp/',
    '**/cache/**',
    '!**/cache/keep/',
    'a?c.txt',
    '[Bb]ackup*',
    '# a comment',
    '\\#hash.txt',
    'trailing.txt   ',
    'x/**/y',
    '**/deep/**/z.md',
    '*.[oa]',
  ].join('\n'),
  'a.log': 'x',
  'keep.log': 'x',
  build: { 'out.js': 'x' },
  docs: { 'c.tmp': 'x', a: { 'b.tmp': 'x', 'b.md': 'x' } },
  other: { docs: { 'd.tmp': 'x' }, temp: 'a file, not a folder' },
  temp: { 't.txt': 'x' },
  cache: { 'x.js': 'x' },
  a: { cache: { 'y.js': 'x', keep: { 'z.js': 'x' } } },
  'abc.txt': 'x',
  'abbc.txt': 'x',
  'Backup1.js': 'x',
  'backup2.js': 'x',
  'backup3.js.keep': 'x',
  '#hash.txt': 'x',
  'trailing.txt': 'x',
  x: { y: 'x', m: { y: { 'inside.ts': 'x' } }, 'yy.ts': 'x' },
  q: { deep: { r: { 'z.md': 'x' }, 'z.md': 'x' } },
  'lib.o': 'x',
  'lib.c': 'x',
  sub: {
    '.gitignore': ['*.txt', '!important.txt', '/anchored.md', 'deep/', '!*.log', 'build'].join('\n'),
    'a.txt': 'x',
    'important.txt': 'x',
    'anchored.md': 'x',
    x: { 'anchored.md': 'x' },
    deep: { 'f.js': 'x' },
    y: { deep: { 'g.js': 'x' } },
    'sub.log': 'x',
    build: { 'b.js': 'x' },
    inner: { '.gitignore': '!*.txt\n*.md\n', 'b.txt': 'x', 'c.md': 'x' },
  },
  'sp ace': { '.gitignore': 'file one.txt\n', 'file one.txt': 'x', 'file two.txt': 'x' },
  'ünï': { '.gitignore': '*.ç\n', 'a.ç': 'x', 'b.ts': 'x' },
  'br[a]ck': { '.gitignore': '*.js\n!keep.js\n', 'x.js': 'x', 'keep.js': 'x', 'y.md': 'x' },
  '!bang': { '.gitignore': '*.md\n', 'a.md': 'x', 'b.ts': 'x' },
  'new\nline': { '.gitignore': '/local.ts\n', 'local.ts': 'x', 'kept.ts': 'x', n: { 'local.ts': 'x' } },
};

describe('ignore rules against git', { skip: !hasGit && 'git is not installed' }, () => {
  it('lists the same files as git ls-files --others --exclude-standard', async () => {
    await withTree(ORACLE_TREE, async (root) => {
      execFileSync('git', ['init', '-q'], { cwd: root });
      fs.writeFileSync(path.join(root, '.git', 'info', 'exclude'), 'abbc.txt\n');
      const output = execFileSync('git', ['-c', 'core.quotePath=false', 'ls-files', '--others', '--exclude-standard', '-z'], {
        cwd: root,
        encoding: 'utf8',
      });
      const expected = output.split('\0').filter((name) => name !== '').sort();
      const result = await walkAll([root], {
        defaultExcludes: ['**/.git'],
        secretExcludes: [],
        skipGenerated: false,
        skipMinified: false,
        caseInsensitive: false,
      });
      assert.deepEqual([...result.files].sort(), expected);
      assert.ok(expected.length > 20, 'the oracle tree keeps a good number of files');
    });
  });
});
