// Where the calling thread's time goes while some work runs: a CPU profile of this thread (the V8
// inspector, as `node --cpu-prof` takes it), each sample charged to the first frame from the top of
// the stack that is this project's or a package's code (native and `node:` frames count for their
// caller: a SQLite step for the store module that ran it, a file read for the walk), grouped by area.
// The embedding worker is another thread and is not in it; its share shows as waiting when the
// indexer waits for vectors.
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
  /** Milliseconds of this thread by area, largest first; `waiting` is idle time (the worker, the disk). */
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
      if (id === leaf && functionName === '(idle)') area = 'waiting (idle: the embedding worker, the disk)';
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
