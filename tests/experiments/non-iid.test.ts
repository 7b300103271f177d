import { describe, expect, it } from 'vitest';
import { nonIid } from '../../src/experiments/non-iid.ts';
import { expectFigure, expectHolds, runQuick } from './helpers.ts';

describe('non-iid, quick', () => {
  it('local BN degrades under label skew; SyncBN, GroupNorm and Batch Renorm do not (as much)', async () => {
    const result = await runQuick(nonIid);
    // 3 shardings × 6 configurations × 2 seeds.
    expect(result.rows).toHaveLength(36);
    expectHolds(result, 'local-bn-degrades-under-label-skew');
    expectHolds(result, 'group-norm-unaffected-by-skew');
    expectHolds(result, 'renorm-better-than-local-bn-under-skew');
    expectHolds(result, 'running-stats-policy-matters-under-skew');
    // SyncBN and GroupNorm compute the same thing whatever the split of the global batch (up to
    // float rounding in the order of the sums): at most one test digit in 500 apart.
    for (const norm of ['sync-bn', 'group']) {
      const errors = result.rows
        .filter((r) => r.norm === norm && r.seed === 1)
        .map((r) => r.testError);
      expect(Math.max(...errors) - Math.min(...errors)).toBeLessThanOrEqual(0.002 + 1e-9);
    }
    await expectFigure(nonIid, result, 'Label-skewed shards');
  });
});
