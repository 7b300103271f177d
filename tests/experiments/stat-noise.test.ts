import { describe, expect, it } from 'vitest';
import {
  digamma,
  logVarNoiseReference,
  meanNoiseReference,
  trigamma,
} from '../../src/experiments/kit/gaussian-noise.ts';
import { statNoise } from '../../src/experiments/stat-noise.ts';
import { expectFigure, expectHolds, runQuick } from './helpers.ts';

describe('gaussian noise references', () => {
  it('digamma and trigamma match known values', () => {
    const eulerGamma = 0.5772156649015329;
    expect(digamma(1)).toBeCloseTo(-eulerGamma, 10);
    expect(digamma(0.5)).toBeCloseTo(-eulerGamma - 2 * Math.log(2), 10);
    expect(trigamma(1)).toBeCloseTo(Math.PI ** 2 / 6, 10);
    expect(trigamma(0.5)).toBeCloseTo(Math.PI ** 2 / 2, 10);
  });

  it('the mean reference is √((K−1)/(K·b)) and the log-variance one tends to √(2/b)', () => {
    expect(meanNoiseReference(8, 8)).toBeCloseTo(Math.sqrt(7 / 64), 12);
    expect(logVarNoiseReference(4096) / Math.sqrt(2 / 4096)).toBeCloseTo(1, 2);
    // b = 2: log of a one-degree-of-freedom χ² divided by 2: √((ψ(½) + ln 1)² + ψ′(½)) ≈ 2.96.
    expect(logVarNoiseReference(2)).toBeCloseTo(
      Math.sqrt((digamma(0.5) + 0) ** 2 + Math.PI ** 2 / 2),
      10,
    );
  });
});

describe('stat-noise, quick', () => {
  it('per-device statistics are noisy like 1/√b where inputs are i.i.d.', async () => {
    const result = await runQuick(statNoise);
    // 2 modes × 6 batches × 3 seeds × 2 BN layers.
    expect(result.rows).toHaveLength(72);
    expectHolds(result, 'mean-noise-falls-like-inverse-sqrt-b');
    expectHolds(result, 'mean-noise-matches-reference');
    expectHolds(result, 'var-noise-shrinks-with-batch');
    expectHolds(result, 'local-bn-aligns-deeper-layers');
    await expectFigure(statNoise, result, 'Noise of each device');
  });
});
