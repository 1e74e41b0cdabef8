// The intermediate form between the per-language chunkers and the splitter: a chunk's metadata and its lines,
// each line tied to the source row it came from.

import type { ChunkKind } from './types.ts';

/** One line of a draft. `elided` marks the `...` line that stands for a member chunked on its own. */
export interface DraftLine {
  /** 0-based source row. */
  row: number;
  text: string;
  elided: boolean;
}

/** A name found at a source row (0-based), so that each piece of a split draft keeps only its own. */
export interface RowName {
  row: number;
  name: string;
}

/** What a draft defines, calls and imports, by row; the splitter gives each piece the names on its rows. */
export interface DraftRelations {
  defines: RowName[];
  calls: RowName[];
  imports: RowName[];
}

/** A chunk before splitting. */
export interface Draft {
  kind: ChunkKind;
  symbol: string | undefined;
  scope: string[];
  signature: string | undefined;
  docComment: string | undefined;
  lines: DraftLine[];
  /** Undefined for drafts not made from a syntax tree (Markdown, windows): their chunks have no relations. */
  relations?: DraftRelations;
  /** Set for a definition or a Markdown section: where its signature (heading) is, so results open there. */
  definition?: DraftDefinition;
}

/** Where a definition's signature sits in the source (0-based rows). */
export interface DraftDefinition {
  /** The row of the signature's first token (decorators and comments above it excluded); a section's heading row. */
  row: number;
  /**
   * Outlines only (a class whose big members are chunks of their own): the last row of its head, the header,
   * docstring and fields before the first such member.
   */
  headEndRow?: number;
}

/** Source text normalised for chunking: '\n' line endings, no byte order mark. */
export interface SourceText {
  text: string;
  lines: string[];
}

/** Normalises line endings (CRLF and lone CR) and drops a byte order mark; rows stay those an editor shows. */
export function sourceText(raw: string): SourceText {
  let text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
  return { text, lines: text.split('\n') };
}

/** Whether a line holds nothing but whitespace. */
export function isBlank(line: string): boolean {
  return line.trim().length === 0;
}

/** The source rows `start..end` (inclusive, 0-based) as draft lines. */
export function rowLines(lines: readonly string[], start: number, end: number): DraftLine[] {
  const out: DraftLine[] = [];
  for (let row = Math.max(0, start); row <= end && row < lines.length; row++) {
    out.push({ row, text: lines[row]!, elided: false });
  }
  return out;
}

/** Drops blank lines at both ends; a draft never starts or ends with a blank line. */
export function trimBlankLines(lines: DraftLine[]): DraftLine[] {
  let start = 0;
  let end = lines.length;
  while (start < end && isBlank(lines[start]!.text)) start++;
  while (end > start && isBlank(lines[end - 1]!.text)) end--;
  return start === 0 && end === lines.length ? lines : lines.slice(start, end);
}

/** Leading whitespace of a line. */
export function indentation(line: string): string {
  return line.slice(0, line.length - line.trimStart().length);
}

/** Removes the indentation common to all non-blank lines. */
export function dedent(lines: readonly string[]): string[] {
  let common: string | undefined;
  for (const line of lines) {
    if (isBlank(line)) continue;
    const indent = indentation(line);
    if (common === undefined) {
      common = indent;
      continue;
    }
    let length = 0;
    while (length < common.length && length < indent.length && common[length] === indent[length]) length++;
    common = common.slice(0, length);
  }
  const cut = common?.length ?? 0;
  return lines.map((line) => (isBlank(line) ? '' : line.slice(cut)).trimEnd());
}
