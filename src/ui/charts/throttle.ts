/** The timer functions FrameThrottle needs; injectable so the policy is testable without a page. */
export interface FrameClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  requestAnimationFrame(fn: () => void): unknown;
  cancelAnimationFrame(handle: unknown): void;
}

interface FrameJob {
  readonly run: () => void;
  cancelled: boolean;
}

/** Chart redraws waiting for a frame, shared by every chart on the page. */
const frameJobs: FrameJob[] = [];
let pumpScheduled = false;
/** Redraw time one frame may spend before the rest wait for the next frame. */
const FRAME_BUDGET_MS = 12;

/**
 * Runs queued redraws on animation frames, but only as many as fit FRAME_BUDGET_MS per frame:
 * six charts redrawing in one frame took ~100 ms on a slow machine, blocking the page; spread
 * over frames, no task comes near 50 ms.
 */
function pumpFrameJobs(): void {
  pumpScheduled = false;
  const start = performance.now();
  while (frameJobs.length > 0) {
    const job = frameJobs.shift()!;
    if (job.cancelled) continue;
    job.run();
    if (performance.now() - start > FRAME_BUDGET_MS) break;
  }
  if (frameJobs.length > 0) schedulePump();
}

function schedulePump(): void {
  if (pumpScheduled) return;
  pumpScheduled = true;
  globalThis.requestAnimationFrame(pumpFrameJobs);
}

export const browserClock: FrameClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
  requestAnimationFrame: (fn) => {
    const job: FrameJob = { run: fn, cancelled: false };
    frameJobs.push(job);
    schedulePump();
    return job;
  },
  cancelAnimationFrame: (h) => {
    (h as FrameJob).cancelled = true;
  },
};

/**
 * Coalesces any number of requests into one call of `run` on an animation frame, at most once per
 * `minIntervalMs`: property changes can arrive hundreds of times a second; a chart redraws at
 * most 4 times a second (a redraw costs ~15 ms on a slow machine, and a page has six charts).
 */
export class FrameThrottle {
  private timer: unknown = null;
  private frame: unknown = null;
  private lastRun = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly run: () => void,
    private readonly minIntervalMs = 250,
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
