import { describe, expect, it } from 'vitest';
import type { PopulationStats } from '../../../src/coordinator/population.ts';
import type { EvalRow } from '../../../src/coordinator/run-types.ts';
import { shapeMismatch, shapePopulation } from '../../../src/ui/charts/shape-population.ts';
import { shapeUsedStats } from '../../../src/ui/charts/shape-used-stats.ts';
import { layerTelemetry } from './fixtures.ts';

const pop = (step: number, over: Partial<PopulationStats> = {}): PopulationStats => ({
  channels: [0, 1],
  samples: 1024,
  mean: [step, -step],
  variance: [2 * step, 1],
  runningMean: [step + 0.5, -step],
  runningVar: [2 * step, 4],
  meanGap: step / 100,
  varGap: step / 10,
  ...over,
});

describe('what each device normalizes with, shaped for the charts', () => {
  it('puts each device own and used statistic of the tracked channel in columns', () => {
    const layer = {
      ...layerTelemetry([1, 2], 3, 2),
      // Sync: every device used the same statistic.
      usedMean: [1, 2].map((s) => [0, 1, 2].map(() => [1000 * s, 1000 * s + 1])),
    };
    const shaped = shapeUsedStats(layer, 3, 1, 'mean')!;
    expect(shaped.channel).toBe(2);
    expect(shaped.recorded).toBe(true);
    expect(shaped.data[0]).toEqual([1, 2]);
    expect(shaped.data.slice(1, 4)).toEqual([
      [101, 201],
      [111, 211],
      [121, 221],
    ]);
    expect(shaped.data.slice(4)).toEqual([
      [1001, 2001],
      [1001, 2001],
      [1001, 2001],
    ]);
    expect(shaped.latest).toMatchObject({ step: 2, usedSpread: 0, ownSpread: 20 });
    expect(shapeUsedStats(layer, 3, 5, 'mean')).toBeNull();
  });

  it('says a run saved before the used statistic was recorded has none', () => {
    const layer = { ...layerTelemetry([1, 2], 2, 1), usedMean: [[], []], usedVar: [[], []] };
    const shaped = shapeUsedStats(layer, 2, 0, 'var')!;
    expect(shaped.recorded).toBe(false);
    expect(shaped.latest?.usedSpread).toBeNull();
  });

  it('running against population per evaluation, with their distance as a line', () => {
    const evals: EvalRow[] = [
      { step: 10, loss: 1, acc: 0.5, population: { bn1: pop(10) } },
      { step: 15, loss: 1, acc: 0.5 }, // saved before population was recorded: skipped
      { step: 20, loss: 1, acc: 0.5, population: { bn1: pop(20) } },
    ];
    const mean = shapePopulation(evals, 'bn1', 0, 'mean')!;
    expect(mean.data).toEqual([
      [10, 20],
      [10, 20],
      [10.5, 20.5],
      [0.5, 0.5],
    ]);
    expect(mean.latest).toMatchObject({ step: 20, difference: 0.5, gap: 0.2, samples: 1024 });
    const variance = shapePopulation(evals, 'bn1', 1, 'var')!;
    expect(variance.data[3]).toEqual([3, 3]);
    expect(variance.latest?.gap).toBe(2);
    expect(shapePopulation(evals, 'bn2', 0, 'mean')).toBeNull();
    expect(shapePopulation([], 'bn1', 0, 'mean')).toBeNull();
  });

  it('puts every run mismatch on one step axis, runs without data left out', () => {
    const shaped = shapeMismatch(
      [
        {
          id: 'a',
          label: 'local BN',
          eval: [10, 20].map((s) => ({ step: s, loss: 1, acc: 0, population: { bn1: pop(s) } })),
        },
        {
          id: 'b',
          label: 'SyncBN',
          eval: [20, 30].map((s) => ({
            step: s,
            loss: 1,
            acc: 0,
            population: { bn1: pop(s, { varGap: 0.01 }) },
          })),
        },
        { id: 'c', label: 'old run', eval: [{ step: 10, loss: 1, acc: 0 }] },
      ],
      'bn1',
      'var',
    );
    expect(shaped.data).toEqual([
      [10, 20, 30],
      [1, 2, null],
      [null, 0.01, 0.01],
    ]);
    expect(shaped.runs).toEqual([
      { id: 'a', label: 'local BN', step: 20, latest: 2 },
      { id: 'b', label: 'SyncBN', step: 30, latest: 0.01 },
    ]);
  });
});
