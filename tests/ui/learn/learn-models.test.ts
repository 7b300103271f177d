import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.ts';
import {
  batchMeans,
  drawBatch,
  makePopulation,
  normalizeBatch,
} from '../../../src/ui/learn/model/batch-stats.ts';
import { contour, featureScaling } from '../../../src/ui/learn/model/feature-scaling.ts';
import { lossAt } from '../../../src/experiments/kit/quadratic.ts';
import { makeTwoFeatures, scaledFeatures } from '../../../src/ui/learn/model/two-features.ts';
import {
  featureStats,
  histogram,
  valueRange,
  zScore,
} from '../../../src/ui/learn/model/z-score.ts';

describe('step 1: feature normalization', () => {
  const data = makeTwoFeatures(1);

  it('standardized features reach the target loss in far fewer steps than scale 100', () => {
    const r = featureScaling(data, 100);
    expect(r.raw.reached).toBe(true);
    expect(r.standardized.reached).toBe(true);
    expect(r.standardized.steps).toBeLessThan(20);
    expect(r.raw.steps).toBeGreaterThan(1000);
    expect(r.raw.steps).toBeGreaterThan(100 * r.standardized.steps);
    // The step used is the fastest stable constant one and below the stability limit.
    expect(r.raw.lr).toBeLessThan(r.raw.lrLimit);
    expect(r.raw.curvatureMax / r.raw.curvatureMin).toBeGreaterThan(1000);
  });

  it('the raw count grows as the scale stretches the valley; the standardized one does not move', () => {
    const counts = [1, 10, 100].map((s) => featureScaling(data, s));
    expect(counts[0]!.raw.steps).toBeLessThan(counts[1]!.raw.steps);
    expect(counts[1]!.raw.steps).toBeLessThan(counts[2]!.raw.steps);
    const std = counts.map((c) => c.standardized.steps);
    expect(new Set(std).size).toBe(1);
  });

  it('draws each contour on its own level of the loss', () => {
    const r = featureScaling(data, 30);
    const q = r.raw.quadratic;
    const minLoss = lossAt(q, r.raw.minimum);
    for (const p of contour(q, 0.2)) expect(lossAt(q, p) - minLoss).toBeCloseTo(0.2, 9);
  });
});

describe('step 2: z-score', () => {
  it('gives every feature mean 0 and variance 1 (to 1e-6), whatever its scale', () => {
    const data = makeTwoFeatures(1);
    for (const scale of [1, 100, 1e4]) {
      const x = scaledFeatures(data, scale);
      const before = featureStats(x, data.count, 2);
      expect(before.variance[1]! / before.variance[0]!).toBeGreaterThan(0.5 * scale * scale);
      const after = featureStats(zScore(x, data.count, 2), data.count, 2);
      for (let j = 0; j < 2; j++) {
        expect(Math.abs(after.mean[j]!)).toBeLessThan(1e-6);
        expect(Math.abs(after.variance[j]! - 1)).toBeLessThan(1e-6);
      }
    }
  });

  it('counts every sample once in the histogram', () => {
    const data = makeTwoFeatures(2);
    const h = histogram(scaledFeatures(data, 100), data.count, 2, 1, 12);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(data.count);
    expect(h.max).toBeGreaterThan(h.min);
    // On a shared axis the scale-1 feature fills only the middle bins.
    const x = scaledFeatures(data, 100);
    const shared = valueRange(x, data.count, 2, [0, 1]);
    const narrow = histogram(x, data.count, 2, 0, 12, shared);
    expect(narrow.counts.reduce((a, b) => a + b, 0)).toBe(data.count);
    expect([...narrow.counts].filter((c) => c > 0).length).toBeLessThanOrEqual(2);
  });
});

describe('step 3: BN over a batch', () => {
  const pop = makePopulation(1);

  it('normalizes a batch to mean 0 and std 1 per feature, then applies γ and β', () => {
    const x = drawBatch(pop, 16, Rng.stream(1, 'test'));
    const b = normalizeBatch(x, pop.features, 2, 0.5);
    const xhat = featureStats(b.xhat, b.size, pop.features);
    const y = featureStats(b.y, b.size, pop.features);
    const raw = featureStats(x, b.size, pop.features);
    for (let c = 0; c < pop.features; c++) {
      expect(b.mean[c]).toBeCloseTo(raw.mean[c]!, 5);
      expect(b.std[c]).toBeCloseTo(Math.sqrt(raw.variance[c]! + 1e-5), 5);
      expect(xhat.mean[c]).toBeCloseTo(0, 5);
      expect(xhat.variance[c]).toBeCloseTo(1, 3);
      expect(y.mean[c]).toBeCloseTo(0.5, 5);
      expect(y.variance[c]).toBeCloseTo(4, 2);
    }
  });

  it('the layer’s outputs are off-centre, so normalizing has something to do', () => {
    expect(Math.max(...[...pop.mean].map(Math.abs))).toBeGreaterThan(0.2);
  });

  it('μ_B wobbles around the population mean, its spread shrinking like 1/√b', () => {
    const spread = (b: number) => {
      const means = batchMeans(pop, b, 600, 0, Rng.stream(7, `spread-${b}`));
      const m = means.reduce((a, v) => a + v, 0) / means.length;
      expect(m).toBeCloseTo(pop.mean[0]!, 1);
      return Math.sqrt(means.reduce((a, v) => a + (v - m) ** 2, 0) / means.length);
    };
    const s4 = spread(4);
    const s64 = spread(64);
    // 1/√b predicts a ratio of 4 (sampling without replacement from 2048 barely changes it).
    expect(s4 / s64).toBeGreaterThan(3.2);
    expect(s4 / s64).toBeLessThan(4.8);
    expect(s4).toBeCloseTo(pop.std[0]! / 2, 0);
  });
});
