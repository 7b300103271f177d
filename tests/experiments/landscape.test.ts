import { describe, expect, it } from 'vitest';
import { landscape } from '../../src/experiments/landscape.ts';
import { check, expectFigure, expectHolds, runQuick } from './helpers.ts';

describe('landscape (Santurkar et al. 2018, Fig. 4), quick', () => {
  it('with BN the loss and the gradient vary less along the gradient', async () => {
    const result = await runQuick(landscape);
    expect(result.rows).toHaveLength(4);
    expectHolds(result, 'bn-loss-range-smaller');
    expectHolds(result, 'bn-gradient-changes-less');
    // Not asserted: the effective β-smoothness is NOT lower with BN over the quick run (mean
    // ≈ 12 vs 5), because the plain network spends its first ~200 steps on a flat plateau where
    // every gradient is small; the check reports the last third of training as context.
    expect(check(result, 'bn-beta-smaller').values.withBnLastThird).toBeGreaterThan(0);
    await expectFigure(landscape, result, 'Along the gradient');
  });
});
