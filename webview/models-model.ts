// The models view's logic without the DOM ("Which model suits my code?"): the header (what was measured
// and how, the state), one row per (model, storage option) in the report's ranking with every number, the
// "Use This Model" button on each model's best row, and the notes (texts cut to a model's window, models
// that failed). Runs in Node for unit tests: no browser or Node globals. Every string here is plain
// text: `models-view.ts` renders it with textContent.

import type { ModelEvaluationReport, ModelEvaluationRow } from '../extension/core/evaluation/types.ts';
import { canEvaluateModels, usableModel } from '../extension/protocol/panel-protocol.ts';
import type { ModelsState, PanelModelsView } from '../extension/protocol/panel-protocol.ts';
import { formatBytes, formatCount, plural } from '../extension/core/text/format.ts';
import { formatMetric, formatShare, type ReportButton } from './report-model.ts';
import type { ModelsRequest } from './panel-model.ts';

/** What the view is doing, as its status line says it. */
export type ModelsStatus = ModelsState | 'switching';

/** A button of the models view. */
export type ModelsButton = ReportButton;

/** The top of the models view. */
export interface ModelsHeader {
  title: string;
  status: ModelsStatus;
  /** Empty when ready (the report says the rest). */
  statusLabel: string;
  /** The host's detail line (progress, failure, switching); may be empty. */
  detail: string;
  /** "The index: 1,204 chunks, use-lite (float32)"; null without a report. */
  index: string | null;
  /** What every model embedded, and from what queries; null without a report. */
  pool: string | null;
  /** The best row in words, or why the figures name none ("not enough evidence (12 queries…)"); null without rows. */
  verdict: string | null;
  /** Whether `verdict` names a best row (false: no verdict, and says why). */
  decided: boolean;
  /** Whether the report shown is an earlier one (evaluating again, or the last run failed). */
  stale: boolean;
  evaluate: ModelsButton;
}

const STATUS_LABELS: Readonly<Record<ModelsStatus, string>> = {
  evaluating: 'Running each installed model on your code',
  ready: '',
  failed: 'Evaluating the models failed',
  switching: 'Switching models',
};

/** The header of a models view; `pending` is the button pressed and not answered yet. */
export function modelsHeader(view: PanelModelsView, pending: ModelsRequest | null = null): ModelsHeader {
  const report = view.report;
  const status: ModelsStatus = view.switching && view.state !== 'evaluating' ? 'switching' : view.state;
  const evaluating = pending?.type === 'evaluateModels';
  return {
    title: 'Which model suits my code?',
    status,
    statusLabel: STATUS_LABELS[status],
    detail: view.detail,
    index: report ? indexLine(report) : null,
    pool: report ? poolLine(report) : null,
    verdict: report ? verdictLine(report) : null,
    decided: report !== null && report.verdict.best !== undefined,
    stale: report !== null && view.state !== 'ready',
    evaluate: {
      enabled: canEvaluateModels(view) && pending === null,
      busy: evaluating,
      label: evaluating ? 'Evaluating…' : 'Evaluate Again',
      title: view.state === 'evaluating'
        ? 'The models are being evaluated now.'
        : view.switching
          ? 'Evaluate again once the model has been switched.'
          : 'Run every installed model on your documented code again.',
    },
  };
}

function indexLine(report: ModelEvaluationReport): string {
  const model = report.index.modelId ? ` of ${report.index.modelId}${report.index.storage ? `, stored as ${report.index.storage}` : ''}` : '';
  return `Your index: ${plural(report.index.chunks, 'chunk')}, ${plural(report.index.vectors, 'vector')}${model}.`;
}

function poolLine(report: ModelEvaluationReport): string {
  const { pool, queries } = report;
  const sources = [
    queries.fromDocComments > 0 ? `${formatCount(queries.fromDocComments)} from doc comments` : '',
    queries.fromDocstrings > 0 ? `${formatCount(queries.fromDocstrings)} from Python docstrings` : '',
  ].filter(Boolean).join(', ');
  return `${plural(queries.count, 'query', 'queries')} (${sources}), each looking for the definition it documents among ${plural(pool.size, 'chunk')}: `
    + `the ${plural(pool.targets, 'documented definition')} (${plural(pool.targetChunks, 'chunk')}) and ${plural(pool.distractors, 'other chunk')} drawn from the index, documentation hidden in all of them.`;
}

/** The best row in words, or why the figures name none (the core's verdict: too few queries, all zero, a tie). */
function verdictLine(report: ModelEvaluationReport): string | null {
  if (report.rows.length === 0) return null;
  const best = report.verdict.best === undefined ? undefined : report.rows[report.verdict.best];
  if (!best) return report.verdict.text;
  const current = report.rows.find((row) => row.current);
  const comparison = current && current !== best ? ` Your index now: ${current.modelDisplayName}, vectors stored as ${current.label}, MRR@10 ${formatMetric(current.mrrAt10)}.` : current === best ? ' That is what your index uses now.' : '';
  return `Best here: ${best.modelDisplayName}, vectors stored as ${best.label} (MRR@10 ${formatMetric(best.mrrAt10)}, Recall@10 ${formatShare(best.recallAt10)} on ${plural(report.queries.count, 'query', 'queries')}).${comparison}`;
}

/** The sentence shown instead of the report when there is none. */
export function modelsPlaceholder(view: PanelModelsView): string | null {
  if (view.report !== null) return view.report.rows.length === 0 ? 'No model could be evaluated.' : null;
  switch (view.state) {
    case 'evaluating':
      return 'Each installed model embeds the same sample of your code; the first sentence of each doc comment is then searched for among it, with the documentation hidden from the code.';
    case 'failed':
      return 'No evaluation is available. Evaluate again once the problem is fixed.';
    case 'ready':
      return 'No evaluation is available.';
  }
}

/**
 * The table's columns (the Use button's column is the DOM's). "int8" can mean a model's weights or how its
 * vectors are stored: the Model column says the weights, the next one how the vectors are stored.
 */
export const MODELS_COLUMNS: readonly string[] = ['Rank', 'Model', 'Vectors stored as', 'Dimensions', 'Bytes per vector', 'Recall@10', 'MRR@10', 'nDCG@10', 'Chunks per second'];

/** One (model, option) as the table shows it. */
export interface ModelsRow {
  /** The row's index in the report (test ids use it). */
  index: number;
  rank: number;
  model: string;
  modelDisplayName: string;
  /** "model weights int8": the quantization of the model that ran (not of the stored vectors); null when unknown. */
  weights: string | null;
  /** How the vectors are stored ("int8", "binary (rescored from float32) ×40"). */
  label: string;
  /** The model serving the folder now. */
  currentModel: boolean;
  /** The model and storage serving the folder now. */
  current: boolean;
  /** The numbers, one per column after Storage. */
  values: string[];
  /** On the best row of each model only; null on the others. */
  use: (ModelsButton & { ariaLabel: string }) | null;
}

/** The rows of a view's report, best first, with a "Use This Model" button on each model's best row. */
export function modelsRows(view: PanelModelsView, pending: ModelsRequest | null = null): ModelsRow[] {
  const report = view.report;
  if (!report) return [];
  const seen = new Set<string>();
  return report.rows.map((row, index) => {
    const first = !seen.has(row.model);
    seen.add(row.model);
    return {
      index,
      rank: index + 1,
      model: row.model,
      modelDisplayName: row.modelDisplayName,
      weights: weightsOf(report, row.model),
      label: row.label,
      currentModel: row.currentModel,
      current: row.current,
      values: [
        formatCount(row.dimensions),
        formatBytes(row.bytesPerVector),
        formatShare(row.recallAt10),
        formatMetric(row.mrrAt10),
        formatMetric(row.ndcgAt10),
        formatCount(row.chunksPerSecond),
      ],
      use: first ? useButton(view, report, row, pending) : null,
    };
  });
}

function weightsOf(report: ModelEvaluationReport, model: string): string | null {
  const evaluated = report.models.find((candidate) => candidate.name === model);
  return evaluated ? `model weights ${evaluated.quantization}` : null;
}

function useButton(view: PanelModelsView, report: ModelEvaluationReport, row: ModelEvaluationRow, pending: ModelsRequest | null): ModelsButton & { ariaLabel: string } {
  const model = report.models.find((candidate) => candidate.name === row.model);
  const switching = pending?.type === 'useModel' && pending.model === row.model;
  const allowed = usableModel(view, row.model) !== undefined;
  return {
    enabled: allowed && pending === null,
    busy: switching,
    label: row.currentModel ? 'In use' : switching ? 'Switching…' : 'Use This Model',
    ariaLabel: row.currentModel ? `${row.modelDisplayName} is in use` : `Use ${row.modelDisplayName}`,
    title: row.currentModel
      ? 'Your index is built with this model now.'
      : model?.source === 'folder'
        ? 'A model folder is chosen with the setting semanticSearch.model.path (model name "custom").'
        : view.switching
          ? 'A model change is being started.'
          : view.state !== 'ready'
            ? 'Wait for the evaluation to finish.'
            : `Switch to ${row.modelDisplayName}: a new index is built beside the current one and takes over when it is complete.`,
  };
}

/** Notes under the table: texts cut to a model's window, and models that could not be evaluated. */
export function modelsNotes(report: ModelEvaluationReport | null): string[] {
  if (!report) return [];
  const cut = report.models
    .filter((model) => model.truncatedTexts > 0)
    .map((model) => `${model.displayName} saw ${formatCount(model.truncatedTexts)} of ${formatCount(report.pool.size)} chunks cut to its ${formatCount(model.maxTokens)}-token window.`);
  const failed = report.failures.map((failure) => `${failure.model} was not evaluated: ${failure.message}`);
  const { leftOut } = report.queries;
  const says = (count: number, one: string, many: string) => (count > 0 ? `${formatCount(count)} ${count === 1 ? one : many}` : '');
  const reasons = [
    says(leftOut.duplicate, 'says only what another definition says too', 'say only what another definition says too'),
    says(leftOut.boilerplate, 'holds only licence, attribution or tool lines', 'hold only licence, attribution or tool lines'),
    says(leftOut.noSentence, 'has no sentence of three words before its parameter list', 'have no sentence of three words before their parameter lists'),
    says(leftOut.notHidden, 'could not have its documentation hidden', 'could not have their documentation hidden'),
  ].filter(Boolean);
  const skipped = reasons.length > 0 ? [`${plural(report.queries.skipped, 'documented definition')} gave no query: ${reasons.join('; ')}.`] : [];
  return [
    ...cut,
    ...failed,
    ...skipped,
    'Figures are measured on the sample, not on the whole index: compare the rows with each other. Speeds are of this machine now.',
  ];
}
