import { describe, expect, it } from 'vitest';
import { deviceBand } from '../../../src/ui/charts/shape-band.ts';
import { emaSmooth, MAX_SMOOTHING } from '../../../src/ui/charts/shape-smooth.ts';

describe('emaSmooth', () => {
  it('is the identity at weight 0', () => {
    expect(emaSmooth([3, null, 1, 2], 0)).toEqual([3, null, 1, 2]);
  });

  it('is a debiased EMA: the first value stays, later ones are pulled towards the past', () => {
    const w = 0.5;
    const out = emaSmooth([4, 0, 2], w);
    // s1 = 0.5·4 = 2 → /0.5 = 4; s2 = 0.5·2 + 0 = 1 → /0.75; s3 = 0.5·1 + 0.5·2 = 1.5 → /0.875
    expect(out[0]).toBeCloseTo(4, 12);
    expect(out[1]).toBeCloseTo(1 / 0.75, 12);
    expect(out[2]).toBeCloseTo(1.5 / 0.875, 12);
  });

  it('keeps nulls and non-finite values as gaps that do not advance the average', () => {
    const out = emaSmooth([2, null, Number.NaN, 2], 0.9);
    expect(out[1]).toBeNull();
    expect(out[2]).toBeNull();
    expect(out[0]).toBeCloseTo(2, 12);
    expect(out[3]).toBeCloseTo(2, 12); // a constant stays constant once debiased
  });

  it('smooths a noisy series: its spread shrinks as the weight grows', () => {
    const noisy = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 1 : -1));
    const spread = (xs: (number | null)[]) => {
      const tail = xs.slice(100) as number[];
      return Math.max(...tail) - Math.min(...tail);
    };
    expect(spread(emaSmooth(noisy, 0.5))).toBeLessThan(spread(noisy));
    expect(spread(emaSmooth(noisy, 0.9))).toBeLessThan(spread(emaSmooth(noisy, 0.5)));
  });

  it('clamps the weight so the curve still follows the data', () => {
    expect(emaSmooth([1, 2], 5)).toEqual(emaSmooth([1, 2], MAX_SMOOTHING));
    expect(emaSmooth([1, 2], -1)).toEqual([1, 2]);
  });
});

describe('deviceBand', () => {
  const columns = [
    [1, 10, null],
    [3, null, null],
    [5, 20, null],
  ];

  it('min–max: the lowest and highest device per step, the mean in the middle', () => {
    const band = deviceBand(columns, 'minmax');
    expect(band.lo).toEqual([1, 10, null]);
    expect(band.hi).toEqual([5, 20, null]);
    expect(band.mid).toEqual([3, 15, null]);
  });

  it('std: mean ± the population standard deviation over the devices present', () => {
    const band = deviceBand(columns, 'std');
    const sd0 = Math.sqrt(((1 - 3) ** 2 + 0 + (5 - 3) ** 2) / 3);
    expect(band.lo[0]).toBeCloseTo(3 - sd0, 12);
    expect(band.hi[0]).toBeCloseTo(3 + sd0, 12);
    expect(band.lo[1]).toBeCloseTo(10, 12);
    expect(band.hi[1]).toBeCloseTo(20, 12);
    expect(band.mid[2]).toBeNull();
  });

  it('a single device is a band of no width', () => {
    const band = deviceBand([[2, 4]], 'std');
    expect(band.lo).toEqual([2, 4]);
    expect(band.hi).toEqual([2, 4]);
  });
});
