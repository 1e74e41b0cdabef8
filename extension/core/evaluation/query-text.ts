// What a doc comment or docstring says a definition does, as sentences a user might search with. The
// model evaluation, the migration report's quality section and the storage comparison all draw their
// queries through here, so one cleaning rule serves them all. Pure text functions: no store, no model.
//
// Real repositories taught the rules: requests' `# From mitsuhiko/werkzeug (used with permission).`
// above three functions became three identical queries; reST `:param x:` lists, Google `Args:` and NumPy
// `Parameters\n----------` sections, doctests and directives describe arguments, not what the code does.

/** Fewest words (runs of letters) a query must have: "Get top of stack." passes, "Deprecated." does not. */
export const MINIMUM_QUERY_WORDS = 3;

/**
 * A line that ends the summary of a doc comment: a JSDoc/Javadoc tag, a reST field (`:param x:`,
 * `:returns:`), a Google section header (`Args:`), a NumPy section header or its underline, a reST
 * directive (`.. note::`), a doctest prompt, or a literal block opener (`Example::`).
 */
const SECTION_LINE = new RegExp(
  [
    String.raw`^:?@\w+`,
    String.raw`^:(param|parameter|arg|argument|key|keyword|type|vartype|var|ivar|cvar|return|returns|rtype|raise|raises|except|exception|yield|yields|meta)\b`,
    String.raw`^(args|arguments|attributes|keyword args|keyword arguments|other parameters|parameters|params|returns?|return type|raises|yields?|examples?|usage|see also|notes?|warnings?|warns|references|todo|methods)\s*:?\s*$`,
    String.raw`^[-=~^*]{3,}\s*$`,
    String.raw`^\.\.\s+[\w:-]+::`,
    String.raw`^>>>`,
    String.raw`::\s*$`,
    String.raw`^(deprecated|bug)\s*:`,
  ].join('|'),
  'i',
);

/**
 * Sentences that are about the file rather than the definition: licences, copyright, attribution,
 * authorship, generated-code banners, tool directives and work notes. A query made of one of them names
 * no particular definition (requests documents three functions with the same attribution line).
 */
const BOILERPLATE: readonly RegExp[] = [
  /\b(copyright|all rights reserved|spdx-license-identifier|licen[cs]ed under|used with permission|with (the )?permission of)\b|\(c\)|©/i,
  /\b(mit|apache|bsd|gpl|lgpl|mpl|isc)[- ]licen[cs]e\b|\blicen[cs]e\s*:/i,
  /\b(governed by|terms of)\b.*\blicen[cs]e|\blicen[cs]e\b.*\b(can be found|found in the|see the)\b/i,
  /^(taken|adapted|copied|borrowed|ported|derived|lifted|vendored|backported|inspired)\s+(from|by)\b/i,
  /^(from|via|source|based on|credits?( to)?|thanks to|courtesy of)\s*:?\s*(https?:\/\/|[\w.-]+\/[\w.-]+|[\w-]+\.(com|org|net|io)\b)/i,
  /^(authors?|maintainers?|written by|created by|contributed by|contributors?)\b/i,
  /\b(auto-?generated|do not edit)\b/i,
  /^(code |this (file|code|module) (is|was) )?(automatically )?generated (by|from|with)\b/i,
  /^(noqa|type:\s*ignore|pylint:|pyright:|mypy:|fmt:\s*(off|on|skip)|isort:|eslint-(disable|enable)|prettier-ignore|istanbul ignore|c8 ignore|@ts-|nolint|go:\w+|\+build|#?region\b|#?endregion\b|-\*-|coding[:=]|!\/|vim?:|clang-format)/i,
  /^(todo|fixme|xxx|hack|bug)\b/i,
  /^https?:\/\/\S+$/i,
];

/** Abbreviations whose period does not end a sentence. */
const ABBREVIATIONS = /\b(e\.g|i\.e|etc|vs|cf|approx|resp|incl|no|nb|viz|al|mr|mrs|dr)\.(?=\s)/gi;
/** Stands for the period of an abbreviation while sentences are split. */
const HELD_PERIOD = '\u0000';

/** The line without comment markers (`/**`, `*`, `//`, `///`, `#`, `--`) and docstring quotes. */
function withoutMarkers(line: string): string {
  return line
    .replace(/^\s*(\/\*+!?|\*\/|\*+|\/\/[\/!]?|#+|[rRuUbB]?"""|[rRuUbB]?'''|--)\s?/, '')
    .replace(/\s*(\*\/|"""|''')\s*$/, '')
    .trim();
}

/** Markup unwrapped: JSDoc inline tags, XML tags, Markdown and reST emphasis, roles, links, Go doc links. */
function withoutMarkup(text: string): string {
  return text
    .replace(/\{@\w+\s+([^}|]*)(\|[^}]*)?\}/g, '$1')
    .replace(/<\/?[A-Za-z][^>]*>/g, ' ')
    .replace(/:[\w:.-]+:`~?([^`<]*?)(\s*<[^>]*>)?`/g, '$1')
    .replace(/``([^`]+)``/g, '$1')
    .replace(/`([^`]+)`_?/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/(^|\W)\*([^*\s][^*]*)\*(?=\W|$)/g, '$1$2')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\[([\w.*]+)\]/g, '$1')
    .replace(/\s+/g, ' ')
    .replace(/\s+([.,;:!?)])(?=\s|$)/g, '$1')
    .replace(/\(\s+/g, '(')
    .trim();
}

/** A text split into sentences at ".", "!" or "?" before a space; "e.g." and dots inside words ("requests.get", "1.5") do not split. */
function sentencesOf(text: string): string[] {
  const held = text.replace(ABBREVIATIONS, (match) => `${match.slice(0, -1)}${HELD_PERIOD}`);
  const sentences: string[] = [];
  for (const piece of held.split(/(?<=[.!?])\s+(?=\S)/)) {
    // "…in this function: 1. Count…": an enumeration's number ends no sentence.
    if (sentences.length > 0 && /(^|\s)\d+\.$/.test(sentences.at(-1)!)) sentences[sentences.length - 1] += ` ${piece}`;
    else sentences.push(piece);
  }
  return sentences.map((sentence) => sentence.replaceAll(HELD_PERIOD, '.').trim()).filter((sentence) => sentence !== '');
}

/** Whether a sentence is about licences, authors, tools or generated code rather than what the code does. */
export function isBoilerplate(sentence: string): boolean {
  return BOILERPLATE.some((pattern) => pattern.test(sentence));
}

/** Words of a sentence: runs of letters (identifiers split at underscores count as one word each). */
function wordCount(sentence: string): number {
  return sentence.match(/\p{L}{2,}/gu)?.length ?? 0;
}

/** Whether a sentence can be a query: enough words, not boilerplate, not a bare signature. */
function usable(sentence: string): boolean {
  if (wordCount(sentence) < MINIMUM_QUERY_WORDS) return false;
  if (isBoilerplate(sentence)) return false;
  // A signature repeated as the first line (C extensions, some stubs): `foo(a, b) -> int`.
  if (/^[\w.]+\(.*\)\s*(->.*)?\.?$/.test(sentence)) return false;
  return true;
}

/** The summary of a documentation text and whether it ended where the text was cut. */
export interface SummarySentences {
  /** Usable sentences of the summary (before the first tag or section line), in order. */
  sentences: string[];
  /** Sentences left out as licence, attribution, tooling or work notes. */
  boilerplate: number;
}

/**
 * The sentences a doc comment or docstring opens with, usable as queries: comment markers, quotes and
 * markup removed; stopping at the first tag or section line (`@param`, `:param x:`, `Args:`, a NumPy
 * header, `>>>`, `.. note::`); without licence, attribution, authorship or tooling sentences and those
 * of fewer than three words. `cut`: the text was cut off (a docstring that goes on in the next piece of
 * a split chunk), so its last sentence counts only when it ends with its punctuation.
 */
export function summarySentences(documentation: string, cut = false): SummarySentences {
  const paragraphs: string[][] = [[]];
  // Only a summary that runs to the end of a cut text may have been cut: a section line or a blank line ended it.
  let open = cut;
  for (const raw of documentation.split('\n')) {
    const line = withoutMarkers(raw);
    if (SECTION_LINE.test(line)) {
      open = false;
      break;
    }
    if (line === '') {
      if (paragraphs.at(-1)!.length > 0) paragraphs.push([]);
      continue;
    }
    paragraphs.at(-1)!.push(line);
  }
  const sentences: string[] = [];
  let boilerplate = 0;
  const filled = paragraphs.filter((lines) => lines.length > 0);
  filled.forEach((lines, position) => {
    const found = sentencesOf(withoutMarkup(lines.join(' ')));
    // The last sentence of a cut text may go on beyond the cut.
    if (open && paragraphs.at(-1)!.length > 0 && position === filled.length - 1 && found.length > 0 && !/[.!?]$/.test(found.at(-1)!)) found.pop();
    for (const sentence of found) {
      if (isBoilerplate(sentence)) boilerplate += 1;
      else if (usable(sentence)) sentences.push(sentence);
    }
  });
  return { sentences, boilerplate };
}

/** The first usable sentence of a doc comment or docstring (see `summarySentences`); undefined when none. */
export function docCommentQuery(documentation: string): string | undefined {
  return summarySentences(documentation).sentences[0];
}

/** A sentence as compared for duplicates: lower case, words only. */
export function sentenceKey(sentence: string): string {
  return sentence.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}
