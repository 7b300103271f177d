import type { Buffer, Layer, Param, RunContext } from '../layer.ts';
import { type Tensor, TensorSlot, sameShape } from '../tensor.ts';

/** [N, C, S] view of an input [N, C] (S = 1) or [N, C, H, W] (S = H·W). */
export interface SampleLayout {
  readonly batch: number;
  readonly channels: number;
  readonly spatial: number;
}

/**
 * Normalization over per-sample statistics: for each sample n and channel group g (C/G
 * consecutive channels × S values, contiguous in NCHW), x̂ = (x − μ_ng)/√(σ²_ng + ε) with the
 * biased variance (two-pass, float64), then y = γ_c·x̂ + β_c per channel. No statistics cross
 * samples, so there is nothing to synchronize between devices. GroupNorm, LayerNorm
 * (G = 1) and InstanceNorm (G = C) are this layer with a fixed G.
 *
 * Backward per (n, g) with M = (C/G)·S values and ĝ = γ_c·dy:
 *   ∂L/∂x = invstd·(ĝ − Σĝ/M − x̂·Σ(ĝ·x̂)/M),   ∂L/∂γ_c = Σ dy·x̂,   ∂L/∂β_c = Σ dy.
 * When statistics are fixed (InstanceNorm evaluating with running statistics) the two sums drop.
 */
export abstract class PerSampleNorm implements Layer {
  abstract readonly kind: string;
  readonly gamma: Param | null;
  readonly beta: Param | null;

  protected layout: SampleLayout = { batch: 0, channels: 0, spatial: 1 };
  protected input: Tensor | null = null;
  /** Per (sample, group): mean and 1/√(var + ε). */
  protected mean = new Float64Array(0);
  protected invstd = new Float64Array(0);
  /** false: the statistics of the last forward did not depend on x (fixed running statistics). */
  protected statsFromInput = true;
  private readonly xhatSlot = new TensorSlot();
  private readonly outSlot = new TensorSlot();
  private readonly gradSlot = new TensorSlot();

  constructor(
    readonly name: string,
    readonly channels: number,
    /** Channel groups sharing statistics (divides channels). */
    readonly groups: number,
    readonly eps: number,
    readonly affine: boolean,
  ) {
    if (!Number.isInteger(channels) || channels < 1) {
      throw new Error(`${name}: channels must be a positive integer, got ${channels}`);
    }
    if (!Number.isInteger(groups) || groups < 1 || channels % groups !== 0) {
      throw new Error(
        `${name}: groups (${groups}) must be a positive divisor of channels (${channels})`,
      );
    }
    this.gamma = affine ? param(`${name}.weight`, channels, 1) : null;
    this.beta = affine ? param(`${name}.bias`, channels, 0) : null;
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
    return [];
  }

  forward(x: Tensor, ctx: RunContext): Tensor {
    const { shape } = x;
    if ((shape.length !== 2 && shape.length !== 4) || shape[1] !== this.channels) {
      throw new Error(
        `${this.name}: expected input [N, ${this.channels}] or [N, ${this.channels}, H, W], got [${shape.join(', ')}]`,
      );
    }
    this.layout = {
      batch: shape[0]!,
      channels: this.channels,
      spatial: shape.length === 4 ? shape[2]! * shape[3]! : 1,
    };
    this.input = x;
    const size = this.layout.batch * this.groups;
    if (this.mean.length < size) {
      this.mean = new Float64Array(size);
      this.invstd = new Float64Array(size);
    }
    this.statsFromInput = this.computeStats(x.data, ctx);
    const xhat = this.xhatSlot.get(shape).data;
    const y = this.outSlot.get(shape).data;
    const { batch, channels, spatial } = this.layout;
    const perGroup = channels / this.groups;
    for (let n = 0; n < batch; n++) {
      for (let c = 0; c < channels; c++) {
        const k = n * this.groups + Math.floor(c / perGroup);
        const mu = this.mean[k]!;
        const is = this.invstd[k]!;
        const a = this.gamma ? this.gamma.value[c]! : 1;
        const b = this.beta ? this.beta.value[c]! : 0;
        const base = (n * channels + c) * spatial;
        for (let s = base; s < base + spatial; s++) {
          const h = (x.data[s]! - mu) * is;
          xhat[s] = h;
          y[s] = a * h + b;
        }
      }
    }
    return this.outSlot.get(shape);
  }

  backward(dy: Tensor, _ctx: RunContext): Tensor {
    const x = this.input;
    if (!x) throw new Error(`${this.name}: backward called before forward`);
    if (!sameShape(dy.shape, x.shape)) {
      throw new Error(
        `${this.name}: gradient shape [${dy.shape.join(', ')}] does not match input [${x.shape.join(', ')}]`,
      );
    }
    const xhat = this.xhatSlot.get(x.shape).data;
    const out = this.gradSlot.get(x.shape);
    const dx = out.data;
    const g = dy.data;
    const { batch, channels, spatial } = this.layout;
    const perGroup = channels / this.groups;
    const m = perGroup * spatial;
    if (this.gamma && this.beta) {
      this.gamma.grad.fill(0);
      this.beta.grad.fill(0);
    }
    for (let n = 0; n < batch; n++) {
      for (let grp = 0; grp < this.groups; grp++) {
        const k = n * this.groups + grp;
        const c0 = grp * perGroup;
        let sumG = 0;
        let sumGXhat = 0;
        for (let c = c0; c < c0 + perGroup; c++) {
          const a = this.gamma ? this.gamma.value[c]! : 1;
          let sDy = 0;
          let sDyXhat = 0;
          const base = (n * channels + c) * spatial;
          for (let s = base; s < base + spatial; s++) {
            sDy += g[s]!;
            sDyXhat += g[s]! * xhat[s]!;
          }
          sumG += a * sDy;
          sumGXhat += a * sDyXhat;
          if (this.gamma && this.beta) {
            this.gamma.grad[c] = this.gamma.grad[c]! + sDyXhat;
            this.beta.grad[c] = this.beta.grad[c]! + sDy;
          }
        }
        const meanG = this.statsFromInput ? sumG / m : 0;
        const meanGXhat = this.statsFromInput ? sumGXhat / m : 0;
        const is = this.invstd[k]!;
        for (let c = c0; c < c0 + perGroup; c++) {
          const a = this.gamma ? this.gamma.value[c]! : 1;
          const base = (n * channels + c) * spatial;
          for (let s = base; s < base + spatial; s++) {
            dx[s] = is * (a * g[s]! - meanG - xhat[s]! * meanGXhat);
          }
        }
      }
    }
    return out;
  }

  /**
   * Fill mean/invstd per (sample, group); returns whether they came from x (true) or are fixed.
   * Default: the sample's own statistics.
   */
  protected computeStats(x: Float32Array, _ctx: RunContext): boolean {
    this.sampleStats(x, null);
    return true;
  }

  /**
   * Two-pass mean and biased variance per (sample, group) into mean/invstd; when `m2Out` is given
   * it also receives M2 = Σ(x − mean)² (InstanceNorm's running statistics need the unbiased one).
   */
  protected sampleStats(x: Float32Array, m2Out: Float64Array | null): void {
    const { batch, channels, spatial } = this.layout;
    const perGroup = channels / this.groups;
    const m = perGroup * spatial;
    for (let n = 0; n < batch; n++) {
      for (let grp = 0; grp < this.groups; grp++) {
        const start = (n * channels + grp * perGroup) * spatial;
        const end = start + m;
        let sum = 0;
        for (let i = start; i < end; i++) sum += x[i]!;
        const mu = sum / m;
        let m2 = 0;
        for (let i = start; i < end; i++) {
          const d = x[i]! - mu;
          m2 += d * d;
        }
        const k = n * this.groups + grp;
        this.mean[k] = mu;
        this.invstd[k] = 1 / Math.sqrt(m2 / m + this.eps);
        if (m2Out) m2Out[k] = m2;
      }
    }
  }
}

function param(name: string, size: number, init: number): Param {
  return {
    name,
    shape: [size],
    value: new Float32Array(size).fill(init),
    grad: new Float32Array(size),
    decay: false,
  };
}
