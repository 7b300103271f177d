import type { Moments } from '../core/norm/moments.ts';
import type { Device } from './device.ts';
import { statisticNoise } from '../core/norm/statistic-noise.ts';
import { type BnMomentsReport, type RunningStatsReport, TRACKED_CHANNELS } from './reports.ts';

/**
 * The per-device BN moments of one training step, captured as the merges see them when the
 * coordinator asks for telemetry (nothing is kept otherwise).
 */
export class MomentsTelemetry {
  private reports: BnMomentsReport[] | null = null;
  private spread = new Float64Array(0);

  /** Start a step: capture its moments only when `record`. */
  beginStep(record: boolean): void {
    this.reports = record ? [] : null;
  }

  /**
   * Layer `layer`'s moments, `moments[i]` being `devices[i]`'s own batch's and `used[i]` those it
   * normalized with (the merge's answer).
   */
  record(
    layer: string,
    devices: readonly Device[],
    moments: readonly Moments[],
    used: readonly Moments[],
    /** The merge spans every device of the run: `used` are the global moments. */
    global: boolean,
  ): void {
    if (!this.reports) return;
    for (let i = 0; i < moments.length; i++) {
      const own = moments[i]!;
      const rank = devices[i]!.rank;
      if (global && own.groups === 1 && used[i]!.groups === 1) {
        // The noise over every channel here, where the global moments are; only the tracked
        // channels travel (the coordinator's work and the report shrink with the layer's width).
        if (this.spread.length < own.channels) this.spread = new Float64Array(own.channels);
        const noise = statisticNoise(own, used[i]!, this.spread);
        this.reports.push({ layer, rank, moments: trackedPart(own), used: used[i]!, noise });
      } else {
        this.reports.push({ layer, rank, moments: own, used: used[i]! });
      }
    }
  }

  /** Whether this step records (so the merge need not collect what nobody reads). */
  get recording(): boolean {
    return this.reports !== null;
  }

  /** What this step captured (empty when it did not record). */
  captured(): BnMomentsReport[] {
    return this.reports ?? [];
  }
}

/** The first TRACKED_CHANNELS channels of one-group moments, copied. */
function trackedPart(m: Moments): Moments {
  const t = Math.min(TRACKED_CHANNELS, m.channels);
  return {
    groups: 1,
    channels: t,
    count: m.count.slice(0, 1),
    mean: m.mean.slice(0, t),
    m2: m.m2.slice(0, t),
  };
}

/** Device 0's running mean and variance per BN layer (Batch Renorm keeps a std: squared here). */
export function runningStatsOf(device: Device): RunningStatsReport[] {
  const byName = new Map(device.buffers.map((b) => [b.name, b.value]));
  const out: RunningStatsReport[] = [];
  for (const layer of device.batchLayers) {
    const mean = byName.get(`${layer.name}.running_mean`);
    const variance = byName.get(`${layer.name}.running_var`);
    const std = byName.get(`${layer.name}.running_std`);
    if (!mean) continue;
    if (variance) out.push({ layer: layer.name, mean: mean.slice(), variance: variance.slice() });
    else if (std)
      out.push({ layer: layer.name, mean: mean.slice(), variance: std.map((s) => s * s) });
  }
  return out;
}
