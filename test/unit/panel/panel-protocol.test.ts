import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { checkRelativePath } from '../../../extension/host/workspace-paths.ts';
import {
  applicableOption, canMeasureTradeoffs, filtersOf, parseFromPanel, parseMigrationReport, parseMigrationView, parsePanelState, parseResult, parseStorageOptionSpec, parseToPanel,
  parseTradeoffReport, parseTradeoffView, sameStorageOption,
} from '../../../extension/protocol/panel-protocol.ts';
import type { PanelResult, PanelState, PanelTradeoffView } from '../../../extension/protocol/panel-protocol.ts';

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
      ['hide tests not a boolean', { filters: { languages: [], pathGlob: '', hideTests: 'yes' } }],
      ['a scope that is not one of all, code, docs', { filters: { languages: [], pathGlob: '', scope: 'tests' } }],
    ];
    assert.deepEqual(parseFromPanel({ ...valid, filters: { ...filters, scope: 'docs' } }), { ...valid, filters: { ...filters, scope: 'docs' } }, 'a scope is passed on');
    assert.deepEqual(parseFromPanel({ ...valid, filters: { ...filters, scope: 'all' } }), { ...valid, filters }, 'every file is the scope left out');
    assert.deepEqual(filtersOf({ ...filters, scope: 'all' }), filters, 'the filters\' one form leaves every file out too');
    assert.deepEqual(parseFromPanel({ ...valid, filters: { ...filters, hideTests: true } }), { ...valid, filters: { ...filters, hideTests: true } }, 'hide tests is passed on');
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

  it('refuses a message or filters whose fields come from a prototype, and accepts a null-prototype object', () => {
    const open = { type: 'open', folder: 'file:///w', path: 'a.ts', startLine: 1, endLine: 1, preview: false };
    assert.equal(parseFromPanel(Object.create(open)), undefined);
    assert.equal(parseFromPanel({ type: 'search', requestId: 1, query: 'q', filters: Object.create({ languages: [], pathGlob: '' }) }), undefined);
    assert.deepEqual(parseFromPanel(Object.assign(Object.create(null) as object, open)), open);
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
  const state: PanelState = { query: 'q', filters, results: [result(), result({ path: 'b.ts' })], selectedIndex: 1, searchPending: false, view: 'results' };

  it('accepts a state and copies it', () => {
    assert.deepEqual(parsePanelState(state), state);
    assert.deepEqual(parsePanelState(JSON.parse(JSON.stringify(state))), state, 'survives a JSON round trip');
  });

  it('reads a state saved before searchPending existed as not pending', () => {
    const { searchPending: _, ...old } = state;
    assert.deepEqual(parsePanelState(old), state);
  });

  it('reads a state saved before the views existed as showing the results, and keeps the migration view', () => {
    const { view: _, ...old } = state;
    assert.deepEqual(parsePanelState(old), state);
    assert.equal(parsePanelState({ ...state, view: 'migration' })?.view, 'migration');
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
      ['an unknown view', { ...state, view: 'settings' }],
      ['missing filters (an older shape)', { query: 'q', results: [], selectedIndex: -1 }],
      ['a bad result', { ...state, results: [{ ...result(), snippet: null }] }],
      ['query too long', { ...state, query: 'q'.repeat(2001) }],
    ] as Array<[string, unknown]>) {
      assert.equal(parsePanelState(value), undefined, name);
    }
  });
});

describe('the migration messages', () => {
  const fixtures = path.join(import.meta.dirname, 'fixtures');
  /** A report made by the real `migrationReport`, as JSON (as postMessage carries it). */
  const raw = () => JSON.parse(readFileSync(path.join(fixtures, 'migration-report.json'), 'utf8')) as Record<string, any>;
  const firstIndex = () => JSON.parse(readFileSync(path.join(fixtures, 'first-index-report.json'), 'utf8')) as Record<string, any>;
  const view = (report: unknown = raw()) => ({
    phase: 'awaiting-decision', fromModel: 'GloVe', toModel: 'USE lite', detail: '79 of 79 chunks embedded', canCutOver: true, canRollBack: false,
    decisionReason: 'MRR@10 dropped.', report,
  });

  it('accepts a real report and copies what the panel reads, leaving nested threshold details behind', () => {
    const source = raw();
    const message = parseToPanel({ type: 'migration', view: view(source) });
    assert.ok(message && message.type === 'migration');
    const report = message.view.report!;
    assert.deepEqual(report.quality, source.quality);
    assert.deepEqual(report.overlap, source.overlap);
    assert.deepEqual(report.scores, source.scores);
    assert.deepEqual(report.coverage, source.coverage);
    assert.deepEqual(report.queries, source.queries);
    assert.deepEqual([report.from, report.to], [source.from, source.to]);
    const duplicate = (report.thresholds.to as { duplicate: { value: number; details: Record<string, unknown> } }).duplicate;
    assert.equal(duplicate.value, source.thresholds.to.duplicate.value);
    assert.equal(duplicate.details.targetMet, true);
    assert.equal(duplicate.details.recall, source.thresholds.to.duplicate.details.recall);
    assert.equal(duplicate.details.unrelated, undefined, 'a nested summary is not carried');
    assert.notEqual(report.overlap!.perQuery, source.overlap.perQuery, 'lists are copied');
    assert.deepEqual(parseMigrationView(JSON.parse(JSON.stringify(message.view))), message.view, 'a parsed view parses to itself');
    assert.deepEqual(
      { ...message.view, report: null },
      { phase: 'awaiting-decision', fromModel: 'GloVe', toModel: 'USE lite', detail: '79 of 79 chunks embedded', canCutOver: true, canRollBack: false, decisionReason: 'MRR@10 dropped.', report: null },
    );
  });

  it('reads the parts a first index lacks as absent, whether missing, undefined or null', () => {
    const missing = parseMigrationReport(firstIndex());
    assert.ok(missing);
    assert.deepEqual([missing.from, missing.coverage.from, missing.scores.from, missing.thresholds.from, missing.overlap], [undefined, undefined, undefined, undefined, undefined]);
    const nulls = firstIndex();
    Object.assign(nulls, { from: null, overlap: null });
    nulls.coverage.from = null;
    nulls.quality.from = null;
    nulls.queries.examples[0].symbol = null;
    const parsed = parseMigrationReport(nulls);
    assert.ok(parsed);
    assert.deepEqual([parsed.from, parsed.overlap, parsed.coverage.from, parsed.quality!.from, parsed.queries.examples[0]!.symbol], [undefined, undefined, undefined, undefined, undefined]);
    // structuredClone (not JSON) keeps undefined fields: those are fine too.
    assert.ok(parseMigrationReport(structuredClone({ ...firstIndex(), from: undefined, overlap: undefined })));
  });

  it('accepts every phase, no report, and a view switch', () => {
    for (const phase of ['none', 'building', 'awaiting-decision', 'cut-over']) {
      assert.equal(parseToPanel({ type: 'migration', view: { ...view(null), phase } })?.type, 'migration', phase);
    }
    assert.deepEqual(parseToPanel({ type: 'migration', view: { ...view(null), report: undefined, fromModel: null, toModel: null, decisionReason: null } }), {
      type: 'migration', view: { ...view(null), fromModel: null, toModel: null, decisionReason: null },
    });
    assert.deepEqual(parseToPanel({ type: 'showView', view: 'migration' }), { type: 'showView', view: 'migration' });
    assert.deepEqual(parseToPanel({ type: 'showView', view: 'results' }), { type: 'showView', view: 'results' });
    assert.equal(parseToPanel({ type: 'showView', view: 'report' }), undefined);
  });

  it('refuses a view with a wrong field', () => {
    const wrong: Array<[string, Record<string, unknown>]> = [
      ['unknown phase', { phase: 'done' }],
      ['phase missing', { phase: undefined }],
      ['model name a number', { fromModel: 1 }],
      ['model name over 200 characters', { toModel: 'm'.repeat(201) }],
      ['detail null', { detail: null }],
      ['detail over 2000 characters', { detail: 'd'.repeat(2001) }],
      ['canCutOver a string', { canCutOver: 'yes' }],
      ['canRollBack missing', { canRollBack: undefined }],
      ['decision reason a number', { decisionReason: 0 }],
      ['report a string', { report: 'report' }],
      ['report an empty object', { report: {} }],
    ];
    assert.ok(parseMigrationView(view()));
    for (const [name, change] of wrong) assert.equal(parseToPanel({ type: 'migration', view: { ...view(), ...change } }), undefined, name);
    assert.equal(parseToPanel({ type: 'migration' }), undefined, 'no view');
  });

  it('refuses a report with a number, list or string the panel could not render', () => {
    const wrong: Array<[string, (report: Record<string, any>) => void]> = [
      ['version NaN', (report) => (report.version = Number.NaN)],
      ['k a string', (report) => (report.k = '10')],
      ['to missing', (report) => delete report.to],
      ['dimensions fractional', (report) => (report.to.dimensions = 1.5)],
      ['coverage.to missing', (report) => delete report.coverage.to],
      ['share above 1', (report) => (report.coverage.from.shareComplete = 1.5)],
      ['vectors negative', (report) => (report.coverage.to.vectors = -1)],
      ['markedComplete a string', (report) => (report.coverage.to.markedComplete = 'true')],
      ['examples not a list', (report) => (report.queries.examples = {})],
      ['more than 50 examples', (report) => (report.queries.examples = Array.from({ length: 51 }, () => report.queries.examples[0]))],
      ['example path a number', (report) => (report.queries.examples[0].path = 7)],
      ['example symbol a number', (report) => (report.queries.examples[0].symbol = 7)],
      ['overlap mean NaN', (report) => (report.overlap.mean = Number.NaN)],
      ['perQuery not a list', (report) => (report.overlap.perQuery = 'all')],
      ['a perQuery query over 2000 characters', (report) => (report.overlap.perQuery[0].query = 'q'.repeat(2001))],
      ['a perQuery source unknown', (report) => (report.overlap.perQuery[0].source = 'user')],
      ['a perQuery overlap infinite', (report) => (report.overlap.perQuery[3].overlapAt10 = Number.POSITIVE_INFINITY)],
      ['more than 1000 perQuery', (report) => (report.overlap.perQuery = Array.from({ length: 1001 }, () => report.overlap.perQuery[0]))],
      ['scores.to missing', (report) => delete report.scores.to],
      ['a histogram count a string', (report) => (report.scores.to.topScores.counts[3] = '1')],
      ['a histogram count NaN', (report) => (report.scores.from.unrelatedPairs.counts[0] = Number.NaN)],
      ['edges one short', (report) => report.scores.to.topScores.edges.pop()],
      ['edges not increasing', (report) => (report.scores.to.topScores.edges[5] = 0.9)],
      ['no bins', (report) => Object.assign(report.scores.to.topScores, { edges: [0], counts: [] })],
      ['histogram mean a string', (report) => (report.scores.to.topScores.mean = '0.5')],
      ['threshold value null', (report) => (report.thresholds.to.similar.value = null)],
      ['threshold duplicate missing', (report) => delete report.thresholds.from.duplicate],
      ['unavailable a number', (report) => (report.thresholds.to = { unavailable: 3 })],
      ['quality.to missing', (report) => delete report.quality.to],
      ['recall above 1', (report) => (report.quality.from.recallAt10 = 2)],
      ['quality queries negative', (report) => (report.quality.queries = -1)],
    ];
    for (const [name, change] of wrong) {
      const report = raw();
      change(report);
      assert.equal(parseMigrationReport(report), undefined, name);
      assert.equal(parseToPanel({ type: 'migration', view: view(report) }), undefined, name);
    }
    assert.ok(parseMigrationReport({ ...raw(), thresholds: { from: undefined, to: { unavailable: 'Too few vectors.' } } }), 'unavailable thresholds are fine');
  });

  it('keeps markup as plain data and does not carry __proto__ keys of the details', () => {
    const report = raw();
    report.overlap.perQuery[0].query = '<script>alert(1)</script>';
    report.queries.examples[0].path = '"><img src=x onerror=alert(1)>';
    const parsed = parseMigrationReport(report);
    assert.equal(parsed?.overlap?.perQuery[0]?.query, '<script>alert(1)</script>');
    assert.equal(parsed?.queries.examples[0]?.path, '"><img src=x onerror=alert(1)>');
    const polluted = JSON.parse(JSON.stringify(raw()).replace('"targetMet"', '"__proto__":{"polluted":true},"targetMet"'));
    const clean = parseMigrationReport(polluted);
    const details = (clean?.thresholds.to as { duplicate: { details: Record<string, unknown> } }).duplicate.details;
    assert.equal(details.polluted, undefined);
    assert.equal(Object.getPrototypeOf(details), Object.prototype);
  });

  it('parseFromPanel accepts the three migration actions and nothing else', () => {
    for (const action of ['cutOver', 'rollBack', 'refreshReport']) {
      assert.deepEqual(parseFromPanel({ type: 'migrationAction', action, extra: 1 }), { type: 'migrationAction', action });
    }
    for (const action of [undefined, 'cutover', 'delete', 1, null]) assert.equal(parseFromPanel({ type: 'migrationAction', action }), undefined, String(action));
    assert.equal(parseFromPanel({ type: 'showView', view: 'migration' }), undefined, 'a host-to-panel message is not a panel-to-host one');
  });
});

describe('the storage view messages', () => {
  /** A realistic comparison (fixtures/tradeoff-report.json), as JSON (as postMessage carries it). */
  const raw = () => JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', 'tradeoff-report.json'), 'utf8')) as Record<string, any>;
  const view = (report: unknown = raw(), overrides: Record<string, unknown> = {}) => ({ state: 'ready', detail: '', report, applying: false, ...overrides });

  it('accepts a report and copies it whole, with absent optional fields left out', () => {
    const source = raw();
    const message = parseToPanel({ type: 'tradeoffs', view: view(source), extra: 1 });
    assert.ok(message && message.type === 'tradeoffs');
    const report = message.view.report!;
    assert.deepEqual(JSON.parse(JSON.stringify(report)), source, 'nothing is lost');
    assert.equal(report.options[0]!.quality?.mrrAt10, 0.6423);
    assert.deepEqual(report.options[5]!.option, { kind: 'int8', dimensions: 256 });
    assert.deepEqual(Object.keys(report.options[0]!.option), ['kind'], 'no undefined keys in an option');
    assert.equal(report.options[0]!.warning, undefined);
    assert.notEqual(report.options, source.options, 'lists are copied');
    assert.deepEqual(parseTradeoffView(JSON.parse(JSON.stringify(message.view))), message.view, 'a parsed view parses to itself');
  });

  it('reads absent, undefined and null optional parts as absent, and accepts every state with or without a report', () => {
    const source = raw();
    Object.assign(source, { recommended: null });
    Object.assign(source.options[1], { quality: null, warning: null });
    Object.assign(source.options[1].option, { dimensions: null, rescore: undefined });
    const report = parseTradeoffReport(source);
    assert.ok(report);
    assert.deepEqual([report.recommended, report.options[1]!.quality, report.options[1]!.warning], [undefined, undefined, undefined]);
    assert.deepEqual(report.options[1]!.option, { kind: 'int8' });
    for (const state of ['measuring', 'ready', 'failed']) {
      for (const applying of [false, true]) {
        assert.equal(parseToPanel({ type: 'tradeoffs', view: view(null, { state, applying, detail: 'Measuring int8 (2 of 6)…' }) })?.type, 'tradeoffs', state);
        assert.equal(parseToPanel({ type: 'tradeoffs', view: view(undefined, { state, applying }) })?.type, 'tradeoffs', `${state}, no report field`);
      }
    }
    assert.deepEqual(parseToPanel({ type: 'showView', view: 'storage' }), { type: 'showView', view: 'storage' });
    assert.ok(parseTradeoffReport({ ...raw(), options: [], recommended: undefined }), 'no options is a (poor) comparison, not an error');
  });

  it('refuses a view with a wrong field', () => {
    const wrong: Array<[string, Record<string, unknown>]> = [
      ['unknown state', { state: 'done' }],
      ['state missing', { state: undefined }],
      ['detail null', { detail: null }],
      ['detail over 2000 characters', { detail: 'd'.repeat(2001) }],
      ['applying a string', { applying: 'yes' }],
      ['applying missing', { applying: undefined }],
      ['report a string', { report: 'report' }],
      ['report an empty object', { report: {} }],
    ];
    assert.ok(parseTradeoffView(view()));
    for (const [name, change] of wrong) assert.equal(parseToPanel({ type: 'tradeoffs', view: { ...view(), ...change } }), undefined, name);
    assert.equal(parseToPanel({ type: 'tradeoffs' }), undefined, 'no view');
  });

  it('refuses a report with a number, string, list or option the panel could not render or apply', () => {
    const wrong: Array<[string, (report: Record<string, any>) => void]> = [
      ['version 2', (report) => (report.version = 2)],
      ['createdAt a string', (report) => (report.createdAt = '2026-11-26')],
      ['model id missing', (report) => delete report.model.id],
      ['model id over 200 characters', (report) => (report.model.id = 'm'.repeat(201))],
      ['model dimensions 0', (report) => (report.model.dimensions = 0)],
      ['model dimensions fractional', (report) => (report.model.dimensions = 767.5)],
      ['matryoshka a string', (report) => (report.model.matryoshka = 'yes')],
      ['vectors negative', (report) => (report.vectors = -1)],
      ['vectors NaN', (report) => (report.vectors = Number.NaN)],
      ['queries missing', (report) => delete report.queries],
      ['self-supervised queries fractional', (report) => (report.queries.selfSupervised = 1.5)],
      ['options not a list', (report) => (report.options = {})],
      ['more than 50 options', (report) => (report.options = Array.from({ length: 51 }, () => report.options[1]))],
      ['an option null', (report) => (report.options[2] = null)],
      ['an unknown kind', (report) => (report.options[1].option.kind = 'float16')],
      ['option missing', (report) => delete report.options[1].option],
      ['dimensions 0', (report) => (report.options[5].option.dimensions = 0)],
      ['dimensions fractional', (report) => (report.options[5].option.dimensions = 255.5)],
      ['dimensions above the model\'s', (report) => (report.options[5].option.dimensions = 1024)],
      ['dimensions a string', (report) => (report.options[5].option.dimensions = '256')],
      ['rescore unknown', (report) => (report.options[2].option.rescore = 'binary')],
      ['rescore on int8', (report) => (report.options[1].option.rescore = 'float32')],
      ['oversampling below 1', (report) => (report.options[2].option.oversampling = 0.5)],
      ['oversampling above 100', (report) => (report.options[2].option.oversampling = 101)],
      ['oversampling infinite', (report) => (report.options[2].option.oversampling = Number.POSITIVE_INFINITY)],
      ['oversampling on float32', (report) => (report.options[0].option.oversampling = 4)],
      ['label a number', (report) => (report.options[1].label = 8)],
      ['label over 200 characters', (report) => (report.options[1].label = 'l'.repeat(201))],
      ['current a string', (report) => (report.options[0].current = 'true')],
      ['bytes per vector 0', (report) => (report.options[1].bytesPerVector = 0)],
      ['bytes per vector NaN', (report) => (report.options[1].bytesPerVector = Number.NaN)],
      ['total bytes negative', (report) => (report.options[1].totalBytes = -1)],
      ['total bytes infinite', (report) => (report.options[1].totalBytes = Number.POSITIVE_INFINITY)],
      ['latency missing', (report) => delete report.options[1].latency],
      ['p50 negative', (report) => (report.options[1].latency.p50 = -0.1)],
      ['p95 NaN', (report) => (report.options[1].latency.p95 = Number.NaN)],
      ['recall vs exact above 1', (report) => (report.options[1].recallAt10VsExact = 1.01)],
      ['recall vs exact negative', (report) => (report.options[1].recallAt10VsExact = -0.01)],
      ['quality a number', (report) => (report.options[1].quality = 0.6)],
      ['quality MRR above 1', (report) => (report.options[1].quality.mrrAt10 = 1.5)],
      ['quality recall missing', (report) => delete report.options[1].quality.recallAt10],
      ['warning a number', (report) => (report.options[5].warning = 1)],
      ['warning over 2000 characters', (report) => (report.options[5].warning = 'w'.repeat(2001))],
      ['recommended out of range', (report) => (report.recommended = 6)],
      ['recommended negative', (report) => (report.recommended = -1)],
      ['recommended fractional', (report) => (report.recommended = 0.5)],
      ['recommendation missing', (report) => delete report.recommendation],
      ['recommendation over 2000 characters', (report) => (report.recommendation = 'r'.repeat(2001))],
    ];
    for (const [name, change] of wrong) {
      const report = raw();
      change(report);
      assert.equal(parseTradeoffReport(report), undefined, name);
      assert.equal(parseToPanel({ type: 'tradeoffs', view: view(report) }), undefined, name);
    }
  });

  it('keeps markup as plain data and carries no unknown or __proto__ keys', () => {
    const source = raw();
    source.options[1].label = '<script>alert(1)</script>';
    source.recommendation = '"><img src=x onerror=alert(1)>';
    const polluted = JSON.parse(JSON.stringify(source).replace('"kind":"int8"', '"__proto__":{"polluted":true},"kind":"int8","extra":1'));
    const report = parseTradeoffReport(polluted);
    assert.equal(report?.options[1]?.label, '<script>alert(1)</script>');
    assert.equal(report?.recommendation, '"><img src=x onerror=alert(1)>');
    const option = report!.options[1]!.option as unknown as Record<string, unknown>;
    assert.deepEqual(Object.keys(option), ['kind']);
    assert.equal(option.polluted, undefined);
    assert.equal(Object.getPrototypeOf(option), Object.prototype);
  });

  it('parseFromPanel accepts applyStorage with a valid option and measureTradeoffs, copying only the known fields', () => {
    assert.deepEqual(parseFromPanel({ type: 'measureTradeoffs', extra: 1 }), { type: 'measureTradeoffs' });
    assert.deepEqual(
      parseFromPanel({ type: 'applyStorage', option: { kind: 'binary', rescore: 'int8', oversampling: 10, extra: 'x' }, extra: 1 }),
      { type: 'applyStorage', option: { kind: 'binary', rescore: 'int8', oversampling: 10 } },
    );
    assert.deepEqual(parseFromPanel({ type: 'applyStorage', option: { kind: 'int8', dimensions: 256 } }), { type: 'applyStorage', option: { kind: 'int8', dimensions: 256 } });
    const wrong = [undefined, null, 'int8', {}, { kind: 'float16' }, { kind: 'int8', dimensions: -256 }, { kind: 'int8', dimensions: 70_000 }, { kind: 'int8', rescore: 'float32' },
      { kind: 'binary', oversampling: 1000 }, { kind: 'binary', rescore: 'float64' }];
    for (const option of wrong) assert.equal(parseFromPanel({ type: 'applyStorage', option }), undefined, JSON.stringify(option));
    assert.equal(parseFromPanel({ type: 'tradeoffs', view: view() }), undefined, 'a host-to-panel message is not a panel-to-host one');
  });

  it('parseStorageOptionSpec bounds dimensions by the model\'s when given', () => {
    assert.deepEqual(parseStorageOptionSpec({ kind: 'float32', dimensions: 512 }, 768), { kind: 'float32', dimensions: 512 });
    assert.equal(parseStorageOptionSpec({ kind: 'float32', dimensions: 1024 }, 768), undefined);
    assert.deepEqual(parseStorageOptionSpec({ kind: 'float32', dimensions: 1024 }), { kind: 'float32', dimensions: 1024 });
  });

  it('sameStorageOption, applicableOption and canMeasureTradeoffs: Apply only for an option of a ready report that is not the current one', () => {
    const parsed = parseTradeoffView(view()) as PanelTradeoffView;
    assert.ok(sameStorageOption({ kind: 'binary', rescore: 'float32', oversampling: 4 }, { oversampling: 4, rescore: 'float32', kind: 'binary' }));
    assert.ok(!sameStorageOption({ kind: 'binary', rescore: 'float32', oversampling: 4 }, { kind: 'binary', rescore: 'float32', oversampling: 10 }));
    assert.ok(!sameStorageOption({ kind: 'int8' }, { kind: 'int8', dimensions: 256 }));
    assert.equal(applicableOption(parsed, { kind: 'int8' })?.label, 'int8');
    assert.equal(applicableOption(parsed, { kind: 'int8', dimensions: 256 })?.label, 'int8, 256 dims');
    assert.equal(applicableOption(parsed, { kind: 'float32' }), undefined, 'the current option');
    assert.equal(applicableOption(parsed, { kind: 'int8', dimensions: 128 }), undefined, 'not in the report');
    assert.equal(applicableOption(parsed, { kind: 'binary', rescore: 'float32', oversampling: 5 }), undefined, 'not in the report');
    for (const change of [{ state: 'measuring' }, { state: 'failed' }, { applying: true }, { report: null }] as const) {
      assert.equal(applicableOption({ ...parsed, ...change }, { kind: 'int8' }), undefined, JSON.stringify(change));
    }
    assert.equal(applicableOption(undefined, { kind: 'int8' }), undefined);
    assert.equal(canMeasureTradeoffs(parsed), true);
    assert.equal(canMeasureTradeoffs({ ...parsed, state: 'failed', report: null }), true);
    assert.equal(canMeasureTradeoffs({ ...parsed, state: 'measuring' }), false);
    assert.equal(canMeasureTradeoffs({ ...parsed, applying: true }), false);
    assert.equal(canMeasureTradeoffs(undefined), false);
  });

  it('parsePanelState keeps the storage view', () => {
    const state = { query: '', filters: { languages: [], pathGlob: '' }, results: [], selectedIndex: -1, view: 'storage' };
    assert.equal(parsePanelState(state)?.view, 'storage');
  });
});
