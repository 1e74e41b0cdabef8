// Integration tests through the real vscode API, in the single-folder window (test/fixtures/workspace).
import assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { SemanticSearchApi } from '../../../extension/host/extension.ts';

const EXTENSION_ID = 'semantic-code-search.semantic-code-search';
const COMMANDS = [
  'semanticSearch.search',
  'semanticSearch.findSimilar',
  'semanticSearch.showPanel',
  'semanticSearch.indexWorkspace',
  'semanticSearch.rebuildIndex',
  'semanticSearch.pauseIndexing',
  'semanticSearch.resumeIndexing',
  'semanticSearch.clearIndex',
  'semanticSearch.showStatus',
  'semanticSearch.showLog',
  'semanticSearch.showMigrationReport',
  'semanticSearch.cutOver',
  'semanticSearch.rollBack',
  'semanticSearch.findDuplicates',
  'semanticSearch.compareStorageOptions',
  'semanticSearch.evaluateModels',
];

let api: SemanticSearchApi;

/** Resolves once `check` holds, polling; fails with `what` after `timeoutMs`. */
async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function folderUri(): vscode.Uri {
  return vscode.workspace.workspaceFolders![0]!.uri;
}

suite('Semantic Search in a real VS Code (one folder)', () => {
  suiteSetup(async function () {
    this.timeout(180_000);
    const extension = vscode.extensions.getExtension<SemanticSearchApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    api = await extension.activate();
    await api.index();
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('semanticSearch').update('search.resultCount', undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('activation registers every command, and reports how long it took', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const command of COMMANDS) assert.ok(commands.includes(command), `${command} is not registered`);
    assert.ok(Number.isFinite(api.activationMilliseconds) && api.activationMilliseconds > 0);
    console.log(`activation took ${api.activationMilliseconds.toFixed(1)} ms; extension host memory after indexing: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB RSS (index and embedding workers included), ${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0)} MB host heap`);
  });

  test('Index Workspace indexes the folder and the state says ready, with the model and device', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('semanticSearch.indexWorkspace');
    const state = api.state()!;
    assert.equal(state.folders.length, 1);
    assert.equal(state.folders[0]!.phase, 'ready');
    assert.equal(state.model?.id, 'use-lite');
    assert.ok(state.model?.provider);
  });

  test('a search finds code by describing it, and results open at their range', async () => {
    const { results, partial } = await api.search('retry a failed request with exponential backoff');
    assert.equal(partial, false);
    assert.ok(results.length > 0);
    assert.equal(results[0]!.path, 'src/http/retry.ts');
    const { results: python } = await api.search('users', { languages: ['python'] });
    assert.ok(python.every((result) => result.language === 'python'));
  });

  test('Find Similar returns other code like a selection, and nothing for code like nothing in the workspace', async () => {
    const file = vscode.Uri.joinPath(folderUri(), 'src/config/load-config.ts');
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file)).split('\n').slice(0, 9).join('\n');
    const similar = await api.findSimilar({ folder: folderUri().toString(), path: 'src/config/load-config.ts', startLine: 1, endLine: 9, text }, 5);
    assert.ok(similar.length > 0);
    assert.ok(similar.every((result) => !(result.path === 'src/config/load-config.ts' && result.startLine <= 9)), 'the selection itself is not a result');
    // Below the model's calibrated "similar" threshold nothing is shown, rather than the least unrelated code.
    const unlike = await api.findSimilar({ folder: folderUri().toString(), path: 'notes.txt', startLine: 1, endLine: 1, text: 'The weather forecast says it will rain tomorrow afternoon in the mountains.' }, 5);
    assert.deepEqual(unlike, []);
  });

  test('a settings change applies without a reload', async () => {
    await vscode.workspace.getConfiguration('semanticSearch').update('search.resultCount', 2, vscode.ConfigurationTarget.Workspace);
    await eventually('two results', async () => ((await api.search('configuration file')).results.length === 2 ? true : undefined));
    await vscode.workspace.getConfiguration('semanticSearch').update('search.resultCount', undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('saving a file updates the results', async function () {
    this.timeout(60_000);
    const uri = vscode.Uri.joinPath(folderUri(), 'src', 'invoices.ts');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('/** Totals the amounts of an invoice, taxes included. */\nexport function invoiceTotalWithTaxes(lines: number[], taxRate: number): number {\n  return lines.reduce((sum, line) => sum + line, 0) * (1 + taxRate);\n}\n'));
    try {
      await eventually('the new file to be searchable', async () => {
        const { results } = await api.search('invoiceTotalWithTaxes');
        return results.some((result) => result.path === 'src/invoices.ts') ? true : undefined;
      });
      const document = await vscode.workspace.openTextDocument(uri);
      const editor = await vscode.window.showTextDocument(document);
      await editor.edit((edit) => edit.insert(new vscode.Position(document.lineCount, 0), '\n/** Formats a price in euros. */\nexport function formatEuroPrice(cents: number): string {\n  return `${(cents / 100).toFixed(2)} EUR`;\n}\n'));
      await document.save();
      await eventually('the saved change to be searchable', async () => {
        const { results } = await api.search('formatEuroPrice');
        return results.some((result) => result.path === 'src/invoices.ts' && result.endLine > 4) ? true : undefined;
      });
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(uri);
    }
    await eventually('the deleted file to leave the index', async () => ((await api.search('invoiceTotalWithTaxes')).results.some((result) => result.path === 'src/invoices.ts') ? undefined : true));
  });

  test('Pause and Resume Indexing', async () => {
    await vscode.commands.executeCommand('semanticSearch.pauseIndexing');
    await eventually('paused', () => (api.state()?.paused ? true : undefined));
    await vscode.commands.executeCommand('semanticSearch.resumeIndexing');
    await eventually('resumed and ready', () => (api.state()?.paused === false && api.state()?.folders[0]?.phase === 'ready' ? true : undefined), 60_000);
  });

  test('Show Index Status opens the details rendered: files, chunks, skips, model and device first, fingerprint and database after', async () => {
    await vscode.commands.executeCommand('semanticSearch.showStatus');
    // Rendered: VS Code's Markdown preview is the active tab, not an editor showing Markdown source.
    await eventually('the rendered status', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputWebview && /markdown\.preview/.test(input.viewType) ? true : undefined;
    });
    const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.scheme === 'semantic-search');
    assert.ok(document, 'the status document is open behind the preview');
    const text = document.getText();
    for (const part of ['**Files**', '**Chunks**', '**Model**', '**Running on', '**Model fingerprint**', '**Database**', '**Device**']) assert.ok(text.includes(part), `status lacks ${part}`);
    assert.ok(text.indexOf('**Chunks**') < text.indexOf('## Details') && text.indexOf('## Details') < text.indexOf('**Model fingerprint**'), 'essentials first');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Clear Index then Rebuild Index', async function () {
    this.timeout(180_000);
    await vscode.commands.executeCommand('semanticSearch.clearIndex', { confirmed: true });
    await eventually('an empty index', () => (api.state()?.folders[0]?.phase === 'idle' ? true : undefined));
    await vscode.commands.executeCommand('semanticSearch.rebuildIndex');
    assert.equal(api.state()?.folders[0]?.phase, 'ready');
    assert.equal((await api.search('retry a failed request')).results[0]?.path, 'src/http/retry.ts');
  });

  test('changing the model builds a new index with it', async function () {
    this.timeout(180_000);
    const configuration = vscode.workspace.getConfiguration('semanticSearch');
    await configuration.update('model.name', 'glove-100d', vscode.ConfigurationTarget.Workspace);
    try {
      await eventually('the new model to index the folder', () => (api.state()?.model?.id === 'glove-100d' && api.state()?.folders[0]?.phase === 'ready' ? true : undefined), 120_000);
      const { results } = await api.search('sort users by age');
      assert.ok(results.some((result) => result.path === 'src/users/sort_users.py'));
    } finally {
      await configuration.update('model.name', undefined, vscode.ConfigurationTarget.Workspace);
      await eventually('the default model back', () => (api.state()?.model?.id === 'use-lite' && api.state()?.folders[0]?.phase === 'ready' ? true : undefined), 120_000);
    }
  });
});
