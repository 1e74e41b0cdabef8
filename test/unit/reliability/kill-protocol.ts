// What the kill tests and their child process (kill-child.ts) say to each other.

/** Index with hash model a or b (float32 vectors, or int8 ones converted from b's), or roll back the last cutover. */
export type KillStep = 'index-a' | 'index-b' | 'convert-b-int8' | 'rollback';

export interface KillOrder {
  root: string;
  databasePath: string;
  /** From writeHashModelFolder. */
  modelDirectory: string;
  step: KillStep;
  kill?: { at: number; when: 'before' | 'after' };
}

/**
 * Store operations that change which space serves or what a migration says: an uninterrupted run
 * reports where they happened, so kills can be aimed at them (a cutover is a few operations of hundreds).
 */
export const LANDMARKS = ['IndexStore.startMigration', 'IndexStore.updateMigration', 'IndexStore.activateSpace', 'IndexStore.ensureVectorSpace', 'IndexStore.calibrateSpace', 'IndexStore.copyVectors', 'IndexStore.dropSpace'];

/**
 * What the child prints last: where it was killed (the operation, and the public store call it was
 * part of, outermost first), or that it finished, after how many operations, and where the landmarks were.
 */
export type KillReport =
  | { killed: { operation: number; calls: string[]; when: 'before' | 'after'; inTransaction: boolean; phase: string } }
  | { finished: { operations: number; landmarks: number[] } };
