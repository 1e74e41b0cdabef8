// Markup in data is rendered as text: the real panel page (webview/panel.ts) runs on a small DOM
// (fake-dom.ts) and is sent results, an index status, a failure, callers and callees, a migration view and a
// models report whose paths, symbols, snippets, scopes, names and query carry `<script>` and event
// attributes. Every such string must come out as text, no element or attribute may come from data, and no
// markup sink (innerHTML, insertAdjacentHTML, document.write ...) may be used. A static check backs this up
// for code paths the messages here do not reach.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { PanelResult } from '../../../extension/protocol/panel-protocol.ts';
import { fakeDocument, FakeElement, FakeText, installFakeDom, markupSinkCalls, postToPage, vscodeApi } from './fake-dom.ts';
import { modelEvaluationReport } from './model-evaluation-fixture.ts';
import { MODELS_COLUMNS } from '../../../webview/models-model.ts';

installFakeDom();
// Imported by URL: the page's DOM types are the webview project's to check (tsc -p webview), not this one's.
await import(new URL('../../../webview/panel.ts', import.meta.url).href);

const SCRIPT = '<script>alert(1)</script>';
const IMAGE = '<img src=x onerror=alert(1)>';
const SVG = '"><svg onload=alert(1)>';
const HOSTILE = [SCRIPT, IMAGE, SVG];

/** Tags the page builds itself; anything else would have come from data. */
const PAGE_TAGS = new Set(['HTML', 'BODY', 'MAIN', 'DIV', 'SPAN', 'INPUT', 'SELECT', 'OPTION', 'DETAILS', 'SUMMARY', 'FIELDSET', 'LEGEND', 'LABEL', 'BUTTON', 'P', 'PRE', 'CODE', 'MARK', 'UL', 'LI', 'STRONG', 'H2', 'H3', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'CAPTION', 'SECTION', 'CANVAS', 'FIGURE', 'FIGCAPTION', 'DL', 'DT', 'DD', 'OL', 'EM', 'SMALL', 'TIME', 'HEADER', 'ABBR']);

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function hostileResult(overrides: Partial<PanelResult> = {}): PanelResult {
  return {
    folder: 'file:///work/repo', folderName: `repo ${IMAGE}`, path: `src/${SCRIPT}/${IMAGE}.ts`, startLine: 3, endLine: 5,
    language: 'typescript', kind: 'function', symbol: SCRIPT, scope: [IMAGE, SVG],
    snippet: `const page = "${SCRIPT}";\n// ${IMAGE}\nrender(${SVG});`, snippetStartLine: 3,
    scores: { dense: 0.9, lexical: 0.4, fused: 0.03 }, chunkIds: [1], via: { name: SVG }, ...overrides,
  };
}

/** All text of the page, element by element, and the elements themselves. */
function page() {
  const elements = fakeDocument.documentElement.descendants();
  const texts = [fakeDocument.documentElement, ...elements].flatMap((element) => element.childNodes.filter((node): node is FakeText => node instanceof FakeText).map((node) => node.data));
  return { elements, text: texts.join('\n'), attributes: elements.flatMap((element) => [...element.attributes].map(([name, value]) => ({ element, name, value }))) };
}

/** What no page may hold whatever it was sent: an element or attribute name made of data, a sink call. */
function assertNoMarkupFromData(): void {
  const { elements, attributes } = page();
  assert.deepEqual(markupSinkCalls, [], 'no markup sink was used');
  const foreign = elements.filter((element) => !PAGE_TAGS.has(element.tagName)).map((element) => element.tagName);
  assert.deepEqual(foreign, [], 'only elements the page builds itself');
  assert.deepEqual(attributes.filter(({ name }) => /^on/i.test(name)).map(({ name }) => name), [], 'no event handler attributes');
  assert.deepEqual(attributes.filter(({ name, value }) => /^(href|src|action|formaction|xlink:href)$/.test(name) || /^\s*javascript:/i.test(value)).map(({ name, value }) => `${name}=${value}`), [], 'no links or script URLs');
}

function assertShownAsText(strings: readonly string[]): void {
  const { text } = page();
  for (const string of strings) assert.ok(text.includes(string), `${JSON.stringify(string)} is on the page as text`);
}

describe('the panel renders data as text', () => {
  it('starts, says ready, and has built its page without markup', async () => {
    await flush();
    assert.deepEqual(vscodeApi.posted[0], { type: 'ready' });
    assert.ok(page().elements.length > 20, 'the page was built');
    assertNoMarkupFromData();
  });

  it('a query, results, an index status and a notice carrying markup', async () => {
    postToPage({ type: 'indexStatus', state: 'ready', text: `Indexed ${SCRIPT}`, languages: ['typescript', IMAGE] });
    postToPage({ type: 'show', query: `render ${SCRIPT} ${IMAGE}`, filters: { languages: [], pathGlob: SVG }, results: null });
    await flush();
    const search = vscodeApi.posted.findLast((message) => (message as { type: string }).type === 'search') as { requestId: number; query: string } | undefined;
    assert.ok(search, 'the page searched for the query it was shown');
    assert.equal(search.query, `render ${SCRIPT} ${IMAGE}`);
    postToPage({
      type: 'results', requestId: search.requestId, query: search.query, partial: true, notice: `Partial: ${IMAGE}`, milliseconds: 12,
      results: [hostileResult(), hostileResult({ folder: 'file:///work/other', folderName: `other ${SCRIPT}`, path: `${SVG}.py`, language: 'python', kind: SCRIPT, symbol: null, scope: [SCRIPT], startLine: 9, endLine: 9, snippetStartLine: 9, via: undefined })],
    });
    await flush();
    const { elements } = page();
    assert.equal(elements.filter((element) => element.getAttribute('role') === 'option').length, 2, 'both results are listed');
    assert.ok(elements.some((element) => element.tagName === 'MARK'), 'the query terms are highlighted with <mark> elements of the page');
    assertNoMarkupFromData();
    assertShownAsText([`Indexed ${SCRIPT}`, IMAGE, `${IMAGE}.ts`, `src/${SCRIPT}`, `Partial: ${IMAGE}`, `repo ${IMAGE}`, `other ${SCRIPT}`, `Called by the result above as ${SVG}()`]);
    // The symbol and snippet are split around highlights; joined, each is intact.
    const symbol = elements.find((element) => element.getAttribute('data-testid') === 'result-symbol')!;
    assert.equal(symbol.textContent, SCRIPT);
    const snippet = elements.find((element) => element.getAttribute('data-testid') === 'result-snippet')!;
    for (const string of HOSTILE) assert.ok(snippet.textContent.includes(string), `the snippet shows ${string}`);
    // Data may sit in attribute values (a title, an aria-label), where it is a value, never markup.
    const header = elements.find((element) => element.getAttribute('data-testid') === 'file-header')!;
    assert.equal(header.getAttribute('title'), `src/${SCRIPT}/${IMAGE}.ts`);
  });

  it('callers and callees carrying markup', async () => {
    const toggle = fakeDocument.documentElement.querySelector('[data-testid="relations-toggle"]');
    assert.ok(toggle instanceof FakeElement);
    toggle.click();
    await flush();
    const request = vscodeApi.posted.findLast((message) => (message as { type: string }).type === 'relations') as { requestId: number } | undefined;
    assert.ok(request, 'the toggle asked for the relations');
    const related = { folder: 'file:///work/repo', path: `lib/${IMAGE}.ts`, startLine: 4, endLine: 8, name: SCRIPT, symbol: SVG, scope: [SCRIPT], kind: 'function' };
    postToPage({ type: 'relations', requestId: request.requestId, relations: { callers: [related], callees: [{ ...related, symbol: null, kind: IMAGE }], truncated: true } });
    await flush();
    assertNoMarkupFromData();
    assertShownAsText([`${SCRIPT} › ${SVG}`, `lib/${IMAGE}.ts:4`, IMAGE]);
    assert.ok(page().attributes.some(({ name, value }) => name === 'title' && value === `lib/${IMAGE}.ts:4 (by the name ${SCRIPT})`));
  });

  it('a search failure carrying markup', async () => {
    postToPage({ type: 'show', query: 'again', filters: { languages: [], pathGlob: '' }, results: null });
    await flush();
    const search = vscodeApi.posted.findLast((message) => (message as { type: string }).type === 'search') as { requestId: number };
    postToPage({ type: 'searchFailed', requestId: search.requestId, message: `The index failed: ${SCRIPT}` });
    await flush();
    assertNoMarkupFromData();
    assertShownAsText([`The index failed: ${SCRIPT}`]);
  });

  it('a migration view and a models report carrying markup', async () => {
    postToPage({
      type: 'migration',
      view: { phase: 'awaiting-decision', fromModel: SCRIPT, toModel: IMAGE, detail: `Built ${SVG}`, canCutOver: true, canRollBack: false, decisionReason: `Quality dropped: ${SCRIPT}`, report: null },
    });
    postToPage({ type: 'showView', view: 'migration' });
    await flush();
    assertNoMarkupFromData();
    assertShownAsText([`Built ${SVG}`, `Quality dropped: ${SCRIPT}`]);

    const report = modelEvaluationReport();
    report.models[1] = { ...report.models[1]!, displayName: SCRIPT };
    report.rows = report.rows.map((row) => (row.model === report.models[1]!.name ? { ...row, modelDisplayName: SCRIPT, label: IMAGE } : row));
    report.failures = [{ model: SVG, message: `Could not load: ${IMAGE}` }];
    report.queries.examples = [{ query: `Renders ${SCRIPT}`, path: `${IMAGE}.py`, symbol: SVG }];
    postToPage({ type: 'modelEvaluation', view: { state: 'ready', detail: `Done ${IMAGE}`, report, switching: false } });
    postToPage({ type: 'showView', view: 'models' });
    await flush();
    const models = fakeDocument.documentElement.querySelector('[data-testid="models-view"]');
    assert.ok(models && !models.hidden, 'the models view is shown');
    assert.ok(models.textContent.includes(SCRIPT), 'it shows the hostile model name');
    assert.ok(models.textContent.includes(IMAGE), 'and the hostile option label');
    // In a narrow view the table becomes cards, where each cell says its column (panel.css reads data-label).
    const cells = models.querySelectorAll('td').filter((cell) => !cell.querySelector('button') && cell.textContent !== '');
    assert.ok(cells.length > 0 && cells.every((cell) => MODELS_COLUMNS.includes(cell.getAttribute('data-label') ?? '')), 'every cell names its column');
    assertNoMarkupFromData();
    assertShownAsText([`Could not load: ${IMAGE}`]);
  });

  it('a migration update gives focus back to the pressed button only while the page has the keyboard', async () => {
    const view = (detail: string) => ({ type: 'migration', view: { phase: 'awaiting-decision', fromModel: 'code-static', toModel: 'glove-100d', detail, canCutOver: true, canRollBack: true, decisionReason: null, report: null } });
    postToPage(view('Built 1'));
    postToPage({ type: 'showView', view: 'migration' });
    await flush();
    const cutOver = () => fakeDocument.documentElement.querySelector('[data-testid="migration-cut-over"]')!;
    cutOver().focus();
    // The user pressed the button and is still in the panel: the re-created button keeps the keyboard.
    postToPage(view('Built 2'));
    await flush();
    assert.equal(fakeDocument.activeElement, cutOver(), 'focus follows the re-created button');
    // The user moved on (a QuickPick has the keyboard) while the document still remembers the button: an update
    // must not pull focus back into the panel, which would close the QuickPick (seen in the migration journey).
    const remembered = fakeDocument.activeElement;
    fakeDocument.focused = false;
    try {
      postToPage(view('Built 3'));
      await flush();
      assert.notEqual(fakeDocument.activeElement, cutOver(), 'the new button is not focused');
      assert.equal(fakeDocument.activeElement, remembered, 'nothing in the page was focused');
    } finally {
      fakeDocument.focused = true;
    }
  });

  it('a message that is not valid is dropped, and the page is unchanged', async () => {
    const before = page().text;
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      postToPage({ type: 'results', requestId: 'x', results: [{ path: SCRIPT }] });
      postToPage({ type: `${IMAGE}` });
      postToPage(SCRIPT);
      await flush();
    } finally {
      console.warn = warn;
    }
    assert.equal(warnings.length, 3);
    assert.equal(page().text, before);
    assertNoMarkupFromData();
  });
});

describe('webview sources', () => {
  const directory = path.join(import.meta.dirname, '..', '..', '..', 'webview');
  const sources = readdirSync(directory).filter((name) => name.endsWith('.ts')).map((name) => ({ name, text: readFileSync(path.join(directory, name), 'utf8') }));

  it('never use a markup sink, eval, or a string as code', () => {
    const sinks = /\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|srcdoc|\beval\s*\(|new Function\s*\(|set(Timeout|Interval)\s*\(\s*['"`]/;
    assert.ok(sources.length >= 5);
    for (const { name, text } of sources) {
      const lines = text.split('\n').map((line, index) => ({ line, number: index + 1 })).filter(({ line }) => sinks.test(line) && !/^\s*(\/\/|\*)/.test(line));
      assert.deepEqual(lines.map(({ line, number }) => `${name}:${number}: ${line.trim()}`), [], 'markup sinks in the webview');
    }
  });

  it('set attributes only by name literals, and links never', () => {
    for (const { name, text } of sources) {
      // setAttribute with a computed name would let data choose the attribute (e.g. onerror).
      const computed = [...text.matchAll(/setAttribute\(\s*([^'"\s][^,]*),/g)].map((match) => match[1]);
      const allowed = computed.filter((argument) => argument !== 'name'); // dom.ts: the names of `attributes`, object literals of the callers
      assert.deepEqual(allowed, [], `${name}: setAttribute with a computed name`);
      assert.doesNotMatch(text, /\.(href|src)\s*=/, `${name}: no links or sources set from code`);
    }
  });
});
