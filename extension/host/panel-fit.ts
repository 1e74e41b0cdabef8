// What the host sends the panel, fitted to the protocol (panel-protocol.ts): clipped to its limits, so that
// one long doc comment, failure message or list cannot get a whole answer refused (long texts are cut with
// an ellipsis, long lists shortened keeping what matters most, line numbers made valid; numbers are left as
// they are: a NaN is refused by the protocol check, and the panel says so); and, for the report tabs, what
// to show when a report still does not pass (REPORT_VIEWS).

import type { MigrationReport } from '../core/migration/report.ts';
import type { TradeoffReport } from '../core/tradeoffs/types.ts';
import type { ModelEvaluationReport } from '../core/evaluation/types.ts';
import {
  MAX_CHUNK_IDS, MAX_EVALUATED_MODEL_NAME_LENGTH, MAX_EVALUATED_MODELS, MAX_EVALUATION_ROWS, MAX_MIGRATION_TEXT_LENGTH, MAX_MODEL_NAME_LENGTH,
  MAX_OPTION_LABEL_LENGTH, MAX_RANKING_LENGTH, MAX_RELATED, MAX_REPORT_EXAMPLES, MAX_REPORT_QUERIES, MAX_REPORT_QUERY_LENGTH, MAX_RESULTS,
  MAX_SNIPPET_LENGTH, MAX_SUMMARY_LENGTH, MAX_TRADEOFF_OPTIONS, MAX_TRADEOFF_TEXT_LENGTH,
} from '../protocol/panel-protocol.ts';
import { panelSchemas } from '../protocol/panel-protocol.ts';
import type { Schema } from '../protocol/schema.ts';
import type { HostToPanel, PanelMigrationView, PanelModelsView, PanelRelations, PanelResult, PanelTradeoffView } from '../protocol/panel-protocol.ts';

/** `text` cut to `length` characters, the last one an ellipsis when it was cut. */
export function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** Clips search results to what the protocol accepts, so one odd chunk cannot get the whole answer refused. */
export function fitResults(results: readonly PanelResult[]): PanelResult[] {
  return results.slice(0, MAX_RESULTS).map((result) => {
    const startLine = Math.max(1, Math.trunc(result.startLine) || 1);
    const endLine = Math.max(startLine, Math.trunc(result.endLine) || startLine);
    const finiteOrNull = (value: number | null) => (value !== null && Number.isFinite(value) ? value : null);
    const relevance = result.scores.relevance === undefined ? null : finiteOrNull(result.scores.relevance);
    return {
      folder: result.folder,
      folderName: result.folderName.slice(0, 1000),
      path: result.path,
      startLine,
      endLine,
      ...(result.openLine === undefined ? {} : { openLine: Math.min(endLine, Math.max(startLine, Math.trunc(result.openLine) || startLine)) }),
      language: result.language.slice(0, 50),
      kind: result.kind.slice(0, 50),
      symbol: result.symbol === null ? null : result.symbol.slice(0, 1000),
      scope: result.scope.slice(0, 100).map((entry) => entry.slice(0, 1000)),
      ...(result.summary === undefined ? {} : { summary: result.summary.slice(0, MAX_SUMMARY_LENGTH) }),
      snippet: result.snippet.slice(0, MAX_SNIPPET_LENGTH),
      snippetStartLine: Math.max(1, Math.trunc(result.snippetStartLine) || 1),
      scores: {
        dense: finiteOrNull(result.scores.dense),
        lexical: finiteOrNull(result.scores.lexical),
        fused: finiteOrNull(result.scores.fused) ?? 0,
        ...(relevance === null ? {} : { relevance: Math.min(1, Math.max(0, relevance)) }),
        ...(result.scores.ranking === undefined ? {} : { ranking: result.scores.ranking.slice(0, MAX_RANKING_LENGTH) }),
      },
      ...(result.chunkIds === undefined ? {} : { chunkIds: result.chunkIds.slice(0, MAX_CHUNK_IDS) }),
      ...(result.via === undefined ? {} : { via: { name: result.via.name.slice(0, 1000) } }),
    };
  });
}

/** Clips callers and callees to the protocol's limits (lists shortened, marked truncated; long names cut). */
export function fitRelations(relations: PanelRelations): PanelRelations {
  const fit = (list: PanelRelations['callers']) =>
    list.slice(0, MAX_RELATED).map((related) => {
      const startLine = Math.max(1, Math.trunc(related.startLine) || 1);
      return {
        folder: related.folder,
        path: related.path,
        startLine,
        endLine: Math.max(startLine, Math.trunc(related.endLine) || startLine),
        name: related.name.slice(0, 1000),
        symbol: related.symbol === null ? null : related.symbol.slice(0, 1000),
        scope: related.scope.slice(0, 100).map((entry) => entry.slice(0, 1000)),
        kind: related.kind.slice(0, 50),
      };
    });
  return {
    callers: fit(relations.callers),
    callees: fit(relations.callees),
    truncated: relations.truncated || relations.callers.length > MAX_RELATED || relations.callees.length > MAX_RELATED,
  };
}

/**
 * Clips a migration view to the protocol's limits (long texts cut, long lists shortened), so that one long
 * doc comment or a long query list cannot get the whole view refused. Numbers are left as they are.
 */
export function fitMigrationView(view: PanelMigrationView): PanelMigrationView {
  const report = view.report;
  return {
    phase: view.phase,
    fromModel: view.fromModel === null ? null : clip(view.fromModel, MAX_MODEL_NAME_LENGTH),
    toModel: view.toModel === null ? null : clip(view.toModel, MAX_MODEL_NAME_LENGTH),
    detail: clip(view.detail, MAX_MIGRATION_TEXT_LENGTH),
    canCutOver: view.canCutOver,
    canRollBack: view.canRollBack,
    decisionReason: view.decisionReason === null ? null : clip(view.decisionReason, MAX_MIGRATION_TEXT_LENGTH),
    report: report === null ? null : fitReport(report),
  };
}

function fitReport(report: MigrationReport): MigrationReport {
  const thresholds = (value: MigrationReport['thresholds']['to']): MigrationReport['thresholds']['to'] =>
    'unavailable' in value ? { unavailable: clip(value.unavailable, MAX_MIGRATION_TEXT_LENGTH) } : value;
  return {
    ...report,
    queries: {
      ...report.queries,
      examples: report.queries.examples.slice(0, MAX_REPORT_EXAMPLES).map((example) => ({ ...example, query: clip(example.query, MAX_REPORT_QUERY_LENGTH) })),
    },
    overlap: report.overlap && {
      ...report.overlap,
      // The queries that changed most are the ones worth keeping when there are too many.
      perQuery: [...report.overlap.perQuery]
        .sort((a, b) => a.overlapAt10 - b.overlapAt10)
        .slice(0, MAX_REPORT_QUERIES)
        .map((entry) => ({ ...entry, query: clip(entry.query, MAX_REPORT_QUERY_LENGTH) })),
    },
    thresholds: { from: report.thresholds.from && thresholds(report.thresholds.from), to: thresholds(report.thresholds.to) },
  };
}

/**
 * Clips a trade-off view to the protocol's limits (long texts cut, options past the limit dropped, with the
 * recommendation when it was one of them), so that one long warning cannot get the whole view refused.
 * Numbers are left as they are.
 */
export function fitTradeoffView(view: PanelTradeoffView): PanelTradeoffView {
  const report = view.report;
  return {
    state: view.state,
    detail: clip(view.detail, MAX_TRADEOFF_TEXT_LENGTH),
    report: report === null ? null : fitTradeoffReport(report),
    applying: view.applying,
  };
}

function fitTradeoffReport(report: TradeoffReport): TradeoffReport {
  let options = report.options;
  let recommended = report.recommended;
  if (options.length > MAX_TRADEOFF_OPTIONS) {
    // The current and the recommended options are the ones worth keeping when there are too many.
    const wanted = new Set([options.findIndex((option) => option.current), recommended ?? -1].filter((index) => index >= 0));
    const kept = options.map((option, index) => ({ option, index })).filter(({ index }) => wanted.has(index) || index < MAX_TRADEOFF_OPTIONS - wanted.size);
    options = kept.map(({ option }) => option);
    // Out of range stays out of range, for the protocol check to refuse.
    if (recommended !== undefined && recommended < report.options.length) recommended = kept.findIndex(({ index }) => index === recommended);
  }
  return {
    ...report,
    model: { ...report.model, id: clip(report.model.id, MAX_MODEL_NAME_LENGTH) },
    options: options.map((option) => ({
      ...option,
      label: clip(option.label, MAX_OPTION_LABEL_LENGTH),
      warning: option.warning === undefined ? undefined : clip(option.warning, MAX_TRADEOFF_TEXT_LENGTH),
    })),
    recommended,
    recommendation: clip(report.recommendation, MAX_TRADEOFF_TEXT_LENGTH),
  };
}

/**
 * Clips a models view to the protocol's limits (long texts cut, rows and models past the limit dropped), so
 * that one long failure message cannot get the whole view refused. Numbers are left as they are.
 */
export function fitModelsView(view: PanelModelsView): PanelModelsView {
  const report = view.report;
  return {
    state: view.state,
    detail: clip(view.detail, MAX_TRADEOFF_TEXT_LENGTH),
    report: report === null ? null : fitModelsReport(report),
    switching: view.switching,
  };
}

function fitModelsReport(report: ModelEvaluationReport): ModelEvaluationReport {
  const models = report.models.slice(0, MAX_EVALUATED_MODELS).filter((model) => model.name.length <= MAX_EVALUATED_MODEL_NAME_LENGTH);
  const names = new Set(models.map((model) => model.name));
  const kept = report.rows.filter((row) => names.has(row.model)).slice(0, MAX_EVALUATION_ROWS);
  // The verdict points into the rows: after trimming, at the same row, or at none (then it says why).
  const best = report.verdict.best === undefined ? -1 : kept.indexOf(report.rows[report.verdict.best]!);
  const verdict = best >= 0 || report.verdict.best === undefined
    ? { ...report.verdict, best: best >= 0 ? best : undefined, text: clip(report.verdict.text, MAX_TRADEOFF_TEXT_LENGTH) }
    : { best: undefined, reason: 'missing' as const, text: 'No verdict: the best model is not among the rows shown.' };
  return {
    ...report,
    verdict,
    index: { ...report.index, modelId: report.index.modelId === undefined ? undefined : clip(report.index.modelId, MAX_MODEL_NAME_LENGTH) },
    queries: {
      ...report.queries,
      examples: report.queries.examples.slice(0, MAX_REPORT_EXAMPLES).map((example) => ({ ...example, query: clip(example.query, MAX_REPORT_QUERY_LENGTH) })),
    },
    models: models.map((model) => ({ ...model, id: clip(model.id, MAX_MODEL_NAME_LENGTH), displayName: clip(model.displayName, MAX_MODEL_NAME_LENGTH) })),
    failures: report.failures.slice(0, MAX_EVALUATED_MODELS).map((failure) => ({ model: clip(failure.model, MAX_EVALUATED_MODEL_NAME_LENGTH), message: clip(failure.message, MAX_TRADEOFF_TEXT_LENGTH) })),
    rows: kept
      .map((row) => ({ ...row, modelDisplayName: clip(row.modelDisplayName, MAX_MODEL_NAME_LENGTH), label: clip(row.label, MAX_OPTION_LABEL_LENGTH) })),
  };
}

/** The report views, each in a tab of its own, by the tab's name. */
export interface ReportViews {
  migration: PanelMigrationView;
  storage: PanelTradeoffView;
  models: PanelModelsView;
}
export type ReportTabName = keyof ReportViews;

/** How the host sends a report view: clipped to the protocol, checked, and what to show when it does not pass. */
export interface ReportViewKind<V> {
  fit(view: V): V;
  /** The protocol's description of the view (`validate` says why one does not pass). */
  schema: Schema<V>;
  /** The view without its report, shown when the report does not pass the protocol check. */
  withoutReport(view: V): V;
  /** What does not fit, for the log, with the protocol's reason. */
  unfit: (reason: string) => string;
  /** What the view is called in the log. */
  name: string;
  message(view: V): HostToPanel;
}

/** A view whose report could not be shown says so, instead of showing nothing (the storage and models tabs). */
function failedWithout<V extends { state: string; detail: string; report: unknown }>(view: V, reason: string): V {
  return { ...view, state: view.state === 'ready' ? 'failed' : view.state, detail: view.state === 'ready' ? reason : view.detail, report: null };
}

export const REPORT_VIEWS: { readonly [K in ReportTabName]: ReportViewKind<ReportViews[K]> } = {
  migration: {
    fit: fitMigrationView,
    schema: panelSchemas.migrationView,
    // A report that does not fit (e.g. a NaN) is not worth losing the phase and the buttons for.
    withoutReport: (view) => ({ ...view, report: null }),
    unfit: (reason) => `the migration report does not fit the panel protocol (${reason}); showing the migration without it.`,
    name: 'migration view',
    message: (view) => ({ type: 'migration', view }),
  },
  storage: {
    fit: fitTradeoffView,
    schema: panelSchemas.tradeoffView,
    withoutReport: (view) => failedWithout(view, 'The measurements could not be shown: they hold a value the panel does not accept. See the Semantic Search log.'),
    unfit: (reason) => `the storage options report does not fit the panel protocol (${reason}); showing the view without it.`,
    name: 'storage options view',
    message: (view) => ({ type: 'tradeoffs', view }),
  },
  models: {
    fit: fitModelsView,
    schema: panelSchemas.modelsView,
    withoutReport: (view) => failedWithout(view, 'The evaluation could not be shown: it holds a value the panel does not accept. See the Semantic Search log.'),
    unfit: (reason) => `the model evaluation does not fit the panel protocol (${reason}); showing the view without it.`,
    name: 'models view',
    message: (view) => ({ type: 'modelEvaluation', view }),
  },
};
