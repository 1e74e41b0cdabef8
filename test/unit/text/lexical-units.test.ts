import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { LEXICAL_UNIT_MAX_CHARS, LEXICAL_UNIT_MAX_LINES, lexicalUnits, type LexicalUnitChunk } from '../../../extension/core/text/lexical-units.ts';
import { lexicalQuery, queryWords } from '../../../extension/core/search/lexical.ts';
import { Searcher } from '../../../extension/core/search/search.ts';
import { IndexStore } from '../../../extension/core/store/index-store.ts';
import { makeChunk, openTemporaryStore, spaceDefinition, temporaryDatabasePath } from '../store/helpers.ts';

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'store');

/** Pieces of one split section, one line each, as a small embedding window makes them. */
function splitSection(lines: readonly string[], firstLine = 1): LexicalUnitChunk[] {
  return lines.map((text, index) => ({ kind: 'section', startLine: firstLine + index, endLine: firstLine + index, text, part: { index, count: lines.length } }));
}

test('pieces of a split chunk form one lexical unit; chunks that were not split stay alone', () => {
  const whole = { kind: 'function', startLine: 1, endLine: 3, text: 'function a() {}', part: undefined };
  const pieces = splitSection(['Install the package.', 'Then configure the proxy.', 'Restart the server.'], 5);
  const after = { kind: 'statements', startLine: 9, endLine: 9, text: 'const b = 1;', part: undefined };
  const units = lexicalUnits([whole, ...pieces, after]);
  assert.deepEqual(units.map((unit) => [unit.first, unit.last, unit.endLine]), [[0, 0, 3], [1, 3, 7], [4, 4, 9]]);
  assert.equal(units[1]!.text, 'Install the package.\nThen configure the proxy.\nRestart the server.');
});

test('a lexical unit stops at its size limits, and every piece belongs to exactly one unit', () => {
  const longLine = 'word '.repeat(100).trim();
  const pieces = splitSection(Array.from({ length: 40 }, () => longLine));
  const units = lexicalUnits(pieces);
  assert.ok(units.length > 1, 'forty 500-character pieces do not fit one unit');
  for (const unit of units) assert.ok(unit.text.length <= LEXICAL_UNIT_MAX_CHARS, `unit ${unit.first}..${unit.last} within the character limit`);
  assert.deepEqual(units.flatMap((unit) => Array.from({ length: unit.last - unit.first + 1 }, (_, offset) => unit.first + offset)), pieces.map((_, index) => index));

  const manyLines = splitSection(Array.from({ length: LEXICAL_UNIT_MAX_LINES * 2 }, () => 'x'));
  for (const unit of lexicalUnits(manyLines)) assert.ok(unit.endLine - manyLines[unit.first]!.startLine + 1 <= LEXICAL_UNIT_MAX_LINES);

  const twoSplits = [...splitSection(['a', 'b']), ...splitSection(['c', 'd'], 3)];
  assert.equal(lexicalUnits(twoSplits).length, 2, 'the next split chunk starts a unit of its own');
  const splitFunction = splitSection(['def parse(data):', '    return data']).map((piece) => ({ ...piece, kind: 'function' }));
  assert.equal(lexicalUnits(splitFunction).length, 1, 'pieces of code join like pieces of prose');
});

test('a query whose words are spread over pieces finds the unit, reported over all its lines', async () => {
  const store = openTemporaryStore();
  try {
    const pieces = ['Install the package with npm.', 'Configure the corporate proxy.', 'Restart the language server.'].map((text, index) =>
      makeChunk({ path: 'docs/setup.md', language: 'markdown', kind: 'section', symbol: 'Setup', scope: ['Setup'], text, startLine: 3 + index, endLine: 3 + index, part: { index, count: 3 } }),
    );
    const other = makeChunk({ path: 'docs/other.md', language: 'markdown', kind: 'section', symbol: 'Other', scope: ['Other'], text: 'Restart the build after a proxy change.' });
    store.replaceFile({ path: 'docs/setup.md', contentHash: 'setup', size: 90, mtimeMs: 1, language: 'markdown' }, new Map([['chunker-1', pieces]]));
    store.replaceFile({ path: 'docs/other.md', contentHash: 'other', size: 40, mtimeMs: 1, language: 'markdown' }, new Map([['chunker-1', [other]]]));
    assert.deepEqual(store.checkIntegrity(), []);

    const matches = store.lexical('chunker-1', lexicalQuery(queryWords('npm proxy restart'))!, 10);
    assert.equal(matches.length, 2, 'one row per unit: the three pieces are one document');
    const best = store.chunksById([matches[0]!.chunkId]).get(matches[0]!.chunkId)!;
    assert.deepEqual([best.path, best.startLine, best.lexicalEndLine], ['docs/setup.md', 3, 5], 'the unit holding all three words ranks first');

    store.ensureVectorSpace(spaceDefinition(), 'active');
    const response = await new Searcher(store, () => Promise.resolve(undefined)).search('npm proxy restart', { mode: 'lexical' });
    assert.deepEqual([response.hits[0]!.path, response.hits[0]!.startLine, response.hits[0]!.endLine], ['docs/setup.md', 3, 5]);
  } finally {
    store.close();
  }
});

test('schema 7 regroups the pieces a schema 6 index stored one lexical row each', () => {
  const databasePath = temporaryDatabasePath();
  copyFileSync(path.join(FIXTURES, 'schema-v6.db'), databasePath);
  // Pieces as schema 6 wrote them: a chunk row and a lexical row per piece.
  const raw = new Database(databasePath);
  const fileId = Number(raw.prepare("INSERT INTO files (path, content_hash, size, mtime_ms, language) VALUES ('docs/split.md', 'split', 50, 1, 'markdown')").run().lastInsertRowid);
  const insertChunk = raw.prepare(`INSERT INTO chunks (file_id, chunker, ordinal, content_hash, start_line, end_line, language, kind, symbol, scope, signature, doc_comment, part_index, part_count, text)
    VALUES (?, 'chunker-1', ?, ?, ?, ?, 'markdown', 'section', 'Split', '["Split"]', NULL, NULL, ?, 2, ?)`);
  const insertLexical = raw.prepare("INSERT INTO chunks_lexical (rowid, path, symbol, body) VALUES (?, 'docs split', 'split', ?)");
  for (const [index, text] of ['zebra crossing', 'yak shaving'].entries()) {
    const id = Number(insertChunk.run(fileId, index, `piece-${index}`, 1 + index, 1 + index, index, text).lastInsertRowid);
    insertLexical.run(id, text);
  }
  raw.close();

  const store = IndexStore.open(databasePath);
  try {
    assert.deepEqual(store.checkIntegrity(), []);
    const matches = store.lexical('chunker-1', lexicalQuery(queryWords('zebra yak'))!, 10);
    assert.equal(matches.length, 1, 'both pieces are one unit after the migration');
    const head = store.chunksById([matches[0]!.chunkId]).get(matches[0]!.chunkId)!;
    assert.deepEqual([head.startLine, head.lexicalEndLine], [1, 2]);
  } finally {
    store.close();
  }
});
