// Prose units: Markdown, MDX, reStructuredText, AsciiDoc and plain text cut the way prose is read. A heading's
// section is a unit; a long section is cut at paragraph boundaries (a fenced code block is one paragraph), every
// piece keeping the heading path as its scope; a section too short to stand alone joins the next one; text with
// no headings (a plain text file, the text before a file's first heading) is cut into overlapping windows.
// Every unit reports exactly the lines it holds; a section with subsections (below a page's title) is an outline:
// its text also lists their titles, as a class's outline lists its members, and it reports its own lines.

import { isBlank, rowLines, type Draft, type DraftLine } from './draft.ts';
import { proseHeadings, type Heading, type ProseFormat } from './headings.ts';
import { headingText } from '../text/result-names.ts';
import type { ProseOptions } from './types.ts';

/**
 * The defaults: a heading's section whole (the window splitter fits it to the model), nothing merged, the text
 * before the first heading one unit. Every other setting measured so far lowered some dev set (search README,
 * docs table), so the product keeps the boundaries it had for Markdown.
 */
export const PROSE_DEFAULTS: ProseOptions = { maxChars: Infinity, maxLines: Infinity, overlapChars: 0, mergeBelowChars: 0, windowLines: Infinity, windowStep: Infinity };

/**
 * Units built for the stripped docs sets (a heading's words gone from its section): 60-line pieces with half
 * overlap, short sections merged to 2,500 characters, 30-line windows every 15 lines. With per-kind lexical
 * scoring they raised docs-fastapi stripped from 40.8 to 52.0 but lowered the full set from 87.8 to 76.4
 * (glove-100d lexical, bench/quality); not the default. Measured with each unit one lexical document
 * (../search/lexical-units.ts caps a unit at 1,600 characters; the measurement lifted that cap for sections).
 */
export const PROSE_WIDE: ProseOptions = { maxChars: 4000, maxLines: 60, overlapChars: 2000, mergeBelowChars: 2500, windowLines: 30, windowStep: 15 };

/** Code fences of Markdown (and AsciiDoc), and AsciiDoc's delimited blocks: in Markdown a line of `====` is a setext underline. */
const fenceOpen: Readonly<Record<ProseFormat, RegExp | undefined>> = {
  markdown: /^ {0,3}(`{3,}|~{3,})/,
  asciidoc: /^(`{3,})|^(-{4,}|\.{4,}|={4,}|\*{4,}|\+{4,}|_{4,}|\/{4,})[ \t]*$/,
  rst: undefined,
  plain: undefined,
};

/** Paragraphs of rows `start..end`: runs of non-blank lines; a fenced or delimited block is one paragraph. */
export function paragraphs(lines: readonly string[], start: number, end: number, format: ProseFormat): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  let row = start;
  while (row <= end) {
    while (row <= end && isBlank(lines[row]!)) row++;
    if (row > end) break;
    const first = row;
    const fence = fenceOpen[format]?.exec(lines[row]!) ?? null;
    if (fence !== null) {
      const marker = (fence[1] ?? fence[2]!).trim();
      row++;
      while (row <= end && !lines[row]!.trim().startsWith(marker)) row++;
      found.push({ start: first, end: Math.min(row, end) });
      row++;
      continue;
    }
    while (row <= end && !isBlank(lines[row]!)) row++;
    found.push({ start: first, end: row - 1 });
  }
  return found;
}

function charsOf(lines: readonly string[], start: number, end: number): number {
  let chars = 0;
  for (let row = start; row <= end; row++) chars += lines[row]!.length + 1;
  return chars;
}

interface Section {
  start: number;
  end: number;
  heading: Heading | undefined;
  scope: string[];
}

/** Sections of a file: the text before the first heading (no heading), then one per heading. */
function sections(lines: readonly string[], found: readonly Heading[], options: ProseOptions): Section[] {
  const result: Section[] = [];
  const firstRow = found[0]?.row ?? lines.length;
  if (firstRow > 0) result.push({ start: 0, end: firstRow - 1, heading: undefined, scope: [] });
  const chain: Heading[] = [];
  let pending: Section | undefined; // a heading too thin to stand alone, merged into the section after it
  for (let index = 0; index < found.length; index++) {
    const heading = found[index]!;
    const end = (found[index + 1]?.row ?? lines.length) - 1;
    while (chain.length > 0 && chain.at(-1)!.level >= heading.level) chain.pop();
    chain.push(heading);
    const next = found[index + 1];
    const empty = lines.slice(heading.endRow + 1, end + 1).every(isBlank);
    const section: Section = { start: pending?.start ?? heading.row, end, heading, scope: chain.map((entry) => entry.text) };
    if (next !== undefined && empty && next.level > heading.level) {
      // A heading with no text of its own leads into its first subsection, whose scope names both.
      pending ??= section;
      continue;
    }
    if (next !== undefined && charsOf(lines, section.start, end) < options.mergeBelowChars) {
      pending ??= section;
      continue;
    }
    // Merged headings: the unit is named by its last heading, the one its text belongs to.
    result.push({ ...section, start: pending?.start ?? section.start });
    pending = undefined;
  }
  return result;
}

/** Overlapping windows of rows `start..end`, each trimmed of blank lines at its ends. */
function windows(lines: readonly string[], start: number, end: number, options: ProseOptions): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  let first = start;
  while (first <= end && isBlank(lines[first]!)) first++;
  for (let from = first; from <= end; from += options.windowStep) {
    while (from <= end && isBlank(lines[from]!)) from++;
    if (from > end) break;
    let to = Math.min(end, from + options.windowLines - 1);
    while (to > from && isBlank(lines[to]!)) to--;
    if (found.length === 0 || to > found.at(-1)!.end) found.push({ start: from, end: to });
    if (from + options.windowLines - 1 >= end) break;
  }
  return found;
}

/**
 * Pieces of a section: its paragraphs packed in order into pieces within the limits; each piece after the first
 * repeats the trailing paragraphs of the one before that fit in `overlapChars`.
 */
function pieces(lines: readonly string[], section: Section, format: ProseFormat, options: ProseOptions): { start: number; end: number }[] {
  if (charsOf(lines, section.start, section.end) <= options.maxChars && section.end - section.start < options.maxLines) {
    return [{ start: section.start, end: section.end }];
  }
  const parts: { start: number; end: number }[] = [];
  for (const paragraph of paragraphs(lines, section.start, section.end, format)) {
    // A paragraph longer than maxLines on its own (a long list, a long code block) is cut between lines; one
    // over maxChars only stays whole (the window splitter fits it to the model).
    let from = paragraph.start;
    for (let row = paragraph.start; row <= paragraph.end; row++) {
      if (row - from >= options.maxLines) {
        parts.push({ start: from, end: row - 1 });
        from = row;
      }
    }
    parts.push({ start: from, end: paragraph.end });
  }
  // The heading belongs to the first piece.
  if (parts.length > 0) parts[0]!.start = section.start;
  const found: { start: number; end: number }[] = [];
  const fits = (first: number, last: number) => charsOf(lines, parts[first]!.start, parts[last]!.end) <= options.maxChars && parts[last]!.end - parts[first]!.start < options.maxLines;
  for (let first = 0; first < parts.length; ) {
    let last = first;
    while (last + 1 < parts.length && fits(first, last + 1)) last++;
    found.push({ start: parts[first]!.start, end: parts[last]!.end });
    if (last + 1 >= parts.length) break;
    let next = last + 1;
    while (next - 1 > first && charsOf(lines, parts[next - 1]!.start, parts[last]!.end) <= options.overlapChars) next--;
    first = next;
  }
  return found;
}

/** The row of a heading's text: the middle line of an overlined reST title, else its first line. */
function titleRow(heading: Heading): number {
  return heading.endRow - heading.row === 2 ? heading.row + 1 : heading.row;
}

/** The most subsection titles a section's outline lists. */
const OUTLINE_TITLES = 40;

/**
 * The titles of the subsections of `found[index]` (its direct ones: the shallowest level among the headings up to the
 * next one of its level or above), as elided lines at their own rows: the section's outline, as a class's outline
 * lists its members. A section that opens a chapter ("Running on Startup", then "Run Automatically on Startup",
 * "Example Tools to Run at Startup") says in its own text little of what the chapter covers; its subsections' titles
 * say it.
 */
function subsectionTitles(lines: readonly string[], found: readonly Heading[], index: number): DraftLine[] {
  const level = found[index]!.level;
  let end = index + 1;
  let childLevel = Infinity;
  for (; end < found.length && found[end]!.level > level; end++) childLevel = Math.min(childLevel, found[end]!.level);
  const titles: DraftLine[] = [];
  for (let child = index + 1; child < end && titles.length < OUTLINE_TITLES; child++) {
    if (found[child]!.level !== childLevel) continue;
    const row = titleRow(found[child]!);
    // Without a MkDocs attribute list (`{ #restart-after-crash }`), which says each title's words a second time.
    titles.push({ row, text: headingText(lines[row]!.trim()), elided: true });
  }
  return titles;
}

/** Drafts of a prose file, in line order. */
export function proseDrafts(lines: readonly string[], format: ProseFormat, options: ProseOptions = PROSE_DEFAULTS): Draft[] {
  const drafts: Draft[] = [];
  const found = proseHeadings(lines, format);
  const positions = new Map(found.map((heading, index) => [heading, index]));
  for (const section of sections(lines, found, options)) {
    const heading = section.heading;
    const ranges = heading === undefined ? windows(lines, section.start, section.end, options) : pieces(lines, section, format, options);
    // A section in one piece lists its subsections' titles after its text and reports only its own lines (its head).
    // Not a page's title: listing every section of the page, it matched any query about the page better than the
    // section that answers it (docs-fastapi stripped −0.7 nDCG@10 with page titles, against without).
    const outline = heading !== undefined && heading.level > 1 && ranges.length === 1 ? subsectionTitles(lines, found, positions.get(heading)!) : [];
    for (const range of ranges) {
      drafts.push({
        kind: 'section',
        symbol: heading?.text,
        scope: section.scope,
        signature: heading === undefined ? undefined : lines[titleRow(heading)]!.trim(),
        docComment: undefined,
        lines: [...rowLines(lines, range.start, range.end), ...outline],
        ...(heading === undefined ? {} : { definition: outline.length > 0 ? { row: titleRow(heading), headEndRow: range.end } : { row: titleRow(heading) } }),
      });
    }
  }
  return drafts;
}
