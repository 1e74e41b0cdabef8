// Timers for the panel's logic: debouncing typed queries and telling the current request from late answers.
// Timers are injected (the browser's in the panel, fakes in tests), so this runs in Node too.

/** The two timer functions the model needs (the browser's in the panel, fakes in tests). */
export interface Timer {
  setTimeout(callback: () => void, milliseconds: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Runs `callback` once `delay` ms after the last `trigger`; `flush` runs a pending call at once. */
export class Debouncer {
  private readonly timer: Timer;
  private readonly delay: number;
  private readonly callback: () => void;
  private handle: unknown = undefined;
  private scheduled = false;

  constructor(timer: Timer, delay: number, callback: () => void) {
    this.timer = timer;
    this.delay = delay;
    this.callback = callback;
  }

  /** Whether a call is waiting for its delay. */
  get pending(): boolean {
    return this.scheduled;
  }

  trigger(): void {
    this.cancel();
    this.scheduled = true;
    this.handle = this.timer.setTimeout(() => {
      this.scheduled = false;
      this.handle = undefined;
      this.callback();
    }, this.delay);
  }

  /** Runs the pending call now; returns whether there was one. */
  flush(): boolean {
    if (!this.scheduled) return false;
    this.cancel();
    this.callback();
    return true;
  }

  cancel(): void {
    if (this.scheduled) this.timer.clearTimeout(this.handle);
    this.scheduled = false;
    this.handle = undefined;
  }
}

/** Hands out increasing request ids; only the latest one is current, so late answers to older requests are dropped. */
export class RequestTracker {
  private last = 0;

  next(): number {
    this.last += 1;
    return this.last;
  }

  isCurrent(requestId: number): boolean {
    return requestId === this.last;
  }

  /** Makes every id handed out so far stale (the query was cleared, or the host sent results itself). */
  invalidate(): void {
    this.last += 1;
  }
}
