// Integration tests in the multi-root window (test/fixtures/multi-root.code-workspace): one index per
// folder, one global ranking across them.
import assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { SemanticSearchApi } from '../../../extension/host/extension.ts';

const EXTENSION_ID = 'semantic-code-search.semantic-code-search';

suite('Semantic Search in a multi-root workspace', () => {
  let api: SemanticSearchApi;

  suiteSetup(async function () {
    this.timeout(180_000);
    const extension = vscode.extensions.getExtension<SemanticSearchApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    api = await extension.activate();
    await api.index();
  });

  test('each workspace folder gets its own index', async function () {
    this.timeout(60_000);
    // The activation's own catch-up run may start after `index()` joined or finished the first ones (a first
    // index of these folders takes well under a second): wait for the folders to settle, then check them.
    const started = Date.now();
    while (!api.state()!.folders.every((folder) => folder.phase === 'ready') && Date.now() - started < 30_000) await new Promise((resolve) => setTimeout(resolve, 100));
    const state = api.state()!;
    assert.equal(state.folders.length, 2);
    assert.deepEqual(state.folders.map((folder) => folder.phase), ['ready', 'ready']);
    assert.deepEqual(state.folders.map((folder) => folder.name).sort(), ['workspace', 'workspace-library']);
  });

  test('one search ranks results of both folders together', async () => {
    const folders = new Map(vscode.workspace.workspaceFolders!.map((folder) => [folder.name, folder.uri.toString()]));
    const cache = await api.search('least recently used cache that evicts the oldest entry');
    assert.equal(cache.results[0]!.folder, folders.get('workspace-library'));
    assert.equal(cache.results[0]!.folderName, 'workspace-library');
    const retry = await api.search('retry a failed request with exponential backoff');
    assert.equal(retry.results[0]!.folder, folders.get('workspace'));
    assert.equal(new Set(retry.results.map((result) => result.folder)).size, 2, 'both folders are ranked in one list');
  });
});
