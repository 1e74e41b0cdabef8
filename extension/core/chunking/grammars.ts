// Lazy loading of the tree-sitter runtime and its grammars. Nothing happens at import: the runtime module is
// imported, initialised and each grammar compiled on first use, then cached.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Language, ParseOptions, Parser, Tree } from 'web-tree-sitter';
import { CoreError } from '../errors.ts';
import { grammarWasmFile, runtimeWasmFile, type WasmFile } from './languages.ts';
import type { SyntaxLanguageId } from './types.ts';

type TreeSitter = typeof import('web-tree-sitter');

/** Finds a wasm file on disk. */
export type WasmLocator = (file: WasmFile) => string;

/** Locator for dev and tests: resolves each file from node_modules. */
export function nodeModulesLocator(): WasmLocator {
  // Created on first use: in a bundle `import.meta.url` may be unusable, and a bundle passes wasmDirectory anyway.
  let require: NodeJS.Require | undefined;
  return (file) => {
    require ??= createRequire(import.meta.url);
    return require.resolve(file.packagePath);
  };
}

/** Locator for a bundle: every file sits in one folder. */
export function directoryLocator(directory: string): WasmLocator {
  return (file) => join(directory, file.fileName);
}

// The runtime is one Emscripten module per process: web-tree-sitter initialises it once, whoever asks first.
let runtime: Promise<TreeSitter> | undefined;

function loadRuntime(locate: WasmLocator): Promise<TreeSitter> {
  runtime ??= (async () => {
    const treeSitter = await import('web-tree-sitter');
    const runtimePath = locate(runtimeWasmFile());
    await treeSitter.Parser.init({ locateFile: () => runtimePath });
    return treeSitter;
  })().catch((error: unknown) => {
    runtime = undefined; // let a later call retry, e.g. after the files were restored
    throw error;
  });
  return runtime;
}

/** Loads grammars on demand and caches them; also owns the one parser the chunker reuses. */
export class GrammarLoader {
  readonly #locate: WasmLocator;
  readonly #languages = new Map<SyntaxLanguageId, Promise<Language>>();
  #parser: Parser | undefined;
  #disposed = false;

  constructor(locate: WasmLocator) {
    this.#locate = locate;
  }

  /** The runtime module, initialised. */
  runtime(): Promise<TreeSitter> {
    return loadRuntime(this.#locate);
  }

  /** A compiled grammar. A failed load stays failed for this loader: a missing file does not appear mid-run. */
  language(id: SyntaxLanguageId): Promise<Language> {
    let pending = this.#languages.get(id);
    if (pending === undefined) {
      pending = (async () => {
        const treeSitter = await this.runtime();
        const bytes = await readFile(this.#locate(grammarWasmFile(id)));
        return treeSitter.Language.load(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      })();
      this.#languages.set(id, pending);
    }
    return pending;
  }

  /**
   * Parses with the shared parser. Synchronous on purpose: with no await between setting the language and
   * parsing, concurrent callers cannot switch the language under each other. Call after `language(id)` resolved.
   */
  parse(treeSitter: TreeSitter, language: Language, text: string, options: ParseOptions): Tree | null {
    if (this.#disposed) throw new CoreError('chunking', 'disposed', 'The chunker was disposed while it was working; create a new one.');
    this.#parser ??= new treeSitter.Parser();
    this.#parser.setLanguage(language);
    const tree = this.#parser.parse(text, null, options);
    if (tree === null) this.#parser.reset(); // a cancelled parse would otherwise resume on the next file
    return tree;
  }

  dispose(): void {
    this.#disposed = true;
    this.#parser?.delete();
    this.#parser = undefined;
    this.#languages.clear();
  }
}
