// Trains the ranking stage's weights from scratch, in one command (`npm run train-ranker`):
//   1. fetch the pinned training repositories of manifest.json (npm pack / apt-get download; cached),
//   2. build self-supervised queries and the stripped copies, index them, and take each query's candidate pool
//      as the product fuses it (build-pools.ts; cached per repository),
//   3. fit one weight vector per query shape on the features kept in features.json (fit.ts), after checking it
//      on repositories held out of the fit,
//   4. write extension/core/search/ranking/weights.json, which the core loads.
//
//   node training/ranker/train.ts [--cache DIR] [--out FILE] [--check-only] [--packages a,b (a quick run on some)]
//
// The cache defaults to <user cache>/semantic-code-search/ranker-training. Nothing from ../shared/eval is read.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cacheDirectory } from '../../extension/core/folder-index.ts';
import { DEFAULT_MODEL_ID } from '../../extension/core/model/catalog.ts';
import { FEATURE_VERSION, type RankerWeights } from '../../extension/core/search/ranking/model.ts';
import type { FeatureName } from '../../extension/core/search/ranking/features.ts';
import type { QueryShape } from '../../extension/core/search/ranking/query-shape.ts';
import { buildPools } from './build-pools.ts';
import { fetchSources, readManifest } from './fetch.ts';
import { fitShape, type FitOptions } from './fit.ts';
import { countBy, parsePool, type QueryPool } from './pools.ts';
import { poolMetrics } from './metrics.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** Every fifth repository of the manifest is held out of the first fit, to check the weights on unseen code. */
const HOLD_OUT_EVERY = 5;

/** The features each shape's model uses: the ones the dev sets kept (see ranking/README.md). */
export function keptFeatures(file = path.join(import.meta.dirname, 'features.json')): Record<QueryShape, FeatureName[]> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<QueryShape, FeatureName[]>;
}

/** JSON with every array of plain values on one line: a tree's five arrays stay five lines, not hundreds. */
export function compactArrays(json: string): string {
  return json.replace(/\[\s*([^[\]{}]*?)\s*\]/g, (_, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`);
}

/** Reads the pools of the given files. */
export function readPools(files: readonly string[]): QueryPool[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(parsePool),
  );
}

/**
 * How each shape is fitted: both learn the file-repeat penalty (0 when it does not help the training queries);
 * sentences also grow boosted trees on the linear score, with each query weighed by its group's size to the power
 * -0.85 (heading and module queries are a tenth of the doc-comment ones: weighed per query the trees learn code
 * only, weighed per group they give up much of what the doc comments teach) and leaves of at least 100 units of
 * hessian, a few dozen queries' worth. The settings were chosen on the dev sets (ranking/README.md, ninth round).
 */
export const FIT_OPTIONS: Record<QueryShape, Omit<FitOptions, 'features'>> = {
  symbol: { fileRepeat: true },
  words: { fileRepeat: true, trees: { trees: 60, depth: 5, rate: 0.05, groupPower: 0.85, minHessian: 100 } },
};

/** Fits both shapes on the pools. */
export function fitWeights(pools: readonly QueryPool[], features: Record<QueryShape, readonly FeatureName[]>, options: Partial<Record<QueryShape, Omit<FitOptions, 'features'>>> = FIT_OPTIONS): RankerWeights['shapes'] {
  return {
    symbol: fitShape(pools.filter((pool) => pool.shape === 'symbol'), { ...options.symbol, features: features.symbol }),
    words: fitShape(pools.filter((pool) => pool.shape === 'words'), { ...options.words, features: features.words }),
  };
}

/** The pools of the training repositories, built when missing. */
export async function trainingPools(cache: string, log: (line: string) => void, only?: ReadonlySet<string>): Promise<{ pools: QueryPool[]; repositories: string[] }> {
  const packages = readManifest().filter((entry) => !only || only.has(entry.name));
  const sources = fetchSources(cache, packages, log);
  const files = await buildPools(cache, packages, sources, path.join(ROOT, 'models', DEFAULT_MODEL_ID), log);
  return { pools: readPools(files), repositories: packages.map((entry) => entry.name) };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      cache: { type: 'string', default: path.join(cacheDirectory(), 'semantic-code-search', 'ranker-training') },
      out: { type: 'string', default: path.join(ROOT, 'extension', 'core', 'search', 'ranking', 'weights.json') },
      'check-only': { type: 'boolean', default: false },
      packages: { type: 'string' },
    },
  });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const only = values.packages ? new Set(values.packages.split(',')) : undefined;
  const { pools, repositories } = await trainingPools(values.cache, log, only);
  const features = keptFeatures();
  const heldOut = new Set(repositories.filter((_, index) => index % HOLD_OUT_EVERY === 0));
  const isHeldOut = (pool: QueryPool) => heldOut.has(pool.id.split('/')[0]!);
  const check = fitWeights(pools.filter((pool) => !isHeldOut(pool)), features);
  const held = pools.filter(isHeldOut);
  const report = poolMetrics(held, { version: FEATURE_VERSION, shapes: check });
  log(`held out (${heldOut.size} repositories, ${held.length} queries), MRR@10 fused → ranked:`);
  for (const line of report.lines) log(`  ${line}`);
  if (!values['check-only']) {
    const shapes = fitWeights(pools, features);
    const counts = Object.fromEntries(countBy(pools, (pool) => `${pool.shape}/${pool.group}`));
    const weights: RankerWeights = {
      version: FEATURE_VERSION,
      shapes,
      training: {
        command: 'npm run train-ranker',
        repositories: repositories.length,
        queries: counts,
        heldOutCheck: report.summary,
      },
    };
    writeFileSync(values.out, `${compactArrays(JSON.stringify(weights, null, 2))}\n`);
    log(`wrote ${path.relative(ROOT, values.out)}`);
  }
}
