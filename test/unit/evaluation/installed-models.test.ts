import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { installedModels } from '../../../extension/core/evaluation/installed-models.ts';

/** A model folder holding only the ONNX files named (the listing looks no further). */
function modelFolder(directory: string, files: string[]): string {
  for (const file of files) {
    mkdirSync(path.dirname(path.join(directory, file)), { recursive: true });
    writeFileSync(path.join(directory, file), 'onnx');
  }
  return directory;
}

test('installed models: bundled ones, complete Hub downloads, a model folder and the index\'s own model; nothing that needs a download', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'semsearch-installed-'));
  const bundled = path.join(root, 'models');
  modelFolder(path.join(bundled, 'use-lite'), ['onnx/model.onnx', 'onnx/model_quantized.onnx']);
  modelFolder(path.join(bundled, 'glove-100d'), ['onnx/model.onnx']);
  const storage = path.join(root, 'storage');
  const download = modelFolder(path.join(storage, 'models', 'BAAI--bge-small-en-v1.5', 'abc123'), ['onnx/model_quantized.onnx']);
  writeFileSync(path.join(download, 'semsearch-download.json'), JSON.stringify({
    schemaVersion: 1, repo: 'BAAI/bge-small-en-v1.5', revision: 'main', commit: 'abc123', endpoint: 'https://huggingface.co',
    completedAt: '2025-01-01T00:00:00Z', quantizations: ['int8'], files: [], absentOptionalFiles: [],
  }));
  // A download that never completed (no record) is not installed.
  modelFolder(path.join(storage, 'models', 'nomic-ai--nomic-embed-text-v1.5', 'def456'), ['onnx/model_quantized.onnx']);
  const custom = modelFolder(path.join(root, 'my-model'), ['onnx/model.onnx']);

  const models = installedModels({ bundledModelsDirectory: bundled, storageDirectory: storage, customDirectory: custom, current: { directory: path.join(bundled, 'use-lite'), quantization: 'fp32' } });
  assert.deepEqual(models.map((model) => [model.name, model.source, model.quantization]), [
    ['use-lite', 'bundled', 'fp32'],
    ['glove-100d', 'bundled', 'fp32'],
    ['bge-small', 'hub', 'int8'],
    [custom, 'folder', 'fp32'],
  ], 'the index\'s model keeps its quantization; glove has only fp32; int8 is preferred elsewhere');
  assert.equal(models.find((model) => model.name === 'bge-small')!.modelId, 'BAAI/bge-small-en-v1.5');
  assert.equal(models.find((model) => model.source === 'folder')!.displayName, 'my-model');

  assert.deepEqual(installedModels({ bundledModelsDirectory: path.join(root, 'missing') }), []);
});
