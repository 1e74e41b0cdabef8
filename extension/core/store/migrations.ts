// Migrations between vector spaces, and what a migration measures along the way: the `migrations`,
// `calibrations` and `canaries` tables. A migration row follows building → ready → cut-over (or
// rolled-back, abandoned); at most one is unfinished, since starting one abandons the others.
import { StoreModule } from './connection.ts';
import { float32Bytes } from './quantization.ts';

export type MigrationState = 'building' | 'ready' | 'cut-over' | 'rolled-back' | 'abandoned';

/** A move from one vector space to another. */
export interface Migration {
  id: number;
  fromSpace: string | undefined;
  toSpace: string;
  state: MigrationState;
  startedAt: number;
  updatedAt: number;
  /** The migration report (JSON), once computed. */
  report: unknown;
}

export interface Calibration {
  spaceId: string;
  name: string;
  value: number;
  details: Record<string, unknown>;
  computedAt: number;
}

interface MigrationRow {
  id: number;
  from_space: string | null;
  to_space: string;
  state: MigrationState;
  started_at: number;
  updated_at: number;
  report: string | null;
}

function toMigration(row: MigrationRow): Migration {
  return {
    id: row.id,
    fromSpace: row.from_space ?? undefined,
    toSpace: row.to_space,
    state: row.state,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    report: row.report === null ? undefined : (JSON.parse(row.report) as unknown),
  };
}

/** Migrations, calibrations and canary vectors of one index database. */
export class MigrationStore extends StoreModule {

  /** Records the start of a migration to `toSpace` (abandoning any unfinished one) and returns it. */
  startMigration(fromSpace: string | undefined, toSpace: string): Migration {
    return this.connection.transaction(() => {
      const now = Date.now();
      this.database.prepare("UPDATE migrations SET state = 'abandoned', updated_at = ? WHERE state IN ('building', 'ready') AND to_space != ?").run(now, toSpace);
      const existing = this.database.prepare("SELECT * FROM migrations WHERE to_space = ? AND state IN ('building', 'ready')").get(toSpace) as MigrationRow | undefined;
      if (existing) return toMigration(existing);
      const id = Number(this.database.prepare("INSERT INTO migrations (from_space, to_space, state, started_at, updated_at) VALUES (?, ?, 'building', ?, ?)").run(fromSpace ?? null, toSpace, now, now).lastInsertRowid);
      return toMigration(this.database.prepare('SELECT * FROM migrations WHERE id = ?').get(id) as MigrationRow);
    });
  }

  /** The unfinished migration (building or ready for cutover), if any. */
  pendingMigration(): Migration | undefined {
    const row = this.connection.run(() => this.database.prepare("SELECT * FROM migrations WHERE state IN ('building', 'ready') ORDER BY id DESC LIMIT 1").get() as MigrationRow | undefined);
    return row ? toMigration(row) : undefined;
  }

  /** Every migration, newest first. */
  migrations(): Migration[] {
    return this.connection.run(() => (this.database.prepare('SELECT * FROM migrations ORDER BY id DESC').all() as MigrationRow[]).map(toMigration));
  }

  updateMigration(id: number, state: MigrationState, report?: unknown): void {
    this.connection.run(() => {
      if (report === undefined) this.database.prepare('UPDATE migrations SET state = ?, updated_at = ? WHERE id = ?').run(state, Date.now(), id);
      else this.database.prepare('UPDATE migrations SET state = ?, updated_at = ?, report = ? WHERE id = ?').run(state, Date.now(), JSON.stringify(report), id);
    });
  }

  saveCalibration(spaceId: string, name: string, value: number, details: Record<string, unknown>): void {
    this.connection.run(() =>
      this.database
        .prepare('INSERT INTO calibrations (space_id, name, value, details, computed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(space_id, name) DO UPDATE SET value = excluded.value, details = excluded.details, computed_at = excluded.computed_at')
        .run(spaceId, name, value, JSON.stringify(details), Date.now()),
    );
  }

  calibration(spaceId: string, name: string): Calibration | undefined {
    const row = this.connection.run(() => this.database.prepare('SELECT * FROM calibrations WHERE space_id = ? AND name = ?').get(spaceId, name) as { space_id: string; name: string; value: number; details: string; computed_at: number } | undefined);
    return row ? { spaceId: row.space_id, name: row.name, value: row.value, details: JSON.parse(row.details) as Record<string, unknown>, computedAt: row.computed_at } : undefined;
  }

  saveCanaries(modelFingerprint: string, textsHash: string, vectors: readonly Float32Array[]): void {
    const dimensions = vectors[0]?.length ?? 0;
    const joined = new Float32Array(vectors.length * dimensions);
    vectors.forEach((vector, index) => joined.set(vector, index * dimensions));
    this.connection.run(() =>
      this.database
        .prepare('INSERT INTO canaries (model_fingerprint, texts_hash, dimensions, vectors, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(model_fingerprint) DO UPDATE SET texts_hash = excluded.texts_hash, dimensions = excluded.dimensions, vectors = excluded.vectors, created_at = excluded.created_at')
        .run(modelFingerprint, textsHash, dimensions, float32Bytes(joined), Date.now()),
    );
  }

  canaries(modelFingerprint: string): { textsHash: string; vectors: Float32Array[] } | undefined {
    const row = this.connection.run(() => this.database.prepare('SELECT texts_hash, dimensions, vectors FROM canaries WHERE model_fingerprint = ?').get(modelFingerprint) as { texts_hash: string; dimensions: number; vectors: Buffer } | undefined);
    if (!row) return undefined;
    const all = new Float32Array(row.vectors.buffer.slice(row.vectors.byteOffset, row.vectors.byteOffset + row.vectors.byteLength));
    const vectors: Float32Array[] = [];
    for (let offset = 0; offset < all.length; offset += row.dimensions) vectors.push(all.slice(offset, offset + row.dimensions));
    return { textsHash: row.texts_hash, vectors };
  }
}
