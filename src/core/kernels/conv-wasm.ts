import { align4, blockDepth, type WasmKernels } from './gemm-wasm.ts';
import { MR, NR } from './gemm-wasm-module.ts';
import type { Im2col } from './im2col.ts';

/**
 * A Conv2d's products on the WebAssembly kernels with im2col fused into packing: each sample is
 * copied once into a zero-bordered buffer in the module's memory and packGather reads the columns
 * straight from it through the plan's index map (no column matrix is ever written; whole blocks
 * move runs of neighbouring positions as vectors: packGatherRuns, packGatherRunsT), and col2im
 * (gatherSum4, gatherSum for the last inputs) reads the padded product Wᵀ·dY_n in place.
 * Arithmetic and order are those of the JS path (Im2col + matmul*), so both give identical bits.
 */
export class ConvWasm {
  private readonly ckk: number;
  private readonly hw: number;
  private readonly inSize: number;
  private readonly padSize: number;
  private readonly key: string;

  constructor(
    private readonly k: WasmKernels,
    private readonly plan: Im2col,
    private readonly outC: number,
  ) {
    const g = plan.g;
    this.ckk = g.c * g.k * g.k;
    this.hw = g.ho * g.wo;
    this.inSize = g.c * g.h * g.w;
    this.padSize = g.c * plan.hp * plan.wp;
    this.key = `${g.c},${g.h},${g.w},${g.k},${g.stride},${g.pad}`;
  }

  /**
   * y[n, outC, Ho, Wo] = W · col_n for every sample, then f32(y + bias[o]) per output channel
   * when there is a bias (added to the product in the module's memory, as Conv2d's JS path adds it).
   */
  forward(
    x: Float32Array,
    n: number,
    weight: Float32Array,
    bias: Float32Array | null,
    y: Float32Array,
  ): void {
    if (n === 0) return;
    const { k, ckk, hw, outC, inSize, padSize } = this;
    const ex = k.ex;
    const gIdx = this.gatherMap();
    const mBlocks = Math.ceil(outC / MR);
    const mPad = mBlocks * MR;
    const nBlocks = Math.ceil(hw / NR);
    const nPad = nBlocks * NR;
    const fullBlocks = Math.floor(hw / NR);
    const kc = blockDepth(ckk);

    let off = k.scratch;
    const wOff = off;
    off += align4(outC * ckk);
    const apOff = off;
    off += mPad * ckk;
    const xpOff = off;
    off += align4(padSize);
    const bpOff = off;
    off += nPad * kc;
    const cOff = off;
    off += mPad * nPad;
    const biasOff = off;
    off += align4(outC);
    const xAllOff = off;
    off += n * inSize;
    const heap = k.reserve(off - k.scratch);

    heap.set(weight, wOff);
    if (bias) heap.set(bias, biasOff);
    for (let k0 = 0; k0 < ckk; k0 += kc) {
      const kb = Math.min(kc, ckk - k0);
      ex.packA(wOff * 4, ckk * 4, 4, outC, k0, kb, (apOff + mPad * k0) * 4, mBlocks);
    }
    heap.fill(0, xpOff, xpOff + padSize);
    heap.set(x.subarray(0, n * inSize), xAllOff);
    for (let i = 0; i < n; i++) {
      this.copyPadded(xAllOff + i * inSize, xpOff);
      for (let k0 = 0; k0 < ckk; k0 += kc) {
        const kb = Math.min(kc, ckk - k0);
        // Whole blocks of eight positions (moved as runs where they are), then the ragged last.
        if (fullBlocks > 0)
          ex.packGatherRuns(xpOff * 4, gIdx * 4, hw * 4, k0, kb, bpOff * 4, fullBlocks);
        if (nBlocks > fullBlocks) {
          const at = fullBlocks * NR;
          const bp = (bpOff + at * kb) * 4;
          ex.packGather(xpOff * 4, (gIdx + at) * 4, 4, hw * 4, hw - at, k0, kb, bp, 1);
        }
        const ap = (apOff + mPad * k0) * 4;
        ex.kernel(ap, bpOff * 4, cOff * 4, mBlocks, nBlocks, kb, nPad * 4, k0 > 0 ? 1 : 0);
      }
      if (bias) ex.addRowBias(cOff * 4, biasOff * 4, outC, nPad * 4);
      if (nPad !== hw) ex.moveRows(cOff * 4, nPad * 4, cOff * 4, hw * 4, hw * 4, outC, 0);
      y.set(heap.subarray(cOff, cOff + outC * hw), i * outC * hw);
    }
  }

  /**
   * dw = Σ_n dY_n · col_nᵀ (sample order); dx_n = col2im(Wᵀ · dY_n) unless dx is null.
   */
  backward(
    x: Float32Array,
    n: number,
    dy: Float32Array,
    weight: Float32Array,
    dw: Float32Array,
    dx: Float32Array | null,
  ): void {
    if (n === 0) {
      dw.fill(0);
      return;
    }
    const { k, ckk, hw, outC, inSize, padSize } = this;
    const ex = k.ex;
    const kk = this.plan.g.k * this.plan.g.k;
    const gIdx = this.gatherMap();
    const sIdx = dx ? this.col2imMap() : 0;
    const sIdxT = dx ? this.col2imMapT(sIdx) : 0;
    const in4 = inSize & ~3;
    const mBlocksO = Math.ceil(outC / MR);
    const mPadO = mBlocksO * MR;
    const mBlocksC = Math.ceil(ckk / MR);
    const mPadC = mBlocksC * MR;
    const nBlocksC = Math.ceil(ckk / NR);
    const nPadC = nBlocksC * NR;
    const fullBlocksC = Math.floor(ckk / NR);
    const nBlocksHW = Math.ceil(hw / NR);
    const nPadHW = nBlocksHW * NR;
    const kcHW = blockDepth(hw);
    const kcO = blockDepth(outC);

    let off = k.scratch;
    const wOff = off;
    off += align4(outC * ckk);
    const apTOff = off;
    off += mPadC * outC;
    const xpOff = off;
    off += align4(padSize);
    const dyOff = off;
    off += align4(outC * hw);
    const apDyOff = off;
    off += mPadO * kcHW;
    const bpGOff = off;
    off += nPadC * kcHW;
    const cDwOff = off;
    off += mPadO * nPadC;
    const bpDyOff = off;
    off += nPadHW * kcO;
    const cDcolOff = off;
    off += mPadC * nPadHW + 4;
    const dxOff = off;
    off += align4(inSize);
    const xAllOff = off;
    off += n * inSize;
    const heap = k.reserve(off - k.scratch);

    if (dx) {
      heap.set(weight, wOff);
      // op(A) = Wᵀ: A[i = ckk index, k = output channel] = W[k·ckk + i].
      for (let k0 = 0; k0 < outC; k0 += kcO) {
        const kb = Math.min(kcO, outC - k0);
        ex.packA(wOff * 4, 4, ckk * 4, ckk, k0, kb, (apTOff + mPadC * k0) * 4, mBlocksC);
      }
    }
    heap.fill(0, xpOff, xpOff + padSize);
    heap.set(x.subarray(0, n * inSize), xAllOff);
    const sample = outC * hw;
    for (let i = 0; i < n; i++) {
      this.copyPadded(xAllOff + i * inSize, xpOff);
      heap.set(dy.subarray(i * sample, (i + 1) * sample), dyOff);
      for (let k0 = 0; k0 < hw; k0 += kcHW) {
        const kb = Math.min(kcHW, hw - k0);
        ex.packA(dyOff * 4, hw * 4, 4, outC, k0, kb, apDyOff * 4, mBlocksO);
        // op(B) = col_nᵀ: B[k = position, j = ckk index] = col[j·hw + k].
        // Whole blocks of eight taps (four positions at a time, as runs where they are), then
        // the ragged last.
        if (fullBlocksC > 0)
          ex.packGatherRunsT(xpOff * 4, gIdx * 4, hw * 4, k0, kb, bpGOff * 4, fullBlocksC);
        if (nBlocksC > fullBlocksC) {
          const at = fullBlocksC * NR;
          const bp = (bpGOff + at * kb) * 4;
          ex.packGather(xpOff * 4, (gIdx + at * hw) * 4, hw * 4, 4, ckk - at, k0, kb, bp, 1);
        }
        const load = i > 0 || k0 > 0 ? 1 : 0;
        ex.kernel(apDyOff * 4, bpGOff * 4, cDwOff * 4, mBlocksO, nBlocksC, kb, nPadC * 4, load);
      }
      if (!dx) continue;
      for (let k0 = 0; k0 < outC; k0 += kcO) {
        const kb = Math.min(kcO, outC - k0);
        ex.packB(dyOff * 4, 4, hw * 4, hw, k0, kb, bpDyOff * 4, nBlocksHW);
        const ap = (apTOff + mPadC * k0) * 4;
        const load = k0 > 0 ? 1 : 0;
        ex.kernel(ap, bpDyOff * 4, cDcolOff * 4, mBlocksC, nBlocksHW, kb, nPadHW * 4, load);
      }
      heap[cDcolOff + mPadC * nPadHW] = 0;
      // Four inputs at a time through the transposed map, then the last inSize mod 4.
      if (in4 > 0) ex.gatherSum4(dxOff * 4, cDcolOff * 4, sIdxT * 4, in4, kk, inSize * 4);
      if (in4 < inSize) {
        const at = (sIdx + in4 * kk) * 4;
        ex.gatherSum((dxOff + in4) * 4, cDcolOff * 4, at, inSize - in4, kk);
      }
      dx.set(heap.subarray(dxOff, dxOff + inSize), i * inSize);
    }
    if (nPadC !== ckk) ex.moveRows(cDwOff * 4, nPadC * 4, cDwOff * 4, ckk * 4, ckk * 4, outC, 0);
    dw.set(heap.subarray(cDwOff, cDwOff + outC * ckk));
  }

  /**
   * One sample, already in the module's memory at `src`, into the zero-bordered buffer at `dst`
   * (floats): each channel's rows moved to the padded pitch (the border stays zero).
   */
  private copyPadded(src: number, dst: number): void {
    const { c, h, w, pad: p } = this.plan.g;
    const { hp, wp } = this.plan;
    const ex = this.k.ex;
    for (let ci = 0; ci < c; ci++) {
      const from = src + ci * h * w;
      const to = dst + (ci * hp + p) * wp + p;
      ex.moveRows(from * 4, w * 4, to * 4, wp * 4, w * 4, h, 0);
    }
  }

  /** Byte offsets into the padded sample for each column entry (row-major [ckk, hw]). */
  private gatherMap(): number {
    const src = this.plan.gatherIndex;
    return this.k.persistentBlock(`im2col:${this.key}`, src.length, (i32, at) => {
      for (let e = 0; e < src.length; e++) i32[at + e] = src[e]! * 4;
    });
  }

  /** For each input and (ki, kj), the byte offset of its entry in the padded Wᵀ·dY_n, or of the zero slot. */
  private col2imMap(): number {
    const src = this.plan.scatterIndex;
    const hw = this.hw;
    const nPadHW = Math.ceil(hw / NR) * NR;
    const mPadC = Math.ceil(this.ckk / MR) * MR;
    const none = this.plan.colSize;
    return this.k.persistentBlock(`col2im:${this.key}`, src.length, (i32, at) => {
      for (let t = 0; t < src.length; t++) {
        const e = src[t]!;
        i32[at + t] = 4 * (e === none ? mPadC * nPadHW : Math.floor(e / hw) * nPadHW + (e % hw));
      }
    });
  }

  /** The col2im map transposed: row t (of k²) holds every input's t-th offset (gatherSum4). */
  private col2imMapT(map: number): number {
    const kk = this.plan.g.k * this.plan.g.k;
    const n = this.inSize;
    return this.k.persistentBlock(`col2imT:${this.key}`, n * kk, (i32, at) => {
      for (let i = 0; i < n; i++) {
        for (let t = 0; t < kk; t++) i32[at + t * n + i] = i32[map + i * kk + t]!;
      }
    });
  }
}
