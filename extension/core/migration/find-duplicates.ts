// Finds duplicated code in one vector space: exact copies (chunks with the same content, which share
// one vector) and near-duplicates (different contents whose similarity reaches the space's calibrated
// `duplicate` threshold). The work is bounded: at most `maxContents` contents, each asking for its
// `neighbours` nearest contents. See README.md in this folder.
import type { IndexStore, StoredChunk, VectorSpace } from '../store/index-store.ts';
import { thresholdFor } from './calibration.ts';

export interface FindDuplicatesOptions {
  /** Similarity at or above which two contents are near-duplicates. Default: the space's calibrated `duplicate`. */
  threshold?: number;
  /** Nearest contents looked at per content. Default 10. */
  neighbours?: number;
  /** Contents examined at most (a sample spread over the space beyond that). Default 5000. */
  maxContents?: number;
  /** Chunks shorter than this many lines are left out (one-line statements look alike). Default 3. */
  minLines?: number;
  onProgress?: (progress: FindDuplicatesProgress) => void;
  signal?: AbortSignal;
}

export interface FindDuplicatesProgress {
  /** Contents examined so far, of `total` to examine. */
  examined: number;
  total: number;
  /** Exactly copied contents and near-duplicate pairs found so far. */
  found: number;
}

/** Where a duplicated content sits. */
export interface DuplicateLocation {
  chunkId: number;
  path: string;
  startLine: number;
  endLine: number;
  symbol: string | undefined;
}

export interface DuplicateContent {
  contentHash: string;
  /** Every chunk with this content; more than one means exact copies. */
  locations: DuplicateLocation[];
}

/**
 * A group of duplicates. `exact`: one content found at several places (or the pieces of a split
 * chunk, each found at the same places). `near`: different contents linked (transitively) by
 * similarities at or above the threshold, linked pieces of one split chunk joining one group; a
 * content of a near group may itself have exact copies (several locations), which also form an exact group.
 */
export interface DuplicateGroup {
  kind: 'exact' | 'near';
  contents: DuplicateContent[];
  /** The pairs that link the contents of a near group (empty for exact groups). */
  links: { from: string; to: string; similarity: number }[];
  /** The highest similarity between two members: 1 for exact groups. */
  similarity: number;
}

export interface DuplicatesResult {
  threshold: number;
  thresholdSource: 'calibrated' | 'option';
  /** Contents examined, and the space's contents (examined < total means a sample was taken). */
  examined: number;
  total: number;
  groups: DuplicateGroup[];
}

/** Contents examined between yields to the event loop (so progress is shown and an abort is seen). */
const BATCH = 50;

function location(chunk: StoredChunk): DuplicateLocation {
  return { chunkId: chunk.id, path: chunk.path, startLine: chunk.startLine, endLine: chunk.endLine, symbol: chunk.symbol };
}

function compareLocations(a: DuplicateLocation, b: DuplicateLocation): number {
  return a.path.localeCompare(b.path) || a.startLine - b.startLine;
}

/** Names the whole chunk a piece of a split chunk belongs to; undefined for a whole chunk. */
function wholeKey(chunk: StoredChunk): string | undefined {
  return chunk.part ? JSON.stringify([chunk.path, chunk.kind, chunk.scope, chunk.symbol ?? null, chunk.signature ?? null, chunk.part.count]) : undefined;
}

/** Whether two contents are the same text seen twice: pieces of one split chunk, a class and its member, in one file. */
function overlapping(a: readonly StoredChunk[], b: readonly StoredChunk[]): boolean {
  return a.every((first) => b.every((second) => first.path === second.path && first.startLine <= second.endLine && second.startLine <= first.endLine));
}

/**
 * Groups the duplicated chunks of a space. Identical contents count as duplicates (reported as
 * `exact` groups); different contents are near-duplicates when their similarity reaches the threshold,
 * except when all their chunks overlap in one file (pieces of one text are not copies of each other).
 */
export async function findDuplicates(store: IndexStore, space: VectorSpace, options: FindDuplicatesOptions = {}): Promise<DuplicatesResult> {
  const threshold = options.threshold ?? thresholdFor(store, space, 'duplicate');
  const neighbours = options.neighbours ?? 10;
  const minLines = options.minLines ?? 3;
  const total = store.statistics(space.chunker).spaces.find((entry) => entry.id === space.id)?.vectors ?? 0;
  const sample = store.sampleVectors(space, options.maxContents ?? 5000);
  const chunksOf = new Map<string, StoredChunk[]>();
  const chunks = (hash: string): StoredChunk[] => {
    let known = chunksOf.get(hash);
    if (!known) {
      known = store.chunksByContentHash(space.chunker, [hash]).get(hash) ?? [];
      chunksOf.set(hash, known);
    }
    return known;
  };
  const longEnough = (hash: string) => chunks(hash).some((chunk) => chunk.endLine - chunk.startLine + 1 >= minLines);

  // Union-find over contents linked by a near-duplicate pair.
  const parent = new Map<string, string>();
  const root = (hash: string): string => {
    let current = hash;
    while (parent.get(current) !== current) current = parent.get(current)!;
    parent.set(hash, current);
    return current;
  };
  const links = new Map<string, { from: string; to: string; similarity: number }>();
  const exact: string[] = [];
  let found = 0;

  for (let index = 0; index < sample.length; index++) {
    if (index % BATCH === 0) {
      options.signal?.throwIfAborted();
      options.onProgress?.({ examined: index, total: sample.length, found });
      await new Promise((resolve) => setImmediate(resolve));
      options.signal?.throwIfAborted();
    }
    const { contentHash, vector } = sample[index]!;
    if (!longEnough(contentHash)) continue;
    if (chunks(contentHash).length > 1) {
      exact.push(contentHash);
      found += 1;
    }
    for (const neighbour of store.nearest(space, vector, neighbours + 1)) {
      if (neighbour.contentHash === contentHash || neighbour.similarity < threshold) continue;
      if (!longEnough(neighbour.contentHash) || overlapping(chunks(contentHash), chunks(neighbour.contentHash))) continue;
      const [from, to] = [contentHash, neighbour.contentHash].sort() as [string, string];
      const key = `${from}\n${to}`;
      if (links.has(key)) continue;
      links.set(key, { from, to, similarity: neighbour.similarity });
      for (const hash of [from, to]) if (!parent.has(hash)) parent.set(hash, hash);
      const [rootFrom, rootTo] = [root(from), root(to)];
      if (rootFrom !== rootTo) parent.set(rootFrom, rootTo);
      found += 1;
    }
  }
  options.onProgress?.({ examined: sample.length, total: sample.length, found });

  // Pieces of one split chunk belong together: their near groups merge, and so do exact groups whose
  // contents are pieces of the same chunks.
  const firstPieceOf = new Map<string, string>();
  for (const hash of [...parent.keys()]) {
    for (const chunk of chunks(hash)) {
      const key = wholeKey(chunk);
      if (key === undefined) continue;
      const other = firstPieceOf.get(key);
      if (other === undefined) firstPieceOf.set(key, hash);
      else if (root(other) !== root(hash)) parent.set(root(hash), root(other));
    }
  }
  const content = (hash: string): DuplicateContent => ({ contentHash: hash, locations: chunks(hash).map(location) });
  const exactGroups = new Map<string, string[]>();
  for (const hash of exact) {
    const key = JSON.stringify(chunks(hash).map((chunk) => wholeKey(chunk) ?? `${chunk.id}`).sort());
    exactGroups.set(key, [...(exactGroups.get(key) ?? []), hash]);
  }
  const groups: DuplicateGroup[] = [...exactGroups.values()].map((hashes) => ({ kind: 'exact', contents: hashes.map(content), links: [], similarity: 1 }));
  const members = new Map<string, string[]>();
  for (const hash of parent.keys()) {
    const key = root(hash);
    members.set(key, [...(members.get(key) ?? []), hash]);
  }
  for (const hashes of members.values()) {
    const inGroup = new Set(hashes);
    const groupLinks = [...links.values()].filter((link) => inGroup.has(link.from)).sort((a, b) => b.similarity - a.similarity);
    const contents = hashes.map(content).sort((a, b) => compareLocations(a.locations[0]!, b.locations[0]!));
    groups.push({ kind: 'near', contents, links: groupLinks, similarity: groupLinks[0]!.similarity });
  }
  groups.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'exact' ? -1 : 1) || b.similarity - a.similarity || b.contents.length - a.contents.length);
  return { threshold, thresholdSource: options.threshold === undefined ? 'calibrated' : 'option', examined: sample.length, total, groups };
}
