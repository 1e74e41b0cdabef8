// How search results are written: a few lines per hit for a terminal, an object per hit for --json and
// --batch (the shape scripts and the evaluation read).
import type { SearchHit } from '../core/search/search.ts';
import { rankingSummary } from '../core/search/ranking/rerank.ts';
import type { ChunkRelationsView, RelatedChunk } from '../core/search/relations.ts';
import { carriesNothing, isFoldingMarker, isMarkupOnly, withoutHtmlComments, withoutImportsAndExports } from '../core/text/meaningful-lines.ts';
import { qualifiedResultName } from '../core/text/result-names.ts';

/** A related chunk as --json writes it. */
function relatedJson(related: RelatedChunk) {
  return { name: related.name, path: related.path, start_line: related.startLine, end_line: related.endLine, symbol: related.symbol ?? null, kind: related.kind, proximity: related.proximity };
}

export function hitJson(hit: SearchHit, relations?: ChunkRelationsView) {
  return {
    path: hit.path, start_line: hit.startLine, end_line: hit.endLine, score: hit.scores.fused, open_line: hit.openLine, relevance: hit.scores.relevance,
    dense: hit.scores.dense ?? null, lexical: hit.scores.lexical ?? null, symbol: hit.symbol ?? null, language: hit.language, summary: hit.summary,
    ...(hit.via ? { via: { called_by: hit.via.calledBy, name: hit.via.name } } : {}),
    ...(hit.ranking ? { ranking: { shape: hit.ranking.shape, score: hit.ranking.score, filePenalty: hit.ranking.filePenalty, contributions: hit.ranking.contributions } } : {}),
    ...(relations ? { callers: relations.callers.map(relatedJson), callees: relations.callees.map(relatedJson) } : {}),
  };
}

/** Related chunks shown per list under a hit; --json has them all (up to the relations limit). */
const PRINTED_RELATIONS = 5;

function printRelations(label: string, list: readonly RelatedChunk[]): void {
  if (list.length === 0) {
    process.stdout.write(`      ${label}: none found\n`);
    return;
  }
  const shown = list.slice(0, PRINTED_RELATIONS).map((related) => {
    const name = qualifiedResultName(related) ?? related.kind;
    return `${name} (${related.path}:${related.startLine})`;
  });
  const more = list.length > PRINTED_RELATIONS ? `, and ${list.length - PRINTED_RELATIONS} more` : '';
  process.stdout.write(`      ${label}: ${shown.join(', ')}${more}\n`);
}

/** Features shown per result by --explain: the ones that moved its score most. */
const EXPLAINED_FEATURES = 6;

/**
 * Whether a snippet line says nothing the summary does not (`* text`, `// text`, `> text` → `text`): the summary's
 * own line, or a line of its sentence. A line that goes on past it (`type Params = Base & { fatal: boolean }` under
 * the signature `type Params =`) is kept.
 */
function repeatsSummary(line: string, summary: string): boolean {
  const unmarked = (text: string) => text.trim().replace(/^(?:[*>#-]+|\/\/+|\/\*+)\s*/, '');
  const bare = unmarked(line);
  return bare !== '' && unmarked(summary).includes(bare);
}

export function printHits(hits: SearchHit[], relations?: (ChunkRelationsView | undefined)[], explain = false): void {
  hits.forEach((hit, index) => {
    const where = `${hit.path}:${hit.startLine}-${hit.endLine}`;
    const qualified = qualifiedResultName(hit);
    const name = qualified ? `  ${qualified}` : '';
    const caller = hit.via ? hits.findIndex((other) => other.chunkIds.includes(hit.via!.calledBy)) : -1;
    const via = hit.via ? `   called as ${hit.via.name}() by ${caller >= 0 ? `result ${caller + 1}` : 'a result'}` : '';
    // One score, the relevance; --json has the others.
    process.stdout.write(`${String(index + 1).padStart(2)}. ${where}${name}   (${hit.language} · ${hit.scores.relevance.toFixed(2)})${via}\n`);
    // What it is, then its first lines that carry something (a piece of a long function may start with `)`).
    // Imports and `'use strict'` say what a group of statements uses, as its summary does (unless it has nothing else).
    const shown = (lines: string[]): string[] =>
      lines
        .filter((line) => !carriesNothing(line) && !isFoldingMarker(line) && !(hit.kind === 'section' && isMarkupOnly(line)) && !repeatsSummary(line, hit.summary))
        .slice(0, 2);
    let code = shown(hit.kind === 'section' ? withoutHtmlComments(hit.snippet.split('\n')) : withoutImportsAndExports(hit.snippet).split('\n'));
    if (code.length === 0 && hit.kind !== 'section') code = shown(hit.snippet.split('\n'));
    const preview = [`${hit.summary}`, ...code.map((line) => `  ${line.trim()}`)];
    for (const line of preview) process.stdout.write(`      ${line.length > 110 ? `${line.slice(0, 107)}...` : line}\n`);
    if (explain && hit.ranking) process.stdout.write(`      ${rankingSummary(hit.ranking, EXPLAINED_FEATURES)}\n`);
    const related = relations?.[index];
    if (related) {
      printRelations('callers', related.callers);
      printRelations('callees', related.callees);
    }
  });
}
