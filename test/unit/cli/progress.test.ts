import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressText } from '../../../extension/cli/progress.ts';
import type { IndexProgress } from '../../../extension/core/indexing/indexer.ts';

const progress = (overrides: Partial<IndexProgress>): IndexProgress => ({
  phase: 'indexing', filesScanned: 0, filesToIndex: 0, filesIndexed: 0, filesRemoved: 0, chunksToEmbed: 0, chunksEmbedded: 0, chunksExpected: 0,
  embeddingsPerSecond: 0, fraction: undefined, secondsRemaining: undefined, workDone: 0, workRemaining: 0, ...overrides,
});

test('the progress line says what is indexed, also while a first index is still scanning', () => {
  assert.equal(progressText('src', progress({ phase: 'scanning', filesScanned: 321 })), 'src: scanning, 321 files');
  assert.equal(progressText('src', progress({ phase: 'waiting' })), 'src: waiting for another process to finish writing the index');
  assert.equal(progressText('src', progress({ phase: 'scanning', filesScanned: 900, filesIndexed: 256, chunksEmbedded: 100, chunksToEmbed: 700 })), 'src: scanning, 900 files; 256 indexed, chunks 100/700');
  // The indexer's figure, not files + chunks counted so far: chunks still to come from unchunked files are estimated.
  assert.equal(
    progressText('src', progress({ filesIndexed: 10, filesToIndex: 40, chunksEmbedded: 30, chunksToEmbed: 60, chunksExpected: 1200, fraction: 0.125, embeddingsPerSecond: 41.6, secondsRemaining: 95 })),
    'src: [###---------------------] 12%  files 10/40, chunks 30/~1,200, 42 chunks/s, 1 min 35 s left',
  );
  assert.equal(progressText('src', progress({ phase: 'done', filesIndexed: 40, filesToIndex: 40, chunksEmbedded: 1180, chunksToEmbed: 1180, chunksExpected: 1180, fraction: 1, secondsRemaining: 0 })), 'src: [########################] 100%  files 40/40, chunks 1,180/1,180');
});
