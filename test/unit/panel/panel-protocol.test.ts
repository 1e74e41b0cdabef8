import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRelativePath } from '../../../extension/host/workspace-paths.ts';
import { parseFromPanel, parsePanelState, parseResult, parseToPanel } from '../../../extension/protocol/panel-protocol.ts';
import type { PanelResult, PanelState } from '../../../extension/protocol/panel-protocol.ts';

function result(overrides: Partial<PanelResult> = {}): PanelResult {
  return {
    folder: 'file:///work/repo',
    folderName: 'repo',
    path: 'src/http.ts',
    startLine: 10,
    endLine: 20,
    language: 'typescript',
    kind: 'function',
    symbol: 'parseHeader',
    scope: ['HttpParser'],
    snippet: 'function parseHeader(line: string) {\n  return line;\n}',
    snippetStartLine: 10,
    scores: { dense: 0.81, lexical: 7.5, fused: 0.0328 },
    ...overrides,
  };
}

const filters = { languages: ['python'], pathGlob: 'src/**' };

describe('parseFromPanel', () => {
  it('accepts each message type and returns a copy with only the known fields', () => {
    assert.deepEqual(parseFromPanel({ type: 'ready', extra: 1 }), { type: 'ready' });
    const search = { type: 'search', requestId: 3, query: 'parse header', filters: { ...filters, extra: true }, extra: 'x' };
    const parsed = parseFromPanel(search);
    assert.deepEqual(parsed, { type: 'search', requestId: 3, query: 'parse header', filters });
    assert.notEqual(parsed && parsed.type === 'search' ? parsed.filters.languages : undefined, search.filters.languages, 'the language list is copied');
    assert.deepEqual(
      parseFromPanel({ type: 'open', folder: 'file:///work/repo', path: 'src/a.ts', startLine: 1, endLine: 1, preview: true }),
      { type: 'open', folder: 'file:///work/repo', path: 'src/a.ts', startLine: 1, endLine: 1, preview: true },
    );
  });

  it('refuses values that are not messages', () => {
    for (const value of [undefined, null, 0, 'ready', [], [{ type: 'ready' }], { type: 'READY' }, { type: 'unknown' }, {}, { type: 1 }]) {
      assert.equal(parseFromPanel(value), undefined, JSON.stringify(value));
    }
  });

  it('refuses a search with a wrong field', () => {
    const valid = { type: 'search', requestId: 1, query: 'q', filters };
    const wrong: Array<[string, Record<string, unknown>]> = [
      ['negative id', { requestId: -1 }],
      ['fractional id', { requestId: 1.5 }],
      ['NaN id', { requestId: Number.NaN }],
      ['unsafe id', { requestId: 2 ** 60 }],
      ['string id', { requestId: '1' }],
      ['missing query', { query: undefined }],
      ['numeric query', { query: 5 }],
      ['query over 2000 characters', { query: 'x'.repeat(2001) }],
      ['missing filters', { filters: undefined }],
      ['languages not a list', { filters: { languages: 'python', pathGlob: '' } }],
      ['a language that is not a string', { filters: { languages: [1], pathGlob: '' } }],
      ['a language over 50 characters', { filters: { languages: ['x'.repeat(51)], pathGlob: '' } }],
      ['more than 50 languages', { filters: { languages: Array.from({ length: 51 }, (_, index) => `l${index}`), pathGlob: '' } }],
      ['glob over 500 characters', { filters: { languages: [], pathGlob: '*'.repeat(501) } }],
      ['glob missing', { filters: { languages: [] } }],
    ];
    assert.ok(parseFromPanel(valid));
    assert.ok(parseFromPanel({ ...valid, query: 'x'.repeat(2000) }), 'exactly at the limit');
    for (const [name, change] of wrong) assert.equal(parseFromPanel({ ...valid, ...change }), undefined, name);
  });

  it('refuses an open with a wrong field', () => {
    const valid = { type: 'open', folder: 'file:///w', path: 'a.ts', startLine: 3, endLine: 5, preview: false };
    const wrong: Array<[string, Record<string, unknown>]> = [
      ['line 0', { startLine: 0 }],
      ['negative line', { startLine: -4 }],
      ['fractional line', { endLine: 5.5 }],
      ['infinite line', { endLine: Number.POSITIVE_INFINITY }],
      ['end before start', { startLine: 6, endLine: 5 }],
      ['string line', { startLine: '3' }],
      ['preview not boolean', { preview: 'true' }],
      ['preview missing', { preview: undefined }],
      ['folder not a string', { folder: { toString: () => 'file:///w' } }],
      ['path over 4096 characters', { path: 'a/'.repeat(2049) }],
    ];
    assert.ok(parseFromPanel(valid));
    for (const [name, change] of wrong) assert.equal(parseFromPanel({ ...valid, ...change }), undefined, name);
  });

  it('lets odd open paths through as data: refusing them is the host path check\'s job', () => {
    for (const path of ['../../etc/passwd', '/etc/passwd', 'C:\\Windows\\win.ini', '\\\\server\\share\\x', 'a\0b', '%2e%2e/secret', 'file:///etc/passwd']) {
      const message = parseFromPanel({ type: 'open', folder: 'file:///w', path, startLine: 1, endLine: 1, preview: false });
      assert.ok(message && message.type === 'open' && message.path === path, path);
      assert.notEqual(checkRelativePath(path), undefined, `the host refuses ${JSON.stringify(path)}`);
    }
  });

  it('keeps markup in strings as plain data', () => {
    const query = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    assert.deepEqual(parseFromPanel({ type: 'search', requestId: 1, query, filters: { languages: [], pathGlob: '"><svg onload=x>' } }), {
      type: 'search', requestId: 1, query, filters: { languages: [], pathGlob: '"><svg onload=x>' },
    });
  });

  it('does not carry an own __proto__ key into the result', () => {
    const message = parseFromPanel(JSON.parse('{"type":"search","requestId":1,"query":"q","filters":{"languages":[],"pathGlob":"","__proto__":{"polluted":true}},"__proto__":{"polluted":true}}'));
    assert.ok(message);
    assert.equal((message as unknown as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('parseToPanel', () => {
  const results = { type: 'results', requestId: 2, query: 'q', results: [result()], partial: false, notice: null, milliseconds: 12.5 };

  it('accepts each message type', () => {
    assert.deepEqual(parseToPanel({ type: 'searching', requestId: 2, query: 'q' }), { type: 'searching', requestId: 2, query: 'q' });
    assert.deepEqual(parseToPanel(results), results);
    assert.deepEqual(parseToPanel({ type: 'searchFailed', requestId: 2, message: 'The index is locked.' }), { type: 'searchFailed', requestId: 2, message: 'The index is locked.' });
    assert.deepEqual(parseToPanel({ type: 'show', query: 'q', filters, results: null }), { type: 'show', query: 'q', filters, results: null });
    assert.deepEqual(parseToPanel({ type: 'show', query: '', filters, results: [result()] }), { type: 'show', query: '', filters, results: [result()] });
    for (const state of ['ready', 'indexing', 'partial', 'paused', 'error', 'idle']) {
      assert.deepEqual(parseToPanel({ type: 'indexStatus', state, text: 't', languages: ['python'] }), { type: 'indexStatus', state, text: 't', languages: ['python'] });
    }
  });

  it('refuses results with a wrong field', () => {
    const wrong: Array<[string, Record<string, unknown>]> = [
      ['results not a list', { results: {} }],
      ['more than 500 results', { results: Array.from({ length: 501 }, () => result()) }],
      ['one bad result among good ones', { results: [result(), { ...result(), startLine: 0 }] }],
      ['partial not boolean', { partial: 1 }],
      ['notice not a string', { notice: 3 }],
      ['notice missing', { notice: undefined }],
      ['notice over 2000 characters', { notice: 'n'.repeat(2001) }],
      ['negative time', { milliseconds: -1 }],
      ['NaN time', { milliseconds: Number.NaN }],
      ['infinite time', { milliseconds: Number.POSITIVE_INFINITY }],
      ['query over 2000 characters', { query: 'q'.repeat(2001) }],
    ];
    for (const [name, change] of wrong) assert.equal(parseToPanel({ ...results, ...change }), undefined, name);
  });

  it('refuses other messages with a wrong field', () => {
    assert.equal(parseToPanel({ type: 'searching', requestId: -1, query: 'q' }), undefined);
    assert.equal(parseToPanel({ type: 'searchFailed', requestId: 1, message: 'm'.repeat(2001) }), undefined);
    assert.equal(parseToPanel({ type: 'searchFailed', requestId: 1 }), undefined);
    assert.equal(parseToPanel({ type: 'show', query: 'q', filters, results: undefined }), undefined, 'results must be a list or null');
    assert.equal(parseToPanel({ type: 'show', query: 'q', filters, results: [{}] }), undefined);
    assert.equal(parseToPanel({ type: 'show', query: 'q', results: null }), undefined);
    assert.equal(parseToPanel({ type: 'indexStatus', state: 'done', text: 't', languages: [] }), undefined);
    assert.equal(parseToPanel({ type: 'indexStatus', state: 'ready', text: 't'.repeat(1001), languages: [] }), undefined);
    assert.equal(parseToPanel({ type: 'indexStatus', state: 'ready', text: 't', languages: Array.from({ length: 51 }, (_, index) => `l${index}`) }), undefined);
    assert.equal(parseToPanel({ type: 'indexStatus', state: 'ready', text: 't', languages: [null] }), undefined);
    assert.equal(parseToPanel({ type: 'open', folder: 'f', path: 'p', startLine: 1, endLine: 1, preview: true }), undefined, 'a panel-to-host message is not a host-to-panel one');
  });

  it('keeps markup in snippets and names as plain data', () => {
    const hostile = result({ snippet: '</code><script>alert(1)</script>', symbol: '<img src=x onerror=alert(1)>', path: '<b>.ts', folderName: '&amp;' });
    const parsed = parseToPanel({ ...results, results: [hostile] });
    assert.ok(parsed && parsed.type === 'results');
    assert.deepEqual(parsed.results[0], hostile);
  });
});

describe('parseResult', () => {
  it('copies a result, leaving unknown fields behind', () => {
    const source = { ...result(), html: '<b>x</b>', scores: { ...result().scores, extra: 1 } };
    const parsed = parseResult(source);
    assert.deepEqual(parsed, result());
    assert.notEqual(parsed?.scope, source.scope);
    assert.equal(Object.hasOwn(parsed!, 'html'), false);
  });

  it('refuses a result with a wrong field', () => {
    const wrong: Array<[string, Partial<Record<keyof PanelResult, unknown>>]> = [
      ['missing folder', { folder: undefined }],
      ['line 0', { startLine: 0 }],
      ['negative end line', { endLine: -1 }],
      ['end before start', { startLine: 30, endLine: 20 }],
      ['symbol not string or null', { symbol: 3 }],
      ['scope not a list', { scope: 'A' }],
      ['scope with a number', { scope: ['A', 1] }],
      ['scope deeper than 100', { scope: Array.from({ length: 101 }, () => 's') }],
      ['snippet over 100000 characters', { snippet: 'x'.repeat(100_001) }],
      ['snippet missing', { snippet: undefined }],
      ['snippet start line 0', { snippetStartLine: 0 }],
      ['kind over 50 characters', { kind: 'k'.repeat(51) }],
      ['scores missing', { scores: undefined }],
      ['fused NaN', { scores: { dense: null, lexical: null, fused: Number.NaN } }],
      ['fused infinite', { scores: { dense: null, lexical: null, fused: Number.POSITIVE_INFINITY } }],
      ['fused missing', { scores: { dense: null, lexical: null } }],
      ['dense a string', { scores: { dense: '0.5', lexical: null, fused: 1 } }],
      ['lexical NaN', { scores: { dense: null, lexical: Number.NaN, fused: 1 } }],
    ];
    for (const [name, change] of wrong) assert.equal(parseResult({ ...result(), ...change }), undefined, name);
    assert.ok(parseResult(result({ symbol: null, scope: [], scores: { dense: null, lexical: null, fused: -0.5 } })), 'nulls and negative scores are fine');
  });
});

describe('parsePanelState', () => {
  const state: PanelState = { query: 'q', filters, results: [result(), result({ path: 'b.ts' })], selectedIndex: 1, searchPending: false };

  it('accepts a state and copies it', () => {
    assert.deepEqual(parsePanelState(state), state);
    assert.deepEqual(parsePanelState(JSON.parse(JSON.stringify(state))), state, 'survives a JSON round trip');
  });

  it('reads a state saved before searchPending existed as not pending', () => {
    const { searchPending: _, ...old } = state;
    assert.deepEqual(parsePanelState(old), state);
  });

  it('turns an out-of-range selection into none', () => {
    assert.equal(parsePanelState({ ...state, selectedIndex: 2 })?.selectedIndex, -1);
    assert.equal(parsePanelState({ ...state, selectedIndex: -7 })?.selectedIndex, -1);
    assert.equal(parsePanelState({ ...state, results: [], selectedIndex: 0 })?.selectedIndex, -1);
  });

  it('refuses a state with a wrong field', () => {
    for (const [name, value] of [
      ['undefined', undefined],
      ['null', null],
      ['a string', 'state'],
      ['fractional selection', { ...state, selectedIndex: 0.5 }],
      ['NaN selection', { ...state, selectedIndex: Number.NaN }],
      ['selection as a string', { ...state, selectedIndex: '1' }],
      ['searchPending as a string', { ...state, searchPending: 'yes' }],
      ['missing filters (an older shape)', { query: 'q', results: [], selectedIndex: -1 }],
      ['a bad result', { ...state, results: [{ ...result(), snippet: null }] }],
      ['query too long', { ...state, query: 'q'.repeat(2001) }],
    ] as Array<[string, unknown]>) {
      assert.equal(parsePanelState(value), undefined, name);
    }
  });
});
