// The lexical index: `chunks_lexical`, a contentless FTS5 table with one row per lexical unit (the first
// chunk of a unit holds the unit's words; see ../text/lexical-units.ts) in three columns: path,
// symbol-and-scope, body. Rows are written and removed with their chunks (files.ts), from the text
// analyzer's words (../text/analyzer.ts). This module reads it: BM25 matches, per-column counts for
// per-kind scoring (../search/lexical-kinds.ts), and document frequencies.
import { StoreModule } from './connection.ts';

export interface LexicalMatch {
  chunkId: number;
  /** FTS5 bm25(): lower is better; negated here so higher is better. */
  score: number;
}

/** The columns' weights in bm25(): path, symbol-and-scope, body. */
const COLUMN_WEIGHTS = [1.0, 4.0, 1.0] as const;
const COLUMN_INDEX: Readonly<Record<string, number>> = { path: 0, symbol: 1, body: 2 };
/** FTS5's bm25() parameters. */
const BM25_K1 = 1.2;
const BM25_B = 0.75;
/** While chunk sets share the table, this many times the matches wanted are scored again with one set's statistics. */
const RESCORED_SHARE = 4;

/**
 * A lexical row as FTS5 stores it (the table is contentless: no text, only its index): the words of each column
 * (path, symbol-and-scope, body) and how often each query word occurs in each; see `lexicalRows`.
 */
export interface LexicalRow {
  chunkId: number;
  /** Words per column: path, symbol-and-scope, body. */
  lengths: [number, number, number];
  /** Occurrences per column of each query word the row holds. */
  counts: Map<string, [number, number, number]>;
}

/** Statistics of one kind of lexical document (prose sections, or everything else) of a chunk set. */
export interface LexicalKindStatistics {
  /** Lexical documents of the kind. */
  documents: number;
  /** Mean number of words per document, all columns together. */
  averageLength: number;
  /** How many documents of the kind hold each word asked about (absent: none). */
  frequencies: Map<string, number>;
}

/**
 * FTS5's docsize record: one varint per column, the column's token count. SQLite's varints are big-endian, seven
 * bits a byte while the high bit is set, and a ninth byte, if any, gives all its eight bits. (Read least
 * significant group first, as this once did, any column of 128 tokens or more came out many times too long.)
 */
export function columnSizes(record: Uint8Array): [number, number, number] {
  const [path = 0, symbol = 0, body = 0] = varints(record);
  return [path, symbol, body];
}

/** All the SQLite varints of a record (see columnSizes). */
function varints(record: Uint8Array): number[] {
  const values: number[] = [];
  let offset = 0;
  while (offset < record.length) {
    let value = 0;
    for (let index = 0; offset < record.length; index++) {
      const byte = record[offset++]!;
      if (index === 8) {
        value = value * 256 + byte;
        break;
      }
      value = value * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) break;
    }
    values.push(value);
  }
  return values;
}

/** FTS5's idf: a word in half the rows or more still weighs a little. */
function bm25Idf(rows: number, holding: number): number {
  const idf = Math.log((rows - holding + 0.5) / (holding + 0.5));
  return idf <= 0 ? 1e-6 : idf;
}

/** Reads the lexical index of one index database. */
export class LexicalStore extends StoreModule {
  /** Per-kind document counts and lengths of a chunk set, and the state of the database they were read in (see chunkSetSizes). */
  private lexicalSizes: { key: string; sizes: Record<'prose' | 'code', { documents: number; length: number }> } | undefined;
  /** One chunker's chunk count, and the state of the database it was counted in (see chunkCount). */
  private chunkCountCache: { key: string; count: number } | undefined;
  /** One chunker's chunk ids, and the state of the database they were read in. */
  private chunkIdsCache: { key: string; ids: ReadonlySet<number> } | undefined;

  /** BM25 matches of an FTS5 expression among one chunker's chunks, best first. */
  lexical(chunker: string, matchExpression: string, limit: number): LexicalMatch[] {
    return this.connection.run(() => {
      // Every match is joined to its chunk only to check its chunker: when all chunks are of this chunker (no
      // change of chunking under way), the join is left out. It was 60% of the query (100k chunks: 6 → 2.4 ms).
      if (this.onlyChunker(chunker)) {
        const rows = this.connection
          .statement(`SELECT rowid AS id, bm25(chunks_lexical, ${COLUMN_WEIGHTS.join(', ')}) AS rank FROM chunks_lexical
            WHERE chunks_lexical MATCH ? ORDER BY rank LIMIT ?`)
          .all(matchExpression, limit) as { id: number; rank: number }[];
        return rows.map((row) => ({ chunkId: row.id, score: -row.rank }));
      }
      // Other chunk sets share the table (a retired model's, kept for a rollback), and FTS5's bm25() reads the
      // whole table's statistics: the best matches by it are scored again with this chunk set's own.
      const rows = this.connection
        .statement(`SELECT l.rowid AS id FROM chunks_lexical l JOIN chunks c ON c.id = l.rowid
          WHERE chunks_lexical MATCH ? AND c.chunker = ?
          ORDER BY bm25(chunks_lexical, ${COLUMN_WEIGHTS.join(', ')}) LIMIT ?`)
        .all(matchExpression, chunker, limit * RESCORED_SHARE) as { id: number }[];
      return this.chunkSetBm25(chunker, matchExpression, rows.map((row) => row.id)).slice(0, limit);
    });
  }

  /**
   * FTS5's bm25() (k1 1.2, b 0.75, the column weights) of the given rows, with one chunk set's statistics: its rows,
   * their mean length, and how many of them hold each word. The expression is `lexicalQuery`'s or `symbolQuery`'s:
   * quoted words joined by OR, optionally limited to the symbol column. A row's weighted count of a word is read
   * back from bm25() of that word alone (FTS5 has no cheaper way to give it): per word, one pass over its postings.
   */
  private chunkSetBm25(chunker: string, matchExpression: string, ids: readonly number[]): LexicalMatch[] {
    const words = [...new Set([...matchExpression.matchAll(/"([^"]+)"/g)].map((match) => match[1]!))];
    const phrase = (word: string) => (matchExpression.startsWith('symbol :') ? `symbol : "${word}"` : `"${word}"`);
    const set = this.chunkSetSizes(chunker);
    const setRows = set.prose.documents + set.code.documents;
    const setAverage = (set.prose.length + set.code.length) / Math.max(1, setRows);
    // The whole table's row count and column totals: FTS5's averages record (the first row of its data table).
    const averages = this.connection.statement('SELECT block FROM chunks_lexical_data WHERE id = 1').get() as { block: Uint8Array } | undefined;
    const [tableRows, ...columnTotals] = averages === undefined ? [0] : varints(averages.block);
    const tableAverage = columnTotals.reduce((sum, total) => sum + total, 0) / Math.max(1, tableRows!);
    const members = this.chunkSetIds(chunker);
    const alone = this.connection.statement(`SELECT rowid AS id, bm25(chunks_lexical, ${COLUMN_WEIGHTS.join(', ')}) AS rank FROM chunks_lexical WHERE chunks_lexical MATCH ?`);
    const lengthOf = this.connection.statement('SELECT sz FROM chunks_lexical_docsize WHERE id = ?');
    const lengths = new Map(ids.map((id) => {
      const record = lengthOf.get(id) as { sz: Uint8Array } | undefined;
      return [id, record === undefined ? 0 : columnSizes(record.sz).reduce((sum, size) => sum + size, 0)] as const;
    }));
    const scores = new Map(ids.map((id) => [id, 0]));
    for (const word of words) {
      // One pass over the word's rows: how many there are in the table and in the set, and the candidates' scores.
      const rows = alone.all(phrase(word)) as { id: number; rank: number }[];
      const tableIdf = bm25Idf(tableRows!, rows.length);
      const setIdf = bm25Idf(setRows, rows.reduce((count, row) => count + (members.has(row.id) ? 1 : 0), 0));
      for (const row of rows) {
        const length = lengths.get(row.id);
        if (length === undefined) continue;
        // bm25 = idf · f (k1 + 1) / (f + k1 (1 − b + b · length / average)): solved for f with the table's
        // statistics, then scored with the set's.
        const saturation = Math.min(-row.rank / tableIdf, (BM25_K1 + 1) * (1 - 1e-12));
        const tableNorm = BM25_K1 * (1 - BM25_B + (BM25_B * length) / tableAverage);
        const weighted = (saturation * tableNorm) / (BM25_K1 + 1 - saturation);
        const setNorm = BM25_K1 * (1 - BM25_B + (BM25_B * length) / setAverage);
        scores.set(row.id, scores.get(row.id)! + (setIdf * weighted * (BM25_K1 + 1)) / (weighted + setNorm));
      }
    }
    return [...scores].map(([chunkId, score]) => ({ chunkId, score })).sort((a, b) => b.score - a.score || a.chunkId - b.chunkId);
  }

  /** Per-kind counts and total lengths of one chunker's lexical documents, kept until the database changes. */
  private chunkSetSizes(chunker: string): Record<'prose' | 'code', { documents: number; length: number }> {
    const key = this.stateKey(chunker);
    if (this.lexicalSizes?.key !== key) {
      const sizes = { prose: { documents: 0, length: 0 }, code: { documents: 0, length: 0 } };
      const rows = this.database
        .prepare(`SELECT c.kind = 'section' AS prose, d.sz AS sizes FROM chunks_lexical_docsize d JOIN chunks c ON c.id = d.id WHERE c.chunker = ?`)
        .iterate(chunker) as IterableIterator<{ prose: number; sizes: Buffer }>;
      for (const row of rows) {
        const [path, symbol, body] = columnSizes(row.sizes);
        const entry = sizes[row.prose === 1 ? 'prose' : 'code'];
        entry.documents += 1;
        entry.length += path + symbol + body;
      }
      this.lexicalSizes = { key, sizes };
    }
    return this.lexicalSizes.sizes;
  }

  /**
   * How many chunks one chunker has. Counting scans its index entries (2.5 ms at 100k chunks), so the count is kept
   * until the database changes: this connection's writes move `total_changes()`, another's move `data_version`.
   */
  private chunkCount(chunker: string): number {
    const key = this.stateKey(chunker);
    if (this.chunkCountCache?.key !== key) {
      const { n } = this.connection.statement('SELECT COUNT(*) AS n FROM chunks WHERE chunker = ?').get(chunker) as { n: number };
      this.chunkCountCache = { key, count: n };
    }
    return this.chunkCountCache.count;
  }

  /** The ids of one chunker's chunks (3 ms at 33k chunks), kept as the chunk count is. */
  private chunkSetIds(chunker: string): ReadonlySet<number> {
    const key = this.stateKey(chunker);
    if (this.chunkIdsCache?.key !== key) {
      const ids = this.connection.statement('SELECT id FROM chunks WHERE chunker = ?').pluck().all(chunker) as number[];
      this.chunkIdsCache = { key, ids: new Set(ids) };
    }
    return this.chunkIdsCache.ids;
  }

  /** Names the database's state for a chunker: this connection's writes move `total_changes()`, another's `data_version`. */
  private stateKey(chunker: string): string {
    const { changes } = this.connection.statement('SELECT total_changes() AS changes').get() as { changes: number };
    return `${chunker}\n${String(this.database.pragma('data_version', { simple: true }))}\n${changes}`;
  }

  /** Whether every chunk is of this chunker: the first and last chunker in the index's order (two index lookups). */
  private onlyChunker(chunker: string): boolean {
    const first = this.connection.statement('SELECT chunker FROM chunks ORDER BY chunker LIMIT 1').get() as { chunker: string } | undefined;
    const last = this.connection.statement('SELECT chunker FROM chunks ORDER BY chunker DESC LIMIT 1').get() as { chunker: string } | undefined;
    return first?.chunker === chunker && last?.chunker === chunker;
  }

  /**
   * Lexical rows matching an FTS5 expression among one chunker's chunks of one kind (`prose`: sections;
   * `code`: the rest), best first by FTS5 bm25(), with their column lengths and the query words' counts: the
   * first stage of per-kind scoring (search/lexical-kinds.ts). `words` are the expression's words.
   */
  lexicalRows(chunker: string, matchExpression: string, words: readonly string[], kind: 'prose' | 'code', limit: number): LexicalRow[] {
    return this.connection.run(() => {
      const found = this.database
        .prepare(`SELECT l.rowid AS id, d.sz AS sizes
          FROM chunks_lexical l JOIN chunks c ON c.id = l.rowid JOIN chunks_lexical_docsize d ON d.id = l.rowid
          WHERE chunks_lexical MATCH ? AND c.chunker = ? AND (c.kind = 'section') = ?
          ORDER BY bm25(chunks_lexical, ${COLUMN_WEIGHTS.join(', ')}) LIMIT ?`)
        .all(matchExpression, chunker, kind === 'prose' ? 1 : 0, limit) as { id: number; sizes: Buffer }[];
      const rows = new Map(found.map((row) => [row.id, { chunkId: row.id, lengths: columnSizes(row.sizes), counts: new Map<string, [number, number, number]>() } satisfies LexicalRow]));
      // The table is contentless: a word's occurrences per row and column come from the index itself.
      this.database.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_lexical_instances USING fts5vocab(main, chunks_lexical, 'instance')`);
      const occurrences = this.database.prepare('SELECT doc, col, COUNT(*) AS n FROM temp.chunks_lexical_instances WHERE term = ? GROUP BY doc, col');
      for (const word of new Set(words)) {
        for (const entry of occurrences.all(word) as { doc: number; col: string; n: number }[]) {
          const row = rows.get(entry.doc);
          if (!row) continue;
          let counts = row.counts.get(word);
          if (!counts) row.counts.set(word, (counts = [0, 0, 0]));
          counts[COLUMN_INDEX[entry.col] ?? 2] += entry.n;
        }
      }
      return [...rows.values()];
    });
  }

  /**
   * Per-kind statistics of one chunker's lexical documents: counts and mean lengths (kept until the database
   * changes) and the document frequency of each word within each kind.
   */
  lexicalKindStatistics(chunker: string, words: readonly string[]): Record<'prose' | 'code', LexicalKindStatistics> {
    return this.connection.run(() => {
      const sizes = this.chunkSetSizes(chunker);
      const result = {
        prose: { documents: sizes.prose.documents, averageLength: sizes.prose.length / Math.max(1, sizes.prose.documents), frequencies: new Map<string, number>() },
        code: { documents: sizes.code.documents, averageLength: sizes.code.length / Math.max(1, sizes.code.documents), frequencies: new Map<string, number>() },
      };
      const count = this.database.prepare(`SELECT SUM(c.kind = 'section') AS prose, COUNT(*) AS total
        FROM chunks_lexical l JOIN chunks c ON c.id = l.rowid WHERE chunks_lexical MATCH ? AND c.chunker = ?`);
      for (const word of new Set(words)) {
        // Words are letters and digits only, so quoting cannot be broken out of.
        const row = count.get(`"${word}"`, chunker) as { prose: number | null; total: number };
        if ((row.prose ?? 0) > 0) result.prose.frequencies.set(word, row.prose!);
        if (row.total - (row.prose ?? 0) > 0) result.code.frequencies.set(word, row.total - (row.prose ?? 0));
      }
      return result;
    });
  }

  /**
   * How many of one chunker's chunks contain each word, and how many chunks it has: what a query's words are
   * weighed by (the ranking stage's word weights, the near-universal words left out). Counted for that chunk set
   * alone: a retired model's chunks, kept for a rollback, counted too, and the largest chunk id, which re-chunked
   * files leave behind them, stood in for the count (three chunk sets in one index cost docs-eslint 4.7 points of
   * nDCG@10). Unknown words are left out.
   */
  lexicalDocumentFrequencies(chunker: string, words: readonly string[]): { frequencies: Map<string, number>; documents: number } {
    return this.connection.run(() => {
      // With one chunk set, FTS5's own vocabulary counts are exact; during a migration's retention, count the matches.
      const alone = this.onlyChunker(chunker);
      const statement = alone
        ? this.connection.statement('SELECT doc AS n FROM chunks_lexical_terms WHERE term = ?')
        : this.connection.statement('SELECT COUNT(*) AS n FROM chunks_lexical l JOIN chunks c ON c.id = l.rowid WHERE chunks_lexical MATCH ? AND c.chunker = ?');
      const frequencies = new Map<string, number>();
      for (const word of words) {
        // Words are letters and digits only, so quoting cannot be broken out of.
        const row = (alone ? statement.get(word) : statement.get(`"${word}"`, chunker)) as { n: number } | undefined;
        if (row !== undefined && row.n > 0) frequencies.set(word, row.n);
      }
      return { frequencies, documents: this.chunkCount(chunker) };
    });
  }
}
