import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CATALOG, catalogEntry, resolveCatalogModel, type HubCatalogEntry } from '../../../extension/core/model/catalog.ts';
import { DOWNLOAD_RECORD_FILE, type DownloadRecord } from '../../../extension/core/model/download.ts';
import { knownModelDefaults } from '../../../extension/core/model/known-models.ts';
import { loadManifest, parseManifest } from '../../../extension/core/model/manifest.ts';
import { isCoreError } from '../../../extension/core/errors.ts';

const hubEntries = CATALOG.filter((entry): entry is HubCatalogEntry => entry.kind === 'hub');

test('the catalog lists the bundled models, the six Hub models and a custom folder, with unique ids', () => {
  const ids = CATALOG.map((entry) => entry.id);
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  assert.deepEqual(ids, ['code-static', 'use-lite', 'glove-100d', 'minilm-l6', 'bge-small', 'nomic-v1.5', 'jina-code', 'e5-small', 'coderankembed', 'custom']);
  assert.deepEqual(
    hubEntries.map((entry) => entry.repo),
    [
      'sentence-transformers/all-MiniLM-L6-v2',
      'BAAI/bge-small-en-v1.5',
      'nomic-ai/nomic-embed-text-v1.5',
      'jinaai/jina-embeddings-v2-base-code',
      'intfloat/multilingual-e5-small',
      'nomic-ai/CodeRankEmbed',
    ],
  );
  assert.equal(new Set(hubEntries.map((entry) => entry.repo.toLowerCase())).size, hubEntries.length, 'repositories are unique');
});

test('every Hub entry has a complete manifest taken from the known-models table, files, ONNX names, a size and a licence', () => {
  for (const entry of hubEntries) {
    const manifest = parseManifest(entry.manifest, entry.id); // throws, naming the field, when one is missing
    assert.deepEqual(manifest, entry.manifest, `${entry.id}: the manifest has only valid fields`);
    assert.equal(manifest.id, entry.repo);
    const known = knownModelDefaults(entry.repo)!;
    for (const field of ['dimensions', 'pooling', 'maxTokens', 'displayName'] as const) assert.equal(manifest[field], known[field], `${entry.id}.${field}`);
    assert.equal(manifest.queryPrefix, known.queryPrefix ?? '');
    assert.equal(manifest.documentPrefix, known.documentPrefix ?? '');
    assert.equal(entry.revision, 'main');
    assert.ok(['config.json', 'tokenizer.json', 'tokenizer_config.json'].every((file) => entry.files.some((listed) => listed.path === file && !listed.optional)), `${entry.id}: required files`);
    assert.ok(['special_tokens_map.json', '1_Pooling/config.json', 'config_sentence_transformers.json'].every((file) => entry.files.some((listed) => listed.path === file && listed.optional)), `${entry.id}: optional files`);
    assert.equal(entry.onnx.fp32[0], 'onnx/model.onnx');
    assert.ok(entry.onnx.int8.includes('onnx/model_quantized.onnx'));
    assert.ok(entry.approximateBytes.int8 > 0 && entry.approximateBytes.fp32 > entry.approximateBytes.int8, `${entry.id}: sizes`);
    assert.ok(entry.license.length > 0 && entry.license === manifest.license, `${entry.id}: licence`);
    assert.ok(entry.description.length > 0);
  }
});

test('only nomic-embed-text-v1.5 is Matryoshka, with dimensions it can be cut to', () => {
  const matryoshka = hubEntries.filter((entry) => entry.manifest.matryoshka);
  assert.deepEqual(matryoshka.map((entry) => entry.id), ['nomic-v1.5']);
  const dimensions = matryoshka[0]!.manifest.matryoshkaDimensions!;
  assert.ok(dimensions.includes(matryoshka[0]!.manifest.dimensions) && dimensions.every((value) => value <= 768));
  assert.ok(hubEntries.filter((entry) => !entry.manifest.matryoshka).every((entry) => entry.manifest.matryoshkaDimensions === undefined));
});

test('entries are found by id or by repository in any case', () => {
  assert.equal(catalogEntry('bge-small')?.kind, 'hub');
  assert.equal(catalogEntry('BAAI/bge-small-en-v1.5')?.id, 'bge-small');
  assert.equal(catalogEntry('nomic-ai/coderankembed')?.id, 'coderankembed');
  assert.equal(catalogEntry('use-lite')?.kind, 'bundled');
  assert.equal(catalogEntry('nope'), undefined);
});

test('the bundled models carry their manifest in their folder', { skip: !existsSync('models/use-lite') && 'offline models not built (npm run models)' }, () => {
  for (const entry of CATALOG.filter((candidate) => candidate.kind === 'bundled')) {
    const resolved = resolveCatalogModel(entry.id, os.tmpdir(), { bundledModelsDirectory: path.resolve('models') });
    assert.equal(resolved.kind, 'bundled');
    assert.equal(loadManifest(resolved.directory!).manifest.id, entry.id);
  }
});

test('resolveCatalogModel says where a model is or would be', () => {
  const storage = mkdtempSync(path.join(os.tmpdir(), 'semsearch-catalog-'));
  const bundled = resolveCatalogModel('glove-100d', storage, { bundledModelsDirectory: '/opt/extension/models' });
  assert.deepEqual(bundled.kind === 'bundled' && bundled.directory, path.join('/opt/extension/models', 'glove-100d'));

  const hub = resolveCatalogModel('bge-small', storage);
  assert.ok(hub.kind === 'hub');
  assert.equal(hub.repositoryDirectory, path.join(storage, 'models', 'BAAI--bge-small-en-v1.5'));
  assert.equal(hub.directory, undefined, 'not downloaded yet');

  // A complete download (record + files of the recorded sizes) is found, for the quantizations it holds.
  const commit = 'a'.repeat(40);
  const directory = path.join(hub.repositoryDirectory, commit);
  mkdirSync(path.join(directory, 'onnx'), { recursive: true });
  writeFileSync(path.join(directory, 'onnx', 'model_quantized.onnx'), 'weights');
  const record: DownloadRecord = {
    schemaVersion: 1, repo: 'BAAI/bge-small-en-v1.5', revision: 'main', commit, endpoint: 'https://huggingface.co', completedAt: new Date().toISOString(),
    quantizations: ['int8'], absentOptionalFiles: [],
    files: [{ path: 'onnx/model_quantized.onnx', remotePath: 'onnx/model_quantized.onnx', size: 7, sha256: 'x'.repeat(64), verifiedBy: 'sha256', quantization: 'int8' }],
  };
  writeFileSync(path.join(directory, DOWNLOAD_RECORD_FILE), JSON.stringify(record));
  const found = resolveCatalogModel('BAAI/bge-small-en-v1.5', storage, { quantization: 'int8' });
  assert.ok(found.kind === 'hub' && found.directory === directory && found.commit === commit);
  const otherQuantization = resolveCatalogModel('bge-small', storage, { quantization: 'fp32' });
  assert.ok(otherQuantization.kind === 'hub' && otherQuantization.directory === undefined);
  writeFileSync(path.join(directory, 'onnx', 'model_quantized.onnx'), 'trunc');
  const damaged = resolveCatalogModel('bge-small', storage);
  assert.ok(damaged.kind === 'hub' && damaged.directory === undefined, 'a file of the wrong size makes the download incomplete');

  const custom = resolveCatalogModel(storage, storage);
  assert.deepEqual(custom, { kind: 'custom', directory: storage });
  for (const [input, pattern] of [['no-such-model', /Unknown model "no-such-model".*bge-small/], ['custom', /"custom" without a folder/], ['./missing-folder', /does not exist/]] as const) {
    assert.throws(() => resolveCatalogModel(input, storage), (error: unknown) => isCoreError(error, 'model') && error.reason === 'model-missing' && pattern.test(error.message));
  }
});
