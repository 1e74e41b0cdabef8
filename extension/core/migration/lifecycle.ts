// The life of a migration from one vector space to another: started when an index run targets a space
// that is not the active one, ready when that space has a vector for every chunk, cut over atomically
// (one transaction flips which space is active), rolled back the same way while the old space is
// retained, and garbage-collected when its retention ends. The state lives in the database, so a
// window reload or a crash resumes it.
import type { IndexStore, Migration, VectorSpace } from '../store/index-store.ts';
import { CoreError } from '../errors.ts';

/** Days a replaced space is kept for rollback by default. */
export const DEFAULT_RETENTION_DAYS = 7;

/** Where a store stands: the active space, the migration in progress, what could be rolled back to. */
export interface MigrationStatus {
  active: VectorSpace | undefined;
  pending: (Migration & { target: VectorSpace; missing: number; complete: boolean }) | undefined;
  /** The space a rollback would return to, while it is retained. */
  rollbackTo: VectorSpace | undefined;
  history: Migration[];
}

export function migrationStatus(store: IndexStore): MigrationStatus {
  const pending = store.pendingMigration();
  let pendingStatus: MigrationStatus['pending'];
  if (pending) {
    const target = store.vectorSpace(pending.toSpace);
    const missing = store.countMissingEmbeddings(target);
    pendingStatus = { ...pending, target, missing, complete: missing === 0 && store.isSpaceComplete(target.id) };
  }
  return { active: store.activeSpace(), pending: pendingStatus, rollbackTo: rollbackTarget(store), history: store.migrations() };
}

/** Records that the active space is being replaced by `target` (no-op when it is already active). */
export function beginMigration(store: IndexStore, target: VectorSpace): Migration | undefined {
  const active = store.activeSpace();
  if (!active || active.id === target.id) return undefined;
  return store.startMigration(active.id, target.id);
}

/** Makes the pending migration's space the active one, in one transaction. */
export function cutOver(store: IndexStore): Migration {
  const pending = store.pendingMigration();
  if (!pending) throw new CoreError('migration', 'nothing-pending', 'There is no migration to cut over to. Change the model, or index with another one, to start one.');
  const target = store.vectorSpace(pending.toSpace);
  const missing = store.countMissingEmbeddings(target);
  // "Complete" is set by a full index run that chunked every file for the new space and embedded every chunk.
  if (missing > 0 || !store.isSpaceComplete(target.id)) {
    throw new CoreError('migration', 'not-complete', `The new index is not complete yet${missing > 0 ? ` (${missing} chunks without a vector)` : ''}; cutting over now would lose results. Let indexing finish first.`);
  }
  store.transaction(() => {
    store.activateSpace(target.id);
    store.setSpaceComplete(target.id, true);
    store.updateMigration(pending.id, 'cut-over');
  });
  return { ...pending, state: 'cut-over' };
}

/** The space the last cutover replaced, if it still exists. */
export function rollbackTarget(store: IndexStore): VectorSpace | undefined {
  const last = store.migrations().find((migration) => migration.state === 'cut-over');
  if (!last?.fromSpace) return undefined;
  const previous = store.vectorSpaces().find((space) => space.id === last.fromSpace);
  return previous && previous.state === 'retired' ? previous : undefined;
}

/** Makes the space the last cutover replaced active again, in one transaction. */
export function rollBack(store: IndexStore): { migration: Migration; space: VectorSpace } {
  const last = store.migrations().find((migration) => migration.state === 'cut-over');
  const target = rollbackTarget(store);
  if (!last || !target) {
    throw new CoreError('migration', 'nothing-to-roll-back', 'There is no earlier index to go back to: no cutover happened, or its old index has already been removed.');
  }
  store.transaction(() => {
    store.activateSpace(target.id);
    store.updateMigration(last.id, 'rolled-back');
  });
  return { migration: { ...last, state: 'rolled-back' }, space: store.vectorSpace(target.id) };
}

/**
 * Drops retired spaces whose retention has ended, and spaces of abandoned migrations that nothing
 * points at. The active space, the pending target and the rollback target inside its retention stay.
 */
export function collectGarbage(store: IndexStore, retentionMs: number, now = Date.now()): VectorSpace[] {
  const keep = new Set<string>();
  const active = store.activeSpace();
  if (active) keep.add(active.id);
  const pending = store.pendingMigration();
  if (pending) keep.add(pending.toSpace);
  const dropped: VectorSpace[] = [];
  for (const space of store.vectorSpaces()) {
    if (keep.has(space.id)) continue;
    const expired = space.state === 'retired' && space.retiredAt !== undefined && now - space.retiredAt > retentionMs;
    const orphanedBuild = space.state === 'building';
    if (expired || orphanedBuild) {
      store.dropSpace(space.id);
      dropped.push(space);
    }
  }
  return dropped;
}
