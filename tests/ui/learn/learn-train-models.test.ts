import { describe, expect, it } from 'vitest';
import type { EvalRow } from '../../../src/coordinator/run-types.ts';
import type { PopulationStats } from '../../../src/coordinator/population.ts';
import type { CovariateProbe } from '../../../src/experiments/covariate-shift.ts';
import { LatestTraining } from '../../../src/ui/learn/latest-training.ts';
import {
  lastStep,
  percentileDrift,
  percentilePoints,
  sharedRange,
} from '../../../src/ui/learn/model/percentile-lines.ts';
import {
  excessWobble,
  meanGap,
  runningVsPopulation,
  SMALL_TEST_BATCH,
  testTimeConfig,
  valueRange,
} from '../../../src/ui/learn/model/test-time.ts';

function stats(runningMean: number, mean: number, runningVar = 1, variance = 1): PopulationStats {
  return {
    channels: [0],
    samples: 1024,
    mean: [mean],
    variance: [variance],
    runningMean: [runningMean],
    runningVar: [runningVar],
    meanGap: 0,
    varGap: 0,
  };
}

describe('step 4: running against population statistics', () => {
  const rows: EvalRow[] = [
    { step: 10, loss: 1, acc: 0.3 },
    { step: 20, loss: 1, acc: 0.4, population: { bn2: stats(9, 9), bn1: stats(0.1, 1, 0.5, 2) } },
    { step: 30, loss: 1, acc: 0.5, population: { bn1: stats(0.6, 1.2, 1.5, 2.5) } },
  ];

  it('follows channel 0 of the first BN layer, skipping evaluations without population statistics', () => {
    const mean = runningVsPopulation(rows, 'mean');
    expect(mean.layer).toBe('bn1');
    expect(mean.points).toEqual([
      { step: 20, running: 0.1, population: 1 },
      { step: 30, running: 0.6, population: 1.2 },
    ]);
    expect(runningVsPopulation(rows, 'variance').points).toEqual([
      { step: 20, running: 0.5, population: 2 },
      { step: 30, running: 1.5, population: 2.5 },
    ]);
    expect(runningVsPopulation([rows[0]!], 'mean')).toEqual({ layer: null, points: [] });
  });

  it('measures the lag (mean gap) and the excess wobble of the running statistic', () => {
    const points = runningVsPopulation(rows, 'mean').points;
    expect(meanGap(points)).toBeCloseTo((0.9 + 0.6) / 2, 12);
    // running moved 0.5, the population 0.2: 0.3 more per evaluation.
    expect(excessWobble(points)).toBeCloseTo(0.3, 12);
    expect(meanGap([])).toBeNaN();
    expect(excessWobble(points.slice(0, 1))).toBeNaN();
  });

  it('gives a y range around both curves, and a unit one for a flat or empty curve', () => {
    const [lo, hi] = valueRange(runningVsPopulation(rows, 'mean').points);
    expect(lo).toBeLessThan(0.1);
    expect(hi).toBeGreaterThan(1.2);
    expect(valueRange([])).toEqual([0, 1]);
    const flat = valueRange([{ step: 1, running: 2, population: 2 }]);
    expect(flat[1] - flat[0]).toBeGreaterThan(0.9);
  });

  it('builds valid configs that differ only in how the test set is normalized', () => {
    const running = testTimeConfig(0.01, 'running');
    const batch = testTimeConfig(0.01, 'batch');
    expect(running.model.normOptions.momentum).toBe(0.01);
    expect(running.evalMode).toBe('running');
    expect(batch.evalMode).toBe('batch');
    expect(batch.evalBatch).toBe(SMALL_TEST_BATCH);
    expect({ ...batch, evalMode: 'running', evalBatch: running.evalBatch }).toEqual(running);
  });
});

describe('step 5: percentile lines', () => {
  const probe = (step: number, p15: number, p50: number, p85: number): CovariateProbe => ({
    step,
    testAccuracy: 0.5,
    p15,
    p50,
    p85,
  });
  const a = [probe(0, -1, 0, 1), probe(10, -2, 0, 3)];
  const b = [probe(0, -0.5, 0, 0.5), probe(20, -0.5, 0.1, 0.6)];

  it('shares one y range over both panels, at least −1…1, and the x axis ends at the last step', () => {
    const [lo, hi] = sharedRange([a, b]);
    expect(lo).toBeLessThan(-2);
    expect(hi).toBeGreaterThan(3);
    expect(sharedRange([])).toEqual([-1, 1]);
    expect(lastStep([a, b])).toBe(20);
    expect(lastStep([[]])).toBe(1);
  });

  it('draws each percentile through the pixel maps and measures its drift', () => {
    expect(
      percentilePoints(
        a,
        'p85',
        (s) => s * 2,
        (v) => -v,
      ),
    ).toBe('0.0,-1.0 20.0,-3.0');
    // p15 moved 1, p50 0, p85 2: on average 1.
    expect(percentileDrift(a)).toBeCloseTo(1, 12);
    expect(percentileDrift([])).toBeNaN();
  });
});

describe('LatestTraining', () => {
  it('terminates the previous training when a new one starts, and only the newest counts', () => {
    const ended: string[] = [];
    const handle = (name: string) => ({ terminate: () => ended.push(name) });
    const training = new LatestTraining<{ terminate(): void }>();
    const first = training.start(() => [handle('a1'), handle('a2')]);
    expect(first.isCurrent()).toBe(true);
    const second = training.start(() => [handle('b')]);
    expect(ended).toEqual(['a1', 'a2']);
    expect(first.isCurrent()).toBe(false);
    expect(second.isCurrent()).toBe(true);
    training.finish(first.isCurrent); // a stale training finishing changes nothing
    expect(second.isCurrent()).toBe(true);
    training.finish(second.isCurrent);
    expect(ended).toEqual(['a1', 'a2', 'b']);
    training.disconnect();
    expect(ended).toHaveLength(3);
  });
});
