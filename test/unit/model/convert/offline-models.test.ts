// The build cache of `npm run models`: a model is skipped only when its key matches and every file the build
// wrote is still there, unchanged. Issue 15 item 6: deleting the built ONNX files used to print "up to date".
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ensureOfflineModel, isUpToDate, staleReason, type OfflineModel } from '../../../../extension/core/model/convert/offline-models.ts';

/** A model whose build writes the Hugging Face layout with small files, staged and renamed in like the real ones. */
function fakeModel(): OfflineModel & { builds: number } {
  const model = {
    name: 'fake',
    sourcePackages: [],
    builds: 0,
    build: async (outputDirectory: string) => {
      model.builds += 1;
      const staging = `${outputDirectory}.partial`;
      await rm(staging, { recursive: true, force: true });
      await mkdir(path.join(staging, 'onnx'), { recursive: true });
      await writeFile(path.join(staging, 'onnx', 'model.onnx'), 'full-precision weights');
      await writeFile(path.join(staging, 'onnx', 'model_quantized.onnx'), 'int8 weights');
      await writeFile(path.join(staging, 'tokenizer.json'), '{"model":{"vocab":["a","b"]}}\n');
      await writeFile(path.join(staging, 'config.json'), '{}\n');
      await rm(outputDirectory, { recursive: true, force: true });
      await rename(staging, outputDirectory);
    },
  };
  return model;
}

describe('offline model build cache', () => {
  let modelsDirectory: string;
  let model: ReturnType<typeof fakeModel>;
  let folder: string;
  beforeEach(async () => {
    modelsDirectory = await mkdtemp(path.join(os.tmpdir(), 'semsearch-models-'));
    model = fakeModel();
    folder = path.join(modelsDirectory, model.name);
    assert.deepEqual(await ensureOfflineModel(model, modelsDirectory), { built: true, reason: 'no build record' });
  });
  afterEach(async () => {
    await rm(modelsDirectory, { recursive: true, force: true });
  });

  test('an intact build is up to date and not built again', async () => {
    assert.equal(isUpToDate(model, folder), true);
    assert.deepEqual(await ensureOfflineModel(model, modelsDirectory), { built: false });
    assert.equal(model.builds, 1);
  });

  for (const file of ['onnx/model.onnx', 'onnx/model_quantized.onnx', 'tokenizer.json', 'config.json']) {
    test(`a deleted ${file} is rebuilt`, async () => {
      await rm(path.join(folder, file));
      assert.equal(staleReason(model, folder), `${file} is missing`);
      assert.deepEqual(await ensureOfflineModel(model, modelsDirectory), { built: true, reason: `${file} is missing` });
      assert.equal(model.builds, 2);
      assert.equal(isUpToDate(model, folder), true);
    });
  }

  test('a deleted onnx folder is rebuilt', async () => {
    await rm(path.join(folder, 'onnx'), { recursive: true });
    assert.equal((await ensureOfflineModel(model, modelsDirectory)).built, true);
    assert.equal(readFileSync(path.join(folder, 'onnx', 'model.onnx'), 'utf8'), 'full-precision weights');
  });

  test('a truncated file is rebuilt', async () => {
    await truncate(path.join(folder, 'onnx', 'model.onnx'), 4);
    assert.match(staleReason(model, folder) ?? '', /^onnx\/model\.onnx has 4 bytes, the build wrote 22$/);
    assert.equal((await ensureOfflineModel(model, modelsDirectory)).built, true);
    assert.equal(readFileSync(path.join(folder, 'onnx', 'model.onnx'), 'utf8'), 'full-precision weights');
  });

  test('a file changed in place to the same size is rebuilt (the hash is checked, not only the size)', async () => {
    writeFileSync(path.join(folder, 'onnx', 'model_quantized.onnx'), 'INT8 WEIGHTS');
    assert.equal(staleReason(model, folder), 'onnx/model_quantized.onnx differs from what the build wrote');
    assert.equal((await ensureOfflineModel(model, modelsDirectory)).built, true);
  });

  test('a missing, damaged or older-format stamp means a rebuild', async () => {
    const stamp = path.join(folder, '.build-stamp.json');
    for (const text of [undefined, '{"key":', 'deb73c5eb2cab7bc137f818cf5715112056bfba4a635530ec6bf2351061a4b1d\n']) {
      if (text === undefined) await rm(stamp);
      else writeFileSync(stamp, text);
      assert.equal(staleReason(model, folder), 'no build record');
      assert.equal((await ensureOfflineModel(model, modelsDirectory)).built, true);
    }
  });

  test('a changed key (sources or converter) means a rebuild', async () => {
    const stamp = path.join(folder, '.build-stamp.json');
    const record = JSON.parse(readFileSync(stamp, 'utf8')) as { key: string };
    writeFileSync(stamp, JSON.stringify({ ...record, key: 'other' }));
    assert.equal(staleReason(model, folder), 'its sources or converter changed');
  });

  test('--force rebuilds an intact folder', async () => {
    assert.deepEqual(await ensureOfflineModel(model, modelsDirectory, true), { built: true, reason: 'forced' });
  });

  test('the stamp records every built file with its size and SHA-256', () => {
    const record = JSON.parse(readFileSync(path.join(folder, '.build-stamp.json'), 'utf8')) as { files: Record<string, { size: number; sha256: string }> };
    assert.deepEqual(Object.keys(record.files), ['config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx', 'tokenizer.json']);
    assert.equal(record.files['onnx/model.onnx']?.size, 22);
    assert.match(record.files['onnx/model.onnx']?.sha256 ?? '', /^[0-9a-f]{64}$/);
  });
});
