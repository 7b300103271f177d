import { describe, expect, it } from 'vitest';
import { ProgressPacer } from '../../../src/experiments/kit/progress-pacer.ts';
import { ManualTimers } from '../../helpers/manual-timers.ts';

describe('ProgressPacer', () => {
  it('sends at most one report per interval, and the latest one after a burst', () => {
    const timers = new ManualTimers();
    const sent: number[] = [];
    const pacer = new ProgressPacer<number>((n) => sent.push(n), 200, timers);
    for (let i = 1; i <= 1000; i++) {
      pacer.report(i); // one report per millisecond for a second
      timers.advance(1);
    }
    expect(sent[0]).toBe(1);
    expect(sent.length).toBeGreaterThanOrEqual(5);
    expect(sent.length).toBeLessThanOrEqual(6);
    timers.advance(200);
    expect(sent[sent.length - 1]).toBe(1000);
    expect([...sent].sort((a, b) => a - b)).toEqual(sent);
  });

  it('flush sends what was held back at once, and nothing twice', () => {
    const timers = new ManualTimers();
    const sent: string[] = [];
    const pacer = new ProgressPacer<string>((s) => sent.push(s), 200, timers);
    pacer.report('a');
    pacer.report('b');
    expect(sent).toEqual(['a']);
    pacer.flush();
    expect(sent).toEqual(['a', 'b']);
    timers.advance(500);
    pacer.flush();
    expect(sent).toEqual(['a', 'b']);
  });
});
