// When a figure measured on self-supervised queries may decide something: name the best model ("Which
// model suits my code?") or let a migration cut over by itself. A figure from too few queries, a figure
// of zero, or a tie is no evidence, and is said so instead of being turned into a winner. Pure: the CLI,
// the worker and the panel all read their verdicts from here.

import { plural } from '../text/format.ts';

/**
 * Fewest distinct queries for a verdict. A query's reciprocal rank lies in [0, 1]; measured on real
 * repositories (requests, gin, rich, 100 queries each, USE lite and GloVe) it spreads with a standard
 * deviation of 0.31 to 0.37, so an MRR@10 from n queries is uncertain by about 0.34 / √n: ±0.06 at 30
 * queries, ±0.08 at 20, ±0.2 at 3. Below 30, a single query moves the figure by more than 0.03 and the
 * uncertainty is larger than the migration's default quality margin (0.05) and than most of the gaps
 * between models seen there (0.02 to 0.07): the figure is mostly the luck of which definitions were drawn.
 */
export const MINIMUM_EVIDENCE_QUERIES = 30;

/**
 * How many standard errors of the per-query difference the best model must lead the next one by to be
 * named best (about 95% two-sided). On those repositories the per-query difference between USE lite and
 * GloVe spreads by 0.40 to 0.44, so at 100 queries a lead under about 0.085 is not told apart from noise.
 */
export const LEAD_IN_STANDARD_ERRORS = 2;

/** Why measured figures decide nothing. */
export type NoEvidenceReason =
  /** No query could be made (no documented definitions), or the report has no quality section. */
  | 'missing'
  /** Fewer than MINIMUM_EVIDENCE_QUERIES distinct queries. */
  | 'few-queries'
  /** The best figure is zero: nothing was found, whatever the model. */
  | 'no-hits'
  /** The best models score the same. */
  | 'tie'
  /** The best model leads the next by less than LEAD_IN_STANDARD_ERRORS standard errors of the per-query difference. */
  | 'within-noise'
  /** A migration whose old model could not be measured: there is nothing to compare with. */
  | 'no-old-figure';

/** Whether figures are evidence; when not, why, in a sentence for people. */
export type Evidence = { sufficient: true } | { sufficient: false; reason: NoEvidenceReason; text: string };

/** "not enough evidence (12 queries; a verdict needs 30)". */
export function fewQueriesText(queries: number): string {
  return `not enough evidence (${plural(queries, 'query', 'queries')}; a verdict needs ${MINIMUM_EVIDENCE_QUERIES})`;
}

/** Figures of one (model, option) as the verdicts read them. */
export interface MeasuredRow {
  model: string;
  modelDisplayName?: string;
  mrrAt10: number;
  /** Each query's reciprocal rank (0 beyond 10), in query order: lets the verdict weigh a lead against its noise. */
  reciprocalRanks?: readonly number[];
}

/** The mean per-query difference a − b and its standard error; undefined without both lists. */
export function pairedDifference(a: readonly number[] | undefined, b: readonly number[] | undefined): { mean: number; standardError: number } | undefined {
  if (!a || !b || a.length !== b.length || a.length < 2) return undefined;
  const differences = a.map((value, index) => value - b[index]!);
  const mean = differences.reduce((sum, value) => sum + value, 0) / differences.length;
  const variance = differences.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (differences.length - 1);
  return { mean, standardError: Math.sqrt(variance / differences.length) };
}

/** The verdict of "Which model suits my code?": which row of the ranking is best, or why none is. */
export interface EvaluationVerdict {
  /** Index into the ranked rows of the best (model, option); undefined when the figures pick none. */
  best: number | undefined;
  /** Why none is picked (undefined when one is). */
  reason: NoEvidenceReason | undefined;
  /** Why none is picked, in a sentence for people; empty when one is. */
  text: string;
}

/**
 * The verdict on ranked rows (best first) measured on `queries` distinct queries: the first row, unless
 * the queries are too few, its MRR@10 is zero, another model's best row scores the same, or (when the
 * rows carry per-query reciprocal ranks) it leads that row by less than the noise of the queries.
 */
export function evaluationVerdict(rows: readonly MeasuredRow[], queries: number): EvaluationVerdict {
  const none = (reason: NoEvidenceReason, text: string): EvaluationVerdict => ({ best: undefined, reason, text });
  const top = rows[0];
  if (!top || queries === 0) return none('missing', 'No verdict: nothing was measured.');
  if (queries < MINIMUM_EVIDENCE_QUERIES) return none('few-queries', `No verdict: ${fewQueriesText(queries)}.`);
  if (top.mrrAt10 === 0) return none('no-hits', `No verdict: no model found any of the ${queries} documented definitions in its top 10 (MRR@10 0 for all), so the figures say nothing about which suits this code.`);
  const rival = rows.find((row) => row.model !== top.model);
  const name = (row: MeasuredRow) => row.modelDisplayName ?? row.model;
  if (rival && Math.abs(rival.mrrAt10 - top.mrrAt10) < 1e-9) return none('tie', `No verdict: ${name(top)} and ${name(rival)} tie (MRR@10 ${top.mrrAt10.toFixed(3)} on ${queries} queries).`);
  const lead = rival ? pairedDifference(top.reciprocalRanks, rival.reciprocalRanks) : undefined;
  if (rival && lead && lead.mean < LEAD_IN_STANDARD_ERRORS * lead.standardError) {
    return none(
      'within-noise',
      `No clear winner: ${name(top)} leads ${name(rival)} by ${lead.mean.toFixed(3)} MRR@10 (${top.mrrAt10.toFixed(3)} against ${rival.mrrAt10.toFixed(3)}), `
        + `less than the ±${(LEAD_IN_STANDARD_ERRORS * lead.standardError).toFixed(3)} that ${queries} queries can tell apart.`,
    );
  }
  return { best: 0, reason: undefined, text: '' };
}

/** A migration report's quality section, as the evidence rule reads it. */
export interface QualityFigures {
  queries: number;
  from: { mrrAt10: number } | undefined;
  to: { mrrAt10: number };
}

/**
 * Whether a migration's quality figures can decide a cutover by themselves: queries enough, an old
 * figure to compare with, and not both zero. When not, the cutover waits for the user, as when quality fell.
 */
export function migrationEvidence(quality: QualityFigures | undefined): Evidence {
  if (!quality || quality.queries === 0) return { sufficient: false, reason: 'missing', text: 'no search quality could be measured (no documented definitions gave a query)' };
  if (!quality.from) return { sufficient: false, reason: 'no-old-figure', text: 'the old model\'s search quality could not be measured, so there is nothing to compare with' };
  if (quality.queries < MINIMUM_EVIDENCE_QUERIES) return { sufficient: false, reason: 'few-queries', text: `the search quality rests on too few queries: ${fewQueriesText(quality.queries)}` };
  if (quality.from.mrrAt10 === 0 && quality.to.mrrAt10 === 0) {
    return { sufficient: false, reason: 'no-hits', text: `neither model found any of the ${quality.queries} documented definitions in its top 10, so the figures say nothing` };
  }
  return { sufficient: true };
}
