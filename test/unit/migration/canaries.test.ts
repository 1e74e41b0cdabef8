import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import { CANARY_TEXTS_HASH, canaryDrift } from '../../../extension/core/migration/canaries.ts';
import type { Quantization } from '../../../extension/core/model/fingerprint.ts';
import { offlineModel } from '../../helpers/models.ts';
import { writeCorpus } from '../indexing/corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';

test('canaries are recorded per fingerprint, stable on reopen, and a drift under the same fingerprint is reported', async () => {
  const root = writeCorpus({ 'a.ts': 'export const a = 1;\n' });
  const databasePath = temporaryDatabasePath();
  const logs: string[] = [];
  const open = (quantization: Quantization) =>
    FolderIndex.open({ root, databasePath, modelDirectory: offlineModel('use-lite'), quantization, device: 'cpu', threads: 1, log: (_level, message) => logs.push(message) });

  const first = await open('fp32');
  assert.equal(first.canaries?.status, 'recorded');
  const fingerprint = first.runtime.info.fingerprint;
  await first.close();

  const second = await open('fp32');
  assert.equal(second.canaries?.status, 'stable');
  // Pretend the stored canaries came from a runtime that computed slightly other vectors.
  const stored = second.store.canaries(fingerprint)!;
  const original = stored.vectors;
  second.store.saveCanaries(fingerprint, CANARY_TEXTS_HASH, stored.vectors.map((vector) => vector.map((value, index) => (index % 2 === 0 ? value + 0.05 : value - 0.05))));
  await second.close();

  const third = await open('fp32');
  try {
    assert.equal(third.canaries?.status, 'drifted');
    assert.ok(logs.some((line) => /computes other vectors/.test(line)), 'the drift is logged with what to do');
    third.store.saveCanaries(fingerprint, CANARY_TEXTS_HASH, original);
  } finally {
    await third.close();
  }

  const quantized = await open('int8');
  try {
    assert.equal(quantized.canaries?.status, 'recorded');
    const drift = canaryDrift(quantized.store, fingerprint, quantized.runtime.info.fingerprint)!;
    assert.ok(drift > 0 && drift < 0.01, `fp32 → int8 canary drift ${drift}: close but not equal`);
  } finally {
    await quantized.close();
  }
});
