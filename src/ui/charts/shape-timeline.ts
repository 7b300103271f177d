import type uPlot from 'uplot';
import type { Telemetry } from '../../coordinator/telemetry.ts';

export interface DeviceTiming {
  readonly compute: number | null;
  readonly wait: number | null;
  /** wait / (compute + wait) */
  readonly waitShare: number | null;
}

export interface ShapedTimeline {
  /**
   * [device index, compute ms, compute + wait ms]: the second series is the top of a stacked bar
   * whose bottom is the first (a uPlot band), so each bar reads compute below, waiting above.
   */
  readonly data: uPlot.AlignedData;
  readonly devices: readonly DeviceTiming[];
  /** How many steps the averages cover (≤ the requested window). */
  readonly stepsAveraged: number;
  readonly firstStep: number | null;
  readonly lastStep: number | null;
  /** The latest step's counters; collective calls are per worker (the max over workers). */
  readonly collectiveCalls: number | null;
  readonly bytes: number | null;
  /** Averages over the same window. */
  readonly meanCollectiveCalls: number | null;
  readonly meanBytes: number | null;
}

/** Per device compute and collective-wait time ([step][device]) averaged over the last `window` steps. */
export function shapeTimeline(t: Telemetry, window: number): ShapedTimeline {
  const n = t.step.length;
  const w = Math.max(1, Math.floor(window));
  const from = Math.max(0, n - w);
  const K = t.devices;
  const devices: DeviceTiming[] = [];
  for (let k = 0; k < K; k++) {
    const compute = meanOver(t.computeMs, from, n, k);
    const wait = meanOver(t.waitMs, from, n, k);
    const total = (compute ?? 0) + (wait ?? 0);
    const waitShare = wait !== null && total > 0 ? wait / total : null;
    devices.push({ compute, wait, waitShare });
  }
  const x = Array.from({ length: K }, (_, k) => k);
  const computeCol = devices.map((d) => d.compute);
  const topCol = devices.map((d) =>
    d.compute === null && d.wait === null ? null : (d.compute ?? 0) + (d.wait ?? 0),
  );
  return {
    data: [x, computeCol, topCol],
    devices,
    stepsAveraged: n - from,
    firstStep: t.step[from] ?? null,
    lastStep: t.step[n - 1] ?? null,
    collectiveCalls: finiteAt(t.collectiveCalls, n - 1),
    bytes: finiteAt(t.bytes, n - 1),
    meanCollectiveCalls: meanOf(t.collectiveCalls, from, n),
    meanBytes: meanOf(t.bytes, from, n),
  };
}

function meanOver(rows: readonly number[][], from: number, to: number, k: number): number | null {
  let sum = 0;
  let count = 0;
  for (let s = from; s < to; s++) {
    const v = rows[s]?.[k];
    if (typeof v === 'number' && Number.isFinite(v)) {
      sum += v;
      count++;
    }
  }
  return count > 0 ? sum / count : null;
}

function meanOf(values: readonly number[], from: number, to: number): number | null {
  let sum = 0;
  let count = 0;
  for (let s = from; s < to; s++) {
    const v = values[s];
    if (typeof v === 'number' && Number.isFinite(v)) {
      sum += v;
      count++;
    }
  }
  return count > 0 ? sum / count : null;
}

function finiteAt(values: readonly number[], i: number): number | null {
  const v = values[i];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
