// Fitting chunks into the embedding window: pieces fit, overlap, cover every line, and keep their identity.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createChunker, embeddingText, type Chunk, type ChunkerOptions } from '../../../extension/core/chunking/index.ts';
import { assertEveryLineCovered, assertFitsWindow, assertPartsConsistent, countCharacters, countWords } from './helpers.ts';
import { isCoreError } from '../../../extension/core/errors.ts';

async function chunk(path: string, text: string, options: ChunkerOptions): Promise<Chunk[]> {
  const chunker = createChunker(options);
  try {
    return await chunker.chunkFile(path, text);
  } finally {
    chunker.dispose();
  }
}

/** A Python function of `lines` body lines inside a class. */
function bigMethod(lines: number): string {
  const body = Array.from({ length: lines }, (_, index) => `        value_${index} = compute(value_${index - 1}, ${index})`);
  return ['class Engine:', '    def run(self, start: int) -> int:', ...body, '        return start', ''].join('\n');
}

function assertOverlapping(pieces: readonly Chunk[]): void {
  for (let index = 1; index < pieces.length; index++) {
    const previous = pieces[index - 1]!;
    const next = pieces[index]!;
    assert.ok(next.startLine <= previous.endLine, `piece ${index} starts at ${next.startLine}, after ${previous.endLine}`);
    assert.ok(next.startLine > previous.startLine, `piece ${index} does not move forward`);
  }
}

function assertRangesCover(pieces: readonly Chunk[], first: number, last: number): void {
  for (let line = first; line <= last; line++) {
    assert.ok(pieces.some((piece) => piece.startLine <= line && line <= piece.endLine), `line ${line} is in no piece`);
  }
}

describe('splitting chunks to the window', () => {
  const window = { maxTokens: 160, overlapTokens: 24, countTokens: countCharacters, maxChunkLines: 1000 };

  it('splits a long method into pieces that fit, overlap and cover every line', async () => {
    const text = bigMethod(120);
    const chunks = await chunk('src/engine.py', text, window);
    const pieces = chunks.filter((piece) => piece.symbol === 'run');
    assert.ok(pieces.length > 3, `only ${pieces.length} pieces`);
    assertFitsWindow(chunks, window);
    assertOverlapping(pieces);
    assertRangesCover(pieces, 2, 123);
    assertPartsConsistent(chunks);
    assertEveryLineCovered(chunks, text);
    for (const piece of pieces) {
      assert.equal(piece.kind, 'method');
      assert.deepEqual(piece.scope, ['Engine']);
      assert.equal(piece.signature, 'def run(self, start: int) -> int:');
    }
  });

  it('repeats the signature in the header of later pieces only', async () => {
    const pieces = (await chunk('src/engine.py', bigMethod(120), window)).filter((piece) => piece.symbol === 'run');
    assert.ok(!embeddingText(pieces[0]!).includes('signature:'));
    assert.ok(embeddingText(pieces[1]!).startsWith('path: src/engine.py\nscope: Engine\nsignature: def run(self, start: int) -> int:\n\n'));
  });

  it('splits by maxChunkLines even when the window is large', async () => {
    const options = { maxTokens: 100_000, overlapTokens: 40, countTokens: countWords, maxChunkLines: 30 };
    const chunks = await chunk('src/engine.py', bigMethod(100), options);
    const pieces = chunks.filter((piece) => piece.symbol === 'run');
    assert.ok(pieces.length >= 4, `only ${pieces.length} pieces`);
    assertFitsWindow(chunks, options);
    assertOverlapping(pieces);
    assertRangesCover(pieces, 2, 103);
  });

  it('does not repeat lines when overlapTokens is 0', async () => {
    const pieces = (await chunk('src/engine.py', bigMethod(120), { ...window, overlapTokens: 0 })).filter(
      (piece) => piece.symbol === 'run',
    );
    for (let index = 1; index < pieces.length; index++) assert.equal(pieces[index]!.startLine, pieces[index - 1]!.endLine + 1);
  });

  it('splits a single line longer than the window by characters, with overlap', async () => {
    const line = Array.from({ length: 4000 }, (_, index) => index.toString(36)).join('');
    const text = `first line\n${line}\nlast line\n`;
    const chunks = await chunk('data/blob.txt', text, window);
    assertFitsWindow(chunks, window);
    const pieces = chunks.filter((piece) => piece.startLine === 2 && piece.endLine === 2);
    assert.ok(pieces.length > 10, `only ${pieces.length} pieces`);
    let covered = 0; // the line is covered up to this index
    for (const piece of pieces) {
      const start = line.lastIndexOf(piece.text, covered);
      assert.ok(start >= 0, 'piece is not part of the line');
      assert.ok(start <= covered, `gap before index ${start}`);
      if (covered > 0) assert.ok(start < covered, 'no overlap with the previous piece');
      covered = start + piece.text.length;
    }
    assert.equal(covered, line.length, 'the end of the line is missing');
    assert.ok(chunks.some((piece) => piece.text.includes('first line')));
    assert.ok(chunks.some((piece) => piece.text.includes('last line')));
  });

  it('never cuts a surrogate pair', async () => {
    const text = `const faces = "${'😀'.repeat(3000)}";\n`;
    const chunks = await chunk('src/faces.js', text, window);
    assert.ok(chunks.length > 5);
    for (const piece of chunks) {
      assert.doesNotMatch(piece.text, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });

  it('keeps a long line inside a function: the function is split, nothing is dropped', async () => {
    const long = `  const table = [${Array.from({ length: 2000 }, (_, index) => index).join(', ')}];`;
    const text = ['export function lookup(index: number): number {', long, '  return table[index] ?? -1;', '}', ''].join('\n');
    const chunks = await chunk('src/table.ts', text, window);
    assertFitsWindow(chunks, window);
    assert.ok(chunks.every((piece) => piece.symbol === 'lookup' && piece.part !== undefined));
    assert.ok(chunks.some((piece) => piece.text.includes('export function lookup')));
    assert.ok(chunks.some((piece) => piece.text.includes('return table[index]')));
    assert.ok(chunks.some((piece) => piece.text.includes('1998, 1999]')));
    assertPartsConsistent(chunks);
  });

  it('bounds the header, so a long signature or path never fills a small window', async () => {
    const parameters = Array.from({ length: 40 }, (_, index) => `parameter_${index}: int = ${index}`).join(', ');
    const body = Array.from({ length: 60 }, (_, index) => `    total += parameter_${index % 40} * ${index}`);
    const source = [`def configure(${parameters}):`, '    total = 0', ...body, '    return total', ''].join('\n');
    const path = `${'deeply/nested/'.repeat(12)}settings.py`;
    const window = { maxTokens: 128, overlapTokens: 16, countTokens: countWords, maxChunkLines: 150 };
    const chunks = await chunk(path, source, window);
    assert.ok(chunks.length > 1, 'the function is split');
    assertFitsWindow(chunks, window);
    const later = embeddingText(chunks[1]!);
    assert.match(later, /^path: …/, 'a long path keeps its end');
    assert.match(later, /\nsignature: def configure\(parameter_0: int = 0, .*…\n/, 'a long signature keeps its start');
    assert.ok(later.split('\n\n')[0]!.split('\n').every((line) => line.length <= 'signature: '.length + 80));
  });

  it('rejects a window too small for the header of a chunk', async () => {
    const path = `${'deeply/nested/'.repeat(30)}file.txt`;
    await assert.rejects(
      chunk(path, 'some text\n', { maxTokens: 8, overlapTokens: 0, countTokens: countCharacters }),
      (error) => isCoreError(error, 'chunking') && error.reason === 'window-too-small',
    );
  });

  it('rejects invalid options', () => {
    for (const options of [
      { maxTokens: 0, overlapTokens: 0, countTokens: countWords },
      { maxTokens: 100, overlapTokens: 60, countTokens: countWords },
      { maxTokens: 100, overlapTokens: 10, countTokens: countWords, maxChunkLines: 0 },
      { maxTokens: 100, overlapTokens: 10, countTokens: countWords, minChunkLines: 1.5 },
    ]) {
      assert.throws(() => createChunker(options), (error) => isCoreError(error, 'chunking') && error.reason === 'invalid-options');
    }
  });
});

describe('embeddingText', () => {
  const base = { path: 'src/http/parse.ts', signature: 'parse(data: Buffer): Header', text: 'parse(data: Buffer): Header {\n  return x;\n}' };

  it('starts with the path and the scope, then the code', () => {
    assert.equal(
      embeddingText({ ...base, scope: ['HttpParser'], part: undefined }),
      'path: src/http/parse.ts\nscope: HttpParser\n\nparse(data: Buffer): Header {\n  return x;\n}',
    );
  });

  it('leaves out an empty scope', () => {
    assert.equal(embeddingText({ ...base, scope: [], part: undefined }), `path: src/http/parse.ts\n\n${base.text}`);
  });

  it('joins nested scopes and adds the signature to later pieces', () => {
    assert.equal(
      embeddingText({ ...base, scope: ['app', 'HttpParser'], part: { index: 1, count: 3 } }),
      `path: src/http/parse.ts\nscope: app > HttpParser\nsignature: parse(data: Buffer): Header\n\n${base.text}`,
    );
    assert.equal(
      embeddingText({ ...base, scope: ['app'], part: { index: 0, count: 3 } }),
      `path: src/http/parse.ts\nscope: app\n\n${base.text}`,
    );
  });
});
