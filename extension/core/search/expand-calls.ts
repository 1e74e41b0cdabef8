// Call expansion: after a search, the definitions of what the top hits call are pulled in, each placed right after
// the hit that calls it and marked `via: { calledBy }`. A question about code often lands on the function that
// orchestrates the answer while the work is done in a helper it calls; expansion shows that helper without the
// user following the call by hand. Off by default: on the evaluation sets it helps a weak first ranking (GloVe)
// and is mixed to worse on a better one (USE); the figures are in ../store/README.md, "Relations".
import type { CalleeMatch, IndexStore, Proximity, StoredChunk } from '../store/index-store.ts';
import type { RankedChunk } from './results.ts';
import type { SearchHit } from './search.ts';

/** How much to expand: the top `hits` results each bring at most `perHit` callees. */
export interface CallExpansion {
  hits: number;
  perHit: number;
}

/** `expandCalls: true`: the top 3 hits bring one callee each. */
export const DEFAULT_CALL_EXPANSION: CallExpansion = { hits: 3, perHit: 1 };

/** The expansion a search option asks for: `true` the default, a number that many top hits, anything else none. */
export function callExpansion(option: boolean | number | undefined): CallExpansion | undefined {
  if (option === true) return DEFAULT_CALL_EXPANSION;
  if (typeof option === 'number' && Number.isInteger(option) && option > 0) return { ...DEFAULT_CALL_EXPANSION, hits: option };
  return undefined;
}


export interface ExpansionContext {
  /** The store of each searched folder, by folder key. */
  stores: ReadonlyMap<string, IndexStore>;
  /** Every fused candidate of the search: a callee the query also matched ranks before one it did not. */
  candidates: readonly RankedChunk[];
  /** Results wanted: the expanded list is cut to this length. */
  k: number;
  /** Turns a candidate into a hit, as the search does. */
  toHit(candidate: RankedChunk): SearchHit;
}

const PROXIMITY_ORDER: Record<Proximity, number> = { 'same-file': 0, 'same-directory': 1, elsewhere: 2 };

function key(folder: string, chunkId: number): string {
  return `${folder}\n${chunkId}`;
}

function overlaps(hit: SearchHit, folder: string, chunk: StoredChunk): boolean {
  return hit.folder === folder && hit.path === chunk.path && hit.startLine <= chunk.endLine && chunk.startLine <= hit.endLine;
}

/**
 * Inserts the callees of the top hits after them and cuts the list to `k`. Only callees whose name resolves to
 * one definition at the nearest proximity are used (a name defined twice in the same package is a guess), and
 * none that is already a result or overlaps one. A hit's callees are ordered by their own fused score in this
 * search (callees the query did not find come last), then by proximity.
 */
export function expandCalls(hits: readonly SearchHit[], expansion: CallExpansion | undefined, context: ExpansionContext): SearchHit[] {
  if (expansion === undefined) return hits.slice(0, context.k);
  const candidates = new Map(context.candidates.map((candidate) => [key(candidate.folder, candidate.chunk.id), candidate]));
  const shown = new Set(hits.flatMap((hit) => hit.chunkIds.map((id) => key(hit.folder, id))));
  const expanded: SearchHit[] = [];
  for (const [position, hit] of hits.entries()) {
    expanded.push(hit);
    if (position >= expansion.hits || hit.via !== undefined) continue;
    const store = context.stores.get(hit.folder);
    if (store === undefined) continue;
    const callees: CalleeMatch[] = [];
    for (const chunk of store.chunksById(hit.chunkIds).values()) callees.push(...store.calleesOf(chunk, { perName: 1 }));
    const usable = callees.filter(
      (callee) =>
        callee.definitions === 1 &&
        !shown.has(key(hit.folder, callee.chunk.id)) &&
        !hits.some((other) => overlaps(other, hit.folder, callee.chunk)),
    );
    const score = (callee: CalleeMatch) => candidates.get(key(hit.folder, callee.chunk.id))?.fused ?? -1;
    usable.sort((a, b) => score(b) - score(a) || PROXIMITY_ORDER[a.proximity] - PROXIMITY_ORDER[b.proximity] || a.name.localeCompare(b.name));
    let added = 0;
    for (const callee of usable) {
      if (added >= expansion.perHit) break;
      const calleeKey = key(hit.folder, callee.chunk.id);
      if (shown.has(calleeKey)) continue;
      shown.add(calleeKey);
      const candidate = candidates.get(calleeKey) ?? { folder: hit.folder, chunk: callee.chunk, dense: undefined, lexical: undefined, fused: 0, relevance: 0 };
      expanded.push({ ...context.toHit(candidate), via: { calledBy: hit.chunkIds[0]!, name: callee.name } });
      added += 1;
    }
  }
  return expanded.slice(0, context.k);
}
