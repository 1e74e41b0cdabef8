import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fingerprintModel, type Quantization } from '../../../extension/core/model/fingerprint.ts';
import { loadManifest, type ModelManifest } from '../../../extension/core/model/manifest.ts';
import { buildSyntheticModel } from '../embedding/synthetic-models.ts';

async function fingerprintOf(directory: string, manifest?: ModelManifest, quantization: Quantization = 'fp32'): Promise<string> {
  const { id } = await fingerprintModel({
    manifest: manifest ?? loadManifest(directory).manifest,
    quantization,
    files: {
      onnx: path.join(directory, 'onnx', quantization === 'fp32' ? 'model.onnx' : 'model_quantized.onnx'),
      'tokenizer.json': path.join(directory, 'tokenizer.json'),
      'tokenizer_config.json': path.join(directory, 'tokenizer_config.json'),
    },
  });
  return id;
}

test('the fingerprint changes with every input that changes vectors, and with nothing else', async () => {
  const directory = buildSyntheticModel({ name: 'bge-small-en-v1.5', poolingFile: 'cls' });
  const base = await fingerprintOf(directory);
  assert.match(base, /^[0-9a-f]{32}$/);
  assert.equal(await fingerprintOf(directory), base, 'stable across runs');

  // Same files and manifest in another folder: same vector space.
  const manifest = loadManifest(directory).manifest;
  const moved = path.join(path.dirname(directory), 'elsewhere');
  cpSync(directory, moved, { recursive: true });
  assert.equal(await fingerprintOf(moved, manifest), base);

  assert.equal(await fingerprintOf(directory, { ...manifest, displayName: 'Renamed', license: 'other', source: 'x' }), base, 'display fields do not count');
  assert.notEqual(await fingerprintOf(directory, undefined, 'int8'), base, 'quantization counts');
  for (const change of [{ pooling: 'mean' as const }, { normalize: false }, { maxTokens: 128 }, { queryPrefix: 'q: ' }, { documentPrefix: 'd: ' }, { dimensions: 8 }, { output: 'other' }, { revision: '0123abc' }]) {
    assert.notEqual(await fingerprintOf(directory, { ...manifest, ...change }), base, `${JSON.stringify(change)} counts`);
  }

  // One byte of the weights or of the tokenizer.
  const onnxPath = path.join(moved, 'onnx', 'model.onnx');
  const onnx = readFileSync(onnxPath);
  onnx[onnx.length - 1] ^= 1;
  writeFileSync(onnxPath, onnx);
  assert.notEqual(await fingerprintOf(moved, manifest), base, 'the ONNX bytes count');
  const other = path.join(path.dirname(directory), 'tokenizer-changed');
  cpSync(directory, other, { recursive: true });
  const tokenizerPath = path.join(other, 'tokenizer.json');
  writeFileSync(tokenizerPath, readFileSync(tokenizerPath, 'utf8').replace('"lowercase":true', '"lowercase":false'));
  assert.notEqual(await fingerprintOf(other, manifest), base, 'the tokenizer counts');
});
