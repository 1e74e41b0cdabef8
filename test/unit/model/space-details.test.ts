import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spaceDetails } from '../../../extension/core/model/space-details.ts';

test('spaceDetails reads what the indexer records', () => {
  const details = spaceDetails({ details: { modelDirectory: '/models/use-lite', quantization: 'int8', fileHashes: { 'model.onnx': 'ab' }, manifest: { id: 'use-lite' } } });
  assert.equal(details.modelDirectory, '/models/use-lite');
  assert.equal(details.quantization, 'int8');
  assert.deepEqual(details.fileHashes, { 'model.onnx': 'ab' });
  assert.equal(details.manifest?.id, 'use-lite');
});

test('spaceDetails drops fields of the wrong type (JSON written by another version)', () => {
  assert.deepEqual(spaceDetails({ details: { modelDirectory: 7, quantization: 'int4', manifest: null } }), {});
  assert.deepEqual(spaceDetails({ details: {} }), {});
});
