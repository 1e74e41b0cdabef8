// The host side of the panel against a fake `vscode` module (./fake-vscode.ts), mapped in with
// `module.registerHooks` before results-panel.ts is imported. node:test runs each file in its own
// process, so the mapping does not leak into other tests.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { registerHooks } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type * as vscodeTypes from 'vscode';
import type { MigrationReport } from '../../../extension/core/migration/report.ts';
import type { StorageOptionSpec, TradeoffReport } from '../../../extension/core/tradeoffs/types.ts';
import type { MigrationAction, PanelFilters, PanelMigrationView, PanelResult, PanelTradeoffView } from '../../../extension/protocol/panel-protocol.ts';
import * as fake from './fake-vscode.ts';

const fakeUrl = new URL('./fake-vscode.ts', import.meta.url).href;
registerHooks({
  resolve: (specifier, context, nextResolve) => (specifier === 'vscode' ? { url: fakeUrl, shortCircuit: true } : nextResolve(specifier, context)),
});
const { ResultsPanel, registerResultsPanelSerializer, fitResults, fitMigrationView, fitTradeoffView, RESULTS_VIEW_TYPE } = await import('../../../extension/host/results-panel.ts');
const { panelHtml } = await import('../../../extension/host/panel-html.ts');
type ResultsPanelOptions = ConstructorParameters<typeof ResultsPanel>[0];

const flush = () => new Promise((resolve) => setImmediate(resolve));

function result(overrides: Partial<PanelResult> = {}): PanelResult {
  return {
    folder: 'file:///work/repo', folderName: 'repo', path: 'src/a.ts', startLine: 2, endLine: 3, language: 'typescript', kind: 'function',
    symbol: 'f', scope: [], snippet: 'x', snippetStartLine: 2, scores: { dense: 0.5, lexical: null, fused: 0.03 }, ...overrides,
  };
}

interface Call {
  query: string;
  filters: PanelFilters;
  signal: AbortSignal;
  resolve(outcome: { results: PanelResult[]; partial: boolean; notice: string | null; milliseconds: number }): void;
  reject(error: unknown): void;
}

function setUp(overrides: Partial<ResultsPanelOptions> = {}) {
  const warnings: string[] = [];
  const calls: Call[] = [];
  const statusChanged = new fake.EventEmitter<unknown>();
  let status = { state: 'ready' as const, text: '12 files indexed', languages: ['python', 'typescript'] };
  const options = {
    extensionUri: fake.Uri.file('/ext') as unknown as vscodeTypes.Uri,
    search: (query: string, filters: PanelFilters, signal: AbortSignal) =>
      new Promise<{ results: PanelResult[]; partial: boolean; notice: string | null; milliseconds: number }>((resolve, reject) => calls.push({ query, filters, signal, resolve, reject })),
    indexStatus: () => status,
    onDidChangeIndexStatus: statusChanged.event as unknown as vscodeTypes.Event<unknown>,
    logger: { warn: (message: string) => warnings.push(message) },
    ...overrides,
  } satisfies ResultsPanelOptions;
  const panel = new ResultsPanel(options);
  return {
    panel, warnings, calls, statusChanged,
    setStatus: (next: typeof status) => (status = next),
    webviewPanel: () => {
      const created = fake.recorded.panels.at(-1);
      assert.ok(created, 'a webview panel was created');
      return created;
    },
  };
}

/** Opens the panel and has its page say `ready`; returns the fake webview panel with its posts cleared. */
async function openReady(setup: ReturnType<typeof setUp>) {
  setup.panel.show();
  const webviewPanel = setup.webviewPanel();
  webviewPanel.send({ type: 'ready' });
  await flush();
  webviewPanel.webview.posted.length = 0;
  return webviewPanel;
}

beforeEach(() => fake.resetFake());

describe('ResultsPanel: the webview', () => {
  it('creates one panel with scripts on, no retained context, and only dist/webview as a resource root', () => {
    const { panel, webviewPanel } = setUp();
    panel.show();
    panel.show();
    assert.equal(fake.recorded.panels.length, 1);
    const created = webviewPanel();
    assert.equal(created.viewType, 'semanticSearch.results');
    assert.equal(RESULTS_VIEW_TYPE, 'semanticSearch.results');
    assert.equal(created.title, 'Semantic Search');
    assert.equal(created.revealed, 1, 'the second show reveals it');
    const options = created.webview.options as { enableScripts: boolean; enableCommandUris?: boolean; enableForms?: boolean; retainContextWhenHidden: boolean; localResourceRoots: fake.Uri[] };
    assert.equal(options.enableScripts, true);
    assert.equal(options.enableCommandUris, false, 'a command: link in the page runs nothing');
    assert.notEqual(options.enableForms, true);
    assert.equal(options.retainContextWhenHidden, false);
    assert.deepEqual(options.localResourceRoots.map((uri) => uri.path), ['/ext/dist/webview']);
  });

  it('builds the page with a strict CSP, a nonce per load and no data', () => {
    const { panel } = setUp();
    panel.show('<script>alert(1)</script>', [result({ snippet: '<img src=x onerror=alert(1)>' })]);
    const html = fake.recorded.panels[0]!.webview.html;
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
    const nonce = /<script nonce="([^"]+)" src="https:\/\/csp\.example\/ext\/dist\/webview\/panel\.js"><\/script>/.exec(html)?.[1];
    assert.ok(nonce && nonce.length >= 16, 'the script carries a nonce');
    assert.equal(csp, `default-src 'none'; img-src https://csp.example data:; style-src https://csp.example; font-src https://csp.example; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none';`);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|connect-src|style=/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/csp\.example\/ext\/dist\/webview\/panel\.css">/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/csp\.example\/ext\/dist\/webview\/codicons\/codicon\.css">/);
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'one script, no inline code');
    assert.doesNotMatch(html, /alert|onerror/, 'no query or result text in the page');

    panel.dispose();
    const second = setUp();
    second.panel.show();
    const otherNonce = /<script nonce="([^"]+)"/.exec(fake.recorded.panels[1]!.webview.html)?.[1];
    assert.notEqual(otherNonce, nonce);
  });

  it('the CSP, read directive by directive: nothing inline, nothing remote, no fetching, no base or form targets', () => {
    const { panel } = setUp();
    panel.show();
    const html = fake.recorded.panels[0]!.webview.html;
    const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)];
    assert.equal(metas.length, 1, 'one policy');
    const directives = new Map(metas[0]![1]!.split(';').map((part) => part.trim()).filter(Boolean).map((part) => {
      const [name, ...sources] = part.split(/\s+/);
      return [name!, sources] as const;
    }));
    const webviewSource = 'https://csp.example';
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    // Directives that fall back to default-src must not be there to widen it; those that do not must be 'none'.
    for (const fetching of ['connect-src', 'frame-src', 'child-src', 'worker-src', 'media-src', 'object-src', 'manifest-src']) assert.equal(directives.has(fetching), false, fetching);
    assert.deepEqual(directives.get('base-uri'), ["'none'"]);
    assert.deepEqual(directives.get('form-action'), ["'none'"]);
    const scripts = directives.get('script-src')!;
    assert.equal(scripts.length, 1);
    assert.match(scripts[0]!, /^'nonce-[A-Za-z0-9+/=]{16,}'$/);
    for (const [name, sources] of directives) {
      for (const source of sources) {
        assert.ok(["'none'", webviewSource, 'data:'].includes(source) || /^'nonce-/.test(source), `${name} allows ${source}`);
        assert.doesNotMatch(source, /unsafe|^\*$|^https?:$|^http:/, `${name} allows ${source}`);
      }
    }
    assert.deepEqual(directives.get('style-src'), [webviewSource], 'styles only from the extension, no inline ones');
    assert.deepEqual(directives.get('img-src'), [webviewSource, 'data:']);
    assert.deepEqual(directives.get('font-src'), [webviewSource]);
    // Every script tag carries the nonce and loads the bundled page; no inline code and no event attributes.
    const nonce = scripts[0]!.slice("'nonce-".length, -1);
    const tags = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(tags.length, (html.match(/<script\b/g) ?? []).length);
    for (const [, attributes, body] of tags) {
      assert.match(attributes!, new RegExp(`nonce="${nonce.replace(/[+/=]/g, (character) => `\\${character}`)}"`));
      assert.match(attributes!, /src="https:\/\/csp\.example\/ext\/dist\/webview\/panel\.js"/);
      assert.equal(body, '');
    }
    assert.doesNotMatch(html, /\son[a-z]+=/i);
  });

  it('panelHtml escapes what it puts in attributes', () => {
    const webview = { cspSource: 'https://a"b', asWebviewUri: (uri: fake.Uri) => ({ toString: () => `https://x${uri.path}"><script>` }) };
    const html = panelHtml(webview as unknown as vscodeTypes.Webview, fake.Uri.file('/ext') as unknown as vscodeTypes.Uri, 'n0nce');
    assert.doesNotMatch(html, /"><script>/);
    assert.match(html, /&quot;&gt;&lt;script&gt;/);
  });

  it('posts nothing before the page is ready, then the index status and a waiting show', async () => {
    const { panel, webviewPanel } = setUp();
    panel.show('retry logic');
    const created = webviewPanel();
    panel.postIndexStatus();
    assert.deepEqual(created.webview.posted, []);
    created.send({ type: 'ready' });
    await flush();
    // In either order: the status may come from an async provider.
    assert.deepEqual(new Set(created.webview.posted), new Set([
      { type: 'indexStatus', state: 'ready', text: '12 files indexed', languages: ['python', 'typescript'] },
      { type: 'show', query: 'retry logic', filters: { languages: [], pathGlob: '' }, results: null },
    ]));
  });

  it('hands results over with show, clipped to the protocol\'s limits', async () => {
    const setup = setUp();
    const created = await openReady(setup);
    setup.panel.show('q', Array.from({ length: 600 }, () => result()));
    const [message] = created.webview.posted as Array<{ type: string; results: PanelResult[] }>;
    assert.equal(message?.type, 'show');
    assert.equal(message?.results.length, 500);
  });

  it('sends the index status when it changes, from a sync or async provider', async () => {
    const setup = setUp();
    const created = await openReady(setup);
    setup.setStatus({ state: 'ready', text: 'done', languages: [] });
    setup.statusChanged.fire(undefined);
    await flush();
    assert.deepEqual(created.webview.posted, [{ type: 'indexStatus', state: 'ready', text: 'done', languages: [] }]);

    fake.resetFake();
    const asyncSetup = setUp({ indexStatus: async () => ({ state: 'indexing', text: 'Indexing 3 of 9', languages: ['go'] }) });
    const asyncPanel = await openReady(asyncSetup);
    asyncSetup.statusChanged.fire(undefined);
    await flush();
    assert.deepEqual(asyncPanel.webview.posted, [{ type: 'indexStatus', state: 'indexing', text: 'Indexing 3 of 9', languages: ['go'] }]);
  });

  it('drops invalid messages and logs them without echoing their contents', async () => {
    const setup = setUp();
    const created = await openReady(setup);
    for (const message of [null, 'ready', { type: 'search', requestId: -1, query: 'q', filters: { languages: [], pathGlob: '' } }, { type: 'open', folder: 'x', path: 'y', startLine: 0, endLine: 1, preview: true }, { type: 'evil<script>' }]) {
      created.send(message);
    }
    await flush();
    assert.equal(setup.warnings.length, 5);
    assert.ok(setup.warnings.every((warning) => warning.startsWith('Results panel: dropped an invalid message')));
    assert.ok(setup.warnings.every((warning) => !warning.includes('<script>') || warning.includes('"evil<script>"')));
    assert.equal(setup.calls.length, 0);
    assert.deepEqual(created.webview.posted, []);
  });
});

describe('ResultsPanel: searching', () => {
  const filters = { languages: ['python'], pathGlob: 'src/**' };

  it('posts searching, then the results', async () => {
    const setup = setUp();
    const created = await openReady(setup);
    created.send({ type: 'search', requestId: 7, query: 'parse header', filters });
    assert.equal(setup.calls.length, 1);
    assert.deepEqual({ query: setup.calls[0]!.query, filters: setup.calls[0]!.filters }, { query: 'parse header', filters });
    setup.calls[0]!.resolve({ results: [result()], partial: true, notice: 'partial index', milliseconds: 42 });
    await flush();
    assert.deepEqual(created.webview.posted, [
      { type: 'searching', requestId: 7, query: 'parse header' },
      { type: 'results', requestId: 7, query: 'parse header', results: [result()], partial: true, notice: 'partial index', milliseconds: 42 },
    ]);
  });

  it('cancels the search in flight when a new one arrives, and never posts its late results', async () => {
    const setup = setUp();
    const created = await openReady(setup);
    created.send({ type: 'search', requestId: 1, query: 'parse', filters });
    created.send({ type: 'search', requestId: 2, query: 'parse header', filters });
    const [first, second] = setup.calls;
    assert.equal(first!.signal.aborted, true);
    assert.equal(second!.signal.aborted, false);
    first!.resolve({ results: [result({ path: 'late.ts' })], partial: false, notice: null, milliseconds: 1 });
    second!.resolve({ results: [result({ path: 'fresh.ts' })], partial: false, notice: null, milliseconds: 1 });
    await flush();
    const answers = created.webview.posted.filter((message) => (message as { type: string }).type !== 'searching');
    assert.deepEqual(answers.map((message) => (message as { requestId: number }).requestId), [2]);
  });

  it('reports a failure as searchFailed, but not a cancellation', async () => {
    const setup = setUp();
    const created = await openReady(setup);
    created.send({ type: 'search', requestId: 1, query: 'a', filters });
    setup.calls[0]!.reject(new Error('The index database is locked by another process. Close it and retry.'));
    await flush();
    created.send({ type: 'search', requestId: 2, query: 'b', filters });
    created.send({ type: 'search', requestId: 3, query: 'c', filters });
    setup.calls[1]!.reject(new DOMException('aborted', 'AbortError'));
    setup.calls[2]!.reject(new DOMException('aborted', 'AbortError'));
    await flush();
    const failures = created.webview.posted.filter((message) => (message as { type: string }).type === 'searchFailed');
    assert.deepEqual(failures, [{ type: 'searchFailed', requestId: 1, message: 'The index database is locked by another process. Close it and retry.' }]);
    assert.equal(setup.warnings.length, 1);
  });

  it('answers an empty query without searching', async () => {
    const setup = setUp();
    const created = await openReady(setup);
    created.send({ type: 'search', requestId: 4, query: '  ', filters });
    assert.equal(setup.calls.length, 0);
    assert.deepEqual(created.webview.posted, [{ type: 'results', requestId: 4, query: '  ', results: [], partial: false, notice: null, milliseconds: 0 }]);
  });

  it('clips results that do not fit the protocol instead of losing the whole answer', async () => {
    const setup = setUp();
    const created = await openReady(setup);
    created.send({ type: 'search', requestId: 1, query: 'q', filters });
    const odd = result({ snippet: 'x'.repeat(200_000), startLine: 9, endLine: 3, scores: { dense: Number.NaN, lexical: Number.POSITIVE_INFINITY, fused: Number.NaN }, kind: 'k'.repeat(80) });
    setup.calls[0]!.resolve({ results: [odd], partial: false, notice: null, milliseconds: Number.NaN });
    await flush();
    const answer = created.webview.posted.at(-1) as { type: string; results: PanelResult[]; milliseconds: number };
    assert.equal(answer.type, 'results');
    assert.equal(answer.results[0]!.snippet.length, 100_000);
    assert.deepEqual([answer.results[0]!.startLine, answer.results[0]!.endLine], [9, 9]);
    assert.deepEqual(answer.results[0]!.scores, { dense: null, lexical: null, fused: 0 });
    assert.equal(answer.milliseconds, 0);
  });

  it('stops posting while hidden, cancels the search in flight, and aborts again on a fresh ready', async () => {
    const setup = setUp();
    const created = await openReady(setup);
    created.send({ type: 'search', requestId: 1, query: 'q', filters });
    created.setVisible(false);
    assert.equal(setup.calls[0]!.signal.aborted, true);
    setup.panel.postIndexStatus();
    assert.deepEqual(created.webview.posted, [{ type: 'searching', requestId: 1, query: 'q' }]);

    created.setVisible(true);
    created.send({ type: 'ready' });
    created.send({ type: 'search', requestId: 1, query: 'q', filters });
    created.send({ type: 'ready' });
    assert.equal(setup.calls[1]!.signal.aborted, true, 'a reloaded page has nothing in flight');
  });

  it('remembers the last filters for a show with only a query', async () => {
    const setup = setUp();
    const created = await openReady(setup);
    created.send({ type: 'search', requestId: 1, query: 'q', filters });
    setup.panel.show('other');
    assert.deepEqual(created.webview.posted.at(-1), { type: 'show', query: 'other', filters, results: null });
  });
});

describe('ResultsPanel: opening results', () => {
  let root: string;
  let workspace: string;

  before(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'results-panel-')));
    workspace = path.join(root, 'repo');
    fs.mkdirSync(path.join(workspace, 'src'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'src', 'a.ts'), 'line 1\nline 2\nline 3\nline 4\n');
    fs.writeFileSync(path.join(root, 'secret.txt'), 'secret\n');
    if (process.platform !== 'win32') fs.symlinkSync(path.join(root, 'secret.txt'), path.join(workspace, 'src', 'link.txt'));
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  function withWorkspace() {
    const folderUri = fake.Uri.file(workspace);
    fake.workspace.workspaceFolders = [{ uri: folderUri, name: 'repo', index: 0 }];
    return folderUri.toString();
  }

  /** Sends an `open` and waits until it has had an effect: an editor, a warning or an error message. */
  async function open(setup: ReturnType<typeof setUp>, created: fake.FakeWebviewPanel, message: Record<string, unknown>) {
    const effects = () => fake.recorded.shown.length + fake.recorded.errors.length + setup.warnings.length;
    const before = effects();
    created.send({ type: 'open', startLine: 2, endLine: 3, preview: false, ...message });
    const deadline = Date.now() + 5000;
    // The path check and the file read go through the file system's thread pool, hence polling.
    while (effects() === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
    // A failed open that is a preview only logs; a failed non-preview open both logs and shows an error.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }

  it('opens a result in another column at its range', async () => {
    const folder = withWorkspace();
    const setup = setUp();
    const created = await openReady(setup);
    await open(setup, created, { folder, path: 'src/a.ts', preview: false });
    assert.equal(fake.recorded.shown.length, 1);
    const shown = fake.recorded.shown[0]!;
    assert.equal(shown.path, path.join(workspace, 'src', 'a.ts'));
    assert.equal(shown.options.preview, false);
    assert.equal(shown.options.preserveFocus, false);
    assert.equal(shown.options.viewColumn, fake.ViewColumn.Beside);
    assert.deepEqual([shown.options.selection?.start.line, shown.options.selection?.end.line], [1, 1]);
    assert.deepEqual([shown.revealed[0]?.start.line, shown.revealed[0]?.end.line, shown.revealed[0]?.end.character], [1, 2, 6]);
  });

  it('puts the cursor on the line a result opens at (its definition\'s signature), revealing the whole range', async () => {
    const folder = withWorkspace();
    const setup = setUp();
    const created = await openReady(setup);
    await open(setup, created, { folder, path: 'src/a.ts', startLine: 1, endLine: 4, openLine: 3, preview: false });
    const shown = fake.recorded.shown[0]!;
    assert.deepEqual([shown.options.selection?.start.line, shown.options.selection?.start.character], [2, 0]);
    assert.deepEqual([shown.revealed[0]?.start.line, shown.revealed[0]?.end.line], [0, 3], 'the whole result first');
    assert.equal(shown.revealed[1]?.start.line, 2, 'then its opening line, should the result not fit the screen');
  });

  it('previews without taking focus, in a column other than the panel\'s, and clamps lines past the end', async () => {
    const folder = withWorkspace();
    const setup = setUp();
    const created = await openReady(setup);
    fake.window.visibleTextEditors = [{ viewColumn: created.viewColumn }, { viewColumn: 1 }];
    try {
      await open(setup, created, { folder, path: 'src/a.ts', startLine: 90, endLine: 99, preview: true });
    } finally {
      fake.window.visibleTextEditors = [];
    }
    const shown = fake.recorded.shown[0]!;
    assert.equal(shown.options.preview, true);
    assert.equal(shown.options.preserveFocus, true);
    assert.equal(shown.options.viewColumn, 1);
    assert.equal(shown.options.selection?.start.line, 4);
  });

  it('refuses a folder that is not open and paths that leave it, logging why', async () => {
    const folder = withWorkspace();
    const setup = setUp();
    const created = await openReady(setup);
    await open(setup, created, { folder: 'file:///etc', path: 'passwd' });
    await open(setup, created, { folder, path: '../secret.txt' });
    await open(setup, created, { folder, path: '/etc/passwd' });
    await open(setup, created, { folder, path: '%2e%2e/secret.txt' });
    if (process.platform !== 'win32') await open(setup, created, { folder, path: 'src/link.txt' });
    assert.deepEqual(fake.recorded.shown, []);
    assert.match(setup.warnings[0]!, /is not a workspace folder/);
    assert.match(setup.warnings[1]!, /parent-segment/);
    assert.match(setup.warnings[2]!, /absolute/);
    assert.match(setup.warnings[3]!, /encoded-traversal/);
    if (process.platform !== 'win32') assert.match(setup.warnings[4]!, /symlink-outside-folder/);
  });

  it('tells the user when a file cannot be opened, but not for a preview', async () => {
    const folder = withWorkspace();
    const setup = setUp();
    const created = await openReady(setup);
    await open(setup, created, { folder, path: 'src/missing.ts', preview: true });
    assert.deepEqual(fake.recorded.errors, []);
    await open(setup, created, { folder, path: 'src/missing.ts', preview: false });
    assert.equal(fake.recorded.errors.length, 1);
    assert.match(fake.recorded.errors[0]!, /could not open src\/missing\.ts/);
  });
});

describe('ResultsPanel: the migration view', () => {
  const report = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'migration-report.json'), 'utf8')) as MigrationReport;

  function migration(overrides: Partial<PanelMigrationView> = {}): PanelMigrationView {
    return {
      phase: 'awaiting-decision', fromModel: 'GloVe', toModel: 'USE lite', detail: 'complete', canCutOver: true, canRollBack: true,
      decisionReason: 'MRR@10 fell by 0.15.', report, ...overrides,
    };
  }
  /** What was posted apart from the index status (which an async provider may post in any order). */
  const posted = (panel: fake.FakeWebviewPanel) => panel.webview.posted.filter((message) => (message as { type: string }).type !== 'indexStatus');
  const types = (panel: fake.FakeWebviewPanel) => posted(panel).map((message) => (message as { type: string }).type);
  const sentView = (message: unknown) => (message as { view: PanelMigrationView }).view;

  it('showMigration opens the panel and, once it is ready, sends the view and switches to it', async () => {
    const setup = setUp();
    setup.panel.showMigration(migration());
    const created = setup.webviewPanel();
    assert.deepEqual(created.webview.posted, [], 'nothing before ready');
    created.send({ type: 'ready' });
    await flush();
    assert.deepEqual(types(created), ['migration', 'showView']);
    const view = sentView(posted(created)[0]);
    assert.equal(view.phase, 'awaiting-decision');
    assert.equal(view.report?.quality?.to.mrrAt10, report.quality!.to.mrrAt10);
    assert.deepEqual(posted(created)[1], { type: 'showView', view: 'migration' });
  });

  it('showMigration on an open panel reveals it and posts at once', async () => {
    const setup = setUp();
    const created = await openReady(setup);
    setup.panel.showMigration(migration({ phase: 'cut-over', canCutOver: false }));
    assert.equal(created.revealed, 1);
    assert.deepEqual(types(created), ['migration', 'showView']);
    assert.equal(sentView(created.webview.posted[0]).phase, 'cut-over');
  });

  it('updateMigration neither creates nor reveals the panel, and a page that (re)loads gets the last view without a switch', async () => {
    const setup = setUp();
    setup.panel.updateMigration(migration({ phase: 'building', report: null, detail: '10 of 20 chunks embedded' }));
    assert.equal(fake.recorded.panels.length, 0);
    setup.panel.updateMigration(migration({ phase: 'building', report: null, detail: '20 of 20 chunks embedded' }));
    const created = await openReady(setup);
    // openReady cleared the posts: reload the page to see what a fresh one gets.
    created.setVisible(false);
    setup.panel.updateMigration(migration({ detail: 'complete' }));
    assert.deepEqual(created.webview.posted, [], 'a hidden page gets nothing');
    created.setVisible(true);
    created.send({ type: 'ready' });
    await flush();
    assert.deepEqual(types(created), ['migration']);
    assert.equal(sentView(posted(created)[0]).detail, 'complete');
    assert.equal(created.revealed, 0);
  });

  it('a shown query after showMigration, before the page is ready, wins: no switch to the migration view', async () => {
    const setup = setUp();
    setup.panel.showMigration(migration());
    setup.panel.show('retry logic');
    const created = setup.webviewPanel();
    created.send({ type: 'ready' });
    await flush();
    assert.deepEqual(types(created), ['show', 'migration']);

    fake.resetFake();
    const other = setUp();
    other.panel.show('retry logic');
    other.panel.showMigration(migration());
    const second = other.webviewPanel();
    second.send({ type: 'ready' });
    await flush();
    assert.deepEqual(types(second), ['show', 'migration', 'showView'], 'the later call wins');
  });

  it('passes the buttons on as onDidRequestMigrationAction, only those the current view allows', async () => {
    const setup = setUp();
    const actions: MigrationAction[] = [];
    const subscription = setup.panel.onDidRequestMigrationAction((action) => actions.push(action));
    const created = await openReady(setup);
    created.send({ type: 'migrationAction', action: 'cutOver' });
    assert.deepEqual(actions, [], 'no migration view yet: nothing is allowed');
    assert.match(setup.warnings[0]!, /ignored 'cutOver'/);

    setup.panel.updateMigration(migration({ canCutOver: true, canRollBack: false }));
    created.webview.posted.length = 0;
    created.send({ type: 'migrationAction', action: 'cutOver' });
    created.send({ type: 'migrationAction', action: 'refreshReport' });
    created.send({ type: 'migrationAction', action: 'rollBack' });
    assert.deepEqual(actions, ['cutOver', 'refreshReport']);
    assert.match(setup.warnings.at(-1)!, /ignored 'rollBack'/);
    assert.deepEqual(types(created), ['migration'], 'a refused action is answered with the current view, so the page stops waiting');

    created.send({ type: 'migrationAction', action: 'delete' });
    assert.match(setup.warnings.at(-1)!, /dropped an invalid message/);
    subscription.dispose();
    setup.panel.updateMigration(migration({ phase: 'none', canCutOver: false, canRollBack: false }));
    created.send({ type: 'migrationAction', action: 'refreshReport' });
    assert.deepEqual(actions, ['cutOver', 'refreshReport'], 'nothing to refresh once no change is under way');
  });

  it('clips long texts and lists to the protocol, and shows a view whose report does not fit without the report', async () => {
    const long = 'x'.repeat(5000);
    const perQuery = Array.from({ length: 1500 }, (_, index) => ({ query: `${index} ${long}`, source: 'recent' as const, overlapAt10: index === 1400 ? 0 : 0.5, jaccard: 0.3 }));
    const big = migration({
      fromModel: long, detail: long, decisionReason: long,
      report: { ...report, overlap: { ...report.overlap!, perQuery }, thresholds: { from: report.thresholds.from, to: { unavailable: long } } },
    });
    const fitted = fitMigrationView(big);
    assert.equal(fitted.fromModel!.length, 200);
    assert.equal(fitted.detail.length, 2000);
    assert.ok(fitted.detail.endsWith('…'));
    assert.equal(fitted.report!.overlap!.perQuery.length, 1000);
    assert.ok(fitted.report!.overlap!.perQuery[0]!.query.startsWith('1400 '), 'the query that changed most is kept');
    assert.equal((fitted.report!.thresholds.to as { unavailable: string }).unavailable.length, 2000);

    const setup = setUp();
    const created = await openReady(setup);
    setup.panel.updateMigration(big);
    assert.equal(types(created)[0], 'migration', 'a view that fits after clipping is shown whole');
    assert.equal(sentView(created.webview.posted[0]).report?.overlap?.perQuery.length, 1000);

    created.webview.posted.length = 0;
    setup.panel.updateMigration(migration({ report: { ...report, quality: { queries: 3, from: undefined, to: { recallAt10: Number.NaN, mrrAt10: 0 } } } }));
    assert.equal(sentView(created.webview.posted[0]).report, null);
    assert.equal(sentView(created.webview.posted[0]).canCutOver, true, 'the phase and the buttons still arrive');
    assert.match(setup.warnings.at(-1)!, /does not fit the panel protocol/);
  });

  it('disposes its event emitter', () => {
    const setup = setUp();
    let fired = 0;
    setup.panel.onDidRequestMigrationAction(() => fired++);
    setup.panel.dispose();
    setup.panel.showMigration(migration());
    assert.equal(fake.recorded.panels.length, 0, 'a disposed panel does not come back');
    assert.equal(fired, 0);
  });
});

describe('ResultsPanel: the storage view', () => {
  const report = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'tradeoff-report.json'), 'utf8')) as TradeoffReport;

  function tradeoffs(overrides: Partial<PanelTradeoffView> = {}): PanelTradeoffView {
    return { state: 'ready', detail: '', report, applying: false, ...overrides };
  }
  const posted = (panel: fake.FakeWebviewPanel) => panel.webview.posted.filter((message) => (message as { type: string }).type !== 'indexStatus');
  const types = (panel: fake.FakeWebviewPanel) => posted(panel).map((message) => (message as { type: string }).type);
  const sentView = (message: unknown) => (message as { view: PanelTradeoffView }).view;

  /** A panel whose page is ready, with listeners that record Apply and Measure Again. */
  async function ready(view?: PanelTradeoffView) {
    const setup = setUp();
    const applied: StorageOptionSpec[] = [];
    let measured = 0;
    setup.panel.onDidRequestApplyStorage((option) => applied.push(option));
    setup.panel.onDidRequestMeasureTradeoffs(() => measured++);
    const created = await openReady(setup);
    if (view) {
      setup.panel.updateTradeoffs(view);
      created.webview.posted.length = 0;
    }
    return { ...setup, created, applied, measured: () => measured };
  }

  it('showTradeoffs opens the panel and, once it is ready, sends the view and switches to the storage view', async () => {
    const setup = setUp();
    setup.panel.showTradeoffs(tradeoffs({ state: 'measuring', report: null, detail: 'Measuring float32 (1 of 6)…' }));
    const created = setup.webviewPanel();
    assert.deepEqual(created.webview.posted, [], 'nothing before ready');
    created.send({ type: 'ready' });
    await flush();
    assert.deepEqual(types(created), ['tradeoffs', 'showView']);
    assert.deepEqual(sentView(posted(created)[0]), { state: 'measuring', detail: 'Measuring float32 (1 of 6)…', report: null, applying: false });
    assert.deepEqual(posted(created)[1], { type: 'showView', view: 'storage' });
  });

  it('showTradeoffs on an open panel reveals it and posts at once; the report arrives whole', async () => {
    const { panel, created } = await ready();
    panel.showTradeoffs(tradeoffs());
    assert.equal(created.revealed, 1);
    assert.deepEqual(types(created), ['tradeoffs', 'showView']);
    assert.deepEqual(JSON.parse(JSON.stringify(sentView(created.webview.posted[0]).report)), report);
  });

  it('updateTradeoffs neither creates nor reveals the panel, and a page that (re)loads gets the last view without a switch', async () => {
    const setup = setUp();
    setup.panel.updateTradeoffs(tradeoffs({ state: 'measuring', report: null, detail: '1 of 6' }));
    assert.equal(fake.recorded.panels.length, 0);
    const created = await openReady(setup);
    created.setVisible(false);
    setup.panel.updateTradeoffs(tradeoffs());
    assert.deepEqual(created.webview.posted, [], 'a hidden page gets nothing');
    created.setVisible(true);
    created.send({ type: 'ready' });
    await flush();
    assert.deepEqual(types(created), ['tradeoffs']);
    assert.equal(sentView(posted(created)[0]).state, 'ready');
    assert.equal(created.revealed, 0);
  });

  it('the latest show wins: a query after showTradeoffs shows the results; showTradeoffs after showMigration shows the storage view', async () => {
    const setup = setUp();
    setup.panel.showTradeoffs(tradeoffs());
    setup.panel.show('retry logic');
    const created = setup.webviewPanel();
    created.send({ type: 'ready' });
    await flush();
    assert.deepEqual(types(created), ['show', 'tradeoffs']);

    fake.resetFake();
    const other = setUp();
    other.panel.showMigration({ phase: 'building', fromModel: 'a', toModel: 'b', detail: '', canCutOver: false, canRollBack: true, decisionReason: null, report: null });
    other.panel.showTradeoffs(tradeoffs());
    const second = other.webviewPanel();
    second.send({ type: 'ready' });
    await flush();
    assert.deepEqual(types(second), ['migration', 'tradeoffs', 'showView']);
    assert.deepEqual(posted(second)[2], { type: 'showView', view: 'storage' });
  });

  it('passes Apply on as onDidRequestApplyStorage with the report\'s own option, only for an option of the last report that is not the current one', async () => {
    const { created, applied, warnings } = await ready(tradeoffs());
    created.send({ type: 'applyStorage', option: { kind: 'binary', rescore: 'int8', oversampling: 10 } });
    created.send({ type: 'applyStorage', option: { kind: 'int8', dimensions: 256 } });
    assert.deepEqual(applied, [{ kind: 'binary', rescore: 'int8', oversampling: 10 }, { kind: 'int8', dimensions: 256 }]);
    assert.notEqual(applied[0], report.options[4]!.option, 'a copy: the listener cannot change the kept report');
    assert.deepEqual(created.webview.posted, [], 'an accepted Apply is answered by the listener, not by the panel');

    for (const option of [{ kind: 'float32' }, { kind: 'int8', dimensions: 128 }, { kind: 'binary', rescore: 'float32', oversampling: 7 }]) {
      created.send({ type: 'applyStorage', option });
    }
    assert.equal(applied.length, 2, 'the current option and options the report does not hold are not applied');
    assert.equal(warnings.filter((warning) => /ignored Apply of the storage option/.test(warning)).length, 3);
    assert.deepEqual(types(created), ['tradeoffs', 'tradeoffs', 'tradeoffs'], 'a refused Apply is answered with the current view, so the page stops waiting');

    created.send({ type: 'applyStorage', option: { kind: 'float16' } });
    assert.match(warnings.at(-1)!, /dropped an invalid message/);
  });

  it('refuses Apply with no view, while measuring, after a failure and while applying', async () => {
    const setup = await ready();
    setup.created.send({ type: 'applyStorage', option: { kind: 'int8' } });
    assert.deepEqual(setup.created.webview.posted, [], 'no view to answer with');
    for (const view of [tradeoffs({ state: 'measuring' }), tradeoffs({ state: 'failed' }), tradeoffs({ applying: true }), tradeoffs({ report: null })]) {
      setup.panel.updateTradeoffs(view);
      setup.created.send({ type: 'applyStorage', option: { kind: 'int8' } });
    }
    assert.deepEqual(setup.applied, []);
    assert.equal(setup.warnings.length, 5);
  });

  it('passes Measure Again on as onDidRequestMeasureTradeoffs unless measuring or applying', async () => {
    const setup = await ready();
    setup.created.send({ type: 'measureTradeoffs' });
    assert.equal(setup.measured(), 0, 'no view: nothing to measure again');
    setup.panel.updateTradeoffs(tradeoffs({ state: 'failed', report: null, detail: 'The index is locked.' }));
    setup.created.send({ type: 'measureTradeoffs' });
    assert.equal(setup.measured(), 1);
    setup.panel.updateTradeoffs(tradeoffs({ state: 'measuring' }));
    setup.created.webview.posted.length = 0;
    setup.created.send({ type: 'measureTradeoffs' });
    setup.panel.updateTradeoffs(tradeoffs({ applying: true }));
    setup.created.send({ type: 'measureTradeoffs' });
    assert.equal(setup.measured(), 1);
    assert.match(setup.warnings.at(-1)!, /ignored Measure Again/);
    assert.deepEqual(types(setup.created), ['tradeoffs', 'tradeoffs', 'tradeoffs'], 'refusals are answered with the current view');
  });

  it('clips long texts to the protocol, and shows a report that does not fit as a failure', async () => {
    const long = 'x'.repeat(5000);
    const big = tradeoffs({
      detail: long,
      report: { ...report, model: { ...report.model, id: long }, recommendation: long, options: report.options.map((option) => ({ ...option, label: long, warning: long })) },
    });
    const fitted = fitTradeoffView(big);
    assert.equal(fitted.detail.length, 2000);
    assert.ok(fitted.detail.endsWith('…'));
    assert.equal(fitted.report!.model.id.length, 200);
    assert.equal(fitted.report!.recommendation.length, 2000);
    assert.ok(fitted.report!.options.every((option) => option.label.length === 200 && option.warning!.length === 2000));
    assert.equal(fitTradeoffView(tradeoffs()).report!.options[0]!.warning, undefined, 'an absent warning stays absent');

    const { panel, created, warnings } = await ready();
    panel.updateTradeoffs(big);
    assert.equal(sentView(created.webview.posted[0]).report?.options.length, 6, 'a view that fits after clipping is shown whole');

    created.webview.posted.length = 0;
    const options = report.options.map((option, index) => (index === 2 ? { ...option, latency: { p50: Number.NaN, p95: 1 } } : option));
    panel.updateTradeoffs(tradeoffs({ report: { ...report, options } }));
    assert.deepEqual(sentView(created.webview.posted[0]), {
      state: 'failed', detail: 'The measurements could not be shown: they hold a value the panel does not accept. See the Semantic Search log.', report: null, applying: false,
    });
    assert.match(warnings.at(-1)!, /does not fit the panel protocol/);
    created.send({ type: 'applyStorage', option: { kind: 'int8' } });
    created.send({ type: 'measureTradeoffs' });

    created.webview.posted.length = 0;
    panel.updateTradeoffs(tradeoffs({ state: 'measuring', detail: '3 of 6', report: { ...report, options } }));
    assert.deepEqual(sentView(created.webview.posted[0]), { state: 'measuring', detail: '3 of 6', report: null, applying: false }, 'progress keeps its own detail');
  });

  it('keeps the current and the recommended options when there are too many', () => {
    const extra = Array.from({ length: 60 }, (_, index) => ({ ...report.options[1]!, option: { kind: 'int8' as const, dimensions: index + 1 }, label: `int8, ${index + 1} dims`, current: false }));
    const many = { ...report, options: [...extra, ...report.options], recommended: 61 };
    const fitted = fitTradeoffView(tradeoffs({ report: many })).report!;
    assert.equal(fitted.options.length, 50);
    assert.equal(fitted.options.filter((option) => option.current).length, 1, 'the current option is kept');
    assert.equal(fitted.options[fitted.recommended!]!.label, 'int8', 'the recommendation follows its option');
    const dropped = fitTradeoffView(tradeoffs({ report: { ...many, recommended: 3 } })).report!;
    assert.equal(dropped.options[dropped.recommended!]!.label, 'int8, 4 dims');
    assert.equal(fitTradeoffView(tradeoffs({ report: { ...report, recommended: 9 } })).report!.recommended, 9, 'an index out of range stays, for the check to refuse');
  });

  it('disposes its event emitters', () => {
    const setup = setUp();
    let fired = 0;
    setup.panel.onDidRequestApplyStorage(() => fired++);
    setup.panel.onDidRequestMeasureTradeoffs(() => fired++);
    setup.panel.dispose();
    setup.panel.showTradeoffs(tradeoffs());
    setup.panel.updateTradeoffs(tradeoffs());
    assert.equal(fake.recorded.panels.length, 0, 'a disposed panel does not come back');
    assert.equal(fired, 0);
  });
});

describe('ResultsPanel: lifetime', () => {
  it('restores a panel through the serializer, wiring it up again', async () => {
    const setup = setUp();
    const registration = registerResultsPanelSerializer(setup.panel);
    const [entry] = fake.recorded.serializers;
    assert.equal(entry?.viewType, 'semanticSearch.results');
    const restored = new fake.FakeWebviewPanel('semanticSearch.results', 'Semantic Search', {}, {});
    await entry!.serializer.deserializeWebviewPanel(restored, { query: 'q' });
    const options = restored.webview.options as { enableScripts: boolean; localResourceRoots: fake.Uri[] };
    assert.equal(options.enableScripts, true);
    assert.deepEqual(options.localResourceRoots.map((uri) => uri.path), ['/ext/dist/webview']);
    assert.match(restored.webview.html, /script-src 'nonce-/);
    assert.equal(setup.panel.isOpen, true);
    restored.send({ type: 'ready' });
    await flush();
    assert.equal((restored.webview.posted[0] as { type: string }).type, 'indexStatus');

    const extra = new fake.FakeWebviewPanel('semanticSearch.results', 'Semantic Search', {}, {});
    await entry!.serializer.deserializeWebviewPanel(extra, undefined);
    assert.equal(extra.disposed, true, 'a second restored panel is closed');
    registration.dispose();
    assert.equal(fake.recorded.serializers.length, 0);
  });

  it('forgets a panel the user closed and creates a new one on the next show', () => {
    const setup = setUp();
    setup.panel.show();
    fake.recorded.panels[0]!.dispose();
    assert.equal(setup.panel.isOpen, false);
    setup.panel.show();
    assert.equal(fake.recorded.panels.length, 2);
  });

  it('disposes the panel, its listeners and its subscription', async () => {
    const setup = setUp();
    const created = await openReady(setup);
    created.send({ type: 'search', requestId: 1, query: 'q', filters: { languages: [], pathGlob: '' } });
    setup.panel.dispose();
    assert.equal(created.disposed, true);
    assert.equal(setup.calls[0]!.signal.aborted, true);
    assert.equal(setup.statusChanged.listeners.size, 0);
    assert.equal(created.webview.received.listeners.size, 0);
    assert.equal(created.disposeEmitter.listeners.size, 0);
    assert.equal(created.viewStateEmitter.listeners.size, 0);
    setup.panel.show();
    assert.equal(fake.recorded.panels.length, 1, 'a disposed panel does not come back');
  });
});

describe('fitResults', () => {
  it('keeps valid results as they are', () => {
    assert.deepEqual(fitResults([result(), result({ symbol: null, scope: ['A'] })]), [result(), result({ symbol: null, scope: ['A'] })]);
  });
});

describe('ResultsPanel: crafted messages', () => {
  // Two workspace folders, and a sibling of one that is not a workspace folder (its name starts like it).
  let root: string;
  let repo: string;
  let docs: string;
  let sibling: string;

  before(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'results-panel-crafted-')));
    repo = path.join(root, 'repo');
    docs = path.join(root, 'docs');
    sibling = path.join(root, 'repo-secrets');
    for (const folder of [repo, docs, sibling]) fs.mkdirSync(path.join(folder, 'src'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'src', 'a.ts'), 'export const a = 1;\n');
    fs.writeFileSync(path.join(docs, 'guide.md'), '# Guide\n');
    fs.writeFileSync(path.join(sibling, 'token.txt'), 'secret\n');
    if (process.platform !== 'win32') {
      fs.symlinkSync(sibling, path.join(repo, 'src', 'linked-dir'));
      fs.symlinkSync(path.join(docs, 'guide.md'), path.join(repo, 'src', 'guide-link.md'));
    }
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  function withFolders() {
    const repoUri = fake.Uri.file(repo);
    const docsUri = fake.Uri.file(docs);
    fake.workspace.workspaceFolders = [{ uri: repoUri, name: 'repo', index: 0 }, { uri: docsUri, name: 'docs', index: 1 }];
    return { repoFolder: repoUri.toString(), docsFolder: docsUri.toString() };
  }

  /**
   * Sends each message once the panel has answered the one before (with a warning, an editor or an error):
   * a later open supersedes one still pending, so they go one at a time.
   */
  async function sendEach(setup: ReturnType<typeof setUp>, created: fake.FakeWebviewPanel, messages: unknown[]) {
    const effects = () => fake.recorded.shown.length + fake.recorded.errors.length + setup.warnings.length;
    for (const message of messages) {
      const before = effects();
      created.send(message);
      const deadline = Date.now() + 5000;
      while (effects() === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  function assertNothingHappened(setup: ReturnType<typeof setUp>) {
    assert.deepEqual(fake.recorded.opened, [], 'no file was read');
    assert.deepEqual(fake.recorded.shown, [], 'no editor was opened');
    assert.deepEqual(fake.recorded.commands, [], 'no command was run');
    assert.deepEqual(fake.recorded.external, [], 'nothing was handed to the OS');
    assert.equal(setup.calls.length, 0, 'no search was run');
  }

  it('refuses opens that leave their folder or name no workspace folder, reading nothing', async () => {
    const { repoFolder, docsFolder } = withFolders();
    const setup = setUp();
    const created = await openReady(setup);
    const open = (folder: string, filePath: string) => ({ type: 'open', folder, path: filePath, startLine: 1, endLine: 1, preview: false });
    const refused: Array<[ReturnType<typeof open>, RegExp]> = [
      [open(repoFolder, '../../etc/passwd'), /parent-segment/],
      [open(repoFolder, '../repo-secrets/token.txt'), /parent-segment/],
      [open(repoFolder, '/etc/passwd'), /absolute/],
      [open(repoFolder, `${sibling}/token.txt`), /absolute/],
      [open(repoFolder, 'file:///etc/passwd'), /url-scheme/],
      [open(repoFolder, 'command:workbench.action.terminal.new'), /url-scheme/],
      [open(repoFolder, 'vscode://ms-vscode.remote/open'), /url-scheme/],
      [open(fake.Uri.file(sibling).toString(), 'token.txt'), /is not a workspace folder/],
      [open(`${repoFolder}/../repo-secrets`, 'token.txt'), /is not a workspace folder/],
      [open(`${repoFolder}-secrets`, 'token.txt'), /is not a workspace folder/],
      [open('command:workbench.action.terminal.new', 'a.ts'), /is not a workspace folder/],
      [open('file:///', 'etc/passwd'), /is not a workspace folder/],
      [open(docsFolder, '../repo/src/a.ts'), /parent-segment/],
    ];
    if (process.platform !== 'win32') {
      refused.push([open(repoFolder, 'src/linked-dir/token.txt'), /symlink-outside-folder/]);
      // A link into another workspace folder still leaves this one: it is opened from that folder or not at all.
      refused.push([open(repoFolder, 'src/guide-link.md'), /symlink-outside-folder/]);
    }
    await sendEach(setup, created, refused.map(([message]) => message));
    assertNothingHappened(setup);
    assert.equal(setup.warnings.length, refused.length);
    for (const [index, [, reason]] of refused.entries()) assert.match(setup.warnings[index]!, reason, JSON.stringify(refused[index]![0]));

    // The same panel opens a file of each workspace folder: the refusals are not a broken open.
    await sendEach(setup, created, [open(repoFolder, 'src/a.ts'), open(docsFolder, 'guide.md')]);
    assert.deepEqual(fake.recorded.shown.map((shown) => shown.path), [path.join(repo, 'src', 'a.ts'), path.join(docs, 'guide.md')]);
  });

  it('drops unknown, oversized and malformed messages, and keeps prototype keys out', async () => {
    const { repoFolder } = withFolders();
    const setup = setUp();
    const created = await openReady(setup);
    const filters = { languages: [], pathGlob: '' };
    const crafted: unknown[] = [
      { type: 'executeCommand', command: 'workbench.action.terminal.new', args: [] },
      { type: 'openExternal', url: 'https://example.com' },
      { type: 'command:workbench.action.terminal.new' },
      { type: 'constructor' },
      { type: '__proto__' },
      { type: 'search', requestId: 1, query: 'q'.repeat(2001), filters },
      { type: 'search', requestId: 1, query: 'q', filters: { languages: Array.from({ length: 51 }, () => 'go'), pathGlob: '' } },
      { type: 'search', requestId: 1, query: 'q', filters: { languages: [], pathGlob: '*'.repeat(501) } },
      { type: 'search', requestId: 1, query: 'x'.repeat(10_000_000), filters },
      { type: 'search', requestId: 1, query: ['q'], filters },
      { type: 'open', folder: repoFolder, path: `src/${'a'.repeat(5000)}.ts`, startLine: 1, endLine: 1, preview: false },
      { type: 'open', folder: repoFolder, path: 'src/a.ts', startLine: 1, endLine: 1, preview: 'yes' },
      { type: 'open', folder: repoFolder, path: { toString: () => 'src/a.ts' }, startLine: 1, endLine: 1, preview: false },
      { type: 'relations', requestId: 1, folder: repoFolder, path: 'src/a.ts', startLine: 1, endLine: 1, chunkIds: Array.from({ length: 101 }, (_, id) => id) },
      JSON.parse('{"type":"open","__proto__":{"folder":"x","path":"src/a.ts","startLine":1,"endLine":1,"preview":false}}'),
      Object.assign(Object.create({ type: 'open', folder: repoFolder, path: 'src/a.ts', startLine: 1, endLine: 1, preview: false }) as object, {}),
    ];
    await sendEach(setup, created, crafted);
    assertNothingHappened(setup);
    assert.equal(setup.warnings.length, crafted.length, setup.warnings.join('\n'));
    assert.ok(setup.warnings.every((warning) => warning.startsWith('Results panel: dropped an invalid message') && warning.length < 200), 'logged briefly, without the contents');
    assert.deepEqual(created.webview.posted, []);

    // A valid search whose fields carry pollution keys runs with a clean copy, and pollutes nothing.
    created.send(JSON.parse('{"type":"search","requestId":2,"query":"retry","filters":{"languages":[],"pathGlob":"","__proto__":{"polluted":true}},"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'));
    await flush();
    assert.equal(setup.calls.length, 1);
    assert.deepEqual(setup.calls[0]!.filters, { languages: [], pathGlob: '' });
    assert.equal(Object.getPrototypeOf(setup.calls[0]!.filters), Object.prototype);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  });
});
