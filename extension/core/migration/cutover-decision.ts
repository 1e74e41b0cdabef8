// Whether a complete new index takes over by itself or waits for the user. One function for both front
// ends (the editor's worker and `semsearch migrate`): two that each decided would drift apart.
import { migrationEvidence, type NoEvidenceReason } from '../evaluation/evidence.ts';
import { qualityDropped, type MigrationReport } from './report.ts';

/** What the decision needs besides the report. */
export interface CutoverPolicy {
  /** Cut over by itself when the evidence allows (`semanticSearch.migration.autoCutover`; `migrate` without `--manual`). */
  automatic: boolean;
  /** Largest MRR@10 drop allowed (absolute). */
  margin: number;
}

/** Why the cutover waits for the user. */
export type CutoverHoldReason = 'manual' | 'no-report' | 'quality-fell' | 'results-changed' | NoEvidenceReason;

/**
 * A storage change (same model, same chunker: int8, binary, fewer dimensions) only approximates the
 * vectors searches read now, so the question is not "does the new model find the documented definitions"
 * but "does it return what the current index returns". That needs no labels: the top-10 overlap of the
 * old and new index on the report's queries answers it, and a small repository with few doc comments
 * still has it. Fewest queries for that answer, and the mean overlap that counts as the same results
 * (int8 keeps 0.95 or more of the float32 top 10 on the eval repositories; a change that loses a fifth
 * of every list is one for the user to look at).
 */
export const STORAGE_OVERLAP_QUERIES = 10;
export const STORAGE_OVERLAP_KEPT = 0.8;

/** Cut over now, or wait, with why in a clause for people ("its MRR@10 on 40 queries … fell …"). */
export type CutoverDecision =
  | { cutOver: true }
  | { cutOver: false; reason: CutoverHoldReason; text: string; /** The MRR@10 figures, when quality fell. */ fell?: { queries: number; from: number; to: number } };

/**
 * Cut over only when a report was made, its quality figures are evidence (queries enough, an old
 * figure, not both zero: see `migrationEvidence`), MRR@10 did not fall by more than the margin, and
 * automatic cutover is on. A storage change without that evidence may instead show that it keeps the
 * current results (`sameResults`). Missing or thin evidence waits for the user, as a drop does; the report's
 * reasons are given before "automatic cutover is off".
 */
export function cutoverDecision(report: MigrationReport | undefined, policy: CutoverPolicy): CutoverDecision {
  // What the report says comes first: a user who cuts over by hand wants to know that too.
  if (!report) return { cutOver: false, reason: 'no-report', text: 'the migration report could not be made, so nothing shows that the new model searches as well' };
  const evidence = migrationEvidence(report.quality);
  if (!evidence.sufficient) {
    const same = storageOnly(report) ? sameResults(report) : undefined;
    if (!same) return { cutOver: false, reason: evidence.reason, text: evidence.text };
    if (!same.kept) return { cutOver: false, reason: 'results-changed', text: same.text };
    if (!policy.automatic) return { cutOver: false, reason: 'manual', text: 'automatic cutover is off' };
    return { cutOver: true };
  }
  if (qualityDropped(report, policy.margin)) {
    const quality = report.quality!;
    return {
      cutOver: false,
      reason: 'quality-fell',
      fell: { queries: quality.queries, from: quality.from!.mrrAt10, to: quality.to.mrrAt10 },
      text: `its MRR@10 on ${quality.queries} queries from doc comments fell from ${quality.from!.mrrAt10.toFixed(3)} to ${quality.to.mrrAt10.toFixed(3)}, more than the allowed ${policy.margin}`,
    };
  }
  if (!policy.automatic) return { cutOver: false, reason: 'manual', text: 'automatic cutover is off' };
  return { cutOver: true };
}

/** Whether old and new index differ only in how the vectors are stored. */
function storageOnly(report: MigrationReport): boolean {
  return report.from !== undefined && report.from.modelFingerprint === report.to.modelFingerprint && report.from.chunker === report.to.chunker;
}

/** For a storage change: whether the new index keeps the current one's results; undefined when too few queries say so. */
function sameResults(report: MigrationReport): { kept: boolean; text: string } | undefined {
  const overlap = report.overlap;
  if (!overlap || overlap.perQuery.length < STORAGE_OVERLAP_QUERIES) return undefined;
  const kept = overlap.mean >= STORAGE_OVERLAP_KEPT;
  const share = `${Math.round(overlap.mean * 100)}%`;
  return {
    kept,
    text: kept
      ? `it keeps ${share} of the current top 10 on ${overlap.perQuery.length} queries`
      : `it keeps only ${share} of the current top 10 on ${overlap.perQuery.length} queries (less than ${Math.round(STORAGE_OVERLAP_KEPT * 100)}%)`,
  };
}
