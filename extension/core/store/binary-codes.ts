// Binary codes of one space held in memory, for the first stage of a binary search. sqlite-vec's
// bit[N] KNN costs grow with k (20k vectors: 6 ms for 100 neighbours, 52 ms for 1,000 here), and a
// binary space needs hundreds of candidates; one pass of popcounts over a Uint32Array with a histogram
// of distances finds any number of candidates in the time of one scan. The vec0 table stays the
// stored copy; this is loaded from it on the first search and kept in step with the connection's writes.

/**
 * Set bits of every 16-bit value: two lookups count a word, faster in V8 than the shift-and-mask
 * popcount (1M × 384 bits: about 30 ms against 47–61 ms here).
 */
let popcounts16: Uint8Array | undefined;
function popcountTable(): Uint8Array {
  if (!popcounts16) {
    popcounts16 = new Uint8Array(65536);
    for (let value = 1; value < 65536; value++) popcounts16[value] = (value & 1) + popcounts16[value >>> 1]!;
  }
  return popcounts16;
}

/**
 * The position of an id's live row among the first `length` rows of ids in ascending order, removed rows marked 0 in
 * `alive` until a compaction: the last live position holding `id` (a removed largest id can be given again to a new
 * row, after its removed one). Shared by the binary codes and the vectors held in memory (vector-matrix.ts).
 */
export function livePosition(ids: Float64Array, alive: Uint8Array, length: number, id: number): number | undefined {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ids[middle]! <= id) low = middle + 1;
    else high = middle;
  }
  for (let position = low - 1; position >= 0 && ids[position] === id; position--) if (alive[position]) return position;
  return undefined;
}

/** Binary codes by row id, in ascending id order, with removed rows marked until the next compaction. */
export class BinaryCodes {
  /** 32-bit words per code. */
  readonly words: number;
  private ids: Float64Array;
  private codes: Uint32Array;
  private alive: Uint8Array;
  private length = 0;
  private removed = 0;

  constructor(bits: number, capacity = 1024) {
    this.words = Math.ceil(bits / 32);
    this.ids = new Float64Array(capacity);
    this.codes = new Uint32Array(capacity * this.words);
    this.alive = new Uint8Array(capacity);
  }

  /** Codes held (removed ones excluded). */
  get size(): number {
    return this.length - this.removed;
  }

  /** Bytes of memory the arrays take. */
  get bytes(): number {
    return this.ids.byteLength + this.codes.byteLength + this.alive.byteLength;
  }

  /** The code as 32-bit words (bytes beyond the code are zero). */
  private toWords(code: Uint8Array): Uint32Array {
    const padded = new Uint8Array(this.words * 4);
    padded.set(code.subarray(0, padded.length));
    return new Uint32Array(padded.buffer);
  }

  /**
   * Adds a code. Ids must come in ascending order (SQLite gives a new row the largest id); returns
   * false, adding nothing, for an id below the last one, so the caller can reload instead.
   */
  add(id: number, code: Uint8Array): boolean {
    if (this.length > 0 && id < this.ids[this.length - 1]!) return false;
    if (this.length === this.ids.length) this.grow(this.ids.length * 2);
    this.ids[this.length] = id;
    // Bytes straight into the words' memory: the same byte order as toWords gives the query.
    const bytes = new Uint8Array(this.codes.buffer, this.length * this.words * 4, this.words * 4);
    bytes.fill(0);
    bytes.set(code.subarray(0, bytes.length));
    this.alive[this.length] = 1;
    this.length += 1;
    return true;
  }

  /** Removes the live code of an id, if any. */
  remove(id: number): boolean {
    const position = livePosition(this.ids, this.alive, this.length, id);
    if (position === undefined) return false;
    this.alive[position] = 0;
    this.removed += 1;
    if (this.removed > 1024 && this.removed * 4 > this.length) this.compact();
    return true;
  }

  /**
   * The `candidates` nearest codes to a query code by Hamming distance, nearest first (equal
   * distances in id order), with their distances.
   */
  nearest(query: Uint8Array, candidates: number): { id: number; distance: number }[] {
    const words = this.words;
    const target = this.toWords(query);
    const bits = popcountTable();
    const codes = this.codes;
    const distances = new Uint16Array(this.length);
    const histogram = new Uint32Array(words * 32 + 2);
    for (let position = 0; position < this.length; position++) {
      if (!this.alive[position]) continue;
      let distance = 0;
      const offset = position * words;
      for (let word = 0; word < words; word++) {
        const differing = codes[offset + word]! ^ target[word]!;
        distance += bits[differing & 0xffff]! + bits[differing >>> 16]!;
      }
      distances[position] = distance;
      histogram[distance]! += 1;
    }
    // The smallest distance `cut` with at least `candidates` codes at or below it.
    let cut = 0;
    for (let total = histogram[0]!; total < candidates && cut < histogram.length - 1; ) total += histogram[++cut]!;
    const below = histogram.slice(0, cut).reduce((sum, count) => sum + count, 0);
    let atCut = Math.max(0, candidates - below);
    const chosen: { id: number; distance: number }[] = [];
    for (let position = 0; position < this.length; position++) {
      if (!this.alive[position]) continue;
      const distance = distances[position]!;
      if (distance < cut || (distance === cut && atCut-- > 0)) chosen.push({ id: this.ids[position]!, distance });
    }
    // Stable: equal distances keep id order.
    return chosen.sort((a, b) => a.distance - b.distance);
  }

  private grow(capacity: number): void {
    const ids = new Float64Array(capacity);
    ids.set(this.ids.subarray(0, this.length));
    const codes = new Uint32Array(capacity * this.words);
    codes.set(this.codes.subarray(0, this.length * this.words));
    const alive = new Uint8Array(capacity);
    alive.set(this.alive.subarray(0, this.length));
    this.ids = ids;
    this.codes = codes;
    this.alive = alive;
  }

  private compact(): void {
    let kept = 0;
    for (let position = 0; position < this.length; position++) {
      if (!this.alive[position]) continue;
      this.ids[kept] = this.ids[position]!;
      this.codes.copyWithin(kept * this.words, position * this.words, (position + 1) * this.words);
      this.alive[kept] = 1;
      kept += 1;
    }
    this.alive.fill(0, kept, this.length);
    this.length = kept;
    this.removed = 0;
  }
}
