import type uPlot from 'uplot';
import type { BnLayerTelemetry } from '../../coordinator/telemetry.ts';
import { finiteOrNull, nullColumn } from './shape-common.ts';
import type { BatchStat } from './shape-device-stats.ts';

export interface UsedStatsLatest {
  readonly step: number;
  /** Per device: its own batch's statistic and the one it normalized with (null: not reported). */
  readonly own: readonly (number | null)[];
  readonly used: readonly (number | null)[];
  /** Max − min over devices of the statistic they normalized with: 0 when they all used one. */
  readonly usedSpread: number | null;
  /** Max − min over devices of their own batches' statistic. */
  readonly ownSpread: number | null;
}

export interface ShapedUsedStats {
  /** [steps, own 0…K−1, used 0…K−1] */
  readonly data: uPlot.AlignedData;
  readonly channel: number;
  /** False for runs saved before the used statistic was recorded (every row empty). */
  readonly recorded: boolean;
  readonly latest: UsedStatsLatest | null;
}

const spread = (values: readonly (number | null)[]): number | null => {
  const present = values.filter((v): v is number => v !== null);
  return present.length > 0 ? Math.max(...present) - Math.min(...present) : null;
};

/**
 * Per device, step by step, for one tracked channel: the statistic of its own batch and the one it
 * normalized with (its own under local BN, its group's under group:g, the global batch's under
 * sync). `trackedIndex` indexes `layer.channels`; null when that index is not tracked.
 */
export function shapeUsedStats(
  layer: BnLayerTelemetry,
  devices: number,
  trackedIndex: number,
  stat: BatchStat,
): ShapedUsedStats | null {
  const channel = Number.isInteger(trackedIndex) ? layer.channels[trackedIndex] : undefined;
  if (channel === undefined) return null;
  const ownRows = stat === 'mean' ? layer.deviceMean : layer.deviceVar;
  const usedRows = stat === 'mean' ? layer.usedMean : layer.usedVar;
  const n = layer.step.length;
  const own = Array.from({ length: devices }, () => nullColumn(n));
  const used = Array.from({ length: devices }, () => nullColumn(n));
  let recorded = false;
  for (let s = 0; s < n; s++) {
    const ownRow = ownRows[s];
    const usedRow = usedRows?.[s];
    if (usedRow && usedRow.length > 0) recorded = true;
    for (let k = 0; k < devices; k++) {
      own[k]![s] = finiteOrNull(ownRow?.[k]?.[trackedIndex]);
      used[k]![s] = finiteOrNull(usedRow?.[k]?.[trackedIndex]);
    }
  }
  const last = n - 1;
  const lastStep = layer.step[last];
  let latest: UsedStatsLatest | null = null;
  if (lastStep !== undefined) {
    const ownNow = own.map((c) => c[last] ?? null);
    const usedNow = used.map((c) => c[last] ?? null);
    latest = {
      step: lastStep,
      own: ownNow,
      used: usedNow,
      usedSpread: spread(usedNow),
      ownSpread: spread(ownNow),
    };
  }
  return { data: [layer.step.slice(), ...own, ...used], channel, recorded, latest };
}
