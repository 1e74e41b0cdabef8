// The user's actions on a model change (a migration), folder by folder: cut over to the new index, roll
// back to the one the last cutover replaced, and the migration reports that help decide.
import { CoreError, isCoreError } from '../errors.ts';
import { cutOver as cutOverStore, rollBack as rollBackStore } from '../migration/lifecycle.ts';
import type { MigrationReport } from '../migration/report.ts';
import { spaceModel } from '../model/model-location.ts';
import { currentMigration, reportMigration, spaceLabel } from '../operations/migration.ts';
import { refreshMigration } from './migration-state.ts';
import { completeness, type ServiceCore } from './service-core.ts';
import type { RestoredSpace } from './service-types.ts';

/**
 * Cuts the folders' pending migrations over now (the new index must be complete). Folders without
 * one are left alone; throws the first migration `CoreError` when none could be cut over.
 */
export async function cutOver(core: ServiceCore, keys?: readonly string[]): Promise<string[]> {
  const done: string[] = [];
  let refusal: unknown;
  for (const entry of core.entries(keys)) {
    const index = await core.openFolder(entry).catch(() => undefined);
    if (!index?.store.pendingMigration()) continue;
    try {
      await index.indexer.exclusive(() => cutOverStore(index.store));
      done.push(entry.spec.key);
      core.warmFolder(entry, index);
    } catch (error) {
      if (!isCoreError(error, 'migration')) throw error;
      refusal ??= error;
    }
    refreshMigration(core, entry, index);
  }
  core.emitState();
  void core.releaseServingRuntimes();
  if (done.length === 0) throw refusal ?? new CoreError('migration', 'nothing-pending', 'There is no migration to cut over to. Change the model to start one.');
  return done;
}

/**
 * Makes the index the last cutover replaced active again, in each folder that has one. Returns the
 * model each folder went back to, so the caller can set the settings back to it (otherwise the next
 * index run starts the same migration again).
 */
export async function rollBack(core: ServiceCore, keys?: readonly string[]): Promise<RestoredSpace[]> {
  const restored: RestoredSpace[] = [];
  for (const entry of core.entries(keys)) {
    entry.run?.controller.abort();
    await entry.run?.done;
    const index = await core.openFolder(entry).catch(() => undefined);
    if (!index) continue;
    const pending = index.store.pendingMigration();
    if (pending) {
      // Rolling back while a new index is built abandons that build: the active index is already the old one.
      index.store.updateMigration(pending.id, 'abandoned');
      const active = index.store.activeSpace();
      if (active) restored.push({ folder: entry.spec.key, modelId: active.modelId, label: spaceLabel(active), storage: active.storage, ...spaceModel(active) });
    } else {
      try {
        const { space } = await index.indexer.exclusive(() => rollBackStore(index.store));
        restored.push({ folder: entry.spec.key, modelId: space.modelId, label: spaceLabel(space), storage: space.storage, ...spaceModel(space) });
      } catch (error) {
        if (!isCoreError(error, 'migration')) throw error;
      }
    }
    refreshMigration(core, entry, index);
    if (!core.paused && !entry.run) entry.state.phase = completeness(index);
    core.warmFolder(entry, index);
  }
  core.emitState();
  if (restored.length === 0) throw new CoreError('migration', 'nothing-to-roll-back', 'There is no earlier index to go back to: no cutover happened, or its old index has already been removed.');
  return restored;
}

/**
 * The migration report of each folder with a migration in progress or one that can be rolled back:
 * the saved one, or a fresh one when asked (or when none was saved yet).
 */
export async function migrationReports(core: ServiceCore, options: { keys?: readonly string[]; refresh?: boolean; signal?: AbortSignal } = {}): Promise<{ folder: string; name: string; report: MigrationReport }[]> {
  const reports: { folder: string; name: string; report: MigrationReport }[] = [];
  for (const entry of core.entries(options.keys)) {
    const index = await core.openFolder(entry).catch(() => undefined);
    if (!index) continue;
    const migration = currentMigration(index.store);
    if (!migration) continue;
    let report = migration.report as MigrationReport | undefined;
    if (!report || options.refresh) {
      report = await reportMigration({ store: index.store, migration, embedderFor: (space) => core.servingEmbedder(space.modelFingerprint), recentQueries: core.recentQueries, signal: options.signal });
      refreshMigration(core, entry, index);
    }
    reports.push({ folder: entry.spec.key, name: entry.spec.name, report });
  }
  core.emitState();
  return reports;
}
