// What a query says about itself before any chunk is seen: whether it looks like a symbol (`RouterGroup`,
// `Sinatra::Base`, `fetchRequestHandler`, `response`) or like a sentence, and which names it could be asking for.
// The ranker keeps one set of weights per shape: "a chunk that defines the name" decides a symbol query and is
// one hint among many for a sentence.
import { identifierParts, queryWords } from '../lexical.ts';

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
  /** Qualified names (`a.b`, `A::B`, `A\B`, `A#b`): the last part, qualified by the part before it. */
  qualifiedNames: QueryName[];
  /** The query's words joined into one name (`fetch request handler` → `fetchrequesthandler`), when it has two to four. */
  joinedName: string | undefined;
  /** The query's content words, stemmed as the lexical index stems them (plain words and identifier parts, no wholes). */
  words: string[];
}

/** A token that may be (part of) a qualified name: identifier characters and the separators languages qualify with. */
const QUALIFIED_TOKEN = /[\p{L}\p{N}_$]+(?:(?:::|\.|\\|#|->)[\p{L}\p{N}_$]+)+/gu;
/** Identifier characters. */
const IDENTIFIER_TOKEN = /[\p{L}\p{N}_$]+/gu;
/** A word with identifier structure: inner capitals, underscores, digits after letters, or `$`. */
const CODE_LIKE = /^(?:.*[\p{Ll}\p{N}]\p{Lu}.*|.*[_$].*|\p{Lu}{2,}\p{Ll}.*)$/u;
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
  // The lexical index's words without the wholes of compound tokens: plain words and identifier parts, stemmed.
  const wholes = new Set(tokens.map(identifierParts).filter((parts) => parts.length > 1).map((parts) => parts.join('')));
  const words = queryWords(query).filter((word) => !wholes.has(word));
  const plainParts = tokens.flatMap((token) => identifierParts(token));
  const joinedName = plainParts.length >= 2 && plainParts.length <= MAX_JOINED_WORDS ? plainParts.join('') : undefined;
  return {
    shape: symbolShaped(query, tokens) ? 'symbol' : 'words',
    exactNames,
    qualifiedNames,
    joinedName,
    words,
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
