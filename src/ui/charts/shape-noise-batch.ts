import type uPlot from 'uplot';
import type { BnLayerTelemetry } from '../../coordinator/telemetry.ts';
import { pickLayer } from './shape-common.ts';
import type { NoiseKind } from './shape-noise.ts';

/** One run of a study, as the noise-against-batch chart needs it. */
export interface NoiseBatchRun {
  readonly id: string;
  readonly label: string;
  readonly perDeviceBatch: number;
  readonly bn: Readonly<Record<string, BnLayerTelemetry>> | null;
}

export interface NoiseBatchPoint {
  readonly id: string;
  readonly label: string;
  readonly batch: number;
  /** The run's mean over its recorded steps of the mean over devices of meanNoise (or varNoise). */
  readonly noise: number;
  readonly steps: number;
  /** c/√b at this run's batch; null when no reference could be fitted. */
  readonly reference: number | null;
}

export interface ShapedNoiseBatch {
  /** The runs that have the layer and at least one recorded step, in the order given. */
  readonly points: readonly NoiseBatchPoint[];
  /** c in c/√b, fitted to the points; null when no point is above 0 (one device has no noise). */
  readonly c: number | null;
  /** [batch grid, run 0, ..., run R−1, reference]: each run has its value at its batch only. */
  readonly data: uPlot.AlignedData;
}

/** Points of the reference curve between the smallest and largest batch (it is drawn as a line). */
const REFERENCE_POINTS = 24;

/**
 * The run's mean per-device noise: for each recorded step the mean over the devices that reported,
 * then the mean over those steps. Null when no step has a finite value.
 */
export function runMeanNoise(
  layer: BnLayerTelemetry,
  kind: NoiseKind,
): { readonly value: number; readonly steps: number } | null {
  const rows = kind === 'mean' ? layer.meanNoise : layer.varNoise;
  let total = 0;
  let steps = 0;
  for (const row of rows) {
    let sum = 0;
    let count = 0;
    for (const v of row ?? []) {
      if (typeof v === 'number' && Number.isFinite(v)) {
        sum += v;
        count++;
      }
    }
    if (count === 0) continue;
    total += sum / count;
    steps++;
  }
  return steps === 0 ? null : { value: total / steps, steps };
}

/**
 * The c of the reference c/√b that best fits the points in log space (least squares on
 * log y = log c − ½ log b): the geometric mean of y·√b. Points at or below 0 are left out (a
 * single device equals the global batch: no noise); null when none is left.
 */
export function fitInverseSqrt(points: readonly { batch: number; noise: number }[]): number | null {
  let sumLog = 0;
  let count = 0;
  for (const p of points) {
    if (!(p.noise > 0) || !(p.batch > 0)) continue;
    sumLog += Math.log(p.noise * Math.sqrt(p.batch));
    count++;
  }
  return count === 0 ? null : Math.exp(sumLog / count);
}

/**
 * Per-device statistic noise of several runs against their per-device batch, with c/√b fitted to
 * them: the x column is the runs' batches and a geometric grid between the smallest and largest
 * (for a smooth reference on a log axis), sorted and without repeats.
 */
export function shapeNoiseVsBatch(
  runs: readonly NoiseBatchRun[],
  layer: string,
  kind: NoiseKind,
): ShapedNoiseBatch {
  const measured: Omit<NoiseBatchPoint, 'reference'>[] = [];
  for (const run of runs) {
    if (!run.bn || !(run.perDeviceBatch > 0)) continue;
    const picked = pickLayer(run.bn, layer);
    if (!picked) continue;
    const mean = runMeanNoise(picked.data, kind);
    if (!mean) continue;
    measured.push({
      id: run.id,
      label: run.label,
      batch: run.perDeviceBatch,
      noise: mean.value,
      steps: mean.steps,
    });
  }
  const c = fitInverseSqrt(measured);
  const reference = (b: number): number | null => (c === null ? null : c / Math.sqrt(b));
  const points = measured.map((p) => ({ ...p, reference: reference(p.batch) }));
  if (points.length === 0) return { points, c, data: [[]] };
  const batches = points.map((p) => p.batch);
  const lo = Math.min(...batches);
  const hi = Math.max(...batches);
  const grid = new Set<number>(batches);
  if (hi > lo) {
    // Inner points only: lo·(hi/lo)^1 can miss hi by a rounding error and make a near-duplicate x.
    for (let i = 1; i < REFERENCE_POINTS; i++) {
      grid.add(lo * (hi / lo) ** (i / REFERENCE_POINTS));
    }
  }
  const xs = [...grid].sort((a, b) => a - b);
  const runColumns = points.map((p) => xs.map((x) => (x === p.batch ? p.noise : null)));
  const refColumn = xs.map(reference);
  return { points, c, data: [xs, ...runColumns, refColumn] };
}
