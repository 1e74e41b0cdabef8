// Language detection, the wasm files a bundle must ship, and lazy loading of tree-sitter.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CHUNKER_VERSION,
  createChunker,
  languageForFile,
  languageForPath,
  wasmFiles,
} from '../../../extension/core/chunking/index.ts';
import { countWords } from './helpers.ts';

const chunkingIndex = fileURLToPath(new URL('../../../extension/core/chunking/index.ts', import.meta.url));

describe('chunking languages and wasm files', () => {
  // First in this file on purpose: the tree-sitter runtime is set up once per process, here from the folder.
  it('loads the runtime and grammars from wasmDirectory, as a bundled extension does', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'chunking-wasm-'));
    const require = createRequire(import.meta.url);
    try {
      for (const file of wasmFiles()) copyFileSync(require.resolve(file.packagePath), join(directory, file.fileName));
      const chunker = createChunker({ maxTokens: 256, overlapTokens: 16, countTokens: countWords, wasmDirectory: directory });
      const chunks = await chunker.chunkFile('src/a.c', 'int add(int a, int b)\n{\n    return a + b;\n}\n');
      chunker.dispose();
      assert.deepEqual(chunks.map((chunk) => [chunk.kind, chunk.symbol]), [['function', 'add']]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('detects the language from the file extension', () => {
    const expected: Record<string, string> = {
      'src/a.ts': 'typescript',
      'src/a.mts': 'typescript',
      'src/a.cts': 'typescript',
      'src/a.d.ts': 'typescript',
      'src/a.tsx': 'tsx',
      'src/a.js': 'javascript',
      'src/a.mjs': 'javascript',
      'src/a.cjs': 'javascript',
      'src/a.jsx': 'javascript',
      'a.py': 'python',
      'a.pyi': 'python',
      'main.go': 'go',
      'lib.rs': 'rust',
      'A.java': 'java',
      'a.c': 'c',
      'a.h': 'c',
      'a.cc': 'cpp',
      'a.cpp': 'cpp',
      'a.cxx': 'cpp',
      'a.hpp': 'cpp',
      'A.cs': 'csharp',
      'a.rb': 'ruby',
      'Rakefile': 'ruby',
      'a.php': 'php',
      'README.md': 'markdown',
      'docs/guide.markdown': 'markdown',
      'SRC/MAIN.PY': 'python',
      'Makefile': 'text',
      '.gitignore': 'text',
      'notes.txt': 'text',
      'dir.ts/file': 'text',
    };
    for (const [path, language] of Object.entries(expected)) assert.equal(languageForPath(path), language, path);
  });

  it('treats a .h file as C++ only when it uses C++ syntax', () => {
    assert.equal(languageForFile('include/ring.h', 'struct ring { int head; };\nint ring_size(struct ring *r);\n'), 'c');
    assert.equal(languageForFile('include/pool.h', 'namespace pool {\nclass ThreadPool {\n};\n}\n'), 'cpp');
    assert.equal(languageForFile('include/util.h', 'template <typename T>\nT max(T a, T b);\n'), 'cpp');
    assert.equal(languageForFile('src/a.c', 'class X {};'), 'c');
  });

  it('lists every wasm file once, each resolvable from node_modules', () => {
    const files = wasmFiles();
    const require = createRequire(import.meta.url);
    assert.equal(files[0]!.language, undefined, 'the runtime comes first');
    assert.equal(new Set(files.map((file) => file.fileName)).size, files.length, 'file names collide');
    const languages = files.flatMap((file) => (file.language === undefined ? [] : [file.language]));
    assert.deepEqual(new Set(languages), new Set(['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java', 'c', 'cpp', 'csharp', 'ruby', 'php']));
    assert.equal(languages.length, 12);
    for (const file of files) assert.ok(require.resolve(file.packagePath).endsWith(file.fileName), file.packagePath);
  });

  it('puts the version and boundary options in the fingerprint', () => {
    assert.match(CHUNKER_VERSION, /^\S+$/);
    const chunker = createChunker({ maxTokens: 512, overlapTokens: 64, countTokens: countWords, maxChunkLines: 100 });
    assert.ok(chunker.fingerprint.includes(`chunker-${CHUNKER_VERSION}`));
    assert.ok(chunker.fingerprint.includes('maxTokens=512'));
    assert.ok(chunker.fingerprint.includes('overlapTokens=64'));
    assert.ok(chunker.fingerprint.includes('maxChunkLines=100'));
    assert.notEqual(chunker.fingerprint, createChunker({ maxTokens: 256, overlapTokens: 64, countTokens: countWords }).fingerprint);
  });

  it('loads nothing heavy on import or createChunker, and tree-sitter on the first file', () => {
    // A child process records which modules resolve; web-tree-sitter must wait for the first syntax file.
    const script = `
      import { registerHooks } from 'node:module';
      const resolved = [];
      registerHooks({ resolve(specifier, context, next) { resolved.push(specifier); return next(specifier, context); } });
      const { createChunker } = await import(${JSON.stringify(chunkingIndex)});
      const chunker = createChunker({ maxTokens: 100, overlapTokens: 0, countTokens: (text) => text.length });
      const before = resolved.includes('web-tree-sitter');
      await chunker.chunkFile('notes.md', '# Title\\n');
      const afterMarkdown = resolved.includes('web-tree-sitter');
      await chunker.chunkFile('a.ts', 'const a = 1;\\n');
      console.log(JSON.stringify({ before, afterMarkdown, afterSyntax: resolved.includes('web-tree-sitter') }));
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '--eval', script], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(output), { before: false, afterMarkdown: false, afterSyntax: true });
  });
});
