// semsearch: index folders and search them by meaning from a terminal.
//
//   semsearch index [DIR...] [--db PATH] [--model NAME|PATH] [--quantization fp32|int8] [--device auto|cpu|gpu]
//                   [--storage float32|int8|binary[+int8][:OVERSAMPLING]] [--dimensions N]
//   semsearch search "QUERY" [--dir DIR | --db PATH] [--k N] [--lang L] [--path GLOB] [--mode M] [--relations] [--expand-calls [--expand-hits N]] [--json]
//   semsearch search --batch QUERIES.jsonl [--dir DIR | --db PATH] [--k N] [--expand-calls [--expand-hits N]] [--out FILE]
//   semsearch status [--dir DIR | --db PATH] [--json]
//   semsearch watch [DIR] [--db PATH]
//   semsearch tradeoffs [--dir DIR | --db PATH] [--json]
//   semsearch evaluate [--dir DIR | --db PATH] [--queries N] [--distractors N] [--models A,B] [--seed N] [--json]
//   semsearch migrate --to MODEL [--quantization Q] [--manual] [--margin M] | --status | --report | --cutover | --rollback  [--dir DIR | --db PATH] [--json]
//
// Errors are one line on stderr and a non-zero exit code: 2 for a usage mistake, 1 for anything else.
import { createReadStream, createWriteStream, existsSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FolderIndex, defaultDatabasePath, type FolderIndexOptions } from '../core/folder-index.ts';
import type { IndexProgress, IndexResult } from '../core/indexing/indexer.ts';
import type { DeviceSetting } from '../core/embedding/providers.ts';
import type { Quantization } from '../core/model/fingerprint.ts';
import type { FusionWeights, SearchHit, SearchMode } from '../core/search/search.ts';
import { rankingSummary } from '../core/search/ranking/rerank.ts';
import { relationsOf, type ChunkRelationsView, type RelatedChunk } from '../core/search/relations.ts';
import { carriesNothing } from '../core/text/meaningful-lines.ts';
import { IndexStore } from '../core/store/index-store.ts';
import { WriterLock } from '../core/store/writer-lock.ts';
import { describeStorage, parseStorageOption, type StorageOption } from '../core/store/storage-option.ts';
import { cutOver, migrationStatus, rollBack } from '../core/migration/lifecycle.ts';
import { migrationEvidence } from '../core/evaluation/evidence.ts';
import type { CutoverDecision } from '../core/migration/cutover-decision.ts';
import { currentMigration, decideCutover, loadSpaceModel, reportMigration, spaceLabel } from '../core/operations/migration.ts';
import type { Histogram, MigrationReport } from '../core/migration/report.ts';
import { EmbeddingRuntime } from '../core/embedding/runtime.ts';
import type { Migration, VectorSpace } from '../core/store/index-store.ts';
import { foldedLinksText } from '../core/discovery/folded-links.ts';
import { ProgressLine } from './progress.ts';
import { watchTree } from './watch-tree.ts';
import { compareStorage, evaluationCandidates } from '../core/operations/reports.ts';
import { catalogEntry, DEFAULT_MODEL_ID } from '../core/model/catalog.ts';
import { DEFAULT_ENDPOINT, downloadModel } from '../core/model/download.ts';
import { cacheDirectory } from '../core/folder-index.ts';
import { installedModels } from '../core/evaluation/installed-models.ts';
import { DEFAULT_EVALUATION_DISTRACTORS, DEFAULT_EVALUATION_QUERIES, DEFAULT_EVALUATION_SEED, evaluateModels, type InstalledModel, type ModelEvaluationReport } from '../core/evaluation/model-evaluation.ts';
import { isCoreError } from '../core/errors.ts';
import { catalogModelIds, DEFAULT_QUANTIZATION, indexedModel, locateCatalogModel } from '../core/model/model-location.ts';

const OFFLINE_MODELS_DIRECTORY = process.env.SEMSEARCH_MODELS_DIR ?? path.resolve(import.meta.dirname, '..', '..', 'models');
/** Where the CLI keeps Hub downloads (the editor keeps its own in its global storage). */
function cliStorageDirectory(): string {
  return path.join(cacheDirectory(), 'semantic-code-search');
}

/** A mistake in how the command was called: shown with a hint and exit code 2. */
class UsageError extends Error {}

const COMMON_OPTIONS = {
  db: { type: 'string' },
  dir: { type: 'string' },
  model: { type: 'string' },
  quantization: { type: 'string' },
  device: { type: 'string' },
  threads: { type: 'string' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  'max-file-bytes': { type: 'string' },
  offline: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  verbose: { type: 'boolean', short: 'v', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

const USAGE = `semsearch — search code and docs by meaning, locally

  semsearch index [DIR...] [--db PATH] [--model NAME|PATH] [--quantization fp32|int8]
                  [--device auto|cpu|gpu] [--threads N] [--include GLOB]... [--exclude GLOB]...
                  [--storage float32|int8|binary|binary+int8[:OVERSAMPLING]] [--dimensions N]
  semsearch search "QUERY" [--dir DIR | --db PATH] [--k N] [--lang L] [--path GLOB] [--no-tests]
                  [--mode hybrid|dense|lexical] [--weights dense=1,lexical=1,symbol=1] [--lexical-kinds] [--relations]
                  [--expand-calls [--expand-hits N]] [--no-ranking] [--explain] [--json]
  semsearch search --batch QUERIES.jsonl [--dir DIR | --db PATH] [--k N] [--mode M] [--weights ...]
                  [--expand-calls [--expand-hits N]] [--no-ranking] [--out FILE]
  semsearch status [--dir DIR | --db PATH] [--json]
  semsearch watch [DIR] [--db PATH]
  semsearch migrate --to MODEL [--quantization fp32|int8] [--manual] [--margin 0.05] [--dir DIR | --db PATH]
  semsearch migrate --status | --report | --cutover | --rollback [--dir DIR | --db PATH] [--json]
  semsearch tradeoffs [--dir DIR | --db PATH] [--json]   storage options measured on the index
  semsearch evaluate [--dir DIR | --db PATH] [--queries N] [--distractors N] [--models A,B] [--seed N] [--json]
                  which installed model (and storage) finds your code best, judged on its doc comments

Every command takes --verbose (-v) to log more, --json where it prints results.
Models: code-static (default: this project's own code model, int8), use-lite, glove-100d, a Hugging Face model of the catalog (minilm-l6, bge-small,
nomic-v1.5, jina-code, e5-small, coderankembed: downloaded once into the cache; --offline forbids it),
or the path of a Hugging Face model folder.
The index of a folder lives under your cache directory unless --db says where.
--no-tests leaves test files and test folders out of the results.
--no-ranking keeps the fused order (no learned ranking stage); --explain prints what moved each result's score.
--relations shows each result's callers and callees (found by name in the syntax tree); --expand-calls puts
the definitions of what the top results call (top 3, or --expand-hits N) right after them.
--storage stores vectors as float32 (default), int8 (a quarter of the bytes) or binary codes searched by
Hamming distance and rescored from float32 or int8 (much faster); --dimensions N keeps the first N
(Matryoshka). Changing either builds a new index from the vectors already computed; it stays until you change it.`;

type Values = Record<string, string | boolean | string[] | undefined>;

function parse(argv: string[], extra: ParseArgsConfig['options'] = {}): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...extra }, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function integerOption(values: Values, name: string, fallback: number | undefined): number | undefined {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`--${name} must be a positive whole number (got "${String(raw)}")`);
  return value;
}

function choice<T extends string>(values: Values, name: string, allowed: readonly T[], fallback: T): T {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${String(raw)}")`);
  return raw as T;
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
function locateIndex(values: Values, positionalDirectory?: string): { root: string; databasePath: string } {
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

/** Options of the commands that index: how vectors are stored. */
const STORAGE_OPTIONS = { storage: { type: 'string' }, dimensions: { type: 'string' } } as const satisfies ParseArgsConfig['options'];

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

async function openFolderIndex(requested: Values, root: string, databasePath: string, extra: Partial<FolderIndexOptions> = {}): Promise<FolderIndex> {
  const values = await ensureHubModel(requested);
  const log = (level: 'info' | 'warn', message: string) => {
    if (level === 'warn' || values.verbose) process.stderr.write(`semsearch: ${message}\n`);
  };
  return FolderIndex.open({ root, databasePath, ...modelOptions(values, databasePath), discovery: discoveryOptions(values), storage: storageOption(values, databasePath), log, ...extra });
}

/** Stops the operation on Ctrl-C; a second Ctrl-C exits at once. */
function interruptible(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nsemsearch: stopping (the index keeps what is done; run again to continue)\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return controller.signal;
}

async function commandIndex(argv: string[]): Promise<void> {
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

/** A related chunk as --json writes it. */
function relatedJson(related: RelatedChunk) {
  return { name: related.name, path: related.path, start_line: related.startLine, end_line: related.endLine, symbol: related.symbol ?? null, kind: related.kind, proximity: related.proximity };
}

function hitJson(hit: SearchHit, relations?: ChunkRelationsView) {
  return {
    path: hit.path, start_line: hit.startLine, end_line: hit.endLine, score: hit.scores.fused, open_line: hit.openLine, relevance: hit.scores.relevance,
    dense: hit.scores.dense ?? null, lexical: hit.scores.lexical ?? null, symbol: hit.symbol ?? null, language: hit.language, summary: hit.summary,
    ...(hit.via ? { via: { called_by: hit.via.calledBy, name: hit.via.name } } : {}),
    ...(hit.ranking ? { ranking: { shape: hit.ranking.shape, score: hit.ranking.score, filePenalty: hit.ranking.filePenalty, contributions: hit.ranking.contributions } } : {}),
    ...(relations ? { callers: relations.callers.map(relatedJson), callees: relations.callees.map(relatedJson) } : {}),
  };
}

/** Related chunks shown per list under a hit; --json has them all (up to the relations limit). */
const PRINTED_RELATIONS = 5;

function printRelations(label: string, list: readonly RelatedChunk[]): void {
  if (list.length === 0) {
    process.stdout.write(`      ${label}: none found\n`);
    return;
  }
  const shown = list.slice(0, PRINTED_RELATIONS).map((related) => {
    const name = related.symbol ? [...related.scope, related.symbol].join('.') : related.kind;
    return `${name} (${related.path}:${related.startLine})`;
  });
  const more = list.length > PRINTED_RELATIONS ? `, and ${list.length - PRINTED_RELATIONS} more` : '';
  process.stdout.write(`      ${label}: ${shown.join(', ')}${more}\n`);
}

/** Features shown per result by --explain: the ones that moved its score most. */
const EXPLAINED_FEATURES = 6;

function printHits(hits: SearchHit[], relations?: (ChunkRelationsView | undefined)[], explain = false): void {
  hits.forEach((hit, index) => {
    const where = `${hit.path}:${hit.startLine}-${hit.endLine}`;
    const name = hit.symbol ? `  ${[...hit.scope, hit.symbol].join('.')}` : '';
    const caller = hit.via ? hits.findIndex((other) => other.chunkIds.includes(hit.via!.calledBy)) : -1;
    const via = hit.via ? `   called as ${hit.via.name}() by ${caller >= 0 ? `result ${caller + 1}` : 'a result'}` : '';
    // One score, the relevance; --json has the others.
    process.stdout.write(`${String(index + 1).padStart(2)}. ${where}${name}   (${hit.language} · ${hit.scores.relevance.toFixed(2)})${via}\n`);
    // What it is, then its first lines that carry something (a piece of a long function may start with `)`).
    const code = hit.snippet.split('\n').filter((line) => !carriesNothing(line) && line.trim() !== hit.summary.trim()).slice(0, 2);
    const preview = [`${hit.summary}`, ...code.map((line) => `  ${line.trim()}`)];
    for (const line of preview) process.stdout.write(`      ${line.length > 110 ? `${line.slice(0, 107)}...` : line}\n`);
    if (explain && hit.ranking) process.stdout.write(`      ${rankingSummary(hit.ranking, EXPLAINED_FEATURES)}\n`);
    const related = relations?.[index];
    if (related) {
      printRelations('callers', related.callers);
      printRelations('callees', related.callees);
    }
  });
}

/** `--weights dense=1,lexical=0.5,symbol=1`: the fusion weights to change. */
function fusionWeights(value: string | undefined): Partial<FusionWeights> | undefined {
  if (value === undefined) return undefined;
  const weights: Partial<FusionWeights> = {};
  for (const pair of value.split(',')) {
    const [name, number] = pair.split('=');
    const weight = Number(number);
    if (!(name === 'dense' || name === 'lexical' || name === 'symbol') || number === undefined || !Number.isFinite(weight) || weight < 0) {
      throw new UsageError(`--weights takes dense=W,lexical=W,symbol=W with non-negative numbers, not "${pair}"`);
    }
    weights[name] = weight;
  }
  return weights;
}

async function commandSearch(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    k: { type: 'string' },
    lang: { type: 'string', multiple: true },
    path: { type: 'string' },
    mode: { type: 'string' },
    batch: { type: 'string' },
    out: { type: 'string' },
    weights: { type: 'string' },
    relations: { type: 'boolean', default: false },
    'expand-calls': { type: 'boolean', default: false },
    'expand-hits': { type: 'string' },
    'no-tests': { type: 'boolean', default: false },
    'no-ranking': { type: 'boolean', default: false },
    explain: { type: 'boolean', default: false },
    'lexical-kinds': { type: 'boolean', default: false },
  });
  const k = integerOption(values, 'k', 10)!;
  const mode = choice(values, 'mode', ['hybrid', 'dense', 'lexical'], 'hybrid') as SearchMode;
  if (values['expand-hits'] !== undefined && !values['expand-calls']) throw new UsageError('--expand-hits goes with --expand-calls');
  const expandCalls = values['expand-calls'] ? (integerOption(values, 'expand-hits', undefined) ?? true) : undefined;
  const searchOptions = {
    k,
    mode,
    languages: values.lang as string[] | undefined,
    pathGlob: values.path as string | undefined,
    excludeTests: values['no-tests'] === true,
    ranking: values['no-ranking'] !== true,
    weights: fusionWeights(values.weights as string | undefined),
    expandCalls,
    lexicalKinds: values['lexical-kinds'] === true,
  };
  if (!values.batch && positionals.length !== 1) throw new UsageError('give one QUERY (in quotes), or --batch FILE');
  const { root, databasePath } = locateIndex(values);
  const index = await openFolderIndex(values, root, databasePath);
  try {
    if (values.batch) {
      const batchPath = values.batch as string;
      if (!existsSync(batchPath)) throw new UsageError(`batch file ${batchPath} does not exist`);
      const output: WriteStream | NodeJS.WriteStream = values.out ? createWriteStream(values.out as string) : process.stdout;
      const lines = createInterface({ input: createReadStream(batchPath), crlfDelay: Infinity });
      let lineNumber = 0;
      for await (const line of lines) {
        lineNumber += 1;
        if (line.trim() === '') continue;
        let entry: { id?: unknown; query?: unknown };
        try {
          entry = JSON.parse(line) as { id?: unknown; query?: unknown };
        } catch {
          throw new UsageError(`${batchPath}:${lineNumber} is not JSON`);
        }
        if (typeof entry.query !== 'string' || entry.id === undefined) throw new UsageError(`${batchPath}:${lineNumber} needs "id" and a string "query"`);
        const response = await index.search(entry.query, searchOptions);
        output.write(`${JSON.stringify({ id: entry.id, results: response.hits.map((hit) => hitJson(hit)) })}\n`);
      }
      if (output !== process.stdout) await new Promise<void>((resolve) => (output as WriteStream).end(resolve));
      return;
    }
    const response = await index.search(positionals[0]!, searchOptions);
    const relations = values.relations ? response.hits.map((hit) => relationsOf(index.store, hit.chunkIds)) : undefined;
    if (values.json) {
      const results = response.hits.map((hit, position) => hitJson(hit, relations?.[position]));
      process.stdout.write(`${JSON.stringify({ query: positionals[0], partial: response.partial, denseUnavailable: response.denseUnavailable ?? null, milliseconds: response.milliseconds, results }, null, 2)}\n`);
      return;
    }
    if (response.partial) process.stderr.write('semsearch: the index is partial (still being built, or interrupted): results cover what is indexed so far\n');
    if (response.denseUnavailable) process.stderr.write(`semsearch: lexical results only: ${response.denseUnavailable}\n`);
    if (response.hits.length === 0) process.stdout.write('no results\n');
    printHits(response.hits, relations, values.explain === true);
  } finally {
    await index.close();
  }
}

/** A file size for the status readout: 512 → "512 B", 1536 → "1.5 KiB", GiB with two decimals. */
function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

async function commandStatus(argv: string[]): Promise<void> {
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

async function commandWatch(argv: string[]): Promise<void> {
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

/** Runs a write while no other process writes the index (a cutover must not land inside another run). */
async function asTheOnlyWriter<T>(store: IndexStore, write: () => T): Promise<T> {
  // No signal: Ctrl-C while waiting ends the process, which has written nothing yet.
  const lock = await WriterLock.acquire(store.path, {
    onWait: () => process.stderr.write('semsearch: another process is updating the index; waiting for it to finish\n'),
  });
  try {
    return write();
  } finally {
    lock.release();
  }
}

/** A space as `migrate` names it: told apart from the other spaces of its model by weights, storage and id. */
function labelOf(space: VectorSpace | undefined): string {
  return space ? spaceLabel(space, { identify: true }) : 'none';
}

/** The model that embeds queries for a space: one loaded already (by fingerprint), else the space's own, loaded and kept in `loaded`. */
function embedderFor(loaded: EmbeddingRuntime[], values: Values): (space: VectorSpace) => Promise<EmbeddingRuntime> {
  return async (space) => {
    const known = loaded.find((runtime) => runtime.info.fingerprint === space.modelFingerprint);
    if (known) return known;
    const model = await loadSpaceModel(space, { device: (values.device as DeviceSetting | undefined) ?? 'auto', threads: integerOption(values, 'threads', undefined) });
    if ('runtime' in model) {
      loaded.push(model.runtime);
      return model.runtime;
    }
    if (model.problem === 'unrecorded') throw new UsageError(`space ${space.id} does not say which model folder built it`);
    throw new UsageError(`the files in ${model.modelDirectory} changed since space ${space.id} was built, so its queries cannot be embedded any more`);
  };
}

/** A histogram as one line of block characters, for a terminal. */
function sparkline(histogram: Histogram): string {
  const blocks = ' ▁▂▃▄▅▆▇█';
  const first = histogram.counts.findIndex((count) => count > 0);
  const last = histogram.counts.findLastIndex((count) => count > 0);
  if (first < 0) return '(empty)';
  const peak = Math.max(...histogram.counts);
  const bars = histogram.counts.slice(first, last + 1).map((count) => blocks[Math.ceil((count / peak) * 8)]).join('');
  return `${histogram.edges[first]!.toFixed(2)} ${bars} ${histogram.edges[last + 1]!.toFixed(2)}`;
}

function printReport(report: MigrationReport): void {
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const lines = [
    `migration report: ${report.from ? `${report.from.modelId} (${report.from.dimensions}-d)` : 'nothing'} → ${report.to.modelId} (${report.to.dimensions}-d)`,
    `coverage        old ${report.coverage.from ? percent(report.coverage.from.shareComplete) : '-'}, new ${percent(report.coverage.to.shareComplete)} (${report.coverage.to.missingContents} contents still to embed)`,
    `queries         ${report.queries.recent} recent, ${report.queries.selfSupervised} from doc comments and docstrings (one per documented definition; ${report.queries.selfSupervisedSkipped} gave none)`,
  ];
  if (report.overlap) lines.push(`top-10 overlap  mean ${percent(report.overlap.mean)}, lowest ${percent(report.overlap.min)}`);
  if (report.quality) {
    const from = report.quality.from;
    lines.push(`Recall@10       old ${from ? from.recallAt10.toFixed(3) : '-'}, new ${report.quality.to.recallAt10.toFixed(3)}`);
    lines.push(`MRR@10          old ${from ? from.mrrAt10.toFixed(3) : '-'}, new ${report.quality.to.mrrAt10.toFixed(3)}`);
  }
  // The rule the cutover follows: figures that are no evidence decide nothing.
  const evidence = migrationEvidence(report.quality);
  if (!evidence.sufficient) lines.push(`evidence        none: ${evidence.text}; the cutover waits for you`);
  for (const [side, thresholds] of [['old', report.thresholds.from], ['new', report.thresholds.to]] as const) {
    if (!thresholds) continue;
    lines.push('unavailable' in thresholds ? `thresholds ${side}  unavailable: ${thresholds.unavailable}` : `thresholds ${side}  similar ${thresholds.similar.value.toFixed(3)}, duplicate ${thresholds.duplicate.value.toFixed(3)}`);
  }
  for (const [side, scores] of [['old', report.scores.from], ['new', report.scores.to]] as const) {
    if (!scores) continue;
    lines.push(`top scores ${side}  ${sparkline(scores.topScores)}`);
    lines.push(`unrelated ${side}   ${sparkline(scores.unrelatedPairs)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function commandMigrate(argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    to: { type: 'string' },
    manual: { type: 'boolean', default: false },
    margin: { type: 'string' },
    status: { type: 'boolean', default: false },
    report: { type: 'boolean', default: false },
    cutover: { type: 'boolean', default: false },
    rollback: { type: 'boolean', default: false },
  });
  const actions = ['to', 'status', 'report', 'cutover', 'rollback'].filter((name) => values[name] !== undefined && values[name] !== false);
  if (actions.length !== 1) throw new UsageError('give exactly one of --to MODEL, --status, --report, --cutover, --rollback');
  const margin = values.margin === undefined ? 0.05 : Number(values.margin);
  if (!Number.isFinite(margin) || margin < 0 || margin > 1) throw new UsageError('--margin is a drop of MRR@10 between 0 and 1, e.g. 0.05');
  const { root, databasePath } = locateIndex(values);

  if (values.to) {
    // Building the new space is an index run with the new model; the old space answers until cutover.
    // When it is complete the report decides: cut over unless quality fell by more than --margin.
    // --manual builds the new index but leaves the cutover to `migrate --cutover`.
    const loaded: EmbeddingRuntime[] = [];
    let heldBack: CutoverDecision | undefined;
    let index: FolderIndex | undefined;
    const decide = async (pending: Migration) => {
      loaded.push(index!.runtime);
      const outcome = await decideCutover({ store: index!.store, migration: pending, embedderFor: embedderFor(loaded, values), policy: { automatic: !values.manual, margin }, signal: interruptible() });
      // Unlike the editor's worker, which logs it and waits for the user, a command says why it failed.
      if (outcome.reportError !== undefined) throw outcome.reportError;
      if (!outcome.decision.cutOver) heldBack = outcome.decision;
      return outcome.decision.cutOver;
    };
    index = await openFolderIndex({ ...values, model: values.to }, root, databasePath, { decideCutover: decide, verifyDatabase: true });
    const progress = new ProgressLine(process.stderr, !values.json);
    try {
      const result = await index.index({
        signal: interruptible(),
        onProgress: (update: IndexProgress) => progress.update(`migrating to ${values.to as string}`, update),
      });
      progress.done();
      const status = migrationStatus(index.store);
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ activated: result.activated, migration: result.migration ? { ...result.migration, report: undefined } : null, active: status.active?.id ?? null, rollbackTo: status.rollbackTo?.id ?? null, chunksEmbedded: result.chunksEmbedded }, null, 2)}\n`);
        return;
      }
      // Why it waits, unless the user asked to decide (--manual).
      const why = heldBack && !heldBack.cutOver && heldBack.reason !== 'manual'
        ? ` (${heldBack.fell ? `MRR@10 fell from ${heldBack.fell.from.toFixed(3)} to ${heldBack.fell.to.toFixed(3)}, more than --margin ${margin}` : heldBack.text}; see \`semsearch migrate --report\`)`
        : '';
      process.stdout.write(
        result.activated
          ? `cut over to ${labelOf(status.active)} after embedding ${result.chunksEmbedded} chunks; roll back with \`semsearch migrate --rollback\`\n`
          : result.migration?.state === 'ready'
            ? `the new index ${labelOf(status.pending?.target)} is complete and waits for \`semsearch migrate --cutover\`${why}\n`
            : `nothing to migrate: ${labelOf(status.active)} is already active\n`,
      );
    } finally {
      progress.done();
      for (const runtime of loaded) if (runtime !== index.runtime) await runtime.dispose();
      await index.close();
    }
    return;
  }

  const store = IndexStore.open(databasePath);
  try {
    if (values.status) {
      const status = migrationStatus(store);
      if (values.json) {
        const withoutReport = <T extends { report: unknown }>(migration: T) => ({ ...migration, report: undefined, hasReport: migration.report !== undefined });
        process.stdout.write(`${JSON.stringify({ active: status.active ?? null, pending: status.pending ? withoutReport(status.pending) : null, rollbackTo: status.rollbackTo ?? null, history: status.history.map(withoutReport) }, null, 2)}\n`);
        return;
      }
      const lines = [
        `active      ${labelOf(status.active)}`,
        `migration   ${status.pending ? `to ${labelOf(status.pending.target)}: ${status.pending.state}, ${status.pending.complete ? 'complete' : `${status.pending.missing} chunk contents still to embed`}` : 'none in progress'}`,
        `rollback    ${status.rollbackTo ? `to ${labelOf(status.rollbackTo)} (retired ${new Date(status.rollbackTo.retiredAt ?? 0).toISOString()})` : 'nothing to roll back to'}`,
        ...status.history.slice(0, 5).map((migration) => `history     #${migration.id} ${migration.fromSpace ?? '-'} → ${migration.toSpace}: ${migration.state} (${new Date(migration.updatedAt).toISOString()})`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } else if (values.report) {
      const migration = currentMigration(store);
      if (!migration) throw new UsageError('there is no migration to report on; start one with `semsearch migrate --to MODEL --manual`');
      const loaded: EmbeddingRuntime[] = [];
      try {
        const report = await reportMigration({ store, migration, embedderFor: embedderFor(loaded, values), signal: interruptible() });
        if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else printReport(report);
      } finally {
        for (const runtime of loaded) await runtime.dispose();
      }
    } else if (values.cutover) {
      const migration = await asTheOnlyWriter(store, () => cutOver(store));
      process.stdout.write(`cut over to space ${migration.toSpace}; the old one is kept for rollback\n`);
    } else {
      const started = performance.now();
      const { space } = await asTheOnlyWriter(store, () => rollBack(store));
      process.stdout.write(`rolled back to ${labelOf(space)} in ${(performance.now() - started).toFixed(0)} ms\n`);
    }
  } finally {
    store.close();
  }
}

/** Measures every storage option on the index (converted from its float32 vectors) and prints the table. */
async function commandTradeoffs(argv: string[]): Promise<void> {
  const { values } = parse(argv);
  const { root, databasePath } = locateIndex(values);
  const index = await openFolderIndex(values, root, databasePath);
  try {
    const interactive = process.stderr.isTTY && !values.json;
    const report = await compareStorage({
      store: index.store,
      embedder: index.runtime,
      signal: interruptible(),
      onProgress: (done, total, label) => {
        if (interactive) process.stderr.write(`\rmeasuring ${done}/${total}: ${label}`.padEnd(70));
      },
    });
    if (interactive) process.stderr.write('\n');
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const rows = report.options.map((option, position) => [
      `${position === report.recommended ? '* ' : option.current ? '> ' : '  '}${option.label}`,
      option.bytesPerVector.toFixed(0),
      (option.totalBytes / 1_048_576).toFixed(2),
      option.latency.p50.toFixed(2),
      option.latency.p95.toFixed(2),
      option.recallAt10VsExact.toFixed(3),
      option.quality ? option.quality.recallAt10.toFixed(3) : '-',
      option.quality ? option.quality.mrrAt10.toFixed(3) : '-',
    ]);
    const header = ['vectors stored as (> current, * recommended)', 'B/vector', 'MiB', 'p50 ms', 'p95 ms', 'R@10 exact', 'R@10', 'MRR@10'];
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
    const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
    const warnings = report.options.flatMap((option) => (option.warning ? [`  ${option.label}: ${option.warning}`] : []));
    process.stdout.write(
      [
        `${report.model.id}, ${report.vectors} vectors; ${report.queries.latencyAndRecall} queries (${report.queries.selfSupervised} from doc comments)`,
        line(header),
        ...rows.map(line),
        `recommendation: ${report.recommendation}`,
        ...(warnings.length > 0 ? ['warnings:', ...warnings] : []),
      ].join('\n') + '\n',
    );
  } finally {
    await index.close();
  }
}

/**
 * The models `--models` names, among the installed ones (a name, or a model folder's path); all of
 * them without it. Nothing is downloaded: a catalog model not downloaded yet is a usage error.
 */
function chooseEvaluatedModels(installed: readonly InstalledModel[], requested: string | undefined, quantization: Quantization | undefined): InstalledModel[] {
  if (requested === undefined) return [...installed];
  const names = requested.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--models names one or more models, separated by commas (e.g. use-lite,glove-100d)');
  return names.map((name): InstalledModel => {
    const found = installed.find((model) => model.name === name || (existsSync(name) && path.resolve(name) === model.directory));
    if (found) return found;
    if (existsSync(name)) {
      const [folder] = installedModels({ customDirectory: path.resolve(name), quantization });
      if (folder) return folder;
      throw new UsageError(`${name} holds no ONNX model (onnx/model.onnx or onnx/model_quantized.onnx)`);
    }
    const entry = catalogEntry(name);
    if (entry?.kind === 'hub') throw new UsageError(`${entry.displayName} is not downloaded, and evaluate never downloads; run \`semsearch index --model ${entry.id}\` once to download it, or leave it out`);
    throw new UsageError(`unknown model "${name}": the installed ones are ${installed.map((model) => model.name).join(', ') || 'none'}`);
  });
}

function printEvaluation(report: ModelEvaluationReport): void {
  const count = (value: number) => value.toLocaleString('en-US');
  const rows = report.rows.map((row, position) => [
    String(position + 1),
    `${row.current ? '> ' : '  '}${row.model}`,
    row.label,
    String(row.dimensions),
    count(row.bytesPerVector),
    row.recallAt10.toFixed(3),
    row.mrrAt10.toFixed(3),
    row.ndcgAt10.toFixed(3),
    row.chunksPerSecond.toFixed(1),
  ]);
  const header = ['rank', 'model (> your index now)', 'vectors stored as', 'dims', 'B/vector', 'R@10', 'MRR@10', 'nDCG@10', 'chunks/s'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 1 || column === 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  const { pool, queries, index } = report;
  const lines = [
    `index: ${count(index.chunks)} chunks, ${count(index.vectors)} vectors of ${index.modelId ?? 'no model'} (stored as ${index.storage ?? '-'})`,
    `pool:  ${count(pool.size)} chunks embedded by every model, documentation hidden in all: the ${count(pool.targets)} documented definitions (${count(pool.targetChunks)} chunks) and ${count(pool.distractors)} other chunks (seed ${report.seed}${pool.droppedQuoting > 0 ? `; ${pool.droppedQuoting} declarations left out for quoting a target's documentation` : ''})`,
    `queries: ${count(queries.count)}, one per documented definition (${queries.fromDocComments} from doc comments, ${queries.fromDocstrings} from Python docstrings); ${queries.skipped} documented definitions gave none `
      + `(${queries.leftOut.duplicate} say only what another says, ${queries.leftOut.boilerplate} only licence or attribution lines, ${queries.leftOut.noSentence} no sentence of three words, ${queries.leftOut.notHidden} documentation not hideable)`,
    '',
    line(header),
    ...rows.map(line),
    '',
    verdictText(report),
    '',
    ...report.models.map((model) => `${model.current ? '> ' : '  '}${model.name}: ${model.displayName}, model weights ${model.quantization}, ${model.dimensions} dimensions, ${count(model.maxTokens)}-token window${model.truncatedTexts > 0 ? `, ${count(model.truncatedTexts)} of ${count(pool.size)} pool texts cut to fit it` : ''}`),
    ...report.failures.map((failure) => `  ${failure.model}: not evaluated: ${failure.message}`),
    `Ranked by MRR@10 over the pool (not the whole index: absolute figures are higher than a search of ${count(index.chunks)} chunks would give; compare rows with each other).`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The core's verdict in a line: the best row, or why the figures name none. */
function verdictText(report: ModelEvaluationReport): string {
  const best = report.verdict.best === undefined ? undefined : report.rows[report.verdict.best];
  return best
    ? `best here: ${best.model}, ${best.label} (MRR@10 ${best.mrrAt10.toFixed(3)}, Recall@10 ${best.recallAt10.toFixed(3)} on ${report.queries.count} queries)`
    : report.verdict.text;
}

/** Judges every installed model, and each storage option made from its vectors, on the index's own documented code. */
async function commandEvaluate(argv: string[]): Promise<void> {
  const { values } = parse(argv, { queries: { type: 'string' }, distractors: { type: 'string' }, models: { type: 'string' }, seed: { type: 'string' } });
  const { databasePath } = locateIndex(values);
  const queries = integerOption(values, 'queries', DEFAULT_EVALUATION_QUERIES)!;
  const distractors = integerOption(values, 'distractors', DEFAULT_EVALUATION_DISTRACTORS)!;
  const seed = integerOption(values, 'seed', DEFAULT_EVALUATION_SEED)!;
  const quantization = values.quantization === undefined ? undefined : choice<Quantization>(values, 'quantization', ['fp32', 'int8'], DEFAULT_QUANTIZATION);
  const device = choice(values, 'device', ['auto', 'cpu', 'gpu'], 'auto') as DeviceSetting;
  const threads = integerOption(values, 'threads', undefined);
  // Read only: an evaluation changes nothing, and may run while the folder is being indexed.
  const store = IndexStore.open(databasePath, { readonly: true });
  try {
    const installed = evaluationCandidates(store, { bundledModelsDirectory: OFFLINE_MODELS_DIRECTORY, storageDirectory: cliStorageDirectory(), quantization });
    const models = chooseEvaluatedModels(installed, values.models as string | undefined, quantization);
    const interactive = process.stderr.isTTY && !values.json;
    const report = await evaluateModels({
      store,
      models,
      loadModel: (model) => EmbeddingRuntime.load({ modelDirectory: model.directory, modelId: model.modelId, quantization: model.quantization, device, threads }),
      queries,
      distractors,
      seed,
      signal: interruptible(),
      onProgress: (progress) => {
        if (!interactive) return;
        const percent = progress.total > 0 ? Math.floor((progress.done / progress.total) * 100) : 0;
        process.stderr.write(`\r${progress.phase}${progress.model ? ` ${progress.model}` : ''}: ${percent}%`.padEnd(70));
      },
    });
    if (interactive) process.stderr.write('\n');
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else printEvaluation(report);
  } finally {
    store.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'index':
        await commandIndex(rest);
        return 0;
      case 'search':
        await commandSearch(rest);
        return 0;
      case 'status':
        await commandStatus(rest);
        return 0;
      case 'watch':
        await commandWatch(rest);
        return 0;
      case 'migrate':
        await commandMigrate(rest);
        return 0;
      case 'tradeoffs':
        await commandTradeoffs(rest);
        return 0;
      case 'evaluate':
        await commandEvaluate(rest);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"; the commands are index, search, status, watch, migrate, tradeoffs and evaluate`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`semsearch: ${error.message}\n(see \`semsearch --help\`)\n`);
      return 2;
    }
    if (error instanceof Error && error.name === 'AbortError') return 130;
    if (isCoreError(error)) {
      process.stderr.write(`semsearch: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`semsearch: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
