/**
 * One clock for everything the page redraws while a run trains: the live view's text, every
 * chart's plot and every chart's table.
 *
 * Why one clock: each change the page shows costs a frame (style, layout, paint, layer commit —
 * 3–5 ms of the page's thread even when little changed), and redraws on independent timers gave
 * ~55 frames a second. The clock gathers what changed into one burst every `intervalMs`, so
 * related redraws share frames. Why one job per task inside a burst: on a slow machine without a
 * GPU a chart's draw or its table costs a few ms to ~15 ms; one task for a dozen of them would
 * block the page for far over 50 ms, while one task each keeps every task short.
 */

/** The timer functions the clock needs; injectable so the policy is testable without a page. */
export interface ClockTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Run `fn` in a task of its own, as soon as possible (no timer clamping). */
  postTask(fn: () => void): void;
  /** Run `fn` in a task of its own after the browser has rendered its next frame. */
  postTaskAfterFrame(fn: () => void): void;
}

/**
 * What a job's run may return: 'paint' when it made something costly to put on screen (a new
 * canvas), so the browser renders it before the next job runs instead of all of them at once.
 */
export type RenderOutcome = 'paint' | undefined;

/** Something to redraw; requested any number of times, it runs once per burst. */
export class RenderJob {
  /** Queued for a burst (cleared when it runs or is cancelled). */
  pending = false;
  /** The burst it last ran in: a job asked for again by its own run waits for the next one. */
  lastBurst = -1;

  constructor(
    // biome-ignore lint/suspicious/noConfusingVoidType: plain callbacks (returning void) are jobs too
    readonly run: () => RenderOutcome | void,
  ) {}
}

export class RenderClock {
  private queue: RenderJob[] = [];
  private timer: unknown = null;
  private bursting = false;
  private pumpPosted = false;
  private burst = 0;
  private lastBurstAt = Number.NEGATIVE_INFINITY;

  constructor(
    /** Bursts start at most this often: 200 ms is 5 renders a second. */
    readonly intervalMs = 200,
    private readonly timers: ClockTimers = browserTimers(),
  ) {}

  /**
   * Queue `job` for the next burst. Asked for during a burst, a job that has not run in it yet
   * joins it: a chart's draw queues its table, and the live view's render queues its charts.
   * (What must show at once, after a user's action, renders without the clock.)
   */
  request(job: RenderJob): void {
    if (!job.pending) {
      job.pending = true;
      this.queue.push(job);
    }
    if (!this.bursting) this.schedule();
  }

  cancel(job: RenderJob): void {
    if (!job.pending) return;
    job.pending = false;
    this.queue = this.queue.filter((j) => j !== job);
  }

  private schedule(): void {
    if (this.timer !== null || this.pumpPosted || this.queue.length === 0) return;
    const wait = Math.max(0, this.lastBurstAt + this.intervalMs - this.timers.now());
    if (wait === 0) {
      this.startBurst();
      return;
    }
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.startBurst();
    }, wait);
  }

  private startBurst(): void {
    this.bursting = true;
    this.burst++;
    this.lastBurstAt = this.timers.now();
    this.postPump();
  }

  private postPump(afterFrame = false): void {
    this.pumpPosted = true;
    if (afterFrame) this.timers.postTaskAfterFrame(() => this.pump());
    else this.timers.postTask(() => this.pump());
  }

  /** One job, then the next in a task of its own; the burst ends when none is left to run. */
  private pump(): void {
    this.pumpPosted = false;
    const index = this.queue.findIndex((j) => j.lastBurst !== this.burst);
    let outcome: RenderOutcome;
    if (index >= 0) {
      const job = this.queue.splice(index, 1)[0]!;
      job.pending = false;
      job.lastBurst = this.burst;
      outcome = job.run() ?? undefined;
    }
    if (this.queue.some((j) => j.lastBurst !== this.burst)) {
      // Four new charts' canvases in one frame took ~37 ms to put on screen; one a frame, ~10.
      this.postPump(outcome === 'paint');
      return;
    }
    this.bursting = false;
    this.schedule(); // jobs that asked again during the burst wait for the next one
  }
}

/** The browser's (and Node's) timers; a MessageChannel posts tasks without setTimeout's clamp. */
export function browserTimers(): ClockTimers {
  const channel = typeof MessageChannel === 'undefined' ? null : new MessageChannel();
  const tasks: (() => void)[] = [];
  if (channel) {
    channel.port1.onmessage = () => tasks.shift()?.();
    // In Node (unit tests) an open port would keep the process alive.
    (channel.port1 as { unref?: () => void }).unref?.();
  }
  const postTask = (fn: () => void): void => {
    if (!channel) {
      globalThis.setTimeout(fn, 0);
      return;
    }
    tasks.push(fn);
    channel.port2.postMessage(null);
  };
  return {
    now: () => performance.now(),
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    postTask,
    // A task posted from an animation frame callback runs after that frame is rendered.
    postTaskAfterFrame: (fn) =>
      typeof requestAnimationFrame === 'undefined'
        ? globalThis.setTimeout(fn, 16)
        : requestAnimationFrame(() => postTask(fn)),
  };
}

/** The page's clock: every chart and the live view share it, so their redraws share frames. */
export const pageClock = new RenderClock();
