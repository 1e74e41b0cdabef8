// Small BERT-shaped models in the Hugging Face folder layout, built in a temp folder for tests: the
// same files a downloaded MiniLM / bge / e5 / nomic export has (config.json, tokenizer.json with
// [CLS]/[SEP] post-processing, sentence-transformers pooling and prompt files, onnx/model.onnx with
// input_ids, attention_mask, token_type_ids → last_hidden_state), with random weights.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GraphBuilder, encodeModel, attr } from '../../../extension/core/model/onnx/graph.ts';
import { DataType } from '../../../extension/core/model/onnx/proto.ts';
import { quantizeDynamic } from '../../../extension/core/model/onnx/quantize.ts';
import { seededRandom } from '../../../extension/core/random.ts';

export const SYNTHETIC_WORDS = [
  'read', 'file', 'parse', 'http', 'header', 'sort', 'list', 'number', 'open', 'close', 'write', 'data',
  'the', 'a', 'to', 'how', 'weather', 'is', 'sunny', 'today', 'in', 'paris', 'function', 'return', 'query', 'passage',
] as const;
const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];

export interface SyntheticModelOptions {
  /** Folder name, e.g. `bge-small-en-v1.5`, which decides the known-model defaults that apply. */
  name: string;
  hidden?: number;
  /** `cls` or `mean` writes a sentence-transformers 1_Pooling/config.json saying so. */
  poolingFile?: 'cls' | 'mean';
  /** Written to config_sentence_transformers.json as prompts. */
  prompts?: Record<string, string>;
  /** Also emit a `sentence_embedding` output (already pooled). */
  sentenceEmbeddingOutput?: boolean;
  maxPositionEmbeddings?: number;
  /** Give inputs int32 instead of int64, as some exports do. */
  int32Inputs?: boolean;
  /** Extra files, relative path → content. */
  extraFiles?: Record<string, string>;
  seed?: number;
}

// The core's generator (mulberry32), so fixtures draw the same numbers as before on every run.
export { seededRandom } from '../../../extension/core/random.ts';

export function syntheticVocabulary(): Record<string, number> {
  const vocab: Record<string, number> = {};
  [...SPECIALS, ...SYNTHETIC_WORDS, '##s', '##ing', '##ed'].forEach((token, index) => {
    vocab[token] = index;
  });
  return vocab;
}

/** A BERT-style tokenizer.json: lower-casing, WordPiece, `[CLS] text [SEP]`. */
export function bertTokenizerJson(): object {
  const vocab = syntheticVocabulary();
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

/** Builds the model folder in a new temp folder and returns its path. */
export function buildSyntheticModel(options: SyntheticModelOptions): string {
  const hidden = options.hidden ?? 16;
  const random = seededRandom(options.seed ?? 7);
  const vocabSize = Object.keys(syntheticVocabulary()).length;
  const weights = (count: number) => Float32Array.from({ length: count }, () => random() * 2 - 1);

  const builder = new GraphBuilder('synthetic_bert');
  const idType = options.int32Inputs ? DataType.INT32 : DataType.INT64;
  const inputIds = builder.input('input_ids', idType, ['batch', 'sequence']);
  builder.input('attention_mask', idType, ['batch', 'sequence']);
  const tokenTypes = builder.input('token_type_ids', idType, ['batch', 'sequence']);
  const wordTable = builder.constant('word_embeddings', { dataType: DataType.FLOAT, dims: [vocabSize, hidden], values: weights(vocabSize * hidden) });
  const typeTable = builder.constant('token_type_embeddings', { dataType: DataType.FLOAT, dims: [2, hidden], values: weights(2 * hidden) });
  const projection = builder.constant('dense', { dataType: DataType.FLOAT, dims: [hidden, hidden], values: weights(hidden * hidden) });
  const words = builder.node('Gather', [wordTable, inputIds], { axis: attr.int(0) });
  const types = builder.node('Gather', [typeTable, tokenTypes], { axis: attr.int(0) });
  const summed = builder.node('Add', [words, types]);
  builder.node('Tanh', [builder.node('MatMul', [summed, projection])], {}, 'last_hidden_state');
  builder.output('last_hidden_state', DataType.FLOAT, ['batch', 'sequence', hidden]);
  if (options.sentenceEmbeddingOutput) {
    builder.node('ReduceMean', ['last_hidden_state', builder.int64s('sequence_axis', [1])], { keepdims: attr.int(0) }, 'sentence_embedding');
    builder.output('sentence_embedding', DataType.FLOAT, ['batch', hidden]);
  }
  const model = { graph: builder.graph, opsetVersion: 18, producerName: 'test', producerVersion: '1', metadata: {} };

  const directory = path.join(mkdtempSync(path.join(os.tmpdir(), 'semsearch-model-')), options.name);
  mkdirSync(path.join(directory, 'onnx'), { recursive: true });
  writeFileSync(path.join(directory, 'onnx', 'model.onnx'), encodeModel(model));
  writeFileSync(path.join(directory, 'onnx', 'model_quantized.onnx'), encodeModel(quantizeDynamic(model, { minimumElements: 1 })));
  writeFileSync(path.join(directory, 'tokenizer.json'), JSON.stringify(bertTokenizerJson()));
  writeFileSync(path.join(directory, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 512, do_lower_case: true }));
  writeFileSync(
    path.join(directory, 'config.json'),
    JSON.stringify({ model_type: 'bert', hidden_size: hidden, max_position_embeddings: options.maxPositionEmbeddings ?? 512, vocab_size: vocabSize }),
  );
  if (options.poolingFile) {
    mkdirSync(path.join(directory, '1_Pooling'));
    writeFileSync(
      path.join(directory, '1_Pooling', 'config.json'),
      JSON.stringify({ word_embedding_dimension: hidden, pooling_mode_cls_token: options.poolingFile === 'cls', pooling_mode_mean_tokens: options.poolingFile === 'mean' }),
    );
  }
  if (options.prompts) {
    writeFileSync(path.join(directory, 'config_sentence_transformers.json'), JSON.stringify({ prompts: options.prompts }));
  }
  for (const [relative, content] of Object.entries(options.extraFiles ?? {})) {
    mkdirSync(path.dirname(path.join(directory, relative)), { recursive: true });
    writeFileSync(path.join(directory, relative), content);
  }
  return directory;
}
