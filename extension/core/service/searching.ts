// Searching across the folders of a workspace: one global ranking for a query, Find Similar for a piece of
// code, a result's callers and callees, and the languages the indexes hold.
import { embeddingText } from '../chunking/embedding-text.ts';
import type { FolderIndex } from '../folder-index.ts';
import { rankedResults } from '../search/results.ts';
import { fuse, searchAcross, type SearchHit, type SearchResponse } from '../search/search.ts';
import { chunksInRange, relationsOf, type ChunkRelationsView } from '../search/relations.ts';
import type { StoredChunk } from '../store/index-store.ts';
import { calibratedThreshold } from './folder-reports.ts';
import type { ServiceCore } from './service-core.ts';
import type { RelationsRequest, SearchRequestFilters, SimilarRequest, SimilarResult } from './service-types.ts';

/** Searches every folder with one ranking. Folders that fail to open are left out (their state says why). */
export async function search(core: ServiceCore, query: string, options: SearchRequestFilters, signal?: AbortSignal): Promise<SearchResponse> {
  const settings = core.requireSettings();
  core.rememberQuery(query);
  await core.loadRuntime().catch(() => undefined);
  const indexes = (await Promise.all([...core.folders.values()].map((entry) => core.openFolder(entry).catch(() => undefined)))).filter(
    (index): index is FolderIndex => index !== undefined,
  );
  return searchAcross(indexes.map((index) => index.searcher), query, {
    k: options.k ?? settings.search.k,
    mode: options.mode ?? settings.search.mode,
    weights: settings.search.weights,
    languages: options.languages,
    pathGlob: options.pathGlob,
    excludeTests: options.excludeTests,
    scope: options.scope,
    expandCalls: settings.search.expandCalls,
    signal,
  });
}

/**
 * A result's callers and callees in its folder's index. The chunk ids the result carries are used when they
 * still name chunks of its file inside its range (a re-index may have replaced them); else the chunks in its range.
 */
export async function relations(core: ServiceCore, request: RelationsRequest): Promise<ChunkRelationsView> {
  const entry = core.folders.get(request.folder);
  const index = entry && (await core.openFolder(entry).catch(() => undefined));
  if (!index) return { callers: [], callees: [], truncated: false };
  const chunker = index.store.activeSpace()?.chunker ?? index.chunker.fingerprint;
  const known = [...index.store.chunksById(request.chunkIds).values()].filter(
    (chunk) => chunk.chunker === chunker && chunk.path === request.path && chunk.startLine >= request.startLine && chunk.endLine <= request.endLine,
  );
  const chunks = known.length > 0 ? known : chunksInRange(index.store, chunker, request.path, request.startLine, request.endLine);
  return relationsOf(index.store, chunks.map((chunk) => chunk.id));
}

/** Chunks most similar to a piece of code (a selection), across folders, the selection itself excluded. */
export async function similar(core: ServiceCore, request: SimilarRequest, signal?: AbortSignal): Promise<SimilarResult> {
  // Embedded like a chunk (same header, same purpose), so it lands in the chunks' neighbourhood, and
  // by the model of each folder's active space.
  const text = embeddingText({ path: request.path, scope: [], signature: undefined, part: undefined, text: request.text });
  const vectors = new Map<string, Float32Array>();
  const dense: { folder: string; chunk: StoredChunk; similarity: number }[] = [];
  const below: { folder: string; chunk: StoredChunk; similarity: number }[] = [];
  let shownThreshold: number | undefined;
  for (const entry of core.folders.values()) {
    const index = await core.openFolder(entry).catch(() => undefined);
    if (!index) continue;
    const resolved = await index.searcher.queryEmbedder();
    if ('problem' in resolved) continue;
    const fingerprint = resolved.space.modelFingerprint;
    if (!vectors.has(fingerprint)) vectors.set(fingerprint, (await resolved.embedder.embed([text], 'document', signal)).vectors[0]!);
    const vector = vectors.get(fingerprint);
    signal?.throwIfAborted();
    const exclude = new Set(
      entry.spec.key === request.folder
        ? index.store.chunksOfFile(request.path, resolved.space.chunker).filter((chunk) => chunk.startLine <= request.endLine && chunk.endLine >= request.startLine).map((chunk) => chunk.id)
        : [],
    );
    // Only what this model calls similar: its calibrated threshold, not a constant.
    const threshold = await calibratedThreshold(core, entry.spec.key, 'similar', signal);
    shownThreshold ??= threshold;
    for (const { chunk, similarity } of index.searcher.similarToVector(vector!, request.k * 6, exclude)) {
      (similarity >= (threshold ?? -1) ? dense : below).push({ folder: entry.spec.key, chunk, similarity });
    }
  }
  // Ranked like a search with only the dense list, so the pieces of one definition come back as one result.
  const ranked = (list: typeof dense) => rankedResults(fuse(list.sort((a, b) => b.similarity - a.similarity), [], [], { dense: 1, lexical: 0, symbol: 0 }, 60));
  const hits = ranked(dense).slice(0, request.k);
  // A definition with a piece above the threshold is a result already: its other pieces are not "below" it.
  const shown = new Set(hits.map((hit) => `${hit.folder}\n${hit.path}\n${hit.startLine}`));
  const belowThreshold = ranked(below).filter((hit) => !shown.has(`${hit.folder}\n${hit.path}\n${hit.startLine}`) && !hits.some((other) => overlapping(other, hit)));
  return { hits, belowThreshold: belowThreshold.slice(0, request.k), threshold: shownThreshold };
}

/** Languages present in the indexes, for the panel's filter. */
export async function languages(core: ServiceCore): Promise<string[]> {
  const all = new Set<string>();
  for (const entry of core.folders.values()) {
    if (!entry.index) continue;
    for (const language of entry.index.store.languages()) all.add(language);
  }
  return [...all].sort();
}

/** Whether two results share lines of one file. */
function overlapping(a: SearchHit, b: SearchHit): boolean {
  return a.folder === b.folder && a.path === b.path && a.startLine <= b.endLine && b.startLine <= a.endLine;
}
