// reStructuredText sections (Python and Sphinx documentation: `.rst`, and `.rst.txt` under a built
// site's `_sources/`). The chunker has no reST grammar (such files are line windows), so training pairs
// of reST prose come from here: a title underlined (and optionally overlined) with one punctuation
// character repeated at least as long as the title starts a section that runs to the next title.

/** One section: its title and the lines of its body (1-based, inclusive), title and adornment excluded. */
export interface RestSection {
  title: string;
  /** Titles above it, outermost first (by the order adornment styles first appear, as reST decides levels). */
  parents: string[];
  startLine: number;
  endLine: number;
  body: string;
}

const ADORNMENT = /^([=\-~^"'`#*+_:.<>])\1{2,}\s*$/;

/** Sections of a reST text, in order. Text before the first title is not a section. */
export function restSections(text: string): RestSection[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const titles: { row: number; bodyStart: number; title: string; style: string }[] = [];
  for (let row = 1; row < lines.length; row++) {
    const underline = lines[row]!;
    const match = ADORNMENT.exec(underline);
    if (!match) continue;
    const title = lines[row - 1]!.trim();
    if (title === '' || ADORNMENT.test(title) || /^\s/.test(lines[row - 1]!) || underline.trim().length < title.length) continue;
    const over = row >= 2 && lines[row - 2]!.trim() === underline.trim();
    const style = `${over ? 'o' : ''}${match[1]}`;
    const titleRow = row - 1 - (over ? 1 : 0);
    if (titles.length > 0 && titles.at(-1)!.bodyStart > titleRow) continue;
    titles.push({ row: titleRow, bodyStart: row + 1, title, style });
  }
  const styles: string[] = [];
  const stack: { level: number; title: string }[] = [];
  const sections: RestSection[] = [];
  titles.forEach((entry, index) => {
    let level = styles.indexOf(entry.style);
    if (level < 0) level = styles.push(entry.style) - 1;
    while (stack.length > 0 && stack.at(-1)!.level >= level) stack.pop();
    const end = index + 1 < titles.length ? titles[index + 1]!.row : lines.length;
    sections.push({
      title: entry.title,
      parents: stack.map((item) => item.title),
      startLine: entry.bodyStart + 1,
      endLine: end,
      body: lines.slice(entry.bodyStart, end).join('\n'),
    });
    stack.push({ level, title: entry.title });
  });
  return sections;
}
