// Operations on a folder's model change, one implementation for both front ends (`semsearch migrate` and
// the editor's index worker): which migration is current, how a space is named, how a space's own model is
// loaded again, and the one path from a complete new index to "cut over now, or wait, and why".
import { EmbeddingRuntime, type RuntimeOptions } from '../embedding/runtime.ts';
import { CoreError } from '../errors.ts';
import { spaceDetails } from '../model/space-details.ts';
import { describeStorage } from '../store/storage-option.ts';
import type { IndexStore, Migration, VectorSpace } from '../store/index-store.ts';
import { migrationStatus, type MigrationStatus } from '../migration/lifecycle.ts';
import { cutoverDecision, type CutoverDecision, type CutoverPolicy } from '../migration/cutover-decision.ts';
import { migrationReport, type MigrationReport } from '../migration/report.ts';
import type { QueryEmbedder } from '../search/search.ts';

/**
 * How a space is named to the user: its model, and its storage when that is not plain float32, said as the
 * vectors' ("use-lite (vectors stored as int8)"): a bare "int8" reads as the model's weights. `identify` adds
 * the model weights and the space's id, for a listing where two spaces of one model must be told apart
 * (`semsearch migrate --status`): "use-lite, model weights int8, vectors stored as int8 (space 1a2b…)".
 */
export function spaceLabel(space: VectorSpace, options: { identify?: boolean } = {}): string {
  const plain = space.storage.kind === 'float32' && space.storage.dimensions === undefined;
  if (!options.identify) return plain ? space.modelId : `${space.modelId} (vectors stored as ${describeStorage(space.storage)})`;
  const weights = spaceDetails(space).quantization;
  return `${space.modelId}${weights ? `, model weights ${weights}` : ''}${plain ? '' : `, vectors stored as ${describeStorage(space.storage)}`} (space ${space.id})`;
}

/** The last cutover, while its old index can still be rolled back to; undefined otherwise. */
export function rollbackableCutover(status: MigrationStatus): Migration | undefined {
  const last = status.history.find((migration) => migration.state === 'cut-over');
  return last && status.rollbackTo?.id === last.fromSpace ? last : undefined;
}

/** The migration a report or a status is about: the one in progress, else the last cutover while it can be rolled back. */
export function currentMigration(store: IndexStore): Migration | undefined {
  const status = migrationStatus(store);
  return status.pending ?? rollbackableCutover(status);
}

/** Why a space's own model cannot embed its queries any more. */
export type SpaceModelProblem =
  /** The space does not record its model folder (written by an old version). */
  | { problem: 'unrecorded' }
  /** The folder's files now give another fingerprint: they changed since the space was built. */
  | { problem: 'changed'; modelDirectory: string };

/**
 * Loads the model a space was built with, from the folder and weights recorded with it, and checks that it
 * still computes the same vectors (same fingerprint). A model that loads but differs is disposed.
 */
export async function loadSpaceModel(space: VectorSpace, options: Omit<RuntimeOptions, 'modelDirectory' | 'quantization'>): Promise<{ runtime: EmbeddingRuntime } | SpaceModelProblem> {
  const details = spaceDetails(space);
  if (!details.modelDirectory) return { problem: 'unrecorded' };
  const runtime = await EmbeddingRuntime.load({ ...options, modelDirectory: details.modelDirectory, quantization: details.quantization ?? 'fp32' });
  if (runtime.info.fingerprint === space.modelFingerprint) return { runtime };
  await runtime.dispose();
  return { problem: 'changed', modelDirectory: details.modelDirectory };
}

/** What building a migration's report needs: the models of its spaces, found by the caller. */
export interface MigrationReportRequest {
  store: IndexStore;
  migration: Migration;
  /**
   * The model that embeds queries for a space. Undefined for the old space leaves it out of the report
   * (its model is gone); undefined for the new one is a `migration/model-not-loaded` error.
   */
  embedderFor: (space: VectorSpace) => Promise<QueryEmbedder | undefined>;
  recentQueries?: readonly string[];
  signal?: AbortSignal;
}

/** Builds a migration's report on the folder's own code and saves it with the migration (its state unchanged). */
export async function reportMigration(request: MigrationReportRequest): Promise<MigrationReport> {
  const { store, migration } = request;
  const to = store.vectorSpace(migration.toSpace);
  const from = migration.fromSpace ? store.vectorSpace(migration.fromSpace) : undefined;
  const embedTo = await request.embedderFor(to);
  if (!embedTo) throw new CoreError('migration', 'model-not-loaded', `The model of the new index (${to.modelId}) is not loaded.`);
  const embedFrom = from ? await request.embedderFor(from) : undefined;
  const report = await migrationReport({ store, from: embedFrom ? from : undefined, to, embedFrom, embedTo, recentQueries: request.recentQueries, signal: request.signal });
  store.updateMigration(migration.id, migration.state, report);
  return report;
}

/** What the one cutover path decided, with the report it rests on (or why there is none). */
export interface CutoverOutcome {
  decision: CutoverDecision;
  report: MigrationReport | undefined;
  /** Why the report could not be made; the decision is then "wait" (`no-report`). */
  reportError: unknown;
}

/**
 * The one path from a complete new index to a decision: marks the migration ready, builds and saves its
 * report, and applies `cutoverDecision`. The indexer calls it through `FolderIndexOptions.decideCutover`
 * from both front ends; a report that fails is no reason to stop the run, so the failure is returned.
 */
export async function decideCutover(request: MigrationReportRequest & { policy: CutoverPolicy }): Promise<CutoverOutcome> {
  let report: MigrationReport | undefined;
  let reportError: unknown;
  try {
    report = await reportMigration({ ...request, migration: { ...request.migration, state: 'ready' } });
  } catch (error) {
    reportError = error;
  }
  return { decision: cutoverDecision(report, request.policy), report, reportError };
}
