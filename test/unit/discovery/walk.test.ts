import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  DEFAULT_EXCLUDES,
  DEFAULT_SECRET_EXCLUDES,
  discoverFiles,
  SKIP_REASONS,
} from '../../../extension/core/discovery/index.ts';
import { reasonFor, walkAll, withTree, writeTree } from './fixture.ts';

describe('discoverFiles: what each file looks like', () => {
  it('yields root, absolute path, slash-separated relative path, size and mtime', async () => {
    await withTree({ src: { lib: { 'a.ts': 'export const a = 1;\n' } } }, async (root) => {
      const discovered = [];
      for await (const file of discoverFiles([root])) discovered.push(file);
      assert.equal(discovered.length, 1);
      const file = discovered[0]!;
      const stats = fs.statSync(path.join(root, 'src', 'lib', 'a.ts'));
      assert.deepEqual(file, {
        root: path.resolve(root),
        absolutePath: path.join(root, 'src', 'lib', 'a.ts'),
        relativePath: 'src/lib/a.ts',
        size: stats.size,
        mtimeMs: stats.mtimeMs,
      });
    });
  });
});

describe('discoverFiles: ignore files', () => {
  it('applies nested .gitignore files with negation, anchoring, folder-only patterns and **', async () => {
    await withTree(
      {
        '.gitignore': '*.log\n!keep.log\n/build\nout/\nlogs/**/*.txt\n',
        'a.log': 'x',
        'keep.log': 'x',
        build: { 'b.js': 'x' },
        out: { 'o.js': 'x' },
        'not-a-folder': { out: 'a file named out is not matched by out/' },
        logs: { deep: { 'l.txt': 'x', 'l.md': 'x' } },
        sub: {
          '.gitignore': '!*.log\n*.md\n!important.md\n',
          'b.log': 'x',
          'c.md': 'x',
          'important.md': 'x',
          build: { 'kept.js': '/build is anchored to the root' },
          inner: { '.gitignore': '!c.md\n', 'c.md': 'x' },
        },
      },
      async (root) => {
        const result = await walkAll([root]);
        assert.deepEqual(result.files, [
          '.gitignore',
          'keep.log',
          'logs/deep/l.md',
          'not-a-folder/out',
          'sub/.gitignore',
          'sub/b.log',
          'sub/build/kept.js',
          'sub/important.md',
          'sub/inner/.gitignore',
          'sub/inner/c.md',
        ]);
        assert.equal(reasonFor(result, 'a.log'), 'ignored');
        assert.equal(reasonFor(result, 'build'), 'ignored');
        assert.equal(reasonFor(result, 'out'), 'ignored');
        assert.equal(reasonFor(result, 'logs/deep/l.txt'), 'ignored');
        assert.equal(reasonFor(result, 'sub/c.md'), 'ignored');
        const buildSkip = result.skips.find((skip) => skip.relativePath === 'build');
        assert.equal(buildSkip?.detail, '.gitignore:3: /build');
        assert.equal(buildSkip?.isFolder, true);
      },
    );
  });

  it('cannot re-include a file whose folder is ignored, as in git', async () => {
    await withTree(
      { '.gitignore': 'vendor/\n!vendor/keep.js\n', vendor: { 'keep.js': 'x' }, 'main.js': 'x' },
      async (root) => {
        const result = await walkAll([root]);
        assert.deepEqual(result.files, ['.gitignore', 'main.js']);
        assert.equal(reasonFor(result, 'vendor'), 'ignored');
      },
    );
  });

  it('honours .git/info/exclude below a .gitignore in precedence', async () => {
    await withTree(
      {
        '.git': { info: { exclude: 'secret-notes.md\n*.draft\n' } },
        '.gitignore': '!kept.draft\n',
        'secret-notes.md': 'x',
        'a.draft': 'x',
        'kept.draft': 'x',
        'readme.md': 'x',
      },
      async (root) => {
        const result = await walkAll([root]);
        assert.deepEqual(result.files, ['.gitignore', 'kept.draft', 'readme.md']);
        assert.equal(reasonFor(result, 'secret-notes.md'), 'ignored');
        assert.equal(reasonFor(result, '.git'), 'excluded');
      },
    );
  });

  it('applies nested .semanticsearchignore files, which can re-include what git ignores', async () => {
    await withTree(
      {
        '.gitignore': 'generated-docs/\n',
        '.semanticsearchignore': 'fixtures/\n!generated-docs/\n',
        'generated-docs': { 'api.md': 'x' },
        fixtures: { 'big.json': '{}' },
        pkg: { '.semanticsearchignore': '*.snap\n', 'a.snap': 'x', 'a.ts': 'x', fixtures: { 'f.ts': 'x' } },
      },
      async (root) => {
        const result = await walkAll([root]);
        assert.deepEqual(result.files, [
          '.gitignore',
          '.semanticsearchignore',
          'generated-docs/api.md',
          'pkg/.semanticsearchignore',
          'pkg/a.ts',
        ]);
        assert.equal(reasonFor(result, 'fixtures'), 'ignored');
        assert.equal(reasonFor(result, 'pkg/fixtures'), 'ignored');
        assert.equal(reasonFor(result, 'pkg/a.snap'), 'ignored');

        const withoutOurs = await walkAll([root], { useSemanticSearchIgnore: false });
        assert.ok(withoutOurs.files.includes('fixtures/big.json'));
        assert.ok(!withoutOurs.files.includes('generated-docs/api.md'));
        const withoutGit = await walkAll([root], { useGitIgnore: false, useSemanticSearchIgnore: false });
        assert.ok(withoutGit.files.includes('generated-docs/api.md'));
      },
    );
  });

  it('handles rules in folders whose names hold glob characters, a leading ! or #, spaces or a newline', async () => {
    await withTree(
      {
        'br[a]ck*?': { '.gitignore': '*.js\n', 'x.js': 'x', 'y.md': 'x' },
        '!bang': { '.gitignore': '*.md\n', 'a.md': 'x', 'b.ts': 'x' },
        '#hash': { '.gitignore': '/only.txt\n', 'only.txt': 'x', 'other.txt': 'x' },
        'sp ace': { '.gitignore': 'drop me.txt\n', 'drop me.txt': 'x', 'keep me.txt': 'x' },
        'new\nline': { '.gitignore': '*.tmp\n', 'a.tmp': 'x', 'b.ts': 'x', node_modules: { 'dep.js': 'x' } },
        brack: { 'x.js': 'the [a] folder rules must not leak here' },
      },
      async (root) => {
        const result = await walkAll([root]);
        assert.deepEqual(result.files, [
          '!bang/.gitignore',
          '!bang/b.ts',
          '#hash/.gitignore',
          '#hash/other.txt',
          'br[a]ck*?/.gitignore',
          'br[a]ck*?/y.md',
          'brack/x.js',
          'new\nline/.gitignore',
          'new\nline/b.ts',
          'sp ace/.gitignore',
          'sp ace/keep me.txt',
        ]);
        assert.equal(reasonFor(result, 'new\nline/node_modules'), 'excluded');
      },
    );
  });
});

describe('discoverFiles: globs and default excludes', () => {
  it('keeps only files matching include globs, and drops files and folders matching exclude globs', async () => {
    await withTree(
      {
        src: { 'a.ts': 'x', 'b.js': 'x', gen: { 'c.ts': 'x' } },
        docs: { 'd.md': 'x' },
        'e.ts': 'x',
      },
      async (root) => {
        const result = await walkAll([root], { include: ['src/**/*.ts', '**/*.md'], exclude: ['src/gen'] });
        assert.deepEqual(result.files, ['docs/d.md', 'src/a.ts']);
        assert.equal(reasonFor(result, 'src/b.js'), 'not-included');
        assert.equal(reasonFor(result, 'e.ts'), 'not-included');
        assert.equal(reasonFor(result, 'src/gen'), 'excluded');
        assert.equal(result.skips.find((skip) => skip.relativePath === 'src/gen')?.detail, 'src/gen');
        const everything = await walkAll([root], { include: [] });
        assert.equal(everything.files.length, 5);
      },
    );
  });

  it('skips VCS and dependency folders by default, and walks them when defaultExcludes is []', async () => {
    assert.ok(DEFAULT_EXCLUDES.includes('**/node_modules'));
    assert.ok(DEFAULT_EXCLUDES.includes('**/.git'));
    await withTree(
      {
        '.git': { HEAD: 'ref: refs/heads/main\n' },
        '.hg': { store: 'x' },
        node_modules: { dep: { 'index.js': 'x' } },
        packages: { app: { node_modules: { 'x.js': 'x' }, 'main.ts': 'x' } },
        'index.ts': 'x',
      },
      async (root) => {
        const result = await walkAll([root]);
        assert.deepEqual(result.files, ['index.ts', 'packages/app/main.ts']);
        assert.deepEqual(
          result.skips.map((skip) => [skip.relativePath, skip.reason]),
          [
            ['.git', 'excluded'],
            ['.hg', 'excluded'],
            ['node_modules', 'excluded'],
            ['packages/app/node_modules', 'excluded'],
          ],
        );
        const all = await walkAll([root], { defaultExcludes: [] });
        assert.equal(all.files.length, 6);
      },
    );
  });

  it('keeps secrets out by default: .env files, keys, certificates and credentials', async () => {
    assert.ok(DEFAULT_SECRET_EXCLUDES.includes('**/.env'));
    await withTree(
      {
        '.env': 'TOKEN=1',
        '.env.local': 'TOKEN=2',
        'server.pem': 'x',
        'tls.key': 'x',
        'bundle.p12': 'x',
        'cert.pfx': 'x',
        ssh: { id_rsa: 'x', 'id_rsa.pub': 'x', id_ed25519: 'x' },
        '.aws': { credentials: 'x' },
        'credentials.json': '{}',
        'environment.ts': 'not a secret',
        'keyboard.ts': 'not a secret',
      },
      async (root) => {
        const result = await walkAll([root]);
        assert.deepEqual(result.files, ['environment.ts', 'keyboard.ts']);
        assert.equal(result.summary.skipped.secret, 11);
        assert.ok(result.skips.every((skip) => skip.reason === 'secret'));
        const withoutSecrets = await walkAll([root], { secretExcludes: [] });
        assert.equal(withoutSecrets.files.length, 13);
      },
    );
  });
});

describe('discoverFiles: content checks', () => {
  it('skips binaries by NUL byte and by extension', async () => {
    const withNul = Buffer.concat([Buffer.from('PK'), Buffer.from([0, 1, 2, 3]), Buffer.from('rest')]);
    await withTree(
      { 'data.bin2': withNul, 'logo.png': 'not even an image, but the extension says binary', 'text.txt': 'plain' },
      async (root) => {
        const result = await walkAll([root]);
        assert.deepEqual(result.files, ['text.txt']);
        assert.equal(reasonFor(result, 'data.bin2'), 'binary');
        assert.equal(reasonFor(result, 'logo.png'), 'binary');
      },
    );
  });

  it('keeps UTF-16 text with or without a byte-order mark, despite its NUL bytes', async () => {
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('const a = 1;\n', 'utf16le')]);
    const utf16be = Buffer.from(utf16le.subarray(2)).swap16();
    // NUL bytes on both sides of the pairs: binary, whatever the guess would like.
    const scattered = Buffer.from([0x41, 0x00, 0x00, 0x42, ...Buffer.from('const a = 1;\n', 'utf16le')]);
    await withTree(
      {
        'le.ts': utf16le,
        'be.ts': Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]),
        'no-bom-le.ts': utf16le.subarray(2),
        'no-bom-be.ts': utf16be,
        'scattered.ts': scattered,
      },
      async (root) => {
        const result = await walkAll([root]);
        assert.deepEqual(result.files, ['be.ts', 'le.ts', 'no-bom-be.ts', 'no-bom-le.ts']);
        assert.equal(reasonFor(result, 'scattered.ts'), 'binary');
      },
    );
  });

  it('skips files over maxFileBytes (default 1 MiB) without reading them', async () => {
    await withTree(
      { 'big.txt': 'a\n'.repeat(600 * 1024), 'small.txt': 'a\n' },
      async (root) => {
        const result = await walkAll([root]);
        assert.deepEqual(result.files, ['small.txt']);
        assert.equal(reasonFor(result, 'big.txt'), 'too-large');
        const tight = await walkAll([root], { maxFileBytes: 1 });
        assert.deepEqual(tight.files, []);
        assert.equal(tight.summary.skipped['too-large'], 2);
      },
    );
  });

  it('skips minified code: a very long line, or long lines on average', async () => {
    const oneLongLine = `var a=${'1+'.repeat(3000)}1;\n`;
    const longOnAverage = `${'x'.repeat(400)}\n`.repeat(20);
    const normal = 'function f() {\n  return 1;\n}\n'.repeat(200);
    await withTree(
      {
        'bundle.js': oneLongLine,
        'styles.css': longOnAverage,
        'app.js': normal,
        'notes.md': oneLongLine,
        'short.json': `{"a": "${'x'.repeat(500)}"}`,
      },
      async (root) => {
        const result = await walkAll([root]);
        assert.deepEqual(result.files, ['app.js', 'notes.md', 'short.json']);
        assert.equal(reasonFor(result, 'bundle.js'), 'minified');
        assert.equal(reasonFor(result, 'styles.css'), 'minified');
        const kept = await walkAll([root], { skipMinified: false });
        assert.equal(kept.files.length, 5);
      },
    );
  });

  it('skips files that say they are generated in their first lines', async () => {
    await withTree(
      {
        'api.pb.go': '// Code generated by protoc-gen-go. DO NOT EDIT.\npackage api\n',
        'schema.ts': '/**\n * @generated SignedSource<<abc>>\n */\nexport {};\n',
        'late.ts': '1\n2\n3\n4\n5\n6\n// DO NOT EDIT is only a marker near the top\n',
        'hand.ts': '// written by hand\n',
      },
      async (root) => {
        const result = await walkAll([root]);
        assert.deepEqual(result.files, ['hand.ts', 'late.ts']);
        assert.equal(reasonFor(result, 'api.pb.go'), 'generated');
        assert.equal(reasonFor(result, 'schema.ts'), 'generated');
      },
    );
  });

  it('skips lock files and minified bundles by name', async () => {
    await withTree(
      {
        'package-lock.json': '{}',
        'yarn.lock': 'x',
        'pnpm-lock.yaml': 'x',
        'Cargo.lock': 'x',
        'go.sum': 'x',
        'jquery.min.js': 'x',
        'app.js.map': '{}',
        'package.json': '{}',
        'go.mod': 'module x\n',
      },
      async (root) => {
        const result = await walkAll([root]);
        assert.deepEqual(result.files, ['go.mod', 'package.json']);
        assert.equal(result.summary.skipped.generated, 7);
        const kept = await walkAll([root], { skipGenerated: false });
        assert.equal(kept.files.length, 9);
      },
    );
  });
});

describe('discoverFiles: order, summary, cancellation', () => {
  it('walks depth-first, names in code-unit order within a folder, the same on every run', async () => {
    await withTree(
      { b: { 'z.ts': 'x', 'a.ts': 'x' }, 'a.ts': 'x', 'B.ts': 'x', 'é.ts': 'x', 'c d.ts': 'x', a: { 'x.ts': 'x' } },
      async (root) => {
        const first = await walkAll([root]);
        // Names are compared, not paths: the folder 'a' sorts before 'a.ts' and is walked there.
        assert.deepEqual(first.files, ['B.ts', 'a/x.ts', 'a.ts', 'b/a.ts', 'b/z.ts', 'c d.ts', 'é.ts']);
        const second = await walkAll([root], { concurrency: 1 });
        assert.deepEqual(second.files, first.files);
      },
    );
  });

  it('walks several roots, and a folder inside a root with the root-relative paths and rules', async () => {
    await withTree(
      {
        one: { '.gitignore': '*.tmp\n', sub: { 'a.ts': 'x', 'b.tmp': 'x' }, 'c.ts': 'x' },
        two: { 'd.ts': 'x' },
      },
      async (root) => {
        const both = await walkAll([path.join(root, 'one'), path.join(root, 'two')]);
        assert.deepEqual(both.files, ['.gitignore', 'c.ts', 'sub/a.ts', 'd.ts']);
        const inner = await walkAll([{ root: path.join(root, 'one'), folder: 'sub' }]);
        assert.deepEqual(inner.files, ['sub/a.ts']);
        assert.equal(reasonFor(inner, 'sub/b.tmp'), 'ignored');
        const missing = await walkAll([path.join(root, 'nope')]);
        assert.deepEqual(missing.files, []);
        assert.equal(missing.summary.skipped.vanished, 1);
      },
    );
  });

  it('summarises counts for every reason, capped examples, and completion', async () => {
    await withTree(
      { 'a.png': 'x', 'b.png': 'x', 'c.png': 'x', 'd.ts': 'hello', '.env': 'x' },
      async (root) => {
        const discovery = discoverFiles([root], { examplesPerReason: 2 });
        assert.equal(discovery.summary().complete, false);
        const files = [];
        for await (const file of discovery) files.push(file);
        const summary = discovery.summary();
        assert.equal(summary.complete, true);
        assert.equal(summary.files, 1);
        assert.equal(summary.bytes, 5);
        assert.deepEqual(Object.keys(summary.skipped), [...SKIP_REASONS]);
        assert.equal(summary.skipped.binary, 3);
        assert.equal(summary.skipped.secret, 1);
        assert.equal(summary.skippedTotal, 4);
        assert.deepEqual(
          summary.examples.binary.map((skip) => skip.relativePath),
          ['a.png', 'b.png'],
        );
        assert.deepEqual(summary.examples.minified, []);
      },
    );
  });

  for (const io of ['sync', 'async'] as const) {
    it(`throws the AbortError when aborted before or during the walk, and stops early (${io} io)`, async () => {
      const spec: Record<string, Record<string, string>> = {};
      for (let folder = 0; folder < 20; folder += 1) {
        const files: Record<string, string> = {};
        for (let file = 0; file < 20; file += 1) files[`f${file}.ts`] = 'x';
        spec[`d${folder}`] = files;
      }
      await withTree(spec, async (root) => {
        const before = new AbortController();
        before.abort();
        await assert.rejects(walkAll([root], { io, signal: before.signal }), { name: 'AbortError' });

        const during = new AbortController();
        let seen = 0;
        const walking = (async () => {
          for await (const _file of discoverFiles([root], { io, signal: during.signal })) {
            seen += 1;
            if (seen === 5) during.abort();
          }
        })();
        await assert.rejects(walking, { name: 'AbortError' });
        assert.equal(seen, 5);

        // An abort from a timer must land while the walk is running: each skip here takes 1 ms, and the walk has
        // to give the event loop back for the timer to fire, with blocking calls and with async ones (pictures are
        // skipped on their names, with no I/O to wait for). The timer is set by the first skip, inside the walk.
        const pictures: Record<string, string> = {};
        for (let index = 0; index < 100; index += 1) pictures[`p${String(index).padStart(3, '0')}.png`] = 'x';
        writeTree(path.join(root, 'pictures'), pictures);
        const timed = new AbortController();
        let skipped = 0;
        const slow = discoverFiles([path.join(root, 'pictures')], {
          io,
          signal: timed.signal,
          onSkip: () => {
            skipped += 1;
            if (skipped === 1) setTimeout(() => timed.abort(), 0);
            const until = performance.now() + 1;
            while (performance.now() < until);
          },
        });
        await assert.rejects(
          (async () => {
            for await (const _file of slow);
          })(),
          { name: 'AbortError' },
        );
        assert.ok(skipped < 100, `the walk ran to the end (${skipped} skips) before the abort`);
      });
    });
  }

  for (const io of ['sync', 'async'] as const) {
    it(`counts files that vanish between listing and checking, without throwing (${io} io)`, async () => {
      const files: Record<string, string> = {};
      for (let index = 0; index < 10; index += 1) files[`f${index}.ts`] = 'x';
      await withTree(files, async (root) => {
        // The folder is listed before its first file is yielded; with one check at a time the last ones
        // are still unchecked then.
        const discovery = discoverFiles([root], { io, concurrency: 1 });
        const yielded: string[] = [];
        for await (const file of discovery) {
          yielded.push(file.relativePath);
          if (yielded.length === 1) fs.rmSync(path.join(root, 'f9.ts'));
        }
        assert.equal(yielded.length, 9);
        assert.equal(discovery.summary().skipped.vanished, 1);
        assert.equal(discovery.summary().examples.vanished[0]?.relativePath, 'f9.ts');
      });
    });
  }
});
