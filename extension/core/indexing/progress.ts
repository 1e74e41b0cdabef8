// One progress figure for an index run, computed from the work really left, that every front end shows
// (the status bar, the indexing notification, the CLI). See README.md in this folder ("Progress").
//
// Why not done/total of the counters: the contents to embed are only known once their file is chunked,
// so a total of "files + chunks queued so far" grows as the run goes and the share fell back 25 times
// while indexing psf/requests (90% → 69%). Here the chunks of the files not chunked yet are estimated
// from their size, and the figure advances by the share of the remaining work each step finished, so
// it never decreases even when the estimate grows.

/** What the estimate needs from a run's counters. */
export interface WorkCounts {
  /** False while the total is unknown: the walk of a first index still finds files. */
  totalKnown: boolean;
  filesDone: number;
  filesTotal: number;
  /** Bytes of the files done and of all the files to index (sizes as the walk found them). */
  bytesDone: number;
  bytesTotal: number;
  /** Contents the files chunked so far queued for embedding (not those an earlier run left). */
  chunksFromFiles: number;
  /** Contents queued for embedding in all (from files and left by an earlier run), and how many have a vector. */
  chunksQueued: number;
  chunksEmbedded: number;
}

/** What the estimate says at one moment. */
export interface WorkEstimate {
  /** Share of the run's work done, 0..1, never lower than before; undefined while the total is unknown. */
  fraction: number | undefined;
  /** Seconds left at the pace so far; undefined until that pace means something. */
  secondsRemaining: number | undefined;
  /** Contents this run is expected to embed in all: queued so far plus the estimate for files not chunked yet. */
  chunksExpected: number;
  /** Work units done and left (a file to chunk and a content to embed are one unit each), for weighting several runs. */
  workDone: number;
  workRemaining: number;
}

/** Work units for reading, hashing and chunking one file, next to one unit per content embedded. */
const FILE_WORK = 1;

/**
 * Before a file is chunked, bytes per content to embed are unknown: assume one content per 300 bytes
 * (a small model's window cuts source into pieces of that order), weighted as if 8 KiB had been seen,
 * so the first small file chunked does not set the estimate alone.
 */
const PRIOR_BYTES = 8192;
const PRIOR_CHUNKS = PRIOR_BYTES / 300;

/** Below 100% until the run has really finished (its last step, cutover or calibration, still counts). */
const MAXIMUM_BEFORE_DONE = 0.99;

/** Time left is shown once this much time has passed since work began, and this share of it is done. */
const MINIMUM_SECONDS_FOR_PACE = 3;
const MINIMUM_FRACTION_FOR_PACE = 0.05;

/**
 * The progress of one run. `update` takes the counters as they are now; the fraction advances by the share
 * of the work left that was done since the last update (d / (d + left)), which is the plain done/total when
 * the estimate is right, and never goes backwards when it grows.
 */
export class ProgressEstimator {
  private shown: number | undefined;
  private lastDone = 0;
  /** When (ms) and at how many units done the pace is measured from: the first update with work done and a known total. */
  private paceStart: { at: number; done: number } | undefined;

  update(counts: WorkCounts, nowMs: number): WorkEstimate {
    const filesLeft = Math.max(0, counts.filesTotal - counts.filesDone);
    const bytesLeft = Math.max(0, counts.bytesTotal - counts.bytesDone);
    const contentsPerByte = (counts.chunksFromFiles + PRIOR_CHUNKS) / (counts.bytesDone + PRIOR_BYTES);
    const chunksToCome = filesLeft > 0 ? bytesLeft * contentsPerByte : 0;
    const queuedLeft = Math.max(0, counts.chunksQueued - counts.chunksEmbedded);
    const done = counts.filesDone * FILE_WORK + counts.chunksEmbedded;
    const remaining = filesLeft * FILE_WORK + queuedLeft + chunksToCome;
    const chunksExpected = Math.round(counts.chunksQueued + chunksToCome);
    if (!counts.totalKnown) {
      this.lastDone = done;
      return { fraction: undefined, secondsRemaining: undefined, chunksExpected, workDone: done, workRemaining: remaining };
    }
    if (this.shown === undefined) {
      this.shown = done + remaining > 0 ? done / (done + remaining) : 0;
    } else {
      const step = done - this.lastDone;
      if (step > 0) this.shown += (1 - this.shown) * (step / (step + remaining));
    }
    this.shown = Math.min(this.shown, MAXIMUM_BEFORE_DONE);
    this.lastDone = done;
    if (this.paceStart === undefined && done > 0) this.paceStart = { at: nowMs, done };
    let secondsRemaining: number | undefined;
    if (this.paceStart !== undefined) {
      const seconds = (nowMs - this.paceStart.at) / 1000;
      const rate = (done - this.paceStart.done) / Math.max(seconds, 1e-3);
      if (seconds >= MINIMUM_SECONDS_FOR_PACE && this.shown >= MINIMUM_FRACTION_FOR_PACE && rate > 0) secondsRemaining = remaining / rate;
    }
    return { fraction: this.shown, secondsRemaining, chunksExpected, workDone: done, workRemaining: remaining };
  }
}

/** The figure for several runs at once: the part of the progress every front end shows. */
export interface ProgressFigure {
  fraction: number | undefined;
  secondsRemaining: number | undefined;
}

/** What `combineProgress` reads of each run's progress (an IndexProgress has it all). */
export interface RunFigure extends ProgressFigure {
  workDone: number;
  workRemaining: number;
}

/**
 * Several runs (one per workspace folder, at the same time) as one figure: their fractions weighted by
 * each run's work, and the time left of the slowest. Undefined while any run's total is unknown.
 */
export function combineProgress(runs: readonly RunFigure[]): ProgressFigure {
  if (runs.length === 0 || runs.some((run) => run.fraction === undefined)) return { fraction: undefined, secondsRemaining: undefined };
  if (runs.length === 1) return { fraction: runs[0]!.fraction, secondsRemaining: runs[0]!.secondsRemaining };
  const weights = runs.map((run) => Math.max(run.workDone + run.workRemaining, 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const fraction = runs.reduce((sum, run, index) => sum + run.fraction! * weights[index]!, 0) / total;
  const times = runs.map((run) => run.secondsRemaining);
  const secondsRemaining = times.some((time) => time === undefined) ? undefined : Math.max(...(times as number[]));
  return { fraction, secondsRemaining };
}

/**
 * Keeps a combined figure from going backwards while runs come and go (a folder that starts late adds
 * work). `reset` starts over for the next time indexing begins.
 */
export class MonotonicFraction {
  private highest: number | undefined;

  next(fraction: number | undefined): number | undefined {
    if (fraction === undefined) return this.highest;
    this.highest = Math.max(this.highest ?? 0, fraction);
    return this.highest;
  }

  reset(): void {
    this.highest = undefined;
  }
}

/** "3 s", "2 min 5 s", "1 h 4 min": the time left as the front ends say it. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.ceil(seconds))} s`;
  if (seconds < 3600) {
    const whole = Math.round(seconds);
    return `${Math.floor(whole / 60)} min${whole % 60 > 0 ? ` ${whole % 60} s` : ''}`;
  }
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h${minutes % 60 > 0 ? ` ${minutes % 60} min` : ''}`;
}

/** "45%" for a fraction; floored, so 100% only when the run is done. */
export function formatPercent(fraction: number): string {
  return `${Math.floor(fraction * 100)}%`;
}

/** The part of an IndexProgress the trackers read (kept structural, so this file needs no import of the indexer). */
interface TrackedProgress extends RunFigure {
  phase: string;
}

/**
 * The runs in progress at one time, by folder, as one figure that never decreases until `clear` (when
 * indexing has stopped everywhere). A run that finished keeps its share (1) while the others go on.
 */
export class RunsProgress<Progress extends TrackedProgress = TrackedProgress> {
  private readonly runs = new Map<string, Progress>();
  private readonly monotonic = new MonotonicFraction();

  set(key: string, progress: Progress): void {
    this.runs.set(key, progress);
  }

  clear(): void {
    this.runs.clear();
    this.monotonic.reset();
  }

  get size(): number {
    return this.runs.size;
  }

  /** The runs' latest progress, finished ones included. */
  list(): Progress[] {
    return [...this.runs.values()];
  }

  /** The combined figure; its fraction is undefined until every run's total is known, then never lower than before. */
  figure(): ProgressFigure {
    const combined = combineProgress([...this.runs.values()]);
    return { fraction: this.monotonic.next(combined.fraction), secondsRemaining: combined.secondsRemaining };
  }
}
