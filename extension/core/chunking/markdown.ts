// Markdown by heading sections: ATX headings (`#` … `######`) outside fenced code blocks and front matter. A
// section runs from its heading to the next heading of any level; its scope is the chain of headings above it,
// itself included. Setext headings (underlined with === or ---) are not recognised.

import { isBlank, rowLines, type Draft } from './draft.ts';

const headingPattern = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const fencePattern = /^ {0,3}(`{3,}|~{3,})/;

interface Heading {
  row: number;
  level: number;
  text: string;
}

function headingText(raw: string | undefined): string {
  // A closing sequence of #s is not part of the text (`## Install ##`).
  return (raw ?? '').replace(/(?:^|[ \t]+)#+[ \t]*$/, '').trim();
}

function headings(lines: readonly string[]): Heading[] {
  const found: Heading[] = [];
  let row = 0;
  if (lines[0]?.trim() === '---') {
    // Front matter: YAML comments inside it would look like headings.
    const close = lines.findIndex((line, index) => index > 0 && (line.trim() === '---' || line.trim() === '...'));
    if (close > 0) row = close + 1;
  }
  let fence: string | undefined;
  for (; row < lines.length; row++) {
    const line = lines[row]!;
    const fenceMatch = fencePattern.exec(line);
    if (fence !== undefined) {
      if (fenceMatch !== null && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length && line.trim() === fenceMatch[1]) {
        fence = undefined;
      }
      continue;
    }
    if (fenceMatch !== null && !(fenceMatch[1]![0] === '`' && line.slice(line.indexOf('`') + fenceMatch[1]!.length).includes('`'))) {
      fence = fenceMatch[1]!;
      continue;
    }
    const heading = headingPattern.exec(line);
    if (heading !== null) found.push({ row, level: heading[1]!.length, text: headingText(heading[2]) });
  }
  return found;
}

function sectionIsEmpty(lines: readonly string[], start: number, end: number): boolean {
  for (let row = start + 1; row <= end; row++) if (!isBlank(lines[row]!)) return false;
  return true;
}

/** Drafts of a Markdown file: a preamble (text before the first heading) and one draft per section. */
export function markdownDrafts(lines: readonly string[]): Draft[] {
  const found = headings(lines);
  const drafts: Draft[] = [];
  const firstHeadingRow = found[0]?.row ?? lines.length;
  if (firstHeadingRow > 0) {
    drafts.push({
      kind: 'section',
      symbol: undefined,
      scope: [],
      signature: undefined,
      docComment: undefined,
      lines: rowLines(lines, 0, firstHeadingRow - 1),
    });
  }
  const chain: Heading[] = [];
  let pendingStart: number | undefined; // a heading with no text of its own, merged into its first subsection
  for (let index = 0; index < found.length; index++) {
    const heading = found[index]!;
    const end = (found[index + 1]?.row ?? lines.length) - 1;
    while (chain.length > 0 && chain.at(-1)!.level >= heading.level) chain.pop();
    chain.push(heading);
    const next = found[index + 1];
    if (next !== undefined && next.level > heading.level && sectionIsEmpty(lines, heading.row, end)) {
      pendingStart ??= heading.row;
      continue;
    }
    drafts.push({
      kind: 'section',
      symbol: heading.text,
      scope: chain.map((entry) => entry.text),
      signature: lines[heading.row]!.trim(),
      docComment: undefined,
      lines: rowLines(lines, pendingStart ?? heading.row, end),
      definition: { row: heading.row },
    });
    pendingStart = undefined;
  }
  return drafts;
}
