// bench/static-embed: bare embedding speed of the trained static model (code-static) in TypeScript, on one
// thread: chunks per second (30-line windows of this repository's sources, as bench/embed uses) and the
// time to embed one query. CPU time is printed next to wall time: on a shared machine the wall clock also
// counts other processes' turns. (`node bench/embed.ts --models code-static` measures it through onnxruntime.)
//
//   node bench/static-embed.ts [--chunks 20000] [--release training/release/code-static]
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { realisticChunks } from './realistic-chunks.ts';
import { readRelease } from '../extension/core/training/release.ts';
import { StaticEmbedder } from '../extension/core/training/static-embedder.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: options } = parseArgs({
  options: {
    chunks: { type: 'string', default: '20000' },
    release: { type: 'string', default: path.join(ROOT, 'training', 'release', 'code-static') },
  },
});


const embedder = StaticEmbedder.fromRelease(readRelease(options.release));
const chunks = realisticChunks(Number(options.chunks));
const distinct = new Set(chunks).size;
embedder.embed(chunks.slice(0, 2000)); // warm-up: JIT, and the word cache starts filling
const cpu = process.cpuUsage();
const started = performance.now();
embedder.embed(chunks);
const wall = (performance.now() - started) / 1000;
const cpuSeconds = process.cpuUsage(cpu).user / 1e6;
const characters = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
console.log(`chunks: ${chunks.length} (${distinct} distinct, mean ${(characters / chunks.length).toFixed(0)} characters)`);
console.log(`bare embedding, one thread: ${(chunks.length / wall).toFixed(0)} chunks/s wall, ${(chunks.length / cpuSeconds).toFixed(0)} chunks/s of CPU time`);

const queries = ['parse cookies from a header', 'read the config file', 'sort users by age', 'retry failed requests with backoff', 'how to render markdown to html'];
const times: number[] = [];
for (let round = 0; round < 200; round++) {
  for (const query of queries) {
    // A new object each time: the word cache is per word, so queries reuse it as a running index would.
    const start = performance.now();
    embedder.embed([`${query} ${round}`]);
    times.push(performance.now() - start);
  }
}
times.sort((a, b) => a - b);
console.log(`query embedding: p50 ${times[Math.floor(times.length / 2)]!.toFixed(3)} ms, p95 ${times[Math.floor(times.length * 0.95)]!.toFixed(3)} ms`);
