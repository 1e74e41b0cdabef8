// The index database schema and its migrations. `PRAGMA user_version` is the schema version; each
// migration runs in its own transaction and bumps the version only if every statement succeeded, so a
// failed step leaves the database at the version it had. Fixture databases of every released version
// live in test/fixtures/store and are opened by the tests.
import type { Database } from 'better-sqlite3';
import { classifySqliteError, CoreError, isCoreError } from '../errors.ts';
import { analyzer } from '../text/analyzer.ts';
import { lexicalUnits } from '../text/lexical-units.ts';

export interface Migration {
  /** The version the database has after this migration. */
  version: number;
  description: string;
  up: (database: Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'files, chunk sets per chunker, lexical index, vector spaces and embeddings',
    up: (database) => {
      database.exec(`
        CREATE TABLE meta (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT;

        -- One row per indexed file, as last seen on disk.
        CREATE TABLE files (
          id INTEGER PRIMARY KEY,
          path TEXT NOT NULL UNIQUE,
          content_hash TEXT NOT NULL,
          size INTEGER NOT NULL,
          mtime_ms REAL NOT NULL,
          language TEXT NOT NULL
        ) STRICT;

        -- Which chunker has chunked which file's current content. A file's chunks for a chunker are
        -- written in the same transaction as this row, so its presence means "complete".
        CREATE TABLE file_chunkings (
          file_id INTEGER NOT NULL REFERENCES files(id),
          chunker TEXT NOT NULL,
          PRIMARY KEY (file_id, chunker)
        ) STRICT, WITHOUT ROWID;

        -- Chunks, one set per chunker fingerprint. content_hash identifies what is embedded, so equal
        -- chunks (duplicates, renamed files) share one vector per vector space.
        CREATE TABLE chunks (
          id INTEGER PRIMARY KEY,
          file_id INTEGER NOT NULL REFERENCES files(id),
          chunker TEXT NOT NULL,
          ordinal INTEGER NOT NULL,
          content_hash TEXT NOT NULL,
          start_line INTEGER NOT NULL,
          end_line INTEGER NOT NULL,
          language TEXT NOT NULL,
          kind TEXT NOT NULL,
          symbol TEXT,
          scope TEXT NOT NULL,
          signature TEXT,
          doc_comment TEXT,
          part_index INTEGER,
          part_count INTEGER,
          text TEXT NOT NULL
        ) STRICT;
        CREATE INDEX chunks_by_file ON chunks(file_id, chunker);
        CREATE INDEX chunks_by_hash ON chunks(chunker, content_hash);

        -- Lexical index over identifier-split words; rowid = chunks.id.
        CREATE VIRTUAL TABLE chunks_lexical USING fts5(
          path, symbol, body,
          content = '', contentless_delete = 1,
          tokenize = 'unicode61 remove_diacritics 2'
        );

        -- A vector space: one model fingerprint, one chunker, one storage option. Its vectors live in
        -- their own vec0 table (table_name), so a query can only ever read one space.
        CREATE TABLE vector_spaces (
          id TEXT PRIMARY KEY,
          model_fingerprint TEXT NOT NULL,
          chunker TEXT NOT NULL,
          storage TEXT NOT NULL,
          dimensions INTEGER NOT NULL,
          model_id TEXT NOT NULL,
          table_name TEXT NOT NULL UNIQUE,
          details TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('building', 'active', 'retired')),
          created_at INTEGER NOT NULL
        ) STRICT;

        -- Every stored vector has a row here tagging it with its space; the vec0 row has the same id.
        CREATE TABLE embeddings (
          id INTEGER PRIMARY KEY,
          space_id TEXT NOT NULL REFERENCES vector_spaces(id),
          content_hash TEXT NOT NULL,
          UNIQUE (space_id, content_hash)
        ) STRICT;

        -- Files the last walk skipped, by reason, with a few example paths.
        CREATE TABLE skips (
          reason TEXT PRIMARY KEY,
          count INTEGER NOT NULL,
          examples TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 2,
    description: 'document frequencies of lexical terms (to skip near-universal words in queries)',
    up: (database) => {
      database.exec(`CREATE VIRTUAL TABLE chunks_lexical_terms USING fts5vocab(chunks_lexical, 'row');`);
    },
  },
  {
    version: 3,
    description: 'migrations between vector spaces, calibrated thresholds, canary vectors, retirement times',
    up: (database) => {
      database.exec(`
        -- A model (or chunking, quantization) change: a shadow space built while the active one serves.
        CREATE TABLE migrations (
          id INTEGER PRIMARY KEY,
          from_space TEXT,
          to_space TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('building', 'ready', 'cut-over', 'rolled-back', 'abandoned')),
          started_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          report TEXT
        ) STRICT;

        -- Thresholds calibrated per vector space (never constants whose meaning changes with the model).
        CREATE TABLE calibrations (
          space_id TEXT NOT NULL,
          name TEXT NOT NULL,
          value REAL NOT NULL,
          details TEXT NOT NULL,
          computed_at INTEGER NOT NULL,
          PRIMARY KEY (space_id, name)
        ) STRICT;

        -- Fixed canary texts embedded by a model fingerprint, to notice files that change under the same name.
        CREATE TABLE canaries (
          model_fingerprint TEXT PRIMARY KEY,
          texts_hash TEXT NOT NULL,
          dimensions INTEGER NOT NULL,
          vectors BLOB NOT NULL,
          created_at INTEGER NOT NULL
        ) STRICT;

        ALTER TABLE vector_spaces ADD COLUMN retired_at INTEGER;
      `);
    },
  },
  {
    version: 4,
    description: 'quantizers of int8 and binary vector spaces',
    up: (database) => {
      database.exec(`
        -- How a quantized space (int8, binary) turns vectors into codes, calibrated on a sample of its own
        -- vectors (or of the space it was derived from). Until a space has a row here its vectors are
        -- float32 in its staging table. vector_spaces.storage names the option ('int8', 'binary;rescore=float32', ...).
        CREATE TABLE quantizers (
          space_id TEXT PRIMARY KEY REFERENCES vector_spaces(id),
          -- binary: a bit is set when its dimension is above this threshold (float32 per dimension)
          bit_thresholds BLOB,
          -- int8: value ≈ offset + scale × code, per dimension (float32 arrays)
          int8_offset BLOB,
          int8_scale BLOB,
          sample_size INTEGER NOT NULL,
          created_at INTEGER NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 5,
    description: 'code relations: the names each chunk defines, calls and imports',
    up: (database) => {
      database.exec(`
        -- Names from the syntax tree, by role: 'defines' (the chunk's symbol, names declared at its level),
        -- 'calls' (callees' last identifiers), 'imports' (module specifiers, imported names). Resolution is
        -- by name only, so the index is on (name, role): "who defines / calls this name".
        CREATE TABLE chunk_symbols (
          chunk_id INTEGER NOT NULL REFERENCES chunks(id),
          name TEXT NOT NULL,
          role TEXT NOT NULL CHECK (role IN ('defines', 'calls', 'imports')),
          PRIMARY KEY (chunk_id, role, name)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX chunk_symbols_by_name ON chunk_symbols(name, role);

        -- The version of the relations a chunk set was written with; 0 for sets written before relations
        -- existed. The indexer chunks files with older relations again (their vectors are kept: the text is the same).
        ALTER TABLE file_chunkings ADD COLUMN relations INTEGER NOT NULL DEFAULT 0;
      `);
    },
  },
  {
    version: 6,
    description: 'lexical words with Porter stems: the lexical index is written again from the stored chunks (nothing is embedded)',
    up: (database) => {
      // The words of a chunk are a function of its path, scope, symbol and text, all stored; the contentless
      // FTS table is emptied and filled again with the words of analyzer version 1 (this migration's, not
      // whatever the current analyzer is: ../text/analyzer.ts).
      const words = analyzer(1);
      database.exec("INSERT INTO chunks_lexical (chunks_lexical) VALUES ('delete-all')");
      const insert = database.prepare('INSERT INTO chunks_lexical (rowid, path, symbol, body) VALUES (?, ?, ?, ?)');
      // Pages by id: better-sqlite3 cannot write while a statement is still iterating.
      const page = database.prepare('SELECT c.id AS id, f.path AS path, c.scope AS scope, c.symbol AS symbol, c.text AS text FROM chunks c JOIN files f ON f.id = c.file_id WHERE c.id > ? ORDER BY c.id LIMIT 1000');
      for (let after = 0; ; ) {
        const rows = page.all(after) as { id: number; path: string; scope: string; symbol: string | null; text: string }[];
        if (rows.length === 0) break;
        for (const row of rows) {
          const scope = JSON.parse(row.scope) as string[];
          insert.run(row.id, words.text(row.path), words.text([...scope, row.symbol ?? ''].join(' ')), words.text(row.text));
        }
        after = rows.at(-1)!.id;
      }
    },
  },
  {
    version: 7,
    description: 'lexical units: consecutive pieces of a split chunk are one lexical document (nothing is embedded)',
    up: (database) => {
      // NULL marks a piece inside another chunk's lexical unit; the unit's first chunk holds its last line.
      // Written with analyzer version 1 and lexical unit version 1, this migration's own (../text/).
      const words = analyzer(1);
      database.exec('ALTER TABLE chunks ADD COLUMN lexical_end_line INTEGER');
      database.exec("INSERT INTO chunks_lexical (chunks_lexical) VALUES ('delete-all')");
      const insert = database.prepare('INSERT INTO chunks_lexical (rowid, path, symbol, body) VALUES (?, ?, ?, ?)');
      const setEnd = database.prepare('UPDATE chunks SET lexical_end_line = ? WHERE id = ?');
      // Pages by file: better-sqlite3 cannot write while a statement is still iterating.
      const files = database.prepare('SELECT id, path FROM files WHERE id > ? ORDER BY id LIMIT 200');
      const chunksOf = database.prepare('SELECT id, chunker, kind, start_line, end_line, part_index, part_count, scope, symbol, text FROM chunks WHERE file_id = ? ORDER BY chunker, ordinal');
      for (let after = 0; ; ) {
        const page = files.all(after) as { id: number; path: string }[];
        if (page.length === 0) break;
        for (const file of page) {
          const rows = chunksOf.all(file.id) as { id: number; chunker: string; kind: string; start_line: number; end_line: number; part_index: number | null; part_count: number | null; scope: string; symbol: string | null; text: string }[];
          const pathWords = words.text(file.path);
          for (const chunker of new Set(rows.map((row) => row.chunker))) {
            const set = rows.filter((row) => row.chunker === chunker);
            const units = lexicalUnits(set.map((row) => ({ kind: row.kind, startLine: row.start_line, endLine: row.end_line, text: row.text, part: row.part_index === null ? undefined : { index: row.part_index, count: row.part_count! } })), 1);
            for (const unit of units) {
              const head = set[unit.first]!;
              insert.run(head.id, pathWords, words.text([...(JSON.parse(head.scope) as string[]), head.symbol ?? ''].join(' ')), words.text(unit.text));
              setEnd.run(unit.endLine, head.id);
            }
          }
        }
        after = page.at(-1)!.id;
      }
    },
  },
  {
    version: 8,
    description: 'where each chunk\'s definition starts and where its signature is (filled when files are chunked again)',
    up: (database) => {
      // NULL until the indexer chunks the file again (RELATIONS_VERSION 2 asks for that; nothing is embedded):
      // meanwhile search treats the chunk as having no definition, as it does statements.
      database.exec(`
        ALTER TABLE chunks ADD COLUMN definition_start_line INTEGER;
        ALTER TABLE chunks ADD COLUMN definition_line INTEGER;
        ALTER TABLE chunks ADD COLUMN head_end_line INTEGER;
      `);
    },
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Brings a database to SCHEMA_VERSION, one transactional step at a time. */
export function migrate(database: Database): void {
  const current = database.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new CoreError('store', 
      'schema-too-new',
      `The index was written by a newer version of Semantic Code Search (schema ${current}, this version reads up to ${SCHEMA_VERSION}). Update the extension, or rebuild the index.`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    try {
      // IMMEDIATE, and the version read again inside: two processes opening a new index at once must
      // not both run a step (the second would fail on the tables the first created).
      database.transaction(() => {
        if ((database.pragma('user_version', { simple: true }) as number) >= migration.version) return;
        migration.up(database);
        database.pragma(`user_version = ${migration.version}`);
      }).immediate();
    } catch (error) {
      // A damaged file is not a failed upgrade: it says so, so that the caller can move it aside.
      const classified = classifySqliteError(error, database.name);
      if (isCoreError(classified, 'store') && classified.reason === 'corrupt') throw classified;
      throw new CoreError('store', 
        'migration-failed',
        `Upgrading the index to schema ${migration.version} (${migration.description}) failed: ${(error as Error).message}. The index is unchanged at schema ${current}; rebuild it if this persists.`,
        { cause: error },
      );
    }
  }
}
