// Search hits as the panel and the QuickPick show them. Free of the vscode module (tested in Node).
import { rankingSummary } from '../core/search/ranking/rerank.ts';
import type { SearchHit } from '../core/search/search.ts';
import type { PanelResult } from '../protocol/panel-protocol.ts';
import { carriesNothing } from '../core/text/meaningful-lines.ts';
import { resultName } from '../core/text/result-names.ts';

/** Converts hits for the panel; `folderNames` maps a folder key (URI string) to its display name. */
export function toPanelResults(hits: readonly SearchHit[], folderNames: ReadonlyMap<string, string>): PanelResult[] {
  return hits.map((hit) => ({
    folder: hit.folder,
    folderName: folderNames.get(hit.folder) ?? '',
    path: hit.path,
    startLine: hit.startLine,
    endLine: hit.endLine,
    openLine: hit.openLine,
    language: hit.language,
    kind: hit.kind,
    symbol: hit.symbol ?? null,
    scope: hit.scope,
    summary: hit.summary,
    snippet: hit.snippet,
    snippetStartLine: hit.snippetStartLine,
    scores: {
      dense: hit.scores.dense ?? null,
      lexical: hit.scores.lexical ?? null,
      fused: hit.scores.fused,
      relevance: hit.scores.relevance,
      ...(hit.ranking ? { ranking: rankingSummary(hit.ranking) } : {}),
    },
    chunkIds: [...hit.chunkIds],
    ...(hit.via ? { via: { name: hit.via.name } } : {}),
  }));
}

/** The codicon for a chunk kind. */
export function kindIcon(kind: string): string {
  switch (kind) {
    case 'function':
      return 'symbol-function';
    case 'method':
      return 'symbol-method';
    case 'class':
      return 'symbol-class';
    case 'interface':
      return 'symbol-interface';
    case 'enum':
      return 'symbol-enum';
    case 'type':
    case 'impl':
      return 'symbol-struct';
    case 'section':
      return 'markdown';
    default:
      return 'symbol-file';
  }
}

/** A line without comment markers and indentation: `/**`, ` * text`, `// text`, `# text` → the text. */
function meaningfulText(line: string): string {
  return line.replace(/^\s*(\/\*+|\*\/|\*|\/\/+|#+|\"\"\"|''')?\s*/, '').replace(/\s*\*\/\s*$/, '').trim();
}

/** What a QuickPick row shows for a result. */
export function quickPickText(result: PanelResult, multiRoot: boolean): { label: string; description: string; detail: string } {
  const { symbol, scope } = resultName(result);
  const name = symbol !== undefined ? [...scope, symbol].join(' › ') : result.path.split('/').pop()!;
  const where = `${multiRoot && result.folderName ? `${result.folderName} › ` : ''}${result.path}:${result.openLine ?? result.startLine}`;
  // The summary says what the result is (its doc line or signature); results from before it existed show their first line with words.
  const firstLine = result.summary ?? result.snippet.split('\n').map(meaningfulText).find((line) => !carriesNothing(line)) ?? '';
  const score = result.scores.relevance !== undefined ? ` · ${result.scores.relevance.toFixed(2)}` : '';
  return { label: `$(${kindIcon(result.kind)}) ${name}`, description: `${where}${score}`, detail: firstLine.length > 160 ? `${firstLine.slice(0, 157)}...` : firstLine };
}
