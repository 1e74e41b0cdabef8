// A result's callers and callees in the panel: the protocol messages (checked like every other), the session's
// toggle, and the host answering through its provider.
import assert from 'node:assert/strict';
import { registerHooks } from 'node:module';
import { describe, it } from 'node:test';
import type * as vscodeTypes from 'vscode';
import { parseFromPanel, parseResult, parseToPanel } from '../../../extension/protocol/panel-protocol.ts';
import type { HostToPanel, PanelRelatedChunk, PanelRelations, PanelResult, PanelToHost } from '../../../extension/protocol/panel-protocol.ts';
import { toPanelResults } from '../../../extension/host/results.ts';
import { hasRelations, PanelSession } from '../../../webview/panel-model.ts';
import * as fake from './fake-vscode.ts';

const fakeUrl = new URL('./fake-vscode.ts', import.meta.url).href;
registerHooks({
  resolve: (specifier, context, nextResolve) => (specifier === 'vscode' ? { url: fakeUrl, shortCircuit: true } : nextResolve(specifier, context)),
});
const { ResultsPanel, fitRelations, fitResults } = await import('../../../extension/host/results-panel.ts');

const flush = () => new Promise((resolve) => setImmediate(resolve));

function result(overrides: Partial<PanelResult> = {}): PanelResult {
  return {
    folder: 'file:///work/repo', folderName: 'repo', path: 'src/server.ts', startLine: 4, endLine: 9, language: 'typescript', kind: 'function',
    symbol: 'handleRequest', scope: [], snippet: 'x', snippetStartLine: 4, scores: { dense: 0.5, lexical: null, fused: 0.03 }, chunkIds: [12, 13], ...overrides,
  };
}

function related(overrides: Partial<PanelRelatedChunk> = {}): PanelRelatedChunk {
  return { folder: 'file:///work/repo', path: 'src/main.ts', startLine: 3, endLine: 7, name: 'handleRequest', symbol: 'main', scope: [], kind: 'function', ...overrides };
}

const relations: PanelRelations = { callers: [related()], callees: [related({ path: 'src/headers.ts', startLine: 1, endLine: 6, name: 'parseHeaders', symbol: 'parseHeaders' })], truncated: false };
const request = { type: 'relations', requestId: 4, folder: 'file:///work/repo', path: 'src/server.ts', startLine: 4, endLine: 9, chunkIds: [12, 13] };

describe('relations in the panel protocol', () => {
  it('accepts a relations request and its answers, copying only the known fields', () => {
    assert.deepEqual(parseFromPanel({ ...request, extra: 1 }), request);
    assert.deepEqual(parseToPanel({ type: 'relations', requestId: 4, relations: { ...relations, extra: true } }), { type: 'relations', requestId: 4, relations });
    assert.deepEqual(parseToPanel({ type: 'relationsFailed', requestId: 4, message: 'The index is locked.' }), { type: 'relationsFailed', requestId: 4, message: 'The index is locked.' });
  });

  it('refuses requests and answers with a wrong field', () => {
    const wrongRequests: Record<string, unknown>[] = [
      { requestId: -1 }, { folder: 3 }, { path: undefined }, { startLine: 0 }, { endLine: 2 }, { chunkIds: undefined }, { chunkIds: [1.5] }, { chunkIds: [-1] },
      { chunkIds: Array.from({ length: 101 }, (_, index) => index) },
    ];
    for (const change of wrongRequests) assert.equal(parseFromPanel({ ...request, ...change }), undefined, JSON.stringify(change));
    const wrongRelations: unknown[] = [
      undefined, {}, { ...relations, truncated: 'no' }, { ...relations, callers: {} }, { ...relations, callees: [{ ...related(), startLine: 0 }] },
      { ...relations, callers: [{ ...related(), symbol: undefined }] }, { ...relations, callers: [{ ...related(), scope: [1] }] },
      { ...relations, callers: Array.from({ length: 51 }, () => related()) },
    ];
    for (const value of wrongRelations) assert.equal(parseToPanel({ type: 'relations', requestId: 4, relations: value }), undefined, JSON.stringify(value));
    assert.equal(parseToPanel({ type: 'relationsFailed', requestId: 4, message: 'm'.repeat(2001) }), undefined);
    assert.equal(parseToPanel(request), undefined, 'a panel-to-host message is not a host-to-panel one');
  });

  it('a result may carry its chunk ids and the call that added it; a bad one is refused, an old one without them still parses', () => {
    assert.deepEqual(parseResult(result({ via: { name: 'parseHeaders' } })), result({ via: { name: 'parseHeaders' } }));
    const { chunkIds: _dropped, ...old } = result();
    assert.deepEqual(parseResult(old), old);
    assert.equal(parseResult(result({ chunkIds: ['1' as unknown as number] })), undefined);
    assert.equal(parseResult({ ...result(), via: { name: 7 } }), undefined);
  });

  it('toPanelResults passes chunk ids and via on; fitResults and fitRelations clip to the limits', () => {
    const hit = {
      folder: 'file:///work/repo', path: 'src/headers.ts', startLine: 1, endLine: 6, openLine: 1, language: 'typescript', kind: 'function', symbol: 'parseHeaders', scope: [],
      signature: undefined, summary: 's', snippet: 's', snippetStartLine: 1, scores: { dense: undefined, lexical: 2, fused: 0.01, relevance: 0.5 }, chunkIds: [7], splitOf: undefined,
      via: { calledBy: 12, name: 'parseHeaders' },
    };
    const [converted] = toPanelResults([hit], new Map([['file:///work/repo', 'repo']]));
    assert.deepEqual([converted!.chunkIds, converted!.via], [[7], { name: 'parseHeaders' }]);
    assert.deepEqual(fitResults([result({ chunkIds: Array.from({ length: 150 }, (_, index) => index) })])[0]!.chunkIds!.length, 100);
    const many = fitRelations({ callers: Array.from({ length: 60 }, () => related({ startLine: 0 })), callees: [], truncated: false });
    assert.equal(many.callers.length, 50);
    assert.equal(many.truncated, true);
    assert.equal(many.callers[0]!.startLine, 1);
    assert.ok(parseToPanel({ type: 'relations', requestId: 1, relations: many }));
  });
});

describe('PanelSession: Callers / Callees', () => {
  function session(results: PanelResult[]) {
    const posted: PanelToHost[] = [];
    let changes = 0;
    const panel = new PanelSession({
      post: (message) => posted.push(message),
      timer: { setTimeout: () => 0, clearTimeout: () => undefined },
      onDidChange: () => changes++,
      restored: { query: 'q', filters: { languages: [], pathGlob: '' }, results, selectedIndex: -1, searchPending: false, view: 'results' },
    });
    return { panel, posted, changes: () => changes };
  }

  it('asks the host for a result\'s relations, shows the answer, folds them away again', () => {
    const { panel, posted } = session([result(), result({ path: 'src/other.ts' })]);
    panel.toggleRelations(0);
    assert.deepEqual(posted.at(-1), { type: 'relations', requestId: 1, folder: 'file:///work/repo', path: 'src/server.ts', startLine: 4, endLine: 9, chunkIds: [12, 13] });
    assert.deepEqual(panel.relationsOf(0), { state: 'loading', requestId: 1 });
    assert.equal(panel.relationsOf(1), undefined);
    assert.equal(panel.receive({ type: 'relations', requestId: 1, relations }), true);
    assert.deepEqual(panel.relationsOf(0), { state: 'ready', requestId: 1, relations });
    panel.toggleRelations(0);
    assert.equal(panel.relationsOf(0), undefined);
    assert.equal(posted.length, 1, 'folding asks nothing');
  });

  it('drops an answer to a folded or replaced request, shows a failure, and forgets everything with new results', () => {
    const { panel } = session([result()]);
    panel.toggleRelations(0);
    panel.toggleRelations(0);
    assert.equal(panel.receive({ type: 'relations', requestId: 1, relations }), false, 'folded before the answer came');
    panel.toggleRelations(0);
    assert.equal(panel.receive({ type: 'relationsFailed', requestId: 2, message: 'The index is locked.' }), true);
    assert.deepEqual(panel.relationsOf(0), { state: 'failed', requestId: 2, message: 'The index is locked.' });
    const show: HostToPanel = { type: 'show', query: 'other', filters: { languages: [], pathGlob: '' }, results: [result()] };
    panel.receive(show);
    assert.equal(panel.relationsOf(0), undefined, 'new results, nothing unfolded');
  });

  it('offers relations for code only; opens a caller or callee like a result', () => {
    assert.equal(hasRelations(result()), true);
    assert.equal(hasRelations(result({ language: 'markdown', kind: 'section' })), false);
    assert.equal(hasRelations(result({ language: 'text', kind: 'window' })), false);
    const { panel, posted } = session([result({ language: 'markdown', kind: 'section' })]);
    panel.toggleRelations(0);
    assert.deepEqual(posted, []);
    panel.openRelated(related());
    assert.deepEqual(posted, [{ type: 'open', folder: 'file:///work/repo', path: 'src/main.ts', startLine: 3, endLine: 7, preview: false }]);
  });
});

describe('ResultsPanel: relations', () => {
  function setUp(provider?: (request: unknown) => Promise<PanelRelations>) {
    const warnings: string[] = [];
    const panel = new ResultsPanel({
      extensionUri: fake.Uri.file('/ext') as unknown as vscodeTypes.Uri,
      search: () => new Promise(() => undefined),
      indexStatus: () => ({ state: 'ready', text: '', languages: [] }),
      onDidChangeIndexStatus: new fake.EventEmitter<unknown>().event as unknown as vscodeTypes.Event<unknown>,
      logger: { warn: (message: string) => warnings.push(message) },
      ...(provider ? { relations: provider } : {}),
    });
    panel.show();
    const webviewPanel = fake.recorded.panels.at(-1)!;
    webviewPanel.send({ type: 'ready' });
    return { panel, webview: { posted: webviewPanel.webview.posted, receive: (message: unknown) => webviewPanel.send(message) }, warnings };
  }
  const answers = (webview: { posted: unknown[] }) => webview.posted.filter((message) => ['relations', 'relationsFailed'].includes((message as { type: string }).type));

  it('answers a request through the provider, with the request id', async () => {
    const asked: unknown[] = [];
    const { panel, webview } = setUp(async (request) => {
      asked.push(request);
      return relations;
    });
    try {
      webview.receive(request);
      await flush();
      assert.deepEqual(asked, [{ folder: 'file:///work/repo', path: 'src/server.ts', startLine: 4, endLine: 9, chunkIds: [12, 13] }]);
      assert.deepEqual(answers(webview), [{ type: 'relations', requestId: 4, relations }]);
    } finally {
      panel.dispose();
    }
  });

  it('answers relationsFailed when the provider fails or there is none, and drops an invalid request', async () => {
    const failing = setUp(async () => {
      throw new Error('The index is locked.');
    });
    const missing = setUp();
    try {
      failing.webview.receive(request);
      missing.webview.receive(request);
      failing.webview.receive({ ...request, chunkIds: 'all' });
      await flush();
      assert.deepEqual(answers(failing.webview), [{ type: 'relationsFailed', requestId: 4, message: 'The index is locked.' }]);
      assert.ok(failing.warnings.some((warning) => /finding callers and callees failed/.test(warning)));
      assert.ok(failing.warnings.some((warning) => /dropped an invalid message/.test(warning)));
      assert.deepEqual(answers(missing.webview), [{ type: 'relationsFailed', requestId: 4, message: 'Callers and callees are not available here.' }]);
    } finally {
      failing.panel.dispose();
      missing.panel.dispose();
    }
  });
});
