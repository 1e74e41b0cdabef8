// Identifier-aware words for the lexical (BM25) index: `parseHTTPHeader` is indexed as
// `parsehttpheader parse http header`, so the query `parse http header` finds it and the query
// `parseHTTPHeader` ranks the exact identifier first (its whole-word match is rare, so it weighs more).

/** Letter/digit runs, with `_` and `$` kept inside identifiers. */
const TOKEN = /[\p{L}\p{N}_$]+/gu;
/** Boundaries inside an identifier: lower→Upper, digit→letter, letter→digit, ACRONYMWord. */
const INNER_BOUNDARY = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;

/** Words too common in questions to help a lexical match. */
const QUERY_STOP_WORDS = new Set(
  'a an and are as at be by do does for from how i in is it of on or that the this to was what when where which who why with you can should my me we our'.split(' '),
);

/** The parts of one identifier, lower-cased: `get_HTTPStatus2` → get, http, status, 2. */
export function identifierParts(identifier: string): string[] {
  return identifier
    .split(/[_$]+/)
    .flatMap((piece) => piece.split(INNER_BOUNDARY))
    .filter((part) => part.length > 0)
    .map((part) => part.toLowerCase());
}

/** Words to index for a text: each token whole (lower-cased, without `_`/`$`) and, if compound, its parts. */
export function lexicalWords(text: string): string[] {
  const words: string[] = [];
  for (const [token] of text.matchAll(TOKEN)) {
    const parts = identifierParts(token);
    if (parts.length === 0) continue;
    const whole = parts.join('');
    words.push(whole);
    if (parts.length > 1) words.push(...parts);
  }
  return words;
}

/** The same as `lexicalWords`, joined for an FTS5 column. */
export function lexicalText(text: string): string {
  return lexicalWords(text).join(' ');
}

/**
 * An FTS5 MATCH expression for a user query: any of its words (BM25 ranks documents matching more and
 * rarer words first), stop words dropped unless nothing else is left. Undefined when the query has no words.
 */
export function lexicalQuery(query: string): string | undefined {
  const words = [...new Set(lexicalWords(query))];
  const meaningful = words.filter((word) => !QUERY_STOP_WORDS.has(word));
  const chosen = meaningful.length > 0 ? meaningful : words;
  if (chosen.length === 0) return undefined;
  // Words are letters and digits only, so quoting cannot be broken out of.
  return chosen.map((word) => `"${word}"`).join(' OR ');
}
