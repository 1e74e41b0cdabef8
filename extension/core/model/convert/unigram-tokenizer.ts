// Builds a Hugging Face `tokenizer.json` (Unigram model) from a SentencePiece vocabulary given as
// `[piece, score]` pairs, reproducing the TF.js Universal Sentence Encoder tokenizer: NFKC, a `▁` in
// front, every space turned into `▁`, then Viterbi over the whole string (no pre-tokenizer).

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
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFKC' },
        { type: 'Prepend', prepend: SPACE_MARKER },
        { type: 'Replace', pattern: { String: ' ' }, content: SPACE_MARKER },
      ],
    },
    pre_tokenizer: null,
    post_processor: null,
    decoder: { type: 'Metaspace', replacement: SPACE_MARKER, prepend_scheme: 'always', split: true },
    model: { type: 'Unigram', unk_id: options.unkId, vocab, byte_fallback: false },
  };
}

/** Sum of piece scores of a segmentation, as the reference tokenizer scores it (unknown = 0). */
export function segmentationScore(vocabulary: SentencePieceVocabulary, ids: readonly number[], unkId: number): number {
  let total = 0;
  for (const id of ids) total += id === unkId ? 0 : (vocabulary[id]?.[1] ?? 0);
  return total;
}
