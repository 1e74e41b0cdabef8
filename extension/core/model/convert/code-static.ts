// Builds the `code-static` model folder from the committed release of this project's own trained static
// model (training/release/code-static/, made by `npm run train`): token lookup (Gather), sum of the
// token vectors (their pooling weights are folded into the rows, so the weighted mean is this sum up to
// a factor), L2 normalisation. fp32 holds the release's int8 rows times their scales; the int8 graph
// keeps them as int8 with one scale per row. The tokenizer is tokenizer-json.ts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataType } from '../onnx/proto.ts';
import { GraphBuilder, attr, type Model } from '../onnx/graph.ts';
import { quantizeDynamic } from '../onnx/quantize.ts';
import type { ModelManifest } from '../manifest.ts';
import { dequantizeRows, readRelease, type Release } from '../../training/release.ts';
import { tokenizerJson } from '../../training/tokenizer-json.ts';
import { PAD_TOKEN, UNKNOWN_ID, UNKNOWN_TOKEN } from '../../training/tokenizer.ts';
import { writeModelFolder } from './model-folder.ts';

export const CODE_STATIC_NAME = 'code-static';

/** The committed release the model is built from. */
export function codeStaticReleaseDirectory(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'training', 'release', CODE_STATIC_NAME);
}

/** The ONNX graph: ids → rows → masked sum → L2 normalisation. Ids 0 and 1 ([PAD], [UNK]) do not count. */
export function codeStaticGraph(release: Release): Model {
  const { dimensions, vocabularySize } = release.metadata;
  return {
    ...staticTableModel(dequantizeRows(release, dimensions), vocabularySize, dimensions),
    metadata: { source: `training/release/${CODE_STATIC_NAME}`, vocabulary: String(vocabularySize), embeddings_sha256: release.metadata.files['embeddings.int8'] },
  };
}

/**
 * The graph of a static token table, without metadata: what `codeStaticGraph` writes, and what the
 * embedding engine compares a model file with before it computes the same thing without onnxruntime
 * (../../embedding/static-table.ts).
 */
export function staticTableModel(table: Float32Array, vocabularySize: number, dimensions: number): Model {
  const builder = new GraphBuilder('code_static_sum');
  const inputIds = builder.input('input_ids', DataType.INT64, ['batch', 'sequence']);
  const attentionMask = builder.input('attention_mask', DataType.INT64, ['batch', 'sequence']);
  const tableName = builder.constant('token_embeddings', { dataType: DataType.FLOAT, dims: [vocabularySize, dimensions], values: table });

  const isToken = builder.node('Greater', [inputIds, builder.int64s('last_special_id', [UNKNOWN_ID], [])]);
  const weights = builder.node('Mul', [builder.node('Cast', [isToken], { to: attr.int(DataType.FLOAT) }), builder.node('Cast', [attentionMask], { to: attr.int(DataType.FLOAT) })]);
  const lastAxis = builder.int64s('last_axis', [-1]);
  const rows = builder.node('Gather', [tableName, inputIds], { axis: attr.int(0) });
  const weightedRows = builder.node('Mul', [rows, builder.node('Unsqueeze', [weights, lastAxis])]);
  const sum = builder.node('ReduceSum', [weightedRows, builder.int64s('sequence_axis', [1])], { keepdims: attr.int(0) });
  const squaredNorm = builder.node('ReduceSum', [builder.node('Mul', [sum, sum]), lastAxis], { keepdims: attr.int(1) });
  // An input without a known token gives a zero vector rather than NaN.
  const norm = builder.node('Max', [builder.node('Sqrt', [squaredNorm]), builder.float32s('epsilon', [1e-12], [])]);
  builder.node('Div', [sum, norm], {}, 'sentence_embedding');
  builder.output('sentence_embedding', DataType.FLOAT, ['batch', dimensions]);
  return {
    graph: builder.graph,
    opsetVersion: 18,
    producerName: 'semantic-code-search',
    producerVersion: '1',
    metadata: {},
  };
}

export function codeStaticManifest(release: Release): ModelManifest {
  const { dimensions, levels, maxTokens } = release.metadata;
  return {
    schemaVersion: 1,
    id: CODE_STATIC_NAME,
    displayName: 'Code static embeddings (offline, trained by this project)',
    dimensions,
    pooling: 'none',
    normalize: true,
    maxTokens,
    queryPrefix: '',
    documentPrefix: '',
    output: 'sentence_embedding',
    matryoshka: true,
    matryoshkaDimensions: levels,
    source: `trained by this project (training/README.md) from ${String(release.metadata.training.corpus ?? 'open-source packages')}`,
    license: 'Apache-2.0 (weights trained by this project)',
  };
}

/** Writes the `code-static` model folder from the release. */
export async function buildCodeStatic(outputDirectory: string, releaseDirectory = codeStaticReleaseDirectory()): Promise<void> {
  const release = readRelease(releaseDirectory);
  const model = codeStaticGraph(release);
  await writeModelFolder(outputDirectory, {
    model,
    quantizedModel: quantizeDynamic(model),
    manifest: codeStaticManifest(release),
    tokenizer: tokenizerJson(release.vocabulary),
    tokenizerConfig: { tokenizer_class: 'PreTrainedTokenizerFast', model_max_length: release.metadata.maxTokens, pad_token: PAD_TOKEN, unk_token: UNKNOWN_TOKEN, do_lower_case: true },
    config: {
      architectures: ['StaticTokenEmbeddingModel'],
      model_type: 'static-embedding',
      hidden_size: release.metadata.dimensions,
      vocab_size: release.metadata.vocabularySize,
      pooling: 'weighted-sum',
    },
    licenseFiles: [],
  });
}
