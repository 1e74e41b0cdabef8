import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Chunk } from '../../../extension/core/chunking/types.ts';
import Database from 'better-sqlite3';
import { IndexStore, type VectorSpaceDefinition } from '../../../extension/core/store/index-store.ts';

export function temporaryDatabasePath(): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'semsearch-store-')), 'index.db');
}

/** What an index holds, in a stable order: compare two databases with it (files, chunks, vector contents). */
export function indexSnapshot(databasePath: string) {
  const database = new Database(databasePath, { readonly: true });
  try {
    const files = database.prepare('SELECT path, content_hash FROM files ORDER BY path').all();
    const chunks = database.prepare('SELECT f.path, c.ordinal, c.content_hash, c.start_line, c.end_line FROM chunks c JOIN files f ON f.id = c.file_id ORDER BY f.path, c.ordinal').all();
    const vectors = database.prepare('SELECT content_hash FROM embeddings ORDER BY content_hash').all();
    return { files, chunks, vectors };
  } finally {
    database.close();
  }
}

export function openTemporaryStore(): IndexStore {
  return IndexStore.open(temporaryDatabasePath());
}

export function makeChunk(overrides: Partial<Chunk> & Pick<Chunk, 'text'>): Chunk {
  const lines = overrides.text.split('\n').length;
  return {
    path: 'src/example.ts',
    language: 'typescript',
    kind: 'function',
    symbol: undefined,
    scope: [],
    signature: undefined,
    startLine: 1,
    endLine: lines,
    docComment: undefined,
    part: undefined,
    relations: { defines: [], calls: [], imports: [] },
    ...overrides,
  };
}

export function spaceDefinition(overrides: Partial<VectorSpaceDefinition> = {}): VectorSpaceDefinition {
  return { modelFingerprint: 'model-a', chunker: 'chunker-1', storage: { kind: 'float32' }, dimensions: 4, modelId: 'test-model', details: {}, ...overrides };
}

/** A unit vector pointing mostly along one axis. */
export function unitVector(dimensions: number, axis: number, noise = 0.1): Float32Array {
  const vector = new Float32Array(dimensions).fill(noise);
  vector[axis % dimensions] = 1;
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}
