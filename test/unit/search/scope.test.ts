// The search scope: source code only, documentation only, or everything; as a rule on one chunk and as a filter
// of a search over a store that holds all three kinds of file.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inScope } from '../../../extension/core/search/scope.ts';
import { Searcher } from '../../../extension/core/search/search.ts';
import { makeChunk, openTemporaryStore, spaceDefinition } from '../store/helpers.ts';

describe('search scope', () => {
  it('counts grammar-parsed files as code and prose files as docs; configuration is in neither', () => {
    const cases: [string, string, boolean, boolean][] = [
      ['src/proxy.ts', 'typescript', true, false],
      ['lib/router.go', 'go', true, false],
      ['docs/proxy.md', 'markdown', false, true],
      ['docs/index.rst', 'restructuredtext', false, true],
      ['README', 'text', false, true],
      ['notes/todo.txt', 'text', false, true],
      ['config/proxy.yml', 'text', false, false],
      ['package.json', 'text', false, false],
    ];
    for (const [path, language, code, docs] of cases) {
      assert.equal(inScope('code', { path, language }), code, `${path} code`);
      assert.equal(inScope('docs', { path, language }), docs, `${path} docs`);
      assert.equal(inScope('all', { path, language }), true, `${path} all`);
    }
  });

  it('filters every list of a search: lexical, symbol and the results', async () => {
    const store = openTemporaryStore();
    try {
      const files: [string, string, ReturnType<typeof makeChunk>][] = [
        ['docs/proxy.md', 'markdown', makeChunk({ path: 'docs/proxy.md', language: 'markdown', kind: 'section', symbol: 'Proxy', scope: ['Proxy'], text: '## Proxy\n\nRestart the server after changing the proxy settings.' })],
        ['src/proxy.ts', 'typescript', makeChunk({ path: 'src/proxy.ts', text: 'export function restartProxy(proxy: string) { return proxy; }', symbol: 'restartProxy' })],
        ['config/proxy.yml', 'text', makeChunk({ path: 'config/proxy.yml', language: 'text', kind: 'window', text: 'proxy:\n  restart: true' })],
      ];
      for (const [index, [path, language, chunk]] of files.entries()) {
        store.replaceFile({ path, contentHash: String(index), size: 1, mtimeMs: 1, language }, new Map([['chunker-1', [chunk]]]));
      }
      store.ensureVectorSpace(spaceDefinition(), 'active');
      const searcher = new Searcher(store, () => Promise.resolve(undefined));
      const paths = async (scope?: 'all' | 'code' | 'docs') =>
        (await searcher.search('restart proxy restartProxy', { mode: 'lexical', scope })).hits.map((hit) => hit.path).sort();
      assert.deepEqual(await paths(), ['config/proxy.yml', 'docs/proxy.md', 'src/proxy.ts']);
      assert.deepEqual(await paths('all'), ['config/proxy.yml', 'docs/proxy.md', 'src/proxy.ts']);
      assert.deepEqual(await paths('code'), ['src/proxy.ts']);
      assert.deepEqual(await paths('docs'), ['docs/proxy.md']);
    } finally {
      store.close();
    }
  });
});
