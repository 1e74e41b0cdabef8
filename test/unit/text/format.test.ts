// The number formats shared by the core, the CLI and the panel (extension/core/text/format.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatCount, plural } from '../../../extension/core/text/format.ts';

test('formatCount rounds and separates thousands', () => {
  assert.deepEqual([formatCount(0), formatCount(999), formatCount(3100), formatCount(1234567.6)], ['0', '999', '3,100', '1,234,568']);
});

test('plural picks the noun by count, with a regular plural unless told', () => {
  assert.deepEqual(
    [plural(1, 'query', 'queries'), plural(12, 'query', 'queries'), plural(0, 'file'), plural(1, 'file'), plural(3100, 'file')],
    ['1 query', '12 queries', '0 files', '1 file', '3,100 files'],
  );
});

test('formatBytes writes bytes per vector', () => {
  assert.deepEqual([formatBytes(96), formatBytes(3072), formatBytes(1.5)], ['96 B', '3,072 B', '1.5 B']);
});
