// The text a documented definition is embedded with when its documentation is the query: the same
// `embeddingText` the indexer embeds, but with the doc comment (and a Python docstring) taken out.
// Left in, the query would find its own words and every model would look good.
//
// A definition longer than the model's window is stored as pieces (a 100-line Python function is 30
// pieces of USE lite's 128-token window) and its docstring runs over several of them, so documentation is
// hidden over the pieces of a declaration together, in order, not piece by piece.
import { embeddingText } from '../chunking/embedding-text.ts';
import type { StoredChunk } from '../store/index-store.ts';

/** What hiding reads from a chunk (a whole chunk, or one piece of a split declaration). */
export type HiddenTextInput = Pick<StoredChunk, 'path' | 'scope' | 'signature' | 'part' | 'text' | 'docComment' | 'language' | 'startLine' | 'endLine'>;

/** A docstring's opening: an optional string prefix, then three quotes or one. */
const DOCSTRING_START = /^\s*[rRuUbB]?("""|'''|"|')/;
/** The line a Python body starts after: a `def`/`class` header (or its last line) ending in `:`. */
const HEADER_END = /:\s*(#.*)?$/;

/**
 * Finds a Python docstring line by line: after the first header line ending in `:`, blank lines and
 * comments may come, then a string literal opens the body; it ends at its closing quotes, in this piece
 * or a later one.
 */
class DocstringScanner {
  private state: 'header' | 'before' | 'inside' | 'done' = 'header';
  private quote = '';

  /** Whether the line belongs to the docstring (and so is hidden). */
  take(line: string): boolean {
    const trimmed = line.trim();
    switch (this.state) {
      case 'header':
        if (!trimmed.startsWith('#') && !trimmed.startsWith('@') && HEADER_END.test(line)) this.state = 'before';
        return false;
      case 'before': {
        if (trimmed === '' || trimmed.startsWith('#')) return false;
        const opening = DOCSTRING_START.exec(line);
        if (!opening) {
          this.state = 'done';
          return false;
        }
        this.quote = opening[1]!;
        const closed = line.slice(opening[0].length).includes(this.quote);
        // A one-quote string that does not close on its line is not a docstring we can follow.
        if (!closed && this.quote.length === 1) {
          this.state = 'done';
          return false;
        }
        this.state = closed ? 'done' : 'inside';
        return true;
      }
      case 'inside':
        if (line.includes(this.quote)) this.state = 'done';
        return true;
      case 'done':
        return false;
    }
  }
}

/**
 * Each piece's code without the declaration's documentation: the doc comment's lines (matched line by
 * line ignoring indentation, in order, across pieces) and, for Python, the docstring that opens the body.
 * Lines that two neighbouring pieces share (their overlap) are decided once. A piece left with nothing
 * but documentation is undefined. The whole result is undefined when a doc comment line cannot be found
 * or nothing but documentation is left: such a declaration cannot be a fair target.
 */
export function withoutDocumentationInPieces(pieces: readonly Pick<HiddenTextInput, 'text' | 'docComment' | 'language' | 'startLine' | 'endLine'>[]): (string | undefined)[] | undefined {
  const expected = (pieces[0]?.docComment ?? '').split('\n').map((line) => line.trim()).filter((line) => line !== '');
  let next = 0;
  const docstring = pieces[0]?.language === 'python' ? new DocstringScanner() : undefined;
  // Hidden or kept, by file line, for the lines a piece's text holds verbatim (an outline's lines are not the file's).
  const decided = new Map<number, boolean>();
  const texts = pieces.map((piece) => {
    const lines = piece.text.split('\n');
    const literal = lines.length === piece.endLine - piece.startLine + 1;
    const kept = lines.filter((line, row) => {
      const fileLine = literal ? piece.startLine + row : undefined;
      const earlier = fileLine === undefined ? undefined : decided.get(fileLine);
      if (earlier !== undefined) return !earlier;
      let hidden = false;
      if (next < expected.length && line.trim() === expected[next]) {
        hidden = true;
        next += 1;
      } else if (docstring?.take(line)) {
        hidden = true;
      }
      if (fileLine !== undefined) decided.set(fileLine, hidden);
      return !hidden;
    });
    const text = kept.join('\n').replace(/^\n+/, '');
    return text.trim() === '' ? undefined : text;
  });
  if (next < expected.length) return undefined;
  return texts.some((text) => text !== undefined) ? texts : undefined;
}

/** One chunk's code without its documentation (a declaration of one piece); see `withoutDocumentationInPieces`. */
export function withoutDocumentation(chunk: Pick<HiddenTextInput, 'text' | 'docComment' | 'language'>): string | undefined {
  const lines = chunk.text.split('\n').length;
  return withoutDocumentationInPieces([{ ...chunk, startLine: 1, endLine: lines }])?.[0];
}

/** The texts the model embeds for the pieces of a declaration, documentation hidden (see `withoutDocumentationInPieces`); pieces left empty are undefined. */
export function hiddenDocumentationTexts(pieces: readonly HiddenTextInput[]): (string | undefined)[] | undefined {
  return withoutDocumentationInPieces(pieces)?.map((text, position) => (text === undefined ? undefined : embeddingText({ ...pieces[position]!, text })));
}

/** The text the model embeds for a whole chunk with its documentation hidden; undefined as for `withoutDocumentation`. */
export function hiddenDocumentationText(chunk: Omit<HiddenTextInput, 'startLine' | 'endLine'>): string | undefined {
  const text = withoutDocumentation(chunk);
  return text === undefined ? undefined : embeddingText({ ...chunk, text });
}

/**
 * The rows (0-based, inclusive) of the docstring of a Python text's first definition (see
 * `DocstringScanner`); undefined when there is none. Training builds stripped copies by row.
 */
export function docstringRows(lines: readonly string[]): { start: number; end: number } | undefined {
  const scanner = new DocstringScanner();
  let start = -1;
  for (let row = 0; row < lines.length; row++) {
    if (scanner.take(lines[row]!)) {
      if (start < 0) start = row;
    } else if (start >= 0) return { start, end: row - 1 };
  }
  return start >= 0 ? { start, end: lines.length - 1 } : undefined;
}

/** A Python docstring's text without its quotes, and whether it was cut off before its closing quotes. */
export interface Docstring {
  text: string;
  /** The docstring goes on past the end of the text (a split definition's first piece). */
  cut: boolean;
}

/**
 * What the docstring of a Python text's first definition says (see `DocstringScanner`), without its
 * quotes; undefined when there is none. A docstring still open at the end of the text is returned with
 * `cut` set.
 */
export function openingDocstring(text: string): Docstring | undefined {
  const scanner = new DocstringScanner();
  const lines: string[] = [];
  let closed = false;
  for (const line of text.split('\n')) {
    const inside = scanner.take(line);
    if (inside) lines.push(line);
    else if (lines.length > 0) {
      closed = true;
      break;
    }
  }
  if (lines.length === 0) return undefined;
  const literal = lines.join('\n').trim();
  const quote = DOCSTRING_START.exec(literal)![1]!;
  const body = literal.slice(literal.indexOf(quote) + quote.length);
  const end = body.lastIndexOf(quote);
  const finished = closed || end >= 0;
  return { text: (end >= 0 ? body.slice(0, end) : body).trim(), cut: !finished };
}

/** What the docstring of a Python chunk says, without its quotes; undefined when there is none or it is cut off. */
export function pythonDocstring(text: string): string | undefined {
  const docstring = openingDocstring(text);
  return docstring && !docstring.cut ? docstring.text : undefined;
}
