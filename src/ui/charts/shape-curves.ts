import type uPlot from 'uplot';
import type { EvalRow, TrainRow } from '../../coordinator/run-types.ts';
import { finiteOrNull, lastPresent, nullColumn } from './shape-common.ts';

export interface CurveRun {
  readonly id: string;
  readonly label: string;
  readonly train: readonly TrainRow[];
  readonly eval: readonly EvalRow[];
}

export type CurveMetric = 'loss' | 'acc';

export interface CurvePoint {
  readonly step: number;
  readonly value: number;
}

export interface CurveLatest {
  readonly id: string;
  readonly label: string;
  readonly train: CurvePoint | null;
  readonly eval: CurvePoint | null;
}

export interface ShapedCurves {
  /** [steps, run0 train, run0 eval, run1 train, run1 eval, ...] */
  readonly data: uPlot.AlignedData;
  readonly latest: readonly CurveLatest[];
}

/**
 * Puts every run's train and eval rows on one x axis: the sorted union of all their steps, with
 * null wherever a series has no row at that step (eval rows are sparse, runs may differ in length).
 * Non-finite values become null; when a step repeats within a series the last row wins.
 */
export function shapeCurves(runs: readonly CurveRun[], metric: CurveMetric): ShapedCurves {
  const stepSet = new Set<number>();
  for (const run of runs) {
    for (const r of run.train) stepSet.add(r.step);
    for (const r of run.eval) stepSet.add(r.step);
  }
  const steps = [...stepSet].sort((a, b) => a - b);
  const at = new Map<number, number>();
  for (const [i, step] of steps.entries()) at.set(step, i);

  const columns: (number | null)[][] = [];
  const latest: CurveLatest[] = [];
  for (const run of runs) {
    const train = nullColumn(steps.length);
    const evalCol = nullColumn(steps.length);
    // Every row's step is in `at`: the steps were collected from these very rows above.
    for (const r of run.train) train[at.get(r.step)!] = finiteOrNull(r[metric]);
    for (const r of run.eval) evalCol[at.get(r.step)!] = finiteOrNull(r[metric]);
    columns.push(train, evalCol);
    latest.push({
      id: run.id,
      label: run.label,
      train: point(steps, train),
      eval: point(steps, evalCol),
    });
  }
  return { data: [steps, ...columns], latest };
}

function point(steps: readonly number[], column: readonly (number | null)[]): CurvePoint | null {
  const last = lastPresent(column);
  const step = last ? steps[last.index] : undefined;
  return last && step !== undefined ? { step, value: last.value } : null;
}
