// Sections of HTML documentation (what most documentation packages ship): each <h1>–<h4> heading and the
// text up to the next heading, tags removed, one line per block element. Only for training pairs (the
// chunker reads HTML as text windows); regular expressions are enough for generated documentation.

export interface HtmlSection {
  title: string;
  /** The section's text, blocks on their own lines. */
  body: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', para: '', hellip: '…', mdash: '—', ndash: '–', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', copy: '©' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (match, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16) || 32);
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)) || 32);
    return ENTITIES[entity.toLowerCase()] ?? match;
  });
}

/** Text of an HTML fragment: block ends become line breaks, tags go, entities are decoded, blank runs collapse. */
export function htmlText(fragment: string): string {
  return decodeEntities(
    fragment
      .replace(/<(script|style|nav|header|footer)\b[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<\/(p|div|li|pre|tr|dd|dt|h\d|table|ul|ol|blockquote)>|<br\s*\/?>/gi, '\n')
      .replace(/<[^>]+>/g, ''),
  )
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The headed sections of an HTML page, in order; text before the first heading is not a section. */
export function htmlSections(html: string): HtmlSection[] {
  const main = /<body\b[\s\S]*<\/body>/i.exec(html)?.[0] ?? html;
  const headings = [...main.matchAll(/<h([1-4])\b[^>]*>([\s\S]*?)<\/h\1>/gi)];
  return headings.map((heading, index) => {
    const start = heading.index! + heading[0].length;
    const end = index + 1 < headings.length ? headings[index + 1]!.index! : main.length;
    // Sphinx and others put a pilcrow or "¶" permalink inside the heading.
    const title = htmlText(heading[2]!).replace(/[¶#]\s*$/, '').replace(/\s+/g, ' ').trim();
    return { title, body: htmlText(main.slice(start, end)) };
  });
}
