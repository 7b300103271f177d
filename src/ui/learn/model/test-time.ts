import { parseConfig, type RunConfig } from '../../../config/schema.ts';
import type { EvalRow } from '../../../coordinator/run-types.ts';

/** The momentum choices of step 4 (PyTorch's default is 0.1). */
export const MOMENTA = [0.01, 0.1, 0.5] as const;

/** The smallest test batch BN can normalize by itself: a batch of one would be all zeros. */
export const SMALL_TEST_BATCH = 2;

/**
 * Step 4's small run: the 3-arm spiral, an MLP with BN, one device, 200 steps, evaluated every 10
 * with running statistics (`running`) or with each test batch of SMALL_TEST_BATCH normalized by
 * itself (`batch`). Same seed, so both modes train the same weights; only the test differs.
 */
export function testTimeConfig(momentum: number, evalMode: 'running' | 'batch'): RunConfig {
  return parseConfig({
    seed: 1,
    dataset: { name: 'spiral', train: 1200, test: 300, classes: 3, noise: 0.1 },
    model: { preset: 'mlp', hidden: [32, 32], norm: 'batch', normOptions: { momentum } },
    devices: 1,
    perDeviceBatch: 16,
    optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 },
    steps: 200,
    evalEvery: 10,
    evalMode,
    // The widget draws no per-step telemetry: record a little, so the events the page receives
    // stay small.
    telemetryEvery: 50,
    ...(evalMode === 'batch' ? { evalBatch: SMALL_TEST_BATCH } : {}),
  });
}

export interface StatPoint {
  readonly step: number;
  readonly running: number;
  readonly population: number;
}

export interface StatCurve {
  /** The BN layer followed (the first one with running statistics), or null before any eval. */
  readonly layer: string | null;
  readonly points: StatPoint[];
}

/**
 * Channel 0 of the first BN layer at each evaluation: the running statistic the model tests with
 * next to the population statistic of the same input (EvalRow.population). Rows without
 * population statistics (none recorded) are left out.
 */
export function runningVsPopulation(
  rows: readonly EvalRow[],
  statistic: 'mean' | 'variance',
): StatCurve {
  const layer =
    rows
      .map((r) => Object.keys(r.population ?? {}).sort()[0])
      .find((l): l is string => l !== undefined) ?? null;
  if (layer === null) return { layer, points: [] };
  const points: StatPoint[] = [];
  for (const row of rows) {
    const p = row.population?.[layer];
    if (!p) continue;
    const running = statistic === 'mean' ? p.runningMean[0] : p.runningVar[0];
    const population = statistic === 'mean' ? p.mean[0] : p.variance[0];
    if (running === undefined || population === undefined) continue;
    points.push({ step: row.step, running, population });
  }
  return { layer, points };
}

/** Mean |running − population| over the curve's points (NaN when it has none). */
export function meanGap(points: readonly StatPoint[]): number {
  if (points.length === 0) return Number.NaN;
  return points.reduce((s, p) => s + Math.abs(p.running - p.population), 0) / points.length;
}

/**
 * Noise: the mean |step-to-step change| of the running statistic minus that of the population
 * statistic (≥ 0 when the running one jumps around more than what it tracks; NaN under 2 points).
 */
export function excessWobble(points: readonly StatPoint[]): number {
  if (points.length < 2) return Number.NaN;
  let run = 0;
  let pop = 0;
  for (let i = 1; i < points.length; i++) {
    run += Math.abs(points[i]!.running - points[i - 1]!.running);
    pop += Math.abs(points[i]!.population - points[i - 1]!.population);
  }
  return (run - pop) / (points.length - 1);
}

/** The y range that shows both curves with a margin (a flat curve gets a unit-wide range). */
export function valueRange(points: readonly StatPoint[]): [number, number] {
  const values = points.flatMap((p) => [p.running, p.population]);
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}
