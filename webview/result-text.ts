// The text of a result as displayed, without the DOM: the query's words highlighted and the snippet's lines
// (dedented, numbered, the matched line marked). Runs in Node for unit tests.

import { carriesNothing } from '../extension/core/text/meaningful-lines.ts';

const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'do', 'does', 'for', 'from', 'how', 'i', 'in', 'is', 'it', 'its', 'of', 'on', 'or',
  'that', 'the', 'this', 'to', 'we', 'what', 'when', 'where', 'which', 'who', 'why', 'with',
]);

const WORD = /[\p{L}\p{N}_$]+/gu;
// Splits an identifier into its parts: `parseHTTPHeader` -> parse, HTTP, Header; `utf8_decode` -> utf, 8, decode.
const SUBWORD = /\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+|\p{L}+/gu;

/**
 * The lower-cased words of a query to highlight: each word and, for identifiers, their parts
 * (`parseHTTPHeader`, `parse_http_header` -> parse, http, header). Stop words and one-letter
 * words are left out unless nothing else is left.
 */
export function queryTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const word of query.match(WORD) ?? []) {
    terms.add(word.toLowerCase());
    for (const part of word.match(SUBWORD) ?? []) terms.add(part.toLowerCase());
  }
  const all = [...terms].filter((term) => /[\p{L}\p{N}]/u.test(term));
  const meaningful = all.filter((term) => term.length >= 2 && !STOP_WORDS.has(term));
  if (meaningful.length > 0) return meaningful;
  const longer = all.filter((term) => term.length >= 2);
  return longer.length > 0 ? longer : all;
}

/** A half-open range of UTF-16 offsets. */
export interface TextRange {
  start: number;
  end: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;
const DIGIT = /\p{N}/u;
/** A character of a script with identifiers in parts (letter case) or a digit; anything else has no part boundaries to find. */
const CASED_OR_DIGIT = /[\p{Lu}\p{Ll}\p{Lt}\p{N}]/u;

/** Whether an identifier part can start at `offset`: after a non-word character, at a lower-to-upper or letter/digit change. */
function isSubwordStart(text: string, offset: number): boolean {
  if (offset === 0) return true;
  const previous = text[offset - 1]!;
  const current = text[offset]!;
  if (!LETTER_OR_DIGIT.test(previous)) return true;
  if (UPPER.test(current) && LOWER.test(previous)) return true;
  if (DIGIT.test(current) !== DIGIT.test(previous)) return true;
  // The last capital of an acronym starting a word: the `H` of `HTTPHeader`'s `Header`.
  return UPPER.test(current) && UPPER.test(previous) && offset + 1 < text.length && LOWER.test(text[offset + 1]!);
}

/**
 * Where the terms occur in `text`, case-insensitively, merged and sorted. A term counts only where an
 * identifier part starts, as the search's words do: `id` marks `userId` but not `middle`, `age` marks
 * `ageOf` but not `storage`. Scripts without letter case and spaces (`用户` in `查找用户名`) match anywhere.
 */
export function highlightRanges(text: string, terms: readonly string[]): TextRange[] {
  const ranges: TextRange[] = [];
  for (const term of terms) {
    if (term.length === 0) continue;
    const pattern = new RegExp(escapeRegExp(term), 'giu');
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      if (CASED_OR_DIGIT.test(term[0]!) && !isSubwordStart(text, start)) continue;
      ranges.push({ start, end: start + match[0].length });
    }
  }
  return mergeRanges(ranges);
}

function mergeRanges(ranges: TextRange[]): TextRange[] {
  ranges.sort((left, right) => left.start - right.start || left.end - right.end);
  const merged: TextRange[] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/** A piece of text, marked or not; the panel renders marked pieces in `<mark>`. */
export interface TextSegment {
  text: string;
  highlighted: boolean;
}

/** Cuts `text` into plain and highlighted pieces along sorted, non-overlapping `ranges`. */
export function splitHighlights(text: string, ranges: readonly TextRange[]): TextSegment[] {
  const segments: TextSegment[] = [];
  let offset = 0;
  for (const { start, end } of ranges) {
    const from = Math.max(start, offset);
    const to = Math.min(end, text.length);
    if (to <= from) continue;
    if (from > offset) segments.push({ text: text.slice(offset, from), highlighted: false });
    segments.push({ text: text.slice(from, to), highlighted: true });
    offset = to;
  }
  if (offset < text.length) segments.push({ text: text.slice(offset), highlighted: false });
  return segments;
}

/** One snippet line as displayed. */
export interface SnippetLine {
  /** 1-based line number in the file. */
  number: number;
  segments: TextSegment[];
  /** The line was cut at `maxLineLength`. */
  clipped: boolean;
}

export interface SnippetView {
  lines: SnippetLine[];
  /** Snippet lines left out above and below the window. */
  hiddenBefore: number;
  hiddenAfter: number;
}

export interface SnippetOptions {
  maxLines?: number;
  maxLineLength?: number;
}

/**
 * The part of a snippet to show: at most `maxLines` lines, starting at its first line that carries something (a
 * piece of a split function can start with `)` or `...`), or further down at the first line with a query word;
 * common indentation removed; words highlighted; long lines cut.
 */
export function snippetView(snippet: string, snippetStartLine: number, terms: readonly string[], options: SnippetOptions = {}): SnippetView {
  const maxLines = options.maxLines ?? 8;
  const maxLineLength = options.maxLineLength ?? 400;
  const lines = snippet.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();

  const firstWithWords = lines.findIndex((line) => !carriesNothing(line));
  let first = firstWithWords < 0 ? 0 : firstWithWords;
  if (lines.length - first > maxLines) {
    const firstMatch = lines.findIndex((line) => highlightRanges(line.slice(0, maxLineLength), terms).length > 0);
    // Keep one line of context above the first match.
    if (firstMatch >= first + maxLines) first = Math.min(firstMatch - 1, lines.length - maxLines);
  }
  const shown = lines.slice(first, first + maxLines);
  const indent = commonIndent(shown);
  return {
    lines: shown.map((line, offset) => {
      const dedented = line.slice(Math.min(indent, leadingWhitespace(line)));
      const clipped = dedented.length > maxLineLength;
      const text = clipped ? dedented.slice(0, maxLineLength) : dedented;
      return { number: snippetStartLine + first + offset, segments: splitHighlights(text, highlightRanges(text, terms)), clipped };
    }),
    hiddenBefore: first,
    hiddenAfter: lines.length - first - shown.length,
  };
}

function leadingWhitespace(line: string): number {
  return line.length - line.trimStart().length;
}

/** The length of the whitespace prefix all non-blank lines share. */
function commonIndent(lines: readonly string[]): number {
  let prefix: string | null = null;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const own = line.slice(0, leadingWhitespace(line));
    if (prefix === null) {
      prefix = own;
      continue;
    }
    let length = 0;
    while (length < prefix.length && length < own.length && prefix[length] === own[length]) length++;
    prefix = prefix.slice(0, length);
  }
  return prefix?.length ?? 0;
}
