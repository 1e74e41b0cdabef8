// Hybrid search over one index: dense k-nearest neighbours in the active vector space, BM25 over
// identifier-aware words, fused by reciprocal rank fusion, with overlapping chunks of a file merged.
import { performance } from 'node:perf_hooks';
import picomatch from 'picomatch';
import type { EmbeddingPurpose } from '../embedding/tokenization.ts';
import { hybridDenseWeight } from '../model/hybrid-weights.ts';
import type { IndexStore, StoredChunk, VectorSpace } from '../store/index-store.ts';
import { lexicalQuery, queryNames, queryWords, symbolQuery, withoutNearUniversalWords } from './lexical.ts';
import { callExpansion, expandCalls } from './expand-calls.ts';

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
  /**
   * Weights of the lists in the fusion: dense, lexical, and symbol (chunks named by an identifier the
   * query spells out). Defaults in DEFAULT_WEIGHTS.
   */
  weights?: Partial<FusionWeights>;
  /** The k of reciprocal rank fusion: larger flattens the advantage of the top ranks. Default 60. */
  rrfK?: number;
  /** Candidates taken from each list before fusion. Default max(50, 5k). */
  candidates?: number;
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
}

export interface SearchHit {
  /** Which indexed folder the hit is in (the key given to its Searcher; '' when there is one folder). */
  folder: string;
  path: string;
  /** 1-based, inclusive; the union of the merged chunks' ranges. */
  startLine: number;
  endLine: number;
  language: string;
  kind: string;
  symbol: string | undefined;
  scope: string[];
  signature: string | undefined;
  /** The best chunk's text, for display. */
  snippet: string;
  /** Line number of the snippet's first line. */
  snippetStartLine: number;
  scores: SearchScores;
  chunkIds: number[];
  /** For a piece of a chunk that was split to fit the window: names the whole, so adjacent pieces merge. */
  splitOf: string | undefined;
  /** Set on a hit added by `expandCalls`: the chunk of the hit above it that calls it, and the name called. */
  via?: { calledBy: number; name: string };
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
  lexical: { chunk: StoredChunk; score: number }[];
  /** Chunks whose symbol or scope is a name the query spells out, by BM25 on that column. */
  symbol: { chunk: StoredChunk; score: number }[];
  partial: boolean;
  denseUnavailable: string | undefined;
  space: VectorSpace | undefined;
  milliseconds: { dense: number; lexical: number };
}

interface Candidate {
  folder: string;
  chunk: StoredChunk;
  dense: number | undefined;
  lexical: number | undefined;
  fused: number;
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
    const wanted = options.candidates ?? Math.max(50, k * 5);
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
      const { frequencies, chunkBound } = this.store.lexicalDocumentFrequencies(words);
      const expression = lexicalQuery(withoutNearUniversalWords(words, frequencies, chunkBound));
      if (expression) result.lexical = this.lexicalCandidates(space.chunker, expression, wanted, accepts);
      // Every name the query spells is one of its words, so its frequency is known: unknown names define nothing here.
      const symbolExpression = symbolQuery(queryNames(query).filter((name) => frequencies.has(name)));
      if (symbolExpression) result.symbol = this.lexicalCandidates(space.chunker, symbolExpression, wanted, accepts);
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
    options: Pick<SearchOptions, 'languages' | 'pathGlob' | 'oversampling'> = {},
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
          if (accepts(chunk)) list.push({ chunk, similarity: neighbour.similarity });
        }
      }
      if (list.length >= wanted || neighbours.length < fetch || fetch >= 4096) return list.slice(0, wanted);
    }
  }

  private lexicalCandidates(chunker: string, expression: string, wanted: number, accepts: (chunk: StoredChunk) => boolean): { chunk: StoredChunk; score: number }[] {
    for (let fetch = wanted; ; fetch *= 4) {
      const matches = this.store.lexical(chunker, expression, fetch);
      const chunks = this.store.chunksById(matches.map((match) => match.chunkId));
      const list = matches.flatMap((match) => {
        const chunk = chunks.get(match.chunkId);
        // A match is on a whole lexical unit: the chunk's pieces up to the unit's last line.
        return chunk && accepts(chunk) ? [{ chunk: { ...chunk, endLine: chunk.lexicalEndLine ?? chunk.endLine }, score: match.score }] : [];
      });
      if (list.length >= wanted || matches.length < fetch || fetch >= 4096) return list.slice(0, wanted);
    }
  }
}

/**
 * Searches several folders with one global ranking. The query is embedded once per model among the
 * folders' active spaces (normally one); each folder's dense list comes from its own space only. When
 * all folders share one model the dense lists merge by similarity, otherwise by rank (similarities of
 * two models are not comparable); lexical lists merge by BM25 score; then the two are fused.
 */
export async function searchAcross(searchers: readonly Searcher[], query: string, options: SearchOptions = {}): Promise<SearchResponse> {
  const started = performance.now();
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
  const hits = expandCalls(mergeOverlapping(fused).slice(0, options.k ?? 10), callExpansion(options.expandCalls), {
    stores: new Map(searchers.map((searcher) => [searcher.folder, searcher.store])),
    candidates: fused,
    k: options.k ?? 10,
    toHit: (candidate) => mergeOverlapping([candidate])[0]!,
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

function chunkFilter(options: Pick<SearchOptions, 'languages' | 'pathGlob'>): (chunk: StoredChunk) => boolean {
  const languages = options.languages && options.languages.length > 0 ? new Set(options.languages) : undefined;
  const matchesPath = options.pathGlob ? picomatch(options.pathGlob, { dot: true }) : undefined;
  return (chunk) => (!languages || languages.has(chunk.language)) && (!matchesPath || matchesPath(chunk.path));
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
): Candidate[] {
  const byKey = new Map<string, Candidate>();
  const entry = (folder: string, chunk: StoredChunk): Candidate => {
    const key = `${folder}\n${chunk.id}`;
    let candidate = byKey.get(key);
    if (!candidate) {
      candidate = { folder, chunk, dense: undefined, lexical: undefined, fused: 0 };
      byKey.set(key, candidate);
    } else if (chunk.endLine > candidate.chunk.endLine) {
      // The lexical lists give a unit's first piece its whole unit's lines (see lexicalCandidates).
      candidate.chunk = chunk;
    }
    return candidate;
  };
  dense.forEach(({ folder, chunk, similarity }, index) => {
    const candidate = entry(folder, chunk);
    candidate.dense = similarity;
    candidate.fused += weights.dense / (rrfK + index + 1);
  });
  lexical.forEach(({ folder, chunk, score }, index) => {
    const candidate = entry(folder, chunk);
    candidate.lexical = score;
    candidate.fused += weights.lexical / (rrfK + index + 1);
  });
  symbol.forEach(({ folder, chunk }, index) => {
    entry(folder, chunk).fused += weights.symbol / (rrfK + index + 1);
  });
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

/**
 * Whether two line ranges are pieces of the same text: they overlap, and one does not merely enclose
 * the other (a class chunk spans its methods' lines, yet a method is a result of its own).
 */
function sameText(a: SearchHit, b: SearchHit): boolean {
  // Pieces of one split chunk are one text: consecutive ones touch without overlapping when the overlap
  // was under a line, and a lexical unit encloses the pieces it was made of.
  if (a.splitOf !== undefined && a.splitOf === b.splitOf && a.startLine <= b.endLine + 1 && b.startLine <= a.endLine + 1) return true;
  if (a.startLine > b.endLine || b.startLine > a.endLine) return false;
  if (a.startLine === b.startLine && a.endLine === b.endLine) return true;
  const aEnclosesB = a.startLine <= b.startLine && a.endLine >= b.endLine;
  const bEnclosesA = b.startLine <= a.startLine && b.endLine >= a.endLine;
  return !aEnclosesB && !bEnclosesA;
}

/**
 * Folds a chunk into a better-ranked hit of the same file when they are pieces of the same text.
 * Folding is transitive: a hit that grows to touch another hit of its file absorbs that one too.
 */
export function mergeOverlapping(candidates: readonly Candidate[]): SearchHit[] {
  const hits: SearchHit[] = [];
  const hitsByPath = new Map<string, SearchHit[]>();
  for (const candidate of candidates) {
    const { chunk } = candidate;
    const fileKey = `${candidate.folder}\n${chunk.path}`;
    const sameFile = hitsByPath.get(fileKey) ?? [];
    hitsByPath.set(fileKey, sameFile);
    const piece: SearchHit = {
      folder: candidate.folder,
      path: chunk.path,
      startLine: chunk.startLine,
      endLine: chunk.endLine,
      language: chunk.language,
      kind: chunk.kind,
      symbol: chunk.symbol,
      scope: chunk.scope,
      signature: chunk.signature,
      snippet: chunk.text,
      snippetStartLine: chunk.startLine,
      scores: { dense: candidate.dense, lexical: candidate.lexical, fused: candidate.fused },
      chunkIds: [chunk.id],
      splitOf: chunk.part ? JSON.stringify([chunk.kind, chunk.scope, chunk.symbol ?? null, chunk.part.count]) : undefined,
    };
    const survivor = sameFile.find((hit) => sameText(hit, piece));
    if (!survivor) {
      sameFile.push(piece);
      hits.push(piece);
      continue;
    }
    absorb(survivor, piece);
    // The survivor may now reach hits it did not touch before; they are worse ranked, so it keeps its place.
    for (let other = sameFile.find((hit) => hit !== survivor && sameText(hit, survivor)); other; other = sameFile.find((hit) => hit !== survivor && sameText(hit, survivor))) {
      absorb(survivor, other);
      sameFile.splice(sameFile.indexOf(other), 1);
      hits.splice(hits.indexOf(other), 1);
    }
  }
  return hits;
}

/** Widens `into` to cover `from`; keeps the best scores of both (the fused score is `into`'s, the better rank). */
function absorb(into: SearchHit, from: SearchHit): void {
  into.startLine = Math.min(into.startLine, from.startLine);
  into.endLine = Math.max(into.endLine, from.endLine);
  into.scores.dense = maxDefined(into.scores.dense, from.scores.dense);
  into.scores.lexical = maxDefined(into.scores.lexical, from.scores.lexical);
  into.scores.fused = Math.max(into.scores.fused, from.scores.fused);
  into.chunkIds.push(...from.chunkIds);
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}
