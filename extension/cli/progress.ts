// A one-line progress bar for terminals: redrawn in place on a TTY, silent otherwise (logs and pipes
// get the final summary only).
import type { IndexProgress } from '../core/indexing/indexer.ts';

const BAR_WIDTH = 24;

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/** The text of the line, without the carriage return. */
export function progressText(label: string, progress: IndexProgress): string {
  if (progress.phase === 'waiting') return `${label}: waiting for another process to finish writing the index`;
  if (progress.phase === 'scanning') {
    // A first index stores files while the walk goes on.
    const indexed = progress.filesIndexed > 0 ? `; ${progress.filesIndexed} indexed, chunks ${progress.chunksEmbedded}/${progress.chunksToEmbed}` : '';
    return `${label}: scanning, ${progress.filesScanned} files${indexed}`;
  }
  const total = progress.filesToIndex + progress.chunksToEmbed;
  const done = progress.filesIndexed + progress.chunksEmbedded;
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const rate = progress.embeddingsPerSecond > 0 ? `, ${progress.embeddingsPerSecond.toFixed(0)} chunks/s` : '';
  const eta = progress.secondsRemaining !== undefined ? `, ${duration(progress.secondsRemaining)} left` : '';
  return `${label}: ${bar} ${Math.floor(share * 100)}%  files ${progress.filesIndexed}/${progress.filesToIndex}, chunks ${progress.chunksEmbedded}/${progress.chunksToEmbed}${rate}${eta}`;
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
