// Which lines of code or prose say something. No imports: the core, the host and the panel (a browser) share it.

/** Whether a line carries no code or prose: blank, or punctuation and `...` only (`(`, `});`, `]`). */
export function carriesNothing(line: string): boolean {
  return !/[\p{L}\p{N}_]/u.test(line);
}

/**
 * An editor's folding marker: `//#region src/cors.ts`, `// #endregion`, `//region Helpers` (IntelliJ), `# region`.
 * Bundlers write them around each source file; they name a fold, not what the code does.
 */
export function isFoldingMarker(line: string): boolean {
  return FOLDING_MARKER_LINE.test(line);
}

const FOLDING_MARKER = String.raw`(?:\/\/|#|--|\/\*)\s*#?\s*(?:[Ee]nd)?[Rr]egion\b`;
const FOLDING_MARKER_LINE = new RegExp(String.raw`^\s*${FOLDING_MARKER}`);

/** A line of prose that is markup only: `<a id="route-hooks"></a>`, `<img src="…">`, `<br/>` (its tags hold no words). */
export function isMarkupOnly(line: string): boolean {
  return /<[a-zA-Z/][^>]*>/.test(line) && carriesNothing(line.replace(/<[^>]*>/g, ''));
}

/**
 * Lines of prose with the text of HTML comments blanked, one line out for each line in. Markdown keeps metadata
 * there (the `<!-- YAML added: v5.28.0 … -->` block under every heading of Node-style API docs,
 * `<!-- prettier-ignore -->`): part of the file, but not what a section says.
 */
export function withoutHtmlComments(lines: readonly string[]): string[] {
  let inComment = false;
  return lines.map((line) => {
    let kept = '';
    let rest = line;
    while (rest !== '') {
      const marker = rest.indexOf(inComment ? '-->' : '<!--');
      if (marker < 0) {
        if (!inComment) kept += rest;
        break;
      }
      if (!inComment) kept += rest.slice(0, marker);
      rest = rest.slice(marker + (inComment ? 3 : 4));
      inComment = !inComment;
    }
    return kept;
  });
}

/** A chunk none of whose lines carries anything: a piece such as a lone `)` is never a result of its own. */
export function isFragment(text: string): boolean {
  return text.split('\n').every(carriesNothing);
}

/**
 * Statements that only bring names into a file (imports, requires, `use`, includes, package and namespace lines)
 * or hand them on (export lists, CommonJS `exports.x = x`, Python's `__all__`), one pattern each, matched over the
 * whole text so that a statement spread over lines is one match.
 */
const IMPORT_EXPORT_STATEMENTS: readonly RegExp[] = [
  /^\s*import\s[^;]*?\bfrom\s*['"][^'"\n]+['"]\s*;?/gm, // JS, TS: import { a } from 'x'
  /^\s*import\s*['"][^'"\n]+['"]\s*;?/gm, // JS, TS: import 'x'
  /^\s*export\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s*from\s*['"][^'"\n]+['"]\s*;?/gm, // re-exports
  /^\s*export\s+(?:type\s+)?\{[\w$\s,]*\}\s*;?/gm, // JS, TS: export { a, b as c };
  /^\s*export\s+default\s+[\w$]+\s*;?\s*$/gm, // JS, TS: export default cors;
  /^\s*(?:0\s*&&\s*\()?\s*(?:module\.)?exports(?:\.[\w$]+|\[['"][^'"\n]+['"]\])?\s*=\s*(?:[A-Za-z_$][\w$.]*|\{[\w$\s,:]*\})\s*\)?\s*;?\s*$/gm, // CommonJS: exports.cors = cors;
  /^\s*Object\.defineProperty\(\s*exports\s*,[^\n]*\)\s*;?\s*$/gm, // CommonJS: Object.defineProperty(exports, '__esModule', { value: true });
  /^\s*__all__\s*\+?=\s*[[(][^\])]*[\])]/gm, // Python: __all__ = ["a", "b"]
  /^\s*(?:const|let|var)\s+[^=\n]+=\s*require\(\s*['"][^'"\n]+['"]\s*\)(?:\.\w+)*\s*[;,]?/gm, // CommonJS
  /^\s*from\s+[\w.]+\s+import\s+(?:\([^)]*\)|[^\n]*)/gm, // Python: from x import (a, b)
  /^\s*import\s+(?:static\s+)?[\w.*]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*\s*;?\s*$/gm, // Python, Java, Kotlin
  /^\s*import\s*\([^)]*\)/gm, // Go: import ( ... )
  /^\s*import\s+(?:[\w.]+\s+)?"[^"\n]+"/gm, // Go: import "x"
  /^\s*package\s+[\w.]+\s*;?\s*$/gm, // Go, Java
  /^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+[^;]+;/gm, // Rust, PHP
  /^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*;/gm, // Rust: mod x;
  /^\s*extern\s+crate\s+\w+(?:\s+as\s+\w+)?\s*;/gm, // Rust
  /^\s*(?:global\s+)?using\s+(?:static\s+)?[\w.=\s]+;/gm, // C#
  /^\s*namespace\s+[\w.\\]+\s*;/gm, // C# file-scoped, PHP
  /^\s*#\s*include\s*[<"][^>"\n]+[>"]/gm, // C, C++
  /^\s*require(?:_relative|_once)?\s*\(?\s*['"][^'"\n]+['"]\s*\)?\s*;?/gm, // Ruby, Lua, PHP
  /^\s*<\?php\b/gm,
  /^\s*['"]use strict['"]\s*;?/gm,
  new RegExp(String.raw`^\s*${FOLDING_MARKER}[^\n]*$`, 'gm'), // folding markers a bundler writes around them
];

/** How such a block's text can start: the patterns above run only on text that does. */
const IMPORT_EXPORT_START = new RegExp(
  String.raw`^\s*(?:(?:import|from|export|exports|module|Object\.defineProperty|__all__|const|let|var|package|pub|use|mod|extern|global|using|namespace|require)\b|#\s*include\b|<\?php\b|['"]use strict|0\s*&&|${FOLDING_MARKER})`,
);

/**
 * The text with its import and export statements blanked, one line out for each line in (a statement over three
 * lines leaves three blank lines): what is left is what the code does.
 */
export function withoutImportsAndExports(text: string): string {
  let rest = text;
  for (const pattern of IMPORT_EXPORT_STATEMENTS) rest = rest.replace(pattern, (statement) => statement.replace(/[^\n]/g, ''));
  return rest;
}

/**
 * A chunk of nothing but imports, exports and punctuation (no comment, no code): context for its file rather than
 * an answer of its own. A header with a module docstring or a license comment is not one.
 */
export function isImportOrExportBlock(text: string): boolean {
  if (!IMPORT_EXPORT_START.test(text)) return false;
  const rest = withoutImportsAndExports(text);
  return rest !== text && isFragment(rest);
}
