// Hybrid search over one index: dense k-nearest neighbours in the active vector space, BM25 over
// identifier-aware words, fused by reciprocal rank fusion; the pieces of one definition become one result (results.ts).
import { performance } from 'node:perf_hooks';
import picomatch from 'picomatch';
import type { EmbeddingPurpose } from '../embedding/tokenization.ts';
import { hybridDenseWeight } from '../model/hybrid-weights.ts';
import type { IndexStore, StoredChunk, VectorSpace } from '../store/index-store.ts';
import { isFragment } from '../text/meaningful-lines.ts';
import { lexicalQuery, queryNames, queryWords, spelledNames, symbolQuery, withoutNearUniversalWords } from './lexical.ts';
import { pathWords } from './ranking/path-signals.ts';
import { normalName } from './ranking/query-shape.ts';
import { callExpansion, expandCalls } from './expand-calls.ts';
import { mergeKinds, type KindScored } from './lexical-kinds.ts';
import { rankedResults, type RankedChunk } from './results.ts';
import { isTestPath } from './path-roles.ts';
import { inScope, type SearchScope } from './scope.ts';
import { explainRanking, rerank, type RankingExplanation, type RerankedChunk } from './ranking/rerank.ts';
import type { WordFrequencies } from './ranking/features.ts';

/**
 * Candidates per list when the ranking stage runs: it reorders what fusion found, so it needs the answer among
 * them, and it reads a file's coherence from how many of the file's chunks are there.
 */
const RANKING_CANDIDATES_PER_LIST = 100;

/** What search needs from an embedding model: its fingerprint (to match the index) and query vectors. */
export interface QueryEmbedder {
  readonly info: { fingerprint: string };
  embed(texts: readonly string[], purpose: EmbeddingPurpose, signal?: AbortSignal): Promise<{ vectors: Float32Array[] }>;
}

/**
 * Finds the model that embeds queries for a vector space, by the space's model fingerprint. During a
 * migration the active space still belongs to the old model, so the old model answers queries.
 */
export type EmbedderResolver = (modelFingerprint: string) => QueryEmbedder | undefined | Promise<QueryEmbedder | undefined>;

/** A resolver for one model only. */
export function singleEmbedder(embedder: QueryEmbedder | undefined): EmbedderResolver {
  return (fingerprint) => (embedder && embedder.info.fingerprint === fingerprint ? embedder : undefined);
}

export type SearchMode = 'hybrid' | 'dense' | 'lexical';

export interface SearchOptions {
  /** Results to return (after merging). Default 10. */
  k?: number;
  mode?: SearchMode;
  /** Only chunks of these languages (chunker language ids, e.g. `python`, `markdown`). */
  languages?: readonly string[];
  /** Only paths matching this glob (picomatch, relative to the indexed folder). */
  pathGlob?: string;
  /** Leave out test files and test folders (path-roles.ts). */
  excludeTests?: boolean;
  /** Only source code, only documentation, or everything (scope.ts). Default `all`. */
  scope?: SearchScope;
  /**
   * Weights of the lists in the fusion: dense, lexical, and symbol (chunks named by an identifier the
   * query spells out). Defaults in DEFAULT_WEIGHTS.
   */
  weights?: Partial<FusionWeights>;
  /** The k of reciprocal rank fusion: larger flattens the advantage of the top ranks. Default 60. */
  rrfK?: number;
  /** Candidates taken from each list before fusion. Default max(100, 5k) with the ranking stage, max(50, 5k) without. */
  candidates?: number;
  /**
   * Re-score the fused candidates with the learned ranker (ranking/README.md): on unless false. Off, results keep
   * the fused order and `relevance` is the fused score over its maximum.
   */
  ranking?: boolean;
  /**
   * int8 and binary spaces: first-stage candidates per dense candidate, rescored exactly. Default: the
   * Searcher's, else the space's setting, else the storage kind's default.
   */
  oversampling?: number;
  /**
   * Pull in the definitions of what the top hits call, each right after its caller (marked `via`): true for the
   * top 3 hits, a number for that many. Default off (see expand-calls.ts).
   */
  expandCalls?: boolean | number;
  /**
   * Score prose and code each in its own BM25 collection and merge them (lexical-kinds.ts). Off by default: on the
   * dev sets it raised the stripped docs sets and lowered code-eslint and the full docs set (README, docs table).
   */
  lexicalKinds?: boolean;
  signal?: AbortSignal;
}

export interface FusionWeights {
  dense: number;
  lexical: number;
  symbol: number;
}

/**
 * Fusion weights when neither the caller nor the model says otherwise. The dense weight of a bundled
 * model is its measured `hybridDenseWeight` (catalog.ts).
 */
export const DEFAULT_WEIGHTS: FusionWeights = { dense: 1, lexical: 1, symbol: 1 };

/** The entries of a partial weights object that are set (an explicit `undefined` means "the default"). */
function definedOnly(weights: Partial<FusionWeights>): Partial<FusionWeights> {
  return Object.fromEntries(Object.entries(weights).filter(([, value]) => value !== undefined));
}

export interface SearchScores {
  /** Cosine similarity of the query and the chunk, when the dense list found it. */
  dense: number | undefined;
  /** BM25 score, when the lexical list found it. */
  lexical: number | undefined;
  /** Reciprocal rank fusion score: what the results are ordered by. */
  fused: number;
  /**
   * The score users see, from 0 to 1: the ranking stage's calibrated chance that the result answers the query, or
   * with the stage off, `fused` over the most any result could get (first in every list). The others are details
   * (a tooltip, --json).
   */
  relevance: number;
}

export interface SearchHit {
  /** Which indexed folder the hit is in (the key given to its Searcher; '' when there is one folder). */
  folder: string;
  path: string;
  /** 1-based, inclusive: the lines of the definition (or group, section, window) the result is; see results.ts. */
  startLine: number;
  endLine: number;
  /** The line an editor opens the result at: the definition's signature, or the matched piece further down. */
  openLine: number;
  language: string;
  kind: string;
  symbol: string | undefined;
  scope: string[];
  signature: string | undefined;
  /** One line saying what the result is: its doc line, else its signature, else its first line with words (summary.ts). */
  summary: string;
  /** Code to show: the best chunk's text (an outline's head). */
  snippet: string;
  /** Line number of the snippet's first line. */
  snippetStartLine: number;
  scores: SearchScores;
  chunkIds: number[];
  /** For a piece of a chunk that was split to fit the window: names the whole, so that a piece overlapping a better one is left out. */
  splitOf: string | undefined;
  /** Set on a hit added by `expandCalls`: the chunk of the hit above it that calls it, and the name called. */
  via?: { calledBy: number; name: string };
  /** Why the ranking stage placed it where it is: its score and what each feature added (for a tooltip). */
  ranking?: RankingExplanation;
}

export interface SearchResponse {
  hits: SearchHit[];
  /** True when an index is still being built or some chunks have no vector yet. */
  partial: boolean;
  /** Why the dense list was not used for some folder, if it was not (no index yet, a different model). */
  denseUnavailable: string | undefined;
  /** The vector space each folder's dense list came from. */
  spaces: (Pick<VectorSpace, 'id' | 'modelId'> & { folder: string })[];
  milliseconds: { embedding: number; dense: number; lexical: number; total: number };
}

/** One folder's candidates before fusion. */
export interface FolderCandidates {
  folder: string;
  dense: { chunk: StoredChunk; similarity: number }[];
  /** Prose and code scored each in its own collection and merged (lexical-kinds.ts); `perKind` for a later ranker. */
  lexical: { chunk: StoredChunk; score: number; perKind?: KindScored }[];
  /** Chunks whose symbol or scope is a name the query spells out, by BM25 on that column. */
  symbol: { chunk: StoredChunk; score: number }[];
  partial: boolean;
  denseUnavailable: string | undefined;
  space: VectorSpace | undefined;
  milliseconds: { dense: number; lexical: number };
  /** In how many lexical documents each query word occurs, and a bound on their count (the ranking stage's word weights). */
  wordFrequencies?: WordFrequencies;
}

/** Searches one indexed folder. Several folders are searched together with `searchAcross`. */
export class Searcher {
  readonly folder: string;
  readonly store: IndexStore;
  readonly resolveEmbedder: EmbedderResolver;
  /** Oversampling for int8 and binary spaces, unless a search says otherwise. */
  readonly oversampling: number | undefined;

  constructor(store: IndexStore, resolveEmbedder: EmbedderResolver, folder = '', options: { oversampling?: number } = {}) {
    this.store = store;
    this.resolveEmbedder = resolveEmbedder;
    this.folder = folder;
    this.oversampling = options.oversampling;
  }

  search(query: string, options: SearchOptions = {}): Promise<SearchResponse> {
    return searchAcross([this], query, options);
  }

  /** The model that embeds queries for the active space, or why there is none. */
  async queryEmbedder(): Promise<{ embedder: QueryEmbedder; space: VectorSpace } | { problem: string }> {
    const space = this.store.activeSpace();
    if (!space) return { problem: 'the folder has not been indexed yet' };
    const embedder = await this.resolveEmbedder(space.modelFingerprint);
    if (!embedder || embedder.info.fingerprint !== space.modelFingerprint) {
      return { problem: `the model the index was built with (${space.modelId}) is not available; re-index to search by meaning with the current one` };
    }
    return { embedder, space };
  }

  /**
   * The dense and lexical candidates of this folder. `queryVector` must come from the model of the
   * active space (see `queryEmbedder`); undefined turns dense search off, `denseProblem` says why.
   */
  candidates(query: string, queryVector: Float32Array | undefined, options: SearchOptions, denseProblem?: string, pinnedSpace?: VectorSpace): FolderCandidates {
    const k = options.k ?? 10;
    const wanted = options.candidates ?? Math.max(options.ranking === false ? 50 : RANKING_CANDIDATES_PER_LIST, k * 5);
    const mode = options.mode ?? 'hybrid';
    // The space the query vector was made for; a cutover while the query was being embedded must not
    // pair that vector with another space.
    const space = pinnedSpace ?? this.store.activeSpace();
    const accepts = chunkFilter(options);
    const result: FolderCandidates = {
      folder: this.folder,
      dense: [],
      lexical: [],
      symbol: [],
      partial: space === undefined || !this.store.isSpaceComplete(space.id),
      denseUnavailable: mode === 'lexical' ? undefined : denseProblem,
      space,
      milliseconds: { dense: 0, lexical: 0 },
    };
    if (mode !== 'lexical' && space && queryVector) {
      if (queryVector.length !== space.dimensions) throw new Error(`A ${queryVector.length}-dimensional query vector cannot search space ${space.id}.`);
      const started = performance.now();
      result.dense = this.denseCandidates(space, queryVector, wanted, accepts, options.oversampling);
      result.milliseconds.dense = performance.now() - started;
    }
    if (mode !== 'dense' && space) {
      const started = performance.now();
      const words = queryWords(query);
      const { frequencies, documents } = this.store.lexicalDocumentFrequencies(space.chunker, words);
      result.wordFrequencies = { frequencies, documents };
      const kept = withoutNearUniversalWords(words, frequencies, documents);
      const expression = lexicalQuery(kept);
      if (expression) result.lexical = options.lexicalKinds ? this.kindLexicalCandidates(space.chunker, kept, expression, wanted, accepts) : this.lexicalCandidates(space.chunker, expression, wanted, accepts);
      // Every name the query spells is one of its words, so its frequency is known: unknown names define nothing here.
      const symbolExpression = symbolQuery(queryNames(query).filter((name) => frequencies.has(name)));
      if (symbolExpression) {
        const named = this.lexicalCandidates(space.chunker, symbolExpression, wanted, accepts);
        result.symbol = definitionsFirst(this.definitionCandidates(space.chunker, spelledNames(query), accepts), named, wanted);
      }
      result.milliseconds.lexical = performance.now() - started;
    }
    return result;
  }

  /**
   * Chunks most similar to a given vector (for "find similar"), excluding the given chunk ids. The
   * vector has the model's dimensions (or a truncated space's stored ones); similarities are cosines,
   * rescored exactly in int8 and binary spaces, so calibrated thresholds apply.
   */
  similarToVector(
    vector: Float32Array,
    k: number,
    exclude: ReadonlySet<number> = new Set(),
    options: Pick<SearchOptions, 'languages' | 'pathGlob' | 'excludeTests' | 'scope' | 'oversampling'> = {},
  ): { chunk: StoredChunk; similarity: number }[] {
    const space = this.store.activeSpace();
    if (!space || (space.dimensions !== vector.length && this.store.storedDimensions(space) !== vector.length)) return [];
    const accepts = chunkFilter(options);
    return this.denseCandidates(space, vector, k + exclude.size, (chunk) => accepts(chunk) && !exclude.has(chunk.id), options.oversampling).slice(0, k);
  }

  /**
   * Nearest contents, expanded to their chunks and filtered; fetches more when filters remove too
   * many. In int8 and binary spaces the store oversamples and rescores each fetch.
   */
  private denseCandidates(space: VectorSpace, vector: Float32Array, wanted: number, accepts: (chunk: StoredChunk) => boolean, oversampling?: number): { chunk: StoredChunk; similarity: number }[] {
    for (let fetch = wanted; ; fetch *= 4) {
      const neighbours = this.store.nearest(space, vector, fetch, { oversampling: oversampling ?? this.oversampling });
      const chunksByHash = this.store.chunksByContentHash(space.chunker, neighbours.map((neighbour) => neighbour.contentHash));
      const list: { chunk: StoredChunk; similarity: number }[] = [];
      for (const neighbour of neighbours) {
        for (const chunk of chunksByHash.get(neighbour.contentHash) ?? []) {
          // A piece with nothing in it (a lone `)`) is near every other such piece and says nothing as a result.
          if (accepts(chunk) && !isFragment(chunk.text)) list.push({ chunk, similarity: neighbour.similarity });
        }
      }
      if (list.length >= wanted || neighbours.length < fetch || fetch >= 4096) return list.slice(0, wanted);
    }
  }

  /** The lexical list: prose and code rows scored each in its kind's statistics and merged (lexical-kinds.ts). */
  private kindLexicalCandidates(chunker: string, words: readonly string[], expression: string, wanted: number, accepts: (chunk: StoredChunk) => boolean): { chunk: StoredChunk; score: number; perKind: KindScored }[] {
    const statistics = this.store.lexicalKindStatistics(chunker, words);
    // FTS5's bm25() picks each kind's first candidates; they are scored again in their kind's statistics.
    for (let depth = Math.max(200, wanted * 4); ; depth *= 4) {
      const rows = { prose: this.store.lexicalRows(chunker, expression, words, 'prose', depth), code: this.store.lexicalRows(chunker, expression, words, 'code', depth) };
      const { scored } = mergeKinds(words, rows, statistics);
      const chunks = this.store.chunksById(scored.map((entry) => entry.chunkId));
      const list = scored.flatMap((entry) => {
        const chunk = chunks.get(entry.chunkId);
        return chunk && accepts(chunk) ? [{ chunk: wholeLexicalUnit(chunk), score: entry.score, perKind: entry }] : [];
      });
      if (list.length >= wanted || (rows.prose.length < depth && rows.code.length < depth) || depth >= 4096) return list.slice(0, wanted);
    }
  }

  /**
   * The chunks that define a name the query spells, as spelled (the relations' `defines`); the one in the file
   * named after it first (`SqlMapper.cs` among 38 `partial class SqlMapper` files), then the chunks that are
   * the definition itself rather than declare it at their level. Pieces of one split definition count once.
   */
  private definitionCandidates(chunker: string, names: readonly string[], accepts: (chunk: StoredChunk) => boolean): StoredChunk[] {
    return names.flatMap((name) => {
      const normal = normalName(name);
      const order = (chunk: StoredChunk) => (pathWords(chunk.path).stemName === normal ? 0 : 2) + (chunk.symbol === name ? 0 : 1);
      return (
        this.store
          // The store orders by path: the file named after the name may come last of many.
          .definitionsOf(chunker, name, { limit: DEFINITIONS_SCANNED })
          .filter(({ chunk }) => accepts(chunk))
          .map(({ chunk }) => ({ chunk: wholeLexicalUnit(chunk), order: order(chunk) }))
          .sort((a, b) => a.order - b.order)
          .slice(0, DEFINITIONS_PER_NAME)
          .map(({ chunk }) => chunk)
      );
    });
  }

  private lexicalCandidates(chunker: string, expression: string, wanted: number, accepts: (chunk: StoredChunk) => boolean): { chunk: StoredChunk; score: number }[] {
    for (let fetch = wanted; ; fetch *= 4) {
      const matches = this.store.lexical(chunker, expression, fetch);
      const chunks = this.store.chunksById(matches.map((match) => match.chunkId));
      const list = matches.flatMap((match) => {
        const chunk = chunks.get(match.chunkId);
        return chunk && accepts(chunk) ? [{ chunk: wholeLexicalUnit(chunk), score: match.score }] : [];
      });
      if (list.length >= wanted || matches.length < fetch || fetch >= 4096) return list.slice(0, wanted);
    }
  }
}

/** A lexical match is on a whole lexical unit: the chunk's pieces up to the unit's last line. */
function wholeLexicalUnit(chunk: StoredChunk): StoredChunk {
  return { ...chunk, endLine: chunk.lexicalEndLine ?? chunk.endLine };
}

/** How many definitions of one spelled name lead the symbol list, of how many looked at. */
const DEFINITIONS_PER_NAME = 16;
const DEFINITIONS_SCANNED = 256;

/**
 * The symbol list: the definitions of the names the query spells, then the chunks whose symbol or scope holds
 * one of them, by BM25. A name in the scope of most chunks (every member of a big class) has an idf near zero,
 * so BM25 alone orders its chunks arbitrarily and may leave its own definition out of the list. Definitions
 * take the list's best score, so that lists of several folders still merge by score.
 */
export function definitionsFirst(definitions: readonly StoredChunk[], named: readonly { chunk: StoredChunk; score: number }[], wanted: number): { chunk: StoredChunk; score: number }[] {
  if (definitions.length === 0) return named.slice(0, wanted);
  const best = named[0]?.score ?? 0;
  const seen = new Set(definitions.map((chunk) => chunk.id));
  return [...definitions.map((chunk) => ({ chunk, score: best })), ...named.filter(({ chunk }) => !seen.has(chunk.id))].slice(0, wanted);
}

/**
 * The fused candidates of a query over several folders, before the ranking stage (see `searchAcross`): what the
 * ranker is trained on and re-scores.
 */
export async function fusedCandidates(
  searchers: readonly Searcher[],
  query: string,
  options: SearchOptions = {},
): Promise<{ fused: RankedChunk[]; perFolder: FolderCandidates[]; timings: SearchResponse['milliseconds']; wordFrequencies: WordFrequencies | undefined }> {
  const mode = options.mode ?? 'hybrid';
  const timings = { embedding: 0, dense: 0, lexical: 0, total: 0 };
  const vectors = new Map<string, Promise<Float32Array>>();
  const perFolder: FolderCandidates[] = [];
  for (const searcher of searchers) {
    let vector: Float32Array | undefined;
    let problem: string | undefined;
    let space: VectorSpace | undefined;
    if (mode !== 'lexical') {
      const resolved = await searcher.queryEmbedder();
      if ('problem' in resolved) {
        problem = resolved.problem;
      } else {
        space = resolved.space;
        const fingerprint = resolved.space.modelFingerprint;
        if (!vectors.has(fingerprint)) {
          const embedStarted = performance.now();
          vectors.set(
            fingerprint,
            resolved.embedder.embed([query], 'query', options.signal).then(({ vectors: [first] }) => {
              timings.embedding += performance.now() - embedStarted;
              return first!;
            }),
          );
        }
        vector = await vectors.get(fingerprint)!;
      }
    }
    options.signal?.throwIfAborted();
    perFolder.push(searcher.candidates(query, vector, options, problem, space));
  }
  for (const folder of perFolder) {
    timings.dense += folder.milliseconds.dense;
    timings.lexical += folder.milliseconds.lexical;
  }
  const models = new Set(perFolder.flatMap((folder) => (folder.space && folder.dense.length > 0 ? [folder.space.modelFingerprint] : [])));
  const dense = perFolder
    .flatMap((folder) => folder.dense.map((entry, rank) => ({ folder: folder.folder, rank, ...entry })))
    .sort((a, b) => (models.size <= 1 ? b.similarity - a.similarity : a.rank - b.rank));
  const byScore = (list: 'lexical' | 'symbol') => perFolder.flatMap((folder) => folder[list].map((entry) => ({ folder: folder.folder, ...entry }))).sort((a, b) => b.score - a.score);
  // Unless the caller sets it, the dense weight is the model's measured one (one model across the folders, as usual).
  const denseModels = new Set(perFolder.flatMap((folder) => (folder.space && folder.dense.length > 0 ? [folder.space.modelId] : [])));
  const modelWeight = denseModels.size === 1 ? hybridDenseWeight([...denseModels][0]!) : DEFAULT_WEIGHTS.dense;
  const weights: FusionWeights = { ...DEFAULT_WEIGHTS, dense: modelWeight, ...definedOnly(options.weights ?? {}) };
  const fused = fuse(dense, byScore('lexical'), byScore('symbol'), weights, options.rrfK ?? 60);
  return { fused, perFolder, timings, wordFrequencies: mergedFrequencies(perFolder) };
}

/**
 * Searches several folders with one global ranking. The query is embedded once per model among the
 * folders' active spaces (normally one); each folder's dense list comes from its own space only. When
 * all folders share one model the dense lists merge by similarity, otherwise by rank (similarities of
 * two models are not comparable); lexical lists merge by BM25 score; then the lists are fused and the
 * ranking stage orders the fused candidates (ranking/README.md) unless `options.ranking` is false.
 */
export async function searchAcross(searchers: readonly Searcher[], query: string, options: SearchOptions = {}): Promise<SearchResponse> {
  const started = performance.now();
  const { fused, perFolder, timings, wordFrequencies } = await fusedCandidates(searchers, query, options);
  const ranked: RerankedChunk[] = options.ranking === false ? fused : rerank(query, fused, { wordFrequencies });
  const hits = expandCalls(withRankingExplanations(rankedResults(ranked).slice(0, options.k ?? 10), ranked), callExpansion(options.expandCalls), {
    stores: new Map(searchers.map((searcher) => [searcher.folder, searcher.store])),
    candidates: ranked,
    k: options.k ?? 10,
    toHit: (candidate) => rankedResults([candidate])[0]!,
  });
  timings.total = performance.now() - started;
  return {
    hits,
    partial: perFolder.some((folder) => folder.partial),
    denseUnavailable: perFolder.map((folder) => folder.denseUnavailable).find((problem) => problem !== undefined),
    spaces: perFolder.flatMap((folder) => (folder.space ? [{ folder: folder.folder, id: folder.space.id, modelId: folder.space.modelId }] : [])),
    milliseconds: timings,
  };
}

/** The folders' word frequencies added up (one collection for the word weights); undefined when no folder had a lexical list. */
function mergedFrequencies(perFolder: readonly FolderCandidates[]): WordFrequencies | undefined {
  const measured = perFolder.flatMap((folder) => (folder.wordFrequencies ? [folder.wordFrequencies] : []));
  if (measured.length === 0) return undefined;
  if (measured.length === 1) return measured[0];
  const frequencies = new Map<string, number>();
  for (const entry of measured) for (const [word, count] of entry.frequencies) frequencies.set(word, (frequencies.get(word) ?? 0) + count);
  return { frequencies, documents: measured.reduce((sum, entry) => sum + entry.documents, 0) };
}

/** Gives each hit the explanation of its best-ranked chunk's score (the chunk whose place the hit keeps). */
function withRankingExplanations(hits: SearchHit[], ranked: readonly RerankedChunk[]): SearchHit[] {
  const byChunk = new Map<string, RerankedChunk>();
  for (const candidate of ranked) if (candidate.ranking) byChunk.set(`${candidate.folder}\n${candidate.chunk.id}`, candidate);
  for (const hit of hits) {
    const ranking = byChunk.get(`${hit.folder}\n${hit.chunkIds[0]}`)?.ranking;
    // The relevance shown is the hit's: results.ts caps an import block's at the results placed before it.
    if (ranking) hit.ranking = { ...explainRanking(ranking), relevance: hit.scores.relevance };
  }
  return hits;
}

function chunkFilter(options: Pick<SearchOptions, 'languages' | 'pathGlob' | 'excludeTests' | 'scope'>): (chunk: StoredChunk) => boolean {
  const languages = options.languages && options.languages.length > 0 ? new Set(options.languages) : undefined;
  const matchesPath = options.pathGlob ? picomatch(options.pathGlob, { dot: true }) : undefined;
  const scope = options.scope ?? 'all';
  return (chunk) =>
    (!languages || languages.has(chunk.language)) && (!matchesPath || matchesPath(chunk.path)) && !(options.excludeTests && isTestPath(chunk.path)) && inScope(scope, chunk);
}

/**
 * Reciprocal rank fusion: each list adds weight / (rrfK + rank) for the chunks it ranked. The symbol
 * list adds rank only: its BM25 is not shown as a score of its own.
 */
export function fuse(
  dense: readonly { folder: string; chunk: StoredChunk; similarity: number }[],
  lexical: readonly { folder: string; chunk: StoredChunk; score: number }[],
  symbol: readonly { folder: string; chunk: StoredChunk; score: number }[],
  weights: FusionWeights,
  rrfK: number,
): RankedChunk[] {
  const byKey = new Map<string, RankedChunk>();
  const entry = (folder: string, chunk: StoredChunk): RankedChunk => {
    const key = `${folder}\n${chunk.id}`;
    let candidate = byKey.get(key);
    if (!candidate) {
      candidate = { folder, chunk, dense: undefined, lexical: undefined, fused: 0, relevance: 0, ranks: {} };
      byKey.set(key, candidate);
    } else if (chunk.endLine > candidate.chunk.endLine) {
      // The lexical lists give a unit's first piece its whole unit's lines (see lexicalCandidates).
      candidate.chunk = chunk;
    }
    return candidate;
  };
  // A chunk listed twice in one list (two pieces of one unit) keeps its first rank.
  dense.forEach(({ folder, chunk, similarity }, index) => {
    const candidate = entry(folder, chunk);
    candidate.dense = similarity;
    candidate.fused += weights.dense / (rrfK + index + 1);
    candidate.ranks!.dense ??= index;
  });
  lexical.forEach(({ folder, chunk, score }, index) => {
    const candidate = entry(folder, chunk);
    candidate.lexical = score;
    candidate.fused += weights.lexical / (rrfK + index + 1);
    candidate.ranks!.lexical ??= index;
  });
  symbol.forEach(({ folder, chunk }, index) => {
    const candidate = entry(folder, chunk);
    candidate.fused += weights.symbol / (rrfK + index + 1);
    candidate.ranks!.symbol ??= index;
  });
  // Only the lists that took part count towards the most a chunk could get.
  const best = [dense.length > 0 ? weights.dense : 0, lexical.length > 0 ? weights.lexical : 0, symbol.length > 0 ? weights.symbol : 0].reduce((sum, weight) => sum + Math.max(weight, 0), 0) / (rrfK + 1);
  for (const candidate of byKey.values()) candidate.relevance = best > 0 ? Math.min(1, candidate.fused / best) : 0;
  // Ties (a chunk at the same rank in one list each) break by the dense score, then by position.
  return [...byKey.values()].sort(
    (a, b) =>
      b.fused - a.fused ||
      (b.dense ?? -2) - (a.dense ?? -2) ||
      a.folder.localeCompare(b.folder) ||
      a.chunk.path.localeCompare(b.chunk.path) ||
      a.chunk.startLine - b.chunk.startLine,
  );
}
