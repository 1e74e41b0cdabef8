import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Tokenizer } from '@huggingface/tokenizers';
import ort from 'onnxruntime-node';
import { EmbeddingRuntime } from '../../../extension/core/embedding/runtime.ts';
import { MANIFEST_FILE } from '../../../extension/core/model/manifest.ts';
import { buildSyntheticModel } from './synthetic-models.ts';
import { isCoreError } from '../../../extension/core/errors.ts';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, index) => sum + value * b[index]!, 0);
const norm = (a: Float32Array) => Math.sqrt(dot(a, a));

/** What a correct runtime must return: the graph run directly on the tokenizer's ids, pooled by hand. */
async function referenceEmbedding(directory: string, text: string, pooling: 'cls' | 'mean'): Promise<Float32Array> {
  const tokenizer = new Tokenizer(JSON.parse(readFileSync(path.join(directory, 'tokenizer.json'), 'utf8')), {});
  const ids: number[] = tokenizer.encode(text).ids;
  const session = await ort.InferenceSession.create(path.join(directory, 'onnx', 'model.onnx'));
  const tensor = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
  const output = (await session.run({ input_ids: tensor(ids), attention_mask: tensor(ids.map(() => 1)), token_type_ids: tensor(ids.map(() => 0)) })).last_hidden_state!;
  const [, length, hidden] = output.dims as [number, number, number];
  const data = output.data as Float32Array;
  const pooled = new Float32Array(hidden);
  if (pooling === 'cls') pooled.set(data.subarray(0, hidden));
  else for (let position = 0; position < length; position++) for (let d = 0; d < hidden; d++) pooled[d]! += data[position * hidden + d]! / length;
  const size = norm(pooled);
  await session.release();
  return pooled.map((value) => value / size);
}

async function expectModelError(promise: Promise<unknown>, reason: string, messagePattern?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isCoreError(error, 'model'), `expected a model CoreError, got ${String(error)}`);
    assert.equal(error.reason, reason);
    if (messagePattern) assert.match(error.message, messagePattern);
    return true;
  });
}

describe('embedding runtime on Hugging Face layout models', () => {
  test('a bge-style folder (CLS pooling file, known query prefix) embeds like the graph pooled by hand', async () => {
    const directory = buildSyntheticModel({ name: 'bge-small-en-v1.5', poolingFile: 'cls' });
    const runtime = await EmbeddingRuntime.load({ modelDirectory: directory, device: 'cpu', threads: 1 });
    try {
      assert.equal(runtime.info.manifest.pooling, 'cls');
      assert.equal(runtime.info.manifest.queryPrefix, 'Represent this sentence for searching relevant passages: ');
      assert.equal(runtime.info.provider, 'cpu');
      assert.equal(runtime.info.cpuFallbackReason, undefined);
      const { vectors } = await runtime.embed(['parse the http header'], 'document');
      const expected = await referenceEmbedding(directory, 'parse the http header', 'cls');
      assert.ok(dot(vectors[0]!, expected) > 0.99999, 'CLS vector differs from the reference');
    } finally {
      await runtime.dispose();
    }
  });

  test('an e5-style folder (mean pooling, prompts file) uses mean pooling and the "query: " / "passage: " prefixes', async () => {
    const directory = buildSyntheticModel({ name: 'multilingual-e5-small', poolingFile: 'mean', prompts: { query: 'query: ', passage: 'passage: ' } });
    const runtime = await EmbeddingRuntime.load({ modelDirectory: directory, device: 'cpu', threads: 1 });
    try {
      assert.equal(runtime.info.manifest.pooling, 'mean');
      assert.equal(runtime.info.manifest.queryPrefix, 'query: ');
      assert.equal(runtime.info.manifest.documentPrefix, 'passage: ');
      const document = await runtime.embed(['read a file'], 'document');
      const query = await runtime.embed(['read a file'], 'query');
      const expectedDocument = await referenceEmbedding(directory, 'passage: read a file', 'mean');
      assert.ok(dot(document.vectors[0]!, expectedDocument) > 0.99999, 'mean-pooled vector differs from the reference');
      assert.ok(dot(document.vectors[0]!, query.vectors[0]!) < 0.99999, 'query and document prefixes should change the vector');
      const [queryTokens] = await runtime.countTokens(['read a file']);
      // [CLS] + "passage" + ":" + "read a file" + [SEP]: the document prefix and special tokens count.
      assert.equal(queryTokens, 1 + 2 + 3 + 1);
    } finally {
      await runtime.dispose();
    }
  });

  test('a nomic-style folder is Matryoshka, and an already-pooled sentence_embedding output is used without pooling', async () => {
    const directory = buildSyntheticModel({ name: 'nomic-embed-text-v1.5', sentenceEmbeddingOutput: true });
    const runtime = await EmbeddingRuntime.load({ modelDirectory: directory, device: 'cpu', threads: 1 });
    try {
      assert.equal(runtime.info.manifest.matryoshka, true);
      assert.deepEqual(runtime.info.manifest.matryoshkaDimensions, [768, 512, 256, 128, 64]);
      assert.equal(runtime.info.manifest.queryPrefix, 'search_query: ');
      const { vectors } = await runtime.embed(['sort a list'], 'document');
      assert.ok(Math.abs(norm(vectors[0]!) - 1) < 1e-5);
    } finally {
      await runtime.dispose();
    }
  });

  test('int32 graph inputs are fed as int32', async () => {
    const directory = buildSyntheticModel({ name: 'all-MiniLM-L6-v2', poolingFile: 'mean', int32Inputs: true });
    const runtime = await EmbeddingRuntime.load({ modelDirectory: directory, device: 'cpu', threads: 1 });
    try {
      const { vectors } = await runtime.embed(['open the file'], 'document');
      assert.equal(vectors[0]!.length, 16);
    } finally {
      await runtime.dispose();
    }
  });
});

describe('embedding runtime behaviour', () => {
  let directory: string;
  let runtime: EmbeddingRuntime;
  before(async () => {
    directory = buildSyntheticModel({
      name: 'windowed',
      poolingFile: 'mean',
      extraFiles: {
        [MANIFEST_FILE]: JSON.stringify({
          schemaVersion: 1, id: 'windowed', displayName: 'Windowed', dimensions: 16, pooling: 'mean', normalize: true,
          maxTokens: 8, queryPrefix: '', documentPrefix: '', output: 'last_hidden_state', matryoshka: false,
        }),
      },
    });
    runtime = await EmbeddingRuntime.load({ modelDirectory: directory, device: 'cpu', threads: 1, maxBatchSize: 4 });
  });
  after(async () => {
    await runtime.dispose();
  });

  test('vectors come back in input order, whatever the batching', async () => {
    const texts = ['read', 'parse the http header now today', 'sort a list of number', 'open', 'close the file', 'write data to a file', 'how'];
    const together = await runtime.embed(texts, 'document');
    for (const [index, text] of texts.entries()) {
      const alone = await runtime.embed([text], 'document');
      assert.ok(dot(alone.vectors[0]!, together.vectors[index]!) > 0.99999, `text ${index} differs when batched`);
    }
  });

  test('an input longer than the window is cut and the cut is reported', async () => {
    const long = 'read the file and parse the http header and sort the list';
    const { vectors, truncations } = await runtime.embed(['read a file', long], 'document');
    assert.equal(vectors.length, 2);
    assert.deepEqual(truncations, [{ index: 1, tokens: 14, keptTokens: 8 }]);
  });

  test('an empty text is a clear error', async () => {
    await expectModelError(runtime.embed(['read', '   '], 'document'), 'empty-input', /Text 2 of 2 is empty/);
  });

  test('an aborted request rejects with AbortError and the runtime keeps working', async () => {
    const controller = new AbortController();
    const texts = Array.from({ length: 2000 }, (_, index) => `read the file number ${index}`);
    const pending = runtime.embed(texts, 'document', controller.signal);
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    const { vectors } = await runtime.embed(['still works'], 'query');
    assert.equal(vectors.length, 1);
  });

  test('inference runs off the caller thread: timers keep firing during a long request', async () => {
    const texts = Array.from({ length: 4000 }, (_, index) => `parse the http header and read the file ${index}`);
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 2);
    const started = performance.now();
    await runtime.embed(texts, 'document');
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // If the work ran on this thread the timer could not fire until it was over.
    assert.ok(elapsed > 50, `request too short to tell (${elapsed} ms)`);
    assert.ok(ticks >= elapsed / 2 / 4, `only ${ticks} timer ticks in ${Math.round(elapsed)} ms`);
  });
});

describe('embedding runtime errors', () => {
  test('a missing model folder says how to get the model', async () => {
    await expectModelError(EmbeddingRuntime.load({ modelDirectory: '/nonexistent/model', device: 'cpu' }), 'model-missing', /npm run models|download/);
  });

  test('a corrupt ONNX file is reported as corrupt', async () => {
    const directory = buildSyntheticModel({ name: 'corrupt', poolingFile: 'mean' });
    writeFileSync(path.join(directory, 'onnx', 'model.onnx'), Buffer.from('this is not a protobuf model at all'));
    await expectModelError(EmbeddingRuntime.load({ modelDirectory: directory, device: 'cpu' }), 'model-corrupt');
  });

  test('a missing quantized file is reported as missing', async () => {
    const directory = buildSyntheticModel({ name: 'no-int8', poolingFile: 'mean' });
    rmSync(path.join(directory, 'onnx', 'model_quantized.onnx'));
    await expectModelError(EmbeddingRuntime.load({ modelDirectory: directory, device: 'cpu', quantization: 'int8' }), 'model-missing', /int8/);
  });

  test('a manifest with the wrong dimensions or output name does not match the graph', async () => {
    const base = { schemaVersion: 1, id: 'm', displayName: 'm', pooling: 'mean', normalize: true, maxTokens: 64, queryPrefix: '', documentPrefix: '', matryoshka: false };
    const wrongDimensions = buildSyntheticModel({ name: 'dims', extraFiles: { [MANIFEST_FILE]: JSON.stringify({ ...base, dimensions: 384, output: 'last_hidden_state' }) } });
    await expectModelError(EmbeddingRuntime.load({ modelDirectory: wrongDimensions, device: 'cpu' }), 'manifest-mismatch', /384 dimensions.*16/);
    const wrongOutput = buildSyntheticModel({ name: 'output', extraFiles: { [MANIFEST_FILE]: JSON.stringify({ ...base, dimensions: 16, output: 'pooler_output' }) } });
    await expectModelError(EmbeddingRuntime.load({ modelDirectory: wrongOutput, device: 'cpu' }), 'manifest-mismatch', /pooler_output.*last_hidden_state/);
    const wrongPooling = buildSyntheticModel({ name: 'pool', extraFiles: { [MANIFEST_FILE]: JSON.stringify({ ...base, dimensions: 16, output: 'last_hidden_state', pooling: 'none' }) } });
    await expectModelError(EmbeddingRuntime.load({ modelDirectory: wrongPooling, device: 'cpu' }), 'manifest-mismatch', /pooling "none"/);
  });

  test('an invalid manifest names the field', async () => {
    const directory = buildSyntheticModel({ name: 'invalid', extraFiles: { [MANIFEST_FILE]: JSON.stringify({ schemaVersion: 1, id: 'x', dimensions: -3 }) } });
    await expectModelError(EmbeddingRuntime.load({ modelDirectory: directory, device: 'cpu' }), 'manifest-invalid', /pooling|dimensions/);
  });

  test('a missing tokenizer is reported as missing', async () => {
    const directory = buildSyntheticModel({ name: 'no-tokenizer', poolingFile: 'mean' });
    rmSync(path.join(directory, 'tokenizer.json'));
    await expectModelError(EmbeddingRuntime.load({ modelDirectory: directory, device: 'cpu' }), 'model-missing', /tokenizer\.json/);
  });

  test('device "auto" falls back to the CPU with a reason when no GPU provider works, and says which provider runs', async () => {
    const directory = buildSyntheticModel({ name: 'auto', poolingFile: 'mean' });
    const logs: string[] = [];
    const runtime = await EmbeddingRuntime.load({ modelDirectory: directory, device: 'auto', threads: 1, log: (_level, message) => logs.push(message) });
    try {
      assert.ok(['cpu', 'cuda', 'webgpu', 'dml', 'coreml'].includes(runtime.info.provider));
      if (runtime.info.provider === 'cpu') {
        assert.ok(runtime.info.cpuFallbackReason, 'a CPU fallback must say why');
        assert.ok(runtime.info.providerAttempts.length > 0);
        assert.ok(logs.some((line) => line.includes('Embedding on the CPU')), 'the fallback must be logged');
      }
    } finally {
      await runtime.dispose();
    }
  });
});
