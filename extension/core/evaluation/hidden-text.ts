// The text a documented chunk is embedded with when its doc comment is the query: the same
// `embeddingText` the indexer embeds, but with the doc comment (and a Python docstring) taken out.
// Left in, the query would find its own words and every model would look good.
import { embeddingText } from '../chunking/embedding-text.ts';
import type { StoredChunk } from '../store/index-store.ts';

/** What `hiddenDocumentationText` reads from a chunk. */
export type HiddenTextInput = Pick<StoredChunk, 'path' | 'scope' | 'signature' | 'part' | 'text' | 'docComment' | 'language'>;

/**
 * The chunk's code without its documentation: the doc comment's lines (it is also inside `text`,
 * matched line by line ignoring indentation, in order) and, for Python, the docstring that opens the
 * body. Undefined when a doc comment line cannot be found in the text or nothing but documentation is
 * left: such a chunk cannot be a fair target.
 */
export function withoutDocumentation(chunk: Pick<HiddenTextInput, 'text' | 'docComment' | 'language'>): string | undefined {
  let lines = chunk.text.split('\n');
  if (chunk.docComment !== undefined) {
    const removed = new Set<number>();
    let next = 0;
    for (const commentLine of chunk.docComment.split('\n')) {
      const wanted = commentLine.trim();
      if (wanted === '') continue;
      let found = -1;
      for (let row = next; row < lines.length; row++) {
        if (lines[row]!.trim() === wanted) {
          found = row;
          break;
        }
      }
      if (found < 0) return undefined;
      removed.add(found);
      next = found + 1;
    }
    lines = lines.filter((_, row) => !removed.has(row));
  }
  if (chunk.language === 'python') lines = withoutDocstring(lines);
  const text = lines.join('\n').replace(/^\n+/, '');
  return text.trim() === '' ? undefined : text;
}

/** A docstring's opening: an optional string prefix, then three quotes or one. */
const DOCSTRING_START = /^\s*[rRuU]?("""|'''|"|')/;

/**
 * Where the docstring of a Python chunk's first definition is: the string literal that is the first
 * statement after the first header line ending in `:` (blank lines and comments may come between).
 * Rows are inclusive; undefined when there is none, or it never closes.
 */
export function docstringRows(lines: readonly string[]): { start: number; end: number } | undefined {
  const header = lines.findIndex((line) => /:\s*(#.*)?$/.test(line));
  if (header < 0) return undefined;
  let start = header + 1;
  while (start < lines.length && (lines[start]!.trim() === '' || lines[start]!.trim().startsWith('#'))) start++;
  const opening = DOCSTRING_START.exec(lines[start] ?? '');
  if (!opening) return undefined;
  const quote = opening[1]!;
  if (lines[start]!.slice(opening[0].length).includes(quote)) return { start, end: start };
  if (quote.length === 1) return undefined;
  for (let row = start + 1; row < lines.length; row++) if (lines[row]!.includes(quote)) return { start, end: row };
  return undefined;
}

/** Python lines without the docstring (see `docstringRows`); unchanged when there is none. */
export function withoutDocstring(lines: readonly string[]): string[] {
  const rows = docstringRows(lines);
  return rows ? [...lines.slice(0, rows.start), ...lines.slice(rows.end + 1)] : [...lines];
}

/** What the docstring of a Python chunk says, without its quotes; undefined when there is none. */
export function pythonDocstring(text: string): string | undefined {
  const lines = text.split('\n');
  const rows = docstringRows(lines);
  if (!rows) return undefined;
  const literal = lines.slice(rows.start, rows.end + 1).join('\n').trim();
  const quote = DOCSTRING_START.exec(literal)![1]!;
  const body = literal.slice(literal.indexOf(quote) + quote.length);
  return body.slice(0, body.lastIndexOf(quote)).trim();
}

/** The text the model embeds for a target: `embeddingText` of the chunk with its documentation hidden; undefined as for `withoutDocumentation`. */
export function hiddenDocumentationText(chunk: HiddenTextInput): string | undefined {
  const text = withoutDocumentation(chunk);
  return text === undefined ? undefined : embeddingText({ ...chunk, text });
}
