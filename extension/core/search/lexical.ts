// The query side of the lexical (BM25) index: which words and identifiers of a query to match, and the
// FTS5 expressions that match them. The words themselves come from the analyzer in `../text/analyzer.ts`
// (the store writes the index with it too), always its current version, so queries match what is stored.

import { currentAnalyzer } from '../text/analyzer.ts';

// Search-side callers (ranking, calibration's neighbours, bench, training) read the analyzer through here.
export { identifierParts, lexicalWords } from '../text/analyzer.ts';

/** Words too common in questions to help a lexical match. */
export const QUERY_STOP_WORDS = new Set(
  'a an and are as at be by do does for from how i in is it of on or that the this to was what when where which who why with you can should my me we our'.split(' '),
);

/** The words of a user query worth matching: stop words (checked before stemming) dropped unless nothing else is left. */
export function queryWords(query: string): string[] {
  const tokens = currentAnalyzer.tokens(query).map((token) => currentAnalyzer.identifierParts(token)).filter((parts) => parts.length > 0);
  const meaningful = tokens.filter((parts) => parts.length > 1 || !QUERY_STOP_WORDS.has(parts[0]!));
  return [...new Set((meaningful.length > 0 ? meaningful : tokens).flatMap((parts) => currentAnalyzer.tokenWords(parts)))];
}

/**
 * The identifiers a query spells out (`GetUint`, `validate_struct`, `parseHTTPHeader()`), as their whole
 * lexical word: a chunk that defines one of them is very likely what the query is about. Plain words
 * are not names: joining adjacent words (`validate struct` → `validatestruct`) was measured and hurt
 * more sets than it helped (bench/quality).
 */
export function queryNames(query: string): string[] {
  return [...new Set(spelledNames(query).map((name) => currentAnalyzer.identifierParts(name).join('')))];
}

/**
 * The identifiers a query spells out, as spelled (`SqlMapper`, `validate_struct`): the names a definition
 * would carry in the source, to look its definitions up by name (`queryNames` gives their lexical words).
 */
export function spelledNames(query: string): string[] {
  return [...new Set(currentAnalyzer.tokens(query).filter((token) => currentAnalyzer.identifierParts(token).length > 1))];
}

/**
 * An FTS5 MATCH expression that finds chunks whose scope or symbol column holds one of the names, or
 * undefined when there is none.
 */
export function symbolQuery(names: readonly string[]): string | undefined {
  const expression = lexicalQuery(names);
  return expression === undefined ? undefined : `symbol : (${expression})`;
}

/** Indexes smaller than this are fast whatever the query; no word is dropped for being common. */
const COMMON_WORD_MIN_CHUNKS = 20_000;
/** A word in more than this share of the chunks adds little to BM25 (its idf is near zero) but costs a long posting list. */
const COMMON_WORD_SHARE = 0.2;

/**
 * Drops words that occur in most chunks of a large index, keeping at least the rarest word: their
 * posting lists are what makes an OR query slow, and their BM25 weight is close to nothing.
 */
export function withoutNearUniversalWords(words: readonly string[], frequencies: ReadonlyMap<string, number>, chunkCount: number): string[] {
  if (chunkCount < COMMON_WORD_MIN_CHUNKS || words.length <= 1) return [...words];
  const kept = words.filter((word) => (frequencies.get(word) ?? 0) <= chunkCount * COMMON_WORD_SHARE);
  if (kept.length > 0) return kept;
  const rarest = [...words].sort((a, b) => (frequencies.get(a) ?? 0) - (frequencies.get(b) ?? 0))[0]!;
  return [rarest];
}

/**
 * An FTS5 MATCH expression matching any of the words (BM25 ranks documents matching more and rarer
 * words first). Undefined when there are no words.
 */
export function lexicalQuery(words: readonly string[]): string | undefined {
  if (words.length === 0) return undefined;
  // Words are letters and digits only, so quoting cannot be broken out of.
  return words.map((word) => `"${word}"`).join(' OR ');
}
