// The symbol list leads with the definitions of the name a query spells. A name in the scope or symbol of
// most chunks (a C# partial class spread over many files) has an idf near zero, so BM25 alone orders its
// chunks arbitrarily and can leave the file named after it out of the list, and so out of the ranking.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import { definitionsFirst } from '../../../extension/core/search/search.ts';
import type { StoredChunk } from '../../../extension/core/store/index-store.ts';
import { offlineModel } from '../../helpers/models.ts';

/** More partial files than the symbol list holds (100): the canonical file sorts, and is indexed, last. */
const PARTS = 120;

describe('definitions of a spelled name lead the symbol list', () => {
  let root: string;
  let index: FolderIndex;
  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'semsearch-definitions-'));
    const corpus = path.join(root, 'corpus');
    mkdirSync(corpus);
    // FTS5's bm25 normalises by the whole row's length, so a big class's own definition scores lowest of all on
    // its name (Dapper's SqlMapper.cs was 342nd of 383).
    const fields = Array.from({ length: 60 }, (_, field) => `        private static int column${field} = ${field};`).join('\n');
    writeFileSync(path.join(corpus, 'RowMapper.cs'), `namespace Data\n{\n    /// <summary>\n    /// Maps database rows onto objects.\n    /// </summary>\n    public static partial class RowMapper\n    {\n${fields}\n    }\n}\n`);
    for (let part = 1; part <= PARTS; part++) {
      const name = `Helper${String(part).padStart(3, '0')}`;
      writeFileSync(path.join(corpus, `RowMapper.${name}.cs`), `namespace Data\n{\n    public static partial class RowMapper\n    {\n        public static int ${name}(int value) => value + ${part};\n    }\n}\n`);
    }
    // A snake_case name: the file named after it (`load_rows.py`) first, though `helpers.py` comes first by path.
    writeFileSync(path.join(corpus, 'helpers.py'), 'def load_rows(cursor):\n    # Another loader.\n    return list(cursor)\n');
    mkdirSync(path.join(corpus, 'rows'));
    writeFileSync(path.join(corpus, 'rows', 'load_rows.py'), 'def load_rows(cursor, size=100):\n    # Loads rows in batches.\n    return cursor.fetchmany(size)\n');
    index = await FolderIndex.open({ root: corpus, databasePath: path.join(root, 'index.db'), modelDirectory: offlineModel('use-lite'), quantization: 'int8', device: 'cpu', threads: 1 });
    await index.index();
  });
  after(async () => {
    await index?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('puts the definition in the file named after the name first, among 121 definitions of it', () => {
    const { symbol } = index.searcher.candidates('RowMapper', undefined, { mode: 'lexical' });
    assert.equal(symbol[0]?.chunk.path, 'RowMapper.cs');
    assert.equal(symbol[0]?.chunk.symbol, 'RowMapper');
    assert.equal(new Set(symbol.map(({ chunk }) => chunk.id)).size, symbol.length, 'no chunk twice');
  });

  it('compares a snake_case name with the file stem as a name (load_rows → load_rows.py)', () => {
    const { symbol } = index.searcher.candidates('load_rows', undefined, { mode: 'lexical' });
    assert.equal(symbol[0]?.chunk.path, 'rows/load_rows.py');
  });

  it('so search answers the name with that file', async () => {
    const { hits } = await index.search('RowMapper', { k: 3 });
    assert.equal(hits[0]?.path, 'RowMapper.cs');
  });
});

describe('definitionsFirst', () => {
  const chunk = (id: number): StoredChunk => ({ id, path: `f${id}.cs` }) as StoredChunk;
  it('leads with the definitions at the list\'s best score, then the rest without repeats, cut to the wanted length', () => {
    const named = [
      { chunk: chunk(1), score: 5 },
      { chunk: chunk(2), score: 4 },
      { chunk: chunk(3), score: 3 },
    ];
    const list = definitionsFirst([chunk(3), chunk(9)], named, 4);
    assert.deepEqual(list.map(({ chunk: { id } }) => id), [3, 9, 1, 2]);
    assert.deepEqual(list.map(({ score }) => score), [5, 5, 5, 4]);
    assert.deepEqual(definitionsFirst([], named, 2).map(({ chunk: { id } }) => id), [1, 2]);
    assert.deepEqual(definitionsFirst([chunk(7)], [], 5).map(({ chunk: { id }, score }) => [id, score]), [[7, 0]]);
  });
});
