// The result list as displayed, without the DOM: results grouped by file, the selection moving through them,
// and how scores, ranges, titles and the status line read. Runs in Node for unit tests.

import { carriesNothing } from '../extension/core/text/meaningful-lines.ts';
import { resultName } from '../extension/core/text/result-names.ts';
import type { IndexState, PanelResult, PanelState } from '../extension/protocol/panel-protocol.ts';
import type { SearchStatusView } from './panel-model.ts';

/** The results of one file, in rank order. */
export interface FileGroup {
  /** Unique per folder and path. */
  key: string;
  folder: string;
  folderName: string;
  path: string;
  /** Indices into the results array. */
  entries: number[];
}

/**
 * Groups results by file. `results` are in rank order, so a file's first result is its best and
 * groups come out in the order of their best results.
 */
export function groupByFile(results: readonly PanelResult[]): FileGroup[] {
  const groups = new Map<string, FileGroup>();
  results.forEach((result, index) => {
    const key = `${result.folder}\u0000${result.path}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, folder: result.folder, folderName: result.folderName, path: result.path, entries: [] };
      groups.set(key, group);
    }
    group.entries.push(index);
  });
  return [...groups.values()];
}

/** Result indices in the order they are displayed (group by group). */
export function displayOrder(groups: readonly FileGroup[]): number[] {
  return groups.flatMap((group) => group.entries);
}

/** Whether results come from more than one workspace folder (then file headers name the folder). */
export function spansFolders(results: readonly PanelResult[]): boolean {
  return new Set(results.map((result) => result.folder)).size > 1;
}

export type SelectionMove = 'next' | 'previous' | 'first' | 'last' | 'pageDown' | 'pageUp';

/**
 * The result index the selection moves to, walking the display `order`. Stops at both ends (no
 * wrapping); from no selection, every move lands on the first result.
 */
export function moveSelection(order: readonly number[], selectedIndex: number, move: SelectionMove, pageSize = 10): number {
  if (order.length === 0) return -1;
  const position = order.indexOf(selectedIndex);
  if (position === -1) return move === 'last' ? order[order.length - 1]! : order[0]!;
  const target = {
    next: position + 1,
    previous: position - 1,
    first: 0,
    last: order.length - 1,
    pageDown: position + pageSize,
    pageUp: position - pageSize,
  }[move];
  return order[Math.max(0, Math.min(order.length - 1, target))]!;
}

/** Whether the snippet's first line with words is the summary (then the summary is not shown twice). */
export function snippetStartsWith(snippet: string, summary: string): boolean {
  const first = snippet.split(/\r\n|\r|\n/).find((line) => !carriesNothing(line));
  return first !== undefined && first.trim() === summary.trim();
}

/**
 * The one score a result shows, and its details for a tooltip: the relevance (0 to 1) when the host sent it (the
 * fused score otherwise), why the ranking stage put it there, then the fused, meaning (dense) and words (BM25)
 * scores it came from. With the ranking stage, relevance is its calibrated chance that the result answers the
 * query; without it (older states, `ranking: false`), the fused score over the best a result could get.
 */
export function scoreView(scores: PanelResult['scores']): { shown: string; details: string } {
  const shown = scores.relevance !== undefined ? scores.relevance.toFixed(2) : formatScore(scores.fused);
  const details = [
    ...(scores.relevance !== undefined
      ? [scores.ranking !== undefined ? `relevance ${scores.relevance.toFixed(3)}: the ranking stage's estimate that it answers the query` : `relevance ${scores.relevance.toFixed(3)} (1 = first in every ranking)`]
      : []),
    ...(scores.ranking !== undefined ? [scores.ranking] : []),
    `fused rank score ${scores.fused.toFixed(4)}`,
    ...(scores.dense !== null ? [`meaning: cosine ${scores.dense.toFixed(3)}`] : []),
    ...(scores.lexical !== null ? [`words: BM25 ${formatScore(scores.lexical)}`] : []),
  ];
  return { shown, details: details.join('\n') };
}

/** A score in at most four significant characters: 0.0328 -> "0.033", 7.25 -> "7.25", 123.4 -> "123". */
export function formatScore(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude < 1) return value.toFixed(3);
  if (magnitude < 10) return value.toFixed(2);
  if (magnitude < 100) return value.toFixed(1);
  return Math.round(value).toString();
}

/** "12" or "12–40". */
export function formatLineRange(startLine: number, endLine: number): string {
  return startLine === endLine ? `${startLine}` : `${startLine}–${endLine}`;
}

export function formatMilliseconds(milliseconds: number): string {
  return milliseconds < 1000 ? `${Math.round(milliseconds)} ms` : `${(milliseconds / 1000).toFixed(1)} s`;
}

/** What a result is called: its symbol, else its innermost scope, else its kind (headings without their anchors). */
export function resultTitle(result: PanelResult): string {
  const { symbol, scope } = resultName(result);
  return symbol ?? scope[scope.length - 1] ?? result.kind;
}

/** The scopes shown beside a result's title, outermost first: never the title itself. */
export function resultScope(result: PanelResult): string[] {
  const { symbol, scope } = resultName(result);
  return symbol !== undefined ? scope : scope.slice(0, -1);
}

/** The sentence a screen reader reads for a result. */
export function resultLabel(result: PanelResult): string {
  const lines = result.startLine === result.endLine ? `line ${result.startLine}` : `lines ${result.startLine} to ${result.endLine}`;
  return `${resultTitle(result)}, ${result.kind}, ${lines}, ${result.path}`;
}

/** The status line's text about results: "Searching…", "3 results in 12 ms", "No results", or "". */
export function resultsSummary(state: PanelState, status: SearchStatusView): string {
  if (status.searching) return 'Searching…';
  if (state.query.trim() === '' || status.error !== null) return '';
  const count = state.results.length;
  const what = count === 0 ? 'No results' : count === 1 ? '1 result' : `${count} results`;
  return status.milliseconds === null ? what : `${what} in ${formatMilliseconds(status.milliseconds)}`;
}

/** The notice to show: the host's, or a default one for a partial index. */
export function noticeText(status: SearchStatusView): string | null {
  if (status.notice) return status.notice;
  return status.partial ? 'The index is partial: results may be missing until indexing finishes.' : null;
}

/** The codicon for an index state. */
export function indexStateIcon(state: IndexState): string {
  switch (state) {
    case 'ready':
      return 'codicon-pass';
    case 'indexing':
      return 'codicon-sync';
    case 'partial':
      return 'codicon-warning';
    case 'paused':
      return 'codicon-debug-pause';
    case 'error':
      return 'codicon-error';
    case 'idle':
      return 'codicon-circle-large-outline';
  }
}

/** The codicon for a chunk kind (function, class, markdown section, ...). */
export function kindIcon(kind: string, language: string): string {
  const normalized = kind.toLowerCase();
  if (/method/.test(normalized)) return 'codicon-symbol-method';
  if (/function|arrow|lambda|procedure/.test(normalized)) return 'codicon-symbol-function';
  if (/constructor/.test(normalized)) return 'codicon-symbol-constructor';
  if (/class|struct|record/.test(normalized)) return 'codicon-symbol-class';
  if (/interface|trait|protocol/.test(normalized)) return 'codicon-symbol-interface';
  if (/enum/.test(normalized)) return 'codicon-symbol-enum';
  if (/type/.test(normalized)) return 'codicon-symbol-structure';
  if (/module|namespace|package|impl/.test(normalized)) return 'codicon-symbol-namespace';
  if (/variable|const|field|property/.test(normalized)) return 'codicon-symbol-variable';
  if (/section|heading/.test(normalized) || language === 'markdown') return 'codicon-markdown';
  return 'codicon-symbol-file';
}
