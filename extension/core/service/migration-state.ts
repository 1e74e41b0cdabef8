// What a folder's state says about its model change, and the decision the indexer asks for when a new
// index is complete (see ../migration/cutover-decision.ts).
import type { FolderIndex } from '../folder-index.ts';
import { migrationStatus } from '../migration/lifecycle.ts';
import { cutoverDecision, type CutoverDecision, type CutoverPolicy } from '../migration/cutover-decision.ts';
import type { MigrationReport } from '../migration/report.ts';
import { decideCutover as decideCutoverNow, rollbackableCutover, spaceLabel } from '../operations/migration.ts';
import type { Migration, VectorSpace } from '../store/index-store.ts';
import type { FolderEntry, ServiceCore } from './service-core.ts';
import { DEFAULT_MIGRATION_SETTINGS, type MigrationSettings } from './service-types.ts';

/**
 * Called by the indexer when a new index is complete: writes the migration report into the
 * migration's record and says whether to cut over now (quality held and automatic cutover on).
 */
export async function decideCutover(core: ServiceCore, entry: FolderEntry, index: FolderIndex, migration: Migration, to: VectorSpace): Promise<boolean> {
  const settings = core.requireSettings().migration ?? DEFAULT_MIGRATION_SETTINGS;
  const { decision, reportError } = await decideCutoverNow({ store: index.store, migration, embedderFor: (space) => core.servingEmbedder(space.modelFingerprint), recentQueries: core.recentQueries, policy: cutoverPolicy(settings) });
  if (reportError !== undefined) core.events.log('warn', `${entry.spec.name}: the migration report could not be made (${reportError instanceof Error ? reportError.message : String(reportError)}).`);
  const reason = holdReason(decision);
  if (reason) core.events.log('info', `${entry.spec.name}: the new index of ${to.modelId} is complete; ${reason}`);
  return reason === undefined;
}

/** Recomputes what the folder's state says about its migration, from the database. */
export function refreshMigration(core: ServiceCore, entry: FolderEntry, index: FolderIndex): void {
  const status = migrationStatus(index.store);
  const modelOf = (spaceId: string | undefined) => {
    const space = spaceId ? index.store.vectorSpaces().find((candidate) => candidate.id === spaceId) : undefined;
    return space && spaceLabel(space);
  };
  const settings = core.settings?.migration ?? DEFAULT_MIGRATION_SETTINGS;
  const pending = status.pending;
  if (pending) {
    const report = pending.report as MigrationReport | undefined;
    const awaiting = pending.state === 'ready';
    entry.state.migration = {
      id: pending.id,
      phase: awaiting ? 'awaiting-decision' : 'building',
      fromModel: modelOf(pending.fromSpace),
      toModel: spaceLabel(pending.target),
      missing: pending.missing,
      decisionReason: awaiting ? (holdReason(cutoverDecision(report, cutoverPolicy(settings))) ?? 'waiting for the cutover') : undefined,
      canRollBack: status.rollbackTo !== undefined,
      updatedAt: pending.updatedAt,
      hasReport: report !== undefined,
    };
    return;
  }
  const last = rollbackableCutover(status);
  entry.state.migration =
    last
      ? {
          id: last.id,
          phase: 'cut-over',
          fromModel: modelOf(last.fromSpace),
          toModel: modelOf(last.toSpace) ?? last.toSpace,
          missing: 0,
          decisionReason: undefined,
          canRollBack: true,
          updatedAt: last.updatedAt,
          hasReport: last.report !== undefined,
        }
      : undefined;
}

/** The policy the settings give `cutoverDecision`. */
export function cutoverPolicy(settings: MigrationSettings): CutoverPolicy {
  return { automatic: settings.autoCutover, margin: settings.qualityMargin };
}

/** Why a complete new index waits for the user instead of cutting over by itself, naming the setting involved; undefined when it need not. */
export function holdReason(decision: CutoverDecision): string | undefined {
  if (decision.cutOver) return undefined;
  switch (decision.reason) {
    case 'manual':
      return `${decision.text} (semanticSearch.migration.autoCutover), so it waits for you to cut over.`;
    case 'quality-fell':
      return `${decision.text} (semanticSearch.migration.qualityMargin), so it waits for you to cut over or roll back.`;
    default:
      return `${decision.text}, so it waits for you to review the report, then cut over or roll back.`;
  }
}
