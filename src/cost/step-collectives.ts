import type { ModelSpec } from './model-spec.ts';

/**
 * The collectives one training step issues, as PyTorch DDP + SyncBatchNorm issues them
 * (torch/nn/modules/_functions.py; torch/nn/parallel/distributed.py):
 *
 *   BN forward, per synchronized BN layer with C channels: ONE all_gather of 2C + 1 values per
 *     rank [mean(C), invstd(C), count(1)] within the layer's group of g ranks;
 *   BN backward, per such layer: ONE all_reduce (sum) of 2C values [Σdy, Σdy·(x − μ)] in the group;
 *   gradients: DDP's all_reduce of every parameter over all K ranks, in buckets filled in reverse
 *     layer order: the first bucket closes once it holds ≥ 1 MB, every later one at ≥ 25 MB
 *     (bucket_cap_mb); a layer's parameters are never split (DDP never splits a tensor; we keep
 *     a layer's weight and bias together).
 *   Local BN (g = 1), eval, or K = 1: no BN collective.
 *
 * Bytes per rank, values in float32 (4 bytes) by default:
 *   sent     = what the rank contributes (all_gather: 2C + 1 values; all_reduce: its vector)
 *   received = what the collective hands back (all_gather: g·(2C + 1); all_reduce: the vector)
 *   wire     = what crosses the rank's link under a ring (all_gather: (g − 1)·b;
 *              all_reduce: 2(g − 1)/g · n)
 */
export type CollectiveKindName = 'bnForward' | 'bnBackward' | 'gradients';

export interface PlannedCollective {
  readonly kind: CollectiveKindName;
  readonly op: 'all_gather' | 'all_reduce';
  /** Ranks taking part in one instance (g for BN, K for gradients). */
  readonly ranks: number;
  /** Values one rank contributes. */
  readonly values: number;
  /** The layer (BN) or the layers of a bucket, forward order index of its last layer. */
  readonly layerIndex: number;
}

export interface BucketOptions {
  readonly firstBucketBytes: number;
  readonly bucketBytes: number;
  readonly bytesPerValue: number;
}

export const DDP_BUCKETS: BucketOptions = {
  firstBucketBytes: 1024 * 1024,
  bucketBytes: 25 * 1024 * 1024,
  bytesPerValue: 4,
};

/** BN collectives of one step for a BN group of `group` ranks (1 = local BN: none). */
export function bnCollectives(model: ModelSpec, group: number): PlannedCollective[] {
  if (group <= 1) return [];
  const out: PlannedCollective[] = [];
  model.layers.forEach((layer, layerIndex) => {
    const c = layer.bnChannels;
    if (c === undefined) return;
    out.push({ kind: 'bnForward', op: 'all_gather', ranks: group, values: 2 * c + 1, layerIndex });
    out.push({ kind: 'bnBackward', op: 'all_reduce', ranks: group, values: 2 * c, layerIndex });
  });
  return out;
}

/**
 * DDP's gradient buckets, in the order they become ready (reverse layer order). `layerIndex` is
 * the forward index of the bucket's earliest layer: the bucket is ready once backward has passed it.
 */
export function gradientBuckets(
  model: ModelSpec,
  gpus: number,
  options: BucketOptions = DDP_BUCKETS,
): PlannedCollective[] {
  if (gpus <= 1) return [];
  const out: PlannedCollective[] = [];
  let values = 0;
  let cap = options.firstBucketBytes;
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const params = model.layers[i]!.params;
    if (params === 0) continue;
    values += params;
    if (values * options.bytesPerValue >= cap) {
      out.push({ kind: 'gradients', op: 'all_reduce', ranks: gpus, values, layerIndex: i });
      values = 0;
      cap = options.bucketBytes;
    }
  }
  if (values > 0)
    out.push({ kind: 'gradients', op: 'all_reduce', ranks: gpus, values, layerIndex: 0 });
  return out;
}

export interface RankBytes {
  sent: number;
  received: number;
  wire: number;
}

export function bytesOf(c: PlannedCollective, bytesPerValue: number): RankBytes {
  const b = c.values * bytesPerValue;
  const g = c.ranks;
  return c.op === 'all_gather'
    ? { sent: b, received: g * b, wire: (g - 1) * b }
    : { sent: b, received: b, wire: ((2 * (g - 1)) / g) * b };
}
