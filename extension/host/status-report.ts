// The status view (Show Index Status, or a click on the status bar item) as Markdown, shown rendered. Free
// of the vscode module so it is tested in Node. The essentials come first (state, files, chunks, model,
// where it runs); ids, fingerprints, paths and why no GPU was used are details, at the end.
import type { FolderIndexStatus } from '../core/folder-index.ts';
import { foldedLinksText } from '../core/discovery/folded-links.ts';
import type { FolderState, ServiceState } from '../core/service/workspace-service.ts';
import { deviceLine, migrationLine, modelLine } from './status-text.ts';

/** One folder as the `details` request returns it. */
export interface FolderDetails {
  name: string;
  status: FolderIndexStatus | undefined;
  state: FolderState;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** Markdown text as text: characters that would format are escaped (folder names, messages, paths). */
function text(value: string): string {
  return value.replace(/[\\`*_{}[\]()#+!|<>~]/g, (character) => `\\${character}`);
}

function code(value: string): string {
  return `\`${value.replace(/`/g, "'")}\``;
}

const PHASE_WORDS: Readonly<Record<FolderState['phase'], string>> = {
  idle: 'Not indexed yet',
  loading: 'Loading',
  indexing: 'Indexing',
  ready: 'Ready',
  partial: 'Partly indexed (searches cover what is indexed)',
  paused: 'Paused',
  error: 'Error',
};

function folderEssentials(folder: FolderDetails): string[] {
  const { state, status } = folder;
  const lines = [`## ${text(folder.name)}`, ''];
  const progress = state.phase === 'indexing' && state.progress?.fraction !== undefined ? ` (${Math.floor(state.progress.fraction * 100)}%)` : '';
  lines.push(`- **State**: ${PHASE_WORDS[state.phase]}${progress}${state.error ? ` — ${text(state.error.message)}` : ''}`);
  if (status) {
    const skipped = status.skips.filter((skip) => skip.count > 0);
    lines.push(
      `- **Files**: ${count(status.files)} indexed${skipped.length > 0 ? `; skipped: ${skipped.map((skip) => `${count(skip.count)} ${text(skip.reason)}`).join(', ')}` : ''}`,
      `- **Chunks**: ${count(status.chunks)}`,
    );
    const folded = foldedLinksText(status.skips);
    if (folded !== undefined) lines.push(`- **Folded symlinks**: ${text(folded)}`);
    const active = status.spaces.find((space) => space.id === status.activeSpace?.id);
    if (active) lines.push(`- **Vectors**: ${count(active.vectors)}, stored as ${text(active.storage)}${status.activeSpace?.complete ? '' : ` (${count(active.missing)} chunks still without one)`}`);
  }
  const migration = migrationLine({ name: folder.name, migration: state.migration });
  if (migration) lines.push(`- **Model change**: ${text(migration.slice(folder.name.length + 2))}`);
  if (state.stale) lines.push(`- **Needs a rebuild**: ${text(state.stale)}`);
  if (state.lastRun) {
    const run = state.lastRun;
    const extras = [run.failures ? `${count(run.failures)} files failed` : '', run.truncations ? `${count(run.truncations)} chunks cut to the model's window` : ''].filter(Boolean);
    lines.push(`- **Last run**: ${count(run.filesIndexed)} files indexed, ${count(run.filesRemoved)} removed, ${count(run.chunksEmbedded)} chunks embedded in ${(run.milliseconds / 1000).toFixed(1)} s${extras.length > 0 ? `; ${extras.join(', ')}` : ''}`);
  }
  lines.push('');
  return lines;
}

function folderDetails(folder: FolderDetails, multiRoot: boolean): string[] {
  const status = folder.status;
  if (!status) return [];
  const lines = multiRoot ? [`### ${text(folder.name)}`, ''] : [];
  lines.push(
    `- **Database**: ${code(status.databasePath)} (${(status.databaseBytes / 1024 / 1024).toFixed(1)} MiB)`,
    `- **Active vector space**: ${status.activeSpace ? `${text(status.activeSpace.modelId)} ${code(status.activeSpace.id)}${status.activeSpace.complete ? '' : ' (partial)'}` : 'none'}`,
    ...status.spaces.map((space) => `  - ${code(space.id)} ${text(space.modelId)}, vectors stored as ${text(space.storage)} [${space.state}]: ${count(space.vectors)} vectors, ${count(space.missing)} missing`),
  );
  if (status.activeSpace) lines.push(`- **Vectors in memory**: ${residentLine(status.vectorsInMemory)}`);
  const examples = status.skips.filter((skip) => skip.examples.length > 0);
  if (examples.length > 0) lines.push(`- **Skipped, for example**: ${examples.map((skip) => `${text(skip.reason)}: ${skip.examples.slice(0, 3).map(code).join(', ')}`).join('; ')}`);
  lines.push('');
  return lines;
}

/** What the searched vectors in memory are: read ahead of the first search, by it, or not yet. */
function residentLine(vectors: FolderIndexStatus['vectorsInMemory']): string {
  if (!vectors) return 'not yet: the next search reads them';
  const by = vectors.loadedBy === 'warm-up' ? 'read ahead of the first search' : 'read by the first search';
  return `${count(vectors.rows)} (${(vectors.bytes / 1024 / 1024).toFixed(1)} MiB), ${by} in ${vectors.milliseconds < 1000 ? `${Math.round(vectors.milliseconds)} ms` : `${(vectors.milliseconds / 1000).toFixed(1)} s`}${vectors.simd ? ', scanned with SIMD' : ''}`;
}

/** The status view's Markdown: what matters first, the identifiers and the reasons behind them last. */
export function statusMarkdown(state: ServiceState | undefined, folders: readonly FolderDetails[]): string {
  const lines = ['# Semantic Search status', ''];
  const model = state?.model;
  if (model) {
    lines.push(`- **Model**: ${text(modelLine(model))}, ${count(model.dimensions)} dimensions`, `- **${text(deviceLine({ provider: model.provider, cpuFallbackReason: undefined }))}**`);
  } else {
    lines.push(`- **Model**: ${state?.modelError ? `not loaded: ${text(state.modelError.message)}` : 'not loaded yet (loads on the first search or index)'}`);
  }
  lines.push(`- **Indexing**: ${state?.paused ? 'paused' : 'runs when files change'}`, '');
  for (const folder of folders) lines.push(...folderEssentials(folder));
  lines.push('## Details', '');
  if (model) {
    lines.push(`- **Model id**: ${code(model.id)}`, `- **Model fingerprint**: ${code(model.fingerprint)}`);
    lines.push(`- **Device**: ${text(model.provider)}${model.cpuFallbackReason ? `. Why not a GPU: ${text(model.cpuFallbackReason)}` : ''}`);
    lines.push('');
  }
  for (const folder of folders) lines.push(...folderDetails(folder, folders.length > 1));
  return lines.join('\n');
}
