// Finds the index a command works on and opens it with the right model: the folder and database from
// --dir/--db, the model from --model or else the one the index was built with (downloaded first when it
// is a Hub model of the catalog), the discovery and storage options.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { FolderIndex, cacheDirectory, defaultDatabasePath, type FolderIndexOptions } from '../core/folder-index.ts';
import type { DeviceSetting } from '../core/embedding/providers.ts';
import type { Quantization } from '../core/model/fingerprint.ts';
import { IndexStore } from '../core/store/index-store.ts';
import { parseStorageOption, type StorageOption } from '../core/store/storage-option.ts';
import { catalogEntry, DEFAULT_MODEL_ID } from '../core/model/catalog.ts';
import { DEFAULT_ENDPOINT, downloadModel } from '../core/model/download.ts';
import { isCoreError } from '../core/errors.ts';
import { catalogModelIds, DEFAULT_QUANTIZATION, indexedModel, locateCatalogModel } from '../core/model/model-location.ts';
import { choice, integerOption, UsageError, type Values } from './arguments.ts';
import { interruptible } from './interrupt.ts';

export const OFFLINE_MODELS_DIRECTORY = process.env.SEMSEARCH_MODELS_DIR ?? path.resolve(import.meta.dirname, '..', '..', 'models');
/** Where the CLI keeps Hub downloads (the editor keeps its own in its global storage). */
export function cliStorageDirectory(): string {
  return path.join(cacheDirectory(), 'semantic-code-search');
}

/** An offline model name (a bundled model of the catalog, or another folder built beside them) or a model folder. */
function resolveModelDirectory(model: string): string {
  if (!model.includes('/') && !model.includes(path.sep)) {
    const location = locateCatalogModel(model, { bundledModelsDirectory: OFFLINE_MODELS_DIRECTORY, storageDirectory: cliStorageDirectory() });
    const offline = location.kind === 'ready' && location.entry.kind === 'bundled' ? location.directory : path.join(OFFLINE_MODELS_DIRECTORY, model);
    if (existsSync(offline)) return offline;
  }
  if (existsSync(model)) return path.resolve(model);
  if (!model.includes('/')) {
    throw new UsageError(`unknown model "${model}": choose one of ${catalogModelIds().join(', ')} (run \`npm run models\` if the offline ones are missing), or give a model folder's path`);
  }
  throw new UsageError(`model folder ${model} does not exist`);
}

/**
 * A Hub model of the catalog (`bge-small`, `BAAI/bge-small-en-v1.5`) named by --model: its folder in
 * the CLI's cache, downloaded first when it is not there yet (progress on stderr, Ctrl-C keeps what
 * arrived for the next try), unless --offline. The Hub is SEMSEARCH_HUB_ENDPOINT when set.
 */
async function ensureHubModel(values: Values): Promise<Values> {
  const entry = typeof values.model === 'string' ? catalogEntry(values.model) : undefined;
  if (entry?.kind !== 'hub' || existsSync(values.model as string)) return values;
  const quantization = choice<Quantization>(values, 'quantization', ['fp32', 'int8'], DEFAULT_QUANTIZATION);
  const interactive = process.stderr.isTTY;
  try {
    const downloaded = await downloadModel(entry, {
      storageDirectory: cliStorageDirectory(),
      endpoint: process.env.SEMSEARCH_HUB_ENDPOINT ?? DEFAULT_ENDPOINT,
      quantizations: [quantization],
      offline: values.offline === true,
      signal: interruptible(),
      onProgress: (progress) => {
        if (!interactive) return;
        const megabytes = (bytes: number) => (bytes / 1_048_576).toFixed(1);
        process.stderr.write(`\rdownloading ${entry.repo}: ${megabytes(progress.bytes)} / ${megabytes(progress.totalBytes)} MB (${progress.filesDone}/${progress.filesTotal} files)`);
      },
    });
    if (interactive && downloaded.fetchedFiles.length > 0) process.stderr.write('\n');
    return { ...values, model: downloaded.directory, quantization };
  } catch (error) {
    if (interactive) process.stderr.write('\n');
    if (isCoreError(error, 'download') && error.reason === 'offline') throw new UsageError(`${entry.displayName} is not downloaded yet and --offline forbids downloading it; run once without --offline, or choose use-lite or glove-100d`);
    throw error;
  }
}

/**
 * Reads something from an existing index before the command opens it. Opened for writing, not read only:
 * an index another process is creating right now gets its tables first (the open waits for that
 * process's schema step), where a read-only open would find none and fail. Undefined when the database
 * is damaged: the command's own open then moves it aside and replaces it (`IndexStore.openOrReplaceDamaged`).
 */
function readIndex<T>(databasePath: string, read: (store: IndexStore) => T): T | undefined {
  let store: IndexStore;
  try {
    store = IndexStore.open(databasePath);
  } catch (error) {
    if (isCoreError(error, 'store') && error.reason === 'corrupt') return undefined;
    throw error;
  }
  try {
    return read(store);
  } catch (error) {
    if (isCoreError(error, 'store') && error.reason === 'corrupt') return undefined;
    throw error;
  } finally {
    store.close();
  }
}

/** The folder and database a search/status/watch command reads. */
export function locateIndex(values: Values, positionalDirectory?: string): { root: string; databasePath: string } {
  const directory = (values.dir as string | undefined) ?? positionalDirectory;
  if (values.db) {
    const databasePath = path.resolve(values.db as string);
    if (!existsSync(databasePath)) throw new UsageError(`no index at ${databasePath}; create it with \`semsearch index DIR --db ${values.db as string}\``);
    if (directory) return { root: path.resolve(directory), databasePath };
    const root = readIndex(databasePath, (store) => store.getMeta('root'));
    if (!root) throw new UsageError(`${databasePath} does not say which folder it indexes (or is damaged); pass --dir`);
    return { root, databasePath };
  }
  const root = path.resolve(directory ?? '.');
  const databasePath = defaultDatabasePath(root);
  if (!existsSync(databasePath)) throw new UsageError(`${root} has not been indexed yet; run \`semsearch index ${directory ?? '.'}\` first`);
  return { root, databasePath };
}

/**
 * The model a command should load: the one named on the command line, or else the one the index's
 * active space was built with (so a search embeds queries in the same vector space).
 */
function modelOptions(values: Values, databasePath: string | undefined): Pick<FolderIndexOptions, 'modelDirectory' | 'quantization' | 'device' | 'threads'> {
  let modelDirectory = values.model ? resolveModelDirectory(values.model as string) : undefined;
  let quantization = values.quantization as Quantization | undefined;
  if (!modelDirectory && databasePath && existsSync(databasePath)) {
    const indexed = indexedModel(readIndex(databasePath, (store) => store.activeSpace()));
    if (indexed) {
      modelDirectory = indexed.modelDirectory;
      quantization ??= indexed.quantization;
    }
  }
  return {
    modelDirectory: modelDirectory ?? resolveModelDirectory(DEFAULT_MODEL_ID),
    quantization: choice<Quantization>({ quantization }, 'quantization', ['fp32', 'int8'], DEFAULT_QUANTIZATION),
    device: choice(values, 'device', ['auto', 'cpu', 'gpu'], 'auto') as DeviceSetting,
    threads: integerOption(values, 'threads', undefined),
  };
}

function discoveryOptions(values: Values): FolderIndexOptions['discovery'] {
  return {
    include: (values.include as string[] | undefined) ?? [],
    exclude: (values.exclude as string[] | undefined) ?? [],
    maxFileBytes: integerOption(values, 'max-file-bytes', undefined),
  };
}

/**
 * How vectors are stored: as --storage and --dimensions say, otherwise as the active space already
 * stores them (so indexing again never changes the storage by itself), otherwise float32.
 */
function storageOption(values: Values, databasePath: string): StorageOption | undefined {
  let active: StorageOption | undefined;
  if (existsSync(databasePath)) {
    active = readIndex(databasePath, (store) => {
      const space = store.activeSpace();
      return space && { ...space.storage, ...(store.oversampling(space.id) !== undefined ? { oversampling: store.oversampling(space.id) } : {}) };
    });
  }
  if (values.storage === undefined && values.dimensions === undefined) return active;
  const dimensions = integerOption(values, 'dimensions', undefined);
  try {
    return parseStorageOption((values.storage as string | undefined) ?? active?.kind ?? 'float32', dimensions);
  } catch (error) {
    if (isCoreError(error, 'store')) throw new UsageError(error.message);
    throw error;
  }
}

export async function openFolderIndex(requested: Values, root: string, databasePath: string, extra: Partial<FolderIndexOptions> = {}): Promise<FolderIndex> {
  const values = await ensureHubModel(requested);
  const log = (level: 'info' | 'warn', message: string) => {
    if (level === 'warn' || values.verbose) process.stderr.write(`semsearch: ${message}\n`);
  };
  return FolderIndex.open({ root, databasePath, ...modelOptions(values, databasePath), discovery: discoveryOptions(values), storage: storageOption(values, databasePath), log, ...extra });
}
