import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { progressText } from '../../../extension/cli/progress.ts';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import type { IndexProgress } from '../../../extension/core/indexing/indexer.ts';
import { ProgressEstimator, RunsProgress, combineProgress, formatDuration, type WorkCounts } from '../../../extension/core/indexing/progress.ts';
import { progressMessage, progressSummary } from '../../../extension/host/status-text.ts';
import { evalCorpusFolder } from '../../helpers/eval-sets.ts';
import { offlineModel } from '../../helpers/models.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';

/** The percentage a front end's text shows (the first "N%"), or undefined when it shows none. */
function shownPercent(text: string): number | undefined {
  const match = /(\d+)%/.exec(text);
  return match ? Number(match[1]) : undefined;
}

describe('progress estimate', () => {
  test('chunks found as files are chunked do not pull the figure back, and it reaches the true share when the estimate is right', () => {
    const estimator = new ProgressEstimator();
    const counts: WorkCounts = { totalKnown: true, filesDone: 0, filesTotal: 4, bytesDone: 0, bytesTotal: 40_000, chunksFromFiles: 0, chunksQueued: 0, chunksEmbedded: 0 };
    const fractions: number[] = [];
    const step = (change: Partial<WorkCounts>, at: number) => {
      Object.assign(counts, change);
      fractions.push(estimator.update(counts, at).fraction!);
    };
    // The first file is small and dense; the last one is large: each chunked file adds many contents at once.
    step({}, 0);
    step({ filesDone: 1, bytesDone: 2_000, chunksFromFiles: 20, chunksQueued: 20 }, 100);
    step({ chunksEmbedded: 20 }, 200);
    step({ filesDone: 2, bytesDone: 10_000, chunksFromFiles: 60, chunksQueued: 60 }, 300);
    step({ chunksEmbedded: 60 }, 400);
    step({ filesDone: 3, bytesDone: 38_000, chunksFromFiles: 300, chunksQueued: 300 }, 500);
    step({ chunksEmbedded: 150 }, 600);
    step({ filesDone: 4, bytesDone: 40_000, chunksFromFiles: 310, chunksQueued: 310 }, 700);
    step({ chunksEmbedded: 310 }, 800);
    for (let index = 1; index < fractions.length; index++) assert.ok(fractions[index]! >= fractions[index - 1]!, `never backwards: ${fractions.join(', ')}`);
    // What the old figure (files + chunks done over files + chunks queued so far) did with the same counts: it fell.
    const old = [[1, 20, 20], [1, 20, 20], [2, 60, 60], [2, 60, 60], [3, 60, 300], [3, 150, 300]].map(([files, embedded, queued]) => (files! + embedded!) / (4 + queued!));
    assert.ok(old.some((value, index) => index > 0 && value < old[index - 1]!), 'the counts are ones that made the old figure fall');
    assert.equal(fractions.at(-1), 0.99, 'below 100% until the run says it is done');
  });

  test('unknown totals give no figure; time left waits for a pace that means something', () => {
    const estimator = new ProgressEstimator();
    const base: WorkCounts = { totalKnown: false, filesDone: 5, filesTotal: 5, bytesDone: 5_000, bytesTotal: 5_000, chunksFromFiles: 70, chunksQueued: 70, chunksEmbedded: 10 };
    assert.equal(estimator.update(base, 0).fraction, undefined);
    const first = estimator.update({ ...base, totalKnown: true, filesTotal: 10, bytesTotal: 10_000 }, 100);
    assert.ok(first.fraction! > 0 && first.fraction! < 0.5);
    assert.equal(first.secondsRemaining, undefined);
    // 2 s later: not long enough to trust a pace.
    assert.equal(estimator.update({ ...base, totalKnown: true, filesTotal: 10, bytesTotal: 10_000, chunksEmbedded: 30 }, 2_100).secondsRemaining, undefined);
    // 4 s in, 40 more units done (10 a second); left: 20 queued contents, 5 files and their contents (about 37 by
    // their size, the prior included): about 6 s.
    const later = estimator.update({ ...base, totalKnown: true, filesTotal: 10, bytesTotal: 10_000, chunksEmbedded: 50 }, 4_100);
    assert.ok(later.secondsRemaining! > 4 && later.secondsRemaining! < 10, `time left ${later.secondsRemaining}`);
  });

  test('several folders are one figure weighted by their work; a folder that starts late does not pull it back', () => {
    const run = (fraction: number | undefined, workDone: number, workRemaining: number, secondsRemaining?: number) => ({ phase: 'indexing', fraction, workDone, workRemaining, secondsRemaining });
    assert.deepEqual(combineProgress([run(0.5, 50, 50, 10), run(1, 300, 0, 0)]), { fraction: (0.5 * 100 + 1 * 300) / 400, secondsRemaining: 10 });
    assert.equal(combineProgress([run(0.5, 50, 50), run(undefined, 0, 0)]).fraction, undefined);
    const runs = new RunsProgress();
    runs.set('a', run(0.6, 60, 40, 4));
    assert.equal(runs.figure().fraction, 0.6);
    runs.set('b', run(0.01, 1, 999));
    assert.equal(runs.figure().fraction, 0.6, 'held while the other folder catches up');
    runs.clear();
    runs.set('b', run(0.01, 1, 999));
    assert.equal(runs.figure().fraction, 0.01, 'a new round of indexing starts from its own figure');
  });

  test('durations read as people say them', () => {
    assert.deepEqual([0.2, 20.2, 60, 125, 3600, 3725].map(formatDuration), ['1 s', '21 s', '1 min', '2 min 5 s', '1 h', '1 h 2 min']);
  });
});

describe('progress of a real run', () => {
  const corpus = evalCorpusFolder('code-gin', 'corpus/render');
  test('indexing a real repository folder with the bundled model: one figure, never backwards, in every front end', { skip: 'skip' in corpus ? corpus.skip : false, timeout: 180_000 }, async () => {
    if (!('path' in corpus)) return;
    const root = mkdtempSync(path.join(os.tmpdir(), 'semsearch-progress-'));
    cpSync(corpus.path, root, { recursive: true });
    const index = await FolderIndex.open({ root, databasePath: temporaryDatabasePath(), modelDirectory: offlineModel('use-lite'), quantization: 'int8', device: 'cpu', threads: 1 });
    const events: IndexProgress[] = [];
    try {
      const result = await index.index({ onProgress: (progress) => events.push(progress) });
      assert.ok(result.filesIndexed >= 10 && result.chunksEmbedded >= 100, `a real run: ${result.filesIndexed} files, ${result.chunksEmbedded} chunks`);
      const measured = events.filter((event) => event.phase !== 'scanning');
      assert.ok(measured.length >= 10, `progress was reported along the way (${measured.length} events)`);
      assert.equal(measured.at(-1)!.phase, 'done');
      assert.equal(measured.at(-1)!.fraction, 1);

      const finalWork = result.filesIndexed + result.failures.length + result.chunksEmbedded;
      const figures = new RunsProgress<IndexProgress>();
      let previous = { fraction: 0, cli: 0, statusBar: 0, notification: 0 };
      for (const event of measured) {
        assert.notEqual(event.fraction, undefined, `a figure once the files are known (${event.phase})`);
        figures.set('folder', event);
        const figure = figures.figure();
        const shown = {
          fraction: event.fraction!,
          cli: shownPercent(progressText('render', event))!,
          statusBar: shownPercent(progressSummary([event], figure))!,
          notification: shownPercent(progressMessage([event], figure))!,
        };
        // The three front ends show the same figure, and none of them goes backwards.
        assert.equal(shown.cli, Math.floor(event.fraction! * 100));
        assert.equal(shown.statusBar, shown.cli);
        assert.equal(shown.notification, shown.cli);
        for (const key of ['fraction', 'cli', 'statusBar', 'notification'] as const) {
          assert.ok(shown[key] >= previous[key], `${key} went from ${previous[key]} back to ${shown[key]} at ${event.filesIndexed}/${event.filesToIndex} files, ${event.chunksEmbedded}/${event.chunksToEmbed} chunks`);
        }
        previous = shown;
        // From the work really left: close to the share of the run's whole work done by then.
        const share = (event.filesIndexed + event.chunksEmbedded) / finalWork;
        assert.ok(Math.abs(event.fraction! - share) <= 0.15, `figure ${event.fraction!.toFixed(2)} against ${share.toFixed(2)} of the work done`);
      }
      // The contents to embed were estimated from the files' sizes before they were all chunked.
      const early = measured.find((event) => event.filesIndexed < event.filesToIndex && event.filesIndexed > event.filesToIndex / 4);
      if (early) assert.ok(Math.abs(early.chunksExpected - result.chunksEmbedded) / result.chunksEmbedded < 0.4, `expected ${early.chunksExpected} chunks early on, ${result.chunksEmbedded} in the end`);
    } finally {
      await index.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
