// What a query says about itself before any chunk is seen: whether it looks like a symbol (`RouterGroup`,
// `Sinatra::Base`, `fetchRequestHandler`, `response`) or like a sentence, and which names it could be asking for.
// The ranker keeps one set of weights per shape: "a chunk that defines the name" decides a symbol query and is
// one hint among many for a sentence.
import { identifierParts, lexicalWords, QUERY_STOP_WORDS, queryWords } from '../lexical.ts';

/** The two shapes the ranker learns separate weights for. */
export type QueryShape = 'symbol' | 'words';

/** A name the query may be asking for, normalised like a chunk's symbol (`normalName`). */
export interface QueryName {
  /** The defined name itself: the last part of a qualified name (`Base` of `Sinatra::Base`). */
  name: string;
  /** The qualifier that must enclose it, when the query gave one (`sinatra`), normalised. */
  qualifier: string | undefined;
}

/** Everything the features need to know about the query. */
export interface QueryAnalysis {
  shape: QueryShape;
  /** Names spelled out in the query: each identifier-like token, exactly. */
  exactNames: QueryName[];
  /**
   * For each exact name that is one plain word (`html`, `match`, `session`), that word as the index stems it, or
   * null for a stop word: how specific the name is depends on how common the word is. Compound names
   * (`ShouldBindQuery`, `Float32s`) are absent: they are specific by construction.
   */
  plainNames: Map<string, string | null>;
  /** Qualified names (`a.b`, `A::B`, `A\B`, `A#b`): the last part, qualified by the part before it. */
  qualifiedNames: QueryName[];
  /**
   * Names the query writes as code: tokens with identifier structure (`ShouldBindQuery`, `render_template`), calls
   * (`parse()`), backticked words and the last part of qualified names. In a sentence these are what it is about,
   * where its plain words (`check`, `print`) are prose that happens to match short names.
   */
  codeNames: string[];
  /** The query's words joined into one name (`fetch request handler` → `fetchrequesthandler`), when it has two to four. */
  joinedName: string | undefined;
  /** The query's content words, stemmed as the lexical index stems them (plain words and identifier parts, no wholes). */
  words: string[];
  /** The same with the stop words kept ("what", "is", "for"): how much of what was typed a heading says. */
  allWords: string[];
}

/** A token that may be (part of) a qualified name: identifier characters and the separators languages qualify with. */
const QUALIFIED_TOKEN = /[\p{L}\p{N}_$]+(?:(?:::|\.|\\|#|->)[\p{L}\p{N}_$]+)+/gu;
/** Identifier characters. */
const IDENTIFIER_TOKEN = /[\p{L}\p{N}_$]+/gu;
/** A word with identifier structure: inner capitals, underscores, digits after letters, or `$`. */
const CODE_LIKE = /^(?:.*[\p{Ll}\p{N}]\p{Lu}.*|.*[_$].*|\p{Lu}{2,}\p{Ll}.*)$/u;
/** A name called in the query: `parse()`, `c.Abort()` (the name before the parentheses). */
const CALLED_TOKEN = /([\p{L}\p{N}_$]+)\(/gu;
/** A name quoted as code: `` `Abort` ``. */
const BACKTICKED_TOKEN = /`([\p{L}\p{N}_$]+)`/gu;
/** Joining more words than this into one name finds nothing real and costs nothing to skip. */
const MAX_JOINED_WORDS = 4;
/** A query with more tokens than this is a sentence even when some of them are identifiers. */
const MAX_SYMBOL_TOKENS = 3;

/** A name as symbols are compared: lower case, without `_`, `$` and separators (`get_HTTPStatus` → `gethttpstatus`). */
export function normalName(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Analyses a query once; every candidate's features read it. */
export function analyzeQuery(query: string): QueryAnalysis {
  const qualifiedNames: QueryName[] = [];
  for (const [token] of query.matchAll(QUALIFIED_TOKEN)) {
    const parts = token.split(/::|\.|\\|#|->/).filter((part) => part !== '');
    if (parts.length < 2) continue;
    qualifiedNames.push({ name: normalName(parts.at(-1)!), qualifier: normalName(parts.at(-2)!) });
  }
  const tokens = [...query.matchAll(IDENTIFIER_TOKEN)].map(([token]) => token);
  const exactNames = [...new Set(tokens.map(normalName))].filter((name) => name.length > 0).map((name) => ({ name, qualifier: undefined }));
  const plainNames = new Map<string, string | null>();
  for (const token of tokens) {
    const parts = identifierParts(token);
    if (parts.length !== 1) continue;
    plainNames.set(normalName(token), QUERY_STOP_WORDS.has(parts[0]!) ? null : (queryWords(token)[0] ?? null));
  }
  const written = [
    ...tokens.filter((token) => CODE_LIKE.test(token)),
    ...[...query.matchAll(CALLED_TOKEN)].map(([, token]) => token!),
    ...[...query.matchAll(BACKTICKED_TOKEN)].map(([, token]) => token!),
  ];
  const codeNames = [...new Set([...written.map(normalName), ...qualifiedNames.map((entry) => entry.name)])].filter((name) => name.length > 0);
  // The lexical index's words without the wholes of compound tokens: plain words and identifier parts, stemmed.
  const wholes = new Set(tokens.map(identifierParts).filter((parts) => parts.length > 1).map((parts) => parts.join('')));
  const words = queryWords(query).filter((word) => !wholes.has(word));
  const allWords = [...new Set(lexicalWords(query).filter((word) => !wholes.has(word)))];
  const plainParts = tokens.flatMap((token) => identifierParts(token));
  const joinedName = plainParts.length >= 2 && plainParts.length <= MAX_JOINED_WORDS ? plainParts.join('') : undefined;
  return {
    shape: symbolShaped(query, tokens) ? 'symbol' : 'words',
    exactNames,
    plainNames,
    qualifiedNames,
    codeNames,
    joinedName,
    words,
    allWords,
  };
}

/**
 * Whether the query looks like a symbol: one identifier (`Command`, `response`, `render_template`), a qualified
 * name, a call (`parse()`), or a few tokens that all have identifier structure. A question or a phrase is words.
 */
function symbolShaped(query: string, tokens: readonly string[]): boolean {
  if (tokens.length === 0) return false;
  if (tokens.length === 1) return true;
  if (tokens.length > MAX_SYMBOL_TOKENS) return false;
  const rest = query.replace(QUALIFIED_TOKEN, ' ').replace(/\(\s*\)/g, ' ');
  const loose = [...rest.matchAll(IDENTIFIER_TOKEN)].map(([token]) => token);
  return loose.every((token) => CODE_LIKE.test(token));
}
