// bench/load: a large synthetic workspace (200,000 files by default) indexed the way the extension
// indexes it, to show that memory stays bounded and the editor stays responsive. The extension host's
// thread starts the index worker (extension/worker/index-worker.ts) and only exchanges messages with
// it; this bench plays the extension host: it starts the same worker, configures and indexes through
// the same protocol, and searches while the index fills. Sampled during the run: the process's peak
// RSS (every thread), the main thread's heap, the index worker's heap, and the main thread's
// event-loop delay (what the editor's extension host would feel). Also: files/s, chunks/s, time to
// the first search result while indexing, search latency on the finished index, database size.
//
//   node bench/load.ts [--files 200000] [--seed 1] [--model glove-100d] [--quantization int8] [--threads 1]
//                      [--queries 30] [--cache .bench/load] [--json]
//
// --files takes a list (`--files 20000,50000,200000`) to compare sizes: each size runs in its own
// process, so one size's peak cannot hide in another's. Workspaces are generated once per size and
// seed and kept in --cache. --json prints the figures as JSON instead of a table. Timings are
// printed, never judged: nothing here fails because a machine is slow.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { IndexProgress } from '../extension/core/indexing/indexer.ts';
import type { Quantization } from '../extension/core/model/fingerprint.ts';
import type { ServiceSettings, ServiceState } from '../extension/core/service/workspace-service.ts';
import type { HostToWorker, IndexWorkerData, WorkerRequests, WorkerRequestType, WorkerToHost } from '../extension/protocol/index-worker-protocol.ts';
import { seededRandom } from '../test/unit/store/vectors.ts';
import { writeSyntheticWorkspace } from './load-workspace.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const INDEX_WORKER = path.join(ROOT, 'extension', 'worker', 'index-worker.ts');
const EMBEDDING_WORKER = path.join(ROOT, 'extension', 'core', 'embedding', 'worker.ts');
/** How often memory is sampled. */
const SAMPLE_MS = 50;
/** The event-loop delay histogram's resolution: its timer's period on the main thread. */
const LAG_RESOLUTION_MS = 10;
/** How long the main thread's lag is measured with nothing running, before indexing starts. */
const IDLE_MS = 5_000;
/** The search sent while the index fills, until it finds something. */
const WHILE_INDEXING_QUERY = 'validate the payment total before it is stored';

const { values: options } = parseArgs({
  options: {
    files: { type: 'string', default: '200000' },
    seed: { type: 'string', default: '1' },
    model: { type: 'string', default: 'glove-100d' },
    quantization: { type: 'string', default: 'int8' },
    // One inference thread: the extension's default (0, every core) would make ONNX compete with the
    // indexer for the same cores on a small machine and blur what this bench measures.
    threads: { type: 'string', default: '1' },
    queries: { type: 'string', default: '30' },
    cache: { type: 'string', default: path.join(ROOT, '.bench', 'load') },
    json: { type: 'boolean', default: false },
    // Internal: measure one prepared workspace and print its figures as JSON (the per-size child process).
    measure: { type: 'string' },
  },
});

/** Peaks over one phase of a run, in bytes; resident figures are undefined where /proc is missing. */
interface MemoryPeaks {
  mainHeap: number;
  workerHeap: number;
  /** Resident anonymous memory of the process: every thread's heap, SQLite's page cache, ONNX. */
  anonymous: number | undefined;
  /** Resident file-backed memory: mostly the database pages SQLite reads through mmap, which the kernel can drop. */
  fileBacked: number | undefined;
}

/** The main thread's event-loop lag over one phase, in milliseconds. */
interface Lag {
  p50: number;
  p99: number;
  max: number;
}

/** What one run measured. Times in milliseconds, sizes in bytes. */
interface LoadFigures {
  files: number;
  filesIndexed: number;
  /** Files that could not be read or chunked (each is named in the worker's log). */
  failures: number;
  chunks: number;
  chunksEmbedded: number;
  ignoredFolders: number;
  wallMs: number;
  filesPerSecond: number;
  chunksPerSecond: number;
  /** The kernel's high-water mark of the whole process (every thread), over the whole run. */
  peakRssBytes: number;
  /**
   * The main thread's lag over a few idle seconds before indexing starts: what the machine's own load
   * costs (other processes, the sampling itself), to set the indexing figures against.
   */
  idleLag: Lag;
  /** While the workspace is indexed from nothing. */
  indexing: { memory: MemoryPeaks; lag: Lag };
  /** A second run over the unchanged workspace (the next start of the editor): only the walk and change detection. */
  unchanged: { wallMs: number; memory: MemoryPeaks; lag: Lag };
  firstResultMs: number | undefined;
  searchWhileIndexing: { count: number; p50: number | undefined; max: number | undefined };
  search: { p50: number; p95: number };
  databaseBytes: number;
}

/** The extension host's side of the index worker, without VS Code: typed requests, events kept. */
class IndexWorkerClient {
  readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  state: ServiceState | undefined;
  progress: IndexProgress | undefined;

  constructor(workerData: Partial<IndexWorkerData>) {
    this.worker = new Worker(INDEX_WORKER, { workerData });
    this.worker.on('message', (message: WorkerToHost) => {
      if (message.type === 'state') this.state = message.state;
      else if (message.type === 'progress') this.progress = message.progress;
      else if (message.type === 'response') {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.ok) pending?.resolve(message.result);
        else pending?.reject(new Error(`${message.error.kind}/${message.error.reason}: ${message.error.message}`));
      }
    });
    this.worker.on('error', (error) => this.failAll(error));
    // A worker that stops (out of memory, a crash) answers nothing more: fail what waits instead of hanging.
    this.worker.on('exit', (code) => this.failAll(new Error(`the index worker stopped (exit code ${code})`)));
  }

  request<K extends WorkerRequestType>(kind: K, params: WorkerRequests[K]['params']): Promise<WorkerRequests[K]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: (value) => resolve(value as WorkerRequests[K]['result']), reject });
      this.worker.postMessage({ type: 'request', id, kind, params } as HostToWorker);
    });
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/** Resident memory from /proc/self/status (Linux): anonymous (heaps, malloc) and file-backed (mapped files). */
function residentMemory(): { anonymous: number; file: number } | undefined {
  let status: string;
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return undefined;
  }
  const kilobytes = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { anonymous: kilobytes('RssAnon'), file: kilobytes('RssFile') };
}

/** Peaks of sampled values; a worker's heap is asked for asynchronously, one question at a time. */
class MemorySampler {
  peakMainHeap = 0;
  peakWorkerHeap = 0;
  /** Undefined where /proc is not there to read. */
  peakAnonymous: number | undefined;
  peakFileBacked: number | undefined;
  private asking = false;
  private readonly timer: NodeJS.Timeout;

  constructor(worker: Worker) {
    this.timer = setInterval(() => {
      this.peakMainHeap = Math.max(this.peakMainHeap, process.memoryUsage().heapUsed);
      const resident = residentMemory();
      if (resident) {
        this.peakAnonymous = Math.max(this.peakAnonymous ?? 0, resident.anonymous);
        this.peakFileBacked = Math.max(this.peakFileBacked ?? 0, resident.file);
      }
      if (this.asking) return;
      this.asking = true;
      worker.getHeapStatistics().then(
        (statistics) => {
          this.peakWorkerHeap = Math.max(this.peakWorkerHeap, statistics.used_heap_size);
          this.asking = false;
        },
        // The worker is starting or gone; the next tick asks again.
        () => (this.asking = false),
      );
    }, SAMPLE_MS);
  }

  peaks(): MemoryPeaks {
    return { mainHeap: this.peakMainHeap, workerHeap: this.peakWorkerHeap, anonymous: this.peakAnonymous, fileBacked: this.peakFileBacked };
  }

  /** Starts the peaks again, for the next phase. */
  reset(): void {
    this.peakMainHeap = 0;
    this.peakWorkerHeap = 0;
    this.peakAnonymous = undefined;
    this.peakFileBacked = undefined;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * The histogram records the time between its timer's turns, which is the resolution when the loop is
 * idle: what exceeds the resolution is the lag a callback queued on this thread would have felt.
 */
function lagMs(nanoseconds: number): number {
  return Math.max(0, nanoseconds / 1e6 - LAG_RESOLUTION_MS);
}

function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

/** Queries phrased like the synthetic doc comments, drawn with the workspace's seed. */
function queries(count: number, seed: number): string[] {
  const next = seededRandom(seed);
  const pick = (words: string[]) => words[Math.floor(next() * words.length)]!;
  return Array.from({ length: count }, () => `${pick(['sort', 'parse', 'retry', 'validate', 'cache', 'render'])} the ${pick(['user', 'invoice', 'payment', 'session', 'token'])} ${pick(['total', 'status', 'owner', 'price'])}`);
}

/** Indexes one workspace through the index worker and measures it (runs in its own process). */
async function measure(workspace: string, files: number): Promise<LoadFigures> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'semsearch-load-'));
  const databasePath = path.join(scratch, 'index.db');
  // From source, the chunker finds its grammars in node_modules; a bundle would pass wasmDirectory.
  const client = new IndexWorkerClient({ embeddingWorkerScript: EMBEDDING_WORKER });
  const sampler = new MemorySampler(client.worker);
  const delay = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  try {
    const settings: ServiceSettings = {
      modelDirectory: path.join(ROOT, 'models', options.model),
      quantization: options.quantization as Quantization,
      device: 'cpu',
      threads: Number(options.threads),
      discovery: { include: [], exclude: [], useGitIgnore: true },
      chunking: {},
      search: { k: 10, mode: 'hybrid', weights: { dense: undefined, lexical: 1 } },
    };
    const key = 'file:///load';
    await client.request('configure', { settings, folders: [{ key, name: 'load', root: workspace, databasePath }] });

    const lag = (): Lag => ({ p50: lagMs(delay.percentile(50)), p99: lagMs(delay.percentile(99)), max: lagMs(delay.max) });
    delay.enable();
    await sleep(IDLE_MS);
    delay.disable();
    const idleLag = lag();
    delay.reset();
    sampler.reset();
    delay.enable();
    const started = performance.now();
    let indexing = true;
    const indexed = client.request('index', {}).finally(() => (indexing = false));
    const reporter = setInterval(() => {
      const progress = client.progress;
      // Peaks so far next to the progress: a long run shows how memory follows the files indexed.
      const peaks = sampler.peaks();
      if (progress) {
        console.error(
          `  ${((performance.now() - started) / 1000).toFixed(0)} s: ${progress.phase}, ${progress.filesScanned} scanned, ${progress.filesIndexed}/${progress.filesToIndex} files, ${progress.chunksEmbedded}/${progress.chunksToEmbed} chunks; ` +
            `peak anonymous ${optionalMegabytes(peaks.anonymous)}, file-backed ${optionalMegabytes(peaks.fileBacked)}, worker heap ${megabytes(peaks.workerHeap)}`,
        );
      }
    }, 30_000);
    // Search while the index fills, as a user would: often until the first result, then now and then.
    let firstResultMs: number | undefined;
    const whileIndexing: number[] = [];
    const searching = (async () => {
      while (indexing) {
        const sent = performance.now();
        const response = await client.request('search', { query: WHILE_INDEXING_QUERY, options: { k: 10 } });
        if (!indexing) break;
        whileIndexing.push(performance.now() - sent);
        if (firstResultMs === undefined && response.hits.length > 0) firstResultMs = performance.now() - started;
        // Rarely once found: on a large index each search costs the worker time it would spend indexing.
        await sleep(firstResultMs === undefined ? 100 : 10_000);
      }
    })();
    await indexed;
    const wallMs = performance.now() - started;
    clearInterval(reporter);
    await searching;
    delay.disable();
    const indexingPhase = { memory: sampler.peaks(), lag: lag() };
    const run = client.state?.folders[0]?.lastRun;
    if (!run) throw new Error('the index worker reported no finished run');

    sampler.reset();
    delay.reset();
    delay.enable();
    const unchangedStarted = performance.now();
    await client.request('index', {});
    const unchanged = { wallMs: performance.now() - unchangedStarted, memory: sampler.peaks(), lag: lag() };
    delay.disable();
    sampler.stop();

    const [details] = await client.request('details', {});
    const status = details!.status!;
    const latencies: number[] = [];
    for (const query of queries(Number(options.queries), Number(options.seed))) {
      const sent = performance.now();
      await client.request('search', { query, options: { k: 10 } });
      latencies.push(performance.now() - sent);
    }
    return {
      files,
      filesIndexed: run.filesIndexed,
      failures: run.failures,
      chunks: status.chunks,
      chunksEmbedded: run.chunksEmbedded,
      ignoredFolders: status.skips.find((skip) => skip.reason === 'ignored')?.count ?? 0,
      wallMs,
      filesPerSecond: run.filesIndexed / (wallMs / 1000),
      chunksPerSecond: run.chunksEmbedded / (wallMs / 1000),
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      idleLag,
      indexing: indexingPhase,
      unchanged,
      firstResultMs,
      searchWhileIndexing: { count: whileIndexing.length, p50: whileIndexing.length > 0 ? percentile(whileIndexing, 0.5) : undefined, max: whileIndexing.length > 0 ? Math.max(...whileIndexing) : undefined },
      search: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95) },
      databaseBytes: status.databaseBytes,
    };
  } finally {
    sampler.stop();
    await client.worker.terminate();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The cached workspace for a size and seed, generated on first use. */
function ensureWorkspace(files: number, seed: number): string {
  const workspace = path.join(options.cache, `files-${files}-seed-${seed}`);
  // Written last, outside the workspace, so a generation cut short is started again.
  const marker = `${workspace}.complete`;
  if (existsSync(marker)) return workspace;
  rmSync(workspace, { recursive: true, force: true });
  mkdirSync(workspace, { recursive: true });
  const started = performance.now();
  console.error(`generating ${files.toLocaleString('en')} files in ${path.relative(process.cwd(), workspace)}`);
  const { ignoredFiles } = writeSyntheticWorkspace(workspace, { files, seed, onProgress: (written) => console.error(`  ${written.toLocaleString('en')} written`) });
  writeFileSync(marker, JSON.stringify({ files, seed, ignoredFiles }));
  console.error(`  done in ${((performance.now() - started) / 1000).toFixed(0)} s (${ignoredFiles} ignored build files besides)`);
  return workspace;
}

const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const optionalMegabytes = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : megabytes(bytes));
const lagText = (lag: Lag) => `${milliseconds(lag.p50)} / ${milliseconds(lag.p99)} / ${milliseconds(lag.max)}`;
const milliseconds = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(1)} ms`);

function printTable(rows: readonly LoadFigures[]): void {
  console.log(`bench/load: ${options.model} (${options.quantization}), ${options.threads} inference thread(s), seed ${options.seed}, through the index worker\n`);
  const line = (label: string, value: (row: LoadFigures) => string) => console.log(`| ${label} | ${rows.map(value).join(' | ')} |`);
  line('files in the workspace', (row) => row.files.toLocaleString('en'));
  console.log(`|${'---|'.repeat(rows.length + 1)}`);
  line('files indexed / failed / chunks stored', (row) => `${row.filesIndexed.toLocaleString('en')} / ${row.failures} / ${row.chunks.toLocaleString('en')}`);
  line('ignored folders skipped', (row) => row.ignoredFolders.toLocaleString('en'));
  line('wall time', (row) => `${(row.wallMs / 1000).toFixed(0)} s`);
  line('files/s', (row) => row.filesPerSecond.toFixed(0));
  line('chunks embedded/s', (row) => row.chunksPerSecond.toFixed(0));
  line('peak RSS, whole process and run', (row) => megabytes(row.peakRssBytes));
  line('peak resident anonymous / file-backed', (row) => `${optionalMegabytes(row.indexing.memory.anonymous)} / ${optionalMegabytes(row.indexing.memory.fileBacked)}`);
  line('peak heap, main thread', (row) => megabytes(row.indexing.memory.mainHeap));
  line('peak heap, index worker', (row) => megabytes(row.indexing.memory.workerHeap));
  line('main thread event-loop lag p50 / p99 / max', (row) => lagText(row.indexing.lag));
  line('the same, idle before indexing (machine load)', (row) => lagText(row.idleLag));
  line('first search result while indexing', (row) => (row.firstResultMs === undefined ? 'none' : `${(row.firstResultMs / 1000).toFixed(1)} s`));
  line('search while indexing p50 / max', (row) => `${milliseconds(row.searchWhileIndexing.p50)} / ${milliseconds(row.searchWhileIndexing.max)} (${row.searchWhileIndexing.count})`);
  line('search on the finished index p50 / p95', (row) => `${milliseconds(row.search.p50)} / ${milliseconds(row.search.p95)}`);
  line('database size', (row) => megabytes(row.databaseBytes));
  line('**unchanged re-run** wall time', (row) => `${(row.unchanged.wallMs / 1000).toFixed(1)} s`);
  line('re-run peak heap, index worker', (row) => megabytes(row.unchanged.memory.workerHeap));
  line('re-run peak resident anonymous', (row) => optionalMegabytes(row.unchanged.memory.anonymous));
  line('re-run main thread lag p50 / p99 / max', (row) => lagText(row.unchanged.lag));
  console.log('\nFirst rows: indexing from nothing. The embedding worker runs inside the index worker; its heap counts in the resident\nfigures, not in either heap column. File-backed memory is database pages read through mmap, which the kernel can drop.');
}

if (options.measure) {
  console.log(JSON.stringify(await measure(options.measure, Number(options.files))));
} else {
  const seed = Number(options.seed);
  const rows: LoadFigures[] = [];
  for (const files of options.files.split(',').map(Number)) {
    const workspace = ensureWorkspace(files, seed);
    console.error(`indexing ${files.toLocaleString('en')} files`);
    const forwarded = ['--files', String(files), '--seed', options.seed, '--model', options.model, '--quantization', options.quantization, '--threads', options.threads, '--queries', options.queries];
    const child = spawnSync(process.execPath, [import.meta.filename, '--measure', workspace, ...forwarded], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    if (child.status !== 0) throw new Error(`measuring ${files} files failed (exit ${child.status}); its output is above`);
    const row = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as LoadFigures;
    // Each size's figures as soon as they are in: a long series stopped half-way keeps what it measured.
    console.error(JSON.stringify(row));
    rows.push(row);
  }
  if (options.json) console.log(JSON.stringify(rows, null, 2));
  else printTable(rows);
}
