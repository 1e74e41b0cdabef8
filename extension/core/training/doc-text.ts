// What a doc comment or docstring says, as a search query: its first paragraph, markup removed. The
// evaluation sets' queries are made the same way (first paragraph, whitespace collapsed, `{@link X}` →
// X, reST roles unwrapped), and so are the queries users type about documented code.

/** A line that starts the tags of a doc comment (`@param`, `:param x:`, `Args:`): the summary is over. */
const TAG_LINE = /^(@\w+|:\w+[^:]*:|(Args|Arguments|Parameters|Returns|Return|Raises|Yields|Example|Examples|Note|Notes|See Also|Attributes)\s*:?\s*$|-{3,}|={3,})/;

/** Longest query kept, in characters: beyond this a paragraph is a description, not a summary. */
const MAX_QUERY_LENGTH = 400;

/** Comment markers at the start of a line: `/**`, `*`, `//`, `///`, `//!`, `#`, and closing markers at its end. */
function stripMarkers(line: string): string {
  return line
    .replace(/^\s*(\/\*+!?|\*\/|\*+(?!\*)|\/\/[/!]?|#+|--)\s?/, '')
    .replace(/\s*\*+\/\s*$/, '')
    .trim();
}

/** Inline markup of JSDoc, reST, Markdown and HTML reduced to its words. */
export function plainText(text: string): string {
  return text
    .replace(/\{@\w+\s+([^}|]*?)(\s*\|[^}]*)?\}/g, '$1') // {@link X} and {@link X | label}
    .replace(/:[\w:.-]+:`~?([^`<]*?)(\s*<[^>]*>)?`/g, (_match, name: string) => name.replace(/^.*\.(?=\w)/, '')) // :class:`~a.B` → B
    .replace(/<\/?[A-Za-z][^>]*>/g, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // [text](url)
    .replace(/`{1,3}([^`]+)`{1,3}/g, '$1')
    .replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, '$1$2')
    .replace(/(^|\s)[*_]([^*_\s][^*_]*)[*_](?=\s|$|[.,;:])/g, '$1$2')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The first paragraph of comment text (markers already stripped or not), as one line of plain text. */
function firstParagraph(lines: readonly string[]): string {
  const kept: string[] = [];
  for (const raw of lines) {
    const line = stripMarkers(raw);
    if (TAG_LINE.test(line)) break;
    if (line === '') {
      if (kept.length > 0) break;
      continue;
    }
    kept.push(line);
  }
  return plainText(kept.join(' '));
}

/** Whether a summary is worth a pair: enough words, not a marker of its own. */
export function isUsableSummary(text: string, minimumWords = 3): boolean {
  if (text.length < 10) return false;
  if (/^(deprecated|todo|fixme|xxx|hack|internal|private|copyright|license|eslint|istanbul|prettier|jshint|noinspection|@ts-|type:|pylint|noqa)\b/i.test(text)) return false;
  if (/^[\s\-=*#/]*$/.test(text)) return false;
  return text.split(' ').filter((word) => /[A-Za-z]/.test(word)).length >= minimumWords;
}

/** The query a doc comment (JSDoc, GoDoc, `///`, `#`) gives, or undefined when it is too thin. */
export function docCommentSummary(docComment: string): string | undefined {
  const summary = cut(firstParagraph(docComment.split('\n')));
  return isUsableSummary(summary) ? summary : undefined;
}

/** The query a Python docstring's text (quotes removed) gives, or undefined when it is too thin. */
export function docstringSummary(docstring: string): string | undefined {
  const summary = cut(firstParagraph(docstring.split('\n').map((line) => line.replace(/^\s+/, ''))));
  return isUsableSummary(summary) ? summary : undefined;
}

function cut(text: string): string {
  if (text.length <= MAX_QUERY_LENGTH) return text;
  const sentence = /^.*?[.!?](?=\s|$)/.exec(text)?.[0];
  return sentence !== undefined && sentence.length <= MAX_QUERY_LENGTH ? sentence : text.slice(0, MAX_QUERY_LENGTH);
}

/**
 * An identifier as the words a user would type: `parseHTTPHeader` → `parse http header`,
 * `extract_cookies_to_jar` → `extract cookies to jar`, `Sha256Sum` → `sha 256 sum`.
 */
export function identifierWords(identifier: string): string[] {
  return identifier
    .replace(/(?<=\p{Ll}|\p{N})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/gu, ' ')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
}
