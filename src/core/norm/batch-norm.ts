import type { Buffer, Param, RunContext } from '../layer.ts';
import { type Tensor, TensorSlot, sameShape } from '../tensor.ts';
import type { BatchStatLayer, MergedMoments } from './batch-stat-layer.ts';
import { type ChannelLayout, channelLayout, groupCount } from './channel-layout.ts';
import { computeInputGradient } from './input-gradient.ts';
import { affineGradients, computeLocalReductions } from './local-reductions.ts';
import { computeLocalMoments } from './local-moments.ts';
import { emptyMoments, emptyReductions, type Moments, type Reductions } from './moments.ts';
import { applyNormalization, assertEnoughValues, normalizingStats } from './normalize.ts';
import { PreciseAccumulator } from './precise-bn.ts';
import { RunningStats } from './running-stats.ts';

export interface BatchNormOptions {
  readonly name: string;
  readonly channels: number;
  readonly eps?: number;
  /** PyTorch convention: running = (1 − m)·running + m·batch; null = cumulative average. */
  readonly momentum?: number | null;
  readonly affine?: boolean;
  /** false: no running statistics; every mode normalizes with batch statistics (as PyTorch). */
  readonly trackRunningStats?: boolean;
}

/**
 * Batch normalization over N (input [N, C]) or N, H, W (input [N, C, H, W]) per channel, split
 * into the BatchStatLayer phases so the engine can merge statistics across devices:
 *   localMoments → merge → normalize;  localReductions → sum → inputGradient.
 * Plain forward/backward are exactly these phases with a merge of one (this device alone).
 *
 * Modes: 'training' normalizes with batch statistics and updates the running statistics from
 * MergedMoments.running; 'eval-running' uses the running statistics (no sync); 'eval-batch' uses
 * batch statistics and leaves the running ones alone; 'precise-collect' uses batch statistics and
 * feeds PreciseBN (between beginPrecise and endPrecise). γ/β gradients are this device's own.
 *
 * Ghost BN and Batch Renorm extend this class through the protected hooks below.
 */
export class BatchNorm implements BatchStatLayer {
  readonly batchStats = true as const;
  readonly kind: string = 'batch-norm';
  readonly name: string;
  readonly channels: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly gamma: Param | null;
  readonly beta: Param | null;
  protected readonly running: RunningStats | null;
  protected readonly precise: PreciseAccumulator;
  protected collecting = false;

  // State of the last forward, read by backward.
  protected input: Tensor | null = null;
  protected layout: ChannelLayout = { batch: 0, channels: 0, spatial: 1 };
  protected samplesPerGroupUsed = 1;
  protected localGroups = 1;
  protected usedBatchStats = true;
  protected moments: Moments;
  protected reductions: Reductions;
  private readonly zeroReductions: Reductions;
  protected statMean = new Float64Array(0);
  protected statInvstd = new Float64Array(0);
  protected mergedCount = new Float64Array(0);
  /** Per-channel y = scale·x̂ + shift (γ and β here; Batch Renorm folds r and d in). */
  protected readonly scale: Float64Array;
  protected readonly shift: Float64Array;
  private readonly xhatSlot = new TensorSlot();
  private readonly outSlot = new TensorSlot();
  private readonly gradSlot = new TensorSlot();
  private dy: Tensor | null = null;

  constructor(options: BatchNormOptions) {
    const { name, channels } = options;
    if (!Number.isInteger(channels) || channels < 1) {
      throw new Error(`${name}: channels must be a positive integer, got ${channels}`);
    }
    this.name = name;
    this.channels = channels;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    this.gamma = this.affine ? makeParam(`${name}.weight`, channels, 1) : null;
    this.beta = this.affine ? makeParam(`${name}.bias`, channels, 0) : null;
    this.running = this.trackRunningStats ? new RunningStats(name, channels) : null;
    this.precise = new PreciseAccumulator(channels);
    this.moments = emptyMoments(1, channels);
    this.reductions = emptyReductions(1, channels);
    this.zeroReductions = emptyReductions(1, channels);
    this.scale = new Float64Array(channels);
    this.shift = new Float64Array(channels);
    this.ensureStatCapacity(1);
  }

  outputShape(inputShape: readonly number[]): number[] {
    if (inputShape[0] !== this.channels) {
      throw new Error(
        `${this.name}: expected ${this.channels} channels, got [${inputShape.join(', ')}]`,
      );
    }
    return [...inputShape];
  }

  params(): Param[] {
    return this.gamma && this.beta ? [this.gamma, this.beta] : [];
  }

  buffers(): Buffer[] {
    return this.running ? this.running.buffers() : [];
  }

  /** Whether this pass normalizes with batch statistics (and so needs a merge). */
  needsSync(ctx: RunContext): boolean {
    return ctx.mode !== 'eval-running' || !this.trackRunningStats;
  }

  // ---- forward phases ------------------------------------------------------------------------

  localMoments(x: Tensor, _ctx: RunContext): Moments {
    this.layout = channelLayout(x, this.channels, this.name);
    this.input = x;
    this.samplesPerGroupUsed = this.samplesPerGroup(this.layout.batch);
    this.localGroups = groupCount(this.layout.batch, this.samplesPerGroupUsed);
    if (this.moments.groups !== this.localGroups) {
      this.moments = emptyMoments(this.localGroups, this.channels);
    }
    return computeLocalMoments(x.data, this.layout, this.samplesPerGroupUsed, this.moments);
  }

  normalize(merged: MergedMoments, ctx: RunContext): Tensor {
    const x = this.input;
    if (!x) throw new Error(`${this.name}: normalize called before localMoments`);
    const stats = merged.normalize;
    this.checkLayout(stats, 'merged moments');
    if (ctx.mode === 'training' || ctx.mode === 'precise-collect') {
      assertEnoughValues(this.name, x.shape, stats, this.localGroups);
    }
    this.ensureStatCapacity(stats.groups);
    normalizingStats(stats, this.eps, this.statMean, this.statInvstd);
    this.mergedCount.set(stats.count);
    this.usedBatchStats = true;
    this.onBatchStats(merged, ctx);
    this.prepareAffine(true);
    return this.apply(x);
  }

  forward(x: Tensor, ctx: RunContext): Tensor {
    if (this.needsSync(ctx)) {
      const m = this.localMoments(x, ctx);
      return this.normalize({ normalize: m, running: m }, ctx);
    }
    this.layout = channelLayout(x, this.channels, this.name);
    this.input = x;
    this.samplesPerGroupUsed = Math.max(1, this.layout.batch);
    this.localGroups = 1;
    this.usedBatchStats = false;
    this.runningNormalizingStats(this.statMean, this.statInvstd);
    this.mergedCount[0] = 1;
    this.prepareAffine(false);
    return this.apply(x);
  }

  // ---- backward phases -----------------------------------------------------------------------

  localReductions(dy: Tensor, _ctx: RunContext): Reductions {
    const x = this.input;
    if (!x) throw new Error(`${this.name}: backward called before forward`);
    if (!sameShape(dy.shape, x.shape)) {
      throw new Error(
        `${this.name}: gradient shape [${dy.shape.join(', ')}] does not match input [${x.shape.join(', ')}]`,
      );
    }
    this.dy = dy;
    if (this.reductions.groups !== this.localGroups) {
      this.reductions = emptyReductions(this.localGroups, this.channels);
    }
    const xhat = this.xhatSlot.get(x.shape).data;
    computeLocalReductions(dy.data, xhat, this.layout, this.samplesPerGroupUsed, this.reductions);
    this.writeAffineGradients(this.reductions);
    return this.reductions;
  }

  inputGradient(summed: Reductions, _ctx: RunContext): Tensor {
    const x = this.input;
    const dy = this.dy;
    if (!x || !dy) throw new Error(`${this.name}: inputGradient called before localReductions`);
    if (summed.channels !== this.channels || summed.groups < this.localGroups) {
      throw new Error(
        `${this.name}: summed reductions are ${summed.groups}×${summed.channels}, expected ${this.localGroups}×${this.channels}`,
      );
    }
    const out = this.gradSlot.get(x.shape);
    const xhat = this.xhatSlot.get(x.shape).data;
    computeInputGradient(
      dy.data,
      xhat,
      this.layout,
      this.samplesPerGroupUsed,
      summed,
      this.mergedCount,
      this.statInvstd,
      this.scale,
      out.data,
    );
    return out;
  }

  backward(dy: Tensor, ctx: RunContext): Tensor {
    const local = this.localReductions(dy, ctx);
    // Through fixed (running) statistics the mean and variance do not depend on x.
    return this.inputGradient(this.usedBatchStats ? local : this.zeroReductions, ctx);
  }

  // ---- PreciseBN -----------------------------------------------------------------------------

  beginPrecise(): void {
    this.precise.reset();
    this.collecting = true;
  }

  endPrecise(): void {
    if (!this.collecting) throw new Error(`${this.name}: endPrecise without beginPrecise`);
    this.collecting = false;
    const { mean, variance } = this.precise.population(this.name);
    this.writePopulation(mean, variance);
  }

  // ---- hooks for Ghost BN and Batch Renorm ---------------------------------------------------

  /** Samples per normalization group: the whole device batch for plain BN. */
  protected samplesPerGroup(batch: number): number {
    return Math.max(1, batch);
  }

  /** Called once per batch-statistics pass, after the normalizing statistics are known. */
  protected onBatchStats(merged: MergedMoments, ctx: RunContext): void {
    if (!merged.running) return;
    if (ctx.mode === 'training') this.running?.update(merged.running, this.momentum);
    else if (ctx.mode === 'precise-collect' && this.collecting) this.precise.add(merged.running);
  }

  /** Fill scale/shift (per channel) for y = scale·x̂ + shift. */
  protected prepareAffine(_batchStats: boolean): void {
    for (let c = 0; c < this.channels; c++) {
      this.scale[c] = this.gamma ? this.gamma.value[c]! : 1;
      this.shift[c] = this.beta ? this.beta.value[c]! : 0;
    }
  }

  /** γ/β gradients from this device's reductions (Σdy·x̂ and Σdy summed over groups). */
  protected writeAffineGradients(local: Reductions): void {
    affineGradients(local, this.gamma?.grad ?? null, this.beta?.grad ?? null);
  }

  /** Mean and 1/√(var + ε) for eval with running statistics (one group). */
  protected runningNormalizingStats(mean: Float64Array, invstd: Float64Array): void {
    const running = this.running;
    // forward() comes here only when needsSync() is false, i.e. with running statistics tracked.
    if (!running) throw new Error(`${this.name}: no running statistics to normalize with`);
    for (let c = 0; c < this.channels; c++) {
      mean[c] = running.mean.value[c]!;
      invstd[c] = 1 / Math.sqrt(running.variance.value[c]! + this.eps);
    }
  }

  protected writePopulation(mean: Float64Array, variance: Float64Array): void {
    if (!this.running) {
      throw new Error(
        `${this.name}: PreciseBN needs running statistics (trackRunningStats is false)`,
      );
    }
    this.running.set(mean, variance);
  }

  // ---- internals -----------------------------------------------------------------------------

  private apply(x: Tensor): Tensor {
    const y = this.outSlot.get(x.shape);
    const xhat = this.xhatSlot.get(x.shape);
    applyNormalization(
      x.data,
      this.layout,
      this.samplesPerGroupUsed,
      this.statMean,
      this.statInvstd,
      this.scale,
      this.shift,
      xhat.data,
      y.data,
    );
    return y;
  }

  private checkLayout(m: Moments, what: string): void {
    if (m.channels !== this.channels || m.groups < this.localGroups) {
      throw new Error(
        `${this.name}: ${what} are ${m.groups}×${m.channels}, expected ${this.localGroups}×${this.channels} (groups × channels)`,
      );
    }
  }

  private ensureStatCapacity(groups: number): void {
    const size = groups * this.channels;
    if (this.statMean.length < size) {
      this.statMean = new Float64Array(size);
      this.statInvstd = new Float64Array(size);
    }
    if (this.mergedCount.length < groups) this.mergedCount = new Float64Array(groups);
  }
}

function makeParam(name: string, size: number, init: number): Param {
  return {
    name,
    shape: [size],
    value: new Float32Array(size).fill(init),
    grad: new Float32Array(size),
    decay: false,
  };
}
