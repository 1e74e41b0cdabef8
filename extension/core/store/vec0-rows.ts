// Every row of a sqlite-vec vec0 table, read in bulk for the vectors held in memory (vector-matrix.ts).
//
// Through the virtual table a row costs about 14 µs (100k rows of 256 float32: 1.4 s); vec0 keeps its vectors in
// shadow tables, 1,024 to a chunk blob, and reading those blobs takes a tenth of that (100k × 256 float32: 170–330
// ms here). The layout read here is sqlite-vec 0.1's: `<table>_chunks(chunk_id, size, validity, rowids)` — a
// validity bitmap and the chunk's row ids as 64-bit integers — and `<table>_vector_chunks00(rowid = chunk_id,
// vectors)`, `size` vectors back to back. Before any row is handed out the layout is checked (blob lengths, and
// the valid slots against the count of `<table>_rowids`); anything unexpected, as a later sqlite-vec might
// store, falls back to reading through the virtual table, which is slow but always right.
import type { Database, Statement } from 'better-sqlite3';

/** How the rows were read: from the shadow tables, or (when their layout was not the expected one) through vec0. */
export type Vec0ReadPath = 'shadow' | 'virtual';

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

interface ChunkRow {
  chunk_id: number;
  size: number;
  validity: Buffer;
  rowids: Buffer;
}

/** The chunks of a vec0 table when their layout is the expected one, else undefined. */
function shadowChunks(database: Database, table: string, rowBytes: number): ChunkRow[] | undefined {
  const exists = database.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN (?, ?, ?)").get(`${table}_chunks`, `${table}_vector_chunks00`, `${table}_rowids`) as { n: number };
  if (exists.n !== 3) return undefined;
  let chunks: ChunkRow[];
  let lengths: Map<number, number>;
  try {
    chunks = database.prepare(`SELECT chunk_id, size, validity, rowids FROM ${quote(`${table}_chunks`)} ORDER BY chunk_id`).all() as ChunkRow[];
    // length() of a blob comes from the record header: the vectors are not read here.
    lengths = new Map((database.prepare(`SELECT rowid AS id, length(vectors) AS bytes FROM ${quote(`${table}_vector_chunks00`)}`).all() as { id: number; bytes: number }[]).map((row) => [row.id, row.bytes]));
  } catch {
    return undefined;
  }
  let valid = 0;
  for (const chunk of chunks) {
    if (!Number.isInteger(chunk.size) || !Buffer.isBuffer(chunk.validity) || !Buffer.isBuffer(chunk.rowids)) return undefined;
    if (chunk.validity.length !== Math.ceil(chunk.size / 8) || chunk.rowids.length !== chunk.size * 8 || lengths.get(chunk.chunk_id) !== chunk.size * rowBytes) return undefined;
    for (let slot = 0; slot < chunk.size; slot++) if (chunk.validity[slot >> 3]! & (1 << (slot & 7))) valid += 1;
  }
  const rows = (database.prepare(`SELECT COUNT(*) AS n FROM ${quote(`${table}_rowids`)}`).get() as { n: number }).n;
  return rows === valid ? chunks : undefined;
}

/** How many rows the table holds (from its rowids shadow table when there is one). */
export function vec0RowCount(database: Database, table: string): number {
  try {
    return (database.prepare(`SELECT COUNT(*) AS n FROM ${quote(`${table}_rowids`)}`).get() as { n: number }).n;
  } catch {
    return (database.prepare(`SELECT COUNT(*) AS n FROM ${quote(table)}`).get() as { n: number }).n;
  }
}

/**
 * Hands every row of a vec0 table to `visit`: its row id and its stored vector bytes (`rowBytes` of them; a view,
 * valid during the call), in storage order. Returns which way the rows were read.
 */
export function readVec0Rows(database: Database, table: string, rowBytes: number, visit: (id: number, bytes: Uint8Array) => void): Vec0ReadPath {
  const chunks = shadowChunks(database, table, rowBytes);
  if (!chunks) {
    for (const row of database.prepare(`SELECT rowid AS id, embedding FROM ${quote(table)}`).iterate() as Iterable<{ id: number; embedding: Buffer }>) visit(row.id, row.embedding);
    return 'virtual';
  }
  const vectors = database.prepare(`SELECT vectors FROM ${quote(`${table}_vector_chunks00`)} WHERE rowid = ?`).pluck();
  for (const chunk of chunks) {
    const blob = vectors.get(chunk.chunk_id) as Buffer;
    const ids = new DataView(chunk.rowids.buffer, chunk.rowids.byteOffset, chunk.rowids.byteLength);
    for (let slot = 0; slot < chunk.size; slot++) {
      if ((chunk.validity[slot >> 3]! & (1 << (slot & 7))) === 0) continue;
      // A row id is a 64-bit integer; SQLite's stay far below 2^53, so two 32-bit halves make it exactly.
      const id = ids.getUint32(slot * 8, true) + ids.getInt32(slot * 8 + 4, true) * 4_294_967_296;
      // A plain view (a Buffer's subarray is a Buffer, far slower to make 100,000 times).
      visit(id, new Uint8Array(blob.buffer, blob.byteOffset + slot * rowBytes, rowBytes));
    }
  }
  return 'shadow';
}

/**
 * Hands `visit` up to `limit` rows of a vec0 table with ids above `afterId`, in id order (its row id and its stored
 * vector bytes, a view valid during the call): one slice of a load that lets its thread do other work between
 * slices (vector-matrix.ts, `MatrixLoad`). The ids come from `<table>_rowids` with each row's chunk and slot; each
 * chunk a slice touches is read once (a new row goes into the last chunk, so ids ascend with the chunks and a slice
 * touches few). Returns how many rows were visited, or undefined, visiting none, when a row's chunk is not laid
 * out as expected (the caller reads the table another way).
 */
export function readVec0RowsAfter(database: Database, table: string, rowBytes: number, afterId: number, limit: number, visit: (id: number, bytes: Uint8Array) => void): number | undefined {
  let rows: [number, number, number][];
  let chunkOf: Statement;
  try {
    rows = database.prepare(`SELECT rowid, chunk_id, chunk_offset FROM ${quote(`${table}_rowids`)} WHERE rowid > ? ORDER BY rowid LIMIT ?`).raw().all(afterId, limit) as [number, number, number][];
    chunkOf = database.prepare(`SELECT c.size, c.validity, v.vectors FROM ${quote(`${table}_chunks`)} c JOIN ${quote(`${table}_vector_chunks00`)} v ON v.rowid = c.chunk_id WHERE c.chunk_id = ?`);
  } catch {
    return undefined;
  }
  type Chunk = { size: number; validity: Buffer; vectors: Buffer };
  const readChunk = (chunkId: number): Chunk | undefined => {
    const chunk = chunkOf.get(chunkId) as Chunk | undefined;
    return chunk && Buffer.isBuffer(chunk.validity) && Buffer.isBuffer(chunk.vectors) && chunk.vectors.length === chunk.size * rowBytes ? chunk : undefined;
  };
  const validSlot = (chunk: Chunk, slot: number) => Number.isInteger(slot) && slot >= 0 && slot < chunk.size && (chunk.validity[slot >> 3]! & (1 << (slot & 7))) !== 0;
  // Each chunk's rows together, in chunk order (how sqlite-vec fills them): handed out straight from each blob.
  const grouped = rows.every(([, chunkId], position) => position === 0 || chunkId >= rows[position - 1]![1]);
  if (grouped) {
    const visits: [number, Uint8Array][] = [];
    let chunk: Chunk | undefined;
    for (let position = 0; position < rows.length; position++) {
      const [id, chunkId, slot] = rows[position]!;
      if (position === 0 || chunkId !== rows[position - 1]![1]) chunk = readChunk(chunkId);
      if (!chunk || !validSlot(chunk, slot)) return undefined;
      visits.push([id, new Uint8Array(chunk.vectors.buffer, chunk.vectors.byteOffset + slot * rowBytes, rowBytes)]);
    }
    for (const [id, bytes] of visits) visit(id, bytes);
    return rows.length;
  }
  // Otherwise the slice's rows are copied here in id order, chunk by chunk (each read once), then handed out.
  const slice = new Uint8Array(rows.length * rowBytes);
  const positions = new Map<number, number[]>();
  rows.forEach(([, chunkId], position) => {
    const list = positions.get(chunkId);
    if (list) list.push(position);
    else positions.set(chunkId, [position]);
  });
  for (const [chunkId, list] of positions) {
    const chunk = readChunk(chunkId);
    if (!chunk) return undefined;
    for (const position of list) {
      const slot = rows[position]![2];
      if (!validSlot(chunk, slot)) return undefined;
      slice.set(chunk.vectors.subarray(slot * rowBytes, (slot + 1) * rowBytes), position * rowBytes);
    }
  }
  rows.forEach(([id], position) => visit(id, slice.subarray(position * rowBytes, (position + 1) * rowBytes)));
  return rows.length;
}
