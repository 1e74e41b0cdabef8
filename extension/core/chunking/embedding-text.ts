// The text handed to the embedding model for a chunk. One function on purpose: the evaluation harness tunes this
// format, and any change to it must bump CHUNKER_VERSION (the window is measured on this text).

import type { Chunk } from './types.ts';

/** What `embeddingText` reads from a chunk. */
export type EmbeddingTextInput = Pick<Chunk, 'path' | 'scope' | 'signature' | 'part' | 'text'>;

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
 */
export function embeddingText(chunk: EmbeddingTextInput): string {
  let header = `path: ${chunk.path}\n`;
  if (chunk.scope.length > 0) header += `scope: ${chunk.scope.join(' > ')}\n`;
  if (chunk.part !== undefined && chunk.part.index > 0 && chunk.signature !== undefined) {
    header += `signature: ${chunk.signature}\n`;
  }
  return `${header}\n${chunk.text}`;
}
