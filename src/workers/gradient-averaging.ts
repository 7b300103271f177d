import type { RunConfig } from '../config/schema.ts';

export type GradientAveraging = RunConfig['gradientAveraging'];

/**
 * What a device divides its loss gradient by, so that the SUM of the devices' gradients (the
 * gradient all-reduce) is the step's gradient:
 *
 * - 'ddp' (PyTorch DDP): each rank's loss is the mean over its own shard and DDP averages the
 *   gradients over the K ranks, ∇((1/K)·Σ_k mean_k ℓ). Scaling device k's loss gradient by
 *   1/(K·n_k) before the sum is the same: the backward pass (SyncBN's all-reduced Σdy and Σdy·x̂
 *   included) is linear in it. With equal shards K·n_k = N, so the bits equal 'global''s.
 * - 'global': the gradient of the global batch's mean loss, ∇(Σℓ/N), as one device holding the
 *   whole batch would compute it.
 *
 * The two differ only when shards are unequal (a global batch that does not split evenly).
 */
export function lossNormalizer(
  mode: GradientAveraging,
  shardCount: number,
  globalCount: number,
  devices: number,
): number {
  if (mode === 'global') return globalCount;
  if (shardCount === 0) {
    // Unreachable from a validated config (parseConfig rejects it): PyTorch's mean over an
    // empty shard is NaN.
    throw new Error(
      'gradientAveraging "ddp": a device got 0 samples, and the mean loss of an empty shard is undefined',
    );
  }
  return devices * shardCount;
}

/** The per-device results a step's loss is made of. */
export interface ShardLoss {
  readonly lossSum: number;
  readonly count: number;
}

/**
 * The loss the step minimized, from the devices' results in device order: under 'ddp' the mean
 * over devices of each device's mean loss (what DDP ranks' losses average to), under 'global'
 * (or with equal shards, where both are the same number) the global batch's mean loss.
 */
export function stepLoss(mode: GradientAveraging, devices: readonly ShardLoss[]): number {
  let lossSum = 0;
  let count = 0;
  let equal = true;
  for (const d of devices) {
    lossSum += d.lossSum;
    count += d.count;
    if (d.count !== devices[0]!.count) equal = false;
  }
  if (mode === 'global' || equal) return lossSum / count;
  let mean = 0;
  for (const d of devices) mean += d.lossSum / d.count;
  return mean / devices.length;
}
