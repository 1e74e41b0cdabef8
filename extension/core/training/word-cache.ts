// Token ids per distinct word, found without making a string of the word. The tokenizer meets the same words
// over and over (`return`, `this`, a project's identifiers); looking them up in a `Map` meant building each
// word as a new string character by character, then hashing and comparing it: most of the tokenizer's time.
// Here the scanner hashes a word's code units as it reads them, and the table compares the candidate entry
// with the text in place; only a word seen for the first time becomes a string (for WordPiece).
//
// An open-addressing table (linear probing) over entries kept in typed arrays: each entry's word (its code
// units, in one pool) and its ids (in another). Everything grows by doubling up to set bounds; a table at its
// bound is cleared and fills again, so memory stays bounded on a repository with millions of distinct words.

/** FNV-1a, 32 bits: what the scanner and the table both compute over a word's (lower-cased) code units. */
export const HASH_SEED = 0x811c9dc5 | 0;
export const HASH_PRIME = 0x01000193;

/** Bounds of a `WordIdCache`: past any of them it is cleared. */
export interface WordCacheLimits {
  /** Most words held. */
  entries: number;
  /** Most code units of all the words held together. */
  characters: number;
  /** Most ids of all the words held together. */
  ids: number;
}

/** About 10 MiB at most, for ~200,000 distinct words: more than a large repository's identifiers. */
export const DEFAULT_WORD_CACHE_LIMITS: WordCacheLimits = { entries: 1 << 18, characters: 1 << 21, ids: 1 << 19 };

const INITIAL_ENTRIES = 1 << 12;

/** The words the tokenizer has cut, by their code units, with their ids. */
export class WordIdCache {
  readonly limits: WordCacheLimits;
  /** Entry + 1 per slot, 0 for an empty slot; twice as many slots as entries can be held, so probes stay short. */
  private slots: Int32Array;
  private mask: number;
  private hashes: Int32Array;
  /** Per entry: where its code units start in `characters`, and how many. */
  private characterStart: Int32Array;
  private characterLength: Int32Array;
  /** Per entry: where its ids start in `ids`, and how many. Public so a caller copies them without a call. */
  idStart: Int32Array;
  idLength: Int32Array;
  ids: Int32Array;
  private characters: Uint16Array;
  private entryCount = 0;
  private characterCount = 0;
  private idCount = 0;
  /** How often the cache was emptied on reaching a bound (tests read it). */
  clears = 0;

  constructor(limits: WordCacheLimits = DEFAULT_WORD_CACHE_LIMITS) {
    this.limits = limits;
    if (!(limits.entries >= 1 && limits.characters >= 1 && limits.ids >= 1)) throw new Error('a word cache holds at least one word');
    const entries = Math.min(INITIAL_ENTRIES, limits.entries);
    this.slots = new Int32Array(slotsFor(entries));
    this.mask = this.slots.length - 1;
    this.hashes = new Int32Array(entries);
    this.characterStart = new Int32Array(entries);
    this.characterLength = new Int32Array(entries);
    this.idStart = new Int32Array(entries);
    this.idLength = new Int32Array(entries);
    this.characters = new Uint16Array(Math.min(entries * 8, limits.characters));
    this.ids = new Int32Array(Math.min(entries * 2, limits.ids));
  }

  /** Words held now. */
  get size(): number {
    return this.entryCount;
  }

  /**
   * The entry of the word `text[start, end)` with `hash` (FNV-1a of its code units, upper-case ASCII letters
   * counted as lower-case, as the scanner lowers them), or -1.
   */
  find(text: string, start: number, end: number, hash: number): number {
    const length = end - start;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]! - 1;
      if (entry < 0) return -1;
      if (this.hashes[entry] !== hash || this.characterLength[entry] !== length) continue;
      const offset = this.characterStart[entry]! - start;
      let index = start;
      for (; index < end; index++) {
        let code = text.charCodeAt(index);
        if (code >= 65 && code <= 90) code += 32;
        if (this.characters[offset + index] !== code) break;
      }
      if (index === end) return entry;
    }
  }

  /**
   * Adds the word `text[start, end)` (lower-cased as in `find`) with its ids; returns its entry, or -1 for a
   * word larger than the whole cache may hold.
   */
  add(text: string, start: number, end: number, hash: number, ids: readonly number[]): number {
    const length = end - start;
    if (length > this.limits.characters || ids.length > this.limits.ids) return -1;
    if (this.entryCount + 1 > this.limits.entries || this.characterCount + length > this.limits.characters || this.idCount + ids.length > this.limits.ids) {
      this.clear();
    }
    if (this.entryCount + 1 > this.hashes.length) this.growEntries();
    if (this.characterCount + length > this.characters.length) this.characters = grown(this.characters, this.characterCount + length, this.limits.characters);
    if (this.idCount + ids.length > this.ids.length) this.ids = grown(this.ids, this.idCount + ids.length, this.limits.ids);
    const entry = this.entryCount++;
    this.hashes[entry] = hash;
    this.characterStart[entry] = this.characterCount;
    this.characterLength[entry] = length;
    for (let index = start; index < end; index++) {
      const code = text.charCodeAt(index);
      this.characters[this.characterCount++] = code >= 65 && code <= 90 ? code + 32 : code;
    }
    this.idStart[entry] = this.idCount;
    this.idLength[entry] = ids.length;
    for (const id of ids) this.ids[this.idCount++] = id;
    this.place(entry, hash);
    return entry;
  }

  /** Forgets every word (the arrays keep their size: they were needed a moment ago). */
  clear(): void {
    this.slots.fill(0);
    this.entryCount = 0;
    this.characterCount = 0;
    this.idCount = 0;
    this.clears += 1;
  }

  private place(entry: number, hash: number): void {
    let slot = hash & this.mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = entry + 1;
  }

  private growEntries(): void {
    const entries = Math.min(this.hashes.length * 2, this.limits.entries);
    this.hashes = grown(this.hashes, entries, entries);
    this.characterStart = grown(this.characterStart, entries, entries);
    this.characterLength = grown(this.characterLength, entries, entries);
    this.idStart = grown(this.idStart, entries, entries);
    this.idLength = grown(this.idLength, entries, entries);
    this.slots = new Int32Array(slotsFor(entries));
    this.mask = this.slots.length - 1;
    for (let entry = 0; entry < this.entryCount; entry++) this.place(entry, this.hashes[entry]!);
  }
}

/** Slots for a table of `entries`: a power of two, at least twice as many. */
function slotsFor(entries: number): number {
  let slots = 2;
  while (slots < entries * 2) slots *= 2;
  return slots;
}

/** A copy of `array` at least `needed` long (doubling, at most `limit`). */
function grown<T extends Int32Array | Uint16Array>(array: T, needed: number, limit: number): T {
  let length = Math.max(array.length, 1);
  while (length < needed) length *= 2;
  const copy = new (array.constructor as new (length: number) => T)(Math.min(length, Math.max(limit, needed)));
  copy.set(array);
  return copy;
}
