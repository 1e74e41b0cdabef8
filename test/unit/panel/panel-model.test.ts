import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parsePanelState, parseTradeoffReport } from '../../../extension/protocol/panel-protocol.ts';
import type { HostToPanel, PanelMigrationView, PanelResult, PanelToHost, PanelTradeoffView } from '../../../extension/protocol/panel-protocol.ts';
import { languageChoices, PanelSession } from '../../../webview/panel-model.ts';
import { Debouncer, RequestTracker, type Timer } from '../../../webview/panel-timing.ts';
import {
  displayOrder, formatLineRange, formatMilliseconds, formatScore, groupByFile, moveSelection, noticeText, resultLabel, resultsSummary, resultScope, resultTitle, scoreView,
  snippetStartsWith, spansFolders,
} from '../../../webview/result-list.ts';
import { highlightRanges, queryTerms, snippetView, splitHighlights, type SnippetLine } from '../../../webview/result-text.ts';

/** A timer driven by the test: `advance` runs what falls due, in order. */
class FakeTimer implements Timer {
  now = 0;
  private nextHandle = 1;
  private readonly queue = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, milliseconds: number): unknown {
    const handle = this.nextHandle++;
    this.queue.set(handle, { at: this.now + milliseconds, callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.queue.delete(handle as number);
  }

  get pending(): number {
    return this.queue.size;
  }

  advance(milliseconds: number): void {
    const until = this.now + milliseconds;
    for (;;) {
      const due = [...this.queue.entries()].filter(([, entry]) => entry.at <= until).sort((left, right) => left[1].at - right[1].at)[0];
      if (!due) break;
      this.queue.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = until;
  }
}

function result(path: string, overrides: Partial<PanelResult> = {}): PanelResult {
  return {
    folder: 'file:///work/repo',
    folderName: 'repo',
    path,
    startLine: 1,
    endLine: 3,
    language: 'typescript',
    kind: 'function',
    symbol: 'f',
    scope: [],
    snippet: 'x',
    snippetStartLine: 1,
    scores: { dense: 0.5, lexical: null, fused: 0.03 },
    ...overrides,
  };
}

function text(line: SnippetLine): string {
  return line.segments.map((segment) => segment.text).join('');
}

function marked(line: SnippetLine): string[] {
  return line.segments.filter((segment) => segment.highlighted).map((segment) => segment.text);
}

describe('groupByFile', () => {
  it('groups in the rank order of each file\'s best result, keeping rank order inside a group', () => {
    const results = [result('b.ts'), result('a.ts'), result('b.ts'), result('c.ts'), result('a.ts'), result('b.ts')];
    const groups = groupByFile(results);
    assert.deepEqual(groups.map((group) => [group.path, group.entries]), [['b.ts', [0, 2, 5]], ['a.ts', [1, 4]], ['c.ts', [3]]]);
    assert.deepEqual(displayOrder(groups), [0, 2, 5, 1, 4, 3]);
  });

  it('keeps the same path in two workspace folders apart', () => {
    const results = [result('src/index.ts'), result('src/index.ts', { folder: 'file:///work/other', folderName: 'other' })];
    const groups = groupByFile(results);
    assert.equal(groups.length, 2);
    assert.deepEqual(groups.map((group) => group.folderName), ['repo', 'other']);
    assert.equal(spansFolders(results), true);
    assert.equal(spansFolders([results[0]!]), false);
  });

  it('gives nothing for no results', () => {
    assert.deepEqual(groupByFile([]), []);
    assert.deepEqual(displayOrder([]), []);
  });
});

describe('moveSelection', () => {
  const order = [0, 2, 5, 1, 4, 3];

  it('walks the display order and stops at both ends', () => {
    assert.equal(moveSelection(order, 0, 'next'), 2);
    assert.equal(moveSelection(order, 5, 'next'), 1);
    assert.equal(moveSelection(order, 1, 'previous'), 5);
    assert.equal(moveSelection(order, 3, 'next'), 3);
    assert.equal(moveSelection(order, 0, 'previous'), 0);
    assert.equal(moveSelection(order, 5, 'first'), 0);
    assert.equal(moveSelection(order, 5, 'last'), 3);
    assert.equal(moveSelection(order, 0, 'pageDown', 4), 4);
    assert.equal(moveSelection(order, 0, 'pageDown', 40), 3);
    assert.equal(moveSelection(order, 4, 'pageUp', 40), 0);
  });

  it('starts from the first result when nothing is selected, and gives none for an empty list', () => {
    assert.equal(moveSelection(order, -1, 'next'), 0);
    assert.equal(moveSelection(order, -1, 'previous'), 0);
    assert.equal(moveSelection(order, -1, 'last'), 3);
    assert.equal(moveSelection([], -1, 'next'), -1);
    assert.equal(moveSelection([], 3, 'next'), -1);
  });
});

describe('queryTerms', () => {
  it('splits words and identifiers into lower-cased parts', () => {
    assert.deepEqual(queryTerms('parse header'), ['parse', 'header']);
    assert.deepEqual(queryTerms('parseHTTPHeader'), ['parsehttpheader', 'parse', 'http', 'header']);
    assert.deepEqual(queryTerms('parse_http_header'), ['parse_http_header', 'parse', 'http', 'header']);
    assert.deepEqual(queryTerms('utf8Decode()'), ['utf8decode', 'utf', 'decode']);
  });

  it('drops stop words and single letters unless nothing else is left', () => {
    assert.deepEqual(queryTerms('how do we parse the header?'), ['parse', 'header']);
    assert.deepEqual(queryTerms('the of'), ['the', 'of']);
    assert.deepEqual(queryTerms('x'), ['x']);
    assert.deepEqual(queryTerms('x y retry'), ['retry']);
  });

  it('handles unicode words and punctuation', () => {
    assert.deepEqual(queryTerms('Größe berechnen!'), ['größe', 'berechnen']);
    assert.deepEqual(queryTerms('  (foo) [bar] '), ['foo', 'bar']);
    assert.deepEqual(queryTerms('   '), []);
    assert.deepEqual(queryTerms('<script>'), ['script']);
  });
});

describe('highlightRanges', () => {
  it('finds query words inside identifiers, case-insensitively', () => {
    const code = 'function parseHTTPHeader(line) {';
    const ranges = highlightRanges(code, queryTerms('parse header'));
    assert.deepEqual(ranges.map(({ start, end }) => code.slice(start, end)), ['parse', 'Header']);
  });

  it('marks a camelCase query in snake_case code and the reverse', () => {
    const snake = 'def parse_http_header(raw):';
    assert.deepEqual(highlightRanges(snake, queryTerms('parseHttpHeader')).map(({ start, end }) => snake.slice(start, end)), ['parse', 'http', 'header'], 'the parts, not the underscores');
    const camel = 'const parseHttpHeader = () => {}';
    assert.deepEqual(highlightRanges(camel, queryTerms('parse_http_header')).map(({ start, end }) => camel.slice(start, end)), ['parseHttpHeader']);
  });

  it('merges overlapping and adjacent matches', () => {
    assert.deepEqual(highlightRanges('headerHeader', ['header']), [{ start: 0, end: 12 }]);
    assert.deepEqual(highlightRanges('abcdef', ['abcd', 'abc', 'abcdef']), [{ start: 0, end: 6 }]);
  });

  it('matches terms only where an identifier part starts', () => {
    const code = 'userId user_id middle idle';
    const ranges = highlightRanges(code, ['id']);
    assert.deepEqual(ranges.map(({ start, end }) => `${start}:${code.slice(start, end)}`), ['4:Id', '12:id', '22:id']);
    const prose = 'order storage, image tag; sort by age: ageOf(user)';
    assert.deepEqual(highlightRanges(prose, ['age']).map(({ start, end }) => `${start}:${prose.slice(start, end)}`), ['34:age', '39:age'], 'not inside storage or image');
    assert.deepEqual(highlightRanges('查找用户名', ['用户']), [{ start: 2, end: 4 }], 'a script without case has no parts to start');
  });

  it('treats regular-expression characters in terms literally', () => {
    assert.deepEqual(highlightRanges('a.b axb', ['a.b']), [{ start: 0, end: 3 }]);
    assert.deepEqual(highlightRanges('(x)', ['(x']), [{ start: 0, end: 2 }]);
  });

  it('matches across letter case in other scripts', () => {
    const text = 'ÜBER über Über';
    assert.equal(highlightRanges(text, ['über']).length, 3);
  });

  it('gives nothing for no terms or no text', () => {
    assert.deepEqual(highlightRanges('anything', []), []);
    assert.deepEqual(highlightRanges('', ['x']), []);
    assert.deepEqual(highlightRanges('abc', ['']), []);
  });
});

describe('splitHighlights', () => {
  it('cuts text into plain and marked pieces that join back to the text', () => {
    const code = 'function parseHTTPHeader(line) {';
    const segments = splitHighlights(code, highlightRanges(code, ['parse', 'header']));
    assert.deepEqual(segments, [
      { text: 'function ', highlighted: false },
      { text: 'parse', highlighted: true },
      { text: 'HTTP', highlighted: false },
      { text: 'Header', highlighted: true },
      { text: '(line) {', highlighted: false },
    ]);
    assert.equal(segments.map((segment) => segment.text).join(''), code);
  });

  it('keeps markup as text and copes with ranges past the end', () => {
    assert.deepEqual(splitHighlights('<b>', [{ start: 1, end: 99 }]), [{ text: '<', highlighted: false }, { text: 'b>', highlighted: true }]);
    assert.deepEqual(splitHighlights('', []), []);
  });
});

describe('snippetView', () => {
  it('shows short snippets whole, with file line numbers and common indentation removed', () => {
    const view = snippetView('    if (ok) {\n      parse(header);\n    }\n', 41, ['parse']);
    assert.deepEqual(view.lines.map(text), ['if (ok) {', '  parse(header);', '}']);
    assert.deepEqual(view.lines.map((line) => line.number), [41, 42, 43]);
    assert.deepEqual(marked(view.lines[1]!), ['parse']);
    assert.equal(view.hiddenBefore + view.hiddenAfter, 0);
  });

  it('moves the window down to the first matching line when it is below the fold', () => {
    const lines = Array.from({ length: 30 }, (_, index) => (index === 20 ? 'const header = parse(raw);' : `// line ${index}`));
    const view = snippetView(lines.join('\n'), 100, ['header'], { maxLines: 5 });
    assert.deepEqual(view.lines.map((line) => line.number), [119, 120, 121, 122, 123]);
    assert.equal(view.hiddenBefore, 19);
    assert.equal(view.hiddenAfter, 6);
    assert.deepEqual(marked(view.lines[1]!), ['header']);
  });

  it('stays at the top when a match is already visible, and reports the lines left out', () => {
    const view = snippetView(['a header', ...Array.from({ length: 20 }, () => 'b')].join('\n'), 1, ['header'], { maxLines: 8 });
    assert.equal(view.lines[0]!.number, 1);
    assert.equal(view.hiddenBefore, 0);
    assert.equal(view.hiddenAfter, 13);
  });

  it('does not go past the end', () => {
    const lines = Array.from({ length: 10 }, (_, index) => (index === 9 ? 'header' : 'x'));
    const view = snippetView(lines.join('\n'), 1, ['header'], { maxLines: 4 });
    assert.deepEqual(view.lines.map((line) => line.number), [7, 8, 9, 10]);
    assert.equal(view.hiddenAfter, 0);
  });

  it('cuts long lines and reads Windows line endings', () => {
    const view = snippetView(`${'x'.repeat(50)}\r\nnext`, 1, [], { maxLineLength: 10 });
    assert.equal(text(view.lines[0]!), 'x'.repeat(10));
    assert.equal(view.lines[0]!.clipped, true);
    assert.equal(text(view.lines[1]!), 'next');
    assert.equal(view.lines[1]!.clipped, false);
  });

  it('keeps blank lines and does not dedent lines with different indentation characters', () => {
    const view = snippetView('\tif (x) {\n\n    y();\n\t}', 1, []);
    assert.deepEqual(view.lines.map(text), ['\tif (x) {', '', '    y();', '\t}']);
  });

  it('starts at the first line that carries something: a piece of a split function may start with `)`', () => {
    const view = snippetView('    )\n    ...\n    return merged\n', 20, []);
    assert.deepEqual([view.lines[0]!.number, text(view.lines[0]!), view.hiddenBefore], [22, 'return merged', 2]);
    assert.deepEqual(snippetView(')', 5, []).lines.map(text), [')'], 'a snippet of nothing but punctuation is shown as it is');
  });
});

describe('result summary and score', () => {
  it('does not repeat a summary that the snippet starts with', () => {
    assert.equal(snippetStartsWith('  )\n  def parse(self):', 'def parse(self):'), true);
    assert.equal(snippetStartsWith('def parse(self):\n  # Parse.', 'Parse.'), false);
  });

  it('shows one score, the relevance, with the others as details', () => {
    const view = scoreView({ relevance: 0.8234, fused: 0.0271, dense: 0.47, lexical: 7.04 });
    assert.equal(view.shown, '0.82');
    assert.match(view.details, /relevance 0\.823/);
    assert.match(view.details, /cosine 0\.470/);
    assert.match(view.details, /BM25 7\.04/);
    assert.equal(scoreView({ fused: 0.0271, dense: null, lexical: null }).shown, '0.027', 'results saved before the relevance existed show the fused score');
    const ranked = scoreView({ relevance: 0.91, fused: 0.03, dense: null, lexical: 7, ranking: 'ranked as a symbol query, score 7.31: definesExact +5.73' });
    assert.equal(ranked.shown, '0.91');
    assert.match(ranked.details, /^relevance 0\.910: the ranking stage's estimate that it answers the query\nranked as a symbol query, score 7\.31: definesExact \+5\.73\n/);
  });
});

describe('formatting', () => {
  it('formats scores compactly', () => {
    assert.equal(formatScore(0.03278), '0.033');
    assert.equal(formatScore(0.8123), '0.812');
    assert.equal(formatScore(7.254), '7.25');
    assert.equal(formatScore(-12.34), '-12.3');
    assert.equal(formatScore(1234.5), '1235');
  });

  it('formats lines and times', () => {
    assert.equal(formatLineRange(12, 12), '12');
    assert.equal(formatLineRange(12, 40), '12–40');
    assert.equal(formatMilliseconds(12.4), '12 ms');
    assert.equal(formatMilliseconds(2345), '2.3 s');
  });

  it('names results and labels them for screen readers', () => {
    assert.equal(resultTitle(result('a.ts', { symbol: 'parse' })), 'parse');
    assert.equal(resultTitle(result('a.ts', { symbol: null, scope: ['Outer', 'Inner'] })), 'Inner');
    assert.equal(resultTitle(result('a.ts', { symbol: null, scope: [], kind: 'section' })), 'section');
    assert.equal(resultLabel(result('src/a.ts', { symbol: 'parse', startLine: 3, endLine: 9 })), 'parse, function, lines 3 to 9, src/a.ts');
    assert.equal(resultLabel(result('src/a.ts', { symbol: 'parse', startLine: 3, endLine: 3 })), 'parse, function, line 3, src/a.ts');
  });

  it('titles a section by its heading without its anchor, and its scope does not repeat it', () => {
    const section = result('docs/body.md', { kind: 'section', symbol: 'Import BaseModel { #import-basemodel }', scope: ['Request Body { #request-body }', 'Import BaseModel { #import-basemodel }'] });
    assert.equal(resultTitle(section), 'Import BaseModel');
    assert.deepEqual(resultScope(section), ['Request Body']);
    assert.deepEqual(resultScope(result('a.ts', { symbol: null, scope: ['Outer', 'Inner'] })), ['Outer'], 'without a symbol the innermost scope is the title, not a scope');
  });

  it('offers indexed languages plus still-selected ones, sorted', () => {
    assert.deepEqual(languageChoices(['typescript', 'python'], ['rust', 'python']), ['python', 'rust', 'typescript']);
  });
});

describe('Debouncer', () => {
  it('runs once, the delay after the last trigger', () => {
    const timer = new FakeTimer();
    let calls = 0;
    const debouncer = new Debouncer(timer, 250, () => calls++);
    debouncer.trigger();
    timer.advance(200);
    debouncer.trigger();
    timer.advance(200);
    assert.equal(calls, 0);
    assert.equal(debouncer.pending, true);
    timer.advance(50);
    assert.equal(calls, 1);
    assert.equal(debouncer.pending, false);
    timer.advance(1000);
    assert.equal(calls, 1);
  });

  it('flushes a pending call at once and cancels', () => {
    const timer = new FakeTimer();
    let calls = 0;
    const debouncer = new Debouncer(timer, 250, () => calls++);
    assert.equal(debouncer.flush(), false);
    debouncer.trigger();
    assert.equal(debouncer.flush(), true);
    assert.equal(calls, 1);
    assert.equal(timer.pending, 0);
    debouncer.trigger();
    debouncer.cancel();
    timer.advance(1000);
    assert.equal(calls, 1);
  });
});

describe('RequestTracker', () => {
  it('only the latest id is current, and invalidate makes all stale', () => {
    const tracker = new RequestTracker();
    const first = tracker.next();
    const second = tracker.next();
    assert.ok(second > first);
    assert.equal(tracker.isCurrent(first), false);
    assert.equal(tracker.isCurrent(second), true);
    tracker.invalidate();
    assert.equal(tracker.isCurrent(second), false);
    assert.ok(tracker.next() > second + 1);
  });
});

describe('PanelSession', () => {
  function session(restored?: Parameters<typeof parsePanelState>[0]) {
    const timer = new FakeTimer();
    const posted: PanelToHost[] = [];
    let changes = 0;
    const state = restored === undefined ? undefined : parsePanelState(restored);
    const panel = new PanelSession({ post: (message) => posted.push(message), timer, onDidChange: () => changes++, restored: state });
    return { panel, timer, posted, changes: () => changes, searches: () => posted.filter((message) => message.type === 'search') };
  }

  function answer(requestId: number, results: PanelResult[], query = 'q'): HostToPanel {
    return { type: 'results', requestId, query, results, partial: false, notice: null, milliseconds: 5 };
  }

  it('says ready first and searches only after typing pauses, for the last query', () => {
    const { panel, timer, posted, searches } = session();
    panel.start();
    assert.deepEqual(posted, [{ type: 'ready' }]);
    for (const query of ['p', 'pa', 'par', 'parse']) {
      panel.setQuery(query);
      timer.advance(100);
    }
    assert.equal(searches().length, 0);
    assert.equal(panel.state.searchPending, true, 'remembered as pending while waiting');
    timer.advance(250);
    assert.deepEqual(searches(), [{ type: 'search', requestId: 1, query: 'parse', filters: { languages: [], pathGlob: '' } }]);
    assert.equal(panel.status.searching, true);
  });

  it('searches at once on Enter', () => {
    const { panel, timer, searches } = session();
    panel.start();
    panel.setQuery('parse');
    panel.searchNow();
    assert.equal(searches().length, 1);
    timer.advance(1000);
    assert.equal(searches().length, 1, 'the debounced search does not run again');
  });

  it('drops late results of older requests', () => {
    const { panel, timer, searches } = session();
    panel.start();
    panel.setQuery('parse');
    timer.advance(250);
    panel.setQuery('parse header');
    timer.advance(250);
    const [older, newer] = searches();
    assert.ok(older && newer && older.type === 'search' && newer.type === 'search');
    assert.equal(panel.receive({ type: 'searching', requestId: older.requestId, query: 'parse' }), false);
    assert.equal(panel.receive(answer(older.requestId, [result('old.ts')], 'parse')), false);
    assert.equal(panel.state.results.length, 0);
    assert.equal(panel.receive(answer(newer.requestId, [result('new.ts')], 'parse header')), true);
    assert.deepEqual(panel.state.results.map((entry) => entry.path), ['new.ts']);
    assert.equal(panel.state.searchPending, false);
    assert.equal(panel.highlightQuery, 'parse header');
    assert.equal(panel.receive(answer(older.requestId, [result('old.ts')])), false, 'still dropped after the newer one arrived');
    assert.equal(panel.receive({ type: 'searchFailed', requestId: older.requestId, message: 'late' }), false);
    assert.equal(panel.status.error, null);
  });

  it('keeps the highlight query of the shown results while a new query is typed', () => {
    const { panel, timer, searches } = session();
    panel.start();
    panel.setQuery('parse');
    timer.advance(250);
    const [first] = searches();
    assert.ok(first && first.type === 'search');
    panel.setQuery('parse head');
    panel.receive(answer(first.requestId, [result('a.ts')], 'parse'));
    assert.equal(panel.highlightQuery, 'parse', 'the debounced query has not been sent, so the answer to "parse" is still current');
  });

  it('clears at once when the query is emptied, dropping the search in flight', () => {
    const { panel, timer, searches } = session();
    panel.start();
    panel.setQuery('parse');
    timer.advance(250);
    const [search] = searches();
    assert.ok(search && search.type === 'search');
    panel.setQuery('   ');
    assert.equal(panel.status.searching, false);
    assert.equal(panel.state.searchPending, false);
    assert.equal(panel.receive(answer(search.requestId, [result('a.ts')])), false);
    assert.deepEqual(panel.state.results, []);
    timer.advance(1000);
    assert.equal(searches().length, 1);
  });

  it('re-runs the search when a filter changes: at once for languages, after a pause for the glob', () => {
    const { panel, timer, searches } = session();
    panel.start();
    panel.setQuery('parse');
    panel.searchNow();
    panel.setFilters({ languages: ['python'], pathGlob: '' }, true);
    assert.equal(searches().length, 2);
    assert.deepEqual(searches()[1], { type: 'search', requestId: 2, query: 'parse', filters: { languages: ['python'], pathGlob: '' } });
    panel.setFilters({ languages: ['python'], pathGlob: 'src/**' }, false);
    assert.equal(searches().length, 2);
    timer.advance(250);
    assert.equal(searches().length, 3);
    panel.setFilters({ languages: ['python'], pathGlob: 'src/**' }, true);
    assert.equal(searches().length, 3, 'the same filters do not search again');
  });

  it('re-runs the search when the scope changes and sends it; every file is the scope left out', () => {
    const { panel, searches } = session();
    panel.start();
    panel.setQuery('parse');
    panel.searchNow();
    panel.setFilters({ languages: [], pathGlob: '', scope: 'code' }, true);
    assert.deepEqual(searches()[1], { type: 'search', requestId: 2, query: 'parse', filters: { languages: [], pathGlob: '', scope: 'code' } });
    panel.setFilters({ languages: [], pathGlob: '', scope: 'code' }, true);
    assert.equal(searches().length, 2, 'the same scope does not search again');
    panel.setFilters({ languages: [], pathGlob: '', scope: 'docs' }, true);
    panel.setFilters({ languages: [], pathGlob: '' }, true);
    assert.deepEqual(searches().map((message) => message.filters), [
      { languages: [], pathGlob: '' }, { languages: [], pathGlob: '', scope: 'code' }, { languages: [], pathGlob: '', scope: 'docs' }, { languages: [], pathGlob: '' },
    ]);
  });

  it('does not search for filters alone', () => {
    const { panel, timer, searches } = session();
    panel.start();
    panel.setFilters({ languages: ['python'], pathGlob: '' }, true);
    timer.advance(1000);
    assert.equal(searches().length, 0);
    assert.deepEqual(panel.state.filters, { languages: ['python'], pathGlob: '' });
  });

  it('shows a failure and keeps the results it had', () => {
    const { panel, searches } = session();
    panel.start();
    panel.setQuery('parse');
    panel.searchNow();
    panel.receive(answer(1, [result('a.ts')]));
    panel.searchNow();
    const last = searches().at(-1);
    assert.ok(last && last.type === 'search');
    assert.equal(panel.receive({ type: 'searchFailed', requestId: last.requestId, message: 'The index is locked.' }), true);
    assert.equal(panel.status.error, 'The index is locked.');
    assert.equal(panel.status.searching, false);
    assert.deepEqual(panel.state.results.map((entry) => entry.path), ['a.ts']);
    assert.equal(resultsSummary(panel.state, panel.status), '');
  });

  it('takes results the host hands over and drops its own search in flight', () => {
    const { panel, searches } = session();
    panel.start();
    panel.setQuery('old');
    panel.searchNow();
    const [search] = searches();
    assert.ok(search && search.type === 'search');
    panel.receive({ type: 'show', query: 'from quick pick', filters: { languages: [], pathGlob: '' }, results: [result('q.ts')] });
    assert.equal(panel.state.query, 'from quick pick');
    assert.deepEqual(panel.state.results.map((entry) => entry.path), ['q.ts']);
    assert.equal(panel.receive(answer(search.requestId, [result('old.ts')])), false);
    assert.equal(searches().length, 1);
  });

  it('searches for a query the host shows without results', () => {
    const { panel, searches } = session();
    panel.start();
    panel.receive({ type: 'show', query: 'retry logic', filters: { languages: ['go'], pathGlob: '' }, results: null });
    assert.deepEqual(searches(), [{ type: 'search', requestId: 1, query: 'retry logic', filters: { languages: ['go'], pathGlob: '' } }]);
  });

  it('remembers the index status', () => {
    const { panel } = session();
    panel.receive({ type: 'indexStatus', state: 'indexing', text: 'Indexing 3 of 10 files', languages: ['python'] });
    assert.deepEqual(panel.indexStatus, { state: 'indexing', text: 'Indexing 3 of 10 files', languages: ['python'] });
  });

  it('selects within range only', () => {
    const { panel } = session();
    panel.start();
    panel.setQuery('q');
    panel.searchNow();
    panel.receive(answer(1, [result('a.ts'), result('b.ts')]));
    panel.select(1);
    assert.equal(panel.state.selectedIndex, 1);
    panel.select(7);
    assert.equal(panel.state.selectedIndex, -1);
  });

  it('restores a saved state as it was, and searches again when its results were stale', () => {
    const saved = { query: 'parse', filters: { languages: [], pathGlob: '' }, results: [result('a.ts')], selectedIndex: 0, searchPending: false, view: 'migration' as const };
    const fresh = session(saved);
    fresh.panel.start();
    assert.deepEqual(fresh.panel.state, saved);
    assert.equal(fresh.searches().length, 0);

    const stale = session({ ...saved, searchPending: true });
    stale.panel.start();
    assert.deepEqual(stale.posted.map((message) => message.type), ['ready', 'search']);

    const emptyQuery = session({ ...saved, query: '', searchPending: true });
    emptyQuery.panel.start();
    assert.deepEqual(emptyQuery.posted.map((message) => message.type), ['ready']);
    assert.equal(emptyQuery.panel.state.searchPending, false);
  });

  it('always holds a state that parsePanelState accepts as it is', () => {
    const { panel, timer } = session();
    const check = () => assert.deepEqual(parsePanelState(JSON.parse(JSON.stringify(panel.state))), panel.state);
    panel.start();
    check();
    panel.setQuery('parse');
    check();
    timer.advance(250);
    panel.receive(answer(1, [result('a.ts'), result('b.ts')]));
    panel.select(1);
    check();
    panel.setFilters({ languages: ['python'], pathGlob: '*.py' }, true);
    check();
    panel.setQuery('');
    check();
  });

  describe('the migration view', () => {
    const migration = (overrides: Partial<PanelMigrationView> = {}): HostToPanel => ({
      type: 'migration',
      view: { phase: 'building', fromModel: 'GloVe', toModel: 'USE lite', detail: '1,204 of 3,100 chunks embedded', canCutOver: false, canRollBack: true, decisionReason: null, report: null, ...overrides },
    });

    it('keeps the host\'s migration view and offers its tab while a change is under way', () => {
      const { panel, changes } = session();
      panel.start();
      assert.equal(panel.migration === null, true);
      assert.equal(panel.offersMigration, false);
      const before = changes();
      panel.receive(migration());
      assert.ok(changes() > before);
      assert.equal(panel.migration?.detail, '1,204 of 3,100 chunks embedded');
      assert.equal(panel.offersMigration, true);
      assert.equal(panel.view, 'results', 'a migration message alone does not switch views');
      panel.receive(migration({ phase: 'none' }));
      assert.equal(panel.offersMigration, false, 'nothing to show: no tab');
    });

    it('switches views on a tab or the host\'s showView, keeps the view in the saved state, and a shown query brings the results back', () => {
      const { panel } = session();
      panel.start();
      panel.receive(migration());
      panel.receive({ type: 'showView', view: 'migration' });
      assert.equal(panel.view, 'migration');
      assert.equal(panel.state.view, 'migration');
      assert.equal(parsePanelState(JSON.parse(JSON.stringify(panel.state)))?.view, 'migration');
      panel.receive(migration({ phase: 'none' }));
      assert.equal(panel.offersMigration, true, 'the tab stays while its view is shown');
      panel.setView('results');
      assert.equal(panel.offersMigration, false);
      panel.setView('migration');
      panel.receive({ type: 'show', query: 'retry', filters: { languages: [], pathGlob: '' }, results: [result('a.ts')] });
      assert.equal(panel.view, 'results');
    });

    it('restores the migration view from a saved state', () => {
      const { panel } = session({ query: '', filters: { languages: [], pathGlob: '' }, results: [], selectedIndex: -1, view: 'migration' });
      assert.equal(panel.view, 'migration');
      assert.equal(panel.offersMigration, true);
    });

    it('sends a button\'s action once and waits for the host\'s next migration view', () => {
      const { panel, posted } = session();
      panel.start();
      panel.receive(migration({ phase: 'awaiting-decision', canCutOver: true }));
      panel.migrationAction('cutOver');
      panel.migrationAction('cutOver');
      panel.migrationAction('rollBack');
      assert.deepEqual(posted.filter((message) => message.type === 'migrationAction'), [{ type: 'migrationAction', action: 'cutOver' }]);
      assert.equal(panel.pendingMigrationAction, 'cutOver');
      panel.receive(migration({ phase: 'cut-over' }));
      assert.equal(panel.pendingMigrationAction, null);
      panel.migrationAction('rollBack');
      assert.equal(posted.at(-1)?.type, 'migrationAction');
    });

    it('stops waiting for an answer that does not come', () => {
      const timer = new FakeTimer();
      const posted: PanelToHost[] = [];
      let changes = 0;
      const panel = new PanelSession({ post: (message) => posted.push(message), timer, onDidChange: () => changes++, actionTimeoutMilliseconds: 1000 });
      panel.migrationAction('refreshReport');
      timer.advance(999);
      assert.equal(panel.pendingMigrationAction, 'refreshReport');
      const before = changes;
      timer.advance(1);
      assert.equal(panel.pendingMigrationAction, null);
      assert.ok(changes > before, 'the buttons are rendered again');
      assert.equal(timer.pending, 0);
    });
  });

  describe('the storage view', () => {
    const report = parseTradeoffReport(JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', 'tradeoff-report.json'), 'utf8')))!;
    const tradeoffs = (overrides: Partial<PanelTradeoffView> = {}): HostToPanel => ({
      type: 'tradeoffs',
      view: { state: 'ready', detail: '', report, applying: false, ...overrides },
    });
    const requests = (posted: PanelToHost[]) => posted.filter((message) => message.type === 'applyStorage' || message.type === 'measureTradeoffs');

    it('keeps the host\'s trade-off view and offers its tab once one arrives, after the migration tab', () => {
      const { panel, changes } = session();
      panel.start();
      assert.equal(panel.tradeoffs === null, true);
      assert.deepEqual([panel.offersStorage, panel.offeredViews], [false, ['results']]);
      const before = changes();
      panel.receive(tradeoffs({ state: 'measuring', report: null, detail: 'Measuring int8 (2 of 6)…' }));
      assert.ok(changes() > before);
      assert.equal(panel.tradeoffs?.detail, 'Measuring int8 (2 of 6)…');
      assert.deepEqual([panel.offersStorage, panel.offeredViews], [true, ['results', 'storage']]);
      assert.equal(panel.view, 'results', 'a tradeoffs message alone does not switch views');
      panel.receive({ type: 'migration', view: { phase: 'building', fromModel: 'a', toModel: 'b', detail: '', canCutOver: false, canRollBack: true, decisionReason: null, report: null } });
      assert.deepEqual(panel.offeredViews, ['results', 'migration', 'storage']);
    });

    it('switches to the storage view on showView, keeps it in the saved state, and restores it', () => {
      const { panel } = session();
      panel.start();
      panel.receive(tradeoffs());
      panel.receive({ type: 'showView', view: 'storage' });
      assert.equal(panel.view, 'storage');
      assert.equal(parsePanelState(JSON.parse(JSON.stringify(panel.state)))?.view, 'storage');
      const restored = session({ query: '', filters: { languages: [], pathGlob: '' }, results: [], selectedIndex: -1, view: 'storage' });
      assert.equal(restored.panel.view, 'storage');
      assert.deepEqual(restored.panel.offeredViews, ['results', 'storage'], 'the tab is there while its view is shown, before the host sends the view again');
    });

    it('sends Apply once, for an option the report offers and that is not the current one, and waits for the host\'s next view', () => {
      const { panel, posted } = session();
      panel.start();
      panel.applyStorage({ kind: 'int8' });
      assert.deepEqual(requests(posted), [], 'no view yet: nothing to apply');
      panel.receive(tradeoffs());
      panel.applyStorage({ kind: 'float32' });
      panel.applyStorage({ kind: 'int8', dimensions: 128 });
      assert.deepEqual(requests(posted), [], 'the current option, and one the report does not hold');
      panel.applyStorage({ kind: 'binary', rescore: 'int8', oversampling: 10 });
      panel.applyStorage({ kind: 'int8' });
      panel.measureTradeoffs();
      assert.deepEqual(requests(posted), [{ type: 'applyStorage', option: { kind: 'binary', rescore: 'int8', oversampling: 10 } }]);
      assert.deepEqual(panel.pendingTradeoffRequest, { type: 'applyStorage', option: { kind: 'binary', rescore: 'int8', oversampling: 10 } });
      panel.receive(tradeoffs({ applying: true, detail: 'Applying binary, int8 rescore ×10…' }));
      assert.equal(panel.pendingTradeoffRequest, null);
      panel.applyStorage({ kind: 'int8' });
      panel.measureTradeoffs();
      assert.equal(requests(posted).length, 1, 'nothing while applying');
    });

    it('sends Measure Again unless measuring, and waits for the answer or the timeout', () => {
      const timer = new FakeTimer();
      const posted: PanelToHost[] = [];
      let changes = 0;
      const panel = new PanelSession({ post: (message) => posted.push(message), timer, onDidChange: () => changes++, actionTimeoutMilliseconds: 1000 });
      panel.receive(tradeoffs({ state: 'measuring' }));
      panel.measureTradeoffs();
      panel.applyStorage({ kind: 'int8' });
      assert.deepEqual(requests(posted), [], 'nothing while measuring');
      panel.receive(tradeoffs({ state: 'failed', detail: 'The index is locked.' }));
      panel.measureTradeoffs();
      panel.measureTradeoffs();
      assert.deepEqual(requests(posted), [{ type: 'measureTradeoffs' }]);
      timer.advance(999);
      assert.deepEqual(panel.pendingTradeoffRequest, { type: 'measureTradeoffs' });
      const before = changes;
      timer.advance(1);
      assert.equal(panel.pendingTradeoffRequest, null);
      assert.ok(changes > before, 'the buttons are rendered again');
      assert.equal(timer.pending, 0);
    });
  });

  it('reports every change', () => {
    const { panel, timer, changes } = session();
    panel.start();
    const before = changes();
    panel.setQuery('parse');
    assert.ok(changes() > before);
    const afterTyping = changes();
    timer.advance(250);
    assert.ok(changes() > afterTyping, 'the debounced search changes the status');
  });
});

describe('status text', () => {
  const state = { query: 'q', filters: { languages: [], pathGlob: '' }, results: [result('a.ts'), result('b.ts')], selectedIndex: -1 };
  const idle = { searching: false, error: null, notice: null, partial: false, milliseconds: 12 };

  it('summarises results', () => {
    assert.equal(resultsSummary(state, idle), '2 results in 12 ms');
    assert.equal(resultsSummary({ ...state, results: [result('a.ts')] }, idle), '1 result in 12 ms');
    assert.equal(resultsSummary({ ...state, results: [] }, idle), 'No results in 12 ms');
    assert.equal(resultsSummary(state, { ...idle, milliseconds: null }), '2 results');
    assert.equal(resultsSummary(state, { ...idle, searching: true }), 'Searching…');
    assert.equal(resultsSummary({ ...state, query: '' }, idle), '');
  });

  it('explains a partial index', () => {
    assert.equal(noticeText(idle), null);
    assert.match(noticeText({ ...idle, partial: true }) ?? '', /partial/);
    assert.equal(noticeText({ ...idle, partial: true, notice: 'matching words only' }), 'matching words only');
  });
});
