import type { Buffer, Layer, Param, RunContext } from '../layer.ts';
import type { Rng } from '../rng.ts';
import type { Tensor } from '../tensor.ts';
import { type WeightedLayer, weightRows } from './weighted-layer.ts';

export interface SpectralNormOptions {
  readonly name: string;
  /** A Dense or Conv2d; its weight becomes derived (W/σ(W)), its bias stays trained. */
  readonly inner: WeightedLayer;
  /** Draws the initial u and v (standard normal, normalized): same stream, same run. */
  readonly rng: Rng;
  /** Guards the normalization of u and v (PyTorch's default). */
  readonly eps?: number;
}

/**
 * Spectral normalization (Miyato et al. 2018): W_sn = W/σ(W), W reshaped [out, in·k·k], σ
 * estimated by ONE power iteration per training forward with persistent u [out], v [in·k·k]:
 *   v ← Wᵀu/‖Wᵀu‖,  u ← Wv/‖Wv‖,  σ = uᵀWv.
 * Other modes do no iteration (σ from the stored u, v), as PyTorch in eval.
 *
 * Gradient as PyTorch: u and v are constants after the iteration, so ∂σ/∂W = u·vᵀ and
 *   ∂L/∂W = (∂L/∂W_sn − ⟨∂L/∂W_sn, W_sn⟩·u·vᵀ)/σ.
 * Parameters: weight_orig (W, decayed) and the inner bias; buffers weight_u, weight_v.
 */
export class SpectralNorm implements Layer {
  readonly kind = 'spectral-norm';
  readonly name: string;
  readonly inner: WeightedLayer;
  readonly eps: number;
  readonly weightOrig: Param;
  readonly u: Buffer;
  readonly v: Buffer;
  /** σ of the last forward. */
  sigma = 1;
  private readonly rows: number;
  private readonly cols: number;
  private readonly tmpU: Float64Array;
  private readonly tmpV: Float64Array;

  constructor(options: SpectralNormOptions) {
    const { name, inner, rng } = options;
    this.name = name;
    this.inner = inner;
    this.eps = options.eps ?? 1e-12;
    const { rows, cols } = weightRows(inner.weight);
    this.rows = rows;
    this.cols = cols;
    this.weightOrig = {
      name: `${name}.weight_orig`,
      shape: [...inner.weight.shape],
      value: Float32Array.from(inner.weight.value),
      grad: new Float32Array(inner.weight.value.length),
      decay: true,
    };
    this.tmpU = new Float64Array(rows);
    this.tmpV = new Float64Array(cols);
    this.u = { name: `${name}.weight_u`, shape: [rows], value: new Float32Array(rows) };
    this.v = { name: `${name}.weight_v`, shape: [cols], value: new Float32Array(cols) };
    for (let i = 0; i < rows; i++) this.tmpU[i] = rng.normal();
    for (let j = 0; j < cols; j++) this.tmpV[j] = rng.normal();
    storeNormalized(this.tmpU, this.u.value, this.eps);
    storeNormalized(this.tmpV, this.v.value, this.eps);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return this.inner.outputShape(inputShape);
  }

  params(): Param[] {
    const bias = this.inner.bias;
    return bias ? [this.weightOrig, bias] : [this.weightOrig];
  }

  buffers(): Buffer[] {
    return [this.u, this.v, ...this.inner.buffers()];
  }

  forward(x: Tensor, ctx: RunContext): Tensor {
    if (ctx.mode === 'training') this.powerIteration();
    this.sigma = this.estimateSigma();
    const w = this.weightOrig.value;
    const out = this.inner.weight.value;
    const inv = 1 / this.sigma;
    for (let i = 0; i < w.length; i++) out[i] = w[i]! * inv;
    return this.inner.forward(x, ctx);
  }

  backward(dy: Tensor, ctx: RunContext): Tensor {
    const dx = this.inner.backward(dy, ctx);
    const dwSn = this.inner.weight.grad;
    const wSn = this.inner.weight.value;
    let dot = 0;
    for (let i = 0; i < dwSn.length; i++) dot += dwSn[i]! * wSn[i]!;
    const u = this.u.value;
    const v = this.v.value;
    const grad = this.weightOrig.grad;
    const inv = 1 / this.sigma;
    for (let o = 0; o < this.rows; o++) {
      const k = dot * u[o]!;
      const base = o * this.cols;
      for (let j = 0; j < this.cols; j++) grad[base + j] = (dwSn[base + j]! - k * v[j]!) * inv;
    }
    return dx;
  }

  /** v ← Wᵀu/‖Wᵀu‖, u ← Wv/‖Wv‖ (float64 accumulation, stored as float32). */
  private powerIteration(): void {
    const w = this.weightOrig.value;
    const u = this.u.value;
    const tv = this.tmpV;
    tv.fill(0);
    for (let o = 0; o < this.rows; o++) {
      const uo = u[o]!;
      const base = o * this.cols;
      for (let j = 0; j < this.cols; j++) tv[j] = tv[j]! + w[base + j]! * uo;
    }
    storeNormalized(tv, this.v.value, this.eps);
    const v = this.v.value;
    for (let o = 0; o < this.rows; o++) {
      let s = 0;
      const base = o * this.cols;
      for (let j = 0; j < this.cols; j++) s += w[base + j]! * v[j]!;
      this.tmpU[o] = s;
    }
    storeNormalized(this.tmpU, u, this.eps);
  }

  /** σ = uᵀWv with the stored (float32) u and v, the ones the gradient treats as constants. */
  private estimateSigma(): number {
    const w = this.weightOrig.value;
    const u = this.u.value;
    const v = this.v.value;
    let sigma = 0;
    for (let o = 0; o < this.rows; o++) {
      let s = 0;
      const base = o * this.cols;
      for (let j = 0; j < this.cols; j++) s += w[base + j]! * v[j]!;
      sigma += u[o]! * s;
    }
    return sigma;
  }
}

function storeNormalized(src: Float64Array, dst: Float32Array, eps: number): void {
  let s = 0;
  for (let i = 0; i < src.length; i++) s += src[i]! * src[i]!;
  const inv = 1 / Math.max(Math.sqrt(s), eps);
  for (let i = 0; i < src.length; i++) dst[i] = src[i]! * inv;
}
