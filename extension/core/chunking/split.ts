// Fitting drafts into the embedding window. A draft whose embedding text is too long (or that has too many lines)
// is split at line boundaries into pieces that overlap by about `overlapTokens`; a single line too long for the
// window is split by characters. Nothing is dropped and nothing is cut without becoming another piece.

import { embeddingText } from './embedding-text.ts';
import { CoreError } from '../errors.ts';
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

function toChunk(draft: Draft, origin: DraftOrigin, lines: DraftLine[], part: Chunk['part'], firstRow: number): Chunk {
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
    definition: draft.definition && {
      startLine: firstRow + 1,
      line: draft.definition.row + 1,
      headEndLine: draft.definition.headEndRow === undefined ? undefined : draft.definition.headEndRow + 1,
    },
  };
}

/**
 * No tokenizer gives a token of text worth embedding more characters than this. A text longer than the window
 * times this is over the window without being counted: tokenizers take seconds on texts of hundreds of
 * kilobytes (a minified line), and some overflow their stack. Wrong for a huge unbroken word, where the cost is
 * a split that was not needed, never a lost line.
 */
export const MAX_CHARS_PER_TOKEN = 32;

/** The first steps of the search for a piece's length move by this share of the guess, then double. */
const FIRST_STEP_SHARE = 1 / 32;

/**
 * Largest n in [0, limit] with fits(n), assuming fits is monotone. Starts at `guess` and gallops away from it
 * in small steps that double, then bisects the last step: a good guess costs a few token counts, not a
 * bisection of the whole range.
 */
function largestFitting(limit: number, guess: number, fits: (n: number) => boolean): number {
  if (limit <= 0) return 0;
  let low = 0;
  let high = limit;
  let probe = Math.max(1, Math.min(limit, Math.floor(guess)));
  let step = Math.max(1, Math.floor(probe * FIRST_STEP_SHARE));
  if (fits(probe)) {
    low = probe;
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
    for (;;) {
      if (high <= 0) return 0;
      probe = Math.max(1, high - step + 1);
      if (fits(probe)) {
        low = probe;
        break;
      }
      high = probe - 1;
      step *= 2;
    }
  }
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Share of the window a piece of a long line may leave empty, so that its length takes few token counts to find. */
const PIECE_FILL_SLACK = 1 / 16;

/**
 * A length in [0, limit] whose piece fits the window and fills it: to at least (1 - PIECE_FILL_SLACK), or up to
 * the end of the line. Tokens grow about in proportion to characters, so each count corrects the length by the
 * ratio it measured, aiming a little below the window; a long line takes about two counts per piece instead of
 * a bisection's dozen. After a few tries without such a length, the largest fitting one is searched for.
 */
function fullPieceLength(limit: number, guess: number, tokensOf: (length: number) => number, maxTokens: number): number {
  if (limit <= 0) return 0;
  const aim = maxTokens * (1 - PIECE_FILL_SLACK / 2);
  let length = Math.max(1, Math.min(limit, Math.floor(guess)));
  for (let attempt = 0; attempt < 4; attempt++) {
    const tokens = tokensOf(length);
    if (tokens <= maxTokens && (length === limit || tokens >= maxTokens * (1 - PIECE_FILL_SLACK))) return length;
    const next = Math.max(1, Math.min(limit, Math.floor((length * aim) / Math.max(1, tokens))));
    if (next === length) break;
    length = next;
  }
  return largestFitting(limit, length, (candidate) => tokensOf(candidate) <= maxTokens);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** `countTokens`, except that a text over the window by its length alone is not counted (see MAX_CHARS_PER_TOKEN). */
function boundedCounter({ maxTokens, countTokens }: WindowOptions): (text: string) => number {
  return (text) => (text.length > maxTokens * MAX_CHARS_PER_TOKEN ? maxTokens + 1 : countTokens(text));
}

/** Splits one draft into chunks that fit the window. */
export function splitDraft(draft: Draft, origin: DraftOrigin, options: WindowOptions): Chunk[] {
  const all = trimBlankLines(draft.lines);
  if (all.length === 0) return [];
  const { maxTokens, overlapTokens, maxLines } = options;
  const countTokens = boundedCounter(options);
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

  if (all.length <= maxLines && tokensOf(all, '', undefined) <= maxTokens) return [toChunk(draft, origin, all, undefined, all[0]!.row)];

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
  return kept.map((lines, index) => toChunk(draft, origin, lines, { index, count: kept.length }, all[0]!.row));
}

/** Pieces of one line too long for the window, cut between characters, overlapping by about `overlapTokens`. */
function splitLine(line: DraftLine, draft: Draft, origin: DraftOrigin, options: WindowOptions, firstIndex: number): DraftLine[][] {
  const { maxTokens, overlapTokens } = options;
  const countTokens = boundedCounter(options);
  const text = line.text;
  // Characters per token, measured on the start of a long line: counting all of it can take seconds.
  const measured = text.slice(0, maxTokens * MAX_CHARS_PER_TOKEN);
  const charsPerToken = measured.length / Math.max(1, countTokens(measured));
  const pieces: DraftLine[][] = [];
  let position = 0;
  while (position < text.length) {
    const index = firstIndex + pieces.length;
    const part = { index, count: 0 };
    const header = embeddingText({ path: origin.path, scope: draft.scope, signature: draft.signature, part, text: '' });
    const headerTokens = countTokens(header);
    const tokensOf = (length: number): number => countTokens(header + text.slice(position, position + length));
    let length = fullPieceLength(text.length - position, (maxTokens - headerTokens) * charsPerToken, tokensOf, maxTokens);
    if (length === 0) {
      throw new CoreError('chunking', 
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
