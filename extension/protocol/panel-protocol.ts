// The one message protocol between the results panel (webview) and the extension host. Both sides
// import this file; it has no runtime dependency on either. Every message that arrives is checked by
// `parseFromPanel` / `parseToPanel` before anything acts on it: a webview is untrusted input.

import type {
  Histogram, MigrationReport, QueryOverlap, ReportSpace, RetrievalQuality, ScoreDistributions, SpaceCoverage, SpaceThresholds, ThresholdSummary,
} from '../core/migration/report.ts';
import type { StorageOptionMeasurement, StorageOptionSpec, TradeoffReport } from '../core/tradeoffs/types.ts';
import type { EvaluatedModel, EvaluationVerdict, ModelEvaluationReport, ModelEvaluationRow } from '../core/evaluation/types.ts';
import type { NoEvidenceReason } from '../core/evaluation/evidence.ts';

/** Filters the panel sends with a query. */
export interface PanelFilters {
  /** Chunk language ids (e.g. `python`, `markdown`); empty = all. */
  languages: string[];
  /** A glob over workspace-relative paths; empty = all. */
  pathGlob: string;
  /** Leave test files and folders out; absent in states saved before it existed: false. */
  hideTests?: boolean;
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
  /** The line the editor opens at (the definition's signature, or the matched line inside it); absent in states saved before it existed: the start. */
  openLine?: number;
  language: string;
  kind: string;
  symbol: string | null;
  scope: string[];
  /** One line saying what the result is (its doc line or signature); absent in states saved before it existed. */
  summary?: string;
  /** Source text to show; rendered as text, never as markup. */
  snippet: string;
  snippetStartLine: number;
  /** `relevance` (0 to 1) is the score shown; the others are details. `relevance` is absent in states saved before it existed. */
  scores: { dense: number | null; lexical: number | null; fused: number; relevance?: number; /** Why the ranking stage put it there, in one line (`rankingSummary`). */ ranking?: string };
  /** The index's chunks the result is made of, for asking its callers and callees. Absent in states saved before it existed. */
  chunkIds?: number[];
  /** Set when the search added the result as the definition of what the result above it calls (call expansion). */
  via?: { name: string };
}

/** A caller or callee of a result, as the panel lists it (and opens it, like a result). */
export interface PanelRelatedChunk {
  folder: string;
  /** Path relative to the folder, '/' separators. */
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** The name that links the two: what the caller calls, or what the callee defines. */
  name: string;
  symbol: string | null;
  scope: string[];
  kind: string;
}

/** A result's callers (chunks that call a name it defines) and callees (definitions of names it calls), found by name. */
export interface PanelRelations {
  callers: PanelRelatedChunk[];
  callees: PanelRelatedChunk[];
  /** Whether a list was cut (only the nearest are sent). */
  truncated: boolean;
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
  /** The view shown: search results, the migration report, the storage options or the models. Absent in states saved before it existed. */
  view?: PanelView;
}

/** The panel's views: search results, the migration report, the comparison of storage options, and of models. */
export type PanelView = 'results' | 'migration' | 'storage' | 'models';

/** What the migration view shows: where a model change stands, what the user may do, and the report. */
export interface PanelMigrationView {
  /**
   * building: the shadow index is being built; awaiting-decision: complete but quality dropped beyond the
   * margin (the user must choose); cut-over: the new space serves, the old is retained; none: nothing to show.
   */
  phase: MigrationPhase;
  /** Display names of the old and new models. */
  fromModel: string | null;
  toModel: string | null;
  /** E.g. "1,204 of 3,100 chunks embedded" or "cut over 2 minutes ago"; plain text. */
  detail: string;
  canCutOver: boolean;
  canRollBack: boolean;
  /** Why the cutover waits for the user (a quality drop), plain text, or null. */
  decisionReason: string | null;
  report: MigrationReport | null;
}

export type MigrationPhase = 'none' | 'building' | 'awaiting-decision' | 'cut-over';

/** What the migration view's buttons ask the host to do. */
export type MigrationAction = 'cutOver' | 'rollBack' | 'refreshReport';

/**
 * What the storage view ("Compare storage options") shows. The host sends a new one whenever something
 * changes; each replaces the last.
 */
export interface PanelTradeoffView {
  /**
   * measuring: the options are being measured on the index (`detail` says how far; `report` is the previous
   * comparison, or null); ready: `report` holds the comparison; failed: measuring failed (`detail` says why;
   * `report` is the previous comparison, or null).
   */
  state: TradeoffState;
  /** A progress sentence while measuring, the reason of a failure, or a note (e.g. "Applying int8: re-embedding…"); plain text, may be empty. */
  detail: string;
  report: TradeoffReport | null;
  /** True while an applied option's migration starts or runs: no option can be applied meanwhile. */
  applying: boolean;
}

export type TradeoffState = 'measuring' | 'ready' | 'failed';

/**
 * What the models view ("Which model suits my code?") shows. The host sends a new one whenever something
 * changes; each replaces the last.
 */
export interface PanelModelsView {
  /**
   * evaluating: the models are being run on the folder's code (`detail` says how far; `report` is the previous
   * evaluation, or null); ready: `report` holds the evaluation; failed: it failed (`detail` says why).
   */
  state: ModelsState;
  /** A progress sentence, the reason of a failure, or a note (e.g. "Switching to glove-100d…"); plain text, may be empty. */
  detail: string;
  report: ModelEvaluationReport | null;
  /** True while a chosen model is being written to the settings: no other can be chosen meanwhile. */
  switching: boolean;
}

export type ModelsState = 'evaluating' | 'ready' | 'failed';

export type IndexState = 'ready' | 'indexing' | 'partial' | 'paused' | 'error' | 'idle';

export type HostToPanel =
  | { type: 'searching'; requestId: number; query: string }
  | { type: 'results'; requestId: number; query: string; results: PanelResult[]; partial: boolean; notice: string | null; milliseconds: number }
  | { type: 'searchFailed'; requestId: number; message: string }
  /** Sent when the host opens the panel with a query or results (e.g. from the QuickPick's "show in panel"). */
  | { type: 'show'; query: string; filters: PanelFilters; results: PanelResult[] | null }
  | { type: 'indexStatus'; state: IndexState; text: string; languages: string[] }
  /** Where a model change stands; replaces the previous one. Does not switch views by itself. */
  | { type: 'migration'; view: PanelMigrationView }
  /**
   * The storage options compared; replaces the previous one. Does not switch views by itself. It also answers
   * the storage view's buttons: the page waits for the next one after `applyStorage` or `measureTradeoffs`.
   */
  | { type: 'tradeoffs'; view: PanelTradeoffView }
  /** The models evaluated; replaces the previous one. Does not switch views by itself; answers the models view's buttons. */
  | { type: 'modelEvaluation'; view: PanelModelsView }
  /** Switch to a view (e.g. the host opened the panel on the migration report). */
  | { type: 'showView'; view: PanelView }
  /** The answer to the panel's `relations` request with the same id. */
  | { type: 'relations'; requestId: number; relations: PanelRelations }
  | { type: 'relationsFailed'; requestId: number; message: string };

export type PanelToHost =
  /** The panel's script is running and can receive messages. */
  | { type: 'ready' }
  | { type: 'search'; requestId: number; query: string; filters: PanelFilters }
  /** Open a result's range in an editor; `preview` keeps the panel focused (keyboard navigation). */
  | { type: 'open'; folder: string; path: string; startLine: number; endLine: number; openLine?: number; preview: boolean }
  /** A button of the migration view. */
  | { type: 'migrationAction'; action: MigrationAction }
  /**
   * The storage view's Apply: change the index to this option (a migration). The host obeys only when
   * `canApplyStorage` allows it on the last view it sent (the option is one of its report's, and not the current one).
   */
  | { type: 'applyStorage'; option: StorageOptionSpec }
  /** The storage view's "Measure Again": compare the storage options on the index again. */
  | { type: 'measureTradeoffs' }
  /**
   * Ask for a result's callers and callees: by its chunks when it has them, else by its range. The host answers
   * with `relations` or `relationsFailed` carrying the same `requestId`.
   */
  | { type: 'relations'; requestId: number; folder: string; path: string; startLine: number; endLine: number; chunkIds: number[] }
  /**
   * The models view's "Use This Model": set the model setting to this evaluated model's name (the host starts
   * the model change). The host obeys only when `usableModel` allows it on the last view it sent.
   */
  | { type: 'useModel'; model: string }
  /** The models view's "Evaluate Again". */
  | { type: 'evaluateModels' };

/** Limits every message is checked against; senders clip to them so that nothing valid is refused. */
export const MAX_QUERY_LENGTH = 2000;
export const MAX_GLOB_LENGTH = 500;
export const MAX_LANGUAGES = 50;
export const MAX_RESULTS = 500;
export const MAX_SNIPPET_LENGTH = 100_000;
/** Longest summary line (the core keeps 200 characters). */
export const MAX_SUMMARY_LENGTH = 1000;
/** Longest ranking explanation a result may carry (a line of a tooltip). */
export const MAX_RANKING_LENGTH = 500;
const MAX_SCOPE_DEPTH = 100;
/** Chunks of one result (a merged hit holds a few), and callers or callees per list. */
export const MAX_CHUNK_IDS = 100;
export const MAX_RELATED = 50;
/** Limits of the migration view: plain-text lines, model names, report queries (each and in all), examples. */
export const MAX_MIGRATION_TEXT_LENGTH = 2000;
export const MAX_MODEL_NAME_LENGTH = 200;
export const MAX_REPORT_QUERY_LENGTH = 2000;
export const MAX_REPORT_QUERIES = 1000;
export const MAX_REPORT_EXAMPLES = 50;
const MAX_HISTOGRAM_BINS = 1000;
const MAX_DETAILS = 50;
/** Limits of the storage view: options compared, an option's label, sentences (detail, recommendation, warnings), vector dimensions. */
export const MAX_TRADEOFF_OPTIONS = 50;
export const MAX_OPTION_LABEL_LENGTH = 200;
export const MAX_TRADEOFF_TEXT_LENGTH = 2000;
export const MAX_DIMENSIONS = 65_536;
/** The range of a binary option's oversampling (candidates fetched per result wanted). */
export const MIN_OVERSAMPLING = 1;
export const MAX_OVERSAMPLING = 100;
/** Limits of the models view: models, rows (model × option), a model's name (a folder path for a folder model). */
export const MAX_EVALUATED_MODELS = 50;
export const MAX_EVALUATION_ROWS = 1000;
export const MAX_EVALUATED_MODEL_NAME_LENGTH = 4096;

type Guarded = Record<string, unknown>;

function isRecord(value: unknown): value is Guarded {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/**
 * A plain object, as postMessage delivers: its fields are its own. One with another prototype could
 * answer for fields it does not have (`Object.create({ type: 'open', ... })`), so messages from the panel must be plain.
 */
function isPlainRecord(value: unknown): value is Guarded {
  if (!isRecord(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
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
  if (!isPlainRecord(value)) return undefined;
  const { languages, pathGlob, hideTests } = value;
  if (!isLanguageList(languages)) return undefined;
  if (!isString(pathGlob, MAX_GLOB_LENGTH)) return undefined;
  if (hideTests !== undefined && typeof hideTests !== 'boolean') return undefined;
  return { languages: [...languages], pathGlob, ...(hideTests ? { hideTests: true } : {}) };
}

/** A message from the panel, or undefined when it is not exactly one of `PanelToHost`. */
export function parseFromPanel(value: unknown): PanelToHost | undefined {
  if (!isPlainRecord(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'search': {
      const filters = parseFilters(value.filters);
      if (!isRequestId(value.requestId) || !isString(value.query, MAX_QUERY_LENGTH) || !filters) return undefined;
      return { type: 'search', requestId: value.requestId, query: value.query, filters };
    }
    case 'open': {
      const { folder, path, startLine, endLine, openLine, preview } = value;
      if (!isString(folder, 4096) || !isString(path, 4096) || !isLine(startLine) || !isLine(endLine) || endLine < startLine || typeof preview !== 'boolean') return undefined;
      if (openLine !== undefined && !(isLine(openLine) && openLine >= startLine && openLine <= endLine)) return undefined;
      return { type: 'open', folder, path, startLine, endLine, ...(openLine === undefined ? {} : { openLine }), preview };
    }
    case 'migrationAction':
      return MIGRATION_ACTIONS.includes(value.action as MigrationAction) ? { type: 'migrationAction', action: value.action as MigrationAction } : undefined;
    case 'applyStorage': {
      const option = parseStorageOptionSpec(value.option);
      return option ? { type: 'applyStorage', option } : undefined;
    }
    case 'measureTradeoffs':
      return { type: 'measureTradeoffs' };
    case 'relations': {
      const { requestId, folder, path, startLine, endLine, chunkIds } = value;
      if (!isRequestId(requestId) || !isString(folder, 4096) || !isString(path, 4096) || !isLine(startLine) || !isLine(endLine) || endLine < startLine || !isChunkIdList(chunkIds)) return undefined;
      return { type: 'relations', requestId, folder, path, startLine, endLine, chunkIds: [...chunkIds] };
    }
    case 'useModel':
      return isString(value.model, MAX_EVALUATED_MODEL_NAME_LENGTH) && value.model !== '' ? { type: 'useModel', model: value.model } : undefined;
    case 'evaluateModels':
      return { type: 'evaluateModels' };
    default:
      return undefined;
  }
}

function isChunkIdList(value: unknown): value is number[] {
  return Array.isArray(value) && value.length <= MAX_CHUNK_IDS && value.every((id) => typeof id === 'number' && Number.isSafeInteger(id) && id >= 0);
}

function isScope(value: unknown): value is string[] {
  return Array.isArray(value) && value.length <= MAX_SCOPE_DEPTH && value.every((entry) => isString(entry, 1000));
}

/** A caller or callee, copied field by field, or undefined when any field is wrong. */
function parseRelatedChunk(value: unknown): PanelRelatedChunk | undefined {
  if (!isRecord(value)) return undefined;
  const { folder, path, startLine, endLine, name, symbol, scope, kind } = value;
  if (!isString(folder, 4096) || !isString(path, 4096) || !isLine(startLine) || !isLine(endLine) || endLine < startLine) return undefined;
  if (!isString(name, 1000) || !(symbol === null || isString(symbol, 1000)) || !isScope(scope) || !isString(kind, 50)) return undefined;
  return { folder, path, startLine, endLine, name, symbol, scope: [...scope], kind };
}

function parseRelatedList(value: unknown): PanelRelatedChunk[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_RELATED) return undefined;
  const list = value.map(parseRelatedChunk);
  return list.every((entry): entry is PanelRelatedChunk => entry !== undefined) ? list : undefined;
}

/** A result's relations, copied field by field, or undefined when any field is wrong. */
export function parseRelations(value: unknown): PanelRelations | undefined {
  if (!isRecord(value) || typeof value.truncated !== 'boolean') return undefined;
  const callers = parseRelatedList(value.callers);
  const callees = parseRelatedList(value.callees);
  return callers && callees ? { callers, callees, truncated: value.truncated } : undefined;
}

/** A result, copied field by field (unknown fields are left behind), or undefined when any field is wrong. */
export function parseResult(value: unknown): PanelResult | undefined {
  if (!isRecord(value)) return undefined;
  const { folder, folderName, path, startLine, endLine, openLine, language, kind, symbol, scope, summary, snippet, snippetStartLine, scores, chunkIds, via } = value;
  if (
    !isString(folder, 4096) || !isString(folderName, 1000) || !isString(path, 4096) ||
    !isLine(startLine) || !isLine(endLine) || endLine < startLine || !isString(language, 50) || !isString(kind, 50) ||
    !(symbol === null || isString(symbol, 1000)) ||
    !isScope(scope) ||
    !isString(snippet, MAX_SNIPPET_LENGTH) || !isLine(snippetStartLine) || !isRecord(scores) ||
    !isNumberOrNull(scores.dense) || !isNumberOrNull(scores.lexical) || !isFiniteNumber(scores.fused)
  ) {
    return undefined;
  }
  // Optional: absent (or undefined) is "none"; present, they must be right.
  if (openLine !== undefined && !(isLine(openLine) && openLine >= startLine && openLine <= endLine)) return undefined;
  if (summary !== undefined && !isString(summary, MAX_SUMMARY_LENGTH)) return undefined;
  if (scores.relevance !== undefined && !(isFiniteNumber(scores.relevance) && scores.relevance >= 0 && scores.relevance <= 1)) return undefined;
  if (scores.ranking !== undefined && !isString(scores.ranking, MAX_RANKING_LENGTH)) return undefined;
  if (chunkIds !== undefined && !isChunkIdList(chunkIds)) return undefined;
  if (via !== undefined && !(isRecord(via) && isString(via.name, 1000))) return undefined;
  return {
    folder, folderName, path, startLine, endLine, ...(openLine === undefined ? {} : { openLine }), language, kind, symbol, scope: [...scope],
    ...(summary === undefined ? {} : { summary }), snippet, snippetStartLine,
    scores: {
      dense: scores.dense, lexical: scores.lexical, fused: scores.fused,
      ...(scores.relevance === undefined ? {} : { relevance: scores.relevance as number }),
      ...(scores.ranking === undefined ? {} : { ranking: scores.ranking as string }),
    },
    ...(chunkIds === undefined ? {} : { chunkIds: [...chunkIds] }),
    ...(via === undefined ? {} : { via: { name: (via as { name: string }).name } }),
  };
}

function parseResults(value: unknown): PanelResult[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_RESULTS) return undefined;
  const results = value.map(parseResult);
  return results.every((result): result is PanelResult => result !== undefined) ? results : undefined;
}

const INDEX_STATES: readonly IndexState[] = ['ready', 'indexing', 'partial', 'paused', 'error', 'idle'];
const MIGRATION_ACTIONS: readonly MigrationAction[] = ['cutOver', 'rollBack', 'refreshReport'];
const MIGRATION_PHASES: readonly MigrationPhase[] = ['none', 'building', 'awaiting-decision', 'cut-over'];
const PANEL_VIEWS: readonly PanelView[] = ['results', 'migration', 'storage', 'models'];
const MODELS_STATES: readonly ModelsState[] = ['evaluating', 'ready', 'failed'];
const MODEL_SOURCES: readonly EvaluatedModel['source'][] = ['bundled', 'hub', 'folder'];
const QUANTIZATIONS: readonly EvaluatedModel['quantization'][] = ['fp32', 'int8'];
const TRADEOFF_STATES: readonly TradeoffState[] = ['measuring', 'ready', 'failed'];
const STORAGE_KINDS: readonly StorageOptionSpec['kind'][] = ['float32', 'int8', 'binary'];
const RESCORE_KINDS: readonly NonNullable<StorageOptionSpec['rescore']>[] = ['float32', 'int8'];

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
    case 'migration': {
      const view = parseMigrationView(value.view);
      return view ? { type: 'migration', view } : undefined;
    }
    case 'tradeoffs': {
      const view = parseTradeoffView(value.view);
      return view ? { type: 'tradeoffs', view } : undefined;
    }
    case 'modelEvaluation': {
      const view = parseModelsView(value.view);
      return view ? { type: 'modelEvaluation', view } : undefined;
    }
    case 'showView':
      return PANEL_VIEWS.includes(value.view as PanelView) ? { type: 'showView', view: value.view as PanelView } : undefined;
    case 'relations': {
      const relations = parseRelations(value.relations);
      return isRequestId(value.requestId) && relations ? { type: 'relations', requestId: value.requestId, relations } : undefined;
    }
    case 'relationsFailed':
      return isRequestId(value.requestId) && isString(value.message, 2000) ? { type: 'relationsFailed', requestId: value.requestId, message: value.message } : undefined;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The migration view. The report is core's JSON: after a trip through postMessage (JSON) its
// `undefined` fields are gone, so an absent field, undefined and null all read as "not there". The
// copy returned has every field the panel renders checked (finite numbers, lists, strings), so
// rendering cannot throw; anything else (e.g. nested threshold details) is left behind.

/** A migration view, copied field by field, or undefined when any field is wrong. */
export function parseMigrationView(value: unknown): PanelMigrationView | undefined {
  if (!isRecord(value)) return undefined;
  const { phase, fromModel, toModel, detail, canCutOver, canRollBack, decisionReason } = value;
  if (!MIGRATION_PHASES.includes(phase as MigrationPhase)) return undefined;
  if (!isStringOrNull(fromModel, MAX_MODEL_NAME_LENGTH) || !isStringOrNull(toModel, MAX_MODEL_NAME_LENGTH)) return undefined;
  if (!isString(detail, MAX_MIGRATION_TEXT_LENGTH) || typeof canCutOver !== 'boolean' || typeof canRollBack !== 'boolean') return undefined;
  if (!isStringOrNull(decisionReason, MAX_MIGRATION_TEXT_LENGTH)) return undefined;
  const report = value.report === null || value.report === undefined ? null : parseMigrationReport(value.report);
  if (report === undefined) return undefined;
  return { phase: phase as MigrationPhase, fromModel, toModel, detail, canCutOver, canRollBack, decisionReason, report };
}

/** A migration report with every field the panel reads checked, or undefined when one is wrong. */
export function parseMigrationReport(value: unknown): MigrationReport | undefined {
  if (!isRecord(value)) return undefined;
  const { version, createdAt, k } = value;
  if (!isCount(version) || !isFiniteNumber(createdAt) || !isCount(k)) return undefined;
  const coverage = isRecord(value.coverage) ? value.coverage : {};
  const scores = isRecord(value.scores) ? value.scores : {};
  const thresholds = isRecord(value.thresholds) ? value.thresholds : {};
  const from = optional(value.from, parseReportSpace);
  const to = parseReportSpace(value.to);
  const coverageFrom = optional(coverage.from, parseCoverage);
  const coverageTo = parseCoverage(coverage.to);
  const queries = parseReportQueries(value.queries);
  const overlap = optional(value.overlap, parseOverlap);
  const scoresFrom = optional(scores.from, parseScoreDistributions);
  const scoresTo = parseScoreDistributions(scores.to);
  const thresholdsFrom = optional(thresholds.from, parseSpaceThresholds);
  const thresholdsTo = parseSpaceThresholds(thresholds.to);
  const quality = optional(value.quality, parseQuality);
  if (from === INVALID || !to || coverageFrom === INVALID || !coverageTo || !queries || overlap === INVALID) return undefined;
  if (scoresFrom === INVALID || !scoresTo || thresholdsFrom === INVALID || !thresholdsTo || quality === INVALID) return undefined;
  return {
    version, createdAt, k, from, to,
    coverage: { from: coverageFrom, to: coverageTo },
    queries, overlap,
    scores: { from: scoresFrom, to: scoresTo },
    thresholds: { from: thresholdsFrom, to: thresholdsTo },
    quality,
  };
}

const INVALID: unique symbol = Symbol('invalid');

/** An optional part: absent, undefined or null is "not there" (undefined); a present part must parse. */
function optional<T>(value: unknown, parse: (value: unknown) => T | undefined): T | undefined | typeof INVALID {
  if (value === undefined || value === null) return undefined;
  return parse(value) ?? INVALID;
}

function isStringOrNull(value: unknown, maxLength: number): value is string | null {
  return value === null || isString(value, maxLength);
}
function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
function isShare(value: unknown): value is number {
  return isFiniteNumber(value) && value >= 0 && value <= 1;
}

function parseReportSpace(value: unknown): ReportSpace | undefined {
  if (!isRecord(value)) return undefined;
  const { id, modelId, modelFingerprint, chunker, dimensions, state } = value;
  if (!isString(id, 1000) || !isString(modelId, 1000) || !isString(modelFingerprint, 1000) || !isString(chunker, 1000) || !isCount(dimensions) || !isString(state, 100)) return undefined;
  return { id, modelId, modelFingerprint, chunker, dimensions, state };
}

function parseCoverage(value: unknown): SpaceCoverage | undefined {
  if (!isRecord(value)) return undefined;
  const { vectors, missingContents, shareComplete, markedComplete } = value;
  if (!isCount(vectors) || !isCount(missingContents) || !isShare(shareComplete) || typeof markedComplete !== 'boolean') return undefined;
  return { vectors, missingContents, shareComplete, markedComplete };
}

function parseReportQueries(value: unknown): MigrationReport['queries'] | undefined {
  if (!isRecord(value)) return undefined;
  const { recent, selfSupervised, selfSupervisedSkipped, examples } = value;
  if (!isCount(recent) || !isCount(selfSupervised) || !isCount(selfSupervisedSkipped)) return undefined;
  if (!Array.isArray(examples) || examples.length > MAX_REPORT_EXAMPLES) return undefined;
  const copies: MigrationReport['queries']['examples'] = [];
  for (const example of examples) {
    if (!isRecord(example) || !isString(example.query, MAX_REPORT_QUERY_LENGTH) || !isString(example.path, 4096)) return undefined;
    const symbol = example.symbol === undefined || example.symbol === null ? undefined : example.symbol;
    if (symbol !== undefined && !isString(symbol, 1000)) return undefined;
    copies.push({ query: example.query, path: example.path, symbol });
  }
  return { recent, selfSupervised, selfSupervisedSkipped, examples: copies };
}

function parseQueryOverlap(value: unknown): QueryOverlap | undefined {
  if (!isRecord(value)) return undefined;
  const { query, source, overlapAt10, jaccard } = value;
  if (!isString(query, MAX_REPORT_QUERY_LENGTH) || (source !== 'recent' && source !== 'self-supervised') || !isShare(overlapAt10) || !isShare(jaccard)) return undefined;
  return { query, source, overlapAt10, jaccard };
}

function parseOverlap(value: unknown): MigrationReport['overlap'] | undefined {
  if (!isRecord(value)) return undefined;
  const { mean, meanJaccard, min, perQuery } = value;
  if (!isShare(mean) || !isShare(meanJaccard) || !isShare(min) || !Array.isArray(perQuery) || perQuery.length > MAX_REPORT_QUERIES) return undefined;
  const entries = perQuery.map(parseQueryOverlap);
  if (!entries.every((entry): entry is QueryOverlap => entry !== undefined)) return undefined;
  return { mean, meanJaccard, min, perQuery: entries };
}

function parseHistogram(value: unknown): Histogram | undefined {
  if (!isRecord(value)) return undefined;
  const { edges, counts, total, mean } = value;
  if (!Array.isArray(edges) || !Array.isArray(counts) || counts.length === 0 || counts.length > MAX_HISTOGRAM_BINS || edges.length !== counts.length + 1) return undefined;
  if (!edges.every(isFiniteNumber) || !edges.every((edge, index) => index === 0 || edge > edges[index - 1])) return undefined;
  if (!counts.every(isCount) || !isCount(total)) return undefined;
  if (!(mean === undefined || mean === null || isFiniteNumber(mean))) return undefined;
  return { edges: [...edges], counts: [...counts], total, mean: mean ?? undefined };
}

function parseScoreDistributions(value: unknown): ScoreDistributions | undefined {
  if (!isRecord(value)) return undefined;
  const topScores = parseHistogram(value.topScores);
  const unrelatedPairs = parseHistogram(value.unrelatedPairs);
  return topScores && unrelatedPairs ? { topScores, unrelatedPairs } : undefined;
}

function parseThreshold(value: unknown): ThresholdSummary | undefined {
  if (!isRecord(value) || !isFiniteNumber(value.value) || !isFiniteNumber(value.computedAt)) return undefined;
  // Only the scalar details (targetMet, precision, recall, method…): nested summaries stay on the host.
  const details: Record<string, unknown> = {};
  if (isRecord(value.details)) {
    for (const [key, detail] of Object.entries(value.details).slice(0, MAX_DETAILS)) {
      if (key === '__proto__') continue;
      if (typeof detail === 'boolean' || isFiniteNumber(detail) || isString(detail, MAX_MIGRATION_TEXT_LENGTH)) details[key] = detail;
    }
  }
  return { value: value.value, computedAt: value.computedAt, details };
}

function parseSpaceThresholds(value: unknown): SpaceThresholds | undefined {
  if (!isRecord(value)) return undefined;
  if (value.unavailable !== undefined) return isString(value.unavailable, MAX_MIGRATION_TEXT_LENGTH) ? { unavailable: value.unavailable } : undefined;
  const similar = parseThreshold(value.similar);
  const duplicate = parseThreshold(value.duplicate);
  return similar && duplicate ? { similar, duplicate } : undefined;
}

function parseRetrievalQuality(value: unknown): RetrievalQuality | undefined {
  if (!isRecord(value) || !isShare(value.recallAt10) || !isShare(value.mrrAt10)) return undefined;
  return { recallAt10: value.recallAt10, mrrAt10: value.mrrAt10 };
}

function parseQuality(value: unknown): MigrationReport['quality'] | undefined {
  if (!isRecord(value) || !isCount(value.queries)) return undefined;
  const from = optional(value.from, parseRetrievalQuality);
  const to = parseRetrievalQuality(value.to);
  if (from === INVALID || !to) return undefined;
  return { queries: value.queries, from, to };
}

// ---------------------------------------------------------------------------------------------
// The storage view. The report is core's JSON, read like the migration report: absent, undefined and
// null all mean "not there". Every field is checked (the panel renders them all, and an option's spec goes
// back to the host in `applyStorage`), and the copy holds only the known fields.

/** A trade-off view, copied field by field, or undefined when any field is wrong. */
export function parseTradeoffView(value: unknown): PanelTradeoffView | undefined {
  if (!isRecord(value)) return undefined;
  const { state, detail, applying } = value;
  if (!TRADEOFF_STATES.includes(state as TradeoffState) || !isString(detail, MAX_TRADEOFF_TEXT_LENGTH) || typeof applying !== 'boolean') return undefined;
  const report = value.report === null || value.report === undefined ? null : parseTradeoffReport(value.report);
  if (report === undefined) return undefined;
  return { state: state as TradeoffState, detail, report, applying };
}

/** A trade-off report with every field checked, or undefined when one is wrong. */
export function parseTradeoffReport(value: unknown): TradeoffReport | undefined {
  if (!isRecord(value)) return undefined;
  const { version, createdAt, model, vectors, queries, options, recommendation } = value;
  if (version !== 1 || !isFiniteNumber(createdAt) || !isCount(vectors) || !isString(recommendation, MAX_TRADEOFF_TEXT_LENGTH)) return undefined;
  if (!isRecord(model) || !isString(model.id, MAX_MODEL_NAME_LENGTH) || !isDimensions(model.dimensions) || typeof model.matryoshka !== 'boolean') return undefined;
  if (!isRecord(queries) || !isCount(queries.latencyAndRecall) || !isCount(queries.selfSupervised)) return undefined;
  if (!Array.isArray(options) || options.length > MAX_TRADEOFF_OPTIONS) return undefined;
  const measurements = options.map((option) => parseMeasurement(option, model.dimensions as number));
  if (!measurements.every((measurement): measurement is StorageOptionMeasurement => measurement !== undefined)) return undefined;
  const recommended = value.recommended === undefined || value.recommended === null ? undefined : value.recommended;
  if (recommended !== undefined && !(isCount(recommended) && recommended < measurements.length)) return undefined;
  return {
    version: 1,
    createdAt,
    model: { id: model.id, dimensions: model.dimensions as number, matryoshka: model.matryoshka },
    vectors,
    queries: { latencyAndRecall: queries.latencyAndRecall, selfSupervised: queries.selfSupervised },
    options: measurements,
    recommended,
    recommendation,
  };
}

/**
 * A storage option, copied with only its known fields (an absent optional one is left out, so two copies of
 * the same option are deepEqual), or undefined when one is wrong. Rescoring and oversampling belong to binary
 * options only; truncated dimensions must be a positive integer (at most `modelDimensions` when given).
 */
export function parseStorageOptionSpec(value: unknown, modelDimensions = MAX_DIMENSIONS): StorageOptionSpec | undefined {
  if (!isRecord(value) || !STORAGE_KINDS.includes(value.kind as StorageOptionSpec['kind'])) return undefined;
  const kind = value.kind as StorageOptionSpec['kind'];
  const dimensions = value.dimensions ?? undefined;
  const rescore = value.rescore ?? undefined;
  const oversampling = value.oversampling ?? undefined;
  if (dimensions !== undefined && !(isDimensions(dimensions) && dimensions <= modelDimensions)) return undefined;
  if (rescore !== undefined && (kind !== 'binary' || !RESCORE_KINDS.includes(rescore as NonNullable<StorageOptionSpec['rescore']>))) return undefined;
  if (oversampling !== undefined && (kind !== 'binary' || !isFiniteNumber(oversampling) || oversampling < MIN_OVERSAMPLING || oversampling > MAX_OVERSAMPLING)) return undefined;
  const option: StorageOptionSpec = { kind };
  if (dimensions !== undefined) option.dimensions = dimensions as number;
  if (rescore !== undefined) option.rescore = rescore as NonNullable<StorageOptionSpec['rescore']>;
  if (oversampling !== undefined) option.oversampling = oversampling as number;
  return option;
}

function parseMeasurement(value: unknown, modelDimensions: number): StorageOptionMeasurement | undefined {
  if (!isRecord(value)) return undefined;
  const { label, current, bytesPerVector, totalBytes, latency, recallAt10VsExact } = value;
  const option = parseStorageOptionSpec(value.option, modelDimensions);
  if (!option || !isString(label, MAX_OPTION_LABEL_LENGTH) || typeof current !== 'boolean') return undefined;
  if (!isFiniteNumber(bytesPerVector) || bytesPerVector <= 0 || !isFiniteNumber(totalBytes) || totalBytes < 0) return undefined;
  if (!isRecord(latency) || !isDuration(latency.p50) || !isDuration(latency.p95) || !isShare(recallAt10VsExact)) return undefined;
  const quality = optional(value.quality, parseRetrievalQuality);
  const warning = value.warning === undefined || value.warning === null ? undefined : value.warning;
  if (quality === INVALID || (warning !== undefined && !isString(warning, MAX_TRADEOFF_TEXT_LENGTH))) return undefined;
  return {
    option, label, current, bytesPerVector, totalBytes,
    latency: { p50: latency.p50, p95: latency.p95 },
    recallAt10VsExact,
    quality,
    warning,
  };
}

function isDimensions(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_DIMENSIONS;
}
function isDuration(value: unknown): value is number {
  return isFiniteNumber(value) && value >= 0;
}

/** Whether two storage options are the same (absent optional fields compare equal to absent ones only). */
export function sameStorageOption(a: StorageOptionSpec, b: StorageOptionSpec): boolean {
  return a.kind === b.kind && a.dimensions === b.dimensions && a.rescore === b.rescore && a.oversampling === b.oversampling;
}

/**
 * The measurement of `option` in a view's report that the Apply button may ask for, or undefined: only an
 * option of the report, not the current one, and only when the view is ready (not while measuring, which
 * reads the index an apply would change) and nothing is being applied. Host and panel both ask this.
 */
export function applicableOption(view: PanelTradeoffView | null | undefined, option: StorageOptionSpec): StorageOptionMeasurement | undefined {
  if (!view || view.state !== 'ready' || view.applying || !view.report) return undefined;
  const measurement = view.report.options.find((candidate) => sameStorageOption(candidate.option, option));
  return measurement && !measurement.current ? measurement : undefined;
}

/** Whether the storage view may ask to measure again: not while measuring or applying. */
export function canMeasureTradeoffs(view: PanelTradeoffView | null | undefined): boolean {
  return view !== null && view !== undefined && view.state !== 'measuring' && !view.applying;
}

// ---------------------------------------------------------------------------------------------
// The models view. Read like the storage view: every field checked, the copy holds only the known fields.

/** A models view, copied field by field, or undefined when any field is wrong. */
export function parseModelsView(value: unknown): PanelModelsView | undefined {
  if (!isRecord(value)) return undefined;
  const { state, detail, switching } = value;
  if (!MODELS_STATES.includes(state as ModelsState) || !isString(detail, MAX_TRADEOFF_TEXT_LENGTH) || typeof switching !== 'boolean') return undefined;
  const report = value.report === null || value.report === undefined ? null : parseModelEvaluationReport(value.report);
  if (report === undefined) return undefined;
  return { state: state as ModelsState, detail, report, switching };
}

function isOptionalString(value: unknown, maxLength: number): value is string | undefined | null {
  return value === undefined || value === null || isString(value, maxLength);
}

/** A model evaluation with every field checked, or undefined when one is wrong. */
export function parseModelEvaluationReport(value: unknown): ModelEvaluationReport | undefined {
  if (!isRecord(value)) return undefined;
  const { version, createdAt, k, seed, index, pool, queries, models, failures, rows, verdict } = value;
  if (version !== 2 || !isFiniteNumber(createdAt) || !isCount(k) || !isCount(seed)) return undefined;
  if (!isRecord(index) || !isCount(index.chunks) || !isCount(index.vectors) || !isOptionalString(index.modelId, MAX_MODEL_NAME_LENGTH) || !isOptionalString(index.storage, MAX_OPTION_LABEL_LENGTH)) return undefined;
  if (!isRecord(pool) || !isCount(pool.size) || !isCount(pool.targets) || !isCount(pool.targetChunks) || !isCount(pool.distractors) || !isCount(pool.droppedQuoting)) return undefined;
  if (!isRecord(queries) || !isCount(queries.count) || !isCount(queries.fromDocComments) || !isCount(queries.fromDocstrings) || !isCount(queries.skipped)) return undefined;
  const leftOut = queries.leftOut;
  if (!isRecord(leftOut) || !isCount(leftOut.noSentence) || !isCount(leftOut.boilerplate) || !isCount(leftOut.duplicate) || !isCount(leftOut.notHidden)) return undefined;
  if (!Array.isArray(queries.examples) || queries.examples.length > MAX_REPORT_EXAMPLES) return undefined;
  const examples: ModelEvaluationReport['queries']['examples'] = [];
  for (const example of queries.examples) {
    if (!isRecord(example) || !isString(example.query, MAX_REPORT_QUERY_LENGTH) || !isString(example.path, 4096) || !isOptionalString(example.symbol, 1000)) return undefined;
    examples.push({ query: example.query, path: example.path, symbol: example.symbol ?? undefined });
  }
  if (!Array.isArray(models) || models.length > MAX_EVALUATED_MODELS || !Array.isArray(failures) || failures.length > MAX_EVALUATED_MODELS) return undefined;
  if (!Array.isArray(rows) || rows.length > MAX_EVALUATION_ROWS) return undefined;
  const modelCopies = models.map(parseEvaluatedModel);
  if (!modelCopies.every((model): model is EvaluatedModel => model !== undefined)) return undefined;
  const failureCopies: ModelEvaluationReport['failures'] = [];
  for (const failure of failures) {
    if (!isRecord(failure) || !isString(failure.model, MAX_EVALUATED_MODEL_NAME_LENGTH) || !isString(failure.message, MAX_TRADEOFF_TEXT_LENGTH)) return undefined;
    failureCopies.push({ model: failure.model, message: failure.message });
  }
  const rowCopies = rows.map((row) => parseEvaluationRow(row, modelCopies));
  if (!rowCopies.every((row): row is ModelEvaluationRow => row !== undefined)) return undefined;
  const verdictCopy = parseEvaluationVerdict(verdict, rowCopies.length);
  if (!verdictCopy) return undefined;
  return {
    version: 2, createdAt, k, seed,
    index: { chunks: index.chunks, vectors: index.vectors, modelId: index.modelId ?? undefined, storage: index.storage ?? undefined },
    pool: { size: pool.size, targets: pool.targets, targetChunks: pool.targetChunks, distractors: pool.distractors, droppedQuoting: pool.droppedQuoting },
    queries: {
      count: queries.count, fromDocComments: queries.fromDocComments, fromDocstrings: queries.fromDocstrings, skipped: queries.skipped,
      leftOut: { noSentence: leftOut.noSentence, boilerplate: leftOut.boilerplate, duplicate: leftOut.duplicate, notHidden: leftOut.notHidden },
      examples,
    },
    models: modelCopies,
    failures: failureCopies,
    rows: rowCopies,
    verdict: verdictCopy,
  };
}

const NO_EVIDENCE_REASONS: readonly NoEvidenceReason[] = ['missing', 'few-queries', 'no-hits', 'tie', 'within-noise', 'no-old-figure'];

/** A verdict: a best row that exists and no reason, or no best row and a reason with its sentence. */
function parseEvaluationVerdict(value: unknown, rows: number): EvaluationVerdict | undefined {
  if (!isRecord(value) || !isString(value.text, MAX_TRADEOFF_TEXT_LENGTH)) return undefined;
  const { best, reason, text } = value;
  if (best !== undefined && best !== null) {
    if (!isCount(best) || best >= rows || (reason !== undefined && reason !== null)) return undefined;
    return { best, reason: undefined, text };
  }
  if (!NO_EVIDENCE_REASONS.includes(reason as NoEvidenceReason) || text === '') return undefined;
  return { best: undefined, reason: reason as NoEvidenceReason, text };
}

function parseEvaluatedModel(value: unknown): EvaluatedModel | undefined {
  if (!isRecord(value)) return undefined;
  const { name, id, displayName, source, quantization, dimensions, maxTokens, matryoshka, current, chunksPerSecond, truncatedTexts } = value;
  if (!isString(name, MAX_EVALUATED_MODEL_NAME_LENGTH) || !isString(id, MAX_MODEL_NAME_LENGTH) || !isString(displayName, MAX_MODEL_NAME_LENGTH)) return undefined;
  if (!MODEL_SOURCES.includes(source as EvaluatedModel['source']) || !QUANTIZATIONS.includes(quantization as EvaluatedModel['quantization'])) return undefined;
  if (!isDimensions(dimensions) || !isCount(maxTokens) || typeof matryoshka !== 'boolean' || typeof current !== 'boolean' || !isDuration(chunksPerSecond) || !isCount(truncatedTexts)) return undefined;
  return {
    name, id, displayName, source: source as EvaluatedModel['source'], quantization: quantization as EvaluatedModel['quantization'],
    dimensions, maxTokens, matryoshka, current, chunksPerSecond, truncatedTexts,
  };
}

function parseEvaluationRow(value: unknown, models: readonly EvaluatedModel[]): ModelEvaluationRow | undefined {
  if (!isRecord(value)) return undefined;
  const { model, modelDisplayName, label, dimensions, bytesPerVector, recallAt10, mrrAt10, ndcgAt10, chunksPerSecond, candidates, currentModel, current } = value;
  const evaluated = models.find((entry) => entry.name === model);
  if (!evaluated || !isString(modelDisplayName, MAX_MODEL_NAME_LENGTH) || !isString(label, MAX_OPTION_LABEL_LENGTH)) return undefined;
  const option = parseStorageOptionSpec(value.option, evaluated.dimensions);
  if (!option || !isDimensions(dimensions) || !isFiniteNumber(bytesPerVector) || bytesPerVector <= 0) return undefined;
  if (!isShare(recallAt10) || !isShare(mrrAt10) || !isShare(ndcgAt10) || !isDuration(chunksPerSecond)) return undefined;
  if (candidates !== undefined && candidates !== null && !isCount(candidates)) return undefined;
  if (typeof currentModel !== 'boolean' || typeof current !== 'boolean') return undefined;
  return {
    model: evaluated.name, modelDisplayName, option, label, dimensions, bytesPerVector, recallAt10, mrrAt10, ndcgAt10, chunksPerSecond,
    ...(isCount(candidates) ? { candidates } : {}),
    currentModel, current,
  };
}

/**
 * The evaluated model "Use This Model" may switch to, or undefined: only a model of the report that the settings
 * can name (a catalog model, not a folder), not the one serving now, and only while the view is ready and no
 * other switch is under way. Host and panel both ask this.
 */
export function usableModel(view: PanelModelsView | null | undefined, model: string): EvaluatedModel | undefined {
  if (!view || view.state !== 'ready' || view.switching || !view.report) return undefined;
  const evaluated = view.report.models.find((candidate) => candidate.name === model);
  return evaluated && !evaluated.current && evaluated.source !== 'folder' ? evaluated : undefined;
}

/** Whether the models view may ask to evaluate again: not while evaluating or switching. */
export function canEvaluateModels(view: PanelModelsView | null | undefined): boolean {
  return view !== null && view !== undefined && view.state !== 'evaluating' && !view.switching;
}

/** The panel's state as stored by the webview, checked on restore (it may come from an older version). */
export function parsePanelState(value: unknown): PanelState | undefined {
  if (!isRecord(value)) return undefined;
  const filters = parseFilters(value.filters);
  const results = parseResults(value.results);
  const { selectedIndex, searchPending, view } = value;
  if (!isString(value.query, MAX_QUERY_LENGTH) || !filters || !results || !Number.isSafeInteger(selectedIndex)) return undefined;
  if (searchPending !== undefined && typeof searchPending !== 'boolean') return undefined;
  if (view !== undefined && !PANEL_VIEWS.includes(view as PanelView)) return undefined;
  // A selection past the end (or below -1) is not worth refusing the whole state for: it becomes "none".
  const index = selectedIndex as number;
  return {
    query: value.query, filters, results,
    selectedIndex: index >= 0 && index < results.length ? index : -1,
    searchPending: searchPending ?? false,
    view: (view as PanelView | undefined) ?? 'results',
  };
}
