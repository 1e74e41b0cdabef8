// From ranked chunks to results. A result names one definition (or one statements group, section or window) and
// its label, range, snippet and the line it opens at all describe that one thing:
// - the pieces of one code definition (a function split to fit the model's window, a lexical unit) are one result,
//   with the lines of its best piece, from the definition's first line (opening on its signature, or on the piece
//   further down), except that a piece far down a long definition reports its own lines;
// - an outline (a class whose big members are chunks of their own) reports its head, the header, docstring and
//   fields: its line range spans its members' bodies, which are results of their own;
// - Markdown sections, statements and windows report exactly the lines they hold; a piece that shares lines with a
//   better result of its own text (its split, or its file's prose) is left out (pieces overlap by design, and the
//   better one's lines are what matched) instead of widening that result; a piece that only touches one is a result
//   of its own.
// Different definitions never merge, whatever their lines: a class piece overlapping a method once widened the
// method's result over its neighbours (`merge_environment_settings` reported as lines 750–868 of requests).
import type { StoredChunk } from '../store/index-store.ts';
import { isImportOrExportBlock } from '../text/meaningful-lines.ts';
import type { SearchHit } from './search.ts';
import { chunkSummary } from './summary.ts';

/** A chunk ranked by fusion (the shape `fuse` returns). */
export interface RankedChunk {
  folder: string;
  chunk: StoredChunk;
  dense: number | undefined;
  lexical: number | undefined;
  fused: number;
  /** `fused` over the most any chunk could get with these weights (first in every list): 0 to 1. */
  relevance: number;
  /** Its 0-based rank in each list that found it (features of the ranking stage, ranking/features.ts). */
  ranks?: { dense?: number; lexical?: number; symbol?: number };
}

/** The lines a result on one chunk reports, and the line it opens at. */
export interface ResultExtent {
  startLine: number;
  endLine: number;
  openLine: number;
}

/** The most lines a result on a piece of a definition spans to include the definition's first line. */
export const LONGEST_DEFINITION_RESULT = 100;

/** Where a result on this chunk starts and ends, and where it opens (see the rules at the top of this file). */
export function resultExtent(chunk: StoredChunk): ResultExtent {
  const definition = chunk.definition;
  if (definition === undefined) return { startLine: chunk.startLine, endLine: chunk.endLine, openLine: chunk.startLine };
  if (definition.headEndLine !== undefined) return { startLine: definition.startLine, endLine: definition.headEndLine, openLine: definition.line };
  if (chunk.kind === 'section') {
    // Prose reports the lines it holds: a piece deep in a long section is not widened to its heading.
    const holdsHeading = chunk.startLine <= definition.line && definition.line <= chunk.endLine;
    return { startLine: chunk.startLine, endLine: chunk.endLine, openLine: holdsHeading ? definition.line : chunk.startLine };
  }
  // A piece below the signature opens where it matched, and reaches up to the definition's first line unless that
  // makes the result longer than a screen or two: fastify's 800-line factory function, found by a piece holding
  // `function addHook`, was reported as lines 93-697. A piece above the signature (a long doc comment) reaches down to it.
  const below = chunk.startLine > definition.line;
  if (below && chunk.endLine - definition.startLine + 1 > LONGEST_DEFINITION_RESULT) return { startLine: chunk.startLine, endLine: chunk.endLine, openLine: chunk.startLine };
  return { startLine: definition.startLine, endLine: Math.max(chunk.endLine, definition.line), openLine: below ? chunk.startLine : definition.line };
}

/**
 * The key shared by every piece of one code definition; undefined for chunks that are results only with the
 * pieces they touch (sections, statements, windows, chunks stored before definitions were recorded).
 */
function definitionKey(candidate: RankedChunk): string | undefined {
  const { chunk } = candidate;
  if (chunk.definition === undefined || chunk.kind === 'section') return undefined;
  return JSON.stringify([candidate.folder, chunk.path, chunk.kind, chunk.definition.startLine, chunk.symbol ?? null]);
}

/** Names the split chunk a piece belongs to, so that touching pieces of one statements group or section merge. */
function splitKey(chunk: StoredChunk): string | undefined {
  return chunk.part ? JSON.stringify([chunk.kind, chunk.scope, chunk.symbol ?? null, chunk.part.count, chunk.definition?.startLine ?? null]) : undefined;
}

/**
 * The code a result shows, with the line of its first line. An outline shows its head when the chunk holds it, else
 * its signature line: its stubs (`def get(self): ...`) stand for other results.
 */
function snippetOf(chunk: StoredChunk): { snippet: string; snippetStartLine: number } {
  const head = chunk.definition?.headEndLine;
  if (head === undefined || chunk.definition === undefined) return { snippet: chunk.text, snippetStartLine: chunk.startLine };
  if (chunk.startLine <= chunk.definition.startLine) {
    return { snippet: chunk.text.split('\n').slice(0, head - chunk.startLine + 1).join('\n'), snippetStartLine: chunk.startLine };
  }
  return { snippet: chunk.signature ?? chunk.text, snippetStartLine: chunk.definition.line };
}

function toHit(candidate: RankedChunk): SearchHit {
  const { chunk } = candidate;
  const extent = resultExtent(chunk);
  return {
    folder: candidate.folder,
    path: chunk.path,
    startLine: extent.startLine,
    endLine: extent.endLine,
    openLine: extent.openLine,
    language: chunk.language,
    kind: chunk.kind,
    symbol: chunk.symbol,
    scope: chunk.scope,
    signature: chunk.signature,
    summary: chunkSummary(chunk),
    ...snippetOf(chunk),
    scores: { dense: candidate.dense, lexical: candidate.lexical, fused: candidate.fused, relevance: candidate.relevance },
    chunkIds: [chunk.id],
    splitOf: splitKey(chunk),
  };
}

/** Whether two results without a definition key hold the same lines: one text found by two lists. */
function sameLines(a: SearchHit, b: SearchHit): boolean {
  return a.startLine === b.startLine && a.endLine === b.endLine;
}

/**
 * Whether a piece shares lines with a better result of its own text: another piece of its split (a lexical unit
 * spans consecutive pieces), or another prose piece of its file (a long section's pieces share their edge
 * paragraphs). Folding it in chained pieces past the lines that matched: regex's 609-line crate doc, a statements
 * group cut into twelve pieces, became one result over lines 143–601. So it is left out instead; a piece that only
 * touches one is a result of its own.
 */
function repeatsShownLines(piece: SearchHit, shown: readonly SearchHit[]): boolean {
  return shown.some((hit) => {
    const sameText = piece.kind === 'section' ? hit.kind === 'section' : piece.splitOf !== undefined && hit.splitOf === piece.splitOf;
    return sameText && hit.startLine <= piece.endLine && piece.startLine <= hit.endLine;
  });
}

/**
 * Turns ranked chunks into results, best first: the pieces of one definition fold into its best-ranked one; any
 * other piece is a result of its own unless it shares lines with a better one of its own text (left out; the same
 * lines found twice fold). A result keeps the place of its best piece. Import and export blocks come after every
 * other result: a file's imports name what it uses and its exports what it defines, so they match many queries
 * lexically (`import { TRPCError } from './error/TRPCError'`, `exports.cors = cors;`), but they are its context,
 * not an answer.
 */
export function rankedResults(candidates: readonly RankedChunk[]): SearchHit[] {
  const hits: SearchHit[] = [];
  const byDefinition = new Map<string, SearchHit>();
  const piecesByFile = new Map<string, SearchHit[]>();
  const nameBlocks = new Set(candidates.filter((candidate) => candidate.chunk.kind === 'statements' && isImportOrExportBlock(candidate.chunk.text)));
  const ordered = nameBlocks.size === 0 ? candidates : [...candidates.filter((candidate) => !nameBlocks.has(candidate)), ...nameBlocks];
  // Relevance falls down the list: an import or export block placed after others shows no more than the last of them.
  let lowestRelevance = Infinity;
  for (const candidate of ordered) {
    const piece = toHit(candidate);
    if (nameBlocks.has(candidate)) piece.scores.relevance = Math.min(piece.scores.relevance, lowestRelevance);
    else lowestRelevance = Math.min(lowestRelevance, piece.scores.relevance);
    const key = definitionKey(candidate);
    if (key !== undefined) {
      const survivor = byDefinition.get(key);
      // Another piece of the definition adds its scores, not its lines: the best piece's lines are what matched.
      if (survivor) absorb(survivor, piece);
      else {
        byDefinition.set(key, piece);
        hits.push(piece);
      }
      continue;
    }
    const fileKey = `${candidate.folder}\n${candidate.chunk.path}`;
    const sameFile = piecesByFile.get(fileKey) ?? [];
    piecesByFile.set(fileKey, sameFile);
    const survivor = sameFile.find((hit) => sameLines(hit, piece));
    if (survivor) absorb(survivor, piece);
    else if (!repeatsShownLines(piece, sameFile)) {
      sameFile.push(piece);
      hits.push(piece);
    }
  }
  return hits;
}

/** Folds `from` into `into` (another piece of its definition, or the same lines found twice): the best scores of both; the lines, fused score and open line stay `into`'s, the better rank. */
function absorb(into: SearchHit, from: SearchHit): void {
  into.scores.dense = maxDefined(into.scores.dense, from.scores.dense);
  into.scores.lexical = maxDefined(into.scores.lexical, from.scores.lexical);
  into.scores.fused = Math.max(into.scores.fused, from.scores.fused);
  into.scores.relevance = Math.max(into.scores.relevance, from.scores.relevance);
  into.chunkIds.push(...from.chunkIds);
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}
