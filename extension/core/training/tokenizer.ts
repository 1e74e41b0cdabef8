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
  if (NON_ASCII.test(text)) {
    const normalized = text.normalize('NFKC').replace(splitIdentifiers, ' ').toLowerCase().replace(separators, ' ');
    return normalized.split(' ').filter((word) => word !== '');
  }
  return asciiWords(text);
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

/** A vocabulary: token → id, ids dense from 0 (`[PAD]`, `[UNK]`, then words and pieces). */
export class Vocabulary {
  readonly tokens: readonly string[];
  private readonly ids: Map<string, number>;
  /** Word → ids, so each distinct word is cut once. */
  private readonly cache = new Map<string, readonly number[]>();

  constructor(tokens: readonly string[]) {
    if (tokens[PAD_ID] !== PAD_TOKEN || tokens[UNKNOWN_ID] !== UNKNOWN_TOKEN) throw new Error(`a vocabulary starts with ${PAD_TOKEN} and ${UNKNOWN_TOKEN}`);
    this.tokens = tokens;
    this.ids = new Map(tokens.map((token, id) => [token, id]));
    if (this.ids.size !== tokens.length) throw new Error('a vocabulary lists each token once');
  }

  get size(): number {
    return this.tokens.length;
  }

  id(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** Step 5 for one word. */
  wordIds(word: string): readonly number[] {
    let ids = this.cache.get(word);
    if (ids === undefined) {
      ids = this.wordPiece(word);
      if (this.cache.size > 500_000) this.cache.clear();
      this.cache.set(word, ids);
    }
    return ids;
  }

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
    const ids: number[] = [];
    for (const word of words(text)) {
      for (const id of this.wordIds(word)) {
        if (ids.length >= limit) return ids;
        ids.push(id);
      }
    }
    return ids;
  }
}
