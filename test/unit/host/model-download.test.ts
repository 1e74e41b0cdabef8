// ensureModel against a fake `vscode` module (./fake-vscode-download.ts) and a Hub-like server on
// 127.0.0.1: the question before a download, its progress, cancel and resume, errors with Retry, and
// the settings that turn downloads off. node:test runs each file in its own process, so the module
// mapping does not leak into other tests.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { registerHooks } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { catalogEntry, type HubCatalogEntry } from '../../../extension/core/model/catalog.ts';
import { DOWNLOAD_RECORD_FILE, repositoryDirectory } from '../../../extension/core/model/download.ts';
import * as fake from './fake-vscode-download.ts';

const fakeUrl = new URL('./fake-vscode-download.ts', import.meta.url).href;
registerHooks({
  resolve: (specifier, context, nextResolve) => (specifier === 'vscode' ? { url: fakeUrl, shortCircuit: true } : nextResolve(specifier, context)),
});
const { ensureModel, modelNeedsDownload } = await import('../../../extension/host/model-download.ts');
const { REINDEX_KEYS, readSettings } = await import('../../../extension/host/configuration.ts');

const ENTRY = catalogEntry('minilm-l6') as HubCatalogEntry;
const COMMIT = createHash('sha1').update('minilm commit').digest('hex');
const ONNX = 'onnx/model_quantized.onnx';
const ONNX_BYTES = 2_000_000;
const FILES = new Map<string, Buffer>([
  ['config.json', Buffer.from('{"hidden_size":384}')],
  ['tokenizer.json', Buffer.from('{"model":{"type":"WordPiece"}}')],
  ['tokenizer_config.json', Buffer.from('{}')],
  [ONNX, Buffer.alloc(ONNX_BYTES, 7)],
]);

/** A Hub-like server for one repository and one commit: HEAD gives size, commit and ETag; GET honours `Range: bytes=N-`. */
class FakeHub {
  readonly requests: Array<{ method: string; url: string; range: string | undefined }> = [];
  /** Answers every request with this status when set (e.g. 403, a gated repository). */
  status: number | undefined;
  /** Sends only the first half of the ONNX file, then holds the connection open. */
  stall = false;
  private readonly server = http.createServer((request, response) => this.handle(request, response));

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  reset(): void {
    this.requests.length = 0;
    this.status = undefined;
    this.stall = false;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    this.requests.push({ method: request.method ?? 'GET', url: request.url ?? '/', range: request.headers.range });
    if (this.status) return void response.writeHead(this.status).end();
    const match = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(request.url ?? '');
    if (!match || match[1] !== ENTRY.repo) return void response.writeHead(404, { 'x-error-code': 'RepoNotFound' }).end();
    const file = match[3]!.split('/').map(decodeURIComponent).join('/');
    const content = FILES.get(file);
    if (!content) return void response.writeHead(404, { 'x-error-code': 'EntryNotFound', 'x-repo-commit': COMMIT }).end();
    const headers = { 'x-repo-commit': COMMIT, etag: `"${createHash('sha256').update(content).digest('hex')}"`, 'accept-ranges': 'bytes' };
    if (request.method === 'HEAD') return void response.writeHead(200, { ...headers, 'content-length': String(content.length) }).end();
    const start = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? '')?.[1] ?? 0);
    const body = content.subarray(start);
    response.writeHead(start > 0 ? 206 : 200, { ...headers, 'content-length': String(body.length), ...(start > 0 ? { 'content-range': `bytes ${start}-${content.length - 1}/${content.length}` } : {}) });
    if (this.stall && file === ONNX) return void response.write(body.subarray(0, ONNX_BYTES / 2)); // and never ends
    response.end(body);
  }
}

const hub = new FakeHub();
let storage = '';
const log = { lines: [] as string[], info(message: string) { this.lines.push(message); }, warn(message: string) { this.lines.push(message); } };
const settings = (model: Record<string, unknown> = {}) => ({ model: { name: 'minilm-l6', path: '', pathFromWorkspace: false, quantization: 'int8' as const, hubEndpoint: hub.endpoint, ...model } });
const options = () => ({ extensionPath: '/ext', storageDirectory: storage, trusted: true, log });
const downloadFolder = () => path.join(repositoryDirectory(storage, ENTRY.repo), COMMIT);

before(() => hub.start());
after(() => hub.close());
beforeEach(() => {
  hub.reset();
  fake.resetFake();
  log.lines.length = 0;
  storage = mkdtempSync(path.join(os.tmpdir(), 'semsearch-ensure-model-'));
  storages.push(storage);
});
const storages: string[] = [];
after(() => {
  for (const directory of storages) rmSync(directory, { recursive: true, force: true });
});

describe('ensureModel', () => {
  test('a bundled model needs no question and no download', async () => {
    assert.deepEqual(await ensureModel(settings({ name: 'use-lite' }), options()), { directory: path.join('/ext', 'models', 'use-lite') });
    assert.equal(fake.recorded.messages.length, 0);
    assert.equal(hub.requests.length, 0);
  });

  test('offline: a Hub model not downloaded is a problem, without asking or any request', async () => {
    const result = await ensureModel(settings({ offline: true }), options());
    assert.deepEqual(result, { problem: 'all-MiniLM-L6-v2 is not downloaded and semanticSearch.model.offline forbids downloads. Turn it off, or pick an offline model.' });
    assert.equal(fake.recorded.messages.length, 0);
    assert.equal(hub.requests.length, 0);
  });

  test('asks once, downloads with "file — x of y MB" progress in a cancellable notification, and returns the commit folder', async () => {
    fake.script.answer = () => 'Download';
    assert.equal(modelNeedsDownload(settings(), options()), true);
    const result = await ensureModel(settings(), options());
    assert.deepEqual(result, { directory: downloadFolder(), modelId: ENTRY.repo });
    assert.ok(existsSync(path.join(downloadFolder(), DOWNLOAD_RECORD_FILE)));
    assert.equal(modelNeedsDownload(settings(), options()), false);

    assert.deepEqual(fake.recorded.messages, [{ severity: 'information', message: `Download all-MiniLM-L6-v2 (~24 MB) from ${new URL(hub.endpoint).host}?`, items: ['Download', 'Pick Another Model'] }]);
    const [progress] = fake.recorded.progress;
    assert.deepEqual(progress!.options, { location: fake.ProgressLocation.Notification, title: 'Downloading all-MiniLM-L6-v2', cancellable: true });
    assert.ok(progress!.reports.some((report) => report.message === `${ONNX} — 2.0 of 2.0 MB`), JSON.stringify(progress!.reports));
    assert.ok(progress!.reports.every((report) => /^\S+ — [\d.]+ of 2\.0 MB$/.test(report.message ?? '')));
    const total = progress!.reports.reduce((sum, report) => sum + (report.increment ?? 0), 0);
    assert.ok(total > 99.9 && total <= 100.0001, `increments add up to 100 (${total})`);
    assert.ok(log.lines.some((line) => line.includes(COMMIT)), 'the log names the commit');

    // Downloaded: the next call asks nothing and sends no request.
    hub.requests.length = 0;
    assert.deepEqual(await ensureModel(settings(), options()), { directory: downloadFolder(), modelId: ENTRY.repo });
    assert.equal(fake.recorded.messages.length, 1);
    assert.equal(hub.requests.length, 0);
  });

  test('callers that need the same download while it is asked about or running share one question and one download', async () => {
    let answer: (value: string) => void = () => {};
    fake.script.answer = () => new Promise((resolve) => (answer = resolve));
    const first = ensureModel(settings(), options());
    const second = ensureModel(settings({ revision: '' }), options());
    await delay(10);
    answer('Download');
    const results = await Promise.all([first, second]);
    assert.deepEqual(results[0], results[1]);
    assert.equal(fake.recorded.messages.length, 1);
    assert.equal(fake.recorded.progress.length, 1);
  });

  test('"Pick Another Model" opens the model setting and downloads nothing; closing the question downloads nothing either', async () => {
    fake.script.answer = () => 'Pick Another Model';
    const picked = await ensureModel(settings(), options());
    assert.ok('problem' in picked && picked.shown === true);
    assert.deepEqual(fake.recorded.commands, [['workbench.action.openSettings', 'semanticSearch.model.name']]);

    fake.script.answer = () => undefined;
    const closed = await ensureModel(settings(), options());
    assert.ok('problem' in closed && !closed.shown, 'the caller shows it');
    assert.match(closed.problem, /^all-MiniLM-L6-v2 is not downloaded/);
    assert.equal(hub.requests.length, 0);
  });

  test('cancel stops the download and keeps the partial file; the next download resumes it', async () => {
    fake.script.answer = () => 'Download';
    hub.stall = true;
    fake.script.onProgress = (record) => {
      // Press Cancel once half the ONNX file is on disk.
      const partial = path.join(downloadFolder(), `${ONNX}.partial`);
      const timer = setInterval(() => {
        if (existsSync(partial) && statSync(partial).size === ONNX_BYTES / 2) {
          clearInterval(timer);
          record.cancel();
        }
      }, 5);
    };
    const cancelled = await ensureModel(settings(), options());
    assert.ok('problem' in cancelled && cancelled.shown === true);
    assert.match(cancelled.problem, /cancelled\. What arrived is kept/);
    assert.equal(fake.recorded.messages.filter((message) => message.severity === 'error').length, 0, 'a cancel is not an error');
    assert.equal(statSync(path.join(downloadFolder(), `${ONNX}.partial`)).size, ONNX_BYTES / 2);

    hub.stall = false;
    fake.script.onProgress = undefined;
    const resumed = await ensureModel(settings(), options());
    assert.deepEqual(resumed, { directory: downloadFolder(), modelId: ENTRY.repo });
    assert.ok(hub.requests.some((request) => request.method === 'GET' && request.url.endsWith(ONNX) && request.range === `bytes=${ONNX_BYTES / 2}-`), 'resumed from the partial file');
  });

  test('a failed download is one error message with Retry; Retry downloads again', async () => {
    hub.status = 403;
    fake.script.answer = (shown) => {
      if (shown.severity === 'information') return 'Download';
      hub.status = undefined; // The user fixes things, then retries.
      return 'Retry';
    };
    const result = await ensureModel(settings(), options());
    assert.deepEqual(result, { directory: downloadFolder(), modelId: ENTRY.repo });
    const errors = fake.recorded.messages.filter((message) => message.severity === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /^Semantic Search could not download all-MiniLM-L6-v2: sentence-transformers\/all-MiniLM-L6-v2 refused the download \(HTTP 403\)/);
    assert.deepEqual(errors[0]!.items, ['Retry', 'Pick Another Model']);
    assert.equal(fake.recorded.progress.length, 2);
  });

  test('a failed download the user does not retry is a problem already shown', async () => {
    hub.status = 403;
    fake.script.answer = (shown) => (shown.severity === 'information' ? 'Download' : undefined);
    const result = await ensureModel(settings(), options());
    assert.ok('problem' in result && result.shown === true);
    assert.match(result.problem, /HTTP 403/);
  });

  test('an endpoint that is not HTTPS is refused before asking', async () => {
    const result = await ensureModel(settings({ hubEndpoint: 'http://mirror.example' }), options());
    assert.ok('problem' in result && /not HTTPS/.test(result.problem));
    assert.equal(fake.recorded.messages.length, 0);
  });
});

describe('settings', () => {
  test('readSettings reads the offline, endpoint and revision settings, with their defaults', () => {
    assert.deepEqual(
      (({ offline, hubEndpoint, revision }) => ({ offline, hubEndpoint, revision }))(readSettings().model),
      { offline: false, hubEndpoint: 'https://huggingface.co', revision: '' },
    );
    fake.script.settings = { 'model.name': 'bge-small', 'model.offline': true, 'model.hubEndpoint': 'https://mirror.example', 'model.revision': 'v1' };
    const model = readSettings().model;
    assert.deepEqual([model.name, model.offline, model.hubEndpoint, model.revision], ['bge-small', true, 'https://mirror.example', 'v1']);
  });

  test('a revision change re-indexes (another commit may bring other files); offline and the endpoint do not', () => {
    assert.ok((REINDEX_KEYS as readonly string[]).includes('model.revision'));
    assert.ok(!(REINDEX_KEYS as readonly string[]).includes('model.offline'));
    assert.ok(!(REINDEX_KEYS as readonly string[]).includes('model.hubEndpoint'));
  });
});
