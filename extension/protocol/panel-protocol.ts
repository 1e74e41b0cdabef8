// The one message protocol between the results panel (webview) and the extension host. Both sides
// import this file; it has no runtime dependency on either. Every message that arrives is checked by
// `parseFromPanel` / `parseToPanel` before anything acts on it: a webview is untrusted input. The checks
// are descriptions of these types (panel-validation.ts, in the language of schema.ts), checked against
// them when the project compiles.

import type { MigrationReport } from '../core/migration/report.ts';
import type { StorageOptionMeasurement, StorageOptionSpec, TradeoffReport } from '../core/tradeoffs/types.ts';
import type { EvaluatedModel, ModelEvaluationReport } from '../core/evaluation/types.ts';

/** Filters the panel sends with a query. */
export interface PanelFilters {
  /** Chunk language ids (e.g. `python`, `markdown`); empty = all. */
  languages: string[];
  /** A glob over workspace-relative paths; empty = all. */
  pathGlob: string;
  /** Leave test files and folders out; absent in states saved before it existed: false. */
  hideTests?: boolean;
  /** Source code only or documentation only (core/search/scope.ts); absent: every file. */
  scope?: 'code' | 'docs';
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

// The limits and the parse functions live with the descriptions they check against.
export * from './panel-validation.ts';

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
// The models view's buttons.

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
