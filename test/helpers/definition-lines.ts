// Where definitions start in real source files, read with plain patterns (not with the chunker under test), so
// that search results can be checked against them: a result labelled with a symbol must cover that symbol's
// definition line and no other definition at the same or an outer level (or, a piece far down a long definition,
// lie in its body and open where it starts).
import { LONGEST_DEFINITION_RESULT } from '../../extension/core/search/results.ts';

/** One definition's first line (its keyword line, decorators and comments excluded). */
export interface DefinitionLine {
  /** 1-based. */
  line: number;
  name: string;
  /** Columns of indentation: nesting for Python, 0 for Go's top level. */
  indent: number;
}

const PYTHON_DEFINITION = /^(\s*)(?:async\s+def|def|class)\s+([A-Za-z_]\w*)/;
const GO_DEFINITION = /^()(?:func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)|type\s+([A-Za-z_]\w*)\s)/;

/** The definitions of a Python or Go file, in line order. Python lines inside triple-quoted strings are skipped. */
export function definitionLines(path: string, text: string): DefinitionLine[] {
  const lines = text.split(/\r\n?|\n/);
  const found: DefinitionLine[] = [];
  if (path.endsWith('.py')) {
    let inString: string | undefined;
    lines.forEach((line, index) => {
      if (inString === undefined) {
        const match = PYTHON_DEFINITION.exec(line);
        if (match) found.push({ line: index + 1, name: match[2]!, indent: match[1]!.replace(/\t/g, '    ').length });
      }
      // Track triple-quoted strings so a `def` written in a docstring is not taken for code.
      for (const quote of line.matchAll(/"""|'''/g)) {
        if (inString === undefined) inString = quote[0];
        else if (inString === quote[0]) inString = undefined;
      }
    });
  } else if (path.endsWith('.go')) {
    lines.forEach((line, index) => {
      const match = GO_DEFINITION.exec(line);
      if (match) found.push({ line: index + 1, name: (match[2] ?? match[3])!, indent: 0 });
    });
  }
  return found;
}

/** A search result as the checks need it. */
export interface CheckedResult {
  path: string;
  startLine: number;
  endLine: number;
  symbol: string | undefined;
  /** The line the editor opens the result at. */
  openLine: number;
  kind: string;
}

/**
 * What is wrong with a result, or undefined when it is right: a result labelled with a symbol covers one
 * definition line of that name, no other definition at the same or an outer level, and opens on that definition
 * line or inside its range.
 */
export function resultProblem(result: CheckedResult, definitions: readonly DefinitionLine[]): string | undefined {
  const where = `${result.path}:${result.startLine}-${result.endLine} (${result.kind} ${result.symbol ?? '-'})`;
  if (result.openLine < result.startLine || result.openLine > result.endLine) return `${where} opens at ${result.openLine}, outside its range`;
  if (result.symbol === undefined) return undefined;
  const inside = definitions.filter((definition) => definition.line >= result.startLine && definition.line <= result.endLine);
  const own = inside.find((definition) => definition.name === result.symbol) ?? farDownLongDefinition(result, definitions);
  if (!own) return `${where} does not cover a definition of ${result.symbol}`;
  if (!inside.includes(own)) return result.openLine === result.startLine ? undefined : `${where} is a piece far down ${own.name} and opens at ${result.openLine}`;
  const other = inside.find((definition) => definition !== own && definition.indent <= own.indent);
  if (other) return `${where} also covers ${other.name} (line ${other.line})`;
  return undefined;
}

/**
 * The definition a result is a piece of when it lies far down a long one (results.ts reports such a piece's own
 * lines): the nearest definition of its name above it, with no definition as outer as it in between, more than
 * half of LONGEST_DEFINITION_RESULT lines above the result's end (a doc comment above the signature counts too).
 */
function farDownLongDefinition(result: CheckedResult, definitions: readonly DefinitionLine[]): DefinitionLine | undefined {
  const above = definitions.filter((definition) => definition.line < result.startLine);
  const own = above.findLast((definition) => definition.name === result.symbol);
  if (!own) return undefined;
  const between = above.some((definition) => definition.line > own.line && definition.indent <= own.indent);
  return !between && result.endLine - own.line + 1 > LONGEST_DEFINITION_RESULT / 2 ? own : undefined;
}
