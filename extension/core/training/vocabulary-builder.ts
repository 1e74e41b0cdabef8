// Chooses the tokenizer's vocabulary from the training texts: the most frequent words (whole identifiers
// that do not split further, such as `getattr`, stay one token), every character seen often enough (so
// almost any word can be spelled), and `##` continuation pieces (the frequent words again, as the tails
// of compounds: `cookiejar` → `cookie ##jar`). Deterministic: ties are broken by the word itself.
import { CONTINUATION_PREFIX, MAX_WORD_LENGTH, PAD_TOKEN, UNKNOWN_TOKEN, Vocabulary, words } from './tokenizer.ts';

export interface VocabularyOptions {
  /** Most whole words. */
  words: number;
  /** Most `##` continuation pieces made from frequent words. */
  continuations: number;
  /** A word must occur this often to be kept whole. */
  minimumCount: number;
  /** A character must occur this often to get a token of its own. */
  minimumCharacterCount: number;
}

export const DEFAULT_VOCABULARY_OPTIONS: VocabularyOptions = { words: 80_000, continuations: 16_000, minimumCount: 4, minimumCharacterCount: 20 };

/** Counts the words of texts, fed one at a time. */
export class WordCounter {
  readonly counts = new Map<string, number>();

  add(text: string): void {
    for (const word of words(text)) this.counts.set(word, (this.counts.get(word) ?? 0) + 1);
  }
}

const byCount = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** The vocabulary: `[PAD]`, `[UNK]`, words by frequency, single characters, then `##` pieces. */
export function buildVocabulary(counts: ReadonlyMap<string, number>, options: VocabularyOptions = DEFAULT_VOCABULARY_OPTIONS): Vocabulary {
  const ranked = [...counts].filter(([word, count]) => count >= options.minimumCount && [...word].length <= MAX_WORD_LENGTH).sort(byCount);
  const tokens = [PAD_TOKEN, UNKNOWN_TOKEN];
  const seen = new Set(tokens);
  const add = (token: string) => {
    if (seen.has(token)) return;
    seen.add(token);
    tokens.push(token);
  };
  for (const [word] of ranked.slice(0, options.words)) add(word);
  const characters = new Map<string, number>();
  for (const [word, count] of counts) for (const character of word) characters.set(character, (characters.get(character) ?? 0) + count);
  const frequentCharacters = [...characters].filter(([, count]) => count >= options.minimumCharacterCount).sort(byCount);
  for (const [character] of frequentCharacters) add(character);
  for (const [character] of frequentCharacters) add(CONTINUATION_PREFIX + character);
  for (const [word] of ranked.filter(([word]) => [...word].length >= 2).slice(0, options.continuations)) add(CONTINUATION_PREFIX + word);
  return new Vocabulary(tokens);
}
