import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BINARY_THRESHOLD_SHARE,
  binaryCode,
  binaryThresholds,
  calibrateInt8,
  cosineSimilarity,
  dequantizeInt8,
  hammingDistance,
  int8CosineSimilarity,
  meanVector,
  quantizeInt8,
  rescore,
  truncateAndNormalize,
} from '../../../extension/core/store/quantization.ts';
import { clusteredVectors, seededRandom } from './vectors.ts';

test('Matryoshka truncation keeps the prefix direction at unit length', () => {
  const [vector] = clusteredVectors({ count: 1, dimensions: 64, seed: 1 });
  const truncated = truncateAndNormalize(vector!, 16);
  assert.equal(truncated.length, 16);
  assert.ok(Math.abs(Math.hypot(...truncated) - 1) < 1e-6);
  const ratio = truncated[0]! / vector![0]!;
  for (let index = 0; index < 16; index++) assert.ok(Math.abs(truncated[index]! - vector![index]! * ratio) < 1e-6, 'a rescaled prefix');
  assert.deepEqual([...truncateAndNormalize(truncated, 16)].map((value) => value.toFixed(6)), [...truncated].map((value) => value.toFixed(6)), 'truncating again changes nothing');
  assert.throws(() => truncateAndNormalize(vector!, 65), RangeError);
});

test('int8 round trip: every calibrated value comes back within half a step of its dimension', () => {
  const dimensions = 48;
  const sample = clusteredVectors({ count: 500, dimensions, seed: 2 });
  const quantizer = calibrateInt8(sample, dimensions);
  for (const vector of sample) {
    const codes = quantizeInt8(vector, quantizer);
    const restored = dequantizeInt8(codes, quantizer);
    for (let index = 0; index < dimensions; index++) {
      assert.ok(codes[index]! >= -127 && codes[index]! <= 127);
      assert.ok(Math.abs(restored[index]! - vector[index]!) <= quantizer.scale[index]! / 2 + 1e-7, `dimension ${index}: error within half a step`);
    }
  }
  // The step of a dimension is its sample range over 254 levels.
  const low = Math.min(...sample.map((vector) => vector[3]!));
  const high = Math.max(...sample.map((vector) => vector[3]!));
  assert.ok(Math.abs(quantizer.scale[3]! - (high - low) / 254) < 1e-7);
  // The cosine of the float query and the codes is the cosine with the dequantized vector, and close to the exact one.
  const query = clusteredVectors({ count: 1, dimensions, seed: 3 })[0]!;
  for (const vector of sample.slice(0, 50)) {
    const codes = quantizeInt8(vector, quantizer);
    const approximate = int8CosineSimilarity(query, codes, quantizer);
    assert.ok(Math.abs(approximate - cosineSimilarity(query, dequantizeInt8(codes, quantizer))) < 1e-5);
    assert.ok(Math.abs(approximate - cosineSimilarity(query, vector)) < 0.01, 'int8 cosine within 0.01 of float32');
  }
});

test('int8 clamps values outside the calibrated range, and a constant dimension is harmless', () => {
  const sample = [Float32Array.of(0.1, 0.5), Float32Array.of(0.3, 0.5)];
  const quantizer = calibrateInt8(sample, 2);
  const codes = quantizeInt8(Float32Array.of(9, -9), quantizer);
  assert.deepEqual([...codes], [127, -127]);
  const restored = dequantizeInt8(codes, quantizer);
  assert.ok(Math.abs(restored[0]! - 0.3) < 1e-6, 'clamped to the top of the range');
  assert.ok(Number.isFinite(restored[1]!));
  assert.ok(Math.abs(dequantizeInt8(quantizeInt8(Float32Array.of(0.2, 0.5), quantizer), quantizer)[1]! - 0.5) < 1e-6);
});

test('binary codes set the bits of dimensions above their thresholds, packed least significant bit first', () => {
  const thresholds = Float32Array.from({ length: 16 }, () => 0.1);
  const vector = Float32Array.from({ length: 16 }, (_, index) => (index % 3 === 0 ? 0.5 : -0.5));
  const code = binaryCode(vector, thresholds);
  assert.equal(code.length, 2);
  for (let index = 0; index < 16; index++) assert.equal((code[index >> 3]! >> (index & 7)) & 1, index % 3 === 0 ? 1 : 0);
  assert.equal(hammingDistance(code, code), 0);
  const flipped = binaryCode(vector.map((value) => -value), thresholds);
  assert.equal(hammingDistance(code, flipped), 16);
  // Only the side of the threshold counts: a vector just above it everywhere is all ones.
  assert.deepEqual([...binaryCode(thresholds.map((value) => value + 1e-3), thresholds)], [255, 255]);
  const sample = clusteredVectors({ count: 200, dimensions: 32, seed: 5 });
  const mean = meanVector(sample, 32);
  const split = binaryThresholds(mean);
  for (let index = 0; index < 32; index++) assert.ok(Math.abs(split[index]! - BINARY_THRESHOLD_SHARE * mean[index]!) < 1e-7);
  const [a, b] = [sample[0]!, sample[1]!];
  const differing = [...a].filter((value, index) => value > split[index]! !== b[index]! > split[index]!).length;
  assert.equal(hammingDistance(binaryCode(a, split), binaryCode(b, split)), differing);
});

test('rescoring orders candidates exactly by the exact score, ties in candidate order', () => {
  const next = seededRandom(9);
  const candidates = Array.from({ length: 50 }, (_, id) => ({ id, score: Math.round(next() * 20) / 20 }));
  const best = rescore(candidates, (candidate) => candidate.score, 10);
  const expected = [...candidates].sort((a, b) => b.score - a.score || a.id - b.id).slice(0, 10);
  assert.deepEqual(best.map((entry) => entry.item.id), expected.map((entry) => entry.id));
  assert.deepEqual(best.map((entry) => entry.similarity), expected.map((entry) => entry.score));
});
