// A one-line progress bar for terminals: redrawn in place on a TTY, silent otherwise (logs and pipes
// get the final summary only).
import type { IndexProgress } from '../core/indexing/indexer.ts';
import { formatDuration, formatPercent } from '../core/indexing/progress.ts';

const BAR_WIDTH = 24;

function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** The text of the line, without the carriage return. */
export function progressText(label: string, progress: IndexProgress): string {
  if (progress.phase === 'waiting') return `${label}: waiting for another process to finish writing the index`;
  if (progress.fraction === undefined) {
    // A first index stores files while the walk goes on; the share of the work waits for the walk's total.
    const indexed = progress.filesIndexed > 0 ? `; ${count(progress.filesIndexed)} indexed, chunks ${count(progress.chunksEmbedded)}/${count(progress.chunksToEmbed)}` : '';
    return `${label}: scanning, ${count(progress.filesScanned)} files${indexed}`;
  }
  // The indexer's own figure (progress.ts): the same share the status bar and the notification show.
  const share = progress.fraction;
  const filled = Math.round(share * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const rate = progress.embeddingsPerSecond > 0 ? `, ${progress.embeddingsPerSecond.toFixed(0)} chunks/s` : '';
  const eta = progress.secondsRemaining !== undefined && progress.secondsRemaining > 0 ? `, ${formatDuration(progress.secondsRemaining)} left` : '';
  const estimated = progress.phase !== 'done' && progress.chunksExpected > progress.chunksToEmbed ? '~' : '';
  return `${label}: ${bar} ${formatPercent(share)}  files ${count(progress.filesIndexed)}/${count(progress.filesToIndex)}, chunks ${count(progress.chunksEmbedded)}/${estimated}${count(progress.chunksExpected)}${rate}${eta}`;
}

export class ProgressLine {
  private readonly stream: NodeJS.WriteStream;
  private readonly enabled: boolean;
  private drawn = false;

  constructor(stream: NodeJS.WriteStream, wanted: boolean) {
    this.stream = stream;
    this.enabled = wanted && stream.isTTY === true;
  }

  update(label: string, progress: IndexProgress): void {
    if (!this.enabled) return;
    const width = this.stream.columns ?? 120;
    const text = progressText(label, progress).slice(0, width - 1);
    this.stream.write(`\r${text}\x1b[K`);
    this.drawn = true;
  }

  /** Clears the line so the next output starts clean. */
  done(): void {
    if (!this.drawn) return;
    this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
