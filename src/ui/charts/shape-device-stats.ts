import type uPlot from 'uplot';
import type { BnLayerTelemetry } from '../../coordinator/telemetry.ts';
import { finiteOrNull, nullColumn } from './shape-common.ts';

export type BatchStat = 'mean' | 'var';

export interface DeviceStatsLatest {
  readonly step: number;
  /** Per device, null where the device reported nothing at that step. */
  readonly devices: readonly (number | null)[];
  readonly global: number | null;
  readonly running: number | null;
  /** Max minus min over the devices that reported: how far local statistics disagree. */
  readonly spread: number | null;
}

export interface ShapedDeviceStats {
  /** [steps, device 0, ..., device K−1, global batch, running] */
  readonly data: uPlot.AlignedData;
  /** The BN channel the tracked index refers to. */
  readonly channel: number;
  readonly latest: DeviceStatsLatest | null;
}

/**
 * One tracked channel's batch statistic per device, the global batch's and device 0's running
 * statistic, step by step. `trackedIndex` indexes `layer.channels` (the [step][device][tracked
 * channel] arrays), not the BN layer's channels. Returns null when the index is not tracked.
 */
export function shapeDeviceStats(
  layer: BnLayerTelemetry,
  devices: number,
  trackedIndex: number,
  stat: BatchStat,
): ShapedDeviceStats | null {
  const channel = Number.isInteger(trackedIndex) ? layer.channels[trackedIndex] : undefined;
  if (channel === undefined) return null;
  const perDevice = stat === 'mean' ? layer.deviceMean : layer.deviceVar;
  const global = stat === 'mean' ? layer.globalMean : layer.globalVar;
  const running = stat === 'mean' ? layer.runningMean : layer.runningVar;
  const n = layer.step.length;
  const deviceCols = Array.from({ length: devices }, () => nullColumn(n));
  // Below, k < devices = deviceCols.length and s < n = every column's length.
  const globalCol = nullColumn(n);
  const runningCol = nullColumn(n);
  for (let s = 0; s < n; s++) {
    // Rows can be sparse (a device that reported nothing) or null after a JSON round trip.
    const row = perDevice[s];
    for (let k = 0; k < devices; k++) deviceCols[k]![s] = finiteOrNull(row?.[k]?.[trackedIndex]);
    globalCol[s] = finiteOrNull(global[s]?.[trackedIndex]);
    runningCol[s] = finiteOrNull(running[s]?.[trackedIndex]);
  }
  const last = n - 1;
  const lastStep = layer.step[last];
  const latest =
    lastStep === undefined
      ? null
      : latestOf(
          lastStep,
          deviceCols.map((c) => c[last] ?? null),
          globalCol[last] ?? null,
          runningCol[last] ?? null,
        );
  return {
    data: [layer.step.slice(), ...deviceCols, globalCol, runningCol],
    channel,
    latest,
  };
}

function latestOf(
  step: number,
  devices: (number | null)[],
  global: number | null,
  running: number | null,
): DeviceStatsLatest {
  const present = devices.filter((v): v is number => v !== null);
  const spread = present.length > 0 ? Math.max(...present) - Math.min(...present) : null;
  return { step, devices, global, running, spread };
}
