// The text handed to the embedding model for a chunk. One function on purpose: the evaluation harness tunes this
// format, and any change to it must bump CHUNKER_VERSION (the window is measured on this text).

import type { Chunk } from './types.ts';

/** What `embeddingText` reads from a chunk. */
export type EmbeddingTextInput = Pick<Chunk, 'path' | 'scope' | 'signature' | 'part' | 'text'>;

/**
 * Longest value of a header line, in characters. Without a bound, a 400-character signature on a later
 * piece filled a 128-token window on its own (USE lite), and the file could not be indexed at all: 19 of
 * Rich's 346 files were lost that way. Three lines of at most this many characters leave room for code.
 */
export const MAX_HEADER_VALUE_LENGTH = 80;

/** The end of a long value (a path, a scope: their last names say the most), marked as cut. */
function keepEnd(value: string): string {
  return value.length <= MAX_HEADER_VALUE_LENGTH ? value : `…${value.slice(value.length - MAX_HEADER_VALUE_LENGTH + 1)}`;
}

/** The start of a long value (a signature: its name and first parameters), marked as cut. */
function keepStart(value: string): string {
  return value.length <= MAX_HEADER_VALUE_LENGTH ? value : `${value.slice(0, MAX_HEADER_VALUE_LENGTH - 1)}…`;
}

/**
 * Context lines, a blank line, then the code:
 *
 *     path: src/http/parse.ts
 *     scope: HttpParser
 *     signature: parse(data: Buffer): Header      (only on the second and later pieces of a split chunk)
 *
 *     parse(data: Buffer): Header { …
 *
 * The signature is left out of whole chunks and first pieces because their text starts with it already.
 * Each value is cut to MAX_HEADER_VALUE_LENGTH characters.
 */
export function embeddingText(chunk: EmbeddingTextInput): string {
  let header = `path: ${keepEnd(chunk.path)}\n`;
  if (chunk.scope.length > 0) header += `scope: ${keepEnd(chunk.scope.join(' > '))}\n`;
  if (chunk.part !== undefined && chunk.part.index > 0 && chunk.signature !== undefined) {
    header += `signature: ${keepStart(chunk.signature)}\n`;
  }
  return `${header}\n${chunk.text}`;
}
