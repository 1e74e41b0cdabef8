// IndexClient.shutdown (what deactivate() awaits) against the real index worker, with a fake `vscode`
// module: stopping the extension while it indexes lets the worker close its index and model and exit by
// itself, answers what was waiting with "shutting down", and is no crash.
import assert from 'node:assert/strict';
import { registerHooks } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { IndexStore } from '../../../extension/core/store/index-store.ts';
import type { IndexWorkerData } from '../../../extension/protocol/index-worker-protocol.ts';
import { writeGeneratedCorpus } from '../indexing/corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';
import { serviceSettings } from '../service/settings.ts';

const fakeUrl = new URL('./fake-vscode-download.ts', import.meta.url).href;
registerHooks({
  resolve: (specifier, context, nextResolve) => (specifier === 'vscode' ? { url: fakeUrl, shortCircuit: true } : nextResolve(specifier, context)),
});
const { IndexClient } = await import('../../../extension/host/index-client.ts');

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

test('shutdown while indexing: the worker exits by itself, the waiting request is told why, and no crash is reported', async () => {
  const root = writeGeneratedCorpus(300);
  const databasePath = temporaryDatabasePath();
  // Run from source, the worker finds the tree-sitter grammars itself: only the embedding worker script is given.
  const client = new IndexClient(path.join(ROOT, 'extension', 'worker', 'index-worker.ts'), {
    embeddingWorkerScript: path.join(ROOT, 'extension', 'core', 'embedding', 'worker.ts'),
  } as IndexWorkerData);
  const crashes: string[] = [];
  client.onDidCrash((reason) => crashes.push(reason));
  try {
    await client.request('configure', { settings: serviceSettings(), folders: [{ key: 'k', name: 'corpus', root, databasePath }] });
    let shutdown: Promise<void> | undefined;
    client.onProgress(({ progress }) => {
      if (!shutdown && progress.chunksEmbedded > 0) shutdown = client.shutdown(30_000);
    });
    await assert.rejects(client.request('index', {}), (error: Error & { kind?: string }) => error.kind === 'aborted' && /shutting down/.test(error.message));
    assert.ok(shutdown, 'the shutdown began while indexing');
    const started = Date.now();
    await shutdown;
    assert.ok(Date.now() - started < 30_000, 'the worker exited before the timeout that terminates it');
    assert.equal(client.started, false);
    assert.deepEqual(crashes, []);
    const store = IndexStore.open(databasePath);
    try {
      assert.deepEqual(store.checkIntegrity(), []);
    } finally {
      store.close();
    }
  } finally {
    client.dispose();
  }
});
