// Callers and callees of a result, and call expansion: the definitions of what the top hits call, placed right
// after them. A store with hand-made chunks and relations, searched by words (no model needed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Chunk } from '../../../extension/core/chunking/types.ts';
import { callExpansion } from '../../../extension/core/search/expand-calls.ts';
import { relationsOf } from '../../../extension/core/search/relations.ts';
import { Searcher } from '../../../extension/core/search/search.ts';
import type { IndexStore } from '../../../extension/core/store/index-store.ts';
import { makeChunk, openTemporaryStore, spaceDefinition } from '../store/helpers.ts';

type Definition = { symbol: string; text: string; calls?: string[]; line?: number };

function addFile(store: IndexStore, path: string, definitions: Definition[]): void {
  const chunks: Chunk[] = definitions.map(({ symbol, text, calls = [], line = 1 }) =>
    makeChunk({ path, symbol, text, startLine: line, endLine: line + 2, relations: { defines: [symbol], calls, imports: [] } }));
  store.replaceFile({ path, contentHash: `hash-of-${path}`, size: 1, mtimeMs: 1, language: 'typescript' }, new Map([['chunker-1', chunks]]), 1);
}

/** A small web server: handleRequest calls parseHeaders (one definition nearby) and respond (two, elsewhere). */
function webServer(): IndexStore {
  const store = openTemporaryStore();
  store.ensureVectorSpace(spaceDefinition(), 'active');
  addFile(store, 'src/http/server.ts', [{ symbol: 'handleRequest', text: 'handle an incoming request: route it and answer', calls: ['parseHeaders', 'respond', 'log'] }]);
  addFile(store, 'src/http/headers.ts', [{ symbol: 'parseHeaders', text: 'split raw bytes into header fields' }]);
  addFile(store, 'lib/a/respond.ts', [{ symbol: 'respond', text: 'write a body' }]);
  addFile(store, 'lib/b/respond.ts', [{ symbol: 'respond', text: 'write a status' }]);
  addFile(store, 'src/main.ts', [{ symbol: 'main', text: 'start the server', calls: ['handleRequest'] }]);
  addFile(store, 'src/routes.ts', [
    { symbol: 'routeRequest', text: 'route a request to its handler', line: 1 },
    { symbol: 'requestLog', text: 'keep a log of each request', line: 10 },
  ]);
  return store;
}

const lexical = (store: IndexStore) => new Searcher(store, () => undefined);

test('relationsOf: callers of the names a result defines, callees of the names it calls, nearest first', () => {
  const store = webServer();
  try {
    const [handle] = store.chunksOfFile('src/http/server.ts', 'chunker-1');
    const relations = relationsOf(store, handle!.id);
    assert.deepEqual(relations.callers.map((entry) => `${entry.symbol} ${entry.path} ${entry.name}`), ['main src/main.ts handleRequest']);
    assert.deepEqual(relations.callees.map((entry) => `${entry.symbol} ${entry.path} ${entry.proximity} ${entry.definitions}`), [
      'parseHeaders src/http/headers.ts same-directory 1',
      'respond lib/a/respond.ts elsewhere 2',
      'respond lib/b/respond.ts elsewhere 2',
    ]);
    assert.equal(relations.truncated, false);
    const capped = relationsOf(store, [handle!.id], { limit: 1 });
    assert.equal(capped.callees.length, 1);
    assert.equal(capped.truncated, true);
  } finally {
    store.close();
  }
});

test("relationsOf: a method calling a name its own class defines reaches that method, not another class's", () => {
  // httpx's _client.py: Client and AsyncClient each define _send_handling_redirects and _send_single_request, and
  // each class's methods call their own.
  const store = openTemporaryStore();
  try {
    store.ensureVectorSpace(spaceDefinition(), 'active');
    const method = (scope: string, symbol: string, line: number, calls: string[] = []): Chunk =>
      makeChunk({ path: 'httpx/_client.py', language: 'python', kind: 'method', scope: [scope], symbol, text: `def ${symbol}(self): ...`, startLine: line, endLine: line + 2, relations: { defines: [symbol], calls, imports: [] } });
    const chunks = [
      method('Client', '_send_handling_auth', 10, ['_send_handling_redirects']),
      method('Client', '_send_handling_redirects', 20, ['_send_single_request', 'log']),
      method('Client', '_send_single_request', 30),
      method('AsyncClient', '_send_handling_auth', 40, ['_send_handling_redirects']),
      method('AsyncClient', '_send_handling_redirects', 50, ['_send_single_request']),
      method('AsyncClient', '_send_single_request', 60),
      makeChunk({ path: 'httpx/_client.py', language: 'python', symbol: 'log', text: 'def log(): ...', startLine: 70, endLine: 72, relations: { defines: ['log'], calls: [], imports: [] } }),
      // Outside any class: reaches both, as before.
      makeChunk({ path: 'httpx/_api.py', language: 'python', symbol: 'send', text: 'def send(): ...', startLine: 1, endLine: 3, relations: { defines: ['send'], calls: ['_send_single_request'], imports: [] } }),
    ];
    const byPath = new Map<string, Chunk[]>();
    for (const chunk of chunks) byPath.set(chunk.path, [...(byPath.get(chunk.path) ?? []), chunk]);
    for (const [path, fileChunks] of byPath) store.replaceFile({ path, contentHash: `hash-of-${path}`, size: 1, mtimeMs: 1, language: 'python' }, new Map([['chunker-1', fileChunks]]), 1);
    const stored = store.chunksOfFile('httpx/_client.py', 'chunker-1');
    const named = (scope: string, symbol: string) => stored.find((chunk) => chunk.scope[0] === scope && chunk.symbol === symbol)!;
    const where = (entries: { scope: string[]; symbol: string | undefined; definitions?: number }[]) => entries.map((entry) => `${entry.scope.join('.') || '-'} ${entry.symbol}`);

    const redirects = relationsOf(store, named('Client', '_send_handling_redirects').id);
    assert.deepEqual(where(redirects.callees), ['Client _send_single_request', '- log']);
    assert.equal(redirects.callees[0]!.definitions, 1);
    assert.deepEqual(where(redirects.callers), ['Client _send_handling_auth']);

    const asyncSingle = relationsOf(store, named('AsyncClient', '_send_single_request').id);
    assert.deepEqual(where(asyncSingle.callers).sort(), ['- send', 'AsyncClient _send_handling_redirects']);
    const [send] = store.chunksOfFile('httpx/_api.py', 'chunker-1');
    assert.deepEqual(where(relationsOf(store, send!.id).callees), ['Client _send_single_request', 'AsyncClient _send_single_request']);
  } finally {
    store.close();
  }
});

test('expandCalls puts the definition a top hit calls right after it, marked via, and keeps k', async () => {
  const store = webServer();
  try {
    const searcher = lexical(store);
    const plain = await searcher.search('handle incoming request', { mode: 'lexical', k: 3 });
    assert.equal(plain.hits[0]!.symbol, 'handleRequest');
    assert.ok(plain.hits.every((hit) => hit.symbol !== 'parseHeaders' && hit.via === undefined));

    const expanded = await searcher.search('handle incoming request', { mode: 'lexical', k: 3, expandCalls: true });
    assert.deepEqual(expanded.hits.map((hit) => hit.symbol), ['handleRequest', 'parseHeaders', plain.hits[1]!.symbol]);
    assert.deepEqual(expanded.hits[1]!.via, { calledBy: plain.hits[0]!.chunkIds[0], name: 'parseHeaders' });
    assert.equal(expanded.hits[1]!.path, 'src/http/headers.ts');
    // `respond` has two definitions as near as each other: a guess, so it is not pulled in.
    assert.ok(expanded.hits.every((hit) => hit.symbol !== 'respond'));
    assert.equal(expanded.hits.length, 3, 'the expanded list is cut to k');
  } finally {
    store.close();
  }
});

test('expandCalls adds nothing a result already shows, and only for the top hits it is asked to expand', async () => {
  const store = webServer();
  try {
    const searcher = lexical(store);
    // parseHeaders is a result of its own here: it is not added again after its caller.
    const both = await searcher.search('handle request header fields', { mode: 'lexical', k: 5, expandCalls: true });
    assert.equal(both.hits.filter((hit) => hit.symbol === 'parseHeaders').length, 1);
    assert.ok(both.hits.every((hit) => hit.via === undefined));
    // The caller ranks second: expanding only the top hit leaves it alone.
    const second = await searcher.search('route request handler', { mode: 'lexical', k: 5 });
    const position = second.hits.findIndex((hit) => hit.symbol === 'handleRequest');
    assert.ok(position >= 1, 'handleRequest is not the top hit');
    const onlyTop = await searcher.search('route request handler', { mode: 'lexical', k: 5, expandCalls: position });
    assert.ok(onlyTop.hits.every((hit) => hit.via === undefined));
    const enough = await searcher.search('route request handler', { mode: 'lexical', k: 6, expandCalls: position + 1 });
    assert.equal(enough.hits[position + 1]!.symbol, 'parseHeaders');
  } finally {
    store.close();
  }
});

test('callExpansion: true is the top 3 hits with one callee each; a count picks the hits; anything else is off', () => {
  assert.deepEqual(callExpansion(true), { hits: 3, perHit: 1 });
  assert.deepEqual(callExpansion(5), { hits: 5, perHit: 1 });
  for (const off of [false, undefined, 0, -1, 1.5]) assert.equal(callExpansion(off), undefined);
});
