// `node scripts/check-core-imports.ts [DIR]`: fails (exit 1) when a source file under DIR (default
// extension/core) imports the `vscode` module in any form: `import … from 'vscode'`, `import type`,
// `export … from`, `import('vscode')`, `require('vscode')`. The core runs in plain Node (the CLI, the worker,
// the unit tests), where `vscode` does not exist; a type-only import would still tie it to the editor's API.
// Part of `npm run check`, so the rule is enforced rather than remembered.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One place a core file imports `vscode`. */
export interface VscodeImport {
  /** The file, relative to the folder searched, with forward slashes. */
  file: string;
  /** 1-based. */
  line: number;
  text: string;
}

const SOURCE = /\.(?:[cm]?ts|[cm]?js|tsx|jsx)$/;

// A module specifier 'vscode' (or "vscode", or `vscode`) after `from`, a bare `import`, `import(` or `require(`.
// Whitespace and newlines between the keyword and the string are allowed, so a multi-line import is caught.
const VSCODE_IMPORT = /(?:\bfrom|\bimport|\bimport\s*\(|\brequire\s*\()\s*(['"`])vscode\1/g;

/** Every import of `vscode` in the source files below `root` (node_modules left out). */
export function findVscodeImports(root: string): VscodeImport[] {
  const found: VscodeImport[] = [];
  for (const file of sourceFiles(root)) {
    const text = readFileSync(path.join(root, file), 'utf8');
    for (const match of text.matchAll(VSCODE_IMPORT)) {
      const line = text.slice(0, match.index).split('\n').length;
      found.push({ file, line, text: text.split('\n')[line - 1]!.trim() });
    }
  }
  return found;
}

function sourceFiles(root: string, relative = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') files.push(...sourceFiles(root, child));
    } else if (entry.isFile() && SOURCE.test(entry.name)) {
      files.push(child);
    }
  }
  return files.sort();
}

function main(argv: string[]): number {
  const root = path.resolve(argv[0] ?? path.join(import.meta.dirname, '..', 'extension', 'core'));
  const found = findVscodeImports(root);
  for (const place of found) process.stderr.write(`${path.join(root, place.file)}:${place.line}: imports vscode: ${place.text}\n`);
  if (found.length > 0) {
    process.stderr.write(`check-core-imports: ${found.length} import(s) of vscode under ${root}; the core must run without VS Code (move the code to extension/host/)\n`);
    return 1;
  }
  return 0;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
