// bench/tradeoffs: storage options (float32, int8, binary + rescoring, Matryoshka truncation) on
// synthetic clustered vectors: bytes per vector on disk, query latency p50/p95 and Recall@10 against
// exact float32. Prints figures; never fails on timing.
//
//   node bench/tradeoffs.ts [--sizes 100000] [--dimensions 384,512] [--queries 100] [--oversampling 10,20,40]
//   node bench/tradeoffs.ts --sizes 1000000 --dimensions 384      # the 1M targets: ~25 min, 6.5 GB of memory, 3 GB of disk here
//   node bench/tradeoffs.ts --only binary                           # float32 (the reference) and one kind
//   node bench/tradeoffs.ts --index INDEX.db --query-file QUERIES.jsonl   # a real index (copied first) and
//                                                                   # its model's vectors of real queries ({"query": ...} lines)
//
// Each option gets a database of its own (what a folder holds once a storage migration has cut over
// and the old space is gone), so every table lies in the memory-mapped first 2 GB as it would in use.
// The vectors: a shared direction, cluster centres around it, points around the centres, with the
// variance falling off over the dimensions (so the first dimensions carry more, as in a Matryoshka
// model; truncation figures are only indicative). Queries come from the same clusters with less of the
// shared direction, as text queries against code do. The defaults give the statistics of real USE
// vectors of a code corpus (code-eslint, 92k chunks): a query and a random chunk score 0.52 (real:
// 0.54), a query and its 10th nearest 0.69 (0.71), the mean vector is 0.81 long (0.87) and queries
// have 0.78 of its length along it (0.71). Same seed, same vectors, every run.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { Chunk } from '../extension/core/chunking/types.ts';
import { IndexStore, chunkContentHash, type VectorSpace } from '../extension/core/store/index-store.ts';
import { binaryCode, hammingDistance } from '../extension/core/store/quantization.ts';
import { describeStorage, storageKey, vectorBytesPerVector, type StorageOption } from '../extension/core/store/storage-option.ts';
import { measureSpace, measureTradeoffs, quantile } from '../extension/core/tradeoffs/measure.ts';
import { EmbeddingRuntime } from '../extension/core/embedding/runtime.ts';
import type { Quantization } from '../extension/core/model/fingerprint.ts';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000' },
    dimensions: { type: 'string', default: '384,512' },
    queries: { type: 'string', default: '100' },
    oversampling: { type: 'string', default: '10,20,40' },
    seed: { type: 'string', default: '7' },
    /** Spread of points around their cluster centre, relative to the centres' spread. */
    spread: { type: 'string', default: '1.5' },
    /** Length of the direction all corpus vectors share, relative to the centres' spread. */
    shared: { type: 'string', default: '2.5' },
    /** The same for queries. */
    'query-shared': { type: 'string', default: '1.5' },
    /** Variance of dimension i falls as (1 + 8i/d)^-decay. */
    decay: { type: 'string', default: '1' },
    'keep-scratch': { type: 'boolean', default: false },
    index: { type: 'string' },
    /** Storage kinds to measure besides the float32 reference, e.g. `binary` (default: all). */
    only: { type: 'string' },
    'query-file': { type: 'string' },
  },
});
const scratch = mkdtempSync(path.join(os.tmpdir(), 'semsearch-tradeoffs-'));

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` corpus vectors and `queries` query vectors from the same clusters, unit length, in two flat arrays. */
function syntheticVectors(count: number, dimensions: number, queries: number, seed: number): { corpus: Float32Array; queries: Float32Array } {
  const next = random(seed * 1000 + dimensions);
  let spare: number | undefined;
  const normal = () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(Math.max(next(), 1e-12)));
    const angle = 2 * Math.PI * next();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  const sigma = Float32Array.from({ length: dimensions }, (_, index) => Math.pow(1 + index / (dimensions / 8), -Number(args.decay) / 2));
  const sigmaNorm = Math.hypot(...sigma);
  for (let index = 0; index < dimensions; index++) sigma[index]! /= sigmaNorm;
  const direction = Float32Array.from({ length: dimensions }, () => normal());
  const directionNorm = Math.hypot(...direction);
  for (let index = 0; index < dimensions; index++) direction[index]! /= directionNorm;
  const clusters = Math.max(8, Math.round(count / 100));
  const centres = new Float32Array(clusters * dimensions);
  for (let cluster = 0; cluster < clusters; cluster++) for (let index = 0; index < dimensions; index++) centres[cluster * dimensions + index] = normal() * sigma[index]!;
  const spread = Number(args.spread);
  const fill = (out: Float32Array, rows: number, shared: number) => {
    for (let row = 0; row < rows; row++) {
      const centre = Math.floor(next() * clusters) * dimensions;
      const offset = row * dimensions;
      let norm = 0;
      for (let index = 0; index < dimensions; index++) {
        const value = shared * direction[index]! + centres[centre + index]! + normal() * sigma[index]! * spread;
        out[offset + index] = value;
        norm += value * value;
      }
      norm = Math.sqrt(norm);
      for (let index = 0; index < dimensions; index++) out[offset + index]! /= norm;
    }
    return out;
  };
  return { corpus: fill(new Float32Array(count * dimensions), count, Number(args.shared)), queries: fill(new Float32Array(queries * dimensions), queries, Number(args['query-shared'])) };
}

/** A database with `count` one-line chunks (vectors need chunks to belong to), and the chunks' content hashes. */
function chunkTemplate(count: number): { databasePath: string; hashes: string[] } {
  const databasePath = path.join(scratch, `template-${count}.db`);
  const store = IndexStore.open(databasePath);
  const hashes: string[] = [];
  const perFile = 1000;
  for (let file = 0; file * perFile < count; file++) {
    const chunks: Chunk[] = [];
    for (let index = 0; index < perFile && file * perFile + index < count; index++) {
      chunks.push({ path: `f${file}.ts`, language: 'typescript', kind: 'function', symbol: undefined, scope: [], signature: undefined, startLine: index + 1, endLine: index + 1, text: `v${file * perFile + index}`, docComment: undefined, part: undefined, relations: { defines: [], calls: [], imports: [] } });
    }
    store.replaceFile({ path: `f${file}.ts`, contentHash: `h${file}`, size: 1, mtimeMs: 1, language: 'typescript' }, new Map([['synthetic', chunks]]));
    hashes.push(...chunks.map((chunk) => chunkContentHash(chunk)));
  }
  store.close();
  return { databasePath, hashes };
}

const vectorAt = (flat: Float32Array, dimensions: number, row: number) => flat.subarray(row * dimensions, (row + 1) * dimensions);

/** A database holding one space with `storage`, filled with the corpus (a quantized one calibrated on 10,000 spread vectors first). */
function buildSpace(template: string, storage: StorageOption, corpus: Float32Array, dimensions: number, hashes: readonly string[]): { store: IndexStore; space: VectorSpace; seconds: number; databasePath: string } {
  const databasePath = path.join(scratch, `${storageKey(storage).replace(/[^\w]+/g, '-')}-${dimensions}.db`);
  copyFileSync(template, databasePath);
  const store = IndexStore.open(databasePath);
  const started = performance.now();
  const space = store.ensureVectorSpace({ modelFingerprint: 'synthetic', chunker: 'synthetic', storage, dimensions, modelId: 'synthetic', details: {} }, 'active');
  if (storage.kind !== 'float32') {
    const step = Math.max(1, Math.floor(hashes.length / 10_000));
    const sample: Float32Array[] = [];
    for (let row = 0; row < hashes.length; row += step) sample.push(vectorAt(corpus, dimensions, row));
    store.calibrateSpace(space, { sample });
  }
  for (let start = 0; start < hashes.length; start += 5000) {
    const items = [];
    for (let row = start; row < Math.min(start + 5000, hashes.length); row++) items.push({ contentHash: hashes[row]!, vector: vectorAt(corpus, dimensions, row) });
    store.insertEmbeddings(space, items);
  }
  store.transaction(() => undefined);
  return { store, space, seconds: (performance.now() - started) / 1000, databasePath };
}

/**
 * The binary first stage two ways: sqlite-vec's Hamming KNN on the stored bit[N] table (through a
 * second connection), and the store's own scan of the codes in memory (BinaryCodes). No rescoring.
 */
function firstStageLatencies(store: IndexStore, space: VectorSpace, queries: readonly Float32Array[], candidates: number): { sqlite: { p50: number; p95: number }; memory: { p50: number; p95: number }; loadSeconds: number } {
  const { thresholds } = store.quantizer(space.id)!;
  const database = new Database(store.path, { readonly: true });
  sqliteVec.load(database);
  database.pragma('mmap_size = 2147483648');
  const knn = database.prepare(`SELECT rowid AS id, distance FROM "${space.tableName}" WHERE embedding MATCH vec_bit(?) AND k = ?`);
  const limit = Math.min(candidates, 4096);
  // sqlite-vec takes seconds per query at 1M: ten queries say enough.
  const sqlite = queries.slice(0, 10).map((query) => {
    const started = performance.now();
    knn.all(Buffer.from(binaryCode(query, thresholds!)), limit);
    return performance.now() - started;
  });
  database.close();
  // A fresh connection reads the codes on its first search: that is the load time.
  const fresh = IndexStore.open(store.path);
  const loadStarted = performance.now();
  fresh.firstStage(fresh.vectorSpace(space.id), queries[0]!, limit);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  fresh.close();
  const memory = queries.map((query) => {
    const started = performance.now();
    store.firstStage(space, query, limit);
    return performance.now() - started;
  });
  return { sqlite: { p50: quantile(sqlite, 0.5), p95: quantile(sqlite, 0.95) }, memory: { p50: quantile(memory, 0.5), p95: quantile(memory, 0.95) }, loadSeconds };
}

/** Checks the first stage against a brute-force Hamming scan of the corpus (distances of the first 50). */
function sameFirstStage(store: IndexStore, space: VectorSpace, query: Float32Array, corpus: Float32Array, dimensions: number): boolean {
  const { thresholds } = store.quantizer(space.id)!;
  const code = binaryCode(query, thresholds!);
  const reference: number[] = [];
  for (let row = 0; row < corpus.length / dimensions; row++) reference.push(hammingDistance(binaryCode(vectorAt(corpus, dimensions, row), thresholds!), code));
  reference.sort((a, b) => a - b);
  const found = store.firstStage(space, query, 50).map((row) => row.distance);
  return found.every((distance, index) => distance === reference[index]);
}

const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);

async function run(size: number, dimensions: number): Promise<void> {
  const queryCount = Number(args.queries);
  const generated = performance.now();
  const { corpus, queries: flatQueries } = syntheticVectors(size, dimensions, queryCount, Number(args.seed));
  const queries = Array.from({ length: queryCount }, (_, row) => vectorAt(flatQueries, dimensions, row));
  const templateStarted = performance.now();
  const { databasePath: template, hashes } = chunkTemplate(size);
  console.log(`\n## ${size.toLocaleString('en')} vectors × ${dimensions} dimensions, ${queryCount} queries (vectors ${((templateStarted - generated) / 1000).toFixed(0)} s, chunk rows ${((performance.now() - templateStarted) / 1000).toFixed(0)} s)\n`);

  // Exact float32 first: its top 10 is the reference every option is compared with.
  const reference = buildSpace(template, { kind: 'float32' }, corpus, dimensions, hashes);
  const exact = queries.map((query) => reference.store.nearest(reference.space, query, 10).map((hit) => hit.contentHash));
  const sampleSimilarities = queries.map((query, index) => [query, vectorAt(corpus, dimensions, (index * 7919) % size)] as const).map(([a, b]) => a.reduce((sum, value, index) => sum + value * b[index]!, 0));
  console.log(`mean cosine of a query and a random vector: ${(sampleSimilarities.reduce((a, b) => a + b, 0) / sampleSimilarities.length).toFixed(3)}; of a query and its 10th nearest: ${(queries.map((query) => reference.store.nearest(reference.space, query, 10).at(-1)!.similarity).reduce((a, b) => a + b, 0) / queryCount).toFixed(3)}\n`);

  const oversamplings = args.oversampling.split(',').map(Number);
  const half = Math.round(dimensions / 2 / 8) * 8;
  const plan: { storage: StorageOption; oversamplings: (number | undefined)[] }[] = [
    { storage: { kind: 'float32' }, oversamplings: [undefined] },
    { storage: { kind: 'float32', dimensions: half }, oversamplings: [undefined] },
    { storage: { kind: 'int8' }, oversamplings: [5, 10] },
    { storage: { kind: 'binary' }, oversamplings },
    { storage: { kind: 'binary', rescore: 'int8' }, oversamplings },
  ];
  console.log('| option | build s | bytes/vector on disk (vector data) | total MB | p50 ms | p95 ms | Recall@10 vs exact | latency vs float32 |');
  console.log('|---|---|---|---|---|---|---|---|');
  let float32P50 = Number.NaN;
  const only = args.only ? new Set(args.only.split(',')) : undefined;
  for (const { storage, oversamplings: factors } of plan.filter((entry, index) => index === 0 || !only || only.has(entry.storage.kind))) {
    const built = storage.kind === 'float32' && storage.dimensions === undefined ? reference : buildSpace(template, storage, corpus, dimensions, hashes);
    const bytes = built.store.spaceBytes(built.space);
    for (const oversampling of factors) {
      const { latency, recall } = measureSpace(built.store, built.space, queries, exact, { oversampling, warmup: 5 });
      if (storage.kind === 'float32' && storage.dimensions === undefined) float32P50 = latency.p50;
      const label = `${describeStorage(storage)}${oversampling ? ` ×${oversampling}` : ''}`;
      console.log(`| ${label} | ${built.seconds.toFixed(0)} | ${(bytes / size).toFixed(0)} (${vectorBytesPerVector(storage, dimensions)}) | ${(bytes / 1_048_576).toFixed(0)} | ${ms(latency.p50)} | ${ms(latency.p95)} | ${recall.toFixed(3)} | ${(float32P50 / latency.p50).toFixed(1)}× faster |`);
    }
    if (built.space.storage.kind === 'binary' && built.space.storage.rescore === 'float32') {
      const candidates = 10 * oversamplings[oversamplings.length - 1]!;
      const stages = firstStageLatencies(built.store, built.space, queries, candidates);
      const agrees = sameFirstStage(built.store, built.space, queries[0]!, corpus, dimensions);
      console.log(`|   first stage alone, ${candidates} candidates: sqlite-vec KNN on bit[${dimensions}] (10 queries) | | | | ${ms(stages.sqlite.p50)} | ${ms(stages.sqlite.p95)} | | |`);
      console.log(`|   first stage alone, ${candidates} candidates: codes in memory (first search of a new connection, loading them: ${stages.loadSeconds.toFixed(2)} s) | | | | ${ms(stages.memory.p50)} | ${ms(stages.memory.p95)} | equals a brute-force Hamming scan: ${agrees} | |`);
    }
    if (built !== reference) {
      built.store.close();
      rmSync(built.databasePath, { force: true });
      rmSync(`${built.databasePath}-wal`, { force: true });
    }
  }
  reference.store.close();
  rmSync(reference.databasePath, { force: true });
  rmSync(template, { force: true });
}

/** The options on a real index: measureTradeoffs (what the extension runs) on a copy of it, with real queries. */
async function runOnIndex(indexPath: string, queryFile: string): Promise<void> {
  const copy = path.join(scratch, 'index.db');
  const probe = IndexStore.open(indexPath, { readonly: true });
  probe.close();
  copyFileSync(indexPath, copy);
  for (const suffix of ['-wal', '-shm']) {
    try {
      copyFileSync(`${indexPath}${suffix}`, `${copy}${suffix}`);
    } catch {
      // No write-ahead log.
    }
  }
  const store = IndexStore.open(copy);
  const base = store.activeSpace();
  if (!base) throw new Error(`${indexPath} has no active vector space`);
  const details = base.details as { modelDirectory?: string; quantization?: Quantization };
  const runtime = await EmbeddingRuntime.load({ modelDirectory: details.modelDirectory!, quantization: details.quantization, device: 'cpu' });
  const texts = readFileSync(queryFile, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => (JSON.parse(line) as { query: string }).query);
  const queries: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += 32) queries.push(...(await runtime.embed(texts.slice(start, start + 32), 'query')).vectors);
  await runtime.dispose();
  const vectors = store.vectorCount(base);
  console.log(`\n## ${path.basename(indexPath)}: ${vectors.toLocaleString('en')} vectors of ${base.modelId} (${base.dimensions} dimensions), ${queries.length} queries from ${path.basename(queryFile)}\n`);
  const half = Math.round(base.dimensions / 2 / 8) * 8;
  const options: StorageOption[] = [
    { kind: 'float32' },
    { kind: 'float32', dimensions: half },
    { kind: 'int8', oversampling: 5 },
    { kind: 'int8', oversampling: 10 },
    ...args.oversampling.split(',').map((factor) => ({ kind: 'binary', oversampling: Number(factor) }) as StorageOption),
    ...args.oversampling.split(',').map((factor) => ({ kind: 'binary', rescore: 'int8', oversampling: Number(factor) }) as StorageOption),
  ];
  const results = await measureTradeoffs(store, base, options, queries, { warmup: 5 });
  console.log('| option | bytes/vector on disk (vector data) | total MB | p50 ms | p95 ms | Recall@10 vs exact |');
  console.log('|---|---|---|---|---|---|');
  for (const result of results) {
    console.log(`| ${describeStorage(result.option)}${result.option.oversampling ? ` ×${result.option.oversampling}` : ''} | ${result.bytesPerVector.toFixed(0)} (${vectorBytesPerVector(result.option, base.dimensions)}) | ${(result.totalBytes / 1_048_576).toFixed(0)} | ${ms(result.latency.p50)} | ${ms(result.latency.p95)} | ${result.recallAt10VsExact.toFixed(3)} |`);
  }
  store.close();
}

try {
  if (args.index) {
    if (!args['query-file']) throw new Error('--index needs --query-file (JSON lines with a "query" field)');
    console.log(`bench/tradeoffs: ${os.cpus().length} cores, Node ${process.version}`);
    await runOnIndex(args.index, args['query-file']);
  } else {
    console.log(`bench/tradeoffs: ${os.cpus().length} cores, Node ${process.version}; synthetic clustered unit vectors (shared direction ${args.shared}, for queries ${args['query-shared']}, spread ${args.spread}, decay ${args.decay}, seed ${args.seed})`);
    for (const size of args.sizes.split(',').map(Number)) {
      for (const dimensions of args.dimensions.split(',').map(Number)) await run(size, dimensions);
    }
  }
  console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
} finally {
  if (!args['keep-scratch']) rmSync(scratch, { recursive: true, force: true });
}
