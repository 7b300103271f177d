import type { Buffer, RunContext } from '../layer.ts';
import type { Tensor } from '../tensor.ts';
import { PerSampleNorm } from './per-sample-norm.ts';
import { RunningStats } from './running-stats.ts';

export interface InstanceNormOptions {
  readonly name: string;
  readonly channels: number;
  readonly eps?: number;
  /** Default false, as PyTorch's InstanceNorm2d. */
  readonly affine?: boolean;
  /** Default false, as PyTorch: every mode normalizes each sample with its own statistics. */
  readonly trackRunningStats?: boolean;
  /** Only with trackRunningStats; null = cumulative average (PyTorch would then never update). */
  readonly momentum?: number | null;
}

/**
 * Instance Normalization (Ulyanov et al. 2016): per sample and channel over H×W (GroupNorm with
 * G = C). Needs more than one spatial value: on [N, C] every x̂ would be 0, so that is an error,
 * as in PyTorch.
 *
 * With trackRunningStats (PyTorch semantics): training updates running_mean/var with the
 * average over the batch of the per-instance mean and unbiased variance (M2/(H·W − 1)), and
 * 'eval-running' normalizes with them (per channel, fixed: no gradient through statistics).
 */
export class InstanceNorm extends PerSampleNorm {
  readonly kind = 'instance-norm';
  readonly momentum: number | null;
  private readonly running: RunningStats | null;
  private m2 = new Float64Array(0);
  private readonly batchMean: Float64Array;
  private readonly batchVar: Float64Array;

  constructor(options: InstanceNormOptions) {
    super(
      options.name,
      options.channels,
      options.channels,
      options.eps ?? 1e-5,
      options.affine ?? false,
    );
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.running = options.trackRunningStats
      ? new RunningStats(options.name, options.channels)
      : null;
    this.batchMean = new Float64Array(options.channels);
    this.batchVar = new Float64Array(options.channels);
  }

  override buffers(): Buffer[] {
    return this.running ? this.running.buffers() : [];
  }

  override forward(x: Tensor, ctx: RunContext): Tensor {
    const usesInput = !(this.running && ctx.mode === 'eval-running');
    const spatial = x.shape.length === 4 ? x.shape[2]! * x.shape[3]! : 1;
    if (usesInput && spatial <= 1 && (x.shape[0] ?? 0) > 0) {
      throw new Error(
        `${this.name}: Expected more than 1 spatial element when training, got input size [${x.shape.join(', ')}]; InstanceNorm needs [N, C, H, W] with H·W > 1 (use LayerNorm or GroupNorm on dense layers)`,
      );
    }
    return super.forward(x, ctx);
  }

  protected override computeStats(x: Float32Array, ctx: RunContext): boolean {
    const { batch, channels, spatial } = this.layout;
    if (this.running && ctx.mode === 'eval-running') {
      for (let n = 0; n < batch; n++) {
        for (let c = 0; c < channels; c++) {
          this.mean[n * channels + c] = this.running.mean.value[c]!;
          this.invstd[n * channels + c] = 1 / Math.sqrt(this.running.variance.value[c]! + this.eps);
        }
      }
      return false;
    }
    if (this.m2.length < batch * channels) this.m2 = new Float64Array(batch * channels);
    this.sampleStats(x, this.m2);
    if (this.running && ctx.mode === 'training' && batch > 0) {
      this.batchMean.fill(0);
      this.batchVar.fill(0);
      for (let n = 0; n < batch; n++) {
        for (let c = 0; c < channels; c++) {
          this.batchMean[c] = this.batchMean[c]! + this.mean[n * channels + c]! / batch;
          this.batchVar[c] = this.batchVar[c]! + this.m2[n * channels + c]! / (spatial - 1) / batch;
        }
      }
      this.running.blend(this.batchMean, this.batchVar, 1, this.momentum);
    }
    return true;
  }
}
