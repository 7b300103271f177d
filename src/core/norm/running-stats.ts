import type { Buffer } from '../layer.ts';
import { emptyMoments, type Moments } from './moments.ts';
import { poolGroups } from './pool-groups.ts';
import { createBuffer } from '../layers/param.ts';

/**
 * PyTorch's running statistics: running_mean, running_var (start 0 and 1) and
 * num_batches_tracked, updated once per training pass from the moments the engine chose
 * (MergedMoments.running):
 *   running_mean ← (1 − m)·running_mean + m·μ
 *   running_var  ← (1 − m)·running_var  + m·M2/(N − 1)   (unbiased, N = count of those moments)
 * with m = momentum, or m = 1/num_batches_tracked (a cumulative average) when momentum is null.
 * Moments with several groups (Ghost BN) are pooled first: one update per pass, from all values.
 */
export class RunningStats {
  readonly mean: Buffer;
  readonly variance: Buffer;
  readonly batchesTracked: Buffer;
  private readonly pooled: Moments;

  constructor(
    private readonly who: string,
    readonly channels: number,
  ) {
    this.mean = createBuffer(`${who}.running_mean`, channels);
    this.variance = createBuffer(`${who}.running_var`, channels, 1);
    this.batchesTracked = createBuffer(`${who}.num_batches_tracked`, 1);
    this.pooled = emptyMoments(1, channels);
  }

  buffers(): Buffer[] {
    return [this.mean, this.variance, this.batchesTracked];
  }

  /** One update from `moments`; an empty merge (N = 0) leaves everything untouched. */
  update(moments: Moments, momentum: number | null): void {
    const pooled = poolGroups(moments, this.pooled);
    const n = pooled.count[0]!;
    if (n === 0) return;
    if (n === 1) {
      throw new Error(
        `${this.who}: running statistics need more than 1 value per channel for an unbiased variance, got 1`,
      );
    }
    this.blend(pooled.mean, pooled.m2, 1 / (n - 1), momentum);
  }

  /**
   * running ← (1 − m)·running + m·batch with batch mean `mean` and batch variance
   * `spread`·`factor` (M2 and 1/(N − 1) for BN), counting one more tracked batch.
   */
  blend(mean: Float64Array, spread: Float64Array, factor: number, momentum: number | null): void {
    const tracked = this.batchesTracked.value[0]! + 1;
    this.batchesTracked.value[0] = tracked;
    const m = momentum ?? 1 / tracked;
    const rm = this.mean.value;
    const rv = this.variance.value;
    for (let c = 0; c < this.channels; c++) {
      rm[c] = (1 - m) * rm[c]! + m * mean[c]!;
      rv[c] = (1 - m) * rv[c]! + m * spread[c]! * factor;
    }
  }

  /** Replace the statistics outright (PreciseBN's population estimate). */
  set(mean: Float64Array, variance: Float64Array): void {
    for (let c = 0; c < this.channels; c++) {
      this.mean.value[c] = mean[c]!;
      this.variance.value[c] = variance[c]!;
    }
  }
}
