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

/** FTS5's docsize record: one varint per column, the column's token count. */
function columnSizes(record: Buffer): [number, number, number] {
  const sizes: number[] = [];
  let offset = 0;
  while (offset < record.length && sizes.length < 3) {
    let value = 0;
    for (let shift = 0; offset < record.length; shift += 7) {
      const byte = record[offset++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) break;
    }
    sizes.push(value);
  }
  return [sizes[0] ?? 0, sizes[1] ?? 0, sizes[2] ?? 0];
}

/** Reads the lexical index of one index database. */
export class LexicalStore extends StoreModule {
  /** Per-kind document counts and lengths of a chunk set, keyed by the chunk set's size (see lexicalKindStatistics). */
  private lexicalSizes: { key: string; sizes: Record<'prose' | 'code', { documents: number; length: number }> } | undefined;
  /** One chunker's chunk count, and the state of the database it was counted in (see chunkCount). */
  private chunkCountCache: { key: string; count: number } | undefined;

  /** BM25 matches of an FTS5 expression among one chunker's chunks, best first. */
  lexical(chunker: string, matchExpression: string, limit: number): LexicalMatch[] {
    return this.connection.run(() => {
      // Every match is joined to its chunk only to check its chunker: when all chunks are of this chunker (no
      // change of chunking under way), the join is left out. It was 60% of the query (100k chunks: 6 → 2.4 ms).
      const rows = (this.onlyChunker(chunker)
        ? this.connection
            .statement(`SELECT rowid AS id, bm25(chunks_lexical, 1.0, 4.0, 1.0) AS rank FROM chunks_lexical
              WHERE chunks_lexical MATCH ? ORDER BY rank LIMIT ?`)
            .all(matchExpression, limit)
        : this.connection
            .statement(`SELECT l.rowid AS id, bm25(chunks_lexical, 1.0, 4.0, 1.0) AS rank
              FROM chunks_lexical l JOIN chunks c ON c.id = l.rowid
              WHERE chunks_lexical MATCH ? AND c.chunker = ?
              ORDER BY rank LIMIT ?`)
            .all(matchExpression, chunker, limit)) as { id: number; rank: number }[];
      return rows.map((row) => ({ chunkId: row.id, score: -row.rank }));
    });
  }

  /**
   * How many chunks one chunker has. Counting scans its index entries (2.5 ms at 100k chunks), so the count is kept
   * until the database changes: this connection's writes move `total_changes()`, another's move `data_version`.
   */
  private chunkCount(chunker: string): number {
    const { changes } = this.connection.statement('SELECT total_changes() AS changes').get() as { changes: number };
    const key = `${chunker}\n${String(this.database.pragma('data_version', { simple: true }))}\n${changes}`;
    if (this.chunkCountCache?.key !== key) {
      const { n } = this.connection.statement('SELECT COUNT(*) AS n FROM chunks WHERE chunker = ?').get(chunker) as { n: number };
      this.chunkCountCache = { key, count: n };
    }
    return this.chunkCountCache.count;
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
          ORDER BY bm25(chunks_lexical, 1.0, 4.0, 1.0) LIMIT ?`)
        .all(matchExpression, chunker, kind === 'prose' ? 1 : 0, limit) as { id: number; sizes: Buffer }[];
      const rows = new Map(found.map((row) => [row.id, { chunkId: row.id, lengths: columnSizes(row.sizes), counts: new Map<string, [number, number, number]>() } satisfies LexicalRow]));
      // The table is contentless: a word's occurrences per row and column come from the index itself.
      this.database.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_lexical_instances USING fts5vocab(main, chunks_lexical, 'instance')`);
      const occurrences = this.database.prepare('SELECT doc, col, COUNT(*) AS n FROM temp.chunks_lexical_instances WHERE term = ? GROUP BY doc, col');
      const columnIndex: Record<string, number> = { path: 0, symbol: 1, body: 2 };
      for (const word of new Set(words)) {
        for (const entry of occurrences.all(word) as { doc: number; col: string; n: number }[]) {
          const row = rows.get(entry.doc);
          if (!row) continue;
          let counts = row.counts.get(word);
          if (!counts) row.counts.set(word, (counts = [0, 0, 0]));
          counts[columnIndex[entry.col] ?? 2] += entry.n;
        }
      }
      return [...rows.values()];
    });
  }

  /**
   * Per-kind statistics of one chunker's lexical documents: counts and mean lengths (cached until the chunk set
   * changes size) and the document frequency of each word within each kind.
   */
  lexicalKindStatistics(chunker: string, words: readonly string[]): Record<'prose' | 'code', LexicalKindStatistics> {
    return this.connection.run(() => {
      const version = this.database.prepare('SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS top FROM chunks WHERE chunker = ?').get(chunker) as { n: number; top: number };
      const key = `${chunker}\n${version.n}\n${version.top}`;
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
      const { sizes } = this.lexicalSizes;
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
