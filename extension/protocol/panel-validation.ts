// The descriptions of the panel's messages (see schema.ts) and the parse functions both sides call on
// every message that arrives. Each description says what the panel can render without throwing (finite
// numbers, bounded strings and lists) and what the host may act on; the copy a parse returns holds only the
// described fields. The types in panel-protocol.ts are checked against these descriptions at the end of
// this file, so a field added to one and not the other does not compile.
//
// Core's reports arrive as JSON (postMessage): their `undefined` fields are gone, so in a report an absent
// field, undefined and null all read as "not there" (`maybe`).

import type { MigrationReport } from '../core/migration/report.ts';
import type { StorageOptionSpec, TradeoffReport } from '../core/tradeoffs/types.ts';
import type { ModelEvaluationReport } from '../core/evaluation/types.ts';
import type { SearchScope } from '../core/search/scope.ts';
import type {
  HostToPanel, PanelFilters, PanelMigrationView, PanelModelsView, PanelRelations, PanelResult, PanelState, PanelToHost, PanelTradeoffView,
} from './panel-protocol.ts';
import {
  array, boolean, isRecord, map, maybe, nullable, number, object, oneOf, optional, parseWith, refine, scalarRecord, string, union, when, withDefault,
} from './schema.ts';
import type { Infer, Same, Schema } from './schema.ts';

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
/** Longest path or folder URI, and longest name (symbol, scope entry, callee). */
const MAX_PATH_LENGTH = 4096;
const MAX_NAME_LENGTH = 1000;
/** Longest one-line message (a failure, a notice). */
const MAX_MESSAGE_LENGTH = 2000;

// ---------------------------------------------------------------------------------------------
// The kinds of number the messages carry.

/** A 1-based line number. */
const line = number({ integer: true, min: 1, max: 10_000_000 });
/** A count, an index into a list, or a request id. */
const count = number({ integer: 'safe', min: 0 });
const finite = number();
/** A share or a metric from 0 to 1. */
const share = number({ min: 0, max: 1 });
/** Milliseconds, or a rate. */
const duration = number({ min: 0 });
const dimensions = number({ integer: true, min: 1, max: MAX_DIMENSIONS });

/** A range whose end is not before its start. */
function inOrder<T extends { startLine: number; endLine: number }>(schema: Schema<T>): Schema<T> {
  return refine(schema, (range) => range.endLine >= range.startLine, 'endLine is before startLine');
}

// ---------------------------------------------------------------------------------------------
// Search: filters, results, callers and callees.

const languages = array(string(50), { max: MAX_LANGUAGES });
const scope = array(string(MAX_NAME_LENGTH), { max: MAX_SCOPE_DEPTH });
const chunkIds = array(count, { max: MAX_CHUNK_IDS });

/** Filters in their one form: fresh arrays, and the defaults (tests shown, every file) left out rather than spelled. */
export function filtersOf(filters: { languages: readonly string[]; pathGlob: string; hideTests?: boolean | undefined; scope?: SearchScope | undefined }): PanelFilters {
  return { languages: [...filters.languages], pathGlob: filters.pathGlob, ...(filters.hideTests ? { hideTests: true } : {}), ...(filters.scope && filters.scope !== 'all' ? { scope: filters.scope } : {}) };
}

/** Filters are plain objects; a hideTests of false and a scope of every file are left out, like a state saved before they existed. */
const filters = map(
  object({ languages, pathGlob: string(MAX_GLOB_LENGTH), hideTests: optional(boolean), scope: optional(oneOf(['all', 'code', 'docs'] as const)) }, { plain: true }),
  ({ languages, pathGlob, hideTests, scope }): PanelFilters => filtersOf({ languages, pathGlob, hideTests, scope }),
);

const result = refine(
  inOrder(object({
    folder: string(MAX_PATH_LENGTH),
    folderName: string(MAX_NAME_LENGTH),
    path: string(MAX_PATH_LENGTH),
    startLine: line,
    endLine: line,
    openLine: optional(line),
    language: string(50),
    kind: string(50),
    symbol: nullable(string(MAX_NAME_LENGTH)),
    scope,
    summary: optional(string(MAX_SUMMARY_LENGTH)),
    snippet: string(MAX_SNIPPET_LENGTH),
    snippetStartLine: line,
    scores: object({
      dense: nullable(finite),
      lexical: nullable(finite),
      fused: finite,
      relevance: optional(share),
      ranking: optional(string(MAX_RANKING_LENGTH)),
    }),
    chunkIds: optional(chunkIds),
    via: optional(object({ name: string(MAX_NAME_LENGTH) })),
  })),
  (value) => value.openLine === undefined || (value.openLine >= value.startLine && value.openLine <= value.endLine),
  'openLine is outside startLine to endLine',
);
const results = array(result, { max: MAX_RESULTS });

const relatedChunk = inOrder(object({
  folder: string(MAX_PATH_LENGTH), path: string(MAX_PATH_LENGTH), startLine: line, endLine: line,
  name: string(MAX_NAME_LENGTH), symbol: nullable(string(MAX_NAME_LENGTH)), scope, kind: string(50),
}));
const relations = object({ callers: array(relatedChunk, { max: MAX_RELATED }), callees: array(relatedChunk, { max: MAX_RELATED }), truncated: boolean });

// ---------------------------------------------------------------------------------------------
// The migration view: every field the panel renders (nested threshold details stay on the host).

const reportSpace = object({
  id: string(1000), modelId: string(1000), modelFingerprint: string(1000), chunker: string(1000), dimensions: count, state: string(100),
});
const coverage = object({ vectors: count, missingContents: count, shareComplete: share, markedComplete: boolean });
const example = object({ query: string(MAX_REPORT_QUERY_LENGTH), path: string(MAX_PATH_LENGTH), symbol: maybe(string(MAX_NAME_LENGTH)) });
const queryOverlap = object({ query: string(MAX_REPORT_QUERY_LENGTH), source: oneOf(['recent', 'self-supervised']), overlapAt10: share, jaccard: share });
const histogram = refine(
  object({
    edges: array(finite, { max: MAX_HISTOGRAM_BINS + 1 }),
    counts: array(count, { min: 1, max: MAX_HISTOGRAM_BINS }),
    total: count,
    mean: maybe(finite),
  }),
  ({ edges, counts }) => edges.length === counts.length + 1 && edges.every((edge, index) => index === 0 || edge > edges[index - 1]!),
  'a histogram needs one more edge than bins, each edge above the one before',
);
const scoreDistributions = object({ topScores: histogram, unrelatedPairs: histogram });
const threshold = object({ value: finite, computedAt: finite, details: scalarRecord(MAX_DETAILS, MAX_MIGRATION_TEXT_LENGTH) });
const spaceThresholds = when(
  (value) => isRecord(value) && value.unavailable !== undefined,
  object({ unavailable: string(MAX_MIGRATION_TEXT_LENGTH) }),
  object({ similar: threshold, duplicate: threshold }),
);
const retrievalQuality = object({ recallAt10: share, mrrAt10: share });

const migrationReport = object({
  version: count,
  createdAt: finite,
  k: count,
  from: maybe(reportSpace),
  to: reportSpace,
  coverage: object({ from: maybe(coverage), to: coverage }),
  queries: object({ recent: count, selfSupervised: count, selfSupervisedSkipped: count, examples: array(example, { max: MAX_REPORT_EXAMPLES }) }),
  overlap: maybe(object({ mean: share, meanJaccard: share, min: share, perQuery: array(queryOverlap, { max: MAX_REPORT_QUERIES }) })),
  scores: object({ from: maybe(scoreDistributions), to: scoreDistributions }),
  thresholds: object({ from: maybe(spaceThresholds), to: spaceThresholds }),
  quality: maybe(object({ queries: count, from: maybe(retrievalQuality), to: retrievalQuality })),
});

const migrationView = object({
  phase: oneOf(['none', 'building', 'awaiting-decision', 'cut-over']),
  fromModel: nullable(string(MAX_MODEL_NAME_LENGTH)),
  toModel: nullable(string(MAX_MODEL_NAME_LENGTH)),
  detail: string(MAX_MIGRATION_TEXT_LENGTH),
  canCutOver: boolean,
  canRollBack: boolean,
  decisionReason: nullable(string(MAX_MIGRATION_TEXT_LENGTH)),
  report: withDefault(nullable(migrationReport), null),
});

// ---------------------------------------------------------------------------------------------
// The storage view. An option's spec goes back to the host in `applyStorage`: its optional fields are
// left out when absent (or null), so two copies of the same option are deepEqual.

const storageOption = refine(
  object({
    kind: oneOf(['float32', 'int8', 'binary']),
    dimensions: optional(dimensions, { orNull: true }),
    rescore: optional(oneOf(['float32', 'int8']), { orNull: true }),
    oversampling: optional(number({ min: MIN_OVERSAMPLING, max: MAX_OVERSAMPLING }), { orNull: true }),
  }),
  (option) => option.kind === 'binary' || (option.rescore === undefined && option.oversampling === undefined),
  'rescore and oversampling belong to binary options only',
);

/** An option's truncated dimensions must not exceed the model's. */
function fitsModel(option: StorageOptionSpec, modelDimensions: number): boolean {
  return option.dimensions === undefined || option.dimensions <= modelDimensions;
}

const measurement = object({
  option: storageOption,
  label: string(MAX_OPTION_LABEL_LENGTH),
  current: boolean,
  bytesPerVector: number({ above: 0 }),
  totalBytes: number({ min: 0 }),
  latency: object({ p50: duration, p95: duration }),
  recallAt10VsExact: share,
  quality: maybe(retrievalQuality),
  warning: maybe(string(MAX_TRADEOFF_TEXT_LENGTH)),
});

const tradeoffReport = refine(
  refine(
    object({
      version: oneOf([1]),
      createdAt: finite,
      model: object({ id: string(MAX_MODEL_NAME_LENGTH), dimensions, matryoshka: boolean }),
      vectors: count,
      queries: object({ latencyAndRecall: count, selfSupervised: count }),
      options: array(measurement, { max: MAX_TRADEOFF_OPTIONS }),
      recommended: maybe(count),
      recommendation: string(MAX_TRADEOFF_TEXT_LENGTH),
    }),
    (report) => report.options.every((entry) => fitsModel(entry.option, report.model.dimensions)),
    'an option keeps more dimensions than the model has',
  ),
  (report) => report.recommended === undefined || report.recommended < report.options.length,
  'recommended is not an index into options',
);

const tradeoffView = object({
  state: oneOf(['measuring', 'ready', 'failed']),
  detail: string(MAX_TRADEOFF_TEXT_LENGTH),
  report: withDefault(nullable(tradeoffReport), null),
  applying: boolean,
});

// ---------------------------------------------------------------------------------------------
// The models view, read like the storage view.

const evaluatedModel = object({
  name: string(MAX_EVALUATED_MODEL_NAME_LENGTH),
  id: string(MAX_MODEL_NAME_LENGTH),
  displayName: string(MAX_MODEL_NAME_LENGTH),
  source: oneOf(['bundled', 'hub', 'folder']),
  quantization: oneOf(['fp32', 'int8']),
  dimensions,
  maxTokens: count,
  matryoshka: boolean,
  current: boolean,
  chunksPerSecond: duration,
  truncatedTexts: count,
});

const evaluationRow = object({
  model: string(MAX_EVALUATED_MODEL_NAME_LENGTH),
  modelDisplayName: string(MAX_MODEL_NAME_LENGTH),
  option: storageOption,
  label: string(MAX_OPTION_LABEL_LENGTH),
  dimensions,
  bytesPerVector: number({ above: 0 }),
  recallAt10: share,
  mrrAt10: share,
  ndcgAt10: share,
  chunksPerSecond: duration,
  candidates: optional(count, { orNull: true }),
  currentModel: boolean,
  current: boolean,
});

/** A verdict: a best row and no reason, or no best row and a reason with its sentence. */
const verdict = refine(
  object({
    best: maybe(count),
    reason: maybe(oneOf(['missing', 'few-queries', 'no-hits', 'tie', 'within-noise', 'no-old-figure'])),
    text: string(MAX_TRADEOFF_TEXT_LENGTH),
  }),
  (value) => (value.best !== undefined ? value.reason === undefined : value.reason !== undefined && value.text !== ''),
  'a verdict names a best row, or gives a reason and its sentence, not both',
);

const evaluationReport = refine(
  refine(
    object({
      version: oneOf([2]),
      createdAt: finite,
      k: count,
      seed: count,
      index: object({ chunks: count, vectors: count, modelId: maybe(string(MAX_MODEL_NAME_LENGTH)), storage: maybe(string(MAX_OPTION_LABEL_LENGTH)) }),
      pool: object({ size: count, targets: count, targetChunks: count, distractors: count, droppedQuoting: count }),
      queries: object({
        count, fromDocComments: count, fromDocstrings: count, skipped: count,
        leftOut: object({ noSentence: count, boilerplate: count, duplicate: count, notHidden: count }),
        examples: array(example, { max: MAX_REPORT_EXAMPLES }),
      }),
      models: array(evaluatedModel, { max: MAX_EVALUATED_MODELS }),
      failures: array(object({ model: string(MAX_EVALUATED_MODEL_NAME_LENGTH), message: string(MAX_TRADEOFF_TEXT_LENGTH) }), { max: MAX_EVALUATED_MODELS }),
      rows: array(evaluationRow, { max: MAX_EVALUATION_ROWS }),
      verdict,
    }),
    (report) => report.rows.every((row) => {
      const model = report.models.find((entry) => entry.name === row.model);
      return model !== undefined && fitsModel(row.option, model.dimensions);
    }),
    'a row names a model the report does not list, or keeps more dimensions than it has',
  ),
  (report) => report.verdict.best === undefined || report.verdict.best < report.rows.length,
  'the verdict\'s best row is not an index into rows',
);

const modelsView = object({
  state: oneOf(['evaluating', 'ready', 'failed']),
  detail: string(MAX_TRADEOFF_TEXT_LENGTH),
  report: withDefault(nullable(evaluationReport), null),
  switching: boolean,
});

// ---------------------------------------------------------------------------------------------
// The messages, and the panel's saved state.

const panelViews = oneOf(['results', 'migration', 'storage', 'models']);
const query = string(MAX_QUERY_LENGTH);
const message = string(MAX_MESSAGE_LENGTH);

/** What the panel sends: plain objects only (fields from a prototype are not the page's). */
const fromPanel = union('type', {
  ready: object({}),
  search: object({ requestId: count, query, filters }),
  open: refine(
    inOrder(object({ folder: string(MAX_PATH_LENGTH), path: string(MAX_PATH_LENGTH), startLine: line, endLine: line, openLine: optional(line), preview: boolean })),
    (value) => value.openLine === undefined || (value.openLine >= value.startLine && value.openLine <= value.endLine),
    'openLine is outside startLine to endLine',
  ),
  migrationAction: object({ action: oneOf(['cutOver', 'rollBack', 'refreshReport']) }),
  applyStorage: object({ option: storageOption }),
  measureTradeoffs: object({}),
  relations: inOrder(object({ requestId: count, folder: string(MAX_PATH_LENGTH), path: string(MAX_PATH_LENGTH), startLine: line, endLine: line, chunkIds })),
  useModel: object({ model: string(MAX_EVALUATED_MODEL_NAME_LENGTH, { nonEmpty: true }) }),
  evaluateModels: object({}),
}, { plain: true });

const toPanel = union('type', {
  searching: object({ requestId: count, query }),
  results: object({ requestId: count, query, results, partial: boolean, notice: nullable(message), milliseconds: duration }),
  searchFailed: object({ requestId: count, message }),
  show: object({ query, filters, results: nullable(results) }),
  indexStatus: object({ state: oneOf(['ready', 'indexing', 'partial', 'paused', 'error', 'idle']), text: string(1000), languages }),
  migration: object({ view: migrationView }),
  tradeoffs: object({ view: tradeoffView }),
  modelEvaluation: object({ view: modelsView }),
  showView: object({ view: panelViews }),
  relations: object({ requestId: count, relations }),
  relationsFailed: object({ requestId: count, message }),
});

/** A state saved before searchPending or the views existed reads as not pending, on the results; a selection out of range as none. */
const panelState = map(
  object({
    query,
    filters,
    results,
    selectedIndex: number({ integer: 'safe' }),
    searchPending: withDefault(boolean, false),
    view: withDefault(panelViews, 'results'),
  }),
  (state): PanelState => ({ ...state, selectedIndex: state.selectedIndex >= 0 && state.selectedIndex < state.results.length ? state.selectedIndex : -1 }),
);

/** The descriptions, for `validate` (schema.ts) where a caller wants the reason a value was refused. */
export const panelSchemas = {
  fromPanel, toPanel, panelState, filters, result, relations, migrationView, migrationReport, tradeoffView, tradeoffReport, storageOption, modelsView, evaluationReport,
} as const;

/** A message from the panel, or undefined when it is not exactly one of `PanelToHost`. */
export function parseFromPanel(value: unknown): PanelToHost | undefined {
  return parseWith(fromPanel, value);
}
/** A message from the host, checked the same way (the panel does not trust its input either). */
export function parseToPanel(value: unknown): HostToPanel | undefined {
  return parseWith(toPanel, value);
}
/** The panel's state as stored by the webview, checked on restore (it may come from an older version). */
export function parsePanelState(value: unknown): PanelState | undefined {
  return parseWith(panelState, value);
}
export function parseFilters(value: unknown): PanelFilters | undefined {
  return parseWith(filters, value);
}
/** A result, copied field by field (unknown fields are left behind), or undefined when any field is wrong. */
export function parseResult(value: unknown): PanelResult | undefined {
  return parseWith(result, value);
}
/** A result's relations, copied field by field, or undefined when any field is wrong. */
export function parseRelations(value: unknown): PanelRelations | undefined {
  return parseWith(relations, value);
}
/** A migration view, copied field by field, or undefined when any field is wrong. */
export function parseMigrationView(value: unknown): PanelMigrationView | undefined {
  return parseWith(migrationView, value);
}
/** A migration report with every field the panel reads checked, or undefined when one is wrong. */
export function parseMigrationReport(value: unknown): MigrationReport | undefined {
  return parseWith(migrationReport, value);
}
/** A trade-off view, copied field by field, or undefined when any field is wrong. */
export function parseTradeoffView(value: unknown): PanelTradeoffView | undefined {
  return parseWith(tradeoffView, value);
}
/** A trade-off report with every field checked, or undefined when one is wrong. */
export function parseTradeoffReport(value: unknown): TradeoffReport | undefined {
  return parseWith(tradeoffReport, value);
}
/**
 * A storage option, copied with only its known fields (an absent optional one is left out, so two copies of
 * the same option are deepEqual), or undefined when one is wrong. Rescoring and oversampling belong to binary
 * options only; truncated dimensions must be a positive integer (at most `modelDimensions` when given).
 */
export function parseStorageOptionSpec(value: unknown, modelDimensions = MAX_DIMENSIONS): StorageOptionSpec | undefined {
  const option = parseWith(storageOption, value);
  return option && fitsModel(option, modelDimensions) ? option : undefined;
}
/** A models view, copied field by field, or undefined when any field is wrong. */
export function parseModelsView(value: unknown): PanelModelsView | undefined {
  return parseWith(modelsView, value);
}
/** A model evaluation with every field checked, or undefined when one is wrong. */
export function parseModelEvaluationReport(value: unknown): ModelEvaluationReport | undefined {
  return parseWith(evaluationReport, value);
}

// ---------------------------------------------------------------------------------------------
// The types of panel-protocol.ts and core's reports are the types these descriptions read: checked here,
// so that neither can gain or change a field without the other.

const typesMatch: [
  Same<Infer<typeof fromPanel>, PanelToHost>,
  Same<Infer<typeof toPanel>, HostToPanel>,
  Same<Infer<typeof result>, PanelResult>,
  Same<Infer<typeof relations>, PanelRelations>,
  Same<Infer<typeof migrationView>, PanelMigrationView>,
  Same<Infer<typeof migrationReport>, MigrationReport>,
  Same<Infer<typeof tradeoffView>, PanelTradeoffView>,
  Same<Infer<typeof tradeoffReport>, TradeoffReport>,
  Same<Infer<typeof storageOption>, StorageOptionSpec>,
  Same<Infer<typeof modelsView>, PanelModelsView>,
  Same<Infer<typeof evaluationReport>, ModelEvaluationReport>,
] = [true, true, true, true, true, true, true, true, true, true, true];
void typesMatch;
