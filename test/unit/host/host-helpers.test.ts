import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IndexProgress } from '../../../extension/core/indexing/indexer.ts';
import type { SearchHit } from '../../../extension/core/search/search.ts';
import { resolveModelDirectory } from '../../../extension/host/model-choice.ts';
import { kindIcon, quickPickText, toPanelResults } from '../../../extension/host/results.ts';
import { deviceLine, overallPhase, progressMessage, progressSummary, statusTooltip } from '../../../extension/host/status-text.ts';
import type { ServiceState } from '../../../extension/core/service/workspace-service.ts';
import { parseResult } from '../../../extension/protocol/panel-protocol.ts';

const progress = (overrides: Partial<IndexProgress>): IndexProgress => ({
  phase: 'indexing', filesScanned: 0, filesToIndex: 0, filesIndexed: 0, filesRemoved: 0, chunksToEmbed: 0, chunksEmbedded: 0, chunksExpected: 0,
  embeddingsPerSecond: 0, fraction: undefined, secondsRemaining: undefined, workDone: 0, workRemaining: 0, ...overrides,
});

test('the status bar sums up several folders by the most pressing phase', () => {
  assert.equal(overallPhase(['ready', 'indexing', 'partial']), 'indexing');
  assert.equal(overallPhase(['ready', 'error']), 'error');
  assert.equal(overallPhase(['ready', 'ready']), 'ready');
  assert.equal(overallPhase([]), 'idle');
});

test('the status bar shows one share of the work with the time left, not a file count beside it', () => {
  const run = progress({ filesIndexed: 79, filesToIndex: 122, chunksEmbedded: 1020, chunksToEmbed: 1100, chunksExpected: 1300 });
  assert.equal(progressSummary([run], { fraction: 0.456, secondsRemaining: 20.2 }), '45%, 21 s left');
  assert.equal(progressSummary([run], { fraction: 0.456, secondsRemaining: undefined }), '45%');
  assert.equal(progressSummary([progress({ phase: 'scanning', filesScanned: 321 })], { fraction: undefined, secondsRemaining: undefined }), 'scanning 321 files');
  // A first index stores files during the walk.
  assert.equal(progressSummary([progress({ phase: 'scanning', filesScanned: 900, filesIndexed: 256 })], { fraction: undefined, secondsRemaining: undefined }), '256 indexed, scanning 900 files');
  assert.equal(progressSummary([progress({ phase: 'waiting' })], { fraction: undefined, secondsRemaining: undefined }), 'waiting for another window or process');
});

test('the indexing notification says the same share, then what it is made of', () => {
  const none = { fraction: undefined, secondsRemaining: undefined };
  assert.equal(progressMessage([progress({ phase: 'scanning', filesScanned: 321 })], none), 'scanning 321 files');
  assert.equal(
    progressMessage([progress({ phase: 'scanning', filesScanned: 900, filesIndexed: 256, filesToIndex: 900, chunksEmbedded: 100, chunksToEmbed: 700, chunksExpected: 700 })], none),
    'scanning 900 files; 256 of 900 files, 100 of 700 chunks so far',
  );
  const runs = [progress({ filesIndexed: 10, filesToIndex: 40, chunksEmbedded: 30, chunksToEmbed: 60, chunksExpected: 240 }), progress({ filesIndexed: 5, filesToIndex: 5, chunksEmbedded: 2000, chunksToEmbed: 2000, chunksExpected: 2000, phase: 'done' })];
  assert.equal(progressMessage(runs, { fraction: 0.5, secondsRemaining: 125 }), '50%, about 2 min 5 s left (15 of 45 files, 2,030 of ~2,240 chunks)');
  assert.equal(progressMessage([progress({ phase: 'waiting' })], none), 'waiting for another window or process');
});

test('the tooltip says where the model runs in words; why a GPU was not used is left to the status view', () => {
  const state = {
    folders: [{ key: 'a', name: 'app', phase: 'ready', progress: undefined, error: undefined, migration: undefined, stale: undefined, recovered: undefined, lastRun: undefined }],
    model: { id: 'use-lite', displayName: 'Universal Sentence Encoder lite', fingerprint: 'f'.repeat(64), quantization: 'int8', dimensions: 512, provider: 'cpu', cpuFallbackReason: 'no GPU provider worked: cuda: libonnxruntime_providers_cuda.so: cannot open shared object file' },
    modelError: undefined,
    paused: false,
  } as ServiceState;
  const tooltip = statusTooltip(state, 'ready', []);
  const lines = tooltip.split('\n');
  assert.equal(lines[0], 'Semantic Search — ready');
  assert.equal(lines[1], 'Model: Universal Sentence Encoder lite, model weights int8');
  assert.match(lines[2]!, /^Running on CPU \(no GPU could be used/);
  assert.doesNotMatch(tooltip, /libonnxruntime|CPU fallback|ffffffff/);
  assert.equal(deviceLine({ provider: 'cpu', cpuFallbackReason: undefined }), 'Running on CPU');
  assert.equal(deviceLine({ provider: 'cuda', cpuFallbackReason: undefined }), 'Running on the GPU (CUDA)');
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
  // Ranked results carry why, in one line for the panel's tooltip; the protocol refuses one too long.
  const ranked = toPanelResults(
    [{ ...hit, ranking: { shape: 'symbol', score: 7.31, filePenalty: 0.09, relevance: 0.9, contributions: [{ feature: 'definesExact', value: 1, contribution: 5.73 }, { feature: 'symbolListRank', value: 1, contribution: 2.74 }] } }],
    new Map(),
  )[0]!;
  assert.equal(ranked.scores.ranking, 'ranked as a symbol query, score 7.22: definesExact +5.73, symbolListRank +2.74, later piece of its file -0.09');
  assert.deepEqual(parseResult(ranked)?.scores.ranking, ranked.scores.ranking);
  assert.equal(parseResult({ ...ranked, scores: { ...ranked.scores, ranking: 'x'.repeat(501) } }), undefined);
  assert.equal(result!.scores.ranking, undefined, 'a hit the ranking stage did not score has no explanation');
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
