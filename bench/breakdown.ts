// Where the calling thread's time goes while some work runs: a CPU profile of this thread (the V8
// inspector, as `node --cpu-prof` takes it), each sample charged to the first frame from the top of
// the stack that is this project's or a package's code (native and `node:` frames count for their
// caller: a SQLite step for the store module that ran it, a file read for the walk), grouped by area.
// The chunking and embedding workers are other threads and are not in it; their share shows as waiting
// when the indexer waits for chunks or vectors (`threadCpuSeconds` below gives each thread's CPU time).
import { readdirSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Areas, in the order they are tested against a frame's URL. */
const AREAS: [string, (url: string) => boolean][] = [
  ['tree-sitter (parse, queries)', (url) => url.includes('web-tree-sitter') || url.startsWith('wasm://')],
  ['tokenizer (chunk sizes)', (url) => url.includes('@huggingface/tokenizers') || url.endsWith('/embedding/tokenization.ts') || url.endsWith('/training/tokenizer.ts')],
  ['lexical text (FTS rows)', (url) => url.includes('/core/text/') || url.includes('/stemmer/')],
  ['SQLite and store code', (url) => url.includes('better-sqlite3') || url.includes('/core/store/')],
  ['chunking (drafts, splits, relations)', (url) => url.includes('/core/chunking/')],
  ['walk and file reads', (url) => url.includes('/core/discovery/')],
  ['indexer (hashes, queue, progress)', (url) => url.includes('/core/indexing/')],
  ['embedding client (messages to the worker)', (url) => url.includes('/core/embedding/')],
];

export interface Breakdown {
  /** Milliseconds of this thread by area, largest first; `waiting` is idle time (the workers, the disk). */
  areas: { area: string; milliseconds: number }[];
  totalMilliseconds: number;
}

/** Runs `work` under this thread's CPU profiler and returns its result and the time by area. */
export async function profileBreakdown<T>(work: () => Promise<T>): Promise<{ result: T; breakdown: Breakdown }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  try {
    const result = await work();
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    return { result, breakdown: breakdownOf(profile) };
  } finally {
    session.disconnect();
  }
}

function breakdownOf(profile: Profile): Breakdown {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const areaOfNode = new Map<number, string>();
  const areaOf = (leaf: number): string => {
    const known = areaOfNode.get(leaf);
    if (known !== undefined) return known;
    let area: string | undefined;
    for (let id: number | undefined = leaf; id !== undefined && area === undefined; id = parent.get(id)) {
      const { url, functionName } = byId.get(id)!.callFrame;
      if (id === leaf && functionName === '(idle)') area = 'waiting (idle: the chunking and embedding workers, the disk)';
      else if (id === leaf && functionName === '(garbage collector)') area = 'garbage collection';
      else if (url !== '' && !url.startsWith('node:')) area = AREAS.find(([, matches]) => matches(url))?.[0] ?? 'other';
    }
    area ??= 'other';
    areaOfNode.set(leaf, area);
    return area;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((sample, index) => {
    const area = areaOf(sample);
    totals.set(area, (totals.get(area) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  const areas = [...totals].map(([area, milliseconds]) => ({ area, milliseconds })).sort((a, b) => b.milliseconds - a.milliseconds);
  return { areas, totalMilliseconds: areas.reduce((sum, entry) => sum + entry.milliseconds, 0) };
}

/** CPU seconds each thread of this process has used so far, by thread id, with its name (Linux; empty elsewhere). */
export function threadCpuSeconds(): Map<number, { name: string; seconds: number }> {
  const threads = new Map<number, { name: string; seconds: number }>();
  let ids: string[];
  try {
    ids = readdirSync('/proc/self/task');
  } catch {
    return threads;
  }
  const ticksPerSecond = 100; // USER_HZ, 100 on Linux
  for (const id of ids) {
    try {
      const stat = readFileSync(`/proc/self/task/${id}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields 14 and 15 of stat (utime, stime), counted from the state field (3).
      threads.set(Number(id), { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), seconds: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond });
    } catch {
      // The thread ended meanwhile.
    }
  }
  return threads;
}

/**
 * CPU seconds by thread between two `threadCpuSeconds` snapshots: this (indexing) thread, each worker thread
 * (named by `workerNames` in the order they started: Node names them all `WorkerThread`), and V8's helper
 * threads (garbage collection, compilation) together.
 */
export function threadCpuBetween(before: Map<number, { name: string; seconds: number }>, after: Map<number, { name: string; seconds: number }>, workerNames: readonly string[]): { thread: string; seconds: number }[] {
  const rows: { thread: string; seconds: number }[] = [];
  let helpers = 0;
  let other = 0;
  const workers = [...after].filter(([, thread]) => thread.name === 'WorkerThread').sort((a, b) => a[0] - b[0]);
  for (const [id, thread] of after) {
    const seconds = thread.seconds - (before.get(id)?.seconds ?? 0);
    if (id === process.pid) rows.push({ thread: 'indexing thread (main)', seconds });
    else if (thread.name === 'WorkerThread') {
      const order = workers.findIndex(([workerId]) => workerId === id);
      rows.push({ thread: workerNames[order] ?? `worker ${order + 1}`, seconds });
    } else if (thread.name.startsWith('V8')) helpers += seconds;
    else other += seconds;
  }
  rows.push({ thread: "V8's helper threads (GC, compiler)", seconds: helpers }, { thread: 'other threads (libuv, I/O)', seconds: other });
  return rows.filter((row) => row.seconds > 0);
}
