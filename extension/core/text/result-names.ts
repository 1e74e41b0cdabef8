// How a result is named wherever it is shown (the CLI, the QuickPick, the panel): its symbol and the scopes
// around it. A Markdown section's scope is its heading path, which ends with its own heading (already its
// symbol), and MkDocs-style attribute lists (`{ #request-body }`) are markup, not words: shown as stored, a
// section read "Request Body { #request-body }.Request Body { #request-body }". No imports: the panel uses it too.

/** A heading without a trailing attribute list: "Request Body { #request-body }" → "Request Body". */
export function headingText(text: string): string {
  return text.replace(/\s*\{\s*[:#.][^{}]*\}\s*$/, '').trim() || text;
}

/** Empty inline HTML elements, as docs put anchors in headings: `<a name="flat-eslint"></a>`, `<span id="x"></span>`, `<a id="x"/>`. */
const EMPTY_ELEMENT = /<([a-z][a-z0-9]*)\b[^<>]*>\s*<\/\1>|<[a-z][a-z0-9]*\b[^<>]*\/>/gi;

/** A Markdown link, `[text](target)`, and strong emphasis, `**text**`: markup around a heading's words. */
const LINK = /\[([^\]]+)\]\([^()\s]*\)/g;
const STRONG = /\*\*([^*\s](?:[^*]*[^*\s])?)\*\*/g;

/**
 * A heading as a reader should see it in a result: without its attribute list, empty HTML anchors (ESLint's
 * migration guides write `## <a name="flat-eslint"></a> \`FlatESLint\` is now \`ESLint\``), links (`[Manage
 * Issues](manage-issues)`) and strong emphasis (FastAPI's `Type hints in **FastAPI**`); code spans are left as
 * written. Only for display: the stored heading, which the index and the chunk's text use, stays as written.
 */
export function shownHeading(text: string): string {
  // Odd parts are inside backticks.
  const shown = text
    .split('`')
    .map((part, index) => (index % 2 === 1 ? part : part.replace(EMPTY_ELEMENT, ' ').replace(LINK, '$1').replace(STRONG, '$1')))
    .join('`')
    .replace(/\s{2,}/g, ' ')
    .trim();
  return headingText(shown || text);
}

/** What names a result: its symbol and its enclosing scopes, outermost first, each as a reader should see it. */
export interface ResultName {
  symbol: string | undefined;
  scope: string[];
}

/** The name to show for a result; the scope never ends with the symbol itself. */
export function resultName(result: { kind: string; symbol: string | null | undefined; scope: readonly string[] }): ResultName {
  const shown = (part: string) => (result.kind === 'section' ? shownHeading(part) : part);
  const symbol = result.symbol ?? undefined;
  const scope = symbol !== undefined && result.scope.at(-1) === symbol ? result.scope.slice(0, -1) : result.scope;
  return { symbol: symbol === undefined ? undefined : shown(symbol), scope: scope.map(shown) };
}

/** The name on one line: `Session.request` for code, `Tutorial › Request Body` for a section's heading path. */
export function qualifiedResultName(result: { kind: string; symbol: string | null | undefined; scope: readonly string[] }): string | undefined {
  const { symbol, scope } = resultName(result);
  return symbol === undefined ? undefined : [...scope, symbol].join(result.kind === 'section' ? ' › ' : '.');
}
