import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { indexedModel, locateCatalogModel } from '../../../extension/core/model/model-location.ts';

test('locateCatalogModel: a bundled id is its folder, a Hub id not downloaded needs a download, anything else is not in the catalog', () => {
  const storage = mkdtempSync(path.join(os.tmpdir(), 'model-location-'));
  try {
    const bundled = locateCatalogModel('glove-100d', { bundledModelsDirectory: '/ext/models', storageDirectory: storage });
    assert.equal(bundled.kind, 'ready');
    assert.equal(bundled.kind === 'ready' && bundled.directory, path.join('/ext/models', 'glove-100d'));
    const hub = locateCatalogModel('bge-small', { bundledModelsDirectory: '/ext/models', storageDirectory: storage, revision: '  ' });
    assert.equal(hub.kind, 'needs-download');
    assert.equal(hub.kind === 'needs-download' && hub.quantization, 'int8', 'int8 weights unless asked otherwise');
    assert.equal(hub.kind === 'needs-download' && hub.revision, hub.kind === 'needs-download' && hub.entry.revision, 'a blank revision is the catalog\'s');
    assert.deepEqual(locateCatalogModel('custom', { bundledModelsDirectory: '/ext/models', storageDirectory: storage }), { kind: 'not-in-catalog' });
    assert.deepEqual(locateCatalogModel('no-such-model', { bundledModelsDirectory: '/ext/models', storageDirectory: storage }), { kind: 'not-in-catalog' });
  } finally {
    rmSync(storage, { recursive: true, force: true });
  }
});

test('indexedModel: the folder a space was built with, only while it exists', () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'model-location-'));
  try {
    assert.deepEqual(indexedModel({ details: { modelDirectory: folder, quantization: 'fp32' } }), { modelDirectory: folder, quantization: 'fp32' });
    assert.equal(indexedModel({ details: { modelDirectory: path.join(folder, 'gone') } }), undefined);
    assert.equal(indexedModel({ details: {} }), undefined);
    assert.equal(indexedModel(undefined), undefined);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
