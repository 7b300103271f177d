import type { Moments } from '../core/norm/moments.ts';
import type { Device } from './device.ts';
import type { BnMomentsReport, RunningStatsReport } from './reports.ts';

/**
 * The per-device BN moments of one training step, captured as the merges see them when the
 * coordinator asks for telemetry (nothing is kept otherwise).
 */
export class MomentsTelemetry {
  private reports: BnMomentsReport[] | null = null;

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
  ): void {
    if (!this.reports) return;
    for (let i = 0; i < moments.length; i++) {
      this.reports.push({ layer, rank: devices[i]!.rank, moments: moments[i]!, used: used[i]! });
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
