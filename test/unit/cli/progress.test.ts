import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressText } from '../../../extension/cli/progress.ts';
import type { IndexProgress } from '../../../extension/core/indexing/indexer.ts';

const progress = (overrides: Partial<IndexProgress>): IndexProgress => ({
  phase: 'indexing', filesScanned: 0, filesToIndex: 0, filesIndexed: 0, filesRemoved: 0, chunksToEmbed: 0, chunksEmbedded: 0, embeddingsPerSecond: 0, secondsRemaining: undefined, ...overrides,
});

test('the progress line says what is indexed, also while a first index is still scanning', () => {
  assert.equal(progressText('src', progress({ phase: 'scanning', filesScanned: 321 })), 'src: scanning, 321 files');
  assert.equal(progressText('src', progress({ phase: 'scanning', filesScanned: 900, filesIndexed: 256, chunksEmbedded: 100, chunksToEmbed: 700 })), 'src: scanning, 900 files; 256 indexed, chunks 100/700');
  assert.equal(progressText('src', progress({ filesIndexed: 10, filesToIndex: 40, chunksEmbedded: 30, chunksToEmbed: 60 })), 'src: [##########--------------] 40%  files 10/40, chunks 30/60');
});
