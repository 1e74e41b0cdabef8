// Training pools: for each repository of the manifest, the queries (queries.ts), an index of its stripped copy
// built by the product's indexer and chunker, and each query's candidate pool as the product fuses it (pools.ts),
// written to <cache>/pools/<name>.jsonl.
//
// The index is lexical: the bundled models' measured dense weight is 0 (model/hybrid-weights.ts), so their fused
// order is the lexical and identifier lists' order, and embedding some 50,000 training chunks with USE lite would
// take an hour on two cores. A stand-in embedder gives every chunk a cheap vector under a fingerprint of its own
// (so the index can never pass for a real USE lite one), while the chunker measures chunks with USE lite's real
// tokenizer, as the default index does.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EmbeddingRuntime } from '../../extension/core/embedding/runtime.ts';
import { FolderIndex } from '../../extension/core/folder-index.ts';
import type { ManifestPackage } from './fetch.ts';
import { countBy, queryPool, serializePool } from './pools.ts';
import { buildQueries, type TrainingQuery } from './queries.ts';

/** Bumped when queries, stripping or pools change meaning: cached pools of another version are built again. */
const POOLS_VERSION = 4;

/** A unit vector from a text's hash: cheap, deterministic, and meaningless (dense search is not trained on). */
function standInVector(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  const seed = createHash('sha256').update(text).digest();
  for (let index = 0; index < dimensions; index++) vector[index] = seed[index % seed.length]! - 127.5 + index;
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

/** An embedding runtime that only looks like USE lite's to the indexer: its info, with another fingerprint. */
export function standInRuntime(real: EmbeddingRuntime): EmbeddingRuntime {
  const info = { ...real.info, fingerprint: `${real.info.fingerprint}+ranker-training-stand-in` };
  const embed = async (texts: readonly string[]) => ({ vectors: texts.map((text) => standInVector(text, info.manifest.dimensions)), truncations: [] });
  return { info, embed, dispose: async () => {} } as unknown as EmbeddingRuntime;
}

/** Builds (or reuses) the pools of every package; returns the pool files. */
export async function buildPools(cache: string, packages: readonly ManifestPackage[], sources: ReadonlyMap<string, string>, modelDirectory: string, log: (line: string) => void): Promise<string[]> {
  const real = await EmbeddingRuntime.load({ modelDirectory, quantization: 'int8', device: 'cpu', threads: 1 });
  const runtime = standInRuntime(real);
  await real.dispose();
  const files: string[] = [];
  for (const entry of packages) {
    const poolsPath = path.join(cache, 'pools', `${entry.name}.jsonl`);
    const stampPath = `${poolsPath}.stamp`;
    const identity = JSON.stringify({ version: POOLS_VERSION, entry, runtime: runtime.info.fingerprint });
    files.push(poolsPath);
    if (existsSync(stampPath) && readFileSync(stampPath, 'utf8') === identity) continue;
    const started = performance.now();
    const copy = path.join(cache, 'stripped', entry.name);
    const databasePath = path.join(cache, 'indexes', `${entry.name}.db`);
    rmSync(copy, { recursive: true, force: true });
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${databasePath}${suffix}`, { force: true });
    mkdirSync(copy, { recursive: true });
    // One FolderIndex chunks the sources (for the queries) and indexes the copy: the same chunker for both.
    const index = await FolderIndex.open({ root: copy, databasePath, modelDirectory, quantization: 'int8', runtime });
    try {
      const queries: TrainingQuery[] = await buildQueries(entry.name, sources.get(entry.name)!, copy, index.chunker);
      const result = await index.index();
      const lines: string[] = [];
      for (const query of queries) {
        const pool = await queryPool(index.searcher, { id: `${entry.name}/${query.id}`, group: query.kind, query: query.query, targets: [query.target] }, 'lexical');
        lines.push(serializePool(pool));
      }
      mkdirSync(path.dirname(poolsPath), { recursive: true });
      writeFileSync(poolsPath, `${lines.join('\n')}\n`);
      writeFileSync(stampPath, identity);
      const kinds = [...countBy(queries, (query) => query.kind)].map(([kind, count]) => `${count} ${kind}`);
      log(`${entry.name}: ${result.filesIndexed} files, ${queries.length} queries (${kinds.join(', ')}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await index.close();
    }
  }
  return files;
}
