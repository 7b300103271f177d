import { initWeights, type WeightInit } from '../init.ts';
import { matmul, matmulNT, matmulTN } from '../kernels/gemm.ts';
import { type ConvGeometry, col2im, convOutSize, im2col } from '../kernels/im2col.ts';
import { SampleViews } from '../kernels/sample-views.ts';
import type { Buffer, Layer, Param, RunContext } from '../layer.ts';
import type { Rng } from '../rng.ts';
import { batchOf, type Tensor, TensorSlot } from '../tensor.ts';
import { createParam } from './param.ts';

export interface Conv2dOptions {
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Square kernel size. */
  readonly kernel: number;
  readonly stride?: number;
  /** Zero padding on every side. */
  readonly padding?: number;
  readonly rng: Rng;
  readonly bias?: boolean;
  readonly init?: WeightInit;
  /** false for a model's first layer: backward skips Wᵀ·dY and col2im, returns zeros. */
  readonly inputGradient?: boolean;
}

/**
 * 2-D convolution (cross-correlation, as in PyTorch), NCHW, weight [outC, inC, k, k].
 * Sample by sample, so one sample's im2col columns stay in cache: Y_n = W · col_n lands directly
 * in NCHW order; backward recomputes col_n from the kept input (cheaper than storing the batch's
 * columns) and accumulates dW = Σ_n dY_n · col_nᵀ in sample order, then dx_n = col2im(Wᵀ · dY_n).
 */
export class Conv2d implements Layer {
  readonly kind = 'conv2d';
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  readonly weight: Param;
  readonly bias: Param | null;
  private readonly inputGradient: boolean;
  private readonly out = new TensorSlot();
  private readonly dxSlot = new TensorSlot();
  private readonly outViews = new SampleViews();
  private readonly dyViews = new SampleViews();
  /** One sample's im2col columns and their gradient, [C·k·k, Ho·Wo], sized exactly. */
  private col = new Float32Array(0);
  private dcol = new Float32Array(0);
  private geometry: ConvGeometry | null = null;
  private input: Tensor | null = null;

  constructor(opts: Conv2dOptions) {
    const { name, inChannels, outChannels, kernel } = opts;
    this.name = name;
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernel = kernel;
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
    if (
      !(inChannels >= 1 && outChannels >= 1 && kernel >= 1 && this.stride >= 1 && this.padding >= 0)
    ) {
      throw new Error(
        `${name}: bad conv options ${JSON.stringify({ inChannels, outChannels, kernel, stride: this.stride, padding: this.padding })}`,
      );
    }
    this.inputGradient = opts.inputGradient ?? true;
    const kk = kernel * kernel;
    this.weight = createParam(`${name}.weight`, [outChannels, inChannels, kernel, kernel], true);
    this.bias = (opts.bias ?? true) ? createParam(`${name}.bias`, [outChannels], false) : null;
    initWeights(
      this.weight.value,
      this.bias?.value ?? null,
      inChannels * kk,
      outChannels * kk,
      opts.init ?? 'torch',
      opts.rng,
    );
  }

  outputShape(inputShape: readonly number[]): number[] {
    const [c, h, w] = inputShape;
    if (inputShape.length !== 3 || c !== this.inChannels) {
      throw new Error(
        `${this.name}: expects per-sample shape [${this.inChannels}, H, W], got [${inputShape.join(', ')}]`,
      );
    }
    const ho = convOutSize(h!, this.kernel, this.stride, this.padding);
    const wo = convOutSize(w!, this.kernel, this.stride, this.padding);
    if (ho < 1 || wo < 1) {
      throw new Error(`${this.name}: input ${h}×${w} is smaller than the kernel`);
    }
    return [this.outChannels, ho, wo];
  }

  params(): Param[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  buffers(): Buffer[] {
    return [];
  }

  forward(x: Tensor, _ctx: RunContext): Tensor {
    const [outC, ho, wo] = this.outputShape(x.shape.slice(1)) as [number, number, number];
    const n = batchOf(x);
    const g = this.setGeometry(x.shape[2]!, x.shape[3]!, ho, wo);
    const ckk = this.inChannels * this.kernel * this.kernel;
    const hw = ho * wo;
    const inSize = this.inChannels * g.h * g.w;
    const y = this.out.get([n, outC, ho, wo]);
    const ys = this.outViews.get(y.data, n, outC * hw);
    const b = this.bias?.value;
    const col = this.col;
    for (let i = 0; i < n; i++) {
      im2col(x.data, i * inSize, g, col);
      const yi = ys[i]!;
      matmul(yi, this.weight.value, col, outC, hw, ckk);
      if (b) {
        for (let o = 0; o < outC; o++) {
          const bo = b[o]!;
          for (let t = o * hw, end = t + hw; t < end; t++) yi[t] = yi[t]! + bo;
        }
      }
    }
    this.input = x;
    return y;
  }

  backward(dy: Tensor, _ctx: RunContext): Tensor {
    const g = this.geometry;
    const x = this.input;
    if (!g || !x) throw new Error(`${this.name}: backward before forward`);
    const n = batchOf(x);
    const { ho, wo } = g;
    const outC = this.outChannels;
    if (
      dy.shape.length !== 4 ||
      dy.shape[0] !== n ||
      dy.shape[1] !== outC ||
      dy.shape[2] !== ho ||
      dy.shape[3] !== wo
    ) {
      throw new Error(
        `${this.name}: dy shape [${dy.shape.join(', ')}], expected [${n}, ${outC}, ${ho}, ${wo}]`,
      );
    }
    const hw = ho * wo;
    const ckk = this.inChannels * this.kernel * this.kernel;
    const inSize = this.inChannels * g.h * g.w;
    const dyd = dy.data;
    const bg = this.bias?.grad;
    if (bg) {
      for (let o = 0; o < outC; o++) {
        let sum = 0;
        for (let i = 0; i < n; i++) {
          for (let t = (i * outC + o) * hw, end = t + hw; t < end; t++) sum += dyd[t]!;
        }
        bg[o] = sum;
      }
    }
    const dw = this.weight.grad;
    if (n === 0) dw.fill(0);
    const dx = this.dxSlot.get([n, g.c, g.h, g.w]);
    if (!this.inputGradient) dx.data.fill(0);
    const dys = this.dyViews.get(dyd, n, outC * hw);
    const col = this.col;
    const dcol = this.dcol;
    for (let i = 0; i < n; i++) {
      const dyi = dys[i]!;
      im2col(x.data, i * inSize, g, col);
      matmulNT(dw, dyi, col, outC, ckk, hw, i > 0);
      if (this.inputGradient) {
        matmulTN(dcol, this.weight.value, dyi, ckk, hw, outC);
        col2im(dcol, g, dx.data, i * inSize);
      }
    }
    return dx;
  }

  private setGeometry(h: number, w: number, ho: number, wo: number): ConvGeometry {
    const prev = this.geometry;
    if (prev && prev.h === h && prev.w === w) return prev;
    const k = this.kernel;
    const g: ConvGeometry = {
      c: this.inChannels,
      h,
      w,
      k,
      stride: this.stride,
      pad: this.padding,
      ho,
      wo,
    };
    const size = this.inChannels * k * k * ho * wo;
    this.col = new Float32Array(size);
    this.dcol = new Float32Array(size);
    this.geometry = g;
    return g;
  }
}
