// The static-table fast path against onnxruntime on the bundled code-static model: the same vectors (to
// float rounding) and truncations, fp32 and int8; the direct tokenizer against @huggingface/tokenizers; and
// a graph that is not exactly the static one goes to onnxruntime.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Tokenizer } from '@huggingface/tokenizers';
import { EmbeddingEngine } from '../../../extension/core/embedding/engine.ts';
import type { WorkerConfiguration } from '../../../extension/core/embedding/embedding-worker-protocol.ts';
import { readStaticTable, StaticTableEmbedder } from '../../../extension/core/embedding/static-table.ts';
import { directVocabulary, ModelTokenizer } from '../../../extension/core/embedding/tokenization.ts';
import { staticTableModel } from '../../../extension/core/model/convert/code-static.ts';
import { encodeModel, type Model } from '../../../extension/core/model/onnx/graph.ts';
import { quantizeDynamic } from '../../../extension/core/model/onnx/quantize.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const MODEL = path.join(ROOT, 'models', 'code-static');
const skip = existsSync(path.join(MODEL, 'onnx', 'model_quantized.onnx')) ? false : 'models/code-static is not built (npm run models)';

/** Real text: 30-line windows of this repository's sources and README (ASCII and not), one whole file (over the window), edge cases. */
function texts(): string[] {
  const windows: string[] = [];
  for (const file of ['extension/core/embedding/engine.ts', 'extension/core/chunking/split.ts', 'README.md', 'extension/core/training/README.md']) {
    const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
    for (let start = 0; start < lines.length; start += 30) windows.push(lines.slice(start, start + 30).join('\n'));
  }
  return [
    ...windows.filter((text) => text.trim() !== ''),
    readFileSync(path.join(ROOT, 'extension/core/indexing/indexer.ts'), 'utf8'),
    'parse cookies from a header',
    'café ﬁle ２５６ 中文 Straße ΑΒΓ naïveParser HTTPServer2Go',
    '!!! ??? ...', // no token at all: a zero vector
    `${'x'.repeat(60)} ${'y'.repeat(41)}`, // only words too long for WordPiece: [UNK], a zero vector
  ];
}

function configuration(quantization: 'fp32' | 'int8', backend: 'auto' | 'onnxruntime'): WorkerConfiguration {
  return { modelDirectory: MODEL, quantization, device: 'cpu', threads: 1, maxBatchSize: 32, maxBatchTokens: 8192, backend };
}

describe('static-table fast path', { skip }, () => {
  for (const quantization of ['fp32', 'int8'] as const) {
    test(`gives onnxruntime's vectors and truncations for the bundled code-static model (${quantization})`, async () => {
      const fast = await EmbeddingEngine.load(configuration(quantization, 'auto'));
      const reference = await EmbeddingEngine.load(configuration(quantization, 'onnxruntime'));
      try {
        assert.equal(fast.info.backend, 'static-table');
        assert.equal(reference.info.backend, 'onnxruntime');
        assert.equal(fast.info.fingerprint, reference.info.fingerprint, 'the same files, the same fingerprint: indexes stay valid');
        assert.equal(fast.tokenizer.direct, true);
        const inputs = texts();
        for (const purpose of ['document', 'query'] as const) {
          const got = await fast.embed(inputs, purpose);
          const want = await reference.embed(inputs, purpose);
          assert.deepEqual(got.truncations, want.truncations);
          assert.ok(got.truncations.length >= 1, 'the whole file is over the window');
          let worst = 0;
          for (let index = 0; index < got.vectors.length; index++) worst = Math.max(worst, Math.abs(got.vectors[index]! - want.vectors[index]!));
          assert.ok(worst < 1e-5, `largest difference ${worst}`);
          const D = fast.info.manifest.dimensions;
          const zero = got.vectors.subarray((inputs.length - 1) * D, inputs.length * D);
          assert.ok(zero.every((value) => value === 0), 'a text of unknown words is a zero vector, as the graph gives');
        }
      } finally {
        await fast.dispose();
        await reference.dispose();
      }
    });
  }

  test('stops between texts when cancelled, and an empty text is an empty-input error', async () => {
    const engine = await EmbeddingEngine.load(configuration('int8', 'auto'));
    try {
      await assert.rejects(engine.embed(['a', 'b'], 'document', () => true), { name: 'AbortError' });
      await assert.rejects(engine.embed(['a', '  '], 'document'), { reason: 'empty-input' });
    } finally {
      await engine.dispose();
    }
  });

  test('the direct tokenizer gives @huggingface/tokenizers\' ids and counts on real files', () => {
    const json = JSON.parse(readFileSync(path.join(MODEL, 'tokenizer.json'), 'utf8')) as object;
    const huggingFace = new Tokenizer(json, {});
    const settings = { maxTokens: 512, queryPrefix: '', documentPrefix: '' };
    const direct = ModelTokenizer.load(MODEL, settings);
    const reference = ModelTokenizer.load(MODEL, settings, { direct: false });
    assert.equal(direct.direct, true);
    assert.equal(reference.direct, false);
    let lines = 0;
    for (const file of ['README.md', 'extension/core/training/tokenizer.ts', 'extension/core/chunking/split.ts', 'test/unit/embedding/static-table.test.ts']) {
      for (const line of readFileSync(path.join(ROOT, file), 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        lines += 1;
        assert.deepEqual(direct.encode(line, 'document'), reference.encode(line, 'document'), line);
        assert.deepEqual(direct.encode(line, 'document').ids, huggingFace.encode(line).ids.slice(0, 512), line);
        assert.equal(direct.countTokens(line), reference.countTokens(line), line);
      }
    }
    assert.ok(lines > 500);
  });

  test('a tokenizer.json that differs from the converter\'s in anything goes to @huggingface/tokenizers', () => {
    const json = JSON.parse(readFileSync(path.join(MODEL, 'tokenizer.json'), 'utf8')) as { model: { max_input_chars_per_word: number }; normalizer: { normalizers: unknown[] } };
    assert.ok(directVocabulary(json));
    assert.equal(directVocabulary({ ...json, model: { ...json.model, max_input_chars_per_word: 100 } }), undefined);
    assert.equal(directVocabulary({ ...json, normalizer: { ...json.normalizer, normalizers: json.normalizer.normalizers.slice(1) } }), undefined);
    const glove = JSON.parse(readFileSync(path.join(ROOT, 'models', 'glove-100d', 'tokenizer.json'), 'utf8')) as object;
    assert.equal(directVocabulary(glove), undefined);
  });
});

describe('readStaticTable', () => {
  const D = 8;
  const V = 600;
  const table = Float32Array.from({ length: V * D }, (_, index) => Math.sin(index * 0.37));

  test('reads the table of the converter\'s graph, fp32 and int8, and embeds as the graph does', () => {
    const float = staticTableModel(table, V, D);
    const fromFloat = readStaticTable(encodeModel(float))!;
    assert.equal(fromFloat.vocabularySize, V);
    assert.deepEqual([...fromFloat.rows], [...table]);
    const fromInt8 = readStaticTable(encodeModel(quantizeDynamic(float)))!;
    assert.ok(fromInt8.rows instanceof Int8Array && fromInt8.scales?.length === V);
    // Ids 0 and 1 ([PAD], [UNK]) do not count; a repeated id counts each time.
    const vector = new Float32Array(D);
    new StaticTableEmbedder(fromFloat).embedInto([0, 1, 5, 7, 5], vector);
    const sum = Array.from({ length: D }, (_, d) => 2 * table[5 * D + d]! + table[7 * D + d]!);
    const length = Math.hypot(...sum);
    sum.forEach((value, d) => assert.ok(Math.abs(vector[d]! - value / length) < 1e-6));
  });

  test('any other graph is not read: another constant, another op, an extra node, another model', () => {
    const tampered = (change: (model: Model) => void): Uint8Array => {
      const model = staticTableModel(table, V, D);
      change(model);
      return encodeModel(model);
    };
    assert.equal(readStaticTable(tampered((model) => model.graph.initializers.set('last_special_id', { dataType: 7, dims: [], values: BigInt64Array.of(0n) }))), undefined);
    assert.equal(readStaticTable(tampered((model) => (model.graph.nodes.find((node) => node.opType === 'Sqrt')!.opType = 'Abs'))), undefined);
    assert.equal(readStaticTable(tampered((model) => model.graph.nodes.push({ opType: 'Identity', inputs: ['sentence_embedding'], outputs: ['extra'], name: 'extra', attributes: {} }))), undefined);
    assert.equal(readStaticTable(Uint8Array.of(1, 2, 3)), undefined);
    for (const other of ['use-lite', 'glove-100d']) {
      const file = path.join(ROOT, 'models', other, 'onnx', 'model_quantized.onnx');
      if (existsSync(file)) assert.equal(readStaticTable(readFileSync(file)), undefined, other);
    }
  });
});
