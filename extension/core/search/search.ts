// Hybrid search over one index: dense k-nearest neighbours in the active vector space, BM25 over
// identifier-aware words, fused by reciprocal rank fusion, with overlapping chunks of a file merged.
import { performance } from 'node:perf_hooks';
import picomatch from 'picomatch';
import type { EmbeddingPurpose } from '../embedding/tokenization.ts';
import type { IndexStore, StoredChunk, VectorSpace } from '../store/index-store.ts';
import { lexicalQuery } from './lexical.ts';

/** What search needs from an embedding model: its fingerprint (to match the index) and query vectors. */
export interface QueryEmbedder {
  readonly info: { fingerprint: string };
  embed(texts: readonly string[], purpose: EmbeddingPurpose, signal?: AbortSignal): Promise<{ vectors: Float32Array[] }>;
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
  /** Weights of the dense and lexical lists in the fusion. Default 1 and 1. */
  weights?: { dense: number; lexical: number };
  /** The k of reciprocal rank fusion: larger flattens the advantage of the top ranks. Default 60. */
  rrfK?: number;
  /** Candidates taken from each list before fusion. Default max(50, 5k). */
  candidates?: number;
  signal?: AbortSignal;
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
}

export interface SearchResponse {
  hits: SearchHit[];
  /** True when the index is still being built or some chunks have no vector yet. */
  partial: boolean;
  /** Why the dense list was not used, if it was not (no index yet, a different model). */
  denseUnavailable: string | undefined;
  space: Pick<VectorSpace, 'id' | 'modelId'> | undefined;
  milliseconds: { embedding: number; dense: number; lexical: number; total: number };
}

interface Candidate {
  chunk: StoredChunk;
  dense: number | undefined;
  denseRank: number | undefined;
  lexical: number | undefined;
  lexicalRank: number | undefined;
  fused: number;
}

export class Searcher {
  private readonly store: IndexStore;
  private readonly embedder: QueryEmbedder | undefined;

  constructor(store: IndexStore, embedder: QueryEmbedder | undefined) {
    this.store = store;
    this.embedder = embedder;
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchResponse> {
    const started = performance.now();
    const k = options.k ?? 10;
    const mode = options.mode ?? 'hybrid';
    const candidates = options.candidates ?? Math.max(50, k * 5);
    const space = this.store.activeSpace();
    const accepts = chunkFilter(options);
    const timings = { embedding: 0, dense: 0, lexical: 0, total: 0 };

    let denseUnavailable: string | undefined;
    let denseList: { chunk: StoredChunk; similarity: number }[] = [];
    if (mode !== 'lexical') {
      denseUnavailable = this.denseProblem(space);
      if (!denseUnavailable) {
        const embedStarted = performance.now();
        const [vector] = (await this.embedder!.embed([query], 'query', options.signal)).vectors;
        timings.embedding = performance.now() - embedStarted;
        options.signal?.throwIfAborted();
        const denseStarted = performance.now();
        denseList = this.denseCandidates(space!, vector!, candidates, accepts);
        timings.dense = performance.now() - denseStarted;
      }
    }

    let lexicalList: { chunk: StoredChunk; score: number }[] = [];
    const chunker = space?.chunker;
    const expression = lexicalQuery(query);
    if (mode !== 'dense' && chunker && expression) {
      const lexicalStarted = performance.now();
      lexicalList = this.lexicalCandidates(chunker, expression, candidates, accepts);
      timings.lexical = performance.now() - lexicalStarted;
    }

    const fused = fuse(denseList, lexicalList, options.weights ?? { dense: 1, lexical: 1 }, options.rrfK ?? 60);
    const hits = mergeOverlapping(fused).slice(0, k);
    timings.total = performance.now() - started;
    return {
      hits,
      partial: space === undefined || !this.store.isSpaceComplete(space.id),
      denseUnavailable: mode === 'lexical' ? undefined : denseUnavailable,
      space: space ? { id: space.id, modelId: space.modelId } : undefined,
      milliseconds: timings,
    };
  }

  /** Chunks most similar to a given vector (for "find similar"), excluding the given chunk ids. */
  similarToVector(vector: Float32Array, k: number, exclude: ReadonlySet<number> = new Set(), options: Pick<SearchOptions, 'languages' | 'pathGlob'> = {}): { chunk: StoredChunk; similarity: number }[] {
    const space = this.store.activeSpace();
    if (!space) return [];
    const accepts = chunkFilter(options);
    return this.denseCandidates(space, vector, k + exclude.size, (chunk) => accepts(chunk) && !exclude.has(chunk.id)).slice(0, k);
  }

  private denseProblem(space: VectorSpace | undefined): string | undefined {
    if (!this.embedder) return 'no embedding model is loaded';
    if (!space) return 'the folder has not been indexed yet';
    if (space.modelFingerprint !== this.embedder.info.fingerprint) {
      return `the index was built with another model (${space.modelId}); re-index to search by meaning with the current one`;
    }
    return undefined;
  }

  /** Nearest contents, expanded to their chunks and filtered; fetches more when filters remove too many. */
  private denseCandidates(space: VectorSpace, vector: Float32Array, wanted: number, accepts: (chunk: StoredChunk) => boolean): { chunk: StoredChunk; similarity: number }[] {
    for (let fetch = wanted; ; fetch *= 4) {
      const neighbours = this.store.nearest(space, vector, fetch);
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
        return chunk && accepts(chunk) ? [{ chunk, score: match.score }] : [];
      });
      if (list.length >= wanted || matches.length < fetch || fetch >= 4096) return list.slice(0, wanted);
    }
  }
}

function chunkFilter(options: Pick<SearchOptions, 'languages' | 'pathGlob'>): (chunk: StoredChunk) => boolean {
  const languages = options.languages && options.languages.length > 0 ? new Set(options.languages) : undefined;
  const matchesPath = options.pathGlob ? picomatch(options.pathGlob, { dot: true }) : undefined;
  return (chunk) => (!languages || languages.has(chunk.language)) && (!matchesPath || matchesPath(chunk.path));
}

/** Reciprocal rank fusion: each list adds weight / (rrfK + rank) for the chunks it ranked. */
export function fuse(
  dense: readonly { chunk: StoredChunk; similarity: number }[],
  lexical: readonly { chunk: StoredChunk; score: number }[],
  weights: { dense: number; lexical: number },
  rrfK: number,
): Candidate[] {
  const byId = new Map<number, Candidate>();
  const entry = (chunk: StoredChunk): Candidate => {
    let candidate = byId.get(chunk.id);
    if (!candidate) {
      candidate = { chunk, dense: undefined, denseRank: undefined, lexical: undefined, lexicalRank: undefined, fused: 0 };
      byId.set(chunk.id, candidate);
    }
    return candidate;
  };
  dense.forEach(({ chunk, similarity }, index) => {
    const candidate = entry(chunk);
    candidate.dense = similarity;
    candidate.denseRank = index + 1;
    candidate.fused += weights.dense / (rrfK + index + 1);
  });
  lexical.forEach(({ chunk, score }, index) => {
    const candidate = entry(chunk);
    candidate.lexical = score;
    candidate.lexicalRank = index + 1;
    candidate.fused += weights.lexical / (rrfK + index + 1);
  });
  // Ties (a chunk at the same rank in one list each) break by the dense score, then by position.
  return [...byId.values()].sort((a, b) => b.fused - a.fused || (b.dense ?? -2) - (a.dense ?? -2) || a.chunk.path.localeCompare(b.chunk.path) || a.chunk.startLine - b.chunk.startLine);
}

/**
 * Whether two line ranges are pieces of the same text: they overlap, and one does not merely enclose
 * the other (a class chunk spans its methods' lines, yet a method is a result of its own).
 */
function sameText(a: SearchHit, b: SearchHit): boolean {
  // Consecutive pieces of one split chunk touch without overlapping when the overlap was under a line.
  if (a.splitOf !== undefined && a.splitOf === b.splitOf && (a.endLine + 1 === b.startLine || b.endLine + 1 === a.startLine)) return true;
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
    const sameFile = hitsByPath.get(chunk.path) ?? [];
    hitsByPath.set(chunk.path, sameFile);
    const piece: SearchHit = {
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
