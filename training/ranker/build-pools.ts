// Training pools: for each repository of the manifest, the queries (queries.ts), an index of its stripped copy
// built by the product's indexer, chunker and default model, and each query's candidate pool as the product fuses
// it in hybrid mode (pools.ts), written to <cache>/pools/<name>.jsonl.
//
// The index is the one a user gets: the default model's chunks and real vectors, so the dense list and the dense
// features are what the product sees. code-static embeds the some 50,000 training chunks in under a minute.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHUNKER_VERSION } from '../../extension/core/chunking/index.ts';
import { EmbeddingRuntime } from '../../extension/core/embedding/runtime.ts';
import { FolderIndex } from '../../extension/core/folder-index.ts';
import type { ManifestPackage } from './fetch.ts';
import { countBy, queryPool, serializePool } from './pools.ts';
import { buildQueries, type TrainingQuery } from './queries.ts';

/** Bumped when queries, stripping or pools change meaning: cached pools of another version (or chunker) are built again. */
const POOLS_VERSION = 17;

/** Builds (or reuses) the pools of every package; returns the pool files. */
export async function buildPools(cache: string, packages: readonly ManifestPackage[], sources: ReadonlyMap<string, string>, modelDirectory: string, log: (line: string) => void): Promise<string[]> {
  const runtime = await EmbeddingRuntime.load({ modelDirectory, quantization: 'int8', device: 'cpu' });
  try {
    return await buildEach(cache, packages, sources, runtime, log);
  } finally {
    await runtime.dispose();
  }
}

async function buildEach(cache: string, packages: readonly ManifestPackage[], sources: ReadonlyMap<string, string>, runtime: EmbeddingRuntime, log: (line: string) => void): Promise<string[]> {
  const files: string[] = [];
  for (const entry of packages) {
    const poolsPath = path.join(cache, 'pools', `${entry.name}.jsonl`);
    const stampPath = `${poolsPath}.stamp`;
    const identity = JSON.stringify({ version: POOLS_VERSION, chunker: CHUNKER_VERSION, entry, runtime: runtime.info.fingerprint });
    files.push(poolsPath);
    if (existsSync(stampPath) && readFileSync(stampPath, 'utf8') === identity) continue;
    const started = performance.now();
    const copy = path.join(cache, 'stripped', entry.name);
    const databasePath = path.join(cache, 'indexes', `${entry.name}.db`);
    rmSync(copy, { recursive: true, force: true });
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${databasePath}${suffix}`, { force: true });
    mkdirSync(copy, { recursive: true });
    // One FolderIndex chunks the sources (for the queries) and indexes the copy: the same chunker for both.
    const index = await FolderIndex.open({ root: copy, databasePath, modelDirectory: runtime.info.modelDirectory, quantization: 'int8', runtime });
    try {
      const queries: TrainingQuery[] = await buildQueries(entry.name, sources.get(entry.name)!, copy, index.chunker);
      const result = await index.index();
      const lines: string[] = [];
      for (const query of queries) {
        const pool = await queryPool(index.searcher, { id: `${entry.name}/${query.id}`, group: query.kind, query: query.query, targets: [query.target] }, 'hybrid');
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
