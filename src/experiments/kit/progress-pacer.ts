/** The timers ProgressPacer needs; injectable so tests drive time by hand. */
export interface PaceTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: PaceTimers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Passes reports on at most once per `everyMs`, and the latest one `everyMs` after a burst ends:
 * an experiment reports every training step (thousands a second on small data), and each report
 * that crosses to the page costs a task and a render there. Nothing is lost by dropping reports:
 * each one carries the whole state.
 */
export class ProgressPacer<P> {
  private lastSent = Number.NEGATIVE_INFINITY;
  private latest: { report: P } | null = null;
  private timer: unknown = null;

  constructor(
    private readonly send: (report: P) => void,
    private readonly everyMs = 200,
    private readonly timers: PaceTimers = realTimers,
  ) {}

  readonly report = (report: P): void => {
    this.latest = { report };
    if (this.timer !== null) return;
    const wait = this.lastSent + this.everyMs - this.timers.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  };

  /** Send the report held back, if any, now (before saying the work is done). */
  flush(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    if (!this.latest) return;
    const { report } = this.latest;
    this.latest = null;
    this.lastSent = this.timers.now();
    this.send(report);
  }
}
