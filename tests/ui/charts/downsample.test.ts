import { describe, expect, it } from 'vitest';
import type uPlot from 'uplot';
import { downsampleAligned } from '../../../src/ui/charts/downsample.ts';

/** A seeded generator, so every run checks the same series. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Column = (number | null)[];

/** Per slice of x: the min and max of each series over its present values, and its first/last. */
function extremesPerSlice(data: uPlot.AlignedData, slices: number) {
  const xs = data[0] as number[];
  const lo = xs[0]!;
  const hi = xs[xs.length - 1]!;
  const sliceOf = (x: number) => Math.min(slices - 1, Math.floor(((x - lo) * slices) / (hi - lo)));
  return data.slice(1).map((column) => {
    const out = new Map<number, { min: number; max: number; first: number; last: number }>();
    (column as Column).forEach((y, i) => {
      if (y === null) return;
      const at = sliceOf(xs[i]!);
      const e = out.get(at);
      if (!e) out.set(at, { min: y, max: y, first: xs[i]!, last: xs[i]! });
      else {
        e.min = Math.min(e.min, y);
        e.max = Math.max(e.max, y);
        e.last = xs[i]!;
      }
    });
    return out;
  });
}

/** A long run's curves: x = steps 1…n, a noisy train loss, a smoothed one, eval every 25 steps. */
function curves(n: number, seed: number): uPlot.AlignedData {
  const r = random(seed);
  const steps = Array.from({ length: n }, (_, i) => i + 1);
  const raw: Column = steps.map((s) => 2 / Math.sqrt(s) + r() * 0.5);
  // A few spikes (a diverging step): exactly what a stride would drop.
  for (let k = 0; k < 5; k++) raw[Math.floor(r() * n)] = 40 + r() * 10;
  const smooth: Column = raw.map((v, i) =>
    i === 0 ? v : 0.9 * (raw[i - 1] ?? 0) + 0.1 * (v ?? 0),
  );
  const evalCol: Column = steps.map((s) => (s % 25 === 0 ? 1 / s : null));
  return [steps, raw, smooth, evalCol];
}

describe('downsampleAligned (min/max per pixel column, M4)', () => {
  it('keeps every series’ extremes, first and last point in each slice, and the first and last points', () => {
    for (const seed of [1, 2, 3]) {
      const data = curves(5000, seed);
      const out = downsampleAligned(data, 300);
      const n = (out[0] as number[]).length;
      expect(n).toBeLessThan(5000);
      // Same extremes (and first/last x) in every slice, for every series.
      expect(extremesPerSlice(out, 300)).toEqual(extremesPerSlice(data, 300));
      // The first and last points of the data stay, with every series' own values there.
      expect(out.map((c) => c[0])).toEqual(data.map((c) => c[0]));
      expect(out.map((c) => c[n - 1])).toEqual(data.map((c) => c[4999]));
      // The spikes survive (a stride of 10 would keep each with chance 1/10).
      expect(Math.max(...((out[1] as Column).filter((v) => v !== null) as number[]))).toBe(
        Math.max(...((data[1] as Column).filter((v) => v !== null) as number[])),
      );
    }
  });

  it('keeps only points that exist, each with its own x, in order', () => {
    const data = curves(3000, 7);
    const out = downsampleAligned(data, 200);
    const xs = out[0] as number[];
    for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThan(xs[i - 1]!);
    for (const [i, x] of xs.entries()) {
      for (let s = 1; s < data.length; s++) expect(out[s]![i]).toBe(data[s]![x - 1]);
    }
  });

  it('keeps a sparse series whole and every gap a gap', () => {
    const data = curves(5000, 4);
    // A gap in the raw series from step 2001 to 2999.
    for (let i = 2000; i < 2999; i++) (data[1] as Column)[i] = null;
    const out = downsampleAligned(data, 100);
    const xs = out[0] as number[];
    // Every eval point (every 25th step) is still there.
    const evalSteps = xs.filter((_, i) => out[3]![i] !== null);
    expect(evalSteps).toEqual(Array.from({ length: 200 }, (_, k) => 25 * (k + 1)));
    // The gap still starts with a missing value right after the last present one.
    const at = xs.indexOf(2001);
    expect(at).toBeGreaterThan(0);
    expect(out[1]![at]).toBeNull();
    expect(out[1]![at - 1]).not.toBeNull();
  });

  it('leaves short or unsorted data as it is', () => {
    const short = curves(400, 5);
    expect(downsampleAligned(short, 100)).toBe(short);
    const unsorted: uPlot.AlignedData = [
      Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000),
      Array.from({ length: 1000 }, (_, i) => i),
    ];
    expect(downsampleAligned(unsorted, 10)).toBe(unsorted);
  });
});
