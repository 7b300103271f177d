import type { Buffer, Layer, Param, RunContext } from '../layer.ts';
import { batchOf, type Tensor, TensorSlot } from '../tensor.ts';

export interface MaxPool2dOptions {
  readonly name: string;
  readonly kernel: number;
  readonly stride?: number;
}

/**
 * Max pooling over k×k windows (no padding, floor mode, as PyTorch's defaults). Ties go to the
 * first maximum in row-major window order, and backward routes each gradient to that element.
 */
export class MaxPool2d implements Layer {
  readonly kind = 'maxpool2d';
  readonly name: string;
  readonly kernel: number;
  readonly stride: number;
  private readonly out = new TensorSlot();
  private readonly dxSlot = new TensorSlot();
  /** Flat input index of each output's maximum. */
  private argmax = new Int32Array(0);
  private inputShape: readonly number[] = [];

  constructor(opts: MaxPool2dOptions) {
    this.name = opts.name;
    this.kernel = opts.kernel;
    this.stride = opts.stride ?? opts.kernel;
    if (!(this.kernel >= 1 && this.stride >= 1)) throw new Error(`${this.name}: bad kernel/stride`);
  }

  outputShape(inputShape: readonly number[]): number[] {
    const [c, h, w] = inputShape;
    if (inputShape.length !== 3) {
      throw new Error(
        `${this.name}: expects per-sample shape [C, H, W], got [${inputShape.join(', ')}]`,
      );
    }
    const ho = Math.floor((h! - this.kernel) / this.stride) + 1;
    const wo = Math.floor((w! - this.kernel) / this.stride) + 1;
    if (ho < 1 || wo < 1)
      throw new Error(`${this.name}: input ${h}×${w} is smaller than the window`);
    return [c!, ho, wo];
  }

  params(): Param[] {
    return [];
  }

  buffers(): Buffer[] {
    return [];
  }

  forward(x: Tensor, _ctx: RunContext): Tensor {
    const [c, ho, wo] = this.outputShape(x.shape.slice(1)) as [number, number, number];
    const n = batchOf(x);
    const h = x.shape[2]!;
    const w = x.shape[3]!;
    const k = this.kernel;
    const s = this.stride;
    const y = this.out.get([n, c, ho, wo]);
    if (this.argmax.length < y.data.length) this.argmax = new Int32Array(y.data.length);
    const arg = this.argmax;
    const xd = x.data;
    const yd = y.data;
    let o = 0;
    for (let plane = 0; plane < n * c; plane++) {
      const base = plane * h * w;
      for (let oh = 0; oh < ho; oh++) {
        for (let ow = 0; ow < wo; ow++, o++) {
          const start = base + oh * s * w + ow * s;
          let best = start;
          let bestVal = xd[start]!;
          for (let ki = 0; ki < k; ki++) {
            const row = start + ki * w;
            for (let kj = 0; kj < k; kj++) {
              const v = xd[row + kj]!;
              // NaN propagates as in PyTorch: a NaN wins and stays.
              if (v > bestVal || (Number.isNaN(v) && !Number.isNaN(bestVal))) {
                bestVal = v;
                best = row + kj;
              }
            }
          }
          yd[o] = bestVal;
          arg[o] = best;
        }
      }
    }
    this.inputShape = x.shape;
    return y;
  }

  backward(dy: Tensor, _ctx: RunContext): Tensor {
    const dx = this.dxSlot.get(this.inputShape);
    const dxd = dx.data.fill(0);
    const dyd = dy.data;
    const arg = this.argmax;
    for (let o = 0; o < dyd.length; o++) dxd[arg[o]!] += dyd[o]!;
    return dx;
  }
}
