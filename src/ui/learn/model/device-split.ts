import { channelLayout } from '../../../core/norm/channel-layout.ts';
import { computeLocalMoments } from '../../../core/norm/local-moments.ts';
import { biasedVariance, mergeMoments } from '../../../core/norm/merge.ts';
import { emptyMoments, type Moments } from '../../../core/norm/moments.ts';
import { Rng } from '../../../core/rng.ts';
import { tensor } from '../../../core/tensor.ts';

/**
 * Step 7's numbers: one feature's values for a global batch, split over K devices in order (as
 * the app shards a batch: consecutive slices). Each device's moments come from BN's first phase
 * (computeLocalMoments); the global ones from merging them (mergeMoments, Chan), as SyncBN's
 * all-gather does. Local BN normalizes each slice with its own mean; SyncBN every slice with the
 * global one.
 */
export const GLOBAL_BATCH = 16;
export const DEVICE_CHOICES = [1, 2, 4, 8] as const;

/** The batch: GLOBAL_BATCH seeded values around 2 with spread 1 (a hidden unit's pre-activation). */
export function makeGlobalBatch(seed = 1, size = GLOBAL_BATCH): Float32Array {
  const rng = Rng.stream(seed, 'learn/device-split');
  return Float32Array.from({ length: size }, () => 2 + rng.normal());
}

export interface DeviceStats {
  /** The device's slice of the batch. */
  readonly values: Float32Array;
  readonly mean: number;
  /** Biased variance (BN's σ²_B). */
  readonly variance: number;
}

export interface DeviceSplit {
  readonly devices: readonly DeviceStats[];
  readonly globalMean: number;
  readonly globalVariance: number;
}

function momentsOf(values: Float32Array): Moments {
  const layout = channelLayout(tensor([values.length, 1], values), 1, 'learn/device-split');
  return computeLocalMoments(values, layout, Math.max(1, values.length), emptyMoments(1, 1));
}

/** The batch over `k` devices (k must divide its length: equal slices, as 16 over 1, 2, 4, 8). */
export function splitOverDevices(batch: Float32Array, k: number): DeviceSplit {
  if (!Number.isInteger(k) || k < 1 || batch.length % k !== 0) {
    throw new Error(
      `devices must be a whole number that divides the batch of ${batch.length}, got ${k}`,
    );
  }
  const per = batch.length / k;
  const parts: Moments[] = [];
  const devices: DeviceStats[] = [];
  for (let d = 0; d < k; d++) {
    const values = batch.slice(d * per, (d + 1) * per);
    const m = momentsOf(values);
    parts.push(m);
    devices.push({ values, mean: m.mean[0]!, variance: biasedVariance(m, 0) });
  }
  const merged = mergeMoments(parts);
  return { devices, globalMean: merged.mean[0]!, globalVariance: biasedVariance(merged, 0) };
}
