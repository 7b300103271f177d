import { describe, expect, it } from 'vitest';
import {
  fmtBytes,
  fmtMs,
  fmtNumber,
  fmtPercent,
  percentTicks,
} from '../../src/ui/charts/format.ts';
import { LIGHT_SERIES, parseColorList, seriesLook } from '../../src/ui/charts/palette.ts';
import { type FrameClock, FrameThrottle } from '../../src/ui/charts/throttle.ts';

/** A hand-driven clock: timers and frames run only when the test advances time. */
class FakeClock implements FrameClock {
  t = 0;
  private timers: { at: number; fn: () => void }[] = [];
  private frames: (() => void)[] = [];
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return timer;
  };
  clearTimeout = (h: unknown): void => {
    this.timers = this.timers.filter((x) => x !== h);
  };
  requestAnimationFrame = (fn: () => void): unknown => {
    this.frames.push(fn);
    return fn;
  };
  cancelAnimationFrame = (h: unknown): void => {
    this.frames = this.frames.filter((x) => x !== h);
  };
  /** Advance in 16 ms frames: due timers fire, then pending frames run. */
  advance(ms: number): void {
    const end = this.t + ms;
    while (this.t < end) {
      this.t = Math.min(end, this.t + 16);
      for (const timer of this.timers.filter((x) => x.at <= this.t)) {
        this.timers = this.timers.filter((x) => x !== timer);
        timer.fn();
      }
      const frames = this.frames;
      this.frames = [];
      for (const f of frames) f();
    }
  }
}

describe('FrameThrottle', () => {
  it('runs at most once per 100 ms however often it is asked, and never drops the last request', () => {
    const clock = new FakeClock();
    let runs = 0;
    const throttle = new FrameThrottle(() => runs++, 100, clock);
    // A request every millisecond for one second.
    for (let i = 0; i < 1000; i++) {
      throttle.request();
      clock.advance(1);
    }
    expect(runs).toBeGreaterThanOrEqual(9);
    expect(runs).toBeLessThanOrEqual(11);
    const before = runs;
    clock.advance(200);
    expect(runs).toBe(before + 1); // the request pending at the end still ran, once
  });

  it('runs on the next frame when idle, and not at all after cancel', () => {
    const clock = new FakeClock();
    let runs = 0;
    const throttle = new FrameThrottle(() => runs++, 100, clock);
    throttle.request();
    throttle.request();
    clock.advance(16);
    expect(runs).toBe(1);
    throttle.request();
    throttle.cancel();
    clock.advance(500);
    expect(runs).toBe(1);
    expect(throttle.pending).toBe(false);
  });
});

describe('format', () => {
  it('formats numbers, percents, milliseconds and bytes, with a dash for missing values', () => {
    expect(fmtNumber(0.123456)).toBe('0.1235');
    expect(fmtNumber(12345.6)).toBe('12350');
    expect(fmtNumber(1e-6)).toBe('1.000e-6');
    expect(fmtNumber(null)).toBe('–');
    expect(fmtNumber(Number.NaN)).toBe('–');
    expect(fmtPercent(0.9731)).toBe('97.3%');
    expect(fmtMs(3.14259)).toBe('3.14 ms');
    expect(fmtMs(250.4)).toBe('250 ms');
    expect(fmtBytes(512)).toBe('512 B');
    expect(fmtBytes(3 * 1024 * 1024)).toBe('3.00 MiB');
  });

  it('gives percent ticks enough decimals to differ', () => {
    expect(percentTicks([0, 0.5, 1], 0.5)).toEqual(['0%', '50%', '100%']);
    expect(percentTicks([0.97, 0.975, 0.98], 0.005)).toEqual(['97.0%', '97.5%', '98.0%']);
    expect(percentTicks([0.1, 0.2], 0.1)).toEqual(['10%', '20%']);
  });
});

describe('palette', () => {
  it('cycles colours and dashes the later cycles', () => {
    expect(seriesLook(LIGHT_SERIES, 0)).toEqual({ stroke: LIGHT_SERIES[0], dash: undefined });
    const ninth = seriesLook(LIGHT_SERIES, LIGHT_SERIES.length);
    expect(ninth.stroke).toBe(LIGHT_SERIES[0]);
    expect(ninth.dash).toBeDefined();
  });

  it('parses a custom property colour list', () => {
    expect(parseColorList(' #111 #222,#333 ,red ')).toEqual(['#111', '#222', '#333', 'red']);
    expect(parseColorList('')).toEqual([]);
  });
});
