// The code-aware tokenizer of the trained static model. The same steps are written as a Hugging Face
// `tokenizer.json` (tokenizer-json.ts) that `@huggingface/tokenizers` runs at search time, and a test
// checks both give the same ids on real code:
// 1. NFKC;
// 2. identifiers split: a space before an upper-case letter that follows a lower-case one (`parseHttp`),
//    before the last capital of an acronym (`HTTPHeader` → `HTTP Header`), and between letters and
//    digits (`sha256` → `sha 256`);
// 3. lower-cased;
// 4. every run of characters that are neither letters nor digits (`_`, `-`, `.`, punctuation, spaces)
//    becomes one space, and the text is split on spaces into words;
// 5. WordPiece: a word in the vocabulary is one token (frequent identifiers such as `getattr` or `stdout`
//    stay whole); an unseen word is cut greedily into the longest known prefix and `##` continuation pieces
//    (`cookiejar` → `cookie ##jar`), so it still maps; a word longer than MAX_WORD_LENGTH, or with a
//    character no piece covers, is `[UNK]` (ignored by the model).

import { DEFAULT_WORD_CACHE_LIMITS, HASH_PRIME, HASH_SEED, WordIdCache, type WordCacheLimits } from './word-cache.ts';

/** Id of the padding token: its row is zero and the model ignores it. */
export const PAD_ID = 0;
/** Id of the unknown token: its row is zero and the model ignores it. */
export const UNKNOWN_ID = 1;
export const PAD_TOKEN = '[PAD]';
export const UNKNOWN_TOKEN = '[UNK]';
export const CONTINUATION_PREFIX = '##';
/** Words longer than this (hashes, base64, minified names) are `[UNK]`, as in WordPiece. */
export const MAX_WORD_LENGTH = 40;

/** Step 2's boundaries, as one regular expression (also written into tokenizer.json). */
export const SPLIT_IDENTIFIERS = '(?<=\\p{Ll})(?=\\p{Lu})|(?<=\\p{Lu})(?=\\p{Lu}\\p{Ll})|(?<=\\p{L})(?=\\p{N})|(?<=\\p{N})(?=\\p{L})';
/** Step 4's separators. */
export const SEPARATORS = '[^\\p{L}\\p{N}]+';

const splitIdentifiers = new RegExp(SPLIT_IDENTIFIERS, 'gu');
const separators = new RegExp(SEPARATORS, 'gu');
const NON_ASCII = /[^\x00-\x7f]/;

/** Steps 1–4: the words of a text, in order. */
export function words(text: string): string[] {
  if (NON_ASCII.test(text)) return normalizedLine(text).split(' ').filter((word) => word !== '');
  return asciiWords(text);
}

/** Steps 1–4 by their definition: the text's words separated by spaces (and maybe a space at either end). */
function normalizedLine(text: string): string {
  return text.normalize('NFKC').replace(splitIdentifiers, ' ').toLowerCase().replace(separators, ' ');
}

/**
 * Steps 1–4 for ASCII text (NFKC changes no ASCII character), without regular expressions: what most code
 * is, at a fraction of the cost. Gives exactly what the general path gives (tested).
 */
function asciiWords(text: string): string[] {
  const result: string[] = [];
  let word = '';
  // 0: none, 1: lower-case letter, 2: upper-case letter, 3: digit.
  let previous = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const kind = code >= 97 && code <= 122 ? 1 : code >= 65 && code <= 90 ? 2 : code >= 48 && code <= 57 ? 3 : 0;
    if (kind === 0) {
      if (word !== '') result.push(word);
      word = '';
      previous = 0;
      continue;
    }
    if (word !== '') {
      let boundary = false;
      if (kind === 2 && previous === 1) boundary = true;
      else if ((kind === 3) !== (previous === 3)) boundary = true;
      else if (kind === 2 && previous === 2) {
        const next = index + 1 < text.length ? text.charCodeAt(index + 1) : 0;
        if (next >= 97 && next <= 122) boundary = true;
      }
      if (boundary) {
        result.push(word);
        word = '';
      }
    }
    word += kind === 2 ? String.fromCharCode(code + 32) : text[index];
    previous = kind;
  }
  if (word !== '') result.push(word);
  return result;
}

/** Character classes of ASCII for step 2: 0 none (a separator), 1 lower-case letter, 2 upper-case letter, 3 digit. */
const ASCII_KIND = new Uint8Array(128);
for (let code = 0; code < 128; code++) ASCII_KIND[code] = code >= 97 && code <= 122 ? 1 : code >= 65 && code <= 90 ? 2 : code >= 48 && code <= 57 ? 3 : 0;

const SPACE = 32;
const NEWLINE = 10;
const NO_IDS = new Int32Array(0);

/** A vocabulary: token → id, ids dense from 0 (`[PAD]`, `[UNK]`, then words and pieces). */
export class Vocabulary {
  readonly tokens: readonly string[];
  private readonly ids: Map<string, number>;
  /** Each distinct word's ids, so each is cut once and looked up without becoming a string (word-cache.ts). */
  readonly wordCache: WordIdCache;
  /** Scratch for `encode`: grows to the most ids one call returned. */
  private scratch = new Int32Array(1024);

  constructor(tokens: readonly string[], cacheLimits: WordCacheLimits = DEFAULT_WORD_CACHE_LIMITS) {
    if (tokens[PAD_ID] !== PAD_TOKEN || tokens[UNKNOWN_ID] !== UNKNOWN_TOKEN) throw new Error(`a vocabulary starts with ${PAD_TOKEN} and ${UNKNOWN_TOKEN}`);
    this.tokens = tokens;
    this.ids = new Map(tokens.map((token, id) => [token, id]));
    if (this.ids.size !== tokens.length) throw new Error('a vocabulary lists each token once');
    this.wordCache = new WordIdCache(cacheLimits);
  }

  get size(): number {
    return this.tokens.length;
  }

  id(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** Step 5 for one word. */
  private wordPiece(word: string): readonly number[] {
    const characters = [...word];
    if (characters.length > MAX_WORD_LENGTH) return [UNKNOWN_ID];
    const whole = this.ids.get(word);
    if (whole !== undefined) return [whole];
    const pieces: number[] = [];
    let start = 0;
    while (start < characters.length) {
      let end = characters.length;
      let found: number | undefined;
      while (start < end) {
        const piece = (start > 0 ? CONTINUATION_PREFIX : '') + characters.slice(start, end).join('');
        found = this.ids.get(piece);
        if (found !== undefined) break;
        end--;
      }
      if (found === undefined) return [UNKNOWN_ID];
      pieces.push(found);
      start = end;
    }
    return pieces;
  }

  /** The token ids of a text, at most `limit` of them (the first ones). */
  encode(text: string, limit = Number.POSITIVE_INFINITY): number[] {
    // Every token takes at least one character of the text, or of its NFKC form, which can be longer.
    let capacity = Math.min(limit, text.length + 16);
    if (this.scratch.length < capacity) this.scratch = new Int32Array(capacity);
    let total = this.encodeInto(text, this.scratch.subarray(0, capacity));
    if (Math.min(total, limit) > capacity) {
      capacity = Math.min(total, limit);
      this.scratch = new Int32Array(capacity);
      total = this.encodeInto(text, this.scratch);
    }
    return Array.from(this.scratch.subarray(0, Math.min(total, limit)));
  }

  /** How many tokens a text has. */
  countTokens(text: string): number {
    return this.encodeInto(text, NO_IDS);
  }

  /**
   * Writes the first `out.length` token ids of a text into `out` and returns how many the whole text has
   * (the ones past `out.length` are counted, not written). Makes no string for a word seen before.
   *
   * Steps 2–5 run in one pass over ASCII, as `asciiWords` cuts words (NFKC changes no ASCII character). A line
   * with a character outside ASCII goes through the general steps 1–4 (`words`), that line alone: nothing
   * joins across a line break (NFKC composes nothing with it, it is neither a letter nor a digit nor ignored
   * by lower-casing's context rules), so the words are the ones `words` finds in the whole text.
   */
  encodeInto(text: string, out: Int32Array): number {
    let count = 0;
    let start = -1; // where the current word starts, -1 between words
    let hash = HASH_SEED;
    let previous = 0;
    let lineStart = 0;
    let countAtLineStart = 0;
    const length = text.length;
    for (let index = 0; index < length; index++) {
      const code = text.charCodeAt(index);
      if (code >= 128) {
        let lineEnd = text.indexOf('\n', index);
        if (lineEnd < 0) lineEnd = length;
        // The line's ASCII words so far are written again, from its general form.
        count = this.encodeNormalized(normalizedLine(text.slice(lineStart, lineEnd)), out, countAtLineStart);
        start = -1;
        previous = 0;
        index = lineEnd; // the line break, a separator
        lineStart = lineEnd + 1;
        countAtLineStart = count;
        continue;
      }
      const kind = ASCII_KIND[code]!;
      if (kind === 0) {
        if (start >= 0) count = this.emitWord(text, start, index, hash, out, count, true);
        start = -1;
        previous = 0;
        if (code === NEWLINE) {
          lineStart = index + 1;
          countAtLineStart = count;
        }
        continue;
      }
      if (start >= 0) {
        let boundary = false;
        if (kind === 2 && previous === 1) boundary = true;
        else if ((kind === 3) !== (previous === 3)) boundary = true;
        else if (kind === 2 && previous === 2 && index + 1 < length) {
          const next = text.charCodeAt(index + 1);
          if (next >= 97 && next <= 122) boundary = true;
        }
        if (boundary) {
          count = this.emitWord(text, start, index, hash, out, count, true);
          start = -1;
        }
      }
      if (start < 0) {
        start = index;
        hash = HASH_SEED;
      }
      hash = Math.imul(hash ^ (kind === 2 ? code + 32 : code), HASH_PRIME);
      previous = kind;
    }
    if (start >= 0) count = this.emitWord(text, start, length, hash, out, count, true);
    return count;
  }

  /** Step 5 for the words of a text already through steps 1–4 (words separated by one space), written from `count` on. */
  private encodeNormalized(normalized: string, out: Int32Array, count: number): number {
    let start = -1;
    let hash = HASH_SEED;
    const length = normalized.length;
    for (let index = 0; index < length; index++) {
      const code = normalized.charCodeAt(index);
      if (code === SPACE) {
        if (start >= 0) count = this.emitWord(normalized, start, index, hash, out, count, false);
        start = -1;
        continue;
      }
      if (start < 0) {
        start = index;
        hash = HASH_SEED;
      }
      hash = Math.imul(hash ^ code, HASH_PRIME);
    }
    if (start >= 0) count = this.emitWord(normalized, start, length, hash, out, count, false);
    return count;
  }

  /** Appends the ids of the word `text[start, end)` (lower-cased if `ascii`) at `count`; returns the new count. */
  private emitWord(text: string, start: number, end: number, hash: number, out: Int32Array, count: number, ascii: boolean): number {
    // Longer than any word WordPiece cuts (in code points; a code point is at most two code units): [UNK],
    // without filling the cache with hashes and base64 that never come back.
    if (end - start > (ascii ? MAX_WORD_LENGTH : 2 * MAX_WORD_LENGTH)) {
      if (count < out.length) out[count] = UNKNOWN_ID;
      return count + 1;
    }
    const cache = this.wordCache;
    let entry = cache.find(text, start, end, hash);
    if (entry < 0) {
      const word = text.slice(start, end);
      const pieces = this.wordPiece(ascii ? word.toLowerCase() : word);
      entry = cache.add(text, start, end, hash, pieces);
      if (entry < 0) {
        for (const id of pieces) {
          if (count < out.length) out[count] = id;
          count++;
        }
        return count;
      }
    }
    const first = cache.idStart[entry]!;
    const pieces = cache.idLength[entry]!;
    const { ids } = cache;
    for (let piece = 0; piece < pieces; piece++) {
      if (count < out.length) out[count] = ids[first + piece]!;
      count++;
    }
    return count;
  }
}
