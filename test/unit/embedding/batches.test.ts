import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planBatches } from '../../../extension/core/embedding/engine.ts';
import { seededRandom } from './synthetic-models.ts';

test('batches cover every text once, respect the size and token limits, and group similar lengths', () => {
  const random = seededRandom(3);
  const lengths = Array.from({ length: 500 }, () => 1 + Math.floor(random() * 300));
  const batches = planBatches(lengths, 32, 4096);
  const seen = batches.flat().sort((a, b) => a - b);
  assert.deepEqual(seen, lengths.map((_, index) => index));
  for (const batch of batches) {
    assert.ok(batch.length <= 32);
    const longest = Math.max(...batch.map((index) => lengths[index]!));
    assert.ok(batch.length === 1 || batch.length * longest <= 4096, 'padded tokens over budget');
  }
  // Sorting by length keeps padding small: the padded total stays close to the real total.
  const padded = batches.reduce((sum, batch) => sum + batch.length * Math.max(...batch.map((index) => lengths[index]!)), 0);
  const real = lengths.reduce((sum, length) => sum + length, 0);
  assert.ok(padded < real * 1.1, `padding overhead ${(padded / real).toFixed(2)}x`);
});

test('a text longer than the token budget still gets a batch of its own', () => {
  assert.deepEqual(planBatches([10, 5000, 12], 32, 100), [[0, 2], [1]]);
});
