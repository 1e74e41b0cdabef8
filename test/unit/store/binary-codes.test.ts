import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinaryCodes } from '../../../extension/core/store/binary-codes.ts';
import { hammingDistance } from '../../../extension/core/store/quantization.ts';
import { seededRandom } from './vectors.ts';

function randomCode(next: () => number, bytes: number): Uint8Array {
  return Uint8Array.from({ length: bytes }, () => Math.floor(next() * 256));
}

/** Brute force: every live code by distance, then id. */
function reference(codes: Map<number, Uint8Array>, query: Uint8Array): { id: number; distance: number }[] {
  return [...codes].map(([id, code]) => ({ id, distance: hammingDistance(code, query) })).sort((a, b) => a.distance - b.distance || a.id - b.id);
}

test('the in-memory Hamming scan equals a brute-force reference, through removals and compaction', () => {
  const next = seededRandom(31);
  const bits = 100; // not a multiple of 32: the padding must not count
  const codes = new BinaryCodes(bits, 4);
  const live = new Map<number, Uint8Array>();
  for (let id = 1; id <= 5000; id++) {
    const code = randomCode(next, 13);
    code[12]! &= 0x0f; // 100 bits: the top 4 bits of the last byte are padding, always zero
    assert.ok(codes.add(id, code));
    live.set(id, code);
  }
  for (let id = 1; id <= 5000; id += 3) {
    assert.ok(codes.remove(id));
    live.delete(id);
  }
  assert.equal(codes.remove(1), false, 'already removed');
  assert.equal(codes.size, live.size);
  for (let round = 0; round < 5; round++) {
    const query = randomCode(next, 13);
    query[12]! &= 0x0f;
    for (const candidates of [1, 37, 500]) {
      assert.deepEqual(codes.nearest(query, candidates), reference(live, query).slice(0, candidates));
    }
  }
  assert.deepEqual(codes.nearest(randomCode(next, 13), 10_000).length, live.size, 'asking for more than there are returns all');
});

test('a removed largest id given again to a new row is found, and ids out of order are refused', () => {
  const codes = new BinaryCodes(8);
  codes.add(1, Uint8Array.of(0b0000_0001));
  codes.add(2, Uint8Array.of(0b0000_0011));
  codes.remove(2);
  assert.ok(codes.add(2, Uint8Array.of(0b1111_1111)), 'SQLite reuses the largest id after it was deleted');
  assert.deepEqual(codes.nearest(Uint8Array.of(0b1111_1111), 1), [{ id: 2, distance: 0 }]);
  assert.ok(codes.remove(2));
  assert.deepEqual(codes.nearest(Uint8Array.of(0b1111_1111), 5), [{ id: 1, distance: 7 }]);
  assert.equal(codes.add(0, Uint8Array.of(0)), false);
});
