import type { Buffer, RunContext } from '../layer.ts';
import { BatchNorm, type BatchNormOptions } from './batch-norm.ts';
import type { MergedMoments } from './batch-stat-layer.ts';
import type { Reductions } from './moments.ts';
import { MovingStats } from './moving-stats.ts';

export interface BatchRenormOptions extends BatchNormOptions {
  /** Final bound of r ∈ [1/rmax, rmax] (≥ 1). */
  readonly rmax: number;
  /** Final bound of d ∈ [−dmax, dmax] (≥ 0). */
  readonly dmax: number;
  /** Steps of plain BN (rmax = 1, dmax = 0) before the ramp. */
  readonly warmup: number;
  /** Steps of the linear ramp from (1, 0) to (rmax, dmax). */
  readonly ramp: number;
}

/** rmax and dmax at optimizer step `step`: 1 and 0 during warm-up, then linear to the final values. */
export function renormBounds(
  step: number,
  o: Pick<BatchRenormOptions, 'rmax' | 'dmax' | 'warmup' | 'ramp'>,
): { rmax: number; dmax: number } {
  const t = step < o.warmup ? 0 : o.ramp <= 0 ? 1 : Math.min(1, (step - o.warmup) / o.ramp);
  return { rmax: 1 + t * (o.rmax - 1), dmax: t * o.dmax };
}

/**
 * Batch Renormalization (Ioffe 2017). In training, with μ_B, σ_B = √(σ²_B + ε) of the merged
 * batch and the moving μ, σ (before this pass's update):
 *   x̂ = (x − μ_B)/σ_B · r + d,   r = clip(σ_B/σ, 1/rmax, rmax),   d = clip((μ_B − μ)/σ, ±dmax)
 * with r and d treated as constants (no gradient). Other batch-statistics modes use r = 1, d = 0;
 * 'eval-running' normalizes with the moving statistics: x̂ = (x − μ)/σ.
 *
 * Backward. Write x̂_B = (x − μ_B)/σ_B, so y = γ·(r·x̂_B + d) + β and ∂L/∂x̂_B = γ·r·dy. BN's
 * backward through μ_B, σ_B with that upstream gradient gives
 *   ∂L/∂x = γ·r/σ_B·(dy − Σdy/N − x̂_B·Σ(dy·x̂_B)/N),
 * i.e. BatchNorm's input gradient with dy scaled by r (scale γ·r). The reductions exchanged are
 * Σdy and Σdy·x̂_B (x̂ WITHOUT r, d). γ/β: ∂L/∂γ = r·Σdy·x̂_B + d·Σdy, ∂L/∂β = Σdy (local).
 *
 * Buffers: running_mean, running_std (σ, which includes ε), num_batches_tracked.
 */
export class BatchRenorm extends BatchNorm {
  override readonly kind: string = 'batch-renorm';
  readonly rmax: number;
  readonly dmax: number;
  readonly warmup: number;
  readonly ramp: number;
  readonly moving: MovingStats;
  /** r and d of the last pass, per channel (1 and 0 outside training). */
  readonly r: Float64Array;
  readonly d: Float64Array;

  constructor(options: BatchRenormOptions) {
    if (options.trackRunningStats === false) {
      throw new Error(
        `${options.name}: Batch Renorm needs its moving statistics (trackRunningStats: false is not supported)`,
      );
    }
    super(options);
    if (
      !(options.rmax >= 1) ||
      !(options.dmax >= 0) ||
      !(options.warmup >= 0) ||
      !(options.ramp >= 0)
    ) {
      throw new Error(`${options.name}: need rmax ≥ 1, dmax ≥ 0, warmup ≥ 0, ramp ≥ 0`);
    }
    this.rmax = options.rmax;
    this.dmax = options.dmax;
    this.warmup = options.warmup;
    this.ramp = options.ramp;
    this.moving = new MovingStats(options.name, options.channels);
    this.r = new Float64Array(options.channels).fill(1);
    this.d = new Float64Array(options.channels);
  }

  override buffers(): Buffer[] {
    return this.moving.buffers();
  }

  protected override onBatchStats(merged: MergedMoments, ctx: RunContext): void {
    this.r.fill(1);
    this.d.fill(0);
    if (ctx.mode === 'training') {
      const { rmax, dmax } = renormBounds(ctx.step, this);
      for (let c = 0; c < this.channels; c++) {
        const sigma = this.moving.std.value[c]!;
        const sigmaB = 1 / this.statInvstd[c]!;
        this.r[c] = clip(sigmaB / sigma, 1 / rmax, rmax);
        this.d[c] = clip((this.statMean[c]! - this.moving.mean.value[c]!) / sigma, -dmax, dmax);
      }
      if (merged.running) this.moving.update(merged.running, this.momentum, this.eps);
    } else if (ctx.mode === 'precise-collect' && this.collecting && merged.running) {
      this.precise.add(merged.running);
    }
  }

  protected override prepareAffine(batchStats: boolean): void {
    for (let c = 0; c < this.channels; c++) {
      const g = this.gamma ? this.gamma.value[c]! : 1;
      const b = this.beta ? this.beta.value[c]! : 0;
      const r = batchStats ? this.r[c]! : 1;
      const d = batchStats ? this.d[c]! : 0;
      this.scale[c] = g * r;
      this.shift[c] = g * d + b;
    }
  }

  protected override writeAffineGradients(local: Reductions): void {
    const gg = this.gamma?.grad;
    const gb = this.beta?.grad;
    for (let c = 0; c < this.channels; c++) {
      const r = this.usedBatchStats ? this.r[c]! : 1;
      const d = this.usedBatchStats ? this.d[c]! : 0;
      const sumDy = local.sumDy[c]!;
      if (gg) gg[c] = r * local.sumDyXhat[c]! + d * sumDy;
      if (gb) gb[c] = sumDy;
    }
  }

  protected override runningNormalizingStats(mean: Float64Array, invstd: Float64Array): void {
    for (let c = 0; c < this.channels; c++) {
      mean[c] = this.moving.mean.value[c]!;
      invstd[c] = 1 / this.moving.std.value[c]!;
    }
  }

  /** PreciseBN for Batch Renorm: μ_pop and σ = √(σ²_pop + ε), the same ε convention as σ_B. */
  protected override writePopulation(mean: Float64Array, variance: Float64Array): void {
    for (let c = 0; c < this.channels; c++) {
      this.moving.mean.value[c] = mean[c]!;
      this.moving.std.value[c] = Math.sqrt(variance[c]! + this.eps);
    }
  }
}

function clip(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
