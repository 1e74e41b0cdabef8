// What the migration UI shows and does, free of the vscode module so it is tested in plain Node: the
// panel's migration view from the service state and reports, the notices a state change calls for,
// and the model settings that bring back the model a rollback returned to.
import path from 'node:path';
import type { FolderMigration, FolderState } from '../core/service/workspace-service.ts';
import type { MigrationReport } from '../core/migration/report.ts';
import type { Quantization } from '../core/model/fingerprint.ts';
import { CATALOG } from '../core/model/catalog.ts';
import { repositoryDirectory } from '../core/model/download.ts';
import type { PanelMigrationView } from '../protocol/panel-protocol.ts';
import { formatPercent } from '../core/indexing/progress.ts';
import { progressCounts } from './status-text.ts';

const NO_MIGRATION: PanelMigrationView = { phase: 'none', fromModel: null, toModel: null, detail: 'No model change in progress.', canCutOver: false, canRollBack: false, decisionReason: null, report: null };

/** "3 minutes ago", for the view's detail line. */
export function ago(milliseconds: number, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - milliseconds) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/**
 * The migration the panel shows: the first folder that has one (in a multi-root workspace its name
 * is part of the detail), with the report saved for it.
 */
export function migrationView(folders: readonly FolderState[], reports: ReadonlyMap<string, MigrationReport>, now = Date.now()): PanelMigrationView {
  const folder = folders.find((candidate) => candidate.migration !== undefined);
  const migration = folder?.migration;
  if (!folder || !migration) return NO_MIGRATION;
  const where = folders.length > 1 ? `${folder.name}: ` : '';
  const details: Record<FolderMigration['phase'], string> = {
    building: folder.progress
      ? `${where}building the new index${folder.progress.fraction !== undefined ? ` (${formatPercent(folder.progress.fraction)})` : ''}: ${progressCounts([folder.progress])}. Searches use the old index meanwhile.`
      : `${where}building the new index (${migration.missing} chunk contents still to embed). Searches use the old index meanwhile.`,
    'awaiting-decision': `${where}the new index is complete and waits for your decision. Searches use the old index.`,
    'cut-over': `${where}cut over ${ago(migration.updatedAt, now)}; the old index is kept for rollback.`,
  };
  return {
    phase: migration.phase,
    fromModel: migration.fromModel ?? null,
    toModel: migration.toModel,
    detail: details[migration.phase],
    canCutOver: migration.phase === 'awaiting-decision',
    // Before cutover, "roll back" abandons the new build (the old index is still the one in use).
    canRollBack: migration.phase !== 'cut-over' || migration.canRollBack,
    decisionReason: migration.decisionReason ?? null,
    report: reports.get(folder.key) ?? null,
  };
}

/** What a change of a folder's migration calls for telling the user. */
export type MigrationNotice =
  | { kind: 'awaiting-decision'; folder: string; toModel: string; reason: string }
  | { kind: 'cut-over'; folder: string; fromModel: string | undefined; toModel: string }
  | { kind: 'stale'; folder: string; message: string }
  | { kind: 'recovered'; folder: string; message: string };

/**
 * Compares two successive states: a migration that became ready for a decision, one that was cut
 * over by itself (it was being built or awaited a decision), a model found computing other vectors, a
 * damaged index database moved aside and rebuilt.
 */
export function migrationNotices(previous: readonly FolderState[] | undefined, next: readonly FolderState[]): MigrationNotice[] {
  const notices: MigrationNotice[] = [];
  for (const folder of next) {
    const before = previous?.find((candidate) => candidate.key === folder.key);
    const was = before?.migration;
    const now = folder.migration;
    if (now?.phase === 'awaiting-decision' && (was?.phase !== 'awaiting-decision' || was.id !== now.id)) {
      notices.push({ kind: 'awaiting-decision', folder: folder.name, toModel: now.toModel, reason: now.decisionReason ?? '' });
    }
    if (now?.phase === 'cut-over' && was !== undefined && was.phase !== 'cut-over' && was.id === now.id) {
      notices.push({ kind: 'cut-over', folder: folder.name, fromModel: now.fromModel, toModel: now.toModel });
    }
    if (folder.stale && folder.stale !== before?.stale) notices.push({ kind: 'stale', folder: folder.name, message: folder.stale });
    if (folder.recovered && folder.recovered !== before?.recovered) notices.push({ kind: 'recovered', folder: folder.name, message: folder.recovered });
  }
  return notices;
}

/** The model settings that select a model folder again (after a rollback). */
export interface ModelSettingValues {
  name: string;
  /** Only for `custom`. */
  path: string | undefined;
  quantization: Quantization | undefined;
}

/**
 * Which `semanticSearch.model.*` values name the model in `modelDirectory`: a bundled model (its folder
 * under the extension's models), a downloaded catalog model (under the storage's models), or `custom`.
 */
export function modelSettingFor(modelDirectory: string, quantization: Quantization | undefined, extensionPath: string, storageDirectory: string): ModelSettingValues {
  const resolved = path.resolve(modelDirectory);
  const bundledRoot = path.join(extensionPath, 'models');
  if (path.dirname(resolved) === bundledRoot && CATALOG.some((entry) => entry.kind === 'bundled' && entry.id === path.basename(resolved))) {
    return { name: path.basename(resolved), path: undefined, quantization };
  }
  for (const entry of CATALOG) {
    if (entry.kind !== 'hub') continue;
    const repository = repositoryDirectory(storageDirectory, entry.repo);
    if (resolved === repository || resolved.startsWith(repository + path.sep)) return { name: entry.id, path: undefined, quantization };
  }
  return { name: 'custom', path: resolved, quantization };
}
