import type { Buffer, Layer, Param, RunContext } from '../layer.ts';
import type { Tensor } from '../tensor.ts';
import { type WeightedLayer, weightRows } from './weighted-layer.ts';

export interface WeightNormOptions {
  readonly name: string;
  /** A Dense or Conv2d; its weight becomes derived (w = g·v/‖v‖), its bias stays trained. */
  readonly inner: WeightedLayer;
}

/**
 * Weight normalization (Salimans & Kingma 2016): per output unit o, w_o = g_o·v_o/‖v_o‖, with
 * v initialised to the inner layer's weight and g to ‖v_o‖ (so the first forward is unchanged).
 * Forward writes w into inner.weight.value and runs the inner layer; backward turns the inner
 * weight gradient into
 *   ∂L/∂g_o = ∂L/∂w_o · v̂_o,   ∂L/∂v_o = (g_o/‖v_o‖)·(∂L/∂w_o − (∂L/∂g_o)·v̂_o),   v̂_o = v_o/‖v_o‖.
 * Parameters: weight_g (no weight decay, a scale like γ), weight_v (decayed, as a weight) and the
 * inner bias. Give the wrapper the inner layer's name so names read "fc1.weight_v", "fc1.bias".
 */
export class WeightNorm implements Layer {
  readonly kind = 'weight-norm';
  readonly name: string;
  readonly inner: WeightedLayer;
  readonly v: Param;
  readonly g: Param;
  private readonly rows: number;
  private readonly cols: number;
  /** ‖v_o‖ of the last forward. */
  private readonly norms: Float64Array;

  constructor(options: WeightNormOptions) {
    const { name, inner } = options;
    this.name = name;
    this.inner = inner;
    const { rows, cols } = weightRows(inner.weight);
    this.rows = rows;
    this.cols = cols;
    this.v = {
      name: `${name}.weight_v`,
      shape: [...inner.weight.shape],
      value: Float32Array.from(inner.weight.value),
      grad: new Float32Array(inner.weight.value.length),
      decay: true,
    };
    this.g = {
      name: `${name}.weight_g`,
      shape: [rows],
      value: new Float32Array(rows),
      grad: new Float32Array(rows),
      decay: false,
    };
    this.norms = new Float64Array(rows);
    this.computeNorms();
    for (let o = 0; o < rows; o++) this.g.value[o] = this.norms[o]!;
  }

  outputShape(inputShape: readonly number[]): number[] {
    return this.inner.outputShape(inputShape);
  }

  params(): Param[] {
    const bias = this.inner.bias;
    return bias ? [this.g, this.v, bias] : [this.g, this.v];
  }

  buffers(): Buffer[] {
    return this.inner.buffers();
  }

  forward(x: Tensor, ctx: RunContext): Tensor {
    this.computeNorms();
    const v = this.v.value;
    const w = this.inner.weight.value;
    for (let o = 0; o < this.rows; o++) {
      const k = this.g.value[o]! / this.norms[o]!;
      const base = o * this.cols;
      for (let i = base; i < base + this.cols; i++) w[i] = k * v[i]!;
    }
    return this.inner.forward(x, ctx);
  }

  backward(dy: Tensor, ctx: RunContext): Tensor {
    const dx = this.inner.backward(dy, ctx);
    const dw = this.inner.weight.grad;
    const v = this.v.value;
    for (let o = 0; o < this.rows; o++) {
      const norm = this.norms[o]!;
      const base = o * this.cols;
      let dg = 0;
      for (let i = base; i < base + this.cols; i++) dg += dw[i]! * v[i]!;
      dg /= norm;
      this.g.grad[o] = dg;
      const k = this.g.value[o]! / norm;
      const proj = dg / norm;
      for (let i = base; i < base + this.cols; i++) this.v.grad[i] = k * (dw[i]! - proj * v[i]!);
    }
    return dx;
  }

  private computeNorms(): void {
    const v = this.v.value;
    for (let o = 0; o < this.rows; o++) {
      let s = 0;
      const base = o * this.cols;
      for (let i = base; i < base + this.cols; i++) s += v[i]! * v[i]!;
      // A zero row would divide by zero; its direction is undefined, so keep w = 0 there.
      this.norms[o] = Math.max(Math.sqrt(s), 1e-12);
    }
  }
}
