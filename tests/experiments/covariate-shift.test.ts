import { describe, expect, it } from 'vitest';
import { covariateShift } from '../../src/experiments/covariate-shift.ts';
import { check, expectFigure, expectHolds, runQuick } from './helpers.ts';

describe('covariate-shift (Ioffe & Szegedy 2015, Fig. 1), quick', () => {
  it('BN trains faster and keeps the sigmoid inputs’ distribution stable', async () => {
    const result = await runQuick(covariateShift);
    expect(result.rows).toHaveLength(4);
    for (const row of result.rows) {
      expect(row.curve[0]!.step).toBe(0);
      expect(row.curve[row.curve.length - 1]!.step).toBe(1000);
      for (const p of row.curve) expect(p.p15).toBeLessThanOrEqual(p.p85);
    }
    expectHolds(result, 'bn-trains-faster');
    expectHolds(result, 'bn-ends-higher');
    expectHolds(result, 'bn-inputs-drift-less');
    // Does NOT hold, and is not asserted: BN's 15th–85th band is WIDER (≈ 3 vs 1.4), because BN
    // sets the inputs' spread to γ ≈ 1 while the plain network's inputs start bunched together
    // (small weights) and only spread out as they drift. The paper's claim is stability, not width.
    const band = check(result, 'bn-band-narrower');
    expect(band.values.withBn).toBeGreaterThan(0);
    await expectFigure(covariateShift, result, 'BN paper');
  });
});
