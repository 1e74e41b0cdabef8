// Smoke test: the installed extension activates in a real VS Code and registers its main command.
import assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';

const EXTENSION_ID = 'semantic-code-search.semantic-code-search';

suite('Activation', () => {
  test('the extension activates and registers semanticSearch.search', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    await extension.activate();
    assert.equal(extension.isActive, true);
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('semanticSearch.search'), 'semanticSearch.search is not registered');
  });
});
