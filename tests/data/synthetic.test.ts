import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.ts';
import { makeSynthetic, SYNTHETIC_NAMES, type SyntheticOptions } from '../../src/data/synthetic.ts';

const base: Omit<SyntheticOptions, 'name'> = {
  train: 600,
  test: 200,
  noise: 0.1,
  standardize: false,
  classes: 3,
  seed: 7,
};

function featureMoments(ds: Dataset, j: number): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < ds.count; i++) s += ds.x[2 * i + j]!;
  const mean = s / ds.count;
  let v = 0;
  for (let i = 0; i < ds.count; i++) v += (ds.x[2 * i + j]! - mean) ** 2;
  return { mean, std: Math.sqrt(v / ds.count) };
}

describe.each(SYNTHETIC_NAMES)('%s', (name) => {
  const expectedClasses = name === 'spiral' || name === 'blobs' ? 3 : 2;

  it('has the requested shapes, finite values and balanced classes', () => {
    const { train, test } = makeSynthetic({ ...base, name });
    for (const [ds, n] of [
      [train, 600],
      [test, 200],
    ] as const) {
      expect(ds.name).toBe(name);
      expect(ds.count).toBe(n);
      expect(ds.sampleShape).toEqual([2]);
      expect(ds.classes).toBe(expectedClasses);
      expect(ds.x.length).toBe(2 * n);
      expect(ds.y.length).toBe(n);
      expect(ds.x.every(Number.isFinite)).toBe(true);
      const hist = new Array(expectedClasses).fill(0);
      for (const label of ds.y) hist[label]++;
      // Labels cycle through the classes, so counts differ by at most one.
      expect(Math.max(...hist) - Math.min(...hist)).toBeLessThanOrEqual(1);
    }
  });

  it('is bit-identical for the same seed and differs for another seed', () => {
    const a = makeSynthetic({ ...base, name });
    const b = makeSynthetic({ ...base, name });
    expect(a.train.x).toEqual(b.train.x);
    expect(a.test.x).toEqual(b.test.x);
    expect(a.train.y).toEqual(b.train.y);
    const c = makeSynthetic({ ...base, name, seed: 8 });
    expect(c.train.x).not.toEqual(a.train.x);
    // Train and test are different draws.
    expect(a.test.x).not.toEqual(a.train.x.subarray(0, a.test.x.length));
  });

  it('keeps the test set when only the training size changes', () => {
    const a = makeSynthetic({ ...base, name });
    const b = makeSynthetic({ ...base, name, train: 50 });
    expect(b.test.x).toEqual(a.test.x);
    expect(b.train.x).toEqual(a.train.x.subarray(0, 100));
  });

  it('applies featureScale per feature after the noise', () => {
    const plain = makeSynthetic({ ...base, name });
    const scaled = makeSynthetic({ ...base, name, featureScale: [1, 100] });
    for (let i = 0; i < 600; i++) {
      expect(scaled.train.x[2 * i]).toBe(plain.train.x[2 * i]);
      // One float32 rounding of the product.
      expect(scaled.train.x[2 * i + 1]).toBeCloseTo(plain.train.x[2 * i + 1]! * 100, 3);
    }
  });

  it('standardizes to mean 0, std 1 on train with the training statistics', () => {
    const { train, test, standardization } = makeSynthetic({
      ...base,
      name,
      featureScale: [1, 100],
      standardize: true,
    });
    expect(standardization).toBeDefined();
    for (let j = 0; j < 2; j++) {
      const m = featureMoments(train, j);
      // float32 storage: 600 values of magnitude ~1 leave |mean| ~1e-7, |std − 1| ~1e-7.
      expect(Math.abs(m.mean)).toBeLessThan(1e-5);
      expect(Math.abs(m.std - 1)).toBeLessThan(1e-5);
      // The test set is only approximately standardized (its own statistics differ).
      const t = featureMoments(test, j);
      expect(Math.abs(t.mean)).toBeLessThan(0.5);
      expect(Math.abs(t.std - 1)).toBeLessThan(0.5);
    }
  });
});

describe('makeSynthetic', () => {
  it('uses the requested class count for blobs and spiral, ignores it for two-class sets', () => {
    expect(makeSynthetic({ ...base, name: 'blobs', classes: 7 }).train.classes).toBe(7);
    expect(makeSynthetic({ ...base, name: 'spiral', classes: 5 }).train.classes).toBe(5);
    expect(makeSynthetic({ ...base, name: 'moons', classes: 7 }).train.classes).toBe(2);
  });

  it('places noise-free points on the documented geometry', () => {
    const circles = makeSynthetic({ ...base, name: 'circles', noise: 0 }).train;
    for (let i = 0; i < circles.count; i++) {
      const r = Math.hypot(circles.x[2 * i]!, circles.x[2 * i + 1]!);
      expect(r).toBeCloseTo(circles.y[i] === 0 ? 1 : 0.5, 5);
    }
    const xor = makeSynthetic({ ...base, name: 'xor', noise: 0 }).train;
    for (let i = 0; i < xor.count; i++) {
      expect(xor.x[2 * i]! * xor.x[2 * i + 1]! < 0 ? 1 : 0).toBe(xor.y[i]);
    }
  });

  it('rejects a featureScale of the wrong length', () => {
    expect(() => makeSynthetic({ ...base, name: 'moons', featureScale: [1, 2, 3] })).toThrow(
      RangeError,
    );
  });
});
