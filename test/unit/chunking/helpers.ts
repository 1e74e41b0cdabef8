// Shared assertions for the chunking tests.

import assert from 'node:assert/strict';
import { embeddingText, type Chunk } from '../../../extension/core/chunking/index.ts';

/** A token counter for tests: whitespace-separated words. */
export function countWords(text: string): number {
  let count = 0;
  for (const word of text.split(/\s+/)) if (word.length > 0) count++;
  return count;
}

/** A token counter for tests: one token per 4 characters, so long words and lines count too. */
export function countCharacters(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Source lines as the chunker sees them ('\n' endings). */
export function sourceLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
}

function isElisionMarker(line: string): boolean {
  return line.trim() === '...';
}

/**
 * Every non-blank line of the source sits in a chunk whose range holds it and whose text contains it (class
 * chunks reduce big members to a signature, so the range alone is not enough to check), or, when it was split by
 * characters, in pieces that together hold all of it.
 */
export function assertEveryLineCovered(chunks: readonly Chunk[], text: string): void {
  const lines = sourceLines(text);
  const texts = chunks.map((chunk) => new Set(chunk.text.split('\n')));
  for (let row = 0; row < lines.length; row++) {
    const line = lines[row]!;
    if (line.trim().length === 0) continue;
    const lineNumber = row + 1;
    const covered = chunks.some(
      (chunk, index) => chunk.startLine <= lineNumber && lineNumber <= chunk.endLine && texts[index]!.has(line),
    );
    if (covered) continue;
    // A line longer than the window is split by characters: its pieces, in order, must hold all of it.
    const pieces = chunks.filter((chunk) => chunk.startLine === lineNumber && chunk.endLine === lineNumber);
    assert.ok(pieces.length > 0, `line ${lineNumber} is in no chunk: ${JSON.stringify(line.slice(0, 200))}`);
    let end = 0;
    for (const piece of pieces) {
      // The latest place the piece can sit without a gap; a gap may only be whitespace (blank pieces are dropped).
      let start = line.lastIndexOf(piece.text, end);
      if (start < 0) start = line.indexOf(piece.text, end);
      assert.ok(start >= 0, `line ${lineNumber}: a piece is not part of the line`);
      assert.equal(line.slice(end, Math.max(end, start)).trim(), '', `line ${lineNumber}: a gap before character ${start}`);
      end = Math.max(end, start + piece.text.length);
    }
    assert.equal(line.slice(end).trim(), '', `line ${lineNumber}: its end is in no chunk`);
  }
}

/**
 * A chunk's text comes from its lines: exactly the range for plain chunks, an in-order selection of the range
 * (plus `...` markers) for class chunks, a piece of the line for a line split by characters.
 */
export function assertTextFromSource(chunk: Chunk, text: string): void {
  const lines = sourceLines(text);
  const range = lines.slice(chunk.startLine - 1, chunk.endLine);
  const chunkLines = chunk.text.split('\n');
  const where = `${chunk.kind} ${chunk.symbol ?? ''} ${chunk.startLine}-${chunk.endLine}`;
  if (chunkLines.length === 1 && chunk.startLine === chunk.endLine) {
    assert.ok(range[0]!.includes(chunkLines[0]!), `${where}: text is not part of its line`);
    return;
  }
  if (!chunkLines.some(isElisionMarker)) {
    assert.equal(chunk.text, range.join('\n'), `${where}: text differs from its lines`);
    return;
  }
  let position = 0;
  for (const line of chunkLines) {
    if (isElisionMarker(line)) continue;
    while (position < range.length && range[position] !== line) position++;
    assert.ok(position < range.length, `${where}: ${JSON.stringify(line)} is not in its range, in order`);
    position++;
  }
}

/** Every chunk's embedding text fits the window, and no chunk has more lines than allowed. */
export function assertFitsWindow(
  chunks: readonly Chunk[],
  window: { maxTokens: number; countTokens: (text: string) => number; maxChunkLines: number },
): void {
  for (const chunk of chunks) {
    const tokens = window.countTokens(embeddingText(chunk));
    assert.ok(tokens <= window.maxTokens, `${chunk.symbol ?? chunk.kind} ${chunk.startLine}: ${tokens} tokens`);
    assert.ok(chunk.text.split('\n').length <= window.maxChunkLines, `${chunk.symbol ?? chunk.kind}: too many lines`);
  }
}

/** The parts of a split chunk are numbered 0..count-1 in order, and each piece keeps the parent's identity. */
export function assertPartsConsistent(chunks: readonly Chunk[]): void {
  for (let index = 0; index < chunks.length; index++) {
    const part = chunks[index]!.part;
    if (part === undefined || part.index !== 0) continue;
    const pieces = chunks.slice(index, index + part.count);
    assert.equal(pieces.length, part.count, 'missing pieces');
    pieces.forEach((piece, position) => {
      assert.deepEqual(piece.part, { index: position, count: part.count });
      assert.equal(piece.symbol, chunks[index]!.symbol);
      assert.deepEqual(piece.scope, chunks[index]!.scope);
      assert.equal(piece.signature, chunks[index]!.signature);
    });
  }
}
