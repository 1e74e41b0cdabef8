// The lexical analyzer: how a text becomes the words of the lexical (BM25) index. Identifier-aware and
// stemmed: `parseHTTPHeader` is indexed as `parsehttpheader pars http header`, so the query `parsing http
// headers` finds it and the query `parseHTTPHeader` ranks the exact identifier first (its whole-word match
// is rare, so it weighs more).
//
// Below both the store (which writes the words) and search (which matches queries against them). Versioned:
// the words stored in an index were made by one version, and a schema migration that rewrites the lexical
// index calls the version it was written for (schema 6 and 7: version 1), so changing the analyzer never
// changes what an old migration produces. A version is frozen once released: a different analyzer is a new
// version beside the old ones, `ANALYZER_VERSION` moves to it, and a new schema migration rewrites the
// lexical index with it (the query side follows the current version).

import { stemmer } from 'stemmer';

/** One version of the analyzer. */
export interface Analyzer {
  readonly version: number;
  /** The tokens of a text: letter/digit runs, with `_` and `$` kept inside identifiers. */
  tokens(text: string): string[];
  /** The parts of one identifier, lower-cased: `get_HTTPStatus2` → get, http, status, 2. */
  identifierParts(identifier: string): string[];
  /** The words of one token, from its parts: the whole if compound (never stemmed), then each part, stemmed where it is a plain word. */
  tokenWords(parts: readonly string[]): string[];
  /** The words to index for a text. */
  words(text: string): string[];
  /** The same words, joined for an FTS5 column. */
  text(text: string): string;
}

// ---- version 1 (schema 6 onwards) ----

/** Letter/digit runs, with `_` and `$` kept inside identifiers. */
const TOKEN_V1 = /[\p{L}\p{N}_$]+/gu;
/** Boundaries inside an identifier: lower→Upper, digit→letter, letter→digit, ACRONYMWord. */
const INNER_BOUNDARY_V1 = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;
/** Plain English words long enough for a suffix to be worth removing; digits and short words stay as they are. */
const STEMMABLE_V1 = /^[a-z]{4,}$/;

function identifierPartsV1(identifier: string): string[] {
  return identifier
    .split(/[_$]+/)
    .flatMap((piece) => piece.split(INNER_BOUNDARY_V1))
    .filter((part) => part.length > 0)
    .map((part) => part.toLowerCase());
}

function tokenWordsV1(parts: readonly string[]): string[] {
  const words = parts.length > 1 ? [parts.join('')] : [];
  for (const part of parts) words.push(STEMMABLE_V1.test(part) ? stemmer(part) : part);
  return words;
}

/**
 * A compound identifier gives its whole (lower-cased, without `_`/`$`) and its parts; plain words and parts
 * are reduced to their Porter stem (`handlers` → `handler`), so "parsing headers" finds `parseHeader`. A
 * whole identifier is never stemmed: `HandlerNames` must not match `HandlerName` exactly (measured: stemming
 * wholes cost 4 points of nDCG on Go code).
 */
function wordsV1(text: string): string[] {
  const words: string[] = [];
  for (const [token] of text.matchAll(TOKEN_V1)) words.push(...wordsOfTokenV1(token));
  return words;
}

/**
 * The words of one token, remembered: code repeats its identifiers and keywords, and splitting and
 * stemming them again was most of the cost of writing a chunk's full-text row. A pure function of the
 * token, so the words are the same with or without the cache.
 */
const tokenWordsCacheV1 = new Map<string, readonly string[]>();
const TOKEN_WORDS_CACHE_LIMIT = 100_000;

function wordsOfTokenV1(token: string): readonly string[] {
  let words = tokenWordsCacheV1.get(token);
  if (words === undefined) {
    words = tokenWordsV1(identifierPartsV1(token));
    // Dropping everything at the limit is cruder than an LRU but costs nothing per call.
    if (tokenWordsCacheV1.size >= TOKEN_WORDS_CACHE_LIMIT) tokenWordsCacheV1.clear();
    tokenWordsCacheV1.set(token, words);
  }
  return words;
}

/** A token's words joined by spaces ('' for a token without any, such as `_`), remembered as `wordsOfTokenV1` remembers its words. */
const tokenTextCacheV1 = new Map<string, string>();

function tokenTextV1(token: string): string {
  let text = tokenTextCacheV1.get(token);
  if (text === undefined) {
    text = tokenWordsV1(identifierPartsV1(token)).join(' ');
    if (tokenTextCacheV1.size >= TOKEN_WORDS_CACHE_LIMIT) tokenTextCacheV1.clear();
    tokenTextCacheV1.set(token, text);
  }
  return text;
}

/** ASCII characters that are part of a token (letters, digits, `_`, `$`). */
const ASCII_TOKEN_V1 = new Uint8Array(128);
for (let code = 0; code < 128; code++) ASCII_TOKEN_V1[code] = /[A-Za-z0-9_$]/.test(String.fromCharCode(code)) ? 1 : 0;
/** A code point outside ASCII that is part of a token. */
const TOKEN_CHARACTER_V1 = /^[\p{L}\p{N}]$/u;

/**
 * `wordsV1(text).join(' ')`, without the arrays: the tokens are found by a scan (ASCII by a table, anything
 * else by TOKEN_V1's classes, a code point at a time), and each token's joined words come from a cache. The
 * lexical row of every chunk is written with it; the test checks it against the definition on real code.
 */
function textV1(text: string): string {
  let result = '';
  let start = -1;
  const length = text.length;
  for (let index = 0; index <= length; index++) {
    let inToken = false;
    let width = 1;
    if (index < length) {
      const code = text.charCodeAt(index);
      if (code < 128) inToken = ASCII_TOKEN_V1[code] === 1;
      else {
        const point = text.codePointAt(index)!;
        if (point > 0xffff) width = 2;
        inToken = TOKEN_CHARACTER_V1.test(String.fromCodePoint(point));
      }
    }
    if (inToken) {
      if (start < 0) start = index;
    } else if (start >= 0) {
      const words = tokenTextV1(text.slice(start, index));
      if (words !== '') result = result === '' ? words : `${result} ${words}`;
      start = -1;
    }
    index += width - 1;
  }
  return result;
}

const ANALYZER_V1: Analyzer = Object.freeze({
  version: 1,
  tokens: (text: string) => [...text.matchAll(TOKEN_V1)].map(([token]) => token),
  identifierParts: identifierPartsV1,
  tokenWords: tokenWordsV1,
  words: wordsV1,
  text: textV1,
});

// ---- versions ----

const ANALYZERS: ReadonlyMap<number, Analyzer> = new Map([[1, ANALYZER_V1]]);

/** The version the index is written and searched with now. */
export const ANALYZER_VERSION = 1;

/** The analyzer of a version; a version this code does not know is a programming error. */
export function analyzer(version: number): Analyzer {
  const found = ANALYZERS.get(version);
  if (!found) throw new RangeError(`There is no lexical analyzer version ${version} (known: ${[...ANALYZERS.keys()].join(', ')}).`);
  return found;
}

/** The current analyzer. */
export const currentAnalyzer = analyzer(ANALYZER_VERSION);

/** The parts of one identifier with the current analyzer, lower-cased: `get_HTTPStatus2` → get, http, status, 2. */
export function identifierParts(identifier: string): string[] {
  return currentAnalyzer.identifierParts(identifier);
}

/** Words to index for a text, with the current analyzer (see `wordsV1` for what version 1 does). */
export function lexicalWords(text: string): string[] {
  return currentAnalyzer.words(text);
}

/** The same as `lexicalWords`, joined for an FTS5 column. */
export function lexicalText(text: string): string {
  return currentAnalyzer.text(text);
}
