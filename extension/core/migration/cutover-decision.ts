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
export type CutoverHoldReason = 'manual' | 'no-report' | 'quality-fell' | NoEvidenceReason;

/** Cut over now, or wait, with why in a clause for people ("its MRR@10 on 40 queries … fell …"). */
export type CutoverDecision =
  | { cutOver: true }
  | { cutOver: false; reason: CutoverHoldReason; text: string; /** The MRR@10 figures, when quality fell. */ fell?: { queries: number; from: number; to: number } };

/**
 * Cut over only when a report was made, its quality figures are evidence (queries enough, an old
 * figure, not both zero: see `migrationEvidence`), MRR@10 did not fall by more than the margin, and
 * automatic cutover is on. Missing or thin evidence waits for the user, as a drop does; the report's
 * reasons are given before "automatic cutover is off".
 */
export function cutoverDecision(report: MigrationReport | undefined, policy: CutoverPolicy): CutoverDecision {
  // What the report says comes first: a user who cuts over by hand wants to know that too.
  if (!report) return { cutOver: false, reason: 'no-report', text: 'the migration report could not be made, so nothing shows that the new model searches as well' };
  const evidence = migrationEvidence(report.quality);
  if (!evidence.sufficient) return { cutOver: false, reason: evidence.reason, text: evidence.text };
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
