// The features of one candidate for one query, computed over the whole candidate pool (file coherence needs the
// other candidates of a file). The ranker scores a candidate as a weighted sum of these plus regression trees over
// them (model.ts); training (training/ranker) writes exactly these vectors, so the product and the learned weights
// never disagree on what a feature means. Every candidate feature is 0 when it says nothing, so a missing signal
// adds nothing to the weighted sum; the pool's and the query's context (last in the list) is for the trees.
import type { RankedChunk } from '../results.ts';
import { lexicalWords, QUERY_STOP_WORDS } from '../lexical.ts';
import { normalName, type QueryAnalysis } from './query-shape.ts';
import { pathRoles, pathWords } from './path-signals.ts';
import { docLine } from '../summary.ts';

/** Every feature the ranker knows, in the order of a feature vector. A weights file names the ones it uses. */
export const FEATURE_NAMES = [
  // What retrieval said.
  'lexicalScore', // BM25 over the pool's best BM25: how close to the best lexical match
  'lexicalRank', // 1 / log2(2 + rank) in the lexical list
  'symbolListRank', // 1 / log2(2 + rank) in the identifier-match list (names the query spells, on the symbol column)
  'fusedRank', // 1 / log2(2 + position) after fusion: the order the ranker starts from
  'denseRank', // 1 / log2(2 + rank) in the dense list
  'denseGap', // cosine minus the pool's best cosine (≤ 0); 0 when the dense list did not find it
  // Does the chunk define what the query names?
  'definesExact', // its symbol is a name the query spells (`Blueprint`, `render_template`)
  'definesQualified', // `Sinatra::Base`, `a.b`: its symbol is the last part, its scope or file the qualifier
  'definesSpecific', // definesExact × how specific the name is: 1 for a compound name, a plain word's IDF share (`html`, `get` count little)
  'definesCodeName', // its symbol is a name the query writes as code (`ShouldBindQuery is a shortcut…`, `parse()`)
  'definesJoined', // its symbol is the query's words joined (`fetch request handler` → fetchRequestHandler)
  'memberOfName', // its scope holds a name the query spells (a method of the class asked for)
  'headingPrecision', // a section whose own heading holds every word of the query: the share of the heading's words the query holds (1: the heading is the query)
  'headingMatch', // headingPrecision × the share of everything the query says, stop words too, that the heading holds
  'docMatch', // a definition whose doc line is the query: the share of the query's words in it × the share of its words in the query
  'linkList', // share of a prose unit's lines that are list items holding only a link: a table of contents or a link list
  'symbolWordShare', // share of the query's words among its symbol's words
  'symbolWordShareInCode', // symbolWordShare × the share of code among the pool's best 10: names decide where code answers, not where prose does
  // What the path says.
  'stemWordShare', // share of the query's words in the file's stem
  'stemIsName', // the file's stem is a name the query spells, or its words joined (`Logger` → Logger.php)
  'folderWordShare', // share of the query's words in the folder names
  'testPath',
  'testCode', // a test function or a member of a test module, in any file
  'examplePath',
  'vendoredPath',
  'generatedPath',
  'compatibilityPath',
  'typeDeclarationPath',
  // File coherence and diminishing returns.
  'fileCandidates', // log2(1 + candidates in the same file)
  'fileSupport', // log2(1 + the other candidates' fused strengths in the same file): several strong pieces lift a file
  'bestInFile', // the file's best-fused candidate
  'filePosition', // log2(1 + better-fused candidates of the same file): the second, third… piece of a file weighs less
  // Chunk kind and size.
  'kindCallable', // function, method
  'kindType', // class, interface, enum, type, impl
  'kindStatements',
  'kindSection', // a Markdown section
  'kindWindow', // lines of a file without a grammar
  'outline', // a class-like chunk whose big members are chunks of their own
  'laterPiece', // a piece of a split chunk after its first
  'lines', // log2(1 + lines)
  // What the pool and the query say, alike for every candidate of a query: context for the trees (trees.ts), which
  // can weigh a candidate's features differently where retrieval found prose first.
  'poolProse', // the share of prose units among the pool's best 10 (fused order)
  'poolHeading', // the pool's best headingMatch: a section's heading says what the query says
  'queryWords', // log2(1 + the query's words, stop words left out)
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/** Position of each feature in a vector. */
export const FEATURE_INDEX: Readonly<Record<FeatureName, number>> = Object.fromEntries(FEATURE_NAMES.map((name, index) => [name, index])) as Record<FeatureName, number>;

/** A fused candidate with its ranks in the lists that found it (0-based), as `fuse` gives them. */
export type FeatureCandidate = Pick<RankedChunk, 'folder' | 'chunk' | 'dense' | 'lexical' | 'fused' | 'ranks'>;

const CALLABLE = new Set(['function', 'method']);
const TYPE_LIKE = new Set(['class', 'interface', 'enum', 'type', 'impl']);
/** Kinds that define a name: statements and windows hold many, sections name prose. */
const DEFINING = new Set([...CALLABLE, ...TYPE_LIKE]);

const rankWeight = (rank: number | undefined): number => (rank === undefined ? 0 : 1 / Math.log2(2 + rank));

/** A word this short is a prefix of too many others to match by prefix. */
const MIN_PREFIX_WORD = 4;

/**
 * Whether two stemmed words are one: equal, or the shorter (4 letters or more) starts the longer. Names are
 * abbreviated where prose is not: `config.py` answers "configuration" (stem `configur`), `auth` "authentication".
 */
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return short.length >= MIN_PREFIX_WORD && long.startsWith(short);
}

/** In how many lexical documents each word occurs, of about how many: what makes a word worth matching. */
export interface WordFrequencies {
  frequencies: ReadonlyMap<string, number>;
  documents: number;
}

/**
 * Each query word's weight: its BM25 inverse document frequency in the index, so that a word every other name
 * holds (`python`, `get`, `check`) counts for little. Equal weights when the frequencies are unknown.
 */
export function wordWeights(words: readonly string[], statistics: WordFrequencies | undefined): number[] {
  if (!statistics) return words.map(() => 1);
  const documents = Math.max(statistics.documents, 1);
  return words.map((word) => {
    const frequency = Math.min(statistics.frequencies.get(word) ?? 0, documents);
    return Math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5));
  });
}

/**
 * How specific an exact name of the query is, from 0 to 1: a compound name (`ShouldBindQuery`) is 1; a plain word
 * is its inverse document frequency over the largest possible one (a word no document holds), so that a function
 * called `html` or `get` is weak evidence for a sentence that says "html" or "get"; a stop word is 0.
 */
export function nameSpecificity(query: QueryAnalysis, name: string, statistics: WordFrequencies | undefined): number {
  const word = query.plainNames.get(name);
  if (word === undefined) return 1;
  if (word === null) return 0;
  if (!statistics) return 1;
  const documents = Math.max(statistics.documents, 1);
  const frequency = Math.min(statistics.frequencies.get(word) ?? 0, documents);
  return Math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5)) / Math.log(1 + (documents + 0.5) / 0.5);
}

/** Weighted share of `words` found in `set` (see `sameWord`); 0 for no words. */
function share(words: readonly string[], weights: readonly number[], set: ReadonlySet<string>): number {
  let total = 0;
  let found = 0;
  words.forEach((word, index) => {
    total += weights[index]!;
    if (set.has(word)) found += weights[index]!;
    else for (const other of set) if (sameWord(word, other)) {
      found += weights[index]!;
      break;
    }
  });
  return total > 0 ? found / total : 0;
}

/** Entries kept by each memo below: paths and names repeat from query to query on one index. */
const MEMO_CAPACITY = 50_000;

/** A function of a string, remembered; forgets everything at capacity (cheaper per call than an LRU). */
function memoized<T>(compute: (key: string) => T): (key: string) => T {
  const memo = new Map<string, T>();
  return (key) => {
    let value = memo.get(key);
    if (value === undefined) {
      if (memo.size >= MEMO_CAPACITY) memo.clear();
      memo.set(key, (value = compute(key)));
    }
    return value;
  };
}

/** What a path says (path-signals.ts), per path. */
const pathInfo = memoized((filePath) => ({ roles: pathRoles(filePath), words: pathWords(filePath) }));
/** A symbol's normal name and its stemmed words, per symbol. */
const symbolInfo = memoized((symbol) => ({ normal: normalName(symbol), words: new Set(lexicalWords(symbol)) }));

/** Kinds of prose units (chunking/prose.ts): Markdown sections and windows of text without a grammar. */
export const PROSE_KINDS: ReadonlySet<string> = new Set(['section', 'window']);

/** A list item that is one link and nothing else: `- [Removed formatters](#removed-formatters)`, `1. [Setup](setup.md)`. */
const LINK_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+\[[^\]]*\]\([^)\s]*\)\s*$/;
/** A Markdown heading line: the unit's own title, not part of what it lists. */
const HEADING_LINE = /^\s{0,3}#{1,6}\s/;

/**
 * The share of a prose unit's lines (blank lines and headings aside) that are list items holding only a link. A table of
 * contents repeats every heading of its page word for word, so a query that names a section matches the contents
 * line as well as the section; a list of links points at answers and is rarely one.
 */
export function linkListShare(text: string): number {
  let lines = 0;
  let links = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '' || HEADING_LINE.test(line)) continue;
    lines += 1;
    if (LINK_ITEM.test(line)) links += 1;
  }
  return lines > 0 ? links / lines : 0;
}

/**
 * How nearly a definition's doc line (summary.ts `docLine`) is the query: the weighted share of the query's words
 * in the line times the share of the line's words in the query. A query that repeats a doc comment's first
 * sentence names that definition; a query that shares a few words with many doc lines names none of them.
 */
function docMatch(query: QueryAnalysis, weights: readonly number[], queryWordSet: ReadonlySet<string>, chunk: FeatureCandidate['chunk']): number {
  const line = docLine(chunk);
  if (line === undefined) return 0;
  const lineWords = new Set(lexicalWords(line));
  if (lineWords.size === 0) return 0;
  const recall = share(query.words, weights, lineWords);
  if (recall === 0) return 0;
  return recall * share([...lineWords], [...lineWords].map(() => 1), queryWordSet);
}

/** The best fused candidates whose kinds tell whether retrieval found prose or code first. */
const PROSE_HEAD = 10;

/** Test functions and test modules inside source files (`test_parse`, `TestParse`, Rust's `mod tests`). */
const TEST_SYMBOL = /^(?:test_|test[A-Z]|Test[A-Z_]|tests?$)/;

/**
 * The feature vectors of a pool of candidates (in fused order), one row of `FEATURE_NAMES.length` numbers each,
 * in one flat array. `statistics` weighs the query's words (see `wordWeights`).
 */
export function candidateFeatures(query: QueryAnalysis, pool: readonly FeatureCandidate[], statistics?: WordFrequencies): Float64Array {
  const weights = wordWeights(query.words, statistics);
  const width = FEATURE_NAMES.length;
  const rows = new Float64Array(pool.length * width);
  let bestLexical = 0;
  let bestDense = -Infinity;
  for (const candidate of pool) {
    if (candidate.lexical !== undefined) bestLexical = Math.max(bestLexical, candidate.lexical);
    if (candidate.dense !== undefined) bestDense = Math.max(bestDense, candidate.dense);
  }
  // File coherence: every candidate's fused strength, summed per file, and the order within the file.
  const fileKey = (candidate: FeatureCandidate) => `${candidate.folder}\n${candidate.chunk.path}`;
  const fileTotals = new Map<string, { count: number; strength: number; seen: number }>();
  pool.forEach((candidate, position) => {
    const key = fileKey(candidate);
    const total = fileTotals.get(key) ?? { count: 0, strength: 0, seen: 0 };
    total.count += 1;
    total.strength += rankWeight(position);
    fileTotals.set(key, total);
  });
  // How much of what retrieval found first is prose (Markdown sections): where the pool's best are prose, a code
  // name that shares the query's words is one hint among many, not the answer.
  const head = pool.slice(0, PROSE_HEAD);
  const proseShare = head.length > 0 ? head.filter((candidate) => candidate.chunk.kind === 'section').length / head.length : 0;
  const exact = new Set(query.exactNames.map((entry) => entry.name));
  const codeNames = new Set(query.codeNames);
  const names = new Set([...exact, ...(query.joinedName ? [query.joinedName] : [])]);

  const queryWords = Math.log2(1 + query.words.length);
  const queryWordSet = new Set(query.words);
  let bestHeading = 0;
  pool.forEach((candidate, position) => {
    const row = rows.subarray(position * width, (position + 1) * width);
    const set = (name: FeatureName, value: number) => {
      row[FEATURE_INDEX[name]] = value;
    };
    const { chunk } = candidate;
    set('lexicalScore', candidate.lexical !== undefined && bestLexical > 0 ? candidate.lexical / bestLexical : 0);
    set('lexicalRank', rankWeight(candidate.ranks?.lexical));
    set('symbolListRank', rankWeight(candidate.ranks?.symbol));
    set('fusedRank', rankWeight(position));
    set('denseRank', rankWeight(candidate.ranks?.dense));
    set('denseGap', candidate.dense !== undefined && Number.isFinite(bestDense) ? candidate.dense - bestDense : 0);

    const { roles, words } = pathInfo(chunk.path);
    const symbolParts = chunk.symbol !== undefined ? symbolInfo(chunk.symbol) : undefined;
    const symbol = symbolParts?.normal;
    const defining = DEFINING.has(chunk.kind);
    if (symbol && defining) {
      set('definesExact', exact.has(symbol) ? 1 : 0);
      const scopeNames = chunk.scope.map(normalName);
      const qualified = query.qualifiedNames.some(
        (entry) => entry.name === symbol && entry.qualifier !== undefined && (scopeNames.includes(entry.qualifier) || words.stemName === entry.qualifier || words.folderName === entry.qualifier),
      );
      set('definesQualified', qualified ? 1 : 0);
      set('definesCodeName', codeNames.has(symbol) ? 1 : 0);
      if (exact.has(symbol)) set('definesSpecific', nameSpecificity(query, symbol, statistics));
      set('definesJoined', query.joinedName !== undefined && symbol === query.joinedName && !exact.has(symbol) ? 1 : 0);
      const symbolShare = share(query.words, weights, symbolParts!.words);
      set('symbolWordShare', symbolShare);
      set('symbolWordShareInCode', symbolShare * (1 - proseShare));
    }
    if (chunk.kind !== 'section' && chunk.scope.some((scope) => exact.has(normalName(scope)))) set('memberOfName', 1);
    // Only the whole query: the share of its words in a heading, tried as a feature, cost the stripped fastapi set
    // 1.7 points (with the answer's heading blanked, the headings that hold some of the words are other sections').
    if (chunk.kind === 'section' && chunk.symbol !== undefined && share(query.words, weights, symbolParts!.words) === 1) {
      // A query of one or two words is in many headings ("What is a Process": "Memory per Process", "Program and
      // Process"); the heading that says nothing else is the one asked for.
      const headingWords = [...symbolParts!.words].filter((word) => !QUERY_STOP_WORDS.has(word));
      const precision = headingWords.length > 0 ? share(headingWords, headingWords.map(() => 1), queryWordSet) : 0;
      const headingMatch = precision * share(query.allWords, query.allWords.map(() => 1), symbolParts!.words);
      set('headingPrecision', precision);
      set('headingMatch', headingMatch);
      bestHeading = Math.max(bestHeading, headingMatch);
    }
    if (PROSE_KINDS.has(chunk.kind)) set('linkList', linkListShare(chunk.text));
    else if (chunk.definition !== undefined) set('docMatch', docMatch(query, weights, queryWordSet, chunk));

    set('stemWordShare', share(query.words, weights, words.stem));
    set('stemIsName', names.has(words.stemName) ? 1 : 0);
    set('folderWordShare', share(query.words, weights, words.folders));
    set('testPath', roles.test ? 1 : 0);
    set('testCode', (chunk.symbol !== undefined && TEST_SYMBOL.test(chunk.symbol)) || chunk.scope.some((scope) => TEST_SYMBOL.test(scope)) ? 1 : 0);
    set('examplePath', roles.example ? 1 : 0);
    set('vendoredPath', roles.vendored ? 1 : 0);
    set('generatedPath', roles.generated ? 1 : 0);
    set('compatibilityPath', roles.compatibility ? 1 : 0);
    set('typeDeclarationPath', roles.typeDeclaration ? 1 : 0);

    const file = fileTotals.get(fileKey(candidate))!;
    set('fileCandidates', Math.log2(1 + file.count));
    set('fileSupport', Math.log2(1 + file.strength - rankWeight(position)));
    set('bestInFile', file.seen === 0 ? 1 : 0);
    set('filePosition', Math.log2(1 + file.seen));
    file.seen += 1;

    set('kindCallable', CALLABLE.has(chunk.kind) ? 1 : 0);
    set('kindType', TYPE_LIKE.has(chunk.kind) ? 1 : 0);
    set('kindStatements', chunk.kind === 'statements' ? 1 : 0);
    set('kindSection', chunk.kind === 'section' ? 1 : 0);
    set('kindWindow', chunk.kind === 'window' ? 1 : 0);
    set('outline', chunk.definition?.headEndLine !== undefined ? 1 : 0);
    set('laterPiece', chunk.part !== undefined && chunk.part.index > 0 ? 1 : 0);
    set('lines', Math.log2(1 + chunk.endLine - chunk.startLine + 1));
    set('poolProse', proseShare);
    set('queryWords', queryWords);
  });
  // Known only once every candidate is seen.
  for (let position = 0; position < pool.length; position++) rows[position * width + FEATURE_INDEX.poolHeading] = bestHeading;
  return rows;
}
