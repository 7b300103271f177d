import { describe, expect, it } from 'vitest';
import { type CurveRun, shapeCurves } from '../../../src/ui/charts/shape-curves.ts';

const run = (
  id: string,
  train: [number, number, number][],
  evals: [number, number, number][],
): CurveRun => ({
  id,
  label: id.toUpperCase(),
  train: train.map(([step, loss, acc]) => ({ step, loss, acc })),
  eval: evals.map(([step, loss, acc]) => ({ step, loss, acc })),
});

describe('shapeCurves', () => {
  it('aligns eval points on the train x axis with nulls elsewhere', () => {
    const a = run(
      'a',
      [
        [1, 2.3, 0.1],
        [2, 2.0, 0.2],
        [3, 1.8, 0.3],
        [4, 1.5, 0.4],
      ],
      [
        [2, 2.1, 0.15],
        [4, 1.6, 0.35],
      ],
    );
    const { data, latest } = shapeCurves([a], 'loss');
    expect(data).toEqual([
      [1, 2, 3, 4],
      [2.3, 2.0, 1.8, 1.5],
      [null, 2.1, null, 1.6],
    ]);
    expect(latest).toEqual([
      { id: 'a', label: 'A', train: { step: 4, value: 1.5 }, eval: { step: 4, value: 1.6 } },
    ]);
  });

  it('puts runs of different lengths on the sorted union of their steps', () => {
    const a = run(
      'a',
      [
        [1, 1, 0.5],
        [3, 0.9, 0.6],
      ],
      [[3, 1.1, 0.55]],
    );
    const b = run(
      'b',
      [
        [2, 2, 0.25],
        [4, 1.9, 0.3],
        [5, 1.8, 0.35],
      ],
      [],
    );
    const { data, latest } = shapeCurves([a, b], 'acc');
    expect(data[0]).toEqual([1, 2, 3, 4, 5]);
    expect(data[1]).toEqual([0.5, null, 0.6, null, null]); // a train
    expect(data[2]).toEqual([null, null, 0.55, null, null]); // a eval
    expect(data[3]).toEqual([null, 0.25, null, 0.3, 0.35]); // b train
    expect(data[4]).toEqual([null, null, null, null, null]); // b eval
    expect(latest[1]).toEqual({ id: 'b', label: 'B', train: { step: 5, value: 0.35 }, eval: null });
  });

  it('turns non-finite values (a diverged loss) into gaps and keeps the last finite as latest', () => {
    const a = run(
      'a',
      [
        [1, 1, 0.5],
        [2, Number.NaN, 0.4],
        [3, Number.POSITIVE_INFINITY, 0.3],
      ],
      [],
    );
    const { data, latest } = shapeCurves([a], 'loss');
    expect(data[1]).toEqual([1, null, null]);
    expect(latest[0]?.train).toEqual({ step: 1, value: 1 });
  });

  it('accepts unsorted rows and lets a repeated step take the last row', () => {
    const a = run(
      'a',
      [
        [3, 0.3, 0],
        [1, 0.1, 0],
        [3, 0.33, 0],
      ],
      [],
    );
    expect(shapeCurves([a], 'loss').data).toEqual([
      [1, 3],
      [0.1, 0.33],
      [null, null],
    ]);
  });

  it('gives only an x column for no runs', () => {
    expect(shapeCurves([], 'loss')).toEqual({ data: [[]], latest: [] });
  });
});
