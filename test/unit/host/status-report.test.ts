import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FolderIndexStatus } from '../../../extension/core/folder-index.ts';
import type { FolderState, ServiceState } from '../../../extension/core/service/workspace-service.ts';
import { statusMarkdown, type FolderDetails } from '../../../extension/host/status-report.ts';

const FINGERPRINT = 'ab12'.repeat(16);
const SPACE = 'c0ffee'.repeat(4);
const REASON = 'no GPU provider worked: cuda: libonnxruntime_providers_cuda.so: cannot open shared object file';

const state: ServiceState = {
  folders: [],
  model: { id: 'use-lite', displayName: 'Universal Sentence Encoder lite', fingerprint: FINGERPRINT, quantization: 'int8', dimensions: 512, provider: 'cpu', cpuFallbackReason: REASON },
  modelError: undefined,
  paused: false,
};

const folderState: FolderState = {
  key: 'file:///work/requests', name: 'requests', phase: 'ready', progress: undefined, error: undefined, migration: undefined, stale: undefined, recovered: undefined,
  lastRun: { filesIndexed: 122, filesRemoved: 0, chunksEmbedded: 1303, milliseconds: 21_500, truncations: 0, failures: 0 },
};

const status: FolderIndexStatus = {
  root: '/work/requests', databasePath: '/home/u/.cache/semantic-code-search/indexes/requests-0123/index.db', databaseBytes: 6 * 1024 * 1024,
  files: 122, chunks: 1303,
  spaces: [{ id: SPACE, modelId: 'use-lite', state: 'active', vectors: 1303, missing: 0, storage: 'int8' }],
  model: { ...state.model!, cpuFallbackReason: REASON },
  activeSpace: { id: SPACE, modelId: 'use-lite', complete: true },
  skips: [{ reason: 'ignored', count: 3, examples: ['build/out.js'] }],
};

test('the status view leads with what matters; ids, fingerprints and why no GPU was used come last', () => {
  const markdown = statusMarkdown(state, [{ name: 'requests', status, state: folderState } satisfies FolderDetails]);
  const details = markdown.indexOf('## Details');
  assert.ok(details > 0, 'a Details section');
  const essentials = markdown.slice(0, details);
  for (const part of ['**State**: Ready', '**Files**: 122 indexed; skipped: 3 ignored', '**Chunks**: 1,303', 'model weights int8', 'stored as int8', 'Running on CPU']) {
    assert.ok(essentials.includes(part), `the essentials show ${part}:\n${essentials}`);
  }
  for (const detail of [FINGERPRINT, SPACE, 'libonnxruntime', 'index.db']) {
    assert.ok(!essentials.includes(detail), `${detail} is a detail`);
    assert.ok(markdown.slice(details).includes(detail.replace(/_/g, '\\_')), `${detail} is in the details`);
  }
  // The first lines are about the model and the folder, not about a failed GPU provider.
  assert.match(markdown.split('\n').slice(0, 4).join('\n'), /Model.*Universal Sentence Encoder lite/);
});

test('names and messages are shown as text, not Markdown', () => {
  const markdown = statusMarkdown(state, [{ name: '# [x](javascript:alert) *y*', status: undefined, state: { ...folderState, phase: 'error', error: { kind: 'store', reason: 'corrupt', message: 'bad <b>page</b>', nextStep: 'rebuild-index' } } }]);
  assert.ok(markdown.includes('## \\# \\[x\\]\\(javascript:alert\\) \\*y\\*'));
  assert.ok(markdown.includes('Error — bad \\<b\\>page\\</b\\>'));
});

test('the details say whether the searched vectors are in memory, and what read them', () => {
  const details = (vectorsInMemory: FolderIndexStatus['vectorsInMemory']) => {
    const markdown = statusMarkdown(state, [{ name: 'requests', status: { ...status, vectorsInMemory }, state: folderState }]);
    return markdown.slice(markdown.indexOf('## Details'));
  };
  assert.match(details(undefined), /Vectors in memory\*\*: not yet: the next search reads them/);
  const warmed = details({ rows: 1303, bytes: 3 * 1024 * 1024, path: 'shadow', milliseconds: 240, simd: true, loadedBy: 'warm-up' });
  assert.match(warmed, /Vectors in memory\*\*: 1,303 \(3\.0 MiB\), read ahead of the first search in 240 ms, scanned with SIMD/);
  assert.match(details({ rows: 1303, bytes: 3 * 1024 * 1024, path: 'shadow', milliseconds: 1_460, simd: false, loadedBy: 'search' }), /read by the first search in 1\.5 s$/m);
  const noSpace = statusMarkdown(state, [{ name: 'requests', status: { ...status, activeSpace: undefined }, state: folderState }]);
  assert.ok(!noSpace.includes('Vectors in memory'), 'nothing to hold without an active space');
});
