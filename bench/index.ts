// bench/index: indexing throughput on a real repository, bare embedding of the same chunks,
// time from a one-file edit to searchable, query latency at 10k / 100k / 1M stored chunks, bytes per
// chunk on disk, and peak memory.
//
//   node bench/index.ts [--corpus DIR] [--model code-static] [--quantization int8] [--sizes 10000,100000,1000000]
//                       [--parts indexing,breakdown,queries] [--backend auto|onnxruntime] [--storage float32|int8|binary|...]
//                       [--queries 50]
//
// `breakdown` indexes the corpus a second time, into a new index, under this thread's CPU profiler, and
// prints where the indexing thread's time went by area (breakdown.ts); the profiler slows it down, so its
// figures are shares, not speeds. `--backend onnxruntime` runs every model in an onnxruntime session
// (by default code-static is computed from its table without one: ../extension/core/embedding/static-table.ts).
//
// The corpus defaults to ../shared/eval/sets/code-gin/corpus-stripped (the Gin web framework).
// Query latency uses synthetic chunks and vectors (random words, clustered unit vectors) in a real
// store, with a real query embedding from the model, stored as `--storage` says (float32, the default, or any
// option `semsearch index --storage` takes). The first search of the store's connection also reads the vectors
// into memory (store README, "Vectors in memory"): its time is its own column, apart from the percentiles. A second
// table compares the first search of a new connection (a window opened again) cold, reading the vectors itself,
// with one after a warm-up (`IndexStore.warmVectors`, what the editor's worker does when a folder's index opens),
// and says how long the warm-up took and the longest the thread waited for a turn meanwhile.
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { embeddingText } from '../extension/core/chunking/embedding-text.ts';
import type { Chunk } from '../extension/core/chunking/types.ts';
import { FolderIndex } from '../extension/core/folder-index.ts';
import type { Quantization } from '../extension/core/model/fingerprint.ts';
import { Searcher, singleEmbedder } from '../extension/core/search/search.ts';
import { IndexStore, chunkContentHash } from '../extension/core/store/index-store.ts';
import { parseStorageOption } from '../extension/core/store/storage-option.ts';
import type { EmbeddingBackend } from '../extension/core/embedding/embedding-worker-protocol.ts';
import { profileBreakdown, threadCpuBetween, threadCpuSeconds } from './breakdown.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: options } = parseArgs({
  options: {
    corpus: { type: 'string', default: path.resolve(ROOT, '..', 'shared', 'eval', 'sets', 'code-gin', 'corpus-stripped') },
    model: { type: 'string', default: 'code-static' },
    backend: { type: 'string', default: 'auto' },
    quantization: { type: 'string', default: 'int8' },
    threads: { type: 'string', default: '2' },
    sizes: { type: 'string', default: '10000,100000,1000000' },
    queries: { type: 'string', default: '50' },
    parts: { type: 'string', default: 'indexing,breakdown,queries' },
    storage: { type: 'string', default: 'float32' },
  },
});
const modelDirectory = path.join(ROOT, 'models', options.model);
const quantization = options.quantization as Quantization;
const backend = options.backend as EmbeddingBackend;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'semsearch-bench-'));

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

/**
 * CPU seconds of this process (every thread, the embedding worker's included) since `start`: on a shared
 * machine the wall clock also counts other processes' turns, CPU time much less so.
 */
function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}

async function measureIndexing() {
  if (!existsSync(options.corpus)) throw new Error(`corpus ${options.corpus} not found; pass --corpus`);
  // A private copy, so the edit test can write to it.
  const corpus = path.join(scratch, 'corpus');
  cpSync(options.corpus, corpus, { recursive: true });
  const databasePath = path.join(scratch, 'index.db');
  const index = await FolderIndex.open({ root: corpus, databasePath, modelDirectory, quantization, device: 'cpu', threads: Number(options.threads), backend });
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const threadsBefore = threadCpuSeconds();
  const result = await index.index();
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSecondsSince(cpuStarted);
  // The embedding worker starts when the index opens, the chunking worker on the first file.
  const threads = threadCpuBetween(threadsBefore, threadCpuSeconds(), ['embedding worker', 'chunking worker']);
  const status = index.status();

  // The bare session on exactly the texts the indexer embedded, in the same batch size. Asking for the
  // contents missing from a space that does not exist lists every distinct content once.
  const space = index.store.activeSpace()!;
  const texts = index.store.missingVectorContents({ ...space, id: 'none' }).map(({ chunkId }) => embeddingText(index.store.chunksById([chunkId]).get(chunkId)!));
  const bareStarted = performance.now();
  const bareCpuStarted = process.cpuUsage();
  for (let start = 0; start < texts.length; start += 32) await index.runtime.embed(texts.slice(start, start + 32), 'document');
  const bareSeconds = (performance.now() - bareStarted) / 1000;
  const bareCpuSeconds = cpuSecondsSince(bareCpuStarted);

  // One-file edits: append a function to a file (in the file's own language), update, and search for it.
  const edits: Record<string, (number: number) => string> = {
    '.go': (number) => `\n// benchEdit${number} reports the edit number ${number}.\nfunc benchEdit${number}() int { return ${number} }\n`,
    '.js': (number) => `\n// benchEdit${number} reports the edit number ${number}.\nfunction benchEdit${number}() { return ${number}; }\n`,
    '.ts': (number) => `\n// benchEdit${number} reports the edit number ${number}.\nexport function benchEdit${number}(): number { return ${number}; }\n`,
    '.py': (number) => `\n\ndef benchEdit${number}():\n    """Reports the edit number ${number}."""\n    return ${number}\n`,
  };
  const sources = [...index.store.files().keys()].filter((file) => path.extname(file) in edits).slice(0, 20);
  const editLatencies: number[] = [];
  for (const [number, file] of sources.entries()) {
    const absolute = path.join(corpus, file);
    writeFileSync(absolute, `${readFileSync(absolute, 'utf8')}${edits[path.extname(file)]!(number)}`);
    const editStarted = performance.now();
    await index.update([file]);
    const response = await index.search(`benchEdit${number}`, { k: 1, mode: 'lexical' });
    if (response.hits[0]?.path !== file) throw new Error(`edit ${number} not found after update`);
    editLatencies.push(performance.now() - editStarted);
  }
  await index.close();
  return {
    backend: index.runtime.info.backend,
    files: result.filesIndexed,
    chunks: result.chunksEmbedded,
    seconds,
    filesPerSecond: result.filesIndexed / seconds,
    chunksPerSecond: result.chunksEmbedded / seconds,
    cpuSeconds,
    threads,
    bareChunksPerSecond: texts.length / bareSeconds,
    bareChunksPerCpuSecond: texts.length / bareCpuSeconds,
    bytesPerChunk: status.databaseBytes / status.chunks,
    editP50: percentile(editLatencies, 0.5),
    editP95: percentile(editLatencies, 0.95),
  };
}

/** A first index of the corpus into a new database under the CPU profiler: where this thread's time goes. */
async function measureBreakdown() {
  const databasePath = path.join(scratch, 'breakdown.db');
  const index = await FolderIndex.open({ root: options.corpus, databasePath, modelDirectory, quantization, device: 'cpu', threads: Number(options.threads), backend });
  try {
    const started = performance.now();
    const { result, breakdown } = await profileBreakdown(() => index.index());
    return { seconds: (performance.now() - started) / 1000, chunks: result.chunksEmbedded, breakdown };
  } finally {
    await index.close();
  }
}

/** Deterministic pseudo-random numbers. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function measureQueries(size: number) {
  const databasePath = path.join(scratch, `synthetic-${size}.db`);
  const store = IndexStore.open(databasePath);
  const index = await FolderIndex.open({ root: scratch, databasePath: path.join(scratch, 'model-only.db'), modelDirectory, quantization, device: 'cpu', threads: Number(options.threads), backend });
  const { dimensions } = index.runtime.info.manifest;
  const space = store.ensureVectorSpace({ modelFingerprint: index.runtime.info.fingerprint, chunker: 'synthetic', storage: parseStorageOption(options.storage, dimensions), dimensions, modelId: 'synthetic', details: {} }, 'active');
  store.setSpaceComplete(space.id, true);
  const next = random(size);
  // Words drawn from GloVe's 30,000 most frequent with a Zipf distribution, as text is: a few words
  // are everywhere, most are rare. (Uniform draws from a small vocabulary make every query word
  // match most chunks, which no real corpus does.)
  const vocabulary = JSON.parse(readFileSync(path.join(ROOT, 'models', 'glove-100d', 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
  const words = Object.entries(vocabulary.model.vocab).filter(([, id]) => id >= 2 && id < 30_002).sort((a, b) => a[1] - b[1]).map(([word]) => word);
  const cumulative = Float64Array.from(words, (_, rank) => 1 / (rank + 1));
  for (let rank = 1; rank < cumulative.length; rank++) cumulative[rank]! += cumulative[rank - 1]!;
  const zipfWord = () => {
    const target = next() * cumulative[cumulative.length - 1]!;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return words[low]!;
  };
  const centroids = Array.from({ length: 64 }, () => Float32Array.from({ length: dimensions }, () => next() * 2 - 1));
  const perFile = 200;
  const buildStarted = performance.now();
  for (let file = 0; file * perFile < size; file++) {
    const chunks: Chunk[] = [];
    for (let index = 0; index < perFile && file * perFile + index < size; index++) {
      const text = Array.from({ length: 40 }, zipfWord).join(' ') + ` id${file}x${index}`;
      chunks.push({ path: `f${file}.ts`, language: 'typescript', kind: 'function', symbol: `f${index}`, scope: [], signature: undefined, startLine: index * 10 + 1, endLine: index * 10 + 9, text, docComment: undefined, part: undefined, relations: { defines: [], calls: [], imports: [] } });
    }
    store.replaceFile({ path: `f${file}.ts`, contentHash: `h${file}`, size: 1, mtimeMs: 1, language: 'typescript' }, new Map([['synthetic', chunks]]));
    store.insertEmbeddings(space, chunks.map((chunk) => {
      const centroid = centroids[Math.floor(next() * centroids.length)]!;
      const vector = centroid.map((value) => value + (next() - 0.5) * 0.8);
      const norm = Math.hypot(...vector);
      return { contentHash: chunkContentHash(chunk), vector: vector.map((value) => value / norm) };
    }));
  }
  // A quantized space moves its staged vectors to codes, as an index run ends.
  store.calibrateSpace(space);
  const buildSeconds = (performance.now() - buildStarted) / 1000;
  const searcher = new Searcher(store, singleEmbedder(index.runtime));
  const queries = Array.from({ length: Number(options.queries) }, () => `how to ${zipfWord()} the ${zipfWord()} ${zipfWord()}`);
  const first = (await searcher.search('warm up', { k: 10 })).milliseconds.total;
  const resident = store.residentVectors(space);
  const totals: number[] = [];
  const dense: number[] = [];
  const lexical: number[] = [];
  const embedding: number[] = [];
  for (const query of queries) {
    const response = await searcher.search(query, { k: 10 });
    totals.push(response.milliseconds.total);
    dense.push(response.milliseconds.dense);
    lexical.push(response.milliseconds.lexical);
    // The query's vector alone, through the worker as a search asks for it.
    const embedStarted = performance.now();
    await index.runtime.embed([query], 'query');
    embedding.push(performance.now() - embedStarted);
  }
  const firstSearches = await measureFirstSearches(databasePath, new Searcher(store, singleEmbedder(index.runtime)), queries[0]!);
  const bytes = statSync(databasePath).size;
  await index.close();
  store.close();
  rmSync(databasePath, { force: true });
  return {
    size, buildSeconds, first, resident, firstSearches, p50: percentile(totals, 0.5), p95: percentile(totals, 0.95), denseP50: percentile(dense, 0.5), denseP95: percentile(dense, 0.95),
    lexicalP50: percentile(lexical, 0.5), lexicalP95: percentile(lexical, 0.95), embedP50: percentile(embedding, 0.5), embedP95: percentile(embedding, 0.95), bytesPerChunk: bytes / size,
  };
}

/** Rounds of the cold / warmed first search (alternating): the median is printed, with the range. */
const FIRST_SEARCH_ROUNDS = 3;

/**
 * The first search of new connections to a database: cold (it reads the vectors itself) and after a warm-up, which
 * is timed with the longest gap between two turns of this thread while it ran (a message to the worker waits that long at most).
 */
async function measureFirstSearches(databasePath: string, searcher: Searcher, query: string) {
  const cold: number[] = [];
  const warmed: number[] = [];
  const warmUp: number[] = [];
  const reading: number[] = [];
  const longestTurn: number[] = [];
  for (let round = 0; round < FIRST_SEARCH_ROUNDS; round++) {
    const coldStore = IndexStore.open(databasePath);
    cold.push((await new Searcher(coldStore, searcher.resolveEmbedder).search(query, { k: 10 })).milliseconds.total);
    coldStore.close();
    const warmStore = IndexStore.open(databasePath);
    let done = false;
    let longest = 0;
    const turns = (async () => {
      for (let last = performance.now(); !done; ) {
        await nextTurn();
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
      }
    })();
    const started = performance.now();
    const warm = await warmStore.warmVectors(warmStore.activeSpace()!);
    warmUp.push(performance.now() - started);
    done = true;
    await turns;
    reading.push(warm.vectors?.milliseconds ?? Number.NaN);
    longestTurn.push(longest);
    warmed.push((await new Searcher(warmStore, searcher.resolveEmbedder).search(query, { k: 10 })).milliseconds.total);
    if (warmStore.residentVectors(warmStore.activeSpace()!)?.loadedBy !== 'warm-up') throw new Error('the search after the warm-up read the vectors again');
    warmStore.close();
  }
  const summary = (values: number[]) => ({ median: percentile(values, 0.5), min: Math.min(...values), max: Math.max(...values) });
  return { cold: summary(cold), warmed: summary(warmed), warmUp: summary(warmUp), reading: summary(reading), longestTurn: summary(longestTurn) };
}

try {
  const parts = new Set(options.parts.split(','));
  console.log(`bench/index: ${options.model} (${quantization}, backend ${backend}), ${options.threads} threads, corpus ${path.relative(process.cwd(), options.corpus)}, load average ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}\n`);
  if (parts.has('indexing')) {
  const indexing = await measureIndexing();
  console.log('| indexing | value |');
  console.log('|---|---|');
  console.log(`| embedding backend | ${indexing.backend} |`);
  console.log(`| files / chunks embedded | ${indexing.files} / ${indexing.chunks} in ${indexing.seconds.toFixed(1)} s |`);
  console.log(`| files/s | ${indexing.filesPerSecond.toFixed(1)} |`);
  console.log(`| chunks/s end to end | ${indexing.chunksPerSecond.toFixed(1)} |`);
  console.log(`| CPU seconds end to end (all threads) / chunks per CPU second | ${indexing.cpuSeconds.toFixed(1)} / ${(indexing.chunks / indexing.cpuSeconds).toFixed(1)} |`);
  for (const { thread, seconds } of indexing.threads) console.log(`| CPU seconds of the first index: ${thread} | ${seconds.toFixed(1)} |`);
  console.log(`| chunks/s bare embedding (same chunks, batch 32, through the worker) | ${indexing.bareChunksPerSecond.toFixed(1)} |`);
  console.log(`| chunks per CPU second, bare embedding (both threads) | ${indexing.bareChunksPerCpuSecond.toFixed(1)} |`);
  console.log(`| end to end / bare | ${((indexing.chunksPerSecond / indexing.bareChunksPerSecond) * 100).toFixed(0)}% |`);
  console.log(`| one-file edit to searchable, p50 / p95 | ${ms(indexing.editP50)} / ${ms(indexing.editP95)} |`);
  console.log(`| bytes per chunk on disk (real index) | ${indexing.bytesPerChunk.toFixed(0)} |`);
  }
  if (parts.has('breakdown')) {
    const { seconds, chunks, breakdown } = await measureBreakdown();
    console.log(`\n| indexing thread, first index under the profiler (${chunks} chunks in ${seconds.toFixed(1)} s) | ms | share |`);
    console.log('|---|---|---|');
    for (const { area, milliseconds } of breakdown.areas) console.log(`| ${area} | ${milliseconds.toFixed(0)} | ${((milliseconds / breakdown.totalMilliseconds) * 100).toFixed(1)}% |`);
  }
  if (parts.has('queries')) {
  console.log(`\nstorage ${options.storage}`);
  console.log('| stored chunks | build s | query p50 | query p95 | dense part p50 / p95 | lexical part p50 / p95 | query embedding p50 / p95 | first search (vectors read into memory) | bytes/chunk |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const firstRows: string[] = [];
  const range = (value: { median: number; min: number; max: number }) => `${value.median.toFixed(0)} ms (${value.min.toFixed(0)}–${value.max.toFixed(0)})`;
  for (const size of options.sizes.split(',').map(Number)) {
    const row = await measureQueries(size);
    const load = row.resident ? ` (${row.resident.milliseconds.toFixed(0)} ms, ${(row.resident.bytes / 2 ** 20).toFixed(0)} MB)` : '';
    console.log(`| ${row.size.toLocaleString('en')} | ${row.buildSeconds.toFixed(0)} | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.denseP50)} / ${ms(row.denseP95)} | ${ms(row.lexicalP50)} / ${ms(row.lexicalP95)} | ${row.embedP50.toFixed(2)} / ${row.embedP95.toFixed(2)} ms | ${ms(row.first)}${load} | ${row.bytesPerChunk.toFixed(0)} |`);
    const first = row.firstSearches;
    firstRows.push(`| ${row.size.toLocaleString('en')} | ${range(first.cold)} | ${range(first.warmed)} | ${range(first.warmUp)} | ${range(first.reading)} | ${range(first.longestTurn)} |`);
  }
  console.log(`\nfirst search of a new connection, median of ${FIRST_SEARCH_ROUNDS} (range)`);
  console.log('| stored chunks | cold (reads the vectors) | after a warm-up | warm-up, wall | warm-up, reading | longest wait for a turn during the warm-up |');
  console.log('|---|---|---|---|---|---|');
  for (const line of firstRows) console.log(line);
  }
  console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (this process, embedding worker included)`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
