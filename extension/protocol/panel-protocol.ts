// The one message protocol between the results panel (webview) and the extension host. Both sides
// import this file; it has no runtime dependency on either. Every message that arrives is checked by
// `parseFromPanel` / `parseToPanel` before anything acts on it: a webview is untrusted input.

/** Filters the panel sends with a query. */
export interface PanelFilters {
  /** Chunk language ids (e.g. `python`, `markdown`); empty = all. */
  languages: string[];
  /** A glob over workspace-relative paths; empty = all. */
  pathGlob: string;
}

/** One search result, as the panel shows it. */
export interface PanelResult {
  /** The workspace folder's URI (as a string) the path belongs to. */
  folder: string;
  /** The workspace folder's name, for display in multi-root workspaces. */
  folderName: string;
  /** Path relative to the folder, '/' separators. */
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  language: string;
  kind: string;
  symbol: string | null;
  scope: string[];
  /** Source text to show; rendered as text, never as markup. */
  snippet: string;
  snippetStartLine: number;
  scores: { dense: number | null; lexical: number | null; fused: number };
}

/** What the panel remembers across hiding and window reloads (through the webview state API). */
export interface PanelState {
  query: string;
  filters: PanelFilters;
  results: PanelResult[];
  /** Index into `results` of the selected result; -1 = none. */
  selectedIndex: number;
  /**
   * True when `results` do not answer `query` and `filters` yet (a search was scheduled or in flight
   * when the state was saved): the panel searches again on restore. Absent in states saved before it existed.
   */
  searchPending?: boolean;
}

export type IndexState = 'ready' | 'indexing' | 'partial' | 'paused' | 'error' | 'idle';

export type HostToPanel =
  | { type: 'searching'; requestId: number; query: string }
  | { type: 'results'; requestId: number; query: string; results: PanelResult[]; partial: boolean; notice: string | null; milliseconds: number }
  | { type: 'searchFailed'; requestId: number; message: string }
  /** Sent when the host opens the panel with a query or results (e.g. from the QuickPick's "show in panel"). */
  | { type: 'show'; query: string; filters: PanelFilters; results: PanelResult[] | null }
  | { type: 'indexStatus'; state: IndexState; text: string; languages: string[] };

export type PanelToHost =
  /** The panel's script is running and can receive messages. */
  | { type: 'ready' }
  | { type: 'search'; requestId: number; query: string; filters: PanelFilters }
  /** Open a result's range in an editor; `preview` keeps the panel focused (keyboard navigation). */
  | { type: 'open'; folder: string; path: string; startLine: number; endLine: number; preview: boolean };

/** Limits every message is checked against; senders clip to them so that nothing valid is refused. */
export const MAX_QUERY_LENGTH = 2000;
export const MAX_GLOB_LENGTH = 500;
export const MAX_LANGUAGES = 50;
export const MAX_RESULTS = 500;
export const MAX_SNIPPET_LENGTH = 100_000;
const MAX_SCOPE_DEPTH = 100;

type Guarded = Record<string, unknown>;

function isRecord(value: unknown): value is Guarded {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isString(value: unknown, maxLength = 100_000): value is string {
  return typeof value === 'string' && value.length <= maxLength;
}
function isLine(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 10_000_000;
}
function isRequestId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
function isNumberOrNull(value: unknown): value is number | null {
  return value === null || isFiniteNumber(value);
}
function isLanguageList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length <= MAX_LANGUAGES && value.every((language) => isString(language, 50));
}

export function parseFilters(value: unknown): PanelFilters | undefined {
  if (!isRecord(value)) return undefined;
  const { languages, pathGlob } = value;
  if (!isLanguageList(languages)) return undefined;
  if (!isString(pathGlob, MAX_GLOB_LENGTH)) return undefined;
  return { languages: [...languages], pathGlob };
}

/** A message from the panel, or undefined when it is not exactly one of `PanelToHost`. */
export function parseFromPanel(value: unknown): PanelToHost | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'search': {
      const filters = parseFilters(value.filters);
      if (!isRequestId(value.requestId) || !isString(value.query, MAX_QUERY_LENGTH) || !filters) return undefined;
      return { type: 'search', requestId: value.requestId, query: value.query, filters };
    }
    case 'open': {
      const { folder, path, startLine, endLine, preview } = value;
      if (!isString(folder, 4096) || !isString(path, 4096) || !isLine(startLine) || !isLine(endLine) || endLine < startLine || typeof preview !== 'boolean') return undefined;
      return { type: 'open', folder, path, startLine, endLine, preview };
    }
    default:
      return undefined;
  }
}

/** A result, copied field by field (unknown fields are left behind), or undefined when any field is wrong. */
export function parseResult(value: unknown): PanelResult | undefined {
  if (!isRecord(value)) return undefined;
  const { folder, folderName, path, startLine, endLine, language, kind, symbol, scope, snippet, snippetStartLine, scores } = value;
  if (
    !isString(folder, 4096) || !isString(folderName, 1000) || !isString(path, 4096) ||
    !isLine(startLine) || !isLine(endLine) || endLine < startLine || !isString(language, 50) || !isString(kind, 50) ||
    !(symbol === null || isString(symbol, 1000)) ||
    !Array.isArray(scope) || scope.length > MAX_SCOPE_DEPTH || !scope.every((entry) => isString(entry, 1000)) ||
    !isString(snippet, MAX_SNIPPET_LENGTH) || !isLine(snippetStartLine) || !isRecord(scores) ||
    !isNumberOrNull(scores.dense) || !isNumberOrNull(scores.lexical) || !isFiniteNumber(scores.fused)
  ) {
    return undefined;
  }
  return {
    folder, folderName, path, startLine, endLine, language, kind, symbol, scope: [...scope], snippet, snippetStartLine,
    scores: { dense: scores.dense, lexical: scores.lexical, fused: scores.fused },
  };
}

function parseResults(value: unknown): PanelResult[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_RESULTS) return undefined;
  const results = value.map(parseResult);
  return results.every((result): result is PanelResult => result !== undefined) ? results : undefined;
}

const INDEX_STATES: readonly IndexState[] = ['ready', 'indexing', 'partial', 'paused', 'error', 'idle'];

/** A message from the host, checked the same way (the panel does not trust its input either). */
export function parseToPanel(value: unknown): HostToPanel | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'searching':
      return isRequestId(value.requestId) && isString(value.query, MAX_QUERY_LENGTH) ? { type: 'searching', requestId: value.requestId, query: value.query } : undefined;
    case 'results': {
      const results = parseResults(value.results);
      if (!isRequestId(value.requestId) || !isString(value.query, MAX_QUERY_LENGTH) || !results || typeof value.partial !== 'boolean' || !(value.notice === null || isString(value.notice, 2000)) || !isFiniteNumber(value.milliseconds) || value.milliseconds < 0) return undefined;
      return { type: 'results', requestId: value.requestId, query: value.query, results, partial: value.partial, notice: value.notice, milliseconds: value.milliseconds };
    }
    case 'searchFailed':
      return isRequestId(value.requestId) && isString(value.message, 2000) ? { type: 'searchFailed', requestId: value.requestId, message: value.message } : undefined;
    case 'show': {
      const filters = parseFilters(value.filters);
      const results = value.results === null ? null : parseResults(value.results);
      if (!isString(value.query, MAX_QUERY_LENGTH) || !filters || results === undefined) return undefined;
      return { type: 'show', query: value.query, filters, results };
    }
    case 'indexStatus':
      if (!INDEX_STATES.includes(value.state as IndexState) || !isString(value.text, 1000) || !isLanguageList(value.languages)) return undefined;
      return { type: 'indexStatus', state: value.state as IndexState, text: value.text, languages: [...value.languages] };
    default:
      return undefined;
  }
}

/** The panel's state as stored by the webview, checked on restore (it may come from an older version). */
export function parsePanelState(value: unknown): PanelState | undefined {
  if (!isRecord(value)) return undefined;
  const filters = parseFilters(value.filters);
  const results = parseResults(value.results);
  const { selectedIndex, searchPending } = value;
  if (!isString(value.query, MAX_QUERY_LENGTH) || !filters || !results || !Number.isSafeInteger(selectedIndex)) return undefined;
  if (searchPending !== undefined && typeof searchPending !== 'boolean') return undefined;
  // A selection past the end (or below -1) is not worth refusing the whole state for: it becomes "none".
  const index = selectedIndex as number;
  return {
    query: value.query, filters, results,
    selectedIndex: index >= 0 && index < results.length ? index : -1,
    searchPending: searchPending ?? false,
  };
}
