// Status texts, kept free of the vscode module so they are tested in plain Node.
import type { IndexProgress } from '../core/indexing/indexer.ts';
import type { FolderPhase, FolderState, ServiceError } from '../core/service/workspace-service.ts';

/** The one word that sums up several folders: the most pressing phase wins. */
export function overallPhase(phases: readonly FolderPhase[]): FolderPhase {
  for (const phase of ['error', 'indexing', 'loading', 'paused', 'partial', 'ready'] as const) if (phases.includes(phase)) return phase;
  return 'idle';
}

/** "n/N (p%)" over every folder being indexed; files first, then chunks still to embed. */
export function progressSummary(progress: readonly IndexProgress[]): string {
  const done = progress.reduce((sum, entry) => sum + entry.filesIndexed + entry.chunksEmbedded, 0);
  const total = progress.reduce((sum, entry) => sum + entry.filesToIndex + entry.chunksToEmbed, 0);
  const files = progress.reduce((sum, entry) => sum + entry.filesIndexed, 0);
  const fileTotal = progress.reduce((sum, entry) => sum + entry.filesToIndex, 0);
  const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
  if (progress.length > 0 && progress.every((entry) => entry.phase === 'waiting')) return 'waiting for another window or process';
  if (progress.every((entry) => entry.phase === 'scanning')) {
    const scanned = progress.reduce((sum, entry) => sum + entry.filesScanned, 0);
    // A first index stores files while the walk goes on: say so, or it looks as if nothing is indexed yet.
    return files > 0 ? `${files} indexed, scanning ${scanned} files` : `scanning ${scanned} files`;
  }
  return `${files}/${fileTotal} (${percent}%)`;
}

/** The message of the indexing notification for one folder's progress. */
export function progressMessage(progress: IndexProgress): string {
  if (progress.phase === 'waiting') return 'waiting for another window or process';
  if (progress.phase === 'scanning') {
    const scanning = `scanning ${progress.filesScanned} files`;
    return progress.filesIndexed > 0 ? `${scanning}; ${progress.filesIndexed} indexed, ${progress.chunksEmbedded}/${progress.chunksToEmbed} chunks` : scanning;
  }
  return `${progress.filesIndexed}/${progress.filesToIndex} files, ${progress.chunksEmbedded}/${progress.chunksToEmbed} chunks`;
}


/** One tooltip line about a folder's model change, or undefined when there is none. */
export function migrationLine(folder: Pick<FolderState, 'name' | 'migration'>): string | undefined {
  const migration = folder.migration;
  if (!migration) return undefined;
  const models = `${migration.fromModel ?? 'nothing'} → ${migration.toModel}`;
  if (migration.phase === 'building') return `${folder.name}: building the ${migration.toModel} index (${models}); the old one answers meanwhile`;
  if (migration.phase === 'awaiting-decision') return `${folder.name}: the ${migration.toModel} index is ready and waits for you (Show Migration Report)`;
  return `${folder.name}: cut over (${models}); Roll Back is possible`;
}

/** The buttons an error notification offers: the next step its reason calls for, then the log. */
export function errorActions(error: Pick<ServiceError, 'kind' | 'reason'>): string[] {
  if (error.kind === 'model') return [error.reason === 'model-changed' ? 'Reload Model' : 'Change Model Setting', 'Open Log'];
  if (error.reason === 'corrupt') return ['Rebuild Index', 'Open Log'];
  // Retrying helps once the other process is done or space has been freed.
  if (error.reason === 'locked' || error.reason === 'disk-full') return ['Retry', 'Open Log'];
  return ['Open Log'];
}

/** Why the index worker stopped, for the notification: running out of memory gets its own next step. */
export function indexWorkerStopReason(error: Error & { code?: unknown }): string {
  if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return 'The index worker ran out of memory; the index keeps what it had. Exclude very large files or folders (semanticSearch.indexing.exclude, semanticSearch.indexing.maxFileSize) or use fewer threads (semanticSearch.model.threads).';
  }
  return `The index worker failed: ${error.message}`;
}
