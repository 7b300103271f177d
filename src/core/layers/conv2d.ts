import { initWeights, type WeightInit } from '../init.ts';
import { matmul, matmulNT, matmulTN } from '../kernels/gemm.ts';
import { type ConvGeometry, col2im, convOutSize, im2col } from '../kernels/im2col.ts';
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
 * The whole batch goes through one GEMM: Y'[outC × N·Ho·Wo] = W · im2col(x); the columns kept from
 * forward serve dW = dY'·colᵀ, and dx = col2im(Wᵀ·dY').
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
  /** im2col of the last input, [C·k·k, N·Ho·Wo]. */
  private readonly colSlot = new TensorSlot();
  private readonly dcolSlot = new TensorSlot();
  /** Output or output gradient in channel-major layout [outC, N·Ho·Wo]. */
  private readonly channelMajor = new TensorSlot();
  private geometry: ConvGeometry | null = null;

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
    if (ho < 1 || wo < 1)
      throw new Error(`${this.name}: input ${h}×${w} is smaller than the kernel`);
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
    const g: ConvGeometry = {
      n,
      c: this.inChannels,
      h: x.shape[2]!,
      w: x.shape[3]!,
      k: this.kernel,
      stride: this.stride,
      pad: this.padding,
      ho,
      wo,
    };
    this.geometry = g;
    const ckk = this.inChannels * this.kernel * this.kernel;
    const cols = n * ho * wo;
    const col = this.colSlot.get([ckk, cols]).data;
    im2col(x.data, g, col);
    const ym = this.channelMajor.get([outC, cols]).data;
    matmul(ym, this.weight.value, col, outC, cols, ckk);

    const y = this.out.get([n, outC, ho, wo]);
    const yd = y.data;
    const hw = ho * wo;
    const b = this.bias?.value;
    for (let o = 0; o < outC; o++) {
      const bo = b ? b[o]! : 0;
      for (let i = 0; i < n; i++) {
        const src = o * cols + i * hw;
        const dst = (i * outC + o) * hw;
        for (let t = 0; t < hw; t++) yd[dst + t] = ym[src + t]! + bo;
      }
    }
    return y;
  }

  backward(dy: Tensor, _ctx: RunContext): Tensor {
    const g = this.geometry;
    if (!g) throw new Error(`${this.name}: backward before forward`);
    const { n, ho, wo } = g;
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
    const cols = n * hw;
    const ckk = this.inChannels * this.kernel * this.kernel;
    const dym = this.channelMajor.get([outC, cols]).data;
    const dyd = dy.data;
    const bg = this.bias?.grad;
    for (let o = 0; o < outC; o++) {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const src = (i * outC + o) * hw;
        const dst = o * cols + i * hw;
        for (let t = 0; t < hw; t++) {
          const v = dyd[src + t]!;
          dym[dst + t] = v;
          sum += v;
        }
      }
      if (bg) bg[o] = sum;
    }
    const col = this.colSlot.get([ckk, cols]).data;
    matmulNT(this.weight.grad, dym, col, outC, ckk, cols);

    const dx = this.dxSlot.get([n, g.c, g.h, g.w]);
    if (!this.inputGradient) {
      dx.data.fill(0);
      return dx;
    }
    // A separate buffer keeps the columns intact, so a second backward after one forward is exact.
    const dcol = this.dcolSlot.get([ckk, cols]).data;
    matmulTN(dcol, this.weight.value, dym, ckk, cols, outC);
    col2im(dcol, g, dx.data);
    return dx;
  }
}
