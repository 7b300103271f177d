import { initWeights, type WeightInit } from '../init.ts';
import { gemmStrided, matmul, matmulNT, matmulTN } from '../kernels/gemm.ts';
import type { Buffer, Layer, Param, RunContext } from '../layer.ts';
import type { Rng } from '../rng.ts';
import { batchOf, type Tensor, TensorSlot } from '../tensor.ts';
import { createParam } from './param.ts';
import { SegmentFold } from './segment-fold.ts';

/** Values of dW per block of the summed segment gradients (the accumulator stays in cache). */
const FOLD_BLOCK = 1 << 14;

export interface DenseOptions {
  readonly name: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly rng: Rng;
  readonly bias?: boolean;
  readonly init?: WeightInit;
  /**
   * false for a model's first layer, whose input gradient nobody reads: backward then skips that
   * product (a third of the layer's backward work) and returns an all-zero gradient.
   */
  readonly inputGradient?: boolean;
}

/** y = x·Wᵀ + b with x [N, in], W [out, in] (PyTorch layout), y [N, out]. */
export class Dense implements Layer {
  readonly kind = 'dense';
  readonly segmentedGradients = true;
  readonly name: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Param;
  readonly bias: Param | null;
  private readonly inputGradient: boolean;
  private readonly out = new TensorSlot();
  private readonly dxSlot = new TensorSlot();
  private readonly biasSums: Float64Array;
  private input: Tensor | null = null;
  private readonly fold = new SegmentFold();

  constructor(opts: DenseOptions) {
    const { name, inFeatures, outFeatures } = opts;
    if (!(inFeatures >= 1 && outFeatures >= 1)) {
      throw new Error(`${name}: features must be ≥ 1, got ${inFeatures} → ${outFeatures}`);
    }
    this.name = name;
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.inputGradient = opts.inputGradient ?? true;
    this.weight = createParam(`${name}.weight`, [outFeatures, inFeatures], true);
    this.bias = (opts.bias ?? true) ? createParam(`${name}.bias`, [outFeatures], false) : null;
    this.biasSums = new Float64Array(outFeatures);
    initWeights(
      this.weight.value,
      this.bias?.value ?? null,
      inFeatures,
      outFeatures,
      opts.init ?? 'torch',
      opts.rng,
    );
  }

  outputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== 1 || inputShape[0] !== this.inFeatures) {
      throw new Error(
        `${this.name}: expects per-sample shape [${this.inFeatures}], got [${inputShape.join(', ')}]`,
      );
    }
    return [this.outFeatures];
  }

  params(): Param[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  buffers(): Buffer[] {
    return [];
  }

  forward(x: Tensor, _ctx: RunContext): Tensor {
    this.outputShape(x.shape.slice(1));
    const n = batchOf(x);
    const out = this.outFeatures;
    const y = this.out.get([n, out]);
    matmulNT(y.data, x.data, this.weight.value, n, out, this.inFeatures);
    const b = this.bias?.value;
    if (b) {
      const yd = y.data;
      for (let i = 0, o = 0; i < n; i++) for (let j = 0; j < out; j++, o++) yd[o] = yd[o]! + b[j]!;
    }
    this.input = x;
    return y;
  }

  backward(dy: Tensor, ctx: RunContext): Tensor {
    const x = this.input;
    if (!x) throw new Error(`${this.name}: backward before forward`);
    const n = batchOf(x);
    const inF = this.inFeatures;
    const out = this.outFeatures;
    if (dy.shape.length !== 2 || dy.shape[0] !== n || dy.shape[1] !== out) {
      throw new Error(`${this.name}: dy shape [${dy.shape.join(', ')}], expected [${n}, ${out}]`);
    }
    const segments = ctx.segments;
    if (segments?.summed && segments.offsets.length > 2) {
      this.summedGradients(
        dy.data,
        x.data,
        segments.offsets,
        segments.grads(this.weight)[0]!,
        this.bias ? segments.grads(this.bias)[0]! : null,
      );
    } else if (segments) {
      // One array per segment (or one segment, whose sum is its own gradient).
      const wGrads = segments.grads(this.weight);
      const bGrads = this.bias ? segments.grads(this.bias) : null;
      const offsets = segments.offsets;
      for (let k = 0; k + 1 < offsets.length; k++) {
        const from = offsets[k]!;
        const to = offsets[k + 1]!;
        this.paramGradients(dy.data, x.data, from, to, wGrads[k]!, bGrads?.[k] ?? null);
      }
    } else {
      this.paramGradients(dy.data, x.data, 0, n, this.weight.grad, this.bias?.grad ?? null);
    }
    const dx = this.dxSlot.get([n, inF]);
    if (this.inputGradient) matmul(dx.data, dy.data, this.weight.value, n, inF, out);
    else dx.data.fill(0);
    return dx;
  }

  /**
   * Every segment's dW and db (as paramGradients gives them) summed in segment order in float64,
   * rounded once (SegmentFold), block of output rows by block so the sum stays in cache.
   */
  private summedGradients(
    dy: Float32Array,
    x: Float32Array,
    offsets: readonly number[],
    dw: Float32Array,
    db: Float32Array | null,
  ): void {
    const inF = this.inFeatures;
    const out = this.outFeatures;
    const fold = this.fold;
    const rows = Math.max(1, Math.min(out, Math.floor(FOLD_BLOCK / inF)));
    const segments = offsets.length - 1;
    const W = SegmentFold.WIDTH;
    for (let o0 = 0; o0 < out; o0 += rows) {
      const r = Math.min(rows, out - o0);
      const len = r * inF;
      for (let k0 = 0; k0 < segments; k0 += W) {
        const count = Math.min(W, segments - k0);
        for (let s = 0; s < count; s++) {
          const part = fold.part(s, len);
          const from = offsets[k0 + s]!;
          const n = offsets[k0 + s + 1]! - from;
          // Rows o0… of dyᵀ·x over this segment: the same float32 sums as the whole product's.
          if (n === 0) part.fill(0);
          else
            gemmStrided(
              r,
              inF,
              n,
              dy.subarray(from * out + o0),
              1,
              out,
              x.subarray(from * inF),
              inF,
              1,
              part,
              false,
            );
        }
        if (segments <= W) fold.sumInto(count, dw.subarray(o0 * inF, (o0 + r) * inF));
        else fold.add(k0 === 0, count, len);
      }
      if (segments > W) fold.writeTo(dw.subarray(o0 * inF, (o0 + r) * inF));
    }
    if (db) {
      for (let k0 = 0; k0 < segments; k0 += W) {
        const count = Math.min(W, segments - k0);
        for (let s = 0; s < count; s++) {
          const sums = this.biasSums.fill(0);
          for (let i = offsets[k0 + s]!, o = i * out; i < offsets[k0 + s + 1]!; i++)
            for (let j = 0; j < out; j++, o++) sums[j]! += dy[o]!;
          fold.part(s, out).set(sums);
        }
        fold.add(k0 === 0, count, out);
      }
      fold.writeTo(db);
    }
  }

  /** dW = Σ dyᵢᵀ·xᵢ and db = Σ dyᵢ over samples [from, to), in sample order. */
  private paramGradients(
    dy: Float32Array,
    x: Float32Array,
    from: number,
    to: number,
    dw: Float32Array,
    db: Float32Array | null,
  ): void {
    const inF = this.inFeatures;
    const out = this.outFeatures;
    const n = to - from;
    matmulTN(dw, dy.subarray(from * out, to * out), x.subarray(from * inF, to * inF), out, inF, n);
    if (db) {
      const sums = this.biasSums.fill(0);
      for (let i = from, o = from * out; i < to; i++)
        for (let j = 0; j < out; j++, o++) sums[j]! += dy[o]!;
      db.set(sums);
    }
  }
}
