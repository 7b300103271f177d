import type { Gemm } from './gemm-signature.ts';
import { buildGemmModule, MR, NR } from './gemm-wasm-module.ts';
import { SEG_ROWS, SEG_VECTORS } from './segment-sums-wasm.ts';
import { writeSgdScalars } from './sgd-wasm.ts';

type Fn3 = (a: number, b: number, c: number) => void;
type Fn4 = (a: number, b: number, c: number, d: number) => void;
type Fn5 = (a: number, b: number, c: number, d: number, e: number) => void;
type Fn6 = (a: number, b: number, c: number, d: number, e: number, f: number) => void;
type Fn7 = (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => void;
type Fn8 = (
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  f: number,
  g: number,
  h: number,
) => void;
type Fn9 = (
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  f: number,
  g: number,
  h: number,
  i: number,
) => void;

/** The module's exports; see gemm-wasm-module.ts for each function's contract. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly packA: Fn8;
  readonly packB: Fn8;
  readonly kernel: Fn8;
  readonly moveRows: Fn7;
  readonly packGather: Fn9;
  readonly gatherSum: Fn5;
  readonly relu: Fn3;
  readonly reluBackward: Fn4;
  readonly segmentSums: Fn7;
  readonly sgdStep: Fn6;
  readonly sumParts: Fn5;
  readonly bnNormalize: Fn6;
  readonly bnInputGradient: Fn6;
  readonly bnMoments: Fn6;
  readonly bnRowSums: Fn5;
  readonly maxPool2x2: Fn8;
  readonly channelSums: Fn6;
  readonly addRowBias: Fn4;
  readonly scatterAdd: Fn4;
  readonly packGatherRuns: Fn7;
  readonly packGatherRunsT: Fn7;
  readonly gatherSum4: Fn6;
}

/** Depth of one packed block: keeps a 4×kc A panel and an 8×kc B panel in L1 (16 + 32 bytes/k). */
export const KC_MAX = 256;

export const align4 = (n: number): number => (n + 3) & ~3;
const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;
/** Elements per block of sumInOrder: every part's block stays in cache while it is summed. */
const SUM_BLOCK = 1 << 14;

/** Splits K into blocks of at most KC_MAX, as even as possible. */
export function blockDepth(K: number): number {
  return Math.ceil(K / Math.ceil(K / KC_MAX));
}

/**
 * The WebAssembly SIMD kernels and their memory. The memory holds a persistent area at the bottom
 * (index maps, kept for the instance's lifetime and keyed by geometry, so bounded) and scratch
 * above it that each call lays out afresh. All offsets here are in float32 units (×4 for bytes).
 */
export class WasmKernels {
  private f32: Float32Array;
  private i32: Int32Array;
  private persistentEnd = 0;
  private readonly persistent = new Map<string, number>();

  private constructor(readonly ex: KernelExports) {
    this.f32 = new Float32Array(ex.memory.buffer);
    this.i32 = new Int32Array(ex.memory.buffer);
  }

  /** null when WebAssembly or its SIMD extension is unavailable (the JS kernels take over). */
  static create(): WasmKernels | null {
    try {
      if (typeof WebAssembly === 'undefined') return null;
      const module = new WebAssembly.Module(buildGemmModule());
      const instance = new WebAssembly.Instance(module, {});
      return new WasmKernels(instance.exports as unknown as KernelExports);
    } catch {
      return null;
    }
  }

  /** Start of scratch (floats). */
  get scratch(): number {
    return this.persistentEnd;
  }

  /** Ensures `floats` of scratch and returns the (possibly new) float view of the memory. */
  reserve(floats: number): Float32Array {
    this.ensure(this.persistentEnd + floats);
    return this.f32;
  }

  get heap(): Float32Array {
    return this.f32;
  }

  /**
   * The offset of a persistent block of `floats` 4-byte words named `key`, filled by `init` (given
   * an int32 view and the offset) the first time the key is seen.
   */
  persistentBlock(
    key: string,
    floats: number,
    init: (i32: Int32Array, offset: number) => void,
  ): number {
    const known = this.persistent.get(key);
    if (known !== undefined) return known;
    const offset = this.persistentEnd;
    this.ensure(offset + align4(floats));
    this.persistentEnd = offset + align4(floats);
    init(this.i32, offset);
    this.persistent.set(key, offset);
    return offset;
  }

  private ensure(floats: number): void {
    const mem = this.ex.memory;
    const need = floats * 4;
    if (need > mem.buffer.byteLength) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
    if (this.f32.buffer !== mem.buffer) {
      this.f32 = new Float32Array(mem.buffer);
      this.i32 = new Int32Array(mem.buffer);
    }
  }

  /**
   * 2×2 max pooling with stride 2 over `planes` planes of h×w (see maxpool-wasm.ts): y and the
   * flat input index of each output's maximum (first of equals) into arg.
   */
  maxPool2x2(
    x: Float32Array,
    planes: number,
    h: number,
    w: number,
    ho: number,
    wo: number,
    y: Float32Array,
    arg: Int32Array,
  ): void {
    const size = planes * h * w;
    const outs = planes * ho * wo;
    const xOff = this.scratch;
    const yOff = xOff + align4(size) + 16;
    const aOff = yOff + align4(outs + 3);
    const heap = this.reserve(aOff + outs + 3 - xOff);
    heap.set(x.length === size ? x : x.subarray(0, size), xOff);
    heap.fill(0, xOff + size, yOff);
    this.ex.maxPool2x2(xOff * 4, yOff * 4, aOff * 4, planes, h, w, ho, wo);
    y.set(heap.subarray(yOff, yOff + outs));
    arg.set(this.i32.subarray(aOff, aOff + outs));
  }

  /**
   * Max pooling's backward: dx = 0, then dx[arg[o]] += dy[o] in output order (float32 sums), for
   * the dy.length outputs; dx is the whole input gradient.
   */
  maxPoolBackward(dy: Float32Array, arg: Int32Array, dx: Float32Array): void {
    const outs = dy.length;
    const size = dx.length;
    const dxOff = this.scratch;
    const dyOff = dxOff + align4(size);
    const aOff = dyOff + align4(outs);
    const heap = this.reserve(aOff + outs - dxOff);
    heap.fill(0, dxOff, dxOff + size);
    heap.set(dy, dyOff);
    this.i32.set(arg.subarray(0, outs), aOff);
    this.ex.scatterAdd(dxOff * 4, dyOff * 4, aOff * 4, outs);
    dx.set(heap.subarray(dxOff, dxOff + size));
  }

  /** y = max(x, +0) elementwise (x and y of equal length). */
  relu(x: Float32Array, y: Float32Array): void {
    const n = x.length;
    const n4 = align4(n);
    const src = this.scratch;
    const heap = this.reserve(2 * n4);
    heap.set(x, src);
    this.ex.relu(src * 4, (src + n4) * 4, n4 * 4);
    y.set(heap.subarray(src + n4, src + n4 + n));
  }

  /** dx = y > 0 ? dy : +0 for ReLU outputs y (all ≥ +0), equal lengths. */
  reluBackward(y: Float32Array, dy: Float32Array, dx: Float32Array): void {
    const n = y.length;
    const n4 = align4(n);
    const yOff = this.scratch;
    const heap = this.reserve(3 * n4);
    heap.set(y, yOff);
    heap.set(dy.length === n ? dy : dy.subarray(0, n), yOff + n4);
    this.ex.reluBackward(yOff * 4, (yOff + n4) * 4, (yOff + 2 * n4) * 4, n4 * 4);
    dx.set(heap.subarray(yOff + 2 * n4, yOff + 2 * n4 + n));
  }

  /**
   * out[i] = f32(((p₀[i] + p₁[i]) + p₂[i]) + …) in float64 for i in [from, to): the all-reduce's
   * sum in device order (sum-parts-wasm.ts), parts copied in block by block.
   */
  sumInOrder(parts: readonly Float32Array[], out: Float32Array, from: number, to: number): void {
    const count = parts.length;
    for (let b0 = from; b0 < to; b0 += SUM_BLOCK) {
      const n = Math.min(SUM_BLOCK, to - b0);
      const n4 = align4(n);
      const at = this.scratch;
      const heap = this.reserve((count + 1) * n4);
      for (let k = 0; k < count; k++) {
        heap.set(parts[k]!.subarray(b0, b0 + n), at + k * n4);
        if (n4 !== n) heap.fill(0, at + k * n4 + n, at + (k + 1) * n4);
      }
      const dst = at + count * n4;
      this.ex.sumParts(at * 4, count, n4 * 4, n4 * 4, dst * 4);
      out.set(heap.subarray(dst, dst + n), b0);
    }
  }

  /**
   * One SGD update of `w` (and `buf`, unless the rule is plain) in place: see sgd-wasm.ts for the
   * rules. Copies in, one SIMD pass, copies out (a copy costs far less than the JS loop).
   */
  sgdStep(
    w: Float32Array,
    grad: Float32Array,
    buf: Float32Array | null,
    rule: number,
    mu: number,
    lr: number,
    wd: number,
    nesterov: boolean,
  ): void {
    const n = w.length;
    const n4 = align4(n);
    const sOff = this.scratch;
    const wOff = sOff + 8;
    const gOff = wOff + n4;
    const bOff = gOff + n4;
    const heap = this.reserve(8 + 3 * n4);
    writeSgdScalars(new Float64Array(heap.buffer, sOff * 4, 4), mu, lr, wd, nesterov);
    heap.set(w, wOff);
    heap.set(grad.length === n ? grad : grad.subarray(0, n), gOff);
    if (buf) heap.set(buf, bOff);
    this.ex.sgdStep(wOff * 4, gOff * 4, bOff * 4, n4 * 4, sOff * 4, rule);
    w.set(heap.subarray(wOff, wOff + n));
    if (buf) buf.set(heap.subarray(bOff, bOff + n));
  }

  /**
   * out[o, j] = f32(Σ_k f64(Σ_{n ∈ segment k} dy[n, o]·x[n, j])) for o < rows, j < cols: the
   * devices' weight gradients summed in device order (see segment-sums-wasm.ts), with dy [n, rows]
   * and x [n, cols] compact and segment k the samples offsets[k] … offsets[k+1] − 1.
   */
  segmentSums(
    rows: number,
    cols: number,
    dy: Float32Array,
    x: Float32Array,
    offsets: readonly number[],
    out: Float32Array,
  ): void {
    const n = offsets[offsets.length - 1]!;
    const segs = offsets.length - 1;
    const rowsPad = roundUp(rows, SEG_ROWS);
    const colsPad = roundUp(cols, 4 * SEG_VECTORS);
    const dyOff = this.scratch;
    const xOff = dyOff + n * rowsPad;
    const offOff = xOff + n * colsPad;
    const outOff = offOff + align4(segs + 1);
    const heap = this.reserve(outOff + rowsPad * colsPad - this.scratch);
    copyPadded(heap, dyOff, dy, n, rows, rowsPad);
    copyPadded(heap, xOff, x, n, cols, colsPad);
    const i32 = this.i32;
    for (let k = 0; k <= segs; k++) i32[offOff + k] = offsets[k]!;
    this.ex.segmentSums(dyOff * 4, xOff * 4, offOff * 4, segs, rowsPad, colsPad, outOff * 4);
    if (colsPad === cols) out.set(heap.subarray(outOff, outOff + rows * cols));
    else
      for (let o = 0; o < rows; o++)
        out.set(heap.subarray(outOff + o * colsPad, outOff + o * colsPad + cols), o * cols);
  }

  /**
   * C[M×N] (=|+=) op(A)·op(B) with op(A)[i,k] = A[i·sai + k·sak], op(B)[k,j] = B[k·sbk + j·sbj]:
   * copies A and B in, packs them block by block along K, runs the micro-kernel, copies C out.
   * M, N, K ≥ 1.
   */
  readonly gemm: Gemm = (M, N, K, A, sai, sak, B, sbk, sbj, C, accumulate) => {
    const mBlocks = Math.ceil(M / MR);
    const nBlocks = Math.ceil(N / NR);
    const mPad = mBlocks * MR;
    const nPad = nBlocks * NR;
    const kc = blockDepth(K);
    // The spans the strides reach, not M·K and K·N: a block of a larger matrix (rows o0… of
    // dyᵀ over a few samples) reaches past M·K values.
    const aSize = (M - 1) * sai + (K - 1) * sak + 1;
    const bSize = (K - 1) * sbk + (N - 1) * sbj + 1;
    const offA = this.scratch;
    const offB = offA + align4(aSize);
    const offAp = offB + align4(bSize);
    const offBp = offAp + mPad * kc;
    const offC = offBp + nPad * kc;
    const heap = this.reserve(offC + mPad * nPad - this.scratch);

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
  };
}

/** `rows` rows of `cols` values from `src` into `heap` at `at` with a pitch of `pitch` (zeros after). */
function copyPadded(
  heap: Float32Array,
  at: number,
  src: Float32Array,
  rows: number,
  cols: number,
  pitch: number,
): void {
  if (pitch === cols) {
    heap.set(src.subarray(0, rows * cols), at);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const d = at + r * pitch;
    heap.set(src.subarray(r * cols, (r + 1) * cols), d);
    heap.fill(0, d + cols, d + pitch);
  }
}
