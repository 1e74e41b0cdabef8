// Builds a Hugging Face `tokenizer.json` (Unigram model) from a SentencePiece vocabulary given as
// `[piece, score]` pairs, reproducing the TF.js Universal Sentence Encoder tokenizer: NFKC, a `▁` in
// front, every space turned into `▁`, then Viterbi over the whole string.
//
// One quirk of that reference is reproduced on purpose: its Viterbi treats a best score of exactly 0
// as "no path yet", so a path made only of zero-score pieces is always replaced by the next candidate.
// The only zero-score pieces a path can start with are `▁:`, `▁:)`, `▁:(` and `▁:-)` (null scores in
// vocab.json), so for text starting with `▁:` the reference always emits `▁` on its own. A Split
// pre-tokenizer that isolates that leading `▁` gives the same tokens. Ties between segmentations of
// equal score are still broken differently (the reference prefers the shorter last piece).
import { tokenizerJsonObject } from './model-folder.ts';

/** A SentencePiece vocabulary: the index is the token id; a `null` score counts as 0. */
export type SentencePieceVocabulary = ReadonlyArray<readonly [string, number | null]>;

/** The space marker SentencePiece uses. */
export const SPACE_MARKER = '\u2581';

export interface UnigramTokenizerOptions {
  /** Id of the unknown piece. */
  unkId: number;
  /**
   * Ids of control pieces (`<s>`, `</s>`, ...) that the reference tokenizer never produces. They keep
   * their ids but get `controlScore`, so a literal `<s>` in the text is spelt out like other text.
   */
  controlIds: number[];
  /** Score for control pieces; far below any real piece. */
  controlScore: number;
}

/** The `tokenizer.json` object, with keys in the order Hugging Face writes them. */
export function buildUnigramTokenizerJson(vocabulary: SentencePieceVocabulary, options: UnigramTokenizerOptions): object {
  const control = new Set(options.controlIds);
  const vocab = vocabulary.map(([piece, score], id): [string, number] => [
    piece,
    control.has(id) ? options.controlScore : (score ?? 0),
  ]);
  return tokenizerJsonObject({
    normalizers: [
      { type: 'NFKC' },
      { type: 'Prepend', prepend: SPACE_MARKER },
      { type: 'Replace', pattern: { String: ' ' }, content: SPACE_MARKER },
    ],
    preTokenizer: leadingSplit(vocab),
    decoder: { type: 'Metaspace', replacement: SPACE_MARKER, prepend_scheme: 'always', split: true },
    model: { type: 'Unigram', unk_id: options.unkId, vocab, byte_fallback: false },
  });
}

/**
 * The pre-tokenizer that isolates a leading `▁` before characters whose `▁`-pieces all score 0
 * (see the file comment), or `null` when the vocabulary has none.
 */
function leadingSplit(vocab: [string, number][]): object | null {
  const characters = new Set<string>();
  for (const [piece, score] of vocab) {
    const [marker, next] = [...piece];
    if (marker === SPACE_MARKER && next !== undefined && score === 0) characters.add(next);
  }
  // The emulation is exact only if every piece starting with `▁` + that character scores 0.
  for (const [piece, score] of vocab) {
    const [marker, next] = [...piece];
    if (marker === SPACE_MARKER && next !== undefined && characters.has(next) && score !== 0) characters.delete(next);
  }
  if (characters.size === 0) return null;
  const escaped = [...characters].sort().map((character) => character.replace(/[\\^\]\-[]/g, '\\$&'));
  return {
    type: 'Split',
    // \A is the start of the text (Oniguruma and the JS port); `^` would also match after newlines.
    pattern: { Regex: `\\A${SPACE_MARKER}(?=[${escaped.join('')}])` },
    behavior: 'Isolated',
    invert: false,
  };
}

/** Sum of piece scores of a segmentation, as the reference tokenizer scores it (unknown = 0). */
export function segmentationScore(vocabulary: SentencePieceVocabulary, ids: readonly number[], unkId: number): number {
  let total = 0;
  for (const id of ids) total += id === unkId ? 0 : (vocabulary[id]?.[1] ?? 0);
  return total;
}
