import { emptyMoments, type Moments } from './moments.ts';
import { poolGroups, accumulateMoments } from './pool-groups.ts';

/**
 * PreciseBN (Wu & Johnson 2021, "Rethinking 'Batch' in BatchNorm"): with the weights frozen, run
 * batches through the model normalizing with batch statistics, and replace the EMA running
 * statistics by population statistics aggregated over those batches:
 *   μ_pop = E_B[μ_B],   σ²_pop = E_B[μ_B² + σ²_B] − μ_pop²   (σ²_B biased).
 *
 * We aggregate with Chan's merge, weighting each batch by its count. With equal batches this IS
 * the formula above; with a smaller last batch it is the exact mean and biased variance of every
 * value seen, M2/N (still equal to the formula, weighted by count). The formula yields the biased
 * variance of all N = Σ_B n_B values: the between-batch spread of μ_B already restores the σ²/n_B
 * that each biased σ²_B lacks, so the Bessel factor is N/(N − 1) over the TOTAL count, not
 * n_B/(n_B − 1) per batch (that would overstate the variance by about σ²/n_B, a factor 2 at n_B = 2).
 * Written as M2/(N − 1), this is PyTorch's unbiased running_var convention, so eval code reads it
 * like any running_var.
 */
export class PreciseAccumulator {
  private acc: Moments;
  private pooled: Moments;
  private batches = 0;

  constructor(readonly channels: number) {
    this.acc = emptyMoments(1, channels);
    this.pooled = emptyMoments(1, channels);
  }

  reset(): void {
    this.acc.count[0] = 0;
    this.acc.mean.fill(0);
    this.acc.m2.fill(0);
    this.batches = 0;
  }

  /** One normalization batch's moments (all its groups pooled). */
  add(moments: Moments): void {
    const pooled = poolGroups(moments, this.pooled);
    if (pooled.count[0] === 0) return;
    accumulateMoments(this.acc, pooled);
    this.batches++;
  }

  get count(): number {
    return this.acc.count[0]!;
  }

  get batchesSeen(): number {
    return this.batches;
  }

  /** μ_pop and the unbiased σ²_pop; throws unless more than one value was seen. */
  population(who: string): { mean: Float64Array; variance: Float64Array } {
    const n = this.acc.count[0]!;
    if (n <= 1) {
      throw new Error(
        `${who}: PreciseBN collected ${n} value(s) per channel; it needs more than 1 (run 'precise-collect' passes between beginPrecise and endPrecise)`,
      );
    }
    const variance = new Float64Array(this.channels);
    for (let c = 0; c < this.channels; c++) variance[c] = this.acc.m2[c]! / (n - 1);
    return { mean: Float64Array.from(this.acc.mean), variance };
  }
}
