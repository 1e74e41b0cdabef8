// bench/ranking-speed: what the ranking stage costs per query on an index of 100,000 chunks. The stage sees the
// fused pool only (up to RANKING_POOL candidates, three lists of up to 100), so the index's size reaches it through
// the pool's paths, names and word frequencies: the pools here are drawn from 100,000 synthetic chunks in 2,000
// files of realistic paths and names, with the bundled weights.
//
//   node bench/ranking-speed.ts [--chunks 100000] [--queries 2000]
import { parseArgs } from 'node:util';
import { RANKING_POOL, rerank } from '../extension/core/search/ranking/rerank.ts';
import type { RankedChunk } from '../extension/core/search/results.ts';
import type { StoredChunk } from '../extension/core/store/index-store.ts';

const { values } = parseArgs({ options: { chunks: { type: 'string', default: '100000' }, queries: { type: 'string', default: '2000' } } });
const chunkCount = Number(values.chunks);
const queryCount = Number(values.queries);

let seed = 12345;
const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const WORDS = 'request response router route handler middleware session config context logger stream format parse render template client server error retry cache token user query field value option command flag completion schema model record'.split(' ');
const FOLDERS = ['src', 'lib', 'internal', 'pkg', 'handlers', 'routing', 'extract', 'tests', 'examples', 'vendor', 'docs', 'core', 'util'];
const KINDS = ['function', 'method', 'class', 'statements', 'interface', 'section'];
const identifier = () => `${pick(WORDS)}${pick(WORDS).replace(/^./, (letter) => letter.toUpperCase())}`;

const FILES = Math.max(1, Math.round(chunkCount / 50));
const paths = Array.from({ length: FILES }, () => `${pick(FOLDERS)}/${pick(FOLDERS)}/${identifier()}.${pick(['go', 'ts', 'py', 'rs'])}`);
const chunks: StoredChunk[] = Array.from({ length: chunkCount }, (_, id) => {
  const kind = pick(KINDS);
  const startLine = 1 + Math.floor(random() * 2000);
  return {
    id, path: paths[id % FILES]!, chunker: 'bench', contentHash: String(id), startLine, endLine: startLine + Math.floor(random() * 60), language: 'go', kind,
    symbol: kind === 'statements' ? undefined : identifier(), scope: random() < 0.5 ? [identifier()] : [], signature: undefined, docComment: undefined,
    part: random() < 0.2 ? { index: Math.floor(random() * 3), count: 3 } : undefined, text: '', lexicalEndLine: undefined,
    definition: kind === 'statements' ? undefined : { startLine, line: startLine, headEndLine: kind === 'class' && random() < 0.5 ? startLine + 5 : undefined },
  };
});

/** A pool as fusion gives it: up to three lists of 100, overlapping, clustered in files. */
function pool(): RankedChunk[] {
  const chosen = new Map<number, RankedChunk>();
  for (let position = 0; chosen.size < RANKING_POOL && position < RANKING_POOL * 2; position++) {
    // Half the candidates come from files already in the pool, as real lists cluster.
    const existing = [...chosen.values()];
    const chunk = existing.length > 0 && random() < 0.5 ? chunks[(pick(existing).chunk.id + 1 + Math.floor(random() * 3) * FILES) % chunkCount]! : chunks[Math.floor(random() * chunkCount)]!;
    if (chosen.has(chunk.id)) continue;
    const lexical = random() < 0.8 ? position : undefined;
    chosen.set(chunk.id, { folder: '', chunk, dense: random() < 0.5 ? 0.8 - position / 1000 : undefined, lexical: lexical === undefined ? undefined : 20 - position / 20, fused: 1 / (61 + position), relevance: 0, ranks: { lexical, symbol: random() < 0.1 ? position : undefined } });
  }
  return [...chosen.values()];
}

const queries = Array.from({ length: queryCount }, (_, index) => (index % 3 === 0 ? identifier() : `how does the ${pick(WORDS)} ${pick(WORDS)} handle ${pick(WORDS)}`));
const wordFrequencies = { frequencies: new Map(WORDS.map((word) => [word, Math.floor(random() * chunkCount * 0.1)])), documents: chunkCount };
// Warm up: the first calls compile the code paths.
for (let index = 0; index < 50; index++) rerank(queries[index % queryCount]!, pool(), { wordFrequencies });
// Each pool is made just before it is ranked, as a search makes it, so the timings do not pay for keeping
// thousands of pools alive.
// CPU time is reported too: on a busy machine the wall clock also counts time the process was not running.
const times: number[] = [];
let cpuMicroseconds = 0;
for (let index = 0; index < queryCount; index++) {
  const candidates = pool();
  const cpu = process.cpuUsage();
  const started = performance.now();
  rerank(queries[index]!, candidates, { wordFrequencies });
  times.push(performance.now() - started);
  const used = process.cpuUsage(cpu);
  cpuMicroseconds += used.user + used.system;
}
times.sort((a, b) => a - b);
const percentile = (share: number) => times[Math.min(times.length - 1, Math.floor(share * times.length))]!;
const mean = times.reduce((sum, time) => sum + time, 0) / times.length;
process.stdout.write(
  `ranking stage, ${chunkCount.toLocaleString('en')} chunks in ${FILES.toLocaleString('en')} files, pools of ${RANKING_POOL} candidates, ${queryCount} queries:\n` +
    `  mean ${mean.toFixed(2)} ms, p50 ${percentile(0.5).toFixed(2)} ms, p95 ${percentile(0.95).toFixed(2)} ms, max ${times.at(-1)!.toFixed(2)} ms; CPU time ${(cpuMicroseconds / 1000 / queryCount).toFixed(2)} ms a query (budget: 5 ms)\n`,
);
