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

/** Chart redraws waiting to run, shared by every chart on the page. */
const frameJobs: FrameJob[] = [];
let pumpScheduled = false;
/** A macrotask without setTimeout's clamping (nested timeouts wait ≥ 4 ms). */
const nextTask = typeof MessageChannel === 'undefined' ? null : new MessageChannel();
if (nextTask) nextTask.port1.onmessage = () => pumpFrameJobs();

/**
 * Runs queued redraws one per task, outside animation frames: six charts redrawing in one frame
 * took ~100 ms on a slow machine, and even one first draw inside the frame that also lays out and
 * paints the page took ~85 ms. One job per task (its Lit re-render runs as that task's
 * microtasks) keeps every task, and the page's own rendering task, well under 50 ms; the canvas
 * shows on the next frame.
 */
function pumpFrameJobs(): void {
  pumpScheduled = false;
  while (frameJobs.length > 0) {
    const job = frameJobs.shift()!;
    if (job.cancelled) continue;
    job.run();
    break;
  }
  if (frameJobs.length > 0) schedulePump();
}

function schedulePump(): void {
  if (pumpScheduled) return;
  pumpScheduled = true;
  if (nextTask) nextTask.port2.postMessage(null);
  else globalThis.setTimeout(pumpFrameJobs, 0);
}

/** Run `fn` in a task of its own, after the redraws already queued (e.g. a Lit state change). */
export function inOwnTask(fn: () => void): void {
  frameJobs.push({ run: fn, cancelled: false });
  schedulePump();
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
