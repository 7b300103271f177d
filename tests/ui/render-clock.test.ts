import { describe, expect, it } from 'vitest';
import { type ClockTimers, RenderClock, RenderJob } from '../../src/ui/render-clock.ts';
import { ManualTimers } from '../helpers/manual-timers.ts';

/** Hand-driven timers and tasks: time moves, frames come and tasks run only when the test says so. */
class FakeTimers extends ManualTimers implements ClockTimers {
  /** Tasks run so far (one job per task is the contract). */
  tasksRun = 0;
  frames = 0;
  private tasks: (() => void)[] = [];
  /** Tasks waiting for the next frame. */
  private afterFrame: (() => void)[] = [];
  postTask = (fn: () => void): void => {
    this.tasks.push(fn);
  };
  postTaskAfterFrame = (fn: () => void): void => {
    this.afterFrame.push(fn);
  };
  /** The browser renders a frame: tasks that waited for it are queued. */
  frame(): void {
    this.frames++;
    this.tasks.push(...this.afterFrame);
    this.afterFrame = [];
  }
  /** Run queued tasks (each may queue more) until none is left, without moving time. */
  drain(): void {
    while (this.tasks.length > 0) {
      this.tasks.shift()!();
      this.tasksRun++;
    }
  }
  /** A frame every 16 ms. */
  protected override tick(): void {
    if (this.t % 16 === 0) this.frame();
  }
  protected override afterTimers(): void {
    this.drain();
  }
}

describe('RenderClock', () => {
  it('runs a job asked for every millisecond at most once per interval, and never drops the last request', () => {
    const timers = new FakeTimers();
    const clock = new RenderClock(200, timers);
    let runs = 0;
    let seen = -1;
    let value = 0;
    const job = new RenderJob(() => {
      runs++;
      seen = value;
    });
    for (let i = 0; i < 1000; i++) {
      value = i;
      clock.request(job);
      timers.advance(1);
    }
    timers.advance(400);
    expect(runs).toBeGreaterThanOrEqual(5);
    expect(runs).toBeLessThanOrEqual(6);
    expect(seen).toBe(999);
  });

  it('runs the jobs asked for between bursts together, one per task', () => {
    const timers = new FakeTimers();
    const clock = new RenderClock(200, timers);
    const order: string[] = [];
    const jobs = ['a', 'b', 'c'].map(
      (n) =>
        new RenderJob(() => {
          order.push(n);
        }),
    );
    clock.request(jobs[0]!); // idle: the first burst starts at once
    timers.drain();
    expect(order).toEqual(['a']);
    for (const j of jobs) clock.request(j);
    clock.request(jobs[1]!); // asked twice, runs once
    timers.advance(199);
    expect(order).toEqual(['a']);
    const before = timers.tasksRun;
    timers.advance(1);
    expect(order).toEqual(['a', 'a', 'b', 'c']);
    expect(timers.tasksRun - before).toBe(3);
  });

  it('a job asked for during a burst joins it, unless it already ran in it', () => {
    const timers = new FakeTimers();
    const clock = new RenderClock(200, timers);
    const order: string[] = [];
    const table = new RenderJob(() => {
      order.push('table');
    });
    const chart: RenderJob = new RenderJob(() => {
      order.push('chart');
      clock.request(table); // the chart's table: later in the same burst
      clock.request(chart); // asking for itself again: the next burst, never a loop
    });
    clock.request(chart);
    timers.drain();
    expect(order).toEqual(['chart', 'table']);
    timers.advance(199);
    expect(order).toEqual(['chart', 'table']);
    timers.advance(1);
    expect(order).toEqual(['chart', 'table', 'chart', 'table']);
  });

  it('a cancelled job does not run', () => {
    const timers = new FakeTimers();
    const clock = new RenderClock(200, timers);
    let runs = 0;
    const job = new RenderJob(() => {
      runs++;
    });
    clock.request(job);
    timers.drain();
    expect(runs).toBe(1);
    clock.request(job);
    clock.cancel(job);
    timers.advance(500);
    expect(runs).toBe(1);
    expect(job.pending).toBe(false);
  });

  it("a job that says 'paint' lets the browser render a frame before the next job runs", () => {
    const timers = new FakeTimers();
    const clock = new RenderClock(200, timers);
    const order: string[] = [];
    const newChart = (name: string) =>
      new RenderJob(() => {
        order.push(`${name}@${timers.frames}`);
        return 'paint';
      });
    const text = new RenderJob(() => {
      order.push(`text@${timers.frames}`);
    });
    for (const j of [newChart('a'), newChart('b'), text]) clock.request(j);
    timers.drain();
    expect(order).toEqual(['a@0']);
    timers.frame();
    timers.drain();
    expect(order).toEqual(['a@0', 'b@1']);
    timers.frame();
    timers.drain();
    expect(order).toEqual(['a@0', 'b@1', 'text@2']);
  });
});
