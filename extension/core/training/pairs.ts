// Training pairs from the chunks of a file: the texts a search model learns to bring together. Each
// document is what the indexer would embed for that code (`embeddingText`), with the words of the query
// hidden from it, as the evaluation hides them (hidden-text.ts):
// - `doc`: the first paragraph of a doc comment or docstring → the definition without that documentation;
// - `section`: a Markdown or reST heading → its section, heading left out (and out of the scope);
// - `identifier`: a definition's name split into words (`extract cookies to jar`) → the definition, for
//   symbol-style queries.
import { embeddingText } from '../chunking/embedding-text.ts';
import type { Chunk } from '../chunking/types.ts';
import { pythonDocstring, withoutDocumentation } from '../evaluation/hidden-text.ts';
import { docCommentSummary, docstringSummary, identifierWords, isUsableSummary, plainText } from './doc-text.ts';
import { htmlSections } from './html.ts';
import { restSections } from './rest.ts';

export type PairKind = 'doc' | 'section' | 'identifier';

export interface TrainingPair {
  kind: PairKind;
  /** The chunker's language of the file (`markdown` for reST sections too: prose). */
  language: string;
  query: string;
  document: string;
  /** The file inside its package. */
  path: string;
}

/** Longest document kept, in characters: the model reads a bounded prefix anyway. */
export const MAX_DOCUMENT_LENGTH = 6000;
/** A definition with fewer lines of code (its documentation hidden) is too small to be a fair target. */
const MIN_CODE_LINES = 3;
/** A section with less text than this is a heading over a list of links, not prose to find. */
const MIN_SECTION_LENGTH = 100;
/** The longest section body a reST pair keeps, in lines (what a line window of the indexer holds). */
const MAX_SECTION_LINES = 60;

const DEFINITION_KINDS = new Set(['function', 'method', 'class', 'interface', 'enum', 'type', 'impl']);

/** Headings every README has: as queries they name no particular section. */
const GENERIC_HEADINGS = new Set(
  [
    'getting started', 'quick start', 'table of contents', 'see also', 'release notes', 'example usage', 'basic usage',
    'api reference', 'api documentation', 'how to use', 'how to install', 'running tests', 'running the tests',
    'further reading', 'related projects', 'related packages', 'known issues', 'change log', 'what is it',
    'code of conduct', 'security policy', 'reporting bugs', 'bug reports', 'pull requests', 'next steps',
  ].map((heading) => heading.toLowerCase()),
);

function truncate(text: string): string {
  return text.length <= MAX_DOCUMENT_LENGTH ? text : text.slice(0, MAX_DOCUMENT_LENGTH);
}

function codeLines(text: string): number {
  let count = 0;
  for (const line of text.split('\n')) if (line.trim() !== '') count++;
  return count;
}

/** A heading as a query, or undefined when it is too short or names no particular section. */
export function headingQuery(heading: string): string | undefined {
  // Anchors (`{ #install }`) and section numbers (`2.3. Install`) are not words a user searches with.
  const query = plainText(heading.replace(/\{\s*#[\w-]+\s*\}\s*$/, '').replace(/^\s*(\d+\.)*\d+\.?\s+/, '')).replace(/[:.]$/, '');
  if (!isUsableSummary(query, 2) || GENERIC_HEADINGS.has(query.toLowerCase())) return undefined;
  return query;
}

/** The summary of a definition's documentation: its doc comment, or for Python its docstring. */
function summaryOf(chunk: Chunk): string | undefined {
  if (chunk.language === 'python') {
    const docstring = pythonDocstring(chunk.text);
    if (docstring !== undefined) return docstringSummary(docstring);
  }
  return chunk.docComment === undefined ? undefined : docCommentSummary(chunk.docComment);
}

/** Pairs from the chunks of one file (as `createChunker().chunkFile` gives them). */
export function pairsFromChunks(chunks: readonly Chunk[]): TrainingPair[] {
  const pairs: TrainingPair[] = [];
  for (const chunk of chunks) {
    if (chunk.part !== undefined && chunk.part.index > 0) continue;
    if (chunk.kind === 'section') {
      const pair = sectionPair(chunk);
      if (pair) pairs.push(pair);
      continue;
    }
    if (!DEFINITION_KINDS.has(chunk.kind) || chunk.part !== undefined) continue;
    const hidden = withoutDocumentation(chunk);
    if (hidden === undefined || codeLines(hidden) < MIN_CODE_LINES) continue;
    const document = truncate(embeddingText({ ...chunk, text: hidden }));
    const summary = summaryOf(chunk);
    if (summary !== undefined) pairs.push({ kind: 'doc', language: chunk.language, query: summary, document, path: chunk.path });
    const words = chunk.symbol === undefined ? [] : identifierWords(chunk.symbol);
    if (words.length >= 2) pairs.push({ kind: 'identifier', language: chunk.language, query: words.join(' '), document, path: chunk.path });
  }
  return pairs;
}

function sectionPair(chunk: Chunk): TrainingPair | undefined {
  if (chunk.symbol === undefined) return undefined;
  const query = headingQuery(chunk.symbol);
  if (query === undefined) return undefined;
  const lines = chunk.text.split('\n');
  // The heading is the section's first line; the stripped evaluation sets delete it, so it is hidden here too.
  const body = (chunk.signature !== undefined && lines[0]?.trim() === chunk.signature.trim() ? lines.slice(1) : lines).join('\n').trim();
  if (body.length < MIN_SECTION_LENGTH) return undefined;
  const document = truncate(embeddingText({ path: chunk.path, scope: chunk.scope.slice(0, -1), signature: undefined, part: undefined, text: body }));
  return { kind: 'section', language: 'markdown', query, document, path: chunk.path };
}

/** Heading → section pairs of a reST file (embedded as the indexer embeds a line window: path, then text). */
export function restPairs(path: string, text: string): TrainingPair[] {
  return sectionPairs(path, restSections(text));
}

/**
 * Heading → section pairs of an HTML page (documentation packages), the section as plain text: prose about
 * code, the kind of text a user's Markdown docs hold.
 */
export function htmlPairs(path: string, html: string): TrainingPair[] {
  return sectionPairs(path, htmlSections(html));
}

/** One pair per section whose title reads as a query and whose body is long enough, embedded as path and text. */
function sectionPairs(path: string, sections: Iterable<{ title: string; body: string }>): TrainingPair[] {
  const pairs: TrainingPair[] = [];
  for (const section of sections) {
    const query = headingQuery(section.title);
    if (query === undefined) continue;
    const body = section.body.split('\n').slice(0, MAX_SECTION_LINES).join('\n').trim();
    if (body.length < MIN_SECTION_LENGTH) continue;
    pairs.push({ kind: 'section', language: 'markdown', query, document: truncate(embeddingText({ path, scope: [], signature: undefined, part: undefined, text: body })), path });
  }
  return pairs;
}
