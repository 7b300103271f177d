import { describe, expect, it } from 'vitest';
import { probeCovariateShift } from '../../../src/experiments/covariate-shift.ts';
import {
  meanGap,
  runningVsPopulation,
  testTimeConfig,
} from '../../../src/ui/learn/model/test-time.ts';
import { trainResolved } from '../../coordinator/harness.ts';
import { testEnv } from '../../experiments/helpers.ts';

/*
 * The Learn view's steps 4 and 5 train these small configurations in the page's workers; here
 * the same configurations train in this process, so what the widgets show is pinned down: the
 * running statistics lag the population more at momentum 0.01 than at 0.1, test batches of two
 * normalized by themselves lose accuracy, and BN's percentiles move less than without BN.
 */
describe('the Learn view’s small trainings', () => {
  it('step 4: momentum 0.01 lags behind the population mean; batches of 2 test worse', async () => {
    const slow = await trainResolved(testTimeConfig(0.01, 'running'), 'in-process');
    const usual = await trainResolved(testTimeConfig(0.1, 'running'), 'in-process');
    const batch = await trainResolved(testTimeConfig(0.1, 'batch'), 'in-process');
    const gap = (r: typeof slow) => meanGap(runningVsPopulation(r.result.eval, 'mean').points);
    expect(runningVsPopulation(usual.result.eval, 'mean').points).toHaveLength(20);
    expect(gap(slow)).toBeGreaterThan(gap(usual));
    expect(usual.result.final.testAcc).toBeGreaterThan(batch.result.final.testAcc + 0.1);
    // Same seed, same training: only the test normalizes differently.
    expect(batch.params).toEqual(usual.params);
  }, 120_000);

  it('step 5: with BN the sigmoid input’s percentiles move less than without', async () => {
    const ctx = { env: testEnv(), progress: () => {}, shouldStop: () => false };
    const options = { seed: 1, steps: 300, probeEvery: 10, lr: 0.5, train: 2000, test: 300 };
    const none = await probeCovariateShift({ ...options, norm: 'none' }, ctx);
    const bn = await probeCovariateShift({ ...options, norm: 'batch' }, ctx);
    expect(none.curve).toHaveLength(31);
    expect(bn.curve[30]!.step).toBe(300);
    expect(bn.drift).toBeLessThan(none.drift);
  }, 120_000);
});
