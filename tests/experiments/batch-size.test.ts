import { describe, expect, it } from 'vitest';
import { batchSize } from '../../src/experiments/batch-size.ts';
import { check, expectFigure, expectHolds, runQuick } from './helpers.ts';

describe('batch-size (Wu & He 2018, Fig. 1), quick', () => {
  it('local BN degrades at small per-device batch where SyncBN and GroupNorm do not', async () => {
    const result = await runQuick(batchSize);
    // 5 norms × 4 per-device batches × 2 seeds.
    expect(result.rows).toHaveLength(40);
    expect(result.seeds).toEqual([1, 2]);
    expectHolds(result, 'local-bn-worse-than-sync-at-smallest');
    expectHolds(result, 'local-bn-rises-more-than-group');
    expectHolds(result, 'sync-bn-flatter-than-local-bn');
    // Batch Renorm helps at batch 2 (36% vs 51% in the quick run): a 15-point margin.
    expectHolds(result, 'renorm-better-than-local-bn-at-smallest');
    // Not asserted: LayerNorm vs BN at batch 32 (7.5% vs 6.8%) is within the seed-to-seed
    // spread of 500 test digits; the check is reported, not relied on.
    expect(check(result, 'layer-worse-than-bn-at-largest').values.layerPercent).toBeGreaterThan(0);
    await expectFigure(batchSize, result, 'Test error vs per-device batch');
  });
});
