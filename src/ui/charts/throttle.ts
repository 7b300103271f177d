/** The timer functions FrameThrottle needs; injectable so the policy is testable without a page. */
export interface FrameClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  requestAnimationFrame(fn: () => void): unknown;
  cancelAnimationFrame(handle: unknown): void;
}

export const browserClock: FrameClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
  requestAnimationFrame: (fn) => globalThis.requestAnimationFrame(() => fn()),
  cancelAnimationFrame: (h) => globalThis.cancelAnimationFrame(h as number),
};

/**
 * Coalesces any number of requests into one call of `run` on an animation frame, at most once per
 * `minIntervalMs`: property changes can arrive hundreds of times a second, a chart redraws ~10.
 */
export class FrameThrottle {
  private timer: unknown = null;
  private frame: unknown = null;
  private lastRun = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly run: () => void,
    private readonly minIntervalMs = 100,
    private readonly clock: FrameClock = browserClock,
  ) {}

  get pending(): boolean {
    return this.timer !== null || this.frame !== null;
  }

  request(): void {
    if (this.pending) return;
    const wait = Math.max(0, this.lastRun + this.minIntervalMs - this.clock.now());
    if (wait === 0) {
      this.scheduleFrame();
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.scheduleFrame();
    }, wait);
  }

  cancel(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    if (this.frame !== null) this.clock.cancelAnimationFrame(this.frame);
    this.timer = null;
    this.frame = null;
  }

  private scheduleFrame(): void {
    this.frame = this.clock.requestAnimationFrame(() => {
      this.frame = null;
      this.lastRun = this.clock.now();
      this.run();
    });
  }
}
