// The model the settings select, for every kind of catalog entry, against a temporary storage folder
// holding fake complete downloads (a download record and files of the recorded sizes).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { CATALOG, catalogEntry, type HubCatalogEntry } from '../../../extension/core/model/catalog.ts';
import { DOWNLOAD_RECORD_FILE, repositoryDirectory, type DownloadRecord } from '../../../extension/core/model/download.ts';
import type { Quantization } from '../../../extension/core/model/fingerprint.ts';
import {
  BUNDLED_MODELS,
  chooseModel,
  downloadProgressMessage,
  downloadQuestion,
  formatMegabytes,
  resolveModelDirectory,
  type ModelChoice,
  type ModelSettings,
} from '../../../extension/host/model-choice.ts';

const storage = mkdtempSync(path.join(os.tmpdir(), 'semsearch-model-choice-'));
after(() => rmSync(storage, { recursive: true, force: true }));

const locations = { extensionPath: '/ext', storageDirectory: storage, trusted: true };
const settings = (model: Partial<ModelSettings> & { name: string }) => ({ model: { path: '', pathFromWorkspace: false, ...model } });
const hub = (id: string) => catalogEntry(id) as HubCatalogEntry;

/** Writes what a complete download leaves behind: the files of the recorded sizes, then the record. */
function fakeDownload(entry: HubCatalogEntry, commit: string, quantizations: Quantization[], revision = 'main'): string {
  const directory = path.join(repositoryDirectory(storage, entry.repo), commit);
  const files = [
    { path: 'tokenizer.json', remotePath: 'tokenizer.json', content: '{"model":{}}' },
    ...quantizations.map((quantization) => ({ path: quantization === 'int8' ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx', remotePath: 'onnx/model.onnx', content: `weights ${quantization}`, quantization })),
  ];
  for (const file of files) {
    mkdirSync(path.dirname(path.join(directory, file.path)), { recursive: true });
    writeFileSync(path.join(directory, file.path), file.content);
  }
  const record: DownloadRecord = {
    schemaVersion: 1, repo: entry.repo, revision, commit, endpoint: 'https://huggingface.co', completedAt: new Date().toISOString(), quantizations, absentOptionalFiles: [],
    files: files.map(({ content, ...file }) => ({ ...file, size: Buffer.byteLength(content), sha256: '0'.repeat(64), verifiedBy: 'sha256' as const })),
  };
  writeFileSync(path.join(directory, DOWNLOAD_RECORD_FILE), JSON.stringify(record));
  return directory;
}

function needsDownload(choice: ModelChoice): Extract<ModelChoice, { kind: 'needs-download' }> {
  assert.equal(choice.kind, 'needs-download', JSON.stringify(choice));
  return choice as Extract<ModelChoice, { kind: 'needs-download' }>;
}

function problem(choice: ModelChoice): string {
  assert.equal(choice.kind, 'problem', JSON.stringify(choice));
  return (choice as { problem: string }).problem;
}

describe('chooseModel', () => {
  test('a bundled model is its folder under the extension, for every bundled id', () => {
    assert.deepEqual(BUNDLED_MODELS, ['code-static', 'use-lite', 'glove-100d']);
    for (const id of BUNDLED_MODELS) {
      const choice = chooseModel(settings({ name: id, offline: true }), locations);
      assert.ok(choice.kind === 'ready');
      assert.equal(choice.directory, path.join('/ext', 'models', id));
      assert.equal(choice.modelId, undefined);
    }
  });

  test('every Hub model not downloaded yet needs a download of about its size for the quantization, from the Hub at the catalog revision', () => {
    for (const entry of CATALOG.filter((candidate): candidate is HubCatalogEntry => candidate.kind === 'hub')) {
      for (const quantization of ['int8', 'fp32'] as const) {
        const choice = needsDownload(chooseModel(settings({ name: entry.id, quantization }), locations));
        assert.equal(choice.entry, entry);
        assert.equal(choice.quantization, quantization);
        assert.equal(choice.approximateBytes, entry.approximateBytes[quantization]);
        assert.equal(choice.revision, 'main');
        assert.equal(choice.endpoint, 'https://huggingface.co');
        assert.equal(choice.host, 'huggingface.co');
        assert.equal(choice.storageDirectory, storage);
      }
    }
  });

  test('a downloaded Hub model is its folder in the storage, named by id or by repository, with the repository as model id', () => {
    const entry = hub('minilm-l6');
    const directory = fakeDownload(entry, 'a'.repeat(40), ['int8']);
    assert.ok(directory.startsWith(path.join(storage, 'models')));
    for (const name of ['minilm-l6', 'sentence-transformers/all-MiniLM-L6-v2']) {
      const choice = chooseModel(settings({ name }), locations);
      assert.deepEqual(choice, { kind: 'ready', directory, modelId: entry.repo, entry });
    }
    assert.deepEqual(resolveModelDirectory(settings({ name: 'minilm-l6' }), '/ext', true, storage), { directory, modelId: entry.repo });
    // Offline is fine once the model is there.
    assert.equal(chooseModel(settings({ name: 'minilm-l6', offline: true }), locations).kind, 'ready');
  });

  test('a download without the configured quantization still needs one (of that quantization)', () => {
    const entry = hub('bge-small');
    const directory = fakeDownload(entry, 'b'.repeat(40), ['int8']);
    assert.equal(chooseModel(settings({ name: 'bge-small', quantization: 'int8' }), locations).kind, 'ready');
    const choice = needsDownload(chooseModel(settings({ name: 'bge-small', quantization: 'fp32' }), locations));
    assert.equal(choice.approximateBytes, entry.approximateBytes.fp32);
    assert.match(problem(chooseModel(settings({ name: 'bge-small', quantization: 'fp32', offline: true }), locations)), /not downloaded/);
    // A damaged file (not of the recorded size) makes the download incomplete.
    writeFileSync(path.join(directory, 'tokenizer.json'), '{}');
    needsDownload(chooseModel(settings({ name: 'bge-small', quantization: 'int8' }), locations));
  });

  test('the revision setting picks the download of that revision or commit; empty means the catalog revision', () => {
    const entry = hub('e5-small');
    const commit = 'c'.repeat(40);
    const directory = fakeDownload(entry, commit, ['int8']);
    assert.equal(chooseModel(settings({ name: 'e5-small', revision: '' }), locations).kind, 'ready');
    assert.equal(chooseModel(settings({ name: 'e5-small', revision: '  ' }), locations).kind, 'ready');
    assert.deepEqual(resolveModelDirectory(settings({ name: 'e5-small', revision: commit }), '/ext', true, storage), { directory, modelId: entry.repo });
    const other = needsDownload(chooseModel(settings({ name: 'e5-small', revision: 'v2.0' }), locations));
    assert.equal(other.revision, 'v2.0');
  });

  test('offline: a Hub model not downloaded is a problem that names the setting and the way out', () => {
    assert.equal(
      problem(chooseModel(settings({ name: 'nomic-v1.5', offline: true }), locations)),
      'Nomic Embed Text v1.5 is not downloaded and semanticSearch.model.offline forbids downloads. Turn it off, or pick an offline model.',
    );
  });

  test('the endpoint must be HTTPS, or plain HTTP on the loopback; a trailing slash is dropped', () => {
    const choice = needsDownload(chooseModel(settings({ name: 'jina-code', hubEndpoint: 'http://127.0.0.1:8123/' }), locations));
    assert.equal(choice.endpoint, 'http://127.0.0.1:8123');
    assert.equal(choice.host, '127.0.0.1:8123');
    assert.equal(needsDownload(chooseModel(settings({ name: 'jina-code', hubEndpoint: 'https://hf-mirror.example/' }), locations)).host, 'hf-mirror.example');
    assert.equal(needsDownload(chooseModel(settings({ name: 'jina-code', hubEndpoint: '' }), locations)).endpoint, 'https://huggingface.co');
    assert.match(problem(chooseModel(settings({ name: 'jina-code', hubEndpoint: 'http://mirror.example' }), locations)), /not HTTPS/);
    assert.match(problem(chooseModel(settings({ name: 'jina-code', hubEndpoint: 'mirror' }), locations)), /not a URL/);
  });

  test('a Hub model without a storage folder is a problem', () => {
    assert.match(problem(chooseModel(settings({ name: 'coderankembed' }), { extensionPath: '/ext', trusted: true })), /no storage folder/);
  });

  test('custom: the model path, unless an untrusted workspace names it', () => {
    assert.deepEqual(chooseModel(settings({ name: 'custom', path: '/models/bge' }), { ...locations, trusted: false }), { kind: 'ready', directory: '/models/bge' });
    assert.equal(
      problem(chooseModel(settings({ name: 'custom', path: '/evil', pathFromWorkspace: true }), { ...locations, trusted: false })),
      'This workspace is not trusted, so the model folder its settings name (semanticSearch.model.path) is not loaded. Trust the workspace, or set the model in your user settings.',
    );
    assert.deepEqual(chooseModel(settings({ name: 'custom', path: '/evil', pathFromWorkspace: true }), locations), { kind: 'ready', directory: '/evil' });
    assert.match(problem(chooseModel(settings({ name: 'custom' }), locations)), /semanticSearch\.model\.path is empty/);
  });

  test('anything else in the model name is unknown, a path included (model.path and its trust rule are the only way to a folder)', () => {
    for (const name of ['gpt-5', '/tmp/model', './model', 'someone/unknown-model']) {
      assert.match(problem(chooseModel(settings({ name }), locations)), /^Unknown model ".*"\. Choose one of code-static, use-lite, glove-100d, minilm-l6, .*custom in semanticSearch\.model\.name\.$/, name);
    }
  });

  test('resolveModelDirectory reports a Hub model that still needs a download as a problem with its size and host', () => {
    assert.deepEqual(resolveModelDirectory(settings({ name: 'glove-100d' }), '/ext', true), { directory: path.join('/ext', 'models', 'glove-100d') });
    assert.equal((resolveModelDirectory(settings({ name: 'coderankembed' }), '/ext', true, storage) as { problem: string }).problem, 'CodeRankEmbed is not downloaded yet (~140 MB from huggingface.co).');
  });
});

describe('texts', () => {
  test('megabytes: whole above 10, one decimal below, ~ for estimates', () => {
    assert.equal(formatMegabytes(24_000_000, true), '~24 MB');
    assert.equal(formatMegabytes(644_600_000), '645 MB');
    assert.equal(formatMegabytes(3_250_000), '3.3 MB');
    assert.equal(formatMegabytes(0), '0.0 MB');
  });

  test('the question names the model, its size and the host; progress reads "file — x of y MB"', () => {
    const choice = needsDownload(chooseModel(settings({ name: 'minilm-l6', quantization: 'fp32', revision: 'never-downloaded' }), locations));
    assert.equal(downloadQuestion(choice), 'Download all-MiniLM-L6-v2 (~92 MB) from huggingface.co?');
    assert.equal(downloadProgressMessage({ file: 'onnx/model.onnx', bytes: 3_250_000, totalBytes: 92_000_000, filesDone: 3, filesTotal: 5 }), 'onnx/model.onnx — 3.3 of 92 MB');
  });
});

describe('package.json', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    contributes: { configuration: Array<{ title: string; properties: Record<string, Record<string, unknown>> }> };
  };
  const model = manifest.contributes.configuration.find((section) => section.title === 'Model')!.properties;

  test('the model setting offers every catalog model in catalog order, each with a label and a description', () => {
    const name = model['semanticSearch.model.name']!;
    assert.deepEqual(name.enum, CATALOG.map((entry) => entry.id));
    assert.equal((name.enumItemLabels as string[]).length, CATALOG.length);
    assert.equal((name.markdownEnumDescriptions as string[]).length, CATALOG.length);
    CATALOG.forEach((entry, index) => {
      const description = (name.markdownEnumDescriptions as string[])[index]!;
      if (entry.kind !== 'hub') return;
      assert.ok((name.enumItemLabels as string[])[index]!.startsWith(entry.displayName), entry.id);
      assert.ok(description.includes('Downloaded from Hugging Face on first use'), entry.id);
      assert.ok(description.includes(formatMegabytes(entry.approximateBytes.int8).replace(' MB', '')) && description.includes(formatMegabytes(entry.approximateBytes.fp32)), `${entry.id}: sizes`);
    });
  });

  test('offline, endpoint and revision settings: defaults, and an endpoint only the user sets, HTTPS or loopback', () => {
    assert.deepEqual([model['semanticSearch.model.offline']!.type, model['semanticSearch.model.offline']!.default], ['boolean', false]);
    assert.deepEqual([model['semanticSearch.model.revision']!.type, model['semanticSearch.model.revision']!.default], ['string', '']);
    const endpoint = model['semanticSearch.model.hubEndpoint']!;
    assert.equal(endpoint.default, 'https://huggingface.co');
    assert.equal(endpoint.scope, 'application');
    const pattern = new RegExp(endpoint.pattern as string);
    for (const accepted of ['https://huggingface.co', 'https://hf-mirror.example/hub/', 'http://127.0.0.1:8080', 'http://localhost', 'http://[::1]:9/']) assert.match(accepted, pattern);
    for (const rejected of ['http://huggingface.co', 'ftp://mirror.example', 'http://127.0.0.1.evil.example', 'huggingface.co', '']) assert.doesNotMatch(rejected, pattern);
  });
});
