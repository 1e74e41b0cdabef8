// The Hugging Face `tokenizer.json` of the trained model: tokenizer.ts's steps as a normalizer sequence,
// a whitespace pre-tokenizer and a WordPiece model, so `@huggingface/tokenizers` (what the embedding
// runtime runs) gives the ids the model was trained on. No `$1` back-references and no added tokens: a
// text that contains `[UNK]` is read as the word `unk`, as the TypeScript tokenizer reads it.
import { tokenizerJsonObject } from '../model/convert/model-folder.ts';
import { CONTINUATION_PREFIX, MAX_WORD_LENGTH, SEPARATORS, SPLIT_IDENTIFIERS, UNKNOWN_TOKEN, type Vocabulary } from './tokenizer.ts';

export function tokenizerJson(vocabulary: Vocabulary): object {
  const vocab: Record<string, number> = {};
  vocabulary.tokens.forEach((token, id) => {
    vocab[token] = id;
  });
  return tokenizerJsonObject({
    normalizers: [
      { type: 'NFKC' },
      { type: 'Replace', pattern: { Regex: SPLIT_IDENTIFIERS }, content: ' ' },
      { type: 'Lowercase' },
      { type: 'Replace', pattern: { Regex: SEPARATORS }, content: ' ' },
    ],
    preTokenizer: { type: 'WhitespaceSplit' },
    decoder: null,
    model: {
      type: 'WordPiece',
      unk_token: UNKNOWN_TOKEN,
      continuing_subword_prefix: CONTINUATION_PREFIX,
      max_input_chars_per_word: MAX_WORD_LENGTH,
      vocab,
    },
  });
}
