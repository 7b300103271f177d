import type { Buffer } from '../layer.ts';
import { emptyMoments, type Moments } from './moments.ts';
import { poolGroups } from './pool-groups.ts';
import { createBuffer } from '../layers/param.ts';

/**
 * Batch Renorm's moving statistics (Ioffe 2017, Algorithm 1): the mean μ and the standard
 * deviation σ (not the variance), σ_B = √(M2/N + ε) with the biased batch variance, moved by
 *   μ ← μ + α·(μ_B − μ),   σ ← σ + α·(σ_B − σ),
 * α = momentum, or 1/num_batches_tracked when momentum is null. Start: μ = 0, σ = 1.
 */
export class MovingStats {
  readonly mean: Buffer;
  readonly std: Buffer;
  readonly batchesTracked: Buffer;
  private readonly pooled: Moments;

  constructor(
    who: string,
    readonly channels: number,
  ) {
    this.mean = createBuffer(`${who}.running_mean`, channels);
    this.std = createBuffer(`${who}.running_std`, channels, 1);
    this.batchesTracked = createBuffer(`${who}.num_batches_tracked`, 1);
    this.pooled = emptyMoments(1, channels);
  }

  buffers(): Buffer[] {
    return [this.mean, this.std, this.batchesTracked];
  }

  /** One update from `moments` (groups pooled); an empty merge leaves everything untouched. */
  update(moments: Moments, momentum: number | null, eps: number): void {
    const pooled = poolGroups(moments, this.pooled);
    const n = pooled.count[0]!;
    if (n === 0) return;
    const tracked = this.batchesTracked.value[0]! + 1;
    this.batchesTracked.value[0] = tracked;
    const a = momentum ?? 1 / tracked;
    for (let c = 0; c < this.channels; c++) {
      const sigmaB = Math.sqrt(pooled.m2[c]! / n + eps);
      this.mean.value[c] = this.mean.value[c]! + a * (pooled.mean[c]! - this.mean.value[c]!);
      this.std.value[c] = this.std.value[c]! + a * (sigmaB - this.std.value[c]!);
    }
  }
}
