import { initWeights, type WeightInit } from '../init.ts';
import { matmul, matmulNT, matmulTN } from '../kernels/gemm.ts';
import { segmentSums } from '../kernels/segment-sums.ts';
import type { Buffer, Layer, Param, RunContext } from '../layer.ts';
import type { Rng } from '../rng.ts';
import { batchOf, type Tensor, TensorSlot } from '../tensor.ts';
import { createParam } from './param.ts';
import { SegmentFold } from './segment-fold.ts';

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
   * rounded once: dW in one pass (`segmentSums`), db through the fold.
   */
  private summedGradients(
    dy: Float32Array,
    x: Float32Array,
    offsets: readonly number[],
    dw: Float32Array,
    db: Float32Array | null,
  ): void {
    const out = this.outFeatures;
    segmentSums(out, this.inFeatures, dy, x, offsets, dw);
    if (db) {
      const fold = this.fold;
      const segments = offsets.length - 1;
      for (let k = 0; k < segments; k++) {
        const sums = this.biasSums.fill(0);
        for (let i = offsets[k]!, o = i * out; i < offsets[k + 1]!; i++)
          for (let j = 0; j < out; j++, o++) sums[j]! += dy[o]!;
        fold.part(0, out).set(sums);
        fold.add(k === 0, 1, out);
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
