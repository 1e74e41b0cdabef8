// Callers and callees of a search result, from the names its chunks define and call (see the chunker's
// relations). Resolution is by name, so a result's callees are the definitions of the names it calls, the nearest
// first (same file, same directory, elsewhere; a method's own class before the rest of its file); its callers are
// the chunks that call a name it defines, but for methods whose own class defines that name too.
import type { IndexStore, Proximity, StoredChunk, SymbolMatch } from '../store/index-store.ts';

/** One related chunk, as a result can show it. */
export interface RelatedChunk {
  chunkId: number;
  /** The name that links the two: what the caller calls, or what the callee defines. */
  name: string;
  path: string;
  startLine: number;
  endLine: number;
  kind: string;
  symbol: string | undefined;
  scope: string[];
  proximity: Proximity;
  /** For a callee: how many definitions of the name are as close as this one (more than 1: a guess among them). */
  definitions: number;
}

/** The callers and callees of a result. */
export interface ChunkRelationsView {
  callers: RelatedChunk[];
  callees: RelatedChunk[];
  /** Whether either list was cut at `limit`. */
  truncated: boolean;
}

/** Default cap of each list. */
export const RELATIONS_LIMIT = 20;

const PROXIMITY_ORDER: Record<Proximity, number> = { 'same-file': 0, 'same-directory': 1, elsewhere: 2 };

function related(match: SymbolMatch, definitions: number): RelatedChunk {
  const { chunk } = match;
  return {
    chunkId: chunk.id,
    name: match.name,
    path: chunk.path,
    startLine: chunk.startLine,
    endLine: chunk.endLine,
    kind: chunk.kind,
    symbol: chunk.symbol,
    scope: chunk.scope,
    proximity: match.proximity,
    definitions,
  };
}

/** Nearest first, then by path and line; one entry per chunk. */
function ordered(entries: readonly RelatedChunk[], limit: number): { list: RelatedChunk[]; truncated: boolean } {
  const byChunk = new Map<number, RelatedChunk>();
  for (const entry of entries) if (!byChunk.has(entry.chunkId)) byChunk.set(entry.chunkId, entry);
  const list = [...byChunk.values()].sort(
    (a, b) => PROXIMITY_ORDER[a.proximity] - PROXIMITY_ORDER[b.proximity] || a.path.localeCompare(b.path) || a.startLine - b.startLine,
  );
  return { list: list.slice(0, limit), truncated: list.length > limit };
}

/**
 * The callers and callees of the definitions a result is made of. A result names the pieces that matched, but a
 * split definition's calls are spread over all its pieces (each piece holds the names on its own lines), so every
 * piece counts: `rebuild_auth` matched on its docstring still lists the four functions its body calls. Chunks of
 * the result itself are left out of both lists.
 */
export function relationsOf(store: IndexStore, chunkIds: number | readonly number[], options: { limit?: number } = {}): ChunkRelationsView {
  const limit = options.limit ?? RELATIONS_LIMIT;
  const ids = typeof chunkIds === 'number' ? [chunkIds] : chunkIds;
  const chunks = store.withAllPieces(ids);
  const own = new Set(chunks.map((chunk) => chunk.id));
  const callers: RelatedChunk[] = [];
  const callees: RelatedChunk[] = [];
  for (const chunk of chunks) {
    for (const name of store.relationsOfChunk(chunk.id).defines) {
      for (const match of store.callersOf(chunk.chunker, name, { near: chunk.path, limit, definition: chunk })) {
        if (!own.has(match.chunk.id)) callers.push(related(match, 1));
      }
    }
    for (const match of store.calleesOf(chunk)) {
      if (!own.has(match.chunk.id)) callees.push(related(match, match.definitions));
    }
  }
  const orderedCallers = ordered(callers, limit);
  const orderedCallees = ordered(callees, limit);
  return { callers: orderedCallers.list, callees: orderedCallees.list, truncated: orderedCallers.truncated || orderedCallees.truncated };
}

/** The chunks of a file that a result spanning `startLine..endLine` is made of (for a result known by its location only). */
export function chunksInRange(store: IndexStore, chunker: string, path: string, startLine: number, endLine: number): StoredChunk[] {
  return store.chunksOfFile(path, chunker).filter((chunk) => chunk.startLine >= startLine && chunk.endLine <= endLine);
}
