// Files that are empty, broken, huge, deeply nested or oddly encoded still chunk, and nothing is lost.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createChunker, type Chunk } from '../../../extension/core/chunking/index.ts';
import { assertEveryLineCovered, assertFitsWindow, assertTextFromSource, countCharacters, countWords } from './helpers.ts';
import { isCoreError } from '../../../extension/core/errors.ts';

const window = { maxTokens: 256, overlapTokens: 32, countTokens: countCharacters, maxChunkLines: 150 };

describe('chunking robustness', () => {
  const chunker = createChunker(window);
  after(() => chunker.dispose());

  it('yields no chunks for an empty or blank file', async () => {
    assert.deepEqual(await chunker.chunkFile('src/empty.ts', ''), []);
    assert.deepEqual(await chunker.chunkFile('src/blank.py', '\n  \n\t\n'), []);
    assert.deepEqual(await chunker.chunkFile('notes.txt', '\r\n\r\n'), []);
  });

  it('yields one chunk for a file holding only a comment', async () => {
    const cases: [string, string][] = [
      ['src/a.ts', '// TODO: everything\n'],
      ['src/a.py', '# just a comment\n# on two lines\n'],
      ['src/a.go', '/* block\n   comment */\n'],
      ['src/a.rs', '//! crate docs\n'],
      ['src/a.c', '/* nothing here */'],
      ['src/a.rb', '# frozen_string_literal: true\n'],
    ];
    for (const [path, text] of cases) {
      const chunks = await chunker.chunkFile(path, text);
      assert.equal(chunks.length, 1, path);
      assert.equal(chunks[0]!.text, text.trimEnd(), path);
    }
  });

  it('chunks a file with syntax errors and keeps the definitions it can find', async () => {
    const text = [
      'export class Broken {',
      '  method( {',
      '    return 1;',
      '  }',
      '}',
      '',
      'export function healthy(a: number): number {',
      '  const doubled = a * 2;',
      '  return doubled + 1;',
      '}',
      '',
      'const = ;',
    ].join('\n');
    const chunks = await chunker.chunkFile('src/broken.ts', text);
    assert.ok(chunks.some((chunk) => chunk.symbol === 'healthy' && chunk.kind === 'function'));
    assertEveryLineCovered(chunks, text);
    for (const chunk of chunks) assertTextFromSource(chunk, text);
  });

  it('gives the same chunks for CRLF, lone CR and LF line endings, without carriage returns', async () => {
    const text = 'import os\n\n\ndef main():\n    """Entry point."""\n    print(os.getcwd())\n    return 0\n';
    const lf = await chunker.chunkFile('tool.py', text);
    const crlf = await chunker.chunkFile('tool.py', text.replace(/\n/g, '\r\n'));
    const cr = await chunker.chunkFile('tool.py', text.replace(/\n/g, '\r'));
    assert.deepEqual(crlf, lf);
    assert.deepEqual(cr, lf);
    assert.ok(crlf.every((chunk) => !chunk.text.includes('\r')));
    assert.deepEqual(
      lf.map((chunk) => [chunk.kind, chunk.symbol, chunk.startLine, chunk.endLine]),
      [
        ['statements', undefined, 1, 1],
        ['function', 'main', 4, 7],
      ],
    );
  });

  it('ignores a byte order mark', async () => {
    const chunks = await chunker.chunkFile('src/bom.ts', '\uFEFFexport function f() {\n  return 1;\n}\n');
    assert.equal(chunks[0]!.text.charCodeAt(0), 'e'.charCodeAt(0));
    assert.equal(chunks[0]!.symbol, 'f');
  });

  it('chunks pathologically nested files without blowing the stack', async () => {
    const depth = 5000;
    const cases: [string, string][] = [
      ['deep/brackets.js', `const x = ${'['.repeat(depth)}${']'.repeat(depth)};\n`],
      ['deep/ifs.js', `function f(a) {\n${'if (a) {\n'.repeat(depth)}${'}\n'.repeat(depth)}}\n`],
      ['deep/namespaces.cpp', `${'namespace a {\n'.repeat(depth)}int x;\n${'}\n'.repeat(depth)}`],
      ['deep/modules.rb', `${'module M\n'.repeat(2000)}X = 1\n${'end\n'.repeat(2000)}`],
      ['deep/classes.py', Array.from({ length: 300 }, (_, level) => `${'    '.repeat(level)}class C${level}:\n${'    '.repeat(level + 1)}x = ${level}\n`).join('')],
      ['deep/parens.py', `x = ${'('.repeat(depth)}1${')'.repeat(depth)}\n`],
    ];
    for (const [path, text] of cases) {
      const chunks = await chunker.chunkFile(path, text);
      assert.ok(chunks.length > 0, path);
      assertFitsWindow(chunks, window);
      assertEveryLineCovered(chunks, text);
    }
  });

  it('splits a minified one-line file into pieces that together hold the whole line', async () => {
    const line = Array.from({ length: 20_000 }, (_, index) => `a${index}=${index}`).join(';');
    const chunks = await chunker.chunkFile('dist/app.min.js', line);
    assert.ok(chunks.length > 100);
    assertFitsWindow(chunks, window);
    assertEveryLineCovered(chunks, line);
  });

  it('never hands the tokenizer a megabyte line, and sizes its pieces in a few counts each', async () => {
    // Real tokenizers take seconds on such a text and one overflowed its stack: this one refuses it outright.
    const longest = 64 * 1024;
    let charactersCounted = 0;
    const countWordsOfShortTexts = (text: string): number => {
      if (text.length > longest) throw new RangeError(`asked to count ${text.length} characters`);
      charactersCounted += text.length;
      return countWords(text);
    };
    const line = Array.from({ length: 100_000 }, (_, index) => `v${index} = f(${index % 97})`).join('; ');
    assert.ok(line.length > 1_000_000);
    const bounded = createChunker({ maxTokens: 512, overlapTokens: 32, countTokens: countWordsOfShortTexts });
    try {
      const chunks = await bounded.chunkFile('src/bundle.ts', `${line}\n`);
      assertFitsWindow(chunks, { maxTokens: 512, countTokens: countWords, maxChunkLines: 1 });
      assertEveryLineCovered(chunks, line);
      // Each piece is counted about twice (its length, then its overlap), not bisected a dozen times.
      assert.ok(charactersCounted < 6 * line.length, `${charactersCounted} characters counted for a line of ${line.length}`);
    } finally {
      bounded.dispose();
    }
  });

  it('chunks an unknown file type by line windows that overlap and cover every line', async () => {
    const text = Array.from({ length: 130 }, (_, index) => `setting_${index} = value ${index}`).join('\n');
    const windows = createChunker({ maxTokens: 10_000, overlapTokens: 20, countTokens: countWords, windowLines: 50 });
    try {
      const chunks = await windows.chunkFile('config/app.ini', text);
      assert.ok(chunks.length >= 3);
      for (const [index, chunk] of chunks.entries()) {
        assert.equal(chunk.kind, 'window');
        assert.equal(chunk.language, 'text');
        assert.ok(chunk.endLine - chunk.startLine + 1 <= 50);
        if (index > 0) assert.ok(chunk.startLine <= chunks[index - 1]!.endLine, 'windows do not overlap');
        assertTextFromSource(chunk, text);
      }
      assertEveryLineCovered(chunks, text);
    } finally {
      windows.dispose();
    }
  });

  it('falls back to line windows, with a warning, when a grammar cannot be loaded', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'chunking-no-grammars-'));
    const warnings: string[] = [];
    const broken = createChunker({ ...window, wasmDirectory: empty, logger: { warn: (message) => warnings.push(message) } });
    try {
      const text = 'def f():\n    return 1\n';
      const chunks = await broken.chunkFile('src/f.py', text);
      assert.deepEqual(chunks.map((chunk) => chunk.kind), ['window']);
      assert.equal(chunks[0]!.language, 'python');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /python grammar/);
      assert.equal((await broken.chunkFile('src/g.py', 'x = 1\n'))[0]!.kind, 'window');
      assert.equal(warnings.length, 1, 'one warning per language, not per file');
      assert.equal((await broken.chunkFile('README.md', '# Title\ntext\n'))[0]!.kind, 'section');
    } finally {
      broken.dispose();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('gives the same chunks when files of different languages are chunked at once', async () => {
    const files: [string, string][] = [
      ['a.ts', 'export function a() {\n  return 1;\n}\n'],
      ['b.py', 'def b():\n    x = 1\n    return x\n'],
      ['c.go', 'package c\n\nfunc C() int {\n\treturn 3\n}\n'],
      ['d.rs', 'fn d() -> u8 {\n    let x = 4;\n    x\n}\n'],
      ['e.java', 'class E {\n  int e() {\n    return 5;\n  }\n}\n'],
    ];
    const sequential: Chunk[][] = [];
    for (const [path, text] of files) sequential.push(await chunker.chunkFile(path, text));
    const concurrent = await Promise.all(files.map(([path, text]) => chunker.chunkFile(path, text)));
    assert.deepEqual(concurrent, sequential);
  });

  it('rejects with the abort reason when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(chunker.chunkFile('src/a.ts', 'const a = 1;\n', controller.signal), { name: 'AbortError' });
  });

  it('refuses to work after dispose', async () => {
    const disposed = createChunker(window);
    disposed.dispose();
    await assert.rejects(disposed.chunkFile('src/a.ts', 'const a = 1;\n'), (error) => isCoreError(error, 'chunking') && error.reason === 'disposed');
  });
});
