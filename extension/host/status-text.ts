// Status texts, kept free of the vscode module so they are tested in plain Node.
import type { IndexProgress } from '../core/indexing/indexer.ts';
import { formatDuration, formatPercent, type ProgressFigure } from '../core/indexing/progress.ts';
import type { FolderPhase, FolderState, ModelState, ServiceError, ServiceState } from '../core/service/workspace-service.ts';
import { CORE_ERROR_KINDS, nextStepOf, type CoreErrorKind, type CoreErrorReasons, type NextStep } from '../core/errors.ts';

/** The one word that sums up several folders: the most pressing phase wins. */
export function overallPhase(phases: readonly FolderPhase[]): FolderPhase {
  for (const phase of ['error', 'indexing', 'loading', 'paused', 'partial', 'ready'] as const) if (phases.includes(phase)) return phase;
  return 'idle';
}

/** What the status bar says while folders are indexed: "45%, 20 s left" (one figure over every folder). */
export function progressSummary(progress: readonly IndexProgress[], figure: ProgressFigure): string {
  if (progress.length > 0 && progress.every((entry) => entry.phase === 'waiting')) return 'waiting for another window or process';
  const files = progress.reduce((sum, entry) => sum + entry.filesIndexed, 0);
  if (figure.fraction === undefined) {
    const scanned = progress.reduce((sum, entry) => sum + entry.filesScanned, 0);
    // A first index stores files while the walk goes on: say so, or it looks as if nothing is indexed yet.
    return files > 0 ? `${files} indexed, scanning ${scanned} files` : `scanning ${scanned} files`;
  }
  return `${formatPercent(figure.fraction)}${timeLeft(figure.secondsRemaining, ', ')}`;
}

/** ", 20 s left" once there is a pace to go by, else nothing. */
function timeLeft(seconds: number | undefined, separator: string): string {
  return seconds !== undefined && seconds > 0 ? `${separator}${formatDuration(seconds)} left` : '';
}

/** "79 of 122 files, 1,020 of ~1,300 chunks": what the figure is made of, over every folder. */
export function progressCounts(progress: readonly IndexProgress[]): string {
  const sum = (pick: (entry: IndexProgress) => number) => progress.reduce((total, entry) => total + pick(entry), 0);
  const expected = sum((entry) => entry.chunksExpected);
  const embedded = sum((entry) => entry.chunksEmbedded);
  const estimated = progress.some((entry) => entry.phase !== 'done' && entry.chunksExpected > entry.chunksToEmbed);
  return `${count(sum((entry) => entry.filesIndexed))} of ${count(sum((entry) => entry.filesToIndex))} files, ${count(embedded)} of ${estimated ? '~' : ''}${count(expected)} chunks`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** The message of the indexing notification: the same figure as the status bar, with what it is made of. */
export function progressMessage(progress: readonly IndexProgress[], figure: ProgressFigure): string {
  if (progress.length > 0 && progress.every((entry) => entry.phase === 'waiting')) return 'waiting for another window or process';
  if (figure.fraction === undefined) {
    const scanned = progress.reduce((sum, entry) => sum + entry.filesScanned, 0);
    const indexed = progress.reduce((sum, entry) => sum + entry.filesIndexed, 0);
    return indexed > 0 ? `scanning ${count(scanned)} files; ${progressCounts(progress)} so far` : `scanning ${count(scanned)} files`;
  }
  return `${formatPercent(figure.fraction)}${timeLeft(figure.secondsRemaining, ', about ')} (${progressCounts(progress)})`;
}

/** How an onnxruntime execution provider is named to users. */
const PROVIDER_NAMES: Readonly<Record<string, string>> = { cpu: 'CPU', cuda: 'the GPU (CUDA)', webgpu: 'the GPU (WebGPU)', dml: 'the GPU (DirectML)', coreml: 'Core ML' };

/**
 * "Running on CPU": where the model runs, in words. Why no GPU was used is a detail (the status view
 * shows it): a CPU is how most machines run these models, not a fault to lead with.
 */
export function deviceLine(model: Pick<ModelState, 'provider' | 'cpuFallbackReason'>): string {
  const name = PROVIDER_NAMES[model.provider] ?? model.provider;
  return `Running on ${name}${model.cpuFallbackReason ? ' (no GPU could be used; the status view says why)' : ''}`;
}

/** "Universal Sentence Encoder lite, model weights int8": the weights, never to be confused with how vectors are stored. */
export function modelLine(model: Pick<ModelState, 'displayName' | 'quantization'>): string {
  return `${model.displayName}, model weights ${model.quantization}`;
}

/** The status bar item's tooltip: the state, the model and where it runs, each folder, then what needs attention. */
export function statusTooltip(state: ServiceState, phase: string, runs: readonly IndexProgress[]): string {
  const errors = state.folders.filter((folder) => folder.error).map((folder) => `${folder.name}: ${folder.error!.message}`);
  if (state.modelError) errors.unshift(state.modelError.message);
  const lines = [
    `Semantic Search — ${phase}`,
    state.model ? `Model: ${modelLine(state.model)}` : 'Model: not loaded yet',
    state.model ? deviceLine(state.model) : undefined,
    runs.length > 0 && phase === 'indexing' ? `Indexing: ${progressCounts(runs)}` : undefined,
    ...(state.folders.length > 1 ? state.folders.map((folder) => `${folder.name}: ${folder.phase}`) : []),
    ...state.folders.map(migrationLine),
    ...state.folders.map((folder) => (folder.stale ? `${folder.name}: ${folder.stale}` : undefined)),
    ...errors,
    'Click for details.',
  ];
  return lines.filter((line): line is string => line !== undefined).join('\n');
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

/**
 * The context keys the command palette's `when` clauses read (package.json, menus.commandPalette): the
 * migration commands show only when they can do something.
 */
export function migrationContextKeys(folders: readonly Pick<FolderState, 'migration'>[]): Record<'semanticSearch.migrationExists' | 'semanticSearch.migrationPending' | 'semanticSearch.canRollBack', boolean> {
  const migrations = folders.map((folder) => folder.migration).filter((migration) => migration !== undefined);
  return {
    // A report exists (or can be made) for a migration being built, waiting, or cut over and still retained.
    'semanticSearch.migrationExists': migrations.length > 0,
    // Cut Over needs a complete new index that waits for the user.
    'semanticSearch.migrationPending': migrations.some((migration) => migration.phase === 'awaiting-decision'),
    // Roll Back abandons a build or a waiting index, or returns to the index a cutover replaced while it is kept.
    'semanticSearch.canRollBack': migrations.some((migration) => migration.phase !== 'cut-over' || migration.canRollBack),
  };
}

/** The next steps the editor has a button for (the notification's handler in controller.ts runs them). */
const NEXT_STEP_BUTTONS: Partial<Record<NextStep, string>> = {
  'reload-model': 'Reload Model',
  'change-model': 'Change Model Setting',
  'rebuild-index': 'Rebuild Index',
  // Retrying helps once the other process is done or space has been freed.
  retry: 'Retry',
};

/**
 * The buttons an error notification offers: the next step its reason calls for (the error's own, or the one
 * its kind and reason have in the core's table), then the log.
 */
export function errorActions(error: Pick<ServiceError, 'kind' | 'reason'> & { nextStep?: NextStep }): string[] {
  const step = error.nextStep ?? (CORE_ERROR_KINDS.includes(error.kind as CoreErrorKind) ? nextStepOf(error.kind as CoreErrorKind, error.reason as CoreErrorReasons[CoreErrorKind]) : 'none');
  const button = NEXT_STEP_BUTTONS[step];
  return button ? [button, 'Open Log'] : ['Open Log'];
}

/** Why the index worker stopped, for the notification: running out of memory gets its own next step. */
export function indexWorkerStopReason(error: Error & { code?: unknown }): string {
  if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return 'The index worker ran out of memory; the index keeps what it had. Exclude very large files or folders (semanticSearch.indexing.exclude, semanticSearch.indexing.maxFileSize) or use fewer threads (semanticSearch.model.threads).';
  }
  return `The index worker failed: ${error.message}`;
}
