import type uPlot from 'uplot';
import type { EvalRow } from '../../coordinator/run-types.ts';
import { finiteOrNull, nullColumn } from './shape-common.ts';
import type { BatchStat } from './shape-device-stats.ts';

export interface PopulationLatest {
  readonly step: number;
  readonly population: number | null;
  readonly running: number | null;
  /** |running − population| for the channel. */
  readonly difference: number | null;
  /** Over all channels: meanGap (stat 'mean') or varGap (stat 'var'). */
  readonly gap: number | null;
  readonly samples: number;
}

export interface ShapedPopulation {
  /** [eval steps, population, running, |running − population|] */
  readonly data: uPlot.AlignedData;
  readonly channel: number;
  readonly latest: PopulationLatest | null;
}

/** The layer's population rows of a run's evaluations (rows without them are skipped). */
function rowsOf(evals: readonly EvalRow[], layer: string) {
  return evals.flatMap((r) => {
    const p = r.population?.[layer];
    return p ? [{ step: r.step, p }] : [];
  });
}

/** The first layer any evaluation reported population statistics for (the picker's default). */
export function firstPopulationLayer(evals: readonly EvalRow[]): string | null {
  for (const r of evals) {
    const name = Object.keys(r.population ?? {})[0];
    if (name !== undefined) return name;
  }
  return null;
}

/**
 * One run's running statistic of a tracked channel (what it tests with) against the population
 * statistic of the layer's input over the training set, weights frozen, at each evaluation; and
 * the distance between them. Null when no evaluation reported the layer or the index.
 */
export function shapePopulation(
  evals: readonly EvalRow[],
  layer: string,
  trackedIndex: number,
  stat: BatchStat,
): ShapedPopulation | null {
  const rows = rowsOf(evals, layer);
  const first = rows[0];
  const channel =
    first && Number.isInteger(trackedIndex) ? first.p.channels[trackedIndex] : undefined;
  if (channel === undefined) return null;
  const n = rows.length;
  const population = nullColumn(n);
  const running = nullColumn(n);
  const difference = nullColumn(n);
  rows.forEach(({ p }, i) => {
    const pop = finiteOrNull((stat === 'mean' ? p.mean : p.variance)[trackedIndex]);
    const run = finiteOrNull((stat === 'mean' ? p.runningMean : p.runningVar)[trackedIndex]);
    population[i] = pop;
    running[i] = run;
    difference[i] = pop !== null && run !== null ? Math.abs(run - pop) : null;
  });
  const lastRow = rows[n - 1]!;
  return {
    data: [rows.map((r) => r.step), population, running, difference],
    channel,
    latest: {
      step: lastRow.step,
      population: population[n - 1] ?? null,
      running: running[n - 1] ?? null,
      difference: difference[n - 1] ?? null,
      gap: finiteOrNull(stat === 'mean' ? lastRow.p.meanGap : lastRow.p.varGap),
      samples: lastRow.p.samples,
    },
  };
}

export interface MismatchRun {
  readonly id: string;
  readonly label: string;
  readonly eval: readonly EvalRow[];
}

export interface ShapedMismatch {
  /** [eval steps (union over runs), one gap column per run with data] */
  readonly data: uPlot.AlignedData;
  readonly runs: readonly {
    readonly id: string;
    readonly label: string;
    readonly latest: number | null;
    readonly step: number | null;
  }[];
}

/**
 * Several runs' train/test mismatch at each evaluation for one layer: over all its channels, how
 * far the running statistics sit from the population ones (meanGap: RMS of the mean's offset in
 * population σ; varGap: RMS of ln(running var / population var)). Runs without data are left out.
 */
export function shapeMismatch(
  runs: readonly MismatchRun[],
  layer: string,
  stat: BatchStat,
): ShapedMismatch {
  const withRows = runs
    .map((r) => ({ run: r, rows: rowsOf(r.eval, layer) }))
    .filter((r) => r.rows.length > 0);
  const steps = [...new Set(withRows.flatMap((r) => r.rows.map((x) => x.step)))].sort(
    (a, b) => a - b,
  );
  const at = new Map(steps.map((s, i) => [s, i]));
  const columns = withRows.map(({ rows }) => {
    const col = nullColumn(steps.length);
    for (const { step, p } of rows)
      col[at.get(step)!] = finiteOrNull(stat === 'mean' ? p.meanGap : p.varGap);
    return col;
  });
  return {
    data: [steps, ...columns],
    runs: withRows.map(({ run, rows }, i) => {
      const last = rows[rows.length - 1]!;
      return {
        id: run.id,
        label: run.label,
        step: last.step,
        latest: columns[i]![at.get(last.step)!] ?? null,
      };
    }),
  };
}
