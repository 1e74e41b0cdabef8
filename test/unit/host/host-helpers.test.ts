import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IndexProgress } from '../../../extension/core/indexing/indexer.ts';
import type { SearchHit } from '../../../extension/core/search/search.ts';
import { resolveModelDirectory } from '../../../extension/host/model-choice.ts';
import { kindIcon, quickPickText, toPanelResults } from '../../../extension/host/results.ts';
import { overallPhase, progressMessage, progressSummary } from '../../../extension/host/status-text.ts';
import { parseResult } from '../../../extension/protocol/panel-protocol.ts';

const progress = (overrides: Partial<IndexProgress>): IndexProgress => ({
  phase: 'indexing', filesScanned: 0, filesToIndex: 0, filesIndexed: 0, filesRemoved: 0, chunksToEmbed: 0, chunksEmbedded: 0, embeddingsPerSecond: 0, secondsRemaining: undefined, ...overrides,
});

test('the status bar sums up several folders by the most pressing phase', () => {
  assert.equal(overallPhase(['ready', 'indexing', 'partial']), 'indexing');
  assert.equal(overallPhase(['ready', 'error']), 'error');
  assert.equal(overallPhase(['ready', 'ready']), 'ready');
  assert.equal(overallPhase([]), 'idle');
});

test('progress reads n/N files with a percentage over files and chunks', () => {
  assert.equal(progressSummary([progress({ filesIndexed: 10, filesToIndex: 40, chunksEmbedded: 30, chunksToEmbed: 60 })]), '10/40 (40%)');
  assert.equal(progressSummary([progress({ filesIndexed: 5, filesToIndex: 10 }), progress({ filesIndexed: 5, filesToIndex: 10 })]), '10/20 (50%)');
  assert.equal(progressSummary([progress({ phase: 'scanning', filesScanned: 321 })]), 'scanning 321 files');
  // A first index stores files during the walk.
  assert.equal(progressSummary([progress({ phase: 'scanning', filesScanned: 900, filesIndexed: 256 })]), '256 indexed, scanning 900 files');
});

test('the indexing notification says what is indexed, also while a first index is still scanning', () => {
  assert.equal(progressMessage(progress({ phase: 'scanning', filesScanned: 321 })), 'scanning 321 files');
  assert.equal(progressMessage(progress({ phase: 'scanning', filesScanned: 900, filesIndexed: 256, chunksEmbedded: 100, chunksToEmbed: 700 })), 'scanning 900 files; 256 indexed, 100/700 chunks');
  assert.equal(progressMessage(progress({ filesIndexed: 10, filesToIndex: 40, chunksEmbedded: 30, chunksToEmbed: 60 })), '10/40 files, 30/60 chunks');
  assert.equal(progressMessage(progress({ phase: 'waiting' })), 'waiting for another window or process');
});

test('search hits become valid panel results and readable QuickPick rows', () => {
  const hit: SearchHit = {
    folder: 'file:///work/app', path: 'src/<script>alert(1)</script>.ts', startLine: 3, endLine: 9, openLine: 4, language: 'typescript', kind: 'method',
    symbol: 'parse', scope: ['Parser', 'parse'], signature: 'parse()', snippet: '\n  parse(input) {\n    return input;\n  }', snippetStartLine: 3,
    summary: 'parse()', scores: { dense: 0.8123, lexical: undefined, fused: 0.03, relevance: 0.9 }, chunkIds: [1], splitOf: undefined,
  };
  const [result] = toPanelResults([hit], new Map([['file:///work/app', 'app']]));
  assert.ok(parseResult(result), 'the protocol accepts what the host sends');
  assert.equal(result!.folderName, 'app');
  assert.equal(result!.scores.lexical, null);
  const row = quickPickText(result!, true);
  assert.equal(row.label, '$(symbol-method) Parser › parse');
  assert.equal(row.description, 'app › src/<script>alert(1)</script>.ts:4 · 0.90', 'the line it opens at, and one score: the relevance');
  assert.equal(row.detail, 'parse()', 'the summary the core made');
  assert.equal(kindIcon('section'), 'markdown');
  // Results saved before summaries existed show their first line with words.
  const saved = { ...result!, summary: undefined };
  assert.equal(quickPickText({ ...saved, snippet: '\n  parse(input) {' }, false).detail, 'parse(input) {');
  const documented = quickPickText({ ...saved, snippet: '/**\n * Whether a failed response is worth another try.\n */\nexport function isRetryable() {}' }, false);
  assert.equal(documented.detail, 'Whether a failed response is worth another try.', 'comment markers are not shown as the summary');
  assert.equal(quickPickText({ ...saved, snippet: '# Loads the settings.\ndef load():' }, false).detail, 'Loads the settings.');
  assert.equal(quickPickText({ ...saved, snippet: '    )\n    ...\n    return value' }, false).detail, 'return value', 'lines that carry nothing are skipped');
});

test('the model setting picks a bundled folder, or a custom folder unless an untrusted workspace names it', () => {
  const settings = (name: string, path = '', pathFromWorkspace = false) => ({ model: { name, path, pathFromWorkspace } });
  assert.deepEqual(resolveModelDirectory(settings('glove-100d'), '/ext', true), { directory: '/ext/models/glove-100d' });
  assert.deepEqual(resolveModelDirectory(settings('custom', '/models/bge'), '/ext', false), { directory: '/models/bge' }, 'a user setting is fine untrusted');
  assert.match((resolveModelDirectory(settings('custom', '/evil', true), '/ext', false) as { problem: string }).problem, /not trusted/);
  assert.deepEqual(resolveModelDirectory(settings('custom', '/evil', true), '/ext', true), { directory: '/evil' });
  assert.match((resolveModelDirectory(settings('custom'), '/ext', true) as { problem: string }).problem, /empty/);
  assert.match((resolveModelDirectory(settings('gpt-5'), '/ext', true) as { problem: string }).problem, /Unknown model/);
});
