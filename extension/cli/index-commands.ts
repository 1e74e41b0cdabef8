// The commands that build and read an index as a whole: `index` (one or more folders), `status` and
// `watch` (index, then keep the index up to date as files change).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { defaultDatabasePath } from '../core/folder-index.ts';
import type { IndexProgress, IndexResult } from '../core/indexing/indexer.ts';
import { describeStorage } from '../core/store/storage-option.ts';
import { foldedLinksText } from '../core/discovery/folded-links.ts';
import { parse, STORAGE_OPTIONS, UsageError } from './arguments.ts';
import { interruptible } from './interrupt.ts';
import { locateIndex, openFolderIndex } from './open-index.ts';
import { ProgressLine } from './progress.ts';
import { watchTree } from './watch-tree.ts';

export async function commandIndex(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, STORAGE_OPTIONS);
  const directories = positionals.length > 0 ? positionals : ['.'];
  if (values.db && directories.length > 1) throw new UsageError('--db names one index; give one DIR with it (each folder has its own index)');
  const signal = interruptible();
  const results: (IndexResult & { root: string; databasePath: string })[] = [];
  for (const directory of directories) {
    const root = path.resolve(directory);
    if (!existsSync(root)) throw new UsageError(`folder ${directory} does not exist`);
    const databasePath = values.db ? path.resolve(values.db as string) : defaultDatabasePath(root);
    // About to index: worth reading every page first, so a damaged database is rebuilt, not extended.
    const index = await openFolderIndex(values, root, databasePath, { verifyDatabase: true });
    const progress = new ProgressLine(process.stderr, !values.json);
    try {
      if (index.runtime.info.cpuFallbackReason && values.device === 'gpu') process.stderr.write(`semsearch: running on the CPU: ${index.runtime.info.cpuFallbackReason}\n`);
      const result = await index.index({ signal, onProgress: (update: IndexProgress) => progress.update(directory, update) });
      progress.done();
      results.push({ ...result, root, databasePath });
      if (!values.json) {
        const seconds = (result.milliseconds / 1000).toFixed(1);
        process.stdout.write(
          `${directory}: ${result.filesScanned} files (${result.filesIndexed} indexed, ${result.filesUnchanged} unchanged, ${result.filesRemoved} removed), ` +
            `${result.chunksEmbedded} chunks embedded in ${seconds} s with ${index.runtime.info.manifest.id} (model weights ${index.runtime.info.quantization}, on ${index.runtime.info.provider})\n`,
        );
        if (result.vectorsReused > 0) process.stdout.write(`  ${result.vectorsReused} vectors of unchanged chunks reused from an earlier index of the same model\n`);
        if (result.vectorsDerived > 0) process.stdout.write(`  ${result.vectorsDerived} vectors converted to ${describeStorage(result.space.storage)} without embedding them again\n`);
        const skipped = result.skips?.skippedTotal ?? 0;
        if (skipped > 0) process.stdout.write(`  skipped ${skipped}: ${Object.entries(result.skips!.skipped).filter(([, count]) => count > 0).map(([reason, count]) => `${count} ${reason}`).join(', ')}\n`);
        for (const failure of result.failures) process.stdout.write(`  could not index ${failure.path}: ${failure.error}\n`);
        if (result.truncations.length > 0) process.stdout.write(`  ${result.truncations.length} chunks were longer than the model's window and were cut\n`);
      }
    } finally {
      progress.done();
      await index.close();
    }
  }
  if (values.json) process.stdout.write(`${JSON.stringify(results.map(({ space, skips, ...rest }) => ({ ...rest, space: { id: space.id, modelId: space.modelId }, skips: skips?.skipped })), null, 2)}\n`);
}
/** A file size for the status readout: 512 → "512 B", 1536 → "1.5 KiB", GiB with two decimals. */
function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

export async function commandStatus(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv);
  const { root, databasePath } = locateIndex(values, positionals[0]);
  const index = await openFolderIndex(values, root, databasePath);
  try {
    const status = index.status();
    if (values.json) {
      process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      return;
    }
    const lines = [
      `folder     ${status.root}`,
      `database   ${status.databasePath} (${formatFileSize(status.databaseBytes)})`,
      `files      ${status.files}`,
      `chunks     ${status.chunks}`,
      `model      ${status.model.id} (model weights ${status.model.quantization}, ${status.model.dimensions} dimensions), fingerprint ${status.model.fingerprint}`,
      `device     ${status.model.provider}${status.model.cpuFallbackReason ? ` (CPU fallback: ${status.model.cpuFallbackReason})` : ''}`,
      `active     ${status.activeSpace ? `${status.activeSpace.modelId}, space ${status.activeSpace.id}${status.activeSpace.complete ? '' : ' (partial)'}` : 'none (not indexed yet)'}`,
      ...status.spaces.map((space) => `space      ${space.id} ${space.modelId} [${space.state}]: ${space.vectors} vectors stored as ${space.storage}, ${space.missing} missing`),
      `skipped    ${status.skips.length === 0 ? 'nothing' : status.skips.map((skip) => `${skip.count} ${skip.reason}`).join(', ')}`,
    ];
    const folded = foldedLinksText(status.skips);
    if (folded !== undefined) lines.push(`folded     ${folded}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await index.close();
  }
}

export async function commandWatch(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, STORAGE_OPTIONS);
  const root = path.resolve((values.dir as string | undefined) ?? positionals[0] ?? '.');
  const databasePath = values.db ? path.resolve(values.db as string) : defaultDatabasePath(root);
  const index = await openFolderIndex(values, root, databasePath);
  const signal = interruptible();
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let ready = false;
  const flush = async () => {
    const paths = [...changed];
    changed.clear();
    try {
      const result = await index.update(paths, { signal });
      if (result.filesIndexed + result.filesRemoved > 0) {
        process.stdout.write(`updated ${result.filesIndexed} file(s), removed ${result.filesRemoved}, ${result.chunksEmbedded} chunks embedded in ${result.milliseconds.toFixed(0)} ms\n`);
      }
    } catch (error) {
      if (!signal.aborted) process.stderr.write(`semsearch: update failed: ${(error as Error).message}\n`);
    }
  };
  // Watch before the first full run, so nothing that changes during it is missed: those paths are
  // updated once it is done (the indexer runs one operation at a time).
  const watcher = watchTree(root, {
    skip: (relative) => relative.split('/').some((part) => part === '.git' || part === 'node_modules'),
    onError: (folder, error) => process.stderr.write(`semsearch: cannot watch ${folder || root} (${error.message}); its changes are picked up by the next \`semsearch index\`\n`),
    onChange: (relative) => {
      if (relative.endsWith('.gitignore') || relative.endsWith('.semanticsearchignore')) index.indexer.invalidateIgnoreRules(path.join(root, relative));
      changed.add(relative);
      clearTimeout(timer);
      // Editors save in bursts (temp file, rename, touch): wait for the burst to end.
      if (ready) timer = setTimeout(() => void flush(), 150);
    },
  });
  // Whatever ends the watch (Ctrl-C, or a first run that fails or is interrupted), the watcher and the
  // index close, or the open watches would keep the process alive.
  try {
    const first = await index.index({ signal });
    ready = true;
    if (changed.size > 0) await flush();
    process.stdout.write(`watching ${root} (${first.filesScanned} files indexed); Ctrl-C to stop\n`);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    watcher.close();
    clearTimeout(timer);
    await index.close();
  }
}
