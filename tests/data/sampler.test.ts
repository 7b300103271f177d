import { describe, expect, it } from 'vitest';
import { EpochSampler } from '../../src/data/sampler.ts';

describe('EpochSampler', () => {
  it('covers an epoch without repeats, dropping the n mod batch tail', () => {
    const s = new EpochSampler(103, 10, 5);
    expect(s.batchesPerEpoch).toBe(10);
    for (let epoch = 0; epoch < 3; epoch++) {
      const seen = new Set<number>();
      for (let b = 0; b < 10; b++) {
        const batch = s.next();
        expect(batch.length).toBe(10);
        expect(s.epoch).toBe(epoch);
        for (const i of batch) {
          expect(i).toBeGreaterThanOrEqual(0);
          expect(i).toBeLessThan(103);
          seen.add(i);
        }
      }
      expect(seen.size).toBe(100); // 3 samples sit out each epoch
    }
  });

  it('covers every sample each epoch when the batch divides n', () => {
    const s = new EpochSampler(64, 16, 1);
    const counts = new Int32Array(64);
    for (let b = 0; b < 4 * 5; b++) for (const i of s.next()) counts[i]!++;
    expect(counts.every((c) => c === 5)).toBe(true);
  });

  it('reshuffles each epoch and is bit-identical for the same seed', () => {
    const a = new EpochSampler(50, 50, 9);
    const b = new EpochSampler(50, 50, 9);
    const c = new EpochSampler(50, 50, 10);
    const a1 = a.next();
    const a2 = a.next();
    expect(b.next()).toEqual(a1);
    expect(b.next()).toEqual(a2);
    expect(a2).not.toEqual(a1);
    expect(c.next()).not.toEqual(a1);
    expect(Array.from(a1).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('returns arrays the caller owns', () => {
    const s = new EpochSampler(20, 5, 2);
    const first = s.next();
    const copy = first.slice();
    s.next();
    expect(first).toEqual(copy);
  });

  it('rejects a batch larger than the dataset', () => {
    expect(() => new EpochSampler(10, 11, 1)).toThrow(RangeError);
    expect(() => new EpochSampler(10, 0, 1)).toThrow(RangeError);
  });
});
