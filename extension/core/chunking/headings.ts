// Headings of prose files: Markdown (and MDX) ATX and setext headings, reStructuredText underlined (and
// overlined) titles, AsciiDoc `=` titles. Each format's code blocks, front matter and comments are skipped so
// that a `# comment` in a code sample is never a heading. Pure line scanning: no parser, linear in the text.

import { isBlank } from './draft.ts';

/** How a prose file marks its headings. `plain` has none. */
export type ProseFormat = 'markdown' | 'rst' | 'asciidoc' | 'plain';

export interface Heading {
  /** 0-based row of the heading's first line (an reST overline, else the title). */
  row: number;
  /** 0-based row of its last line (a setext or reST underline, else `row`). */
  endRow: number;
  /** 1 for the outermost level. */
  level: number;
  /** The title without its markup (hashes, underline), anchors kept. */
  text: string;
}

/**
 * A title as written. Attribute anchors (`{ #install }`) are kept: FastAPI's repeat the title's words, and
 * dropping them from the symbol column cost 3 points of lexical nDCG@10 on the full docs-fastapi set.
 */
function cleanTitle(raw: string): string {
  return raw.trim();
}

// ---- Markdown / MDX ----

const atxPattern = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const fencePattern = /^ {0,3}(`{3,}|~{3,})/;
const setextPattern = /^ {0,3}(=+|-+)[ \t]*$/;
/** Lines that cannot be a setext title: list items, quotes, tables, HTML, indented code. */
const notATitle = /^(?: {4}|\t| {0,3}(?:[-+*>|<]|\d+[.)]\s|#))/;

/** Rows of YAML (`---`) or TOML (`+++`) front matter at the top of a file, or 0. */
function frontMatterEnd(lines: readonly string[]): number {
  const open = lines[0]?.trim();
  if (open !== '---' && open !== '+++') return 0;
  const close = lines.findIndex((line, index) => index > 0 && (line.trim() === open || (open === '---' && line.trim() === '...')));
  return close > 0 ? close + 1 : 0;
}

function markdownHeadings(lines: readonly string[]): Heading[] {
  const found: Heading[] = [];
  let fence: string | undefined;
  let inComment = false;
  const start = frontMatterEnd(lines);
  for (let row = start; row < lines.length; row++) {
    const line = lines[row]!;
    if (inComment) {
      if (line.includes('-->')) inComment = false;
      continue;
    }
    const fenceMatch = fencePattern.exec(line);
    if (fence !== undefined) {
      if (fenceMatch !== null && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length && line.trim() === fenceMatch[1]) fence = undefined;
      continue;
    }
    if (fenceMatch !== null && !(fenceMatch[1]![0] === '`' && line.slice(line.indexOf('`') + fenceMatch[1]!.length).includes('`'))) {
      fence = fenceMatch[1]!;
      continue;
    }
    if (/^ {0,3}<!--/.test(line) && !line.includes('-->')) {
      inComment = true;
      continue;
    }
    const atx = atxPattern.exec(line);
    if (atx !== null) {
      // A closing sequence of #s is not part of the text (`## Install ##`).
      const text = cleanTitle((atx[2] ?? '').replace(/(?:^|[ \t]+)#+[ \t]*$/, ''));
      found.push({ row, endRow: row, level: atx[1]!.length, text });
      continue;
    }
    // Setext: a one-line paragraph underlined with === (level 1) or --- (level 2). A `---` after a blank line is
    // a thematic break, not an underline.
    const next = lines[row + 1];
    if (next !== undefined && !isBlank(line) && !notATitle.test(line) && setextPattern.test(next) && (row === start || isBlank(lines[row - 1]!) || found.at(-1)?.endRow === row - 1)) {
      found.push({ row, endRow: row + 1, level: next.trim()[0] === '=' ? 1 : 2, text: cleanTitle(line) });
      row++;
    }
  }
  return found;
}

// ---- reStructuredText ----

/** A line of one repeated punctuation character, at least three long (a section adornment). */
const adornmentPattern = /^([!-/:-@[-`{-~])\1{2,}[ \t]*$/;

function rstHeadings(lines: readonly string[]): Heading[] {
  const found: Heading[] = [];
  // Levels follow the order in which adornment styles first appear (reST has no fixed hierarchy).
  const styles: string[] = [];
  const levelOf = (style: string): number => {
    let index = styles.indexOf(style);
    if (index < 0) index = styles.push(style) - 1;
    return index + 1;
  };
  const wideEnough = (adornment: string, title: string): boolean =>
    // East Asian titles are wider than their characters; their underlines are often shorter than the text.
    adornment.trimEnd().length >= title.trim().length || /[^\x00-\x7f]/.test(title);
  for (let row = 0; row + 1 < lines.length; row++) {
    const line = lines[row]!;
    const over = adornmentPattern.exec(line);
    if (over !== null && row + 2 < lines.length) {
      // Overline, title (may be inset), underline of the same character.
      const title = lines[row + 1]!;
      const under = lines[row + 2]!;
      if (!isBlank(title) && !adornmentPattern.test(title) && under.trimEnd() === line.trimEnd() && wideEnough(line, title)) {
        found.push({ row, endRow: row + 2, level: levelOf(`${over[1]}o`), text: cleanTitle(title) });
        row += 2;
        continue;
      }
    }
    if (isBlank(line) || /^\s/.test(line) || adornmentPattern.test(line) || line.startsWith('.. ')) continue;
    const under = adornmentPattern.exec(lines[row + 1]!);
    if (under === null || !wideEnough(lines[row + 1]!, line)) continue;
    // A title is a paragraph of its own: the line above is blank, the start of the file, or another title.
    if (row > 0 && !isBlank(lines[row - 1]!) && found.at(-1)?.endRow !== row - 1) continue;
    found.push({ row, endRow: row + 1, level: levelOf(`${under[1]}u`), text: cleanTitle(line) });
    row++;
  }
  return found;
}

// ---- AsciiDoc ----

const asciidocTitle = /^(={1,6}|#{1,6})[ \t]+(\S.*?)[ \t]*$/;
/** Delimited blocks whose content is never a title: listing, literal, example, sidebar, passthrough, quote, comment. */
const asciidocDelimiter = /^(-{4,}|\.{4,}|={4,}|\*{4,}|\+{4,}|_{4,}|\/{4,}|`{3,})[ \t]*$/;

function asciidocHeadings(lines: readonly string[]): Heading[] {
  const found: Heading[] = [];
  let block: string | undefined;
  for (let row = 0; row < lines.length; row++) {
    const line = lines[row]!;
    const delimiter = asciidocDelimiter.exec(line);
    if (block !== undefined) {
      if (delimiter !== null && line.trimEnd() === block) block = undefined;
      continue;
    }
    if (delimiter !== null) {
      block = line.trimEnd();
      continue;
    }
    if (line.startsWith('//')) continue;
    const title = asciidocTitle.exec(line);
    if (title !== null) found.push({ row, endRow: row, level: title[1]!.length, text: cleanTitle(title[2]!.replace(/[ \t]+=+$/, '')) });
  }
  return found;
}

/** The headings of a prose file, in order. */
export function proseHeadings(lines: readonly string[], format: ProseFormat): Heading[] {
  switch (format) {
    case 'markdown':
      return markdownHeadings(lines);
    case 'rst':
      return rstHeadings(lines);
    case 'asciidoc':
      return asciidocHeadings(lines);
    case 'plain':
      return [];
  }
}
