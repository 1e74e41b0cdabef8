// Units of the lexical (BM25) index, independent of the embedding window. A model with a small window
// (USE lite: 128 tokens, most of it taken by the path/scope/signature header) splits a section or a
// long function into pieces of one or two lines; BM25 over such pieces cannot see a query's words
// spread over a paragraph, and a corpus of pieces of every size skews BM25's length normalisation.
// Consecutive pieces of one split chunk are therefore indexed together, as one lexical document, up to
// a size that suited lexical search best (bench/quality, USE lite's chunks, lexical nDCG@10):
// docs-fastapi 27.1 → 42.7, docs-eslint 31.4 → 46.5, csn-python 63.6 → 75.3, csn files 37.5 → 48.7,
// eslint 43.9 → 52.0, xling 7.7 → 14.6, gin and cosqa unchanged; code-rich lost 3.0 (51.1 → 48.1: the
// short first piece of a long function, its name and signature, no longer outranks short test
// functions). Grouping only Markdown sections and line windows was tried too: code pieces then
// outweighed the longer sections, and docs-fastapi fell to 25.1.

/** The fields of a chunk (stored or fresh) that decide its lexical unit. */
export interface LexicalUnitChunk {
  kind: string;
  startLine: number;
  endLine: number;
  text: string;
  part: { index: number; count: number } | undefined;
}

/** A lexical document: chunks `first..last` (indexes into the list given) of one file and chunk set. */
export interface LexicalUnit {
  first: number;
  last: number;
  /** The last line of the unit: the end of its last chunk. */
  endLine: number;
  /** The unit's text: its chunks' texts joined (the overlap between pieces repeats a few words). */
  text: string;
}

/**
 * The largest unit of each version of the grouping, in characters of text and in lines, frozen once an index
 * was written with it: schema 7 grouped the stored chunks with version 1 and keeps calling version 1,
 * whatever the current limits become; other limits are a new version (and a schema migration that regroups
 * with it). Version 1, measured with bench/quality on USE lite's pieces: 1,600 characters / 60 lines raised
 * lexical nDCG@10 on docs-fastapi from 27.1 to 42.7; 5,000 / 150 gave 37.7 and 800 / 30 gave 41.1. Chunks
 * bigger than this (most of a large-window model's) stay alone.
 */
const UNIT_LIMITS: ReadonlyMap<number, { readonly maxChars: number; readonly maxLines: number }> = new Map([[1, { maxChars: 1600, maxLines: 60 }]]);

/** The version the index is written with now. */
export const LEXICAL_UNITS_VERSION = 1;

/** The current version's largest unit, in characters and in lines. */
export const LEXICAL_UNIT_MAX_CHARS = UNIT_LIMITS.get(LEXICAL_UNITS_VERSION)!.maxChars;
export const LEXICAL_UNIT_MAX_LINES = UNIT_LIMITS.get(LEXICAL_UNITS_VERSION)!.maxLines;

/**
 * Groups a file's chunks (one chunk set, in ordinal order) into lexical units: a chunk that was not
 * split is a unit of its own; consecutive pieces of a split chunk join while the unit stays within the
 * limits of `version` (the current one unless a schema migration names its own). Every chunk belongs to
 * exactly one unit, in the chunks' order.
 */
export function lexicalUnits(chunks: readonly LexicalUnitChunk[], version = LEXICAL_UNITS_VERSION): LexicalUnit[] {
  const limits = UNIT_LIMITS.get(version);
  if (!limits) throw new RangeError(`There is no lexical unit version ${version} (known: ${[...UNIT_LIMITS.keys()].join(', ')}).`);
  const units: LexicalUnit[] = [];
  for (let first = 0; first < chunks.length; ) {
    const head = chunks[first]!;
    let text = head.text;
    let endLine = head.endLine;
    let last = first;
    while (last + 1 < chunks.length) {
      const next = chunks[last + 1]!;
      if (!isNextPiece(chunks[last]!, next)) break;
      if (text.length + 1 + next.text.length > limits.maxChars || next.endLine - head.startLine + 1 > limits.maxLines) break;
      text += `\n${next.text}`;
      endLine = Math.max(endLine, next.endLine);
      last += 1;
    }
    units.push({ first, last, endLine, text });
    first = last + 1;
  }
  return units;
}

/** Whether `next` is the piece after `previous` of the same split chunk. */
function isNextPiece(previous: LexicalUnitChunk, next: LexicalUnitChunk): boolean {
  if (next.kind !== previous.kind || !previous.part || !next.part) return false;
  return next.part.count === previous.part.count && next.part.index === previous.part.index + 1;
}
