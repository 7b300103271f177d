import { describe, expect, it } from 'vitest';
import { formatDuration, ProgressReporter, summary } from '../../src/cli/progress.ts';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, sink: { isTTY, columns: 200, write: (t: string) => void out.push(t) } };
}

const at = (step: number, steps = 200) => ({
  step,
  steps,
  loss: 0.5,
  acc: 0.75,
  elapsedMs: step * 10,
});

describe('ProgressReporter', () => {
  it('without a TTY writes one line per 10% of the steps', () => {
    const { out, sink: s } = sink(false);
    const r = new ProgressReporter(s);
    for (let step = 1; step <= 200; step++) r.update(at(step));
    r.finish();
    expect(out).toHaveLength(10);
    expect(out[0]).toBe('step  20/200 ( 10%)  loss 0.5000  acc 75.0%  100 steps/s  ETA 2s\n');
    expect(out[9]).toBe('step 200/200 (100%)  loss 0.5000  acc 75.0%  100 steps/s  took 2s\n');
  });

  it('on a TTY redraws one line, throttled, and always draws the last step', () => {
    const { out, sink: s } = sink(true);
    let now = 0;
    const r = new ProgressReporter(s, () => now, 100);
    for (let step = 1; step <= 200; step++) {
      now = step * 10; // 10 ms per step: a redraw every 10 steps
      r.update(at(step));
    }
    r.message('warning: something');
    r.finish();
    expect(out.length).toBeGreaterThan(15);
    expect(out.length).toBeLessThan(25);
    expect(out.every((t) => t.startsWith('\r') || t === '\n' || t.endsWith('\n'))).toBe(true);
    expect(out).toContain('\r\x1b[K');
    expect(out).toContain('warning: something\n');
    const last = out.filter((t) => t.startsWith('\r[')).at(-1)!;
    expect(last).toContain('[####################] step 200/200');
  });

  it('formats durations', () => {
    expect(formatDuration(5.4)).toBe('5s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(3725)).toBe('1h02m');
    expect(formatDuration(Number.NaN)).toBe('--');
    expect(summary({ step: 0, steps: 10, loss: Number.NaN, acc: 0, elapsedMs: 0 })).toContain(
      'ETA --',
    );
  });
});
