// Search results on real repositories (files of gin and rich from ../shared/eval, indexed with the default model):
// every result's label, range and opening line describe one definition, and a result's callees are those of the
// whole definition. The checks read definitions with plain patterns (test/helpers/definition-lines.ts), not with
// the chunker under test.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import { relationsOf } from '../../../extension/core/search/relations.ts';
import type { SearchHit } from '../../../extension/core/search/search.ts';
import { definitionLines, resultProblem, type DefinitionLine } from '../../helpers/definition-lines.ts';
import { offlineModel } from '../../helpers/models.ts';

const EVAL_SETS = path.resolve(import.meta.dirname, '../../../../shared/eval/sets');
const FILES = {
  'code-gin': ['gin.go', 'context.go', 'routergroup.go', 'tree.go', 'recovery.go', 'logger.go', 'auth.go', 'utils.go', 'path.go', 'response_writer.go'],
  'code-rich': ['rich/table.py', 'rich/progress.py', 'rich/text.py', 'rich/panel.py', 'rich/live.py', 'rich/_log_render.py', 'rich/syntax.py'],
} as const;
const GENERIC_QUERIES = ['parse the configuration', 'render a table', 'handle the request', 'write to the console', 'error handling', 'read a file', 'test', 'recover from a panic', 'add a column'];
const missing = !existsSync(EVAL_SETS) && `../shared/eval is not next to the project (${EVAL_SETS})`;

describe('results on real repositories', { skip: missing }, () => {
  let root: string;
  let index: FolderIndex;
  const queries: string[] = [...GENERIC_QUERIES];

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'semsearch-real-'));
    for (const [set, files] of Object.entries(FILES)) {
      for (const file of files) {
        mkdirSync(path.dirname(path.join(root, 'corpus', file)), { recursive: true });
        cpSync(path.join(EVAL_SETS, set, 'corpus', file), path.join(root, 'corpus', file));
      }
      // The sets' dev queries about these files: real descriptions of real functions.
      for (const line of readFileSync(path.join(EVAL_SETS, set, 'dev', 'queries.jsonl'), 'utf8').trim().split('\n')) {
        const query = JSON.parse(line) as { query: string; path: string };
        if ((files as readonly string[]).includes(query.path)) queries.push(query.query);
      }
    }
    index = await FolderIndex.open({ root: path.join(root, 'corpus'), databasePath: path.join(root, 'index.db'), modelDirectory: offlineModel('use-lite'), quantization: 'int8', device: 'cpu', threads: 1 });
    await index.index();
  });
  after(async () => {
    await index?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('labels, ranges and opening lines of every result describe one definition', async () => {
    assert.ok(queries.length >= 30, `enough real queries (${queries.length})`);
    const definitions = new Map<string, DefinitionLine[]>();
    const problems: string[] = [];
    let checked = 0;
    let split = 0;
    for (const query of queries) {
      for (const mode of ['hybrid', 'dense', 'lexical'] as const) {
        for (const hit of (await index.search(query, { k: 10, mode })).hits) {
          if (!definitions.has(hit.path)) definitions.set(hit.path, definitionLines(hit.path, readFileSync(path.join(root, 'corpus', hit.path), 'utf8')));
          const problem = resultProblem(hit, definitions.get(hit.path)!);
          if (problem) problems.push(`${mode} "${query.slice(0, 40)}": ${problem}`);
          checked += 1;
          if (hit.chunkIds.length > 1 || hit.openLine !== hit.startLine) split += 1;
        }
      }
    }
    assert.deepEqual([...new Set(problems)].slice(0, 20), [], `${problems.length} of ${checked} results are wrong`);
    assert.ok(checked > 1000, `results checked: ${checked}`);
    assert.ok(split > 50, `results made of several pieces or opening below their start: ${split} (the checks must see split definitions)`);
  });

  /** The one result whose label is `scope.symbol` for a query naming it. */
  async function definitionHit(query: string, file: string, symbol: string): Promise<SearchHit> {
    const hits = (await index.search(query, { k: 20 })).hits;
    const hit = hits.find((candidate) => candidate.path === file && candidate.symbol === symbol);
    assert.ok(hit, `"${query}" finds ${file} ${symbol}: ${hits.map((candidate) => `${candidate.path} ${candidate.symbol}`).join(', ')}`);
    return hit;
  }

  it('a result lists the callees of its whole definition, not only of the piece that matched', async () => {
    // Checked by hand against the source: the calls in each body whose names are defined in the indexed files.
    const cases = [
      { query: 'handleHTTPRequest', file: 'gin.go', symbol: 'handleHTTPRequest', callees: ['cleanPath', 'getValue', 'Next', 'WriteHeaderNow', 'redirectTrailingSlash', 'redirectFixedPath', 'serveError'] },
      // add_cell is nested in add_row's body (no chunk of its own); is_renderable and errors live in files not indexed.
      { query: 'add_row', file: 'rich/table.py', symbol: 'add_row', callees: ['Column', 'Text', 'Row'] },
    ];
    for (const expected of cases) {
      const hit = await definitionHit(expected.query, expected.file, expected.symbol);
      const callees = new Set(relationsOf(index.store, hit.chunkIds).callees.map((callee) => callee.name));
      for (const name of expected.callees) assert.ok(callees.has(name), `${expected.symbol} calls ${name}; listed: ${[...callees].join(', ')}`);
    }
  });
});
