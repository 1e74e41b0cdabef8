// Per-kind lexical scoring: each kind in its own statistics, as a share of its ceiling, prose weighted by the
// query's leaning. Pure functions on hand-made statistics; the store side is exercised by the search tests.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kindBm25, kindCeiling, mergeKinds, proseLeaning } from '../../../extension/core/search/lexical-kinds.ts';
import type { LexicalKindStatistics, LexicalRow } from '../../../extension/core/store/index-store.ts';

const statistics = (documents: number, averageLength: number, frequencies: Record<string, number>): LexicalKindStatistics => ({ documents, averageLength, frequencies: new Map(Object.entries(frequencies)) });
const row = (chunkId: number, body: number, counts: Record<string, number>): LexicalRow => ({ chunkId, lengths: [2, 0, body], counts: new Map(Object.entries(counts).map(([word, count]) => [word, [0, 0, count]])) });

describe('per-kind lexical scoring', () => {
  const prose = statistics(100, 400, { install: 10, plugin: 20, parse: 2 });
  const code = statistics(1000, 40, { install: 5, plugin: 30, parse: 300 });

  it('normalises length by the kind of the document: a long section of average prose length is not penalised', () => {
    const section = kindBm25(row(1, 400, { install: 2 }), prose, { k1: 1.2, b: 0.75 });
    const sameSectionAmongCode = kindBm25(row(1, 400, { install: 2 }), { ...prose, averageLength: 40 }, { k1: 1.2, b: 0.75 });
    assert.ok(section > sameSectionAmongCode * 2);
  });

  it('takes each score as a share of its kind ceiling, from 0 to 1', () => {
    const words = ['install', 'plugin'];
    const { scored } = mergeKinds(words, { prose: [row(1, 400, { install: 50, plugin: 50 })], code: [row(2, 40, { install: 1 })] }, { prose, code });
    for (const entry of scored) assert.ok(entry.share > 0 && entry.share <= 1, String(entry.share));
    assert.ok(kindCeiling(words, prose, { k1: 1.2, b: 0.75 }) > 0);
    assert.equal(scored[0]!.chunkId, 1);
  });

  it('leans towards prose for words of the docs and towards code for words of the code', () => {
    assert.ok(proseLeaning(['install'], prose, code) > 0);
    assert.ok(proseLeaning(['parse'], prose, code) < 0);
    assert.equal(proseLeaning(['install'], statistics(0, 0, {}), code), 0);
    const towardsProse = mergeKinds(['install'], { prose: [], code: [] }, { prose, code }).proseWeight;
    const towardsCode = mergeKinds(['parse'], { prose: [], code: [] }, { prose, code }).proseWeight;
    assert.ok(towardsProse > 1 && towardsCode < 1);
  });
});

describe('per-kind lexical scoring in a store', () => {
  it('reads counts and lengths from the contentless FTS5 index and scores each kind in its own statistics', async () => {
    const { Searcher } = await import('../../../extension/core/search/search.ts');
    const { makeChunk, openTemporaryStore, spaceDefinition } = await import('../store/helpers.ts');
    const store = openTemporaryStore();
    try {
      const prose = makeChunk({ path: 'docs/proxy.md', language: 'markdown', kind: 'section', symbol: 'Proxy', scope: ['Setup', 'Proxy'], text: ['## Proxy', '', 'Configure the corporate proxy before you restart the language server.', 'The proxy settings live in your user settings.'].join('\n') });
      const code = makeChunk({ path: 'src/proxy.ts', text: 'export function restartServer(proxy: string) { return proxy; }', symbol: 'restartServer' });
      store.replaceFile({ path: 'docs/proxy.md', contentHash: 'a', size: 1, mtimeMs: 1, language: 'markdown' }, new Map([['chunker-1', [prose]]]));
      store.replaceFile({ path: 'src/proxy.ts', contentHash: 'b', size: 1, mtimeMs: 1, language: 'typescript' }, new Map([['chunker-1', [code]]]));
      const statistics = store.lexicalKindStatistics('chunker-1', ['proxi', 'restart']);
      assert.deepEqual([statistics.prose.documents, statistics.code.documents], [1, 1]);
      assert.equal(statistics.prose.frequencies.get('proxi'), 1);
      const rows = store.lexicalRows('chunker-1', '"proxi"', ['proxi'], 'prose', 10);
      assert.equal(rows.length, 1);
      // "proxy" three times in the body, once in the scope (Setup > Proxy) and once in the symbol: 3 + 2 in the symbol column.
      assert.deepEqual(rows[0]!.counts.get('proxi'), [1, 2, 3]);
      assert.ok(rows[0]!.lengths[2] > 10);

      store.ensureVectorSpace(spaceDefinition(), 'active');
      const searcher = new Searcher(store, () => Promise.resolve(undefined));
      const folder = searcher.candidates('configure the proxy', undefined, { mode: 'lexical', lexicalKinds: true });
      assert.deepEqual(folder.lexical.map((entry) => entry.perKind?.kind).sort(), ['code', 'prose']);
      for (const entry of folder.lexical) assert.ok(entry.perKind!.share > 0 && entry.perKind!.share <= 1);
    } finally {
      store.close();
    }
  });
});
