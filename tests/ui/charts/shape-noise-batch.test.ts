import { describe, expect, it } from 'vitest';
import type { BnLayerTelemetry } from '../../../src/coordinator/telemetry.ts';
import {
  fitInverseSqrt,
  runMeanNoise,
  shapeNoiseVsBatch,
} from '../../../src/ui/charts/shape-noise-batch.ts';
import { layerTelemetry } from './fixtures.ts';

/** A layer whose meanNoise is `rows` ([step][device]) and varNoise its negation. */
function noiseLayer(rows: number[][]): BnLayerTelemetry {
  const base = layerTelemetry(
    rows.map((_, i) => i + 1),
    rows[0]?.length ?? 1,
    1,
  );
  return { ...base, meanNoise: rows, varNoise: rows.map((r) => r.map((v) => -v)) };
}

describe('runMeanNoise', () => {
  it('averages over devices, then over steps; skips steps and values that are missing', () => {
    const layer = noiseLayer([[1, 3], [Number.NaN, 4], []]);
    expect(runMeanNoise(layer, 'mean')).toEqual({ value: (2 + 4) / 2, steps: 2 });
    expect(runMeanNoise(layer, 'var')).toEqual({ value: -3, steps: 2 });
    expect(runMeanNoise(noiseLayer([[]]), 'mean')).toBeNull();
  });
});

describe('fitInverseSqrt', () => {
  it('recovers c exactly when the points lie on c/√b', () => {
    const points = [2, 8, 32].map((b) => ({ batch: b, noise: 0.7 / Math.sqrt(b) }));
    expect(fitInverseSqrt(points)).toBeCloseTo(0.7, 12);
  });

  it('is the geometric mean of noise·√b and leaves out points without noise', () => {
    const c = fitInverseSqrt([
      { batch: 4, noise: 1 }, // 2
      { batch: 16, noise: 2 }, // 8
      { batch: 64, noise: 0 }, // one device: left out
    ]);
    expect(c).toBeCloseTo(4, 12);
    expect(fitInverseSqrt([{ batch: 4, noise: 0 }])).toBeNull();
  });
});

describe('shapeNoiseVsBatch', () => {
  const run = (id: string, batch: number, noise: number) => ({
    id,
    label: `run ${id}`,
    perDeviceBatch: batch,
    bn: { bn1: noiseLayer([[noise, noise]]) },
  });

  it('one point per run at its batch, the fitted reference on a sorted grid', () => {
    const shaped = shapeNoiseVsBatch(
      [
        run('a', 8, 0.5 / Math.sqrt(8)),
        run('b', 2, 0.5 / Math.sqrt(2)),
        run('c', 32, 0.5 / Math.sqrt(32)),
      ],
      '',
      'mean',
    );
    expect(shaped.points.map((p) => p.batch)).toEqual([8, 2, 32]);
    expect(shaped.c).toBeCloseTo(0.5, 12);
    const [xs, ...cols] = shaped.data;
    expect(cols.length).toBe(4); // three runs and the reference
    for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThan(xs[i - 1]!);
    expect(xs[0]).toBe(2);
    expect(xs[xs.length - 1]).toBe(32);
    // Each run's column holds exactly one value, at its own batch.
    for (const [r, p] of shaped.points.entries()) {
      const col = [...cols[r]!];
      const present = col.flatMap((v, i) => (v === null ? [] : [i]));
      expect(present.length).toBe(1);
      expect(xs[present[0]!]).toBe(p.batch);
      expect(col[present[0]!]).toBeCloseTo(p.noise, 12);
      expect(p.reference).toBeCloseTo(0.5 / Math.sqrt(p.batch), 12);
    }
    const ref = cols[3]!;
    for (const [i, x] of xs.entries()) expect(ref[i]!).toBeCloseTo(0.5 / Math.sqrt(x), 12);
  });

  it('leaves out runs without the layer or without steps', () => {
    const shaped = shapeNoiseVsBatch(
      [
        run('a', 4, 0.2),
        { id: 'x', label: 'no BN', perDeviceBatch: 4, bn: null },
        { ...run('y', 8, 0), bn: { other: noiseLayer([[1]]) } },
      ],
      'bn1',
      'mean',
    );
    expect(shaped.points.map((p) => p.id)).toEqual(['a']);
    expect(shaped.data.length).toBe(3);
  });

  it('nothing to draw without runs', () => {
    expect(shapeNoiseVsBatch([], '', 'mean')).toEqual({ points: [], c: null, data: [[]] });
  });
});
