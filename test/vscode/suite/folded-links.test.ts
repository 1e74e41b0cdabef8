// Issue 15: a symlink to a folder inside the workspace is folded: its files are indexed once, under their real
// paths, and Show Index Status names the link. Runs in the single-folder window (a copy of test/fixtures/workspace)
// and leaves it as it found it.
import assert from 'node:assert/strict';
import { symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { SemanticSearchApi } from '../../../extension/host/extension.ts';

const EXTENSION_ID = 'semantic-code-search.semantic-code-search';

suite('Folded symlinks in a real VS Code (one folder)', () => {
  let api: SemanticSearchApi;
  suiteSetup(async function () {
    this.timeout(180_000);
    const extension = vscode.extensions.getExtension<SemanticSearchApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    api = await extension.activate();
    await api.index();
  });

  test('a link to a folder of the workspace is indexed once, and Show Index Status names it', async function () {
    if (process.platform === 'win32') this.skip();
    this.timeout(180_000);
    const link = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'src', 'http-link');
    symlinkSync('http', link);
    try {
      await vscode.commands.executeCommand('semanticSearch.indexWorkspace');
      const { results } = await api.search('retry a failed request with exponential backoff');
      assert.equal(results[0]?.path, 'src/http/retry.ts');
      assert.ok(results.every((result) => !result.path.startsWith('src/http-link/')), results.map((result) => result.path).join(', '));
      await vscode.commands.executeCommand('semanticSearch.showStatus');
      const deadline = Date.now() + 30_000;
      let text = '';
      while (!text.includes('Semantic Search status') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        // Rendered in the Markdown preview; its source is the open `semantic-search:` document.
        text = vscode.workspace.textDocuments.find((candidate) => candidate.uri.scheme === 'semantic-search')?.getText() ?? '';
      }
      assert.match(text, /- \*\*Folded symlinks\*\*: 1 link, indexed under its real path: src\/http-link → src\/http$/m);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      unlinkSync(link);
      await vscode.commands.executeCommand('semanticSearch.indexWorkspace');
    }
  });
});
