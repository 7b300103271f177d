import { describe, expect, it } from 'vitest';
import { errorSurface } from '../../src/experiments/error-surface.ts';
import {
  curvatures,
  gradientDescent,
  leastSquares,
  lossAt,
  minimizer,
} from '../../src/experiments/kit/quadratic.ts';
import { expectFigure, expectHolds, runQuick } from './helpers.ts';

describe('least-squares quadratic', () => {
  // y = 2·x1 − x2 exactly, on three points.
  const x = [1, 0, 0, 1, 1, 1];
  const y = [2, -1, 1];
  const q = leastSquares(x, y);

  it('has its minimum at the generating weights, with zero loss', () => {
    const [w1, w2] = minimizer(q);
    expect(w1).toBeCloseTo(2, 12);
    expect(w2).toBeCloseTo(-1, 12);
    expect(lossAt(q, [w1, w2])).toBeCloseTo(0, 12);
    expect(lossAt(q, [0, 0])).toBeCloseTo((4 + 1 + 1) / 6, 12);
  });

  it('gradient descent with 2/(λmax + λmin) converges at rate (κ − 1)/(κ + 1)', () => {
    const k = curvatures(q);
    expect(k.max).toBeGreaterThan(k.min);
    const d = gradientDescent(q, {
      lr: 2 / (k.max + k.min),
      start: [0, 0],
      targetLoss: 1e-12,
      maxSteps: 10_000,
    });
    expect(d.reached).toBe(true);
    const rate = (k.max / k.min - 1) / (k.max / k.min + 1);
    // The excess loss shrinks by at most rate² per step: steps ≤ log(L0/target) / (−2 log rate) + 1.
    expect(d.steps).toBeLessThanOrEqual(Math.ceil(Math.log(1 / 1e-12) / (-2 * Math.log(rate))) + 1);
    expect(d.path[0]).toMatchObject({ step: 0, w1: 0, w2: 0 });
    expect(d.path[d.path.length - 1]!.step).toBe(d.steps);
  });
});

describe('error-surface, quick', () => {
  it('standardized features need far fewer steps to the same loss', async () => {
    const result = await runQuick(errorSurface);
    expect(result.rows).toHaveLength(6);
    expectHolds(result, 'standardized-needs-fewer-steps');
    expectHolds(result, 'standardized-is-better-conditioned');
    // Both start from the same loss and stop at the same target.
    for (const seed of [1, 2, 3]) {
      const [raw, std] = result.rows.filter((r) => r.seed === seed);
      expect(raw!.targetLoss).toBe(std!.targetLoss);
      expect(raw!.path[0]!.loss).toBeCloseTo(std!.path[0]!.loss, 6);
      expect(raw!.reached).toBe(true);
    }
    await expectFigure(errorSurface, result, 'Gradient descent on raw vs standardized features');
  });
});
