import { buildGemmModule, MR, NR } from './gemm-wasm-module.ts';

interface GemmExports {
  readonly memory: WebAssembly.Memory;
  moveRows(
    src: number,
    srcStride: number,
    dst: number,
    dstStride: number,
    rowBytes: number,
    rows: number,
    backwards: number,
  ): void;
  packA(
    src: number,
    so: number,
    sk: number,
    n: number,
    k0: number,
    kc: number,
    dst: number,
    blocks: number,
  ): void;
  packB(
    src: number,
    so: number,
    sk: number,
    n: number,
    k0: number,
    kc: number,
    dst: number,
    blocks: number,
  ): void;
  kernel(
    ap: number,
    bp: number,
    cp: number,
    mb: number,
    nb: number,
    kc: number,
    ldc: number,
    acc: number,
  ): void;
}

/** Depth of one packed block: keeps a 4×kc A panel and an 8×kc B panel in L1 (16 + 32 bytes/k). */
export const KC_MAX = 256;

const align4 = (n: number): number => (n + 3) & ~3;

/**
 * Drives the WebAssembly SIMD GEMM: copies A and B into the module's memory, packs them block by
 * block along K and runs the micro-kernel, then copies C out. Memory grows on demand and is kept.
 */
export class WasmGemm {
  private heap: Float32Array;

  private constructor(private readonly ex: GemmExports) {
    this.heap = new Float32Array(ex.memory.buffer);
  }

  /** null when WebAssembly or its SIMD extension is unavailable (the JS kernel takes over). */
  static create(): WasmGemm | null {
    try {
      if (typeof WebAssembly === 'undefined') return null;
      const module = new WebAssembly.Module(buildGemmModule());
      const instance = new WebAssembly.Instance(module, {});
      return new WasmGemm(instance.exports as unknown as GemmExports);
    } catch {
      return null;
    }
  }

  private reserve(floats: number): Float32Array {
    const mem = this.ex.memory;
    const need = floats * 4;
    if (need > mem.buffer.byteLength) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
    if (this.heap.buffer !== mem.buffer) this.heap = new Float32Array(mem.buffer);
    return this.heap;
  }

  /**
   * C[M×N] (=|+=) op(A)·op(B) with op(A)[i,k] = A[i·sai + k·sak], op(B)[k,j] = B[k·sbk + j·sbj].
   * K ≥ 1, M ≥ 1, N ≥ 1.
   */
  run(
    M: number,
    N: number,
    K: number,
    A: Float32Array,
    sai: number,
    sak: number,
    B: Float32Array,
    sbk: number,
    sbj: number,
    C: Float32Array,
    accumulate: boolean,
  ): void {
    const mBlocks = Math.ceil(M / MR);
    const nBlocks = Math.ceil(N / NR);
    const mPad = mBlocks * MR;
    const nPad = nBlocks * NR;
    const kc = Math.ceil(K / Math.ceil(K / KC_MAX));
    const aSize = M * K;
    const bSize = K * N;
    const offA = 0;
    const offB = align4(aSize);
    const offAp = offB + align4(bSize);
    const offBp = offAp + mPad * kc;
    const offC = offBp + nPad * kc;
    const heap = this.reserve(offC + mPad * nPad);

    heap.set(A.length === aSize ? A : A.subarray(0, aSize), offA);
    heap.set(B.length === bSize ? B : B.subarray(0, bSize), offB);
    const ex = this.ex;
    if (accumulate) {
      // C goes in compact at offC, then its rows are spread to the padded pitch (last row first).
      // Rows M..mPad of the padded C are never read back, so they may hold anything.
      heap.set(C.length === M * N ? C : C.subarray(0, M * N), offC);
      if (nPad !== N) ex.moveRows(offC * 4, N * 4, offC * 4, nPad * 4, N * 4, M, 1);
    }
    for (let k0 = 0; k0 < K; k0 += kc) {
      const kb = Math.min(kc, K - k0);
      ex.packA(offA * 4, sai * 4, sak * 4, M, k0, kb, offAp * 4, mBlocks);
      ex.packB(offB * 4, sbj * 4, sbk * 4, N, k0, kb, offBp * 4, nBlocks);
      const load = k0 > 0 || accumulate ? 1 : 0;
      ex.kernel(offAp * 4, offBp * 4, offC * 4, mBlocks, nBlocks, kb, nPad * 4, load);
    }

    if (nPad !== N) ex.moveRows(offC * 4, nPad * 4, offC * 4, N * 4, N * 4, M, 0);
    C.set(heap.subarray(offC, offC + M * N));
  }
}
