// Issue 19 item 6: `npm run check` fails when a file under extension/core imports `vscode`. The script is fed
// fake trees (each form of import, and look-alikes that are not imports) and run as `npm run check` runs it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { findVscodeImports } from '../../../scripts/check-core-imports.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'check-core-imports.ts');
const temporary = mkdtempSync(path.join(os.tmpdir(), 'core-imports-'));
after(() => rmSync(temporary, { recursive: true, force: true }));

/** A fake core folder with the given files (path → text). */
function tree(name: string, files: Record<string, string>): string {
  const root = path.join(temporary, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

function run(root: string): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('check-core-imports', () => {
  test('finds every form of importing vscode, with its file and line', () => {
    const root = tree('forms', {
      'a.ts': "import * as vscode from 'vscode';\n",
      'deep/b.ts': '// header\nimport type { Uri } from "vscode";\n',
      'c.ts': "export { Uri } from 'vscode';\n",
      'd.ts': "const api = await import('vscode');\n",
      'e.cjs': "const vscode = require('vscode');\n",
      'f.ts': "import {\n  window,\n} from 'vscode';\n",
      'g.ts': "import 'vscode';\n",
    });
    assert.deepEqual(
      findVscodeImports(root).map(({ file, line }) => `${file}:${line}`),
      ['a.ts:1', 'c.ts:1', 'd.ts:1', 'deep/b.ts:2', 'e.cjs:1', 'f.ts:3', 'g.ts:1'],
    );
  });

  test('leaves alone what is not an import of vscode', () => {
    const root = tree('clean', {
      'a.ts': "import { x } from './vscode.ts';\nimport { y } from 'vscode-uri';\n// the host imports 'vscode'; the core does not\n",
      'notes.md': "import * as vscode from 'vscode';\n",
      'node_modules/dep/index.js': "require('vscode');\n",
    });
    assert.deepEqual(findVscodeImports(root), []);
  });

  test('the script exits 1 and names the file when a core file imports vscode, 0 when none does', () => {
    const bad = tree('bad', { 'ok.ts': 'export const a = 1;\n', 'sub/host-ish.ts': "import * as vscode from 'vscode';\n" });
    const failed = run(bad);
    assert.equal(failed.status, 1);
    assert.match(failed.stderr, /sub[/\\]host-ish\.ts:1: imports vscode/);
    assert.equal(run(tree('good', { 'ok.ts': 'export const a = 1;\n' })).status, 0);
  });

  test('the real extension/core imports no vscode, and npm run check runs the script', () => {
    assert.deepEqual(findVscodeImports(path.join(ROOT, 'extension', 'core')), []);
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    assert.match(scripts.check!, /scripts\/check-core-imports\.ts/);
  });
});
