import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkRelativePath, resolveInsideFolder } from '../../../extension/host/workspace-paths.ts';
import type { PathFileSystem, PathRefusalReason } from '../../../extension/host/workspace-paths.ts';

const ACCEPTED = [
  'src/a.ts',
  'a/b/c/d/e.py',
  'README.md',
  '.github/workflows/ci.yml',
  'file with spaces.md',
  'ünïcødé/日本語/файл.ts',
  'emoji-😀.md',
  'a..b.ts',
  '..hidden',
  'trailing..',
  'src/./a.ts',
  'a%2fb.ts',
  '100%.txt',
  'line\nbreak.ts',
];

const REFUSED: Array<[string, PathRefusalReason]> = [
  ['', 'empty'],
  ['.', 'empty'],
  ['./', 'empty'],
  ['..', 'parent-segment'],
  ['../secret', 'parent-segment'],
  ['a/../../secret', 'parent-segment'],
  ['a/..', 'parent-segment'],
  ['src/../a.ts', 'parent-segment'],
  ['..\\secret', 'parent-segment'],
  ['a\\..\\..\\secret', 'parent-segment'],
  ['...', 'parent-segment'],
  ['.. /x', 'parent-segment'],
  ['%2e%2e/secret', 'encoded-traversal'],
  ['%2E%2E%2Fsecret', 'encoded-traversal'],
  ['a/%2e%2e/%2e%2e/secret', 'encoded-traversal'],
  ['%252e%252e/secret', 'encoded-traversal'],
  ['%2fetc/passwd', 'encoded-traversal'],
  ['x%00.ts', 'encoded-traversal'],
  ['/etc/passwd', 'absolute'],
  ['\\Windows\\win.ini', 'absolute'],
  ['\\\\server\\share\\file.ts', 'unc'],
  ['//server/share/file.ts', 'unc'],
  ['\\\\?\\C:\\Windows', 'unc'],
  ['C:\\Windows\\win.ini', 'drive-letter'],
  ['c:/Windows/win.ini', 'drive-letter'],
  ['C:relative.txt', 'drive-letter'],
  ['file:///etc/passwd', 'url-scheme'],
  ['vscode-remote://host/etc/passwd', 'url-scheme'],
  ['https://example.com/a.ts', 'url-scheme'],
  ['javascript:alert(1)', 'url-scheme'],
  ['notes.txt:stream', 'url-scheme'],
  ['a\0b.ts', 'nul-byte'],
  ['src/a.ts\0', 'nul-byte'],
  ['a/'.repeat(2100), 'too-long'],
];

describe('checkRelativePath', () => {
  for (const relativePath of ACCEPTED) {
    it(`accepts ${JSON.stringify(relativePath)}`, () => {
      assert.equal(checkRelativePath(relativePath, 'posix'), undefined);
      if (!relativePath.includes('\n')) assert.equal(checkRelativePath(relativePath, 'win32'), undefined);
    });
  }

  it('refuses every escape, on both platforms', () => {
    for (const [relativePath, reason] of REFUSED) {
      assert.equal(checkRelativePath(relativePath, 'posix'), reason, `posix ${JSON.stringify(relativePath)}`);
      assert.equal(checkRelativePath(relativePath, 'win32'), reason, `win32 ${JSON.stringify(relativePath)}`);
    }
  });

  it('refuses characters Windows gives a meaning to only on Windows', () => {
    for (const relativePath of ['docs/notes.txt:secret', 'a|b.ts', 'what?.md', 'a*.ts', 'x<y>.ts', 'say "hi".md']) {
      assert.equal(checkRelativePath(relativePath, 'win32'), 'invalid-character', relativePath);
      assert.equal(checkRelativePath(relativePath, 'posix'), undefined, relativePath);
    }
  });
});

describe('resolveInsideFolder', () => {
  let root: string;
  let workspace: string;
  let outside: string;
  const symlinks = process.platform !== 'win32';

  before(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'workspace-paths-')));
    workspace = path.join(root, 'workspace');
    outside = path.join(root, 'outside');
    fs.mkdirSync(path.join(workspace, 'src', 'nested'), { recursive: true });
    fs.mkdirSync(path.join(workspace, 'ünï', '日本語'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(workspace, 'src', 'nested', 'a.ts'), 'export {};\n');
    fs.writeFileSync(path.join(workspace, 'ünï', '日本語', 'файл.ts'), 'export {};\n');
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret\n');
    if (symlinks) {
      fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(workspace, 'src', 'secret-link.txt'));
      fs.symlinkSync(outside, path.join(workspace, 'outside-dir'));
      fs.symlinkSync('../../outside/secret.txt', path.join(workspace, 'src', 'relative-link.txt'));
      fs.symlinkSync('nested/a.ts', path.join(workspace, 'src', 'inner-link.ts'));
      fs.symlinkSync(path.join(workspace, 'missing.ts'), path.join(workspace, 'dangling.ts'));
      fs.symlinkSync('loop-b', path.join(workspace, 'loop-a'));
      fs.symlinkSync('loop-a', path.join(workspace, 'loop-b'));
      fs.symlinkSync(workspace, path.join(root, 'workspace-link'));
    }
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('resolves normal nested paths', async () => {
    assert.deepEqual(await resolveInsideFolder(workspace, 'src/nested/a.ts'), { ok: true, path: path.join(workspace, 'src', 'nested', 'a.ts') });
    assert.deepEqual(await resolveInsideFolder(`${workspace}/`, 'src/nested/a.ts'), { ok: true, path: path.join(workspace, 'src', 'nested', 'a.ts') }, 'a trailing slash on the folder');
  });

  it('resolves unicode names', async () => {
    assert.deepEqual(await resolveInsideFolder(workspace, 'ünï/日本語/файл.ts'), { ok: true, path: path.join(workspace, 'ünï', '日本語', 'файл.ts') });
  });

  it('resolves a path that does not exist yet inside the folder (opening it then fails normally)', async () => {
    assert.deepEqual(await resolveInsideFolder(workspace, 'src/new/file.ts'), { ok: true, path: path.join(workspace, 'src', 'new', 'file.ts') });
  });

  it('refuses lexical escapes before touching the file system', async () => {
    const untouchable: PathFileSystem = {
      realpath: () => assert.fail('realpath called'),
      lstat: () => assert.fail('lstat called'),
    };
    for (const [relativePath, reason] of REFUSED) {
      assert.deepEqual(await resolveInsideFolder(workspace, relativePath, { fileSystem: untouchable }), { ok: false, reason }, JSON.stringify(relativePath));
    }
  });

  it('refuses a symlinked file that points outside the folder', { skip: !symlinks }, async () => {
    assert.deepEqual(await resolveInsideFolder(workspace, 'src/secret-link.txt'), { ok: false, reason: 'symlink-outside-folder' });
    assert.deepEqual(await resolveInsideFolder(workspace, 'src/relative-link.txt'), { ok: false, reason: 'symlink-outside-folder' });
  });

  it('refuses paths through a symlinked directory that points outside, existing or not', { skip: !symlinks }, async () => {
    assert.deepEqual(await resolveInsideFolder(workspace, 'outside-dir/secret.txt'), { ok: false, reason: 'symlink-outside-folder' });
    assert.deepEqual(await resolveInsideFolder(workspace, 'outside-dir/not-there.txt'), { ok: false, reason: 'symlink-outside-folder' });
    assert.deepEqual(await resolveInsideFolder(workspace, 'outside-dir'), { ok: false, reason: 'symlink-outside-folder' });
  });

  it('accepts a symlink that stays inside the folder', { skip: !symlinks }, async () => {
    assert.deepEqual(await resolveInsideFolder(workspace, 'src/inner-link.ts'), { ok: true, path: path.join(workspace, 'src', 'inner-link.ts') });
  });

  it('refuses a dangling symlink and a symlink loop', { skip: !symlinks }, async () => {
    assert.deepEqual(await resolveInsideFolder(workspace, 'dangling.ts'), { ok: false, reason: 'dangling-symlink' });
    assert.deepEqual(await resolveInsideFolder(workspace, 'loop-a'), { ok: false, reason: 'cannot-resolve' });
  });

  it('works when the workspace folder itself is reached through a symlink', { skip: !symlinks }, async () => {
    const linked = path.join(root, 'workspace-link');
    assert.deepEqual(await resolveInsideFolder(linked, 'src/nested/a.ts'), { ok: true, path: path.join(linked, 'src', 'nested', 'a.ts') });
    assert.deepEqual(await resolveInsideFolder(linked, 'src/secret-link.txt'), { ok: false, reason: 'symlink-outside-folder' });
  });

  it('refuses when the folder is not absolute or cannot be examined', async () => {
    assert.deepEqual(await resolveInsideFolder('relative/folder', 'a.ts'), { ok: false, reason: 'cannot-resolve' });
    assert.deepEqual(await resolveInsideFolder(path.join(root, 'no-such-folder'), 'a.ts'), { ok: false, reason: 'cannot-resolve' });
  });

  it('applies Windows rules to Windows folders, case-insensitively', async () => {
    const realpaths = new Map<string, string>([
      ['C:\\work\\repo', 'c:\\WORK\\Repo'],
      ['C:\\work\\repo\\src\\a.ts', 'C:\\Work\\repo\\src\\a.ts'],
      ['C:\\work\\repo\\link.txt', 'D:\\elsewhere\\secret.txt'],
      ['C:\\work\\repo\\junction', 'C:\\work\\other'],
    ]);
    const windowsFs: PathFileSystem = {
      realpath: async (target) => {
        const mapped = realpaths.get(target);
        if (mapped) return mapped;
        throw Object.assign(new Error(`ENOENT: ${target}`), { code: 'ENOENT' });
      },
      lstat: async () => ({ isSymbolicLink: () => false }),
    };
    const options = { platform: 'win32' as const, fileSystem: windowsFs };
    assert.deepEqual(await resolveInsideFolder('C:\\work\\repo', 'src/a.ts', options), { ok: true, path: 'C:\\work\\repo\\src\\a.ts' });
    assert.deepEqual(await resolveInsideFolder('C:\\work\\repo', 'link.txt', options), { ok: false, reason: 'symlink-outside-folder' });
    assert.deepEqual(await resolveInsideFolder('C:\\work\\repo', 'junction/x.ts', options), { ok: false, reason: 'symlink-outside-folder' });
    assert.deepEqual(await resolveInsideFolder('C:\\work\\repo', 'src\\..\\..\\x.ts', options), { ok: false, reason: 'parent-segment' });
    assert.deepEqual(await resolveInsideFolder('C:\\work\\repo', 'D:\\x.ts', options), { ok: false, reason: 'drive-letter' });
    assert.deepEqual(await resolveInsideFolder('C:\\work\\repo', 'docs/notes.txt:stream', options), { ok: false, reason: 'invalid-character' });
  });

  it('reports other file system errors as cannot-resolve', async () => {
    const denied: PathFileSystem = {
      realpath: async (target) => {
        if (target === workspace) return workspace;
        throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      },
      lstat: async () => ({ isSymbolicLink: () => false }),
    };
    assert.deepEqual(await resolveInsideFolder(workspace, 'src/a.ts', { platform: 'posix', fileSystem: denied }), { ok: false, reason: 'cannot-resolve' });
  });
});
