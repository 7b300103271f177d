import { describe, expect, it } from 'vitest';
import { type Dataset, gatherBatch, sampleSize, standardize } from '../../src/data/dataset.ts';

function tiny(): Dataset {
  // 4 samples of 3 features: sample i holds [10i, 10i + 1, 10i + 2].
  const x = new Float32Array(12);
  for (let i = 0; i < 12; i++) x[i] = 10 * Math.floor(i / 3) + (i % 3);
  return { name: 'tiny', x, y: Int32Array.of(0, 1, 0, 1), count: 4, sampleShape: [3], classes: 2 };
}

describe('gatherBatch', () => {
  it('copies the requested samples and labels in order', () => {
    const b = gatherBatch(tiny(), [3, 0, 3]);
    expect(Array.from(b.x)).toEqual([30, 31, 32, 0, 1, 2, 30, 31, 32]);
    expect(Array.from(b.y)).toEqual([1, 0, 1]);
  });

  it('fills and returns the caller buffers without allocating new ones', () => {
    const outX = new Float32Array(9).fill(-1);
    const outY = new Int32Array(4).fill(-1);
    const b = gatherBatch(tiny(), Int32Array.of(2, 1), outX, outY);
    expect(b.x).toBe(outX);
    expect(b.y).toBe(outY);
    expect(Array.from(outX)).toEqual([20, 21, 22, 10, 11, 12, -1, -1, -1]);
    expect(Array.from(outY)).toEqual([0, 1, -1, -1]);
  });

  it('rejects out-of-range indices and short buffers', () => {
    expect(() => gatherBatch(tiny(), [4])).toThrow(RangeError);
    expect(() => gatherBatch(tiny(), [-1])).toThrow(RangeError);
    expect(() => gatherBatch(tiny(), [0, 1], new Float32Array(5), new Int32Array(2))).toThrow(
      RangeError,
    );
  });

  it('handles image-shaped samples', () => {
    const ds: Dataset = {
      name: 'img',
      x: Float32Array.from({ length: 8 }, (_, i) => i),
      y: Int32Array.of(0, 1),
      count: 2,
      sampleShape: [1, 2, 2],
      classes: 2,
    };
    expect(sampleSize(ds)).toBe(4);
    expect(Array.from(gatherBatch(ds, [1]).x)).toEqual([4, 5, 6, 7]);
  });
});

describe('standardize', () => {
  it('uses the training statistics for both splits; a constant feature is only centred', () => {
    const train = tiny();
    train.x[2] = train.x[5] = train.x[8] = train.x[11] = 7; // feature 2 constant
    const test = tiny();
    const { mean, std } = standardize(train, test);
    // Feature 0 of train is 0, 10, 20, 30: mean 15, population std √125.
    expect(mean[0]).toBeCloseTo(15, 5);
    expect(std[0]).toBeCloseTo(Math.sqrt(125), 5);
    expect(std[2]).toBe(1);
    expect(Array.from({ length: 4 }, (_, i) => train.x[3 * i + 2])).toEqual([0, 0, 0, 0]);
    // The test split is transformed with the training statistics, not its own.
    expect(test.x[2]).toBeCloseTo(2 - 7, 5);
    expect(test.x[0]).toBeCloseTo(-15 / Math.sqrt(125), 5);
  });
});
