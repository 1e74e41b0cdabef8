// bench/migration: a model change on a real repository, as the extension's index worker runs it. It
// indexes with one model, changes to another while a stream of searches keeps going, and measures:
// the shadow build, search latency before and during it (and whether any search failed or mixed two
// vector spaces), the migration report, cutover and rollback times, and migrating back (which reuses
// the retained index).
//
//   node bench/migration.ts [--corpus DIR] [--from use-lite] [--to glove-100d] [--quantization int8]
//
// The corpus defaults to ../shared/eval/sets/code-gin/corpus-stripped (the Gin web framework).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { WorkspaceService, type ServiceSettings } from '../extension/core/service/workspace-service.ts';
import type { Quantization } from '../extension/core/model/fingerprint.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: options } = parseArgs({
  options: {
    corpus: { type: 'string', default: path.resolve(ROOT, '..', 'shared', 'eval', 'sets', 'code-gin', 'corpus-stripped') },
    from: { type: 'string', default: 'use-lite' },
    to: { type: 'string', default: 'glove-100d' },
    quantization: { type: 'string', default: 'int8' },
    threads: { type: 'string', default: '2' },
  },
});
if (!existsSync(options.corpus)) throw new Error(`corpus ${options.corpus} not found; pass --corpus`);

const QUERIES = ['render a JSON response', 'parse the query string', 'bind form data to a struct', 'middleware that recovers from panics', 'serve static files', 'route group with a prefix', 'read a cookie', 'redirect to another URL'];
const scratch = mkdtempSync(path.join(os.tmpdir(), 'semsearch-migration-bench-'));
const folders = [{ key: 'corpus', name: path.basename(path.dirname(options.corpus)), root: options.corpus, databasePath: path.join(scratch, 'index.db') }];

function settings(model: string): ServiceSettings {
  return {
    modelDirectory: path.join(ROOT, 'models', model),
    quantization: options.quantization as Quantization,
    device: 'cpu',
    threads: Number(options.threads),
    discovery: { include: [], exclude: [] },
    chunking: {},
    search: { k: 10, mode: 'hybrid', weights: { dense: 1, lexical: 1 } },
    // The cutover is timed on its own below.
    migration: { autoCutover: false, qualityMargin: 0.05, retentionDays: 7 },
  };
}

function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

/** Searches one after another until stopped; records latency, failures and spaces answered from. */
function searchStream(service: WorkspaceService) {
  const latencies: number[] = [];
  const failures: string[] = [];
  const spacesSeen = new Set<string>();
  let mixed = 0;
  let stopped = false;
  const done = (async () => {
    for (let turn = 0; !stopped; turn++) {
      const started = performance.now();
      try {
        const response = await service.search(QUERIES[turn % QUERIES.length]!, {});
        latencies.push(performance.now() - started);
        // One folder: an answer from more than one vector space would be a mix.
        if (new Set(response.spaces.map((space) => space.id)).size > 1) mixed += 1;
        for (const space of response.spaces) spacesSeen.add(space.modelId);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      return { latencies, failures, mixed, spacesSeen: [...spacesSeen] };
    },
  };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const service = new WorkspaceService({ onState: () => undefined, onProgress: () => undefined, log: () => undefined });
try {
  await service.configure(settings(options.from), folders);
  let started = performance.now();
  await service.index();
  const firstIndex = (performance.now() - started) / 1000;
  const chunks = service.details()[0]?.status?.chunks ?? 0;

  const before = searchStream(service);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idle = await before.stop();

  await service.configure(settings(options.to), folders);
  const during = searchStream(service);
  started = performance.now();
  await service.index();
  const shadowBuild = (performance.now() - started) / 1000;
  const streamed = await during.stop();
  const waiting = service.state().folders[0]!.migration;

  started = performance.now();
  const reports = await service.migrationReports({ refresh: true });
  if (reports.length === 0) throw new Error('no migration to report on');
  const { report } = reports[0]!;
  const reportSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  await service.cutOver();
  const cutoverMs = performance.now() - started;
  const afterCutover = await service.search(QUERIES[0]!, {});

  started = performance.now();
  await service.rollBack();
  const rollbackMs = performance.now() - started;
  const afterRollback = await service.search(QUERIES[0]!, {});

  // Changing to the new model again finds its retained index complete: no re-embedding.
  await service.configure(settings(options.to), folders);
  started = performance.now();
  await service.index();
  const again = (performance.now() - started) / 1000;
  const embeddedAgain = service.state().folders[0]!.lastRun?.chunksEmbedded;

  const quality = report.quality;
  const thresholds = (side: typeof report.thresholds.to | undefined) => (!side ? '-' : 'unavailable' in side ? `unavailable (${side.unavailable})` : `similar ${side.similar.value.toFixed(3)}, duplicate ${side.duplicate.value.toFixed(3)}`);
  console.log(`corpus ${options.corpus} (${chunks} chunks), ${options.from} → ${options.to}, ${options.quantization}, ${options.threads} threads`);
  console.log(`first index (${options.from})              ${firstIndex.toFixed(1)} s`);
  console.log(`shadow build (${options.to})               ${shadowBuild.toFixed(1)} s; then: ${waiting?.phase} (${waiting?.decisionReason ?? 'no decision needed'})`);
  console.log(`searches before                       ${idle.latencies.length}, p50 ${ms(percentile(idle.latencies, 0.5))}, p95 ${ms(percentile(idle.latencies, 0.95))}`);
  console.log(`searches during the shadow build      ${streamed.latencies.length}, p50 ${ms(percentile(streamed.latencies, 0.5))}, p95 ${ms(percentile(streamed.latencies, 0.95))}; failed ${streamed.failures.length}; mixed spaces ${streamed.mixed}; answered by ${streamed.spacesSeen.join(', ')}`);
  console.log(`migration report                      ${reportSeconds.toFixed(1)} s: ${report.queries.recent} recent + ${report.queries.selfSupervised} doc-comment queries`);
  console.log(`  top-10 overlap                      mean ${report.overlap?.mean.toFixed(3) ?? '-'}, lowest ${report.overlap?.min.toFixed(3) ?? '-'}`);
  console.log(`  Recall@10 old → new                 ${quality?.from?.recallAt10.toFixed(3) ?? '-'} → ${quality?.to.recallAt10.toFixed(3) ?? '-'}`);
  console.log(`  MRR@10 old → new                    ${quality?.from?.mrrAt10.toFixed(3) ?? '-'} → ${quality?.to.mrrAt10.toFixed(3) ?? '-'}`);
  console.log(`  thresholds old                      ${thresholds(report.thresholds.from)}`);
  console.log(`  thresholds new                      ${thresholds(report.thresholds.to)}`);
  console.log(`cutover                               ${ms(cutoverMs)} (then answered by ${afterCutover.spaces.map((space) => space.modelId).join(', ')})`);
  console.log(`rollback                              ${ms(rollbackMs)} (then answered by ${afterRollback.spaces.map((space) => space.modelId).join(', ')})`);
  console.log(`migrating to ${options.to} again            ${again.toFixed(1)} s, ${embeddedAgain ?? 0} chunks embedded (the retained index is reused)`);
} finally {
  await service.dispose();
  rmSync(scratch, { recursive: true, force: true });
}
