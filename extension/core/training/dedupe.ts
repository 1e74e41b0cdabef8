// Exact and near-duplicate removal of training pairs. The same function ships in many packages (a
// vendored helper, a CommonJS and an ESM build of one library, two versions of one module): seen twice,
// it would be its own in-batch negative and weigh double. Per kind of pair:
// - exact: the same document, whitespace normalised;
// - near: MinHash over the document's distinct non-trivial lines (LSH, BANDS bands of ROWS hashes): two
//   documents that share most lines (a line or two edited) collide in some band with high probability;
// - the same query text is kept at most MAX_PER_QUERY times ("Returns the value." documents many
//   functions, and they cannot all be its answer in one batch).
import { hashString, normalizedLines } from './text-hash.ts';
import type { TrainingPair } from './pairs.ts';

const BANDS = 4;
const ROWS = 3;
/** A line shorter than this (`}`, `end`, `return x`) says nothing about which function it is in. */
const MIN_SHINGLE_LENGTH = 8;
/** Documents with fewer distinct long lines are compared exactly only. */
const MIN_SHINGLES = 4;
export const MAX_PER_QUERY = 3;

/** Why a pair was dropped by `Deduplicator.accept`. */
export type DuplicateReason = 'exact' | 'near' | 'query';

export class Deduplicator {
  private readonly exact = new Set<number>();
  private readonly bands = new Set<number>();
  private readonly queries = new Map<number, number>();

  /** Whether the pair is new (and remembers it), or why it is a duplicate of one seen before. */
  accept(pair: Pick<TrainingPair, 'kind' | 'query' | 'document'>): true | DuplicateReason {
    const lines = normalizedLines(pair.document);
    const exactKey = hashString(`${pair.kind}\n${lines.join('\n')}`);
    if (this.exact.has(exactKey)) return 'exact';
    const queryKey = hashString(`${pair.kind}\n${pair.query.toLowerCase().replace(/\s+/g, ' ').trim()}`);
    const queryCount = this.queries.get(queryKey) ?? 0;
    if (queryCount >= MAX_PER_QUERY) return 'query';
    const bandKeys = this.bandKeys(pair.kind, lines);
    if (bandKeys.some((key) => this.bands.has(key))) return 'near';
    this.exact.add(exactKey);
    this.queries.set(queryKey, queryCount + 1);
    for (const key of bandKeys) this.bands.add(key);
    return true;
  }

  private bandKeys(kind: string, lines: readonly string[]): number[] {
    const shingles = [...new Set(lines.filter((line) => line.length >= MIN_SHINGLE_LENGTH && !line.startsWith('path: ') && !line.startsWith('scope: ')))];
    if (shingles.length < MIN_SHINGLES) return [];
    const minima = new Array<number>(BANDS * ROWS).fill(0xffffffff);
    for (const shingle of shingles) {
      // One string hash per line, then cheap integer mixes of it: one hash function per row.
      const base = hashString(shingle);
      const low = base >>> 0;
      const high = Math.floor(base / 0x100000000);
      for (let index = 0; index < minima.length; index++) {
        let mixed = Math.imul(low ^ Math.imul(index + 1, 0x9e3779b1), 0x85ebca6b) ^ Math.imul(high + index, 0xc2b2ae35);
        mixed ^= mixed >>> 16;
        mixed = Math.imul(mixed, 0x7feb352d) >>> 0;
        if (mixed < minima[index]!) minima[index] = mixed;
      }
    }
    const keys: number[] = [];
    for (let band = 0; band < BANDS; band++) keys.push(hashString(`${kind}|${band}|${minima.slice(band * ROWS, (band + 1) * ROWS).join(',')}`));
    return keys;
  }
}
