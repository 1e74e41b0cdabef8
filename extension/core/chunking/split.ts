// Fitting drafts into the embedding window. A draft whose embedding text is too long (or that has too many lines)
// is split at line boundaries into pieces that overlap by about `overlapTokens`; a single line too long for the
// window is split by characters. Nothing is dropped and nothing is cut without becoming another piece.

import { embeddingText } from './embedding-text.ts';
import { ChunkingError } from './errors.ts';
import { isBlank, trimBlankLines, type Draft, type DraftLine } from './draft.ts';
import { relationsOfLines } from './relations.ts';
import type { Chunk, LanguageId } from './types.ts';

/** The window a draft must fit. */
export interface WindowOptions {
  maxTokens: number;
  overlapTokens: number;
  countTokens: (text: string) => number;
  /** Most lines per piece. */
  maxLines: number;
}

/** The file a draft belongs to. */
export interface DraftOrigin {
  path: string;
  language: LanguageId;
}

function toChunk(draft: Draft, origin: DraftOrigin, lines: DraftLine[], part: Chunk['part']): Chunk {
  return {
    path: origin.path,
    language: origin.language,
    kind: draft.kind,
    symbol: draft.symbol,
    scope: [...draft.scope],
    signature: draft.signature,
    startLine: lines[0]!.row + 1,
    endLine: lines.at(-1)!.row + 1,
    text: lines.map((line) => line.text).join('\n'),
    docComment: draft.docComment,
    part,
    relations: relationsOfLines(draft, lines),
  };
}

/** Largest n in [0, limit] with fits(n), assuming fits is monotone; starts near `guess` to save token counts. */
function largestFitting(limit: number, guess: number, fits: (n: number) => boolean): number {
  if (limit <= 0) return 0;
  let low = 0;
  let high = limit;
  let probe = Math.max(1, Math.min(limit, Math.floor(guess)));
  if (fits(probe)) {
    low = probe;
    let step = probe;
    for (;;) {
      if (low >= limit) return low;
      probe = Math.min(limit, low + step);
      if (!fits(probe)) {
        high = probe - 1;
        break;
      }
      low = probe;
      step *= 2;
    }
  } else {
    high = probe - 1;
  }
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Splits one draft into chunks that fit the window. */
export function splitDraft(draft: Draft, origin: DraftOrigin, options: WindowOptions): Chunk[] {
  const all = trimBlankLines(draft.lines);
  if (all.length === 0) return [];
  const { maxTokens, overlapTokens, countTokens, maxLines } = options;
  const tokensOf = (lines: DraftLine[], text: string, index: number | undefined): number =>
    countTokens(
      embeddingText({
        path: origin.path,
        scope: draft.scope,
        signature: draft.signature,
        part: index === undefined ? undefined : { index, count: 0 },
        text: lines.length === 0 ? text : lines.map((line) => line.text).join('\n'),
      }),
    );

  if (all.length <= maxLines && tokensOf(all, '', undefined) <= maxTokens) return [toChunk(draft, origin, all, undefined)];

  const pieces: DraftLine[][] = [];
  const cost = all.map((line) => countTokens(line.text) + 1);
  const maxOverlapLines = Math.floor(maxLines / 2);
  let next = 0; // first line not yet in a piece
  let overlapStart = 0; // the next piece may start this far back, repeating lines of the previous one
  while (next < all.length) {
    const index = pieces.length;
    const budget = maxTokens - tokensOf([], '', index);
    let start = overlapStart;
    let sum = 0;
    for (let line = start; line < next; line++) sum += cost[line]!;
    while (start < next && sum + cost[next]! > budget) sum -= cost[start++]!;
    let end = next;
    while (end < all.length && end - start < maxLines && sum + cost[end]! <= budget) sum += cost[end++]!;
    if (end === next) end = next + 1; // the estimate says the line is too long; the exact count decides below
    // Token counts of lines do not add up exactly (merges across line breaks), so the exact count has the last word.
    while (tokensOf(all.slice(start, end), '', index) > maxTokens) {
      if (end - 1 > next) end--;
      else if (start < next) start++;
      else break;
    }
    if (end === next + 1 && start === next && tokensOf(all.slice(start, end), '', index) > maxTokens) {
      pieces.push(...splitLine(all[next]!, draft, origin, options, index));
      next++;
      overlapStart = next;
      continue;
    }
    pieces.push(all.slice(start, end));
    next = end;
    overlapStart = end;
    let overlap = 0;
    while (
      overlapStart - 1 > start &&
      end - (overlapStart - 1) <= maxOverlapLines &&
      overlap + cost[overlapStart - 1]! <= overlapTokens
    ) {
      overlap += cost[--overlapStart]!;
    }
  }
  const kept = pieces.map(trimBlankLines).filter((lines) => lines.some((line) => !isBlank(line.text)));
  return kept.map((lines, index) => toChunk(draft, origin, lines, { index, count: kept.length }));
}

/** Pieces of one line too long for the window, cut between characters, overlapping by about `overlapTokens`. */
function splitLine(line: DraftLine, draft: Draft, origin: DraftOrigin, options: WindowOptions, firstIndex: number): DraftLine[][] {
  const { maxTokens, overlapTokens, countTokens } = options;
  const text = line.text;
  const charsPerToken = text.length / Math.max(1, countTokens(text));
  const pieces: DraftLine[][] = [];
  let position = 0;
  while (position < text.length) {
    const index = firstIndex + pieces.length;
    const part = { index, count: 0 };
    const header = embeddingText({ path: origin.path, scope: draft.scope, signature: draft.signature, part, text: '' });
    const headerTokens = countTokens(header);
    const fits = (length: number): boolean => countTokens(header + text.slice(position, position + length)) <= maxTokens;
    let length = largestFitting(text.length - position, (maxTokens - headerTokens) * charsPerToken, fits);
    if (length === 0) {
      throw new ChunkingError(
        'window-too-small',
        `The embedding window (${maxTokens} tokens) cannot hold even the header of a chunk of ${origin.path}; ` +
          'use a model with a larger window.',
      );
    }
    if (position + length < text.length && length > 1 && isHighSurrogate(text.charCodeAt(position + length - 1))) length--;
    const piece = text.slice(position, position + length);
    pieces.push([{ row: line.row, text: piece, elided: line.elided }]);
    if (position + length >= text.length) break;
    const maxOverlap = Math.floor(length / 2);
    const overlapFits = (n: number): boolean => countTokens(piece.slice(length - n)) <= overlapTokens;
    let overlap = overlapTokens > 0 ? largestFitting(maxOverlap, overlapTokens * charsPerToken, overlapFits) : 0;
    if (overlap > 0 && isHighSurrogate(text.charCodeAt(position + length - overlap - 1))) overlap--;
    position += length - overlap;
  }
  return pieces;
}
