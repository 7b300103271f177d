import { describe, expect, it } from 'vitest';
import { testTime } from '../../src/experiments/test-time.ts';
import { expectFigure, expectHolds, runQuick } from './helpers.ts';

describe('test-time (Wu & Johnson 2021), quick', () => {
  it('PreciseBN beats the EMA at per-device batch 2 and matches it at 32', async () => {
    const result = await runQuick(testTime);
    // 4 batches × 2 seeds × (2 EMA momenta + PreciseBN + batch statistics).
    expect(result.rows).toHaveLength(32);
    // Every evaluation of one trained model shares its training error.
    for (const b of [2, 32]) {
      const same = result.rows.filter((r) => r.perDeviceBatch === b && r.seed === 1);
      expect(new Set(same.map((r) => r.trainError)).size).toBe(1);
    }
    // At batch 2 PreciseBN's error is ~3 points below the better EMA (53.6% vs 56.4%, 59.4%).
    expectHolds(result, 'precise-gap-smaller-than-ema-at-smallest');
    expectHolds(result, 'precise-close-to-ema-at-largest');
    // Not asserted (they do not reproduce with an MLP, see the README): the gap is NEGATIVE at
    // batch 2, since training with 2-sample statistics leaves even the training batches 73%
    // misclassified; and test-time batch statistics do not help there (70% error), because an MLP
    // normalizes each feature over only 2 values, where a ResNet has 2·H·W.
    await expectFigure(testTime, result, 'Which statistics normalize at test time');
  });
});
