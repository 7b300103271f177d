import type { Tensor } from '../tensor.ts';

/**
 * How a batch-statistic norm sees its input: [N, C] (one value per sample and channel) or
 * [N, C, H, W] (H·W values per sample and channel, stored contiguously in NCHW).
 */
export interface ChannelLayout {
  readonly batch: number;
  readonly channels: number;
  /** Values per sample and channel: 1 for [N, C], H·W for [N, C, H, W]. */
  readonly spatial: number;
}

export function channelLayout(x: Tensor, channels: number, who: string): ChannelLayout {
  const { shape } = x;
  if (shape.length !== 2 && shape.length !== 4) {
    throw new Error(`${who}: expected input [N, C] or [N, C, H, W], got [${shape.join(', ')}]`);
  }
  if (shape[1] !== channels) {
    throw new Error(`${who}: expected ${channels} channels, got input [${shape.join(', ')}]`);
  }
  const spatial = shape.length === 4 ? shape[2]! * shape[3]! : 1;
  return { batch: shape[0]!, channels, spatial };
}

/** Number of sample groups when each group holds `samplesPerGroup` consecutive samples (≥ 1). */
export function groupCount(batch: number, samplesPerGroup: number): number {
  return Math.max(1, Math.ceil(batch / samplesPerGroup));
}
