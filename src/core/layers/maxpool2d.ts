import { activeWasmKernels } from '../kernels/gemm.ts';
import { Int32View, orderKey } from '../kernels/int32-view.ts';
import type { Buffer, Layer, Param, RunContext } from '../layer.ts';
import { batchOf, type Tensor, TensorSlot } from '../tensor.ts';

export interface MaxPool2dOptions {
  readonly name: string;
  readonly kernel: number;
  readonly stride?: number;
}

/**
 * Max pooling over k×k windows (no padding, floor mode, as PyTorch's defaults). Ties go to the
 * first maximum in row-major window order (−0 and +0 tie), and backward routes each gradient to
 * that element.
 *
 * Branch-free: the comparison runs on integer keys with the float order (orderKey) and selects
 * with masks, since a data-dependent branch on random activations mispredicts often (2.5× slower
 * measured). NaN (sign bit clear) wins its window, as in PyTorch. The 2×2 stride-2 window runs
 * in WebAssembly SIMD when the GEMM does (maxpool-wasm.ts: the same keys, order and tie rule), and
 * so does backward's routing for every window (the same float32 sums in output order).
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
  private readonly xBits = new Int32View();

  constructor(opts: MaxPool2dOptions) {
    this.name = opts.name;
    this.kernel = opts.kernel;
    this.stride = opts.stride ?? opts.kernel;
    if (!(this.kernel >= 1 && this.stride >= 1)) throw new Error(`${this.name}: bad kernel/stride`);
  }

  outputShape(inputShape: readonly number[]): number[] {
    const [c, h, w] = inputShape;
    if (inputShape.length !== 3 || c === undefined || h === undefined || w === undefined) {
      throw new Error(
        `${this.name}: expects per-sample shape [C, H, W], got [${inputShape.join(', ')}]`,
      );
    }
    const ho = Math.floor((h - this.kernel) / this.stride) + 1;
    const wo = Math.floor((w - this.kernel) / this.stride) + 1;
    if (ho < 1 || wo < 1)
      throw new Error(`${this.name}: input ${h}×${w} is smaller than the window`);
    return [c, ho, wo];
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
    const xb = this.xBits.of(xd);
    const yd = y.data;
    const wasm = k === 2 && s === 2 ? activeWasmKernels() : null;
    if (wasm) {
      if (yd.length > 0) wasm.maxPool2x2(xd, n * c, h, w, ho, wo, yd, arg);
    } else if (k === 2) pool2(xb, xd, yd, arg, n * c, h, w, ho, wo, s);
    else poolK(xb, xd, yd, arg, n * c, h, w, ho, wo, k, s);
    this.inputShape = x.shape;
    return y;
  }

  backward(dy: Tensor, _ctx: RunContext): Tensor {
    const dx = this.dxSlot.get(this.inputShape);
    const dyd = dy.data;
    const arg = this.argmax;
    const wasm = activeWasmKernels();
    if (wasm && dx.data.length > 0) {
      wasm.maxPoolBackward(dyd, arg, dx.data);
      return dx;
    }
    const dxd = dx.data.fill(0);
    for (let o = 0; o < dyd.length; o++) dxd[arg[o]!]! += dyd[o]!;
    return dx;
  }
}

function poolK(
  xb: Int32Array,
  xd: Float32Array,
  yd: Float32Array,
  arg: Int32Array,
  planes: number,
  h: number,
  w: number,
  ho: number,
  wo: number,
  k: number,
  s: number,
): void {
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * h * w;
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++, o++) {
        const start = base + oh * s * w + ow * s;
        let best = start;
        let bestKey = orderKey(xb[start]!);
        for (let ki = 0; ki < k; ki++) {
          const row = start + ki * w;
          for (let kj = 0; kj < k; kj++) {
            const key = orderKey(xb[row + kj]!);
            const take = -+(key > bestKey);
            bestKey ^= (bestKey ^ key) & take;
            best ^= (best ^ (row + kj)) & take;
          }
        }
        yd[o] = xd[best]!;
        arg[o] = best;
      }
    }
  }
}

/** The 2×2 window unrolled (the models' only pooling). */
function pool2(
  xb: Int32Array,
  xd: Float32Array,
  yd: Float32Array,
  arg: Int32Array,
  planes: number,
  h: number,
  w: number,
  ho: number,
  wo: number,
  s: number,
): void {
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * h * w;
    for (let oh = 0; oh < ho; oh++) {
      let i = base + oh * s * w;
      for (let ow = 0; ow < wo; ow++, o++, i += s) {
        let best = i;
        let bestKey = orderKey(xb[i]!);
        let key = orderKey(xb[i + 1]!);
        let take = -+(key > bestKey);
        bestKey ^= (bestKey ^ key) & take;
        best ^= (best ^ (i + 1)) & take;
        key = orderKey(xb[i + w]!);
        take = -+(key > bestKey);
        bestKey ^= (bestKey ^ key) & take;
        best ^= (best ^ (i + w)) & take;
        key = orderKey(xb[i + w + 1]!);
        take = -+(key > bestKey);
        best ^= (best ^ (i + w + 1)) & take;
        yd[o] = xd[best]!;
        arg[o] = best;
      }
    }
  }
}
