import { BatchNorm, type BatchNormOptions } from './batch-norm.ts';

export interface GhostBatchNormOptions extends BatchNormOptions {
  /** Samples per virtual batch within each device's batch (the last one may be smaller). */
  readonly virtualBatch: number;
}

/**
 * Ghost Batch Normalization (Hoffer et al. 2017): each device's batch is cut into consecutive
 * virtual batches of `virtualBatch` samples, and each is normalized with its own statistics.
 * Moments carry one group per virtual batch, so under sync group g of every device merges with
 * group g of the others (all devices must then have the same number of virtual batches; a device
 * with an empty batch sends one empty group).
 *
 * Running statistics rule: ONE update per training pass from all virtual batches pooled (Chan),
 * i.e. the same update BatchNorm would make from the whole (merged) batch, with the unbiased
 * factor N/(N − 1) over that total count. The running statistics estimate the population the
 * eval pass normalizes, and the virtual batches partition the same values, so pooling them is
 * exact; a per-virtual-batch update would only change the effective momentum.
 * Eval with running statistics uses one group; 'eval-batch' normalizes per virtual batch.
 */
export class GhostBatchNorm extends BatchNorm {
  override readonly kind: string = 'ghost-batch-norm';
  readonly virtualBatch: number;

  constructor(options: GhostBatchNormOptions) {
    super(options);
    if (!Number.isInteger(options.virtualBatch) || options.virtualBatch < 1) {
      throw new Error(
        `${options.name}: virtualBatch must be a positive integer, got ${options.virtualBatch}`,
      );
    }
    this.virtualBatch = options.virtualBatch;
  }

  protected override samplesPerGroup(_batch: number): number {
    return this.virtualBatch;
  }
}
