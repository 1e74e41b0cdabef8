// Which language a file is, and which wasm grammar parses it. Pure tables: nothing is loaded here.

import type { ProseFormat } from './headings.ts';
import type { LanguageId, SyntaxLanguageId } from './types.ts';

const languageByExtension: ReadonlyMap<string, LanguageId> = new Map<string, LanguageId>([
  ['ts', 'typescript'],
  ['mts', 'typescript'],
  ['cts', 'typescript'],
  ['tsx', 'tsx'],
  ['js', 'javascript'],
  ['mjs', 'javascript'],
  ['cjs', 'javascript'],
  ['jsx', 'javascript'],
  ['py', 'python'],
  ['pyi', 'python'],
  ['pyw', 'python'],
  ['go', 'go'],
  ['rs', 'rust'],
  ['java', 'java'],
  ['c', 'c'],
  ['h', 'c'],
  ['cc', 'cpp'],
  ['cpp', 'cpp'],
  ['cxx', 'cpp'],
  ['c++', 'cpp'],
  ['hh', 'cpp'],
  ['hpp', 'cpp'],
  ['hxx', 'cpp'],
  ['h++', 'cpp'],
  ['ipp', 'cpp'],
  ['inl', 'cpp'],
  ['cs', 'csharp'],
  ['rb', 'ruby'],
  ['rake', 'ruby'],
  ['gemspec', 'ruby'],
  ['php', 'php'],
  ['phtml', 'php'],
  ['md', 'markdown'],
  ['markdown', 'markdown'],
  ['mdx', 'markdown'],
  ['rst', 'restructuredtext'],
  ['rest', 'restructuredtext'],
  ['adoc', 'asciidoc'],
  ['asciidoc', 'asciidoc'],
  ['asc', 'asciidoc'],
]);

const languageByFileName: ReadonlyMap<string, LanguageId> = new Map<string, LanguageId>([
  ['rakefile', 'ruby'],
  ['gemfile', 'ruby'],
]);

/** The language of a file from its name; `text` (line windows) for anything unknown. */
export function languageForPath(path: string): LanguageId {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const byName = languageByFileName.get(name);
  if (byName !== undefined) return byName;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return 'text';
  return languageByExtension.get(name.slice(dot + 1)) ?? 'text';
}

// A `.h` file is C unless it plainly uses C++: parsing C++ with the C grammar buries classes in ERROR nodes.
const cppMarkers = /^\s*(?:class\s+\w+[^;(]*\{|namespace\s+[\w:]*\s*\{|template\s*<|(?:public|private|protected)\s*:)|\w::~?\w+\s*\(/m;

/** Refines a path's language with the file's content (today: C++ headers named `.h`). */
export function languageForFile(path: string, text: string): LanguageId {
  const language = languageForPath(path);
  if (language === 'c' && path.toLowerCase().endsWith('.h') && cppMarkers.test(text)) return 'cpp';
  return language;
}

/** A wasm file the chunker loads at run time; a build script copies these next to the bundle. */
export interface WasmFile {
  /** The name looked up in `wasmDirectory`. */
  fileName: string;
  /** Specifier for `require.resolve` from this package, e.g. `@vscode/tree-sitter-wasm/wasm/tree-sitter-go.wasm`. */
  packagePath: string;
  /** The language it parses; undefined for the tree-sitter runtime itself. */
  language: SyntaxLanguageId | undefined;
}

// Grammars from @vscode/tree-sitter-wasm (built by VS Code with tree-sitter CLI 0.25, ABI 14/15), except C, which
// that package lacks: C comes from tree-sitter-wasms (tree-sitter 0.20 era, ABI 14), which web-tree-sitter 0.25
// still loads. See README.md.
const vscodeGrammars = '@vscode/tree-sitter-wasm/wasm/';
const grammarFileByLanguage: Readonly<Record<SyntaxLanguageId, string>> = {
  typescript: `${vscodeGrammars}tree-sitter-typescript.wasm`,
  tsx: `${vscodeGrammars}tree-sitter-tsx.wasm`,
  javascript: `${vscodeGrammars}tree-sitter-javascript.wasm`,
  python: `${vscodeGrammars}tree-sitter-python.wasm`,
  go: `${vscodeGrammars}tree-sitter-go.wasm`,
  rust: `${vscodeGrammars}tree-sitter-rust.wasm`,
  java: `${vscodeGrammars}tree-sitter-java.wasm`,
  c: 'tree-sitter-wasms/out/tree-sitter-c.wasm',
  cpp: `${vscodeGrammars}tree-sitter-cpp.wasm`,
  csharp: `${vscodeGrammars}tree-sitter-c-sharp.wasm`,
  ruby: `${vscodeGrammars}tree-sitter-ruby.wasm`,
  php: `${vscodeGrammars}tree-sitter-php.wasm`,
};

const runtimeFile: WasmFile = {
  fileName: 'tree-sitter.wasm',
  packagePath: 'web-tree-sitter/tree-sitter.wasm',
  language: undefined,
};

function toWasmFile(packagePath: string, language: SyntaxLanguageId | undefined): WasmFile {
  return { fileName: packagePath.slice(packagePath.lastIndexOf('/') + 1), packagePath, language };
}

/** Every wasm file the chunker may load: the runtime first, then one grammar per syntax language. */
export function wasmFiles(): WasmFile[] {
  const grammars = (Object.keys(grammarFileByLanguage) as SyntaxLanguageId[]).map((language) =>
    toWasmFile(grammarFileByLanguage[language], language),
  );
  return [{ ...runtimeFile }, ...grammars];
}

/** The runtime's wasm file. */
export function runtimeWasmFile(): WasmFile {
  return { ...runtimeFile };
}

/** The grammar file of one language. */
export function grammarWasmFile(language: SyntaxLanguageId): WasmFile {
  return toWasmFile(grammarFileByLanguage[language], language);
}

/** Whether a language is chunked along a syntax tree. */
export function isSyntaxLanguage(language: LanguageId): language is SyntaxLanguageId {
  return language !== 'markdown' && language !== 'restructuredtext' && language !== 'asciidoc' && language !== 'text';
}

/** Plain text files that are prose: `.txt`, and README, CHANGELOG, LICENSE… without an extension. */
const plainProse = /(?:^|\/)(?:[^/]+\.(?:txt|text)|(?:readme|changelog|changes|history|license|licence|notice|authors|contributing|copying|install|news|todo)(?:\.[^/.]*)?)$/i;

/**
 * How a file is cut as prose, or undefined when it is not prose (code, and text such as `.json` or `.yml`,
 * which stays in plain line windows). A `.txt` file or an extension-less README is prose without headings.
 */
export function proseFormat(path: string, language: LanguageId): ProseFormat | undefined {
  if (language === 'markdown') return 'markdown';
  if (language === 'restructuredtext') return 'rst';
  if (language === 'asciidoc') return 'asciidoc';
  if (language === 'text' && plainProse.test(path) && !/\.(?:json|ya?ml|toml|xml|html?|css|scss|csv|lock|ini|cfg)$/i.test(path)) return 'plain';
  return undefined;
}
