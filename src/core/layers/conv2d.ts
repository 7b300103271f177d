import { initWeights, type WeightInit } from '../init.ts';
import { channelSumsWasm } from '../kernels/channel-passes.ts';
import { ConvWasm } from '../kernels/conv-wasm.ts';
import { activeWasmKernels, matmul, matmulNT, matmulTN } from '../kernels/gemm.ts';
import type { WasmKernels } from '../kernels/gemm-wasm.ts';
import { type ConvGeometry, convOutSize, Im2col } from '../kernels/im2col.ts';
import { SampleViews } from '../kernels/sample-views.ts';
import type { Buffer, Layer, Param, RunContext } from '../layer.ts';
import type { Rng } from '../rng.ts';
import { batchOf, type Tensor, TensorSlot } from '../tensor.ts';
import { createParam } from './param.ts';
import { SegmentFold } from './segment-fold.ts';

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
 * Sample by sample: Y_n = W · col_n lands directly in NCHW order (no reordering pass), and
 * backward accumulates dW = Σ_n dY_n · col_nᵀ in sample order (the same bits as one product over
 * the batch), then dx_n = col2im(Wᵀ · dY_n). With the WebAssembly kernels, im2col is fused into
 * packing (ConvWasm), the bias is added in the module's memory and its gradient's per-channel sums
 * run there (several channels' chains at once, each in sample order); otherwise forward keeps every
 * sample's columns for backward. Both paths give identical bits.
 */
export class Conv2d implements Layer {
  readonly kind = 'conv2d';
  readonly segmentedGradients = true;
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
  /** Every sample's columns from the last forward, [N, C·k·k·Ho·Wo]. */
  private readonly colSlot = new TensorSlot();
  private readonly colViews = new SampleViews();
  /** One sample's column gradient (+1 zero slot for col2im). */
  private dcol = new Float32Array(0);
  /** Set together with `geometry` (setGeometry), so non-null wherever a geometry exists. */
  private plan: Im2col | null = null;
  /** Whether colSlot holds the columns of the last forward's input (JS path only). */
  private colsFresh = false;
  private wasmConv: ConvWasm | null = null;
  private wasmConvKernels: WasmKernels | null = null;
  private geometry: ConvGeometry | null = null;
  private input: Tensor | null = null;
  private readonly fold = new SegmentFold();

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
    if (inputShape.length !== 3 || c !== this.inChannels || h === undefined || w === undefined) {
      throw new Error(
        `${this.name}: expects per-sample shape [${this.inChannels}, H, W], got [${inputShape.join(', ')}]`,
      );
    }
    const ho = convOutSize(h, this.kernel, this.stride, this.padding);
    const wo = convOutSize(w, this.kernel, this.stride, this.padding);
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
    this.setGeometry(x.shape[2]!, x.shape[3]!, ho, wo);
    const ckk = this.inChannels * this.kernel * this.kernel;
    const hw = ho * wo;
    const y = this.out.get([n, outC, ho, wo]);
    const ys = this.outViews.get(y.data, n, outC * hw);
    const plan = this.plan!;
    const wasm = this.wasmFor(plan);
    const b = this.bias?.value;
    if (wasm) {
      wasm.forward(x.data, n, this.weight.value, b ?? null, y.data);
      this.colsFresh = false;
    } else {
      this.fillColumns(x.data, n);
      const cols = this.colViews.get(this.colSlot.get([n, plan.colSize]).data, n, plan.colSize);
      for (let i = 0; i < n; i++) matmul(ys[i]!, this.weight.value, cols[i]!, outC, hw, ckk);
    }
    if (b && !wasm) {
      const yd = y.data;
      for (let i = 0; i < n; i++) {
        for (let o = 0; o < outC; o++) {
          const bo = b[o]!;
          for (let t = (i * outC + o) * hw, end = t + hw; t < end; t++) yd[t] = yd[t]! + bo;
        }
      }
    }
    this.input = x;
    return y;
  }

  backward(dy: Tensor, ctx: RunContext): Tensor {
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
    const dx = this.dxSlot.get([n, g.c, g.h, g.w]);
    if (!this.inputGradient) dx.data.fill(0);
    const plan = this.plan!;
    const wasm = this.wasmFor(plan);
    if (!wasm && !this.colsFresh) this.fillColumns(x.data, n);
    const segments = ctx.segments;
    if (segments?.summed && segments.offsets.length > 2) {
      // Each segment's gradients into scratch, folded in segment order (SegmentFold).
      const fold = this.fold;
      const dwSum = segments.grads(this.weight)[0]!;
      const dbSum = this.bias ? segments.grads(this.bias)[0]! : null;
      const offsets = segments.offsets;
      const wLen = dwSum.length;
      const len = wLen + (dbSum?.length ?? 0);
      const segs = offsets.length - 1;
      for (let k0 = 0; k0 < segs; k0 += SegmentFold.WIDTH) {
        const count = Math.min(SegmentFold.WIDTH, segs - k0);
        for (let s = 0; s < count; s++) {
          const part = fold.part(s, len);
          const db = dbSum ? part.subarray(wLen) : null;
          const [from, to] = [offsets[k0 + s]!, offsets[k0 + s + 1]!];
          this.backwardSamples(dy.data, from, to, part.subarray(0, wLen), db, dx.data, wasm);
        }
        fold.add(k0 === 0, count, len);
      }
      const both = fold.part(0, len);
      fold.writeTo(both);
      dwSum.set(both.subarray(0, wLen));
      dbSum?.set(both.subarray(wLen));
    } else if (segments) {
      const wGrads = segments.grads(this.weight);
      const bGrads = this.bias ? segments.grads(this.bias) : null;
      const offsets = segments.offsets;
      for (let k = 0; k + 1 < offsets.length; k++) {
        this.backwardSamples(
          dy.data,
          offsets[k]!,
          offsets[k + 1]!,
          wGrads[k]!,
          bGrads?.[k] ?? null,
          dx.data,
          wasm,
        );
      }
    } else {
      this.backwardSamples(dy.data, 0, n, this.weight.grad, this.bias?.grad ?? null, dx.data, wasm);
    }
    return dx;
  }

  /**
   * Samples [from, to): their weight and bias gradients (summed over those samples alone, in
   * sample order) into dw and db, their input gradients into dx.
   */
  private backwardSamples(
    dyd: Float32Array,
    from: number,
    to: number,
    dw: Float32Array,
    db: Float32Array | null,
    dx: Float32Array,
    wasm: ConvWasm | null,
  ): void {
    const g = this.geometry!;
    const x = this.input!;
    const hw = g.ho * g.wo;
    const outC = this.outChannels;
    const ckk = this.inChannels * this.kernel * this.kernel;
    const inSize = this.inChannels * g.h * g.w;
    const outSize = outC * hw;
    const kernels = wasm && to > from ? activeWasmKernels() : null;
    if (db && kernels) channelSumsWasm(kernels, dyd, outC, hw, from, to, db);
    else if (db) {
      for (let o = 0; o < outC; o++) {
        let sum = 0;
        for (let i = from; i < to; i++) {
          for (let t = (i * outC + o) * hw, end = t + hw; t < end; t++) sum += dyd[t]!;
        }
        db[o] = sum;
      }
    }
    if (wasm) {
      wasm.backward(
        x.data.subarray(from * inSize, to * inSize),
        to - from,
        dyd.subarray(from * outSize, to * outSize),
        this.weight.value,
        dw,
        this.inputGradient ? dx.subarray(from * inSize, to * inSize) : null,
      );
      return;
    }
    if (to === from) dw.fill(0);
    const n = batchOf(x);
    const plan = this.plan!;
    const dys = this.dyViews.get(dyd, n, outSize);
    const cols = this.colViews.get(this.colSlot.get([n, plan.colSize]).data, n, plan.colSize);
    const dcol = this.dcol;
    for (let i = from; i < to; i++) {
      const dyi = dys[i]!;
      matmulNT(dw, dyi, cols[i]!, outC, ckk, hw, i > from);
      if (this.inputGradient) {
        matmulTN(dcol, this.weight.value, dyi, ckk, hw, outC);
        plan.col2im(dcol, dx, i * inSize);
      }
    }
  }

  /** The fused WebAssembly path when those kernels are active (rebuilt if the plan changed). */
  private wasmFor(plan: Im2col): ConvWasm | null {
    const kernels = activeWasmKernels();
    if (!kernels) return null;
    if (!this.wasmConv || this.wasmConvKernels !== kernels) {
      this.wasmConv = new ConvWasm(kernels, plan, this.outChannels);
      this.wasmConvKernels = kernels;
    }
    return this.wasmConv;
  }

  private fillColumns(x: Float32Array, n: number): void {
    const plan = this.plan!;
    const inSize = this.inChannels * plan.g.h * plan.g.w;
    const cols = this.colViews.get(this.colSlot.get([n, plan.colSize]).data, n, plan.colSize);
    for (let i = 0; i < n; i++) plan.im2col(x, i * inSize, cols[i]!);
    this.colsFresh = true;
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
    this.plan = new Im2col(g);
    this.dcol = new Float32Array(this.plan.colSize + 1);
    this.wasmConv = null;
    this.colsFresh = false;
    this.geometry = g;
    return g;
  }
}
