// bench/embed: embedding throughput of each offline model and quantization, at realistic chunk
// lengths and batch sizes 1, 8 and 32, with session load time and peak memory.
//
//   node bench/embed.ts [--threads N] [--chunks N] [--device cpu|auto|gpu] [--models use-lite,glove-100d]
//                       [--quantizations fp32,int8]
//
// Each configuration runs in its own process so its peak memory is its own. Chunks are 30-line
// windows of this repository's TypeScript sources: real code, as the indexer would send it.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { realisticChunks } from './realistic-chunks.ts';
import { EmbeddingRuntime } from '../extension/core/embedding/runtime.ts';
import type { DeviceSetting } from '../extension/core/embedding/providers.ts';
import type { Quantization } from '../extension/core/model/fingerprint.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: options } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    chunks: { type: 'string', default: '256' },
    device: { type: 'string', default: 'cpu' },
    models: { type: 'string', default: 'use-lite,glove-100d' },
    quantizations: { type: 'string', default: 'fp32,int8' },
    one: { type: 'string' },
  },
});


interface Measurement {
  model: string;
  quantization: Quantization;
  provider: string;
  loadMilliseconds: number;
  meanTokens: number;
  truncatedShare: number;
  chunksPerSecond: Record<number, number>;
  peakRssMegabytes: number;
}

async function measureOne(model: string, quantization: Quantization): Promise<Measurement> {
  const chunks = realisticChunks(Number(options.chunks));
  const loadStarted = performance.now();
  const runtime = await EmbeddingRuntime.load({
    modelDirectory: path.join(ROOT, 'models', model),
    quantization,
    device: options.device as DeviceSetting,
    threads: Number(options.threads),
    maxBatchTokens: 1 << 20,
  });
  const loadMilliseconds = performance.now() - loadStarted;
  const counts = await runtime.countTokens(chunks);
  const window = runtime.info.manifest.maxTokens;
  const chunksPerSecond: Record<number, number> = {};
  let truncated = 0;
  for (const batchSize of [1, 8, 32]) {
    // Warm up each batch shape once; onnxruntime pays for a new input shape on first use.
    await runtime.embed(chunks.slice(0, batchSize), 'document');
    const started = performance.now();
    for (let start = 0; start < chunks.length; start += batchSize) {
      const result = await runtime.embed(chunks.slice(start, start + batchSize), 'document');
      if (batchSize === 1) truncated += result.truncations.length;
    }
    chunksPerSecond[batchSize] = chunks.length / ((performance.now() - started) / 1000);
  }
  const provider = runtime.info.provider;
  await runtime.dispose();
  return {
    model,
    quantization,
    provider,
    loadMilliseconds,
    meanTokens: counts.reduce((sum, count) => sum + Math.min(count, window), 0) / counts.length,
    truncatedShare: truncated / chunks.length,
    chunksPerSecond,
    // maxRSS covers the whole process, the worker thread included.
    peakRssMegabytes: process.resourceUsage().maxRSS / 1024,
  };
}

if (options.one) {
  const [model, quantization] = options.one.split(':') as [string, Quantization];
  console.log(JSON.stringify(await measureOne(model, quantization)));
} else {
  const rows: Measurement[] = [];
  for (const model of options.models.split(',')) {
    for (const quantization of options.quantizations.split(',') as Quantization[]) {
      const output = execFileSync(
        process.execPath,
        [import.meta.filename, '--one', `${model}:${quantization}`, '--threads', options.threads, '--chunks', options.chunks, '--device', options.device],
        { encoding: 'utf8' },
      );
      rows.push(JSON.parse(output.trim().split('\n').pop()!) as Measurement);
    }
  }
  console.log(`bench/embed: ${options.chunks} chunks (30-line windows of real code), ${options.threads} threads, device ${options.device}\n`);
  console.log('| model | quant | provider | load ms | tokens/chunk (cut share) | batch 1 /s | batch 8 /s | batch 32 /s | peak RSS MB |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    const rate = (batch: number) => row.chunksPerSecond[batch]!.toFixed(1);
    console.log(
      `| ${row.model} | ${row.quantization} | ${row.provider} | ${row.loadMilliseconds.toFixed(0)} | ${row.meanTokens.toFixed(0)} (${(row.truncatedShare * 100).toFixed(0)}%) | ${rate(1)} | ${rate(8)} | ${rate(32)} | ${row.peakRssMegabytes.toFixed(0)} |`,
    );
  }
}
