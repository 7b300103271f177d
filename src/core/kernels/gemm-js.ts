/**
 * Pure-JS GEMM, the fallback when WebAssembly SIMD is unavailable. It performs exactly the same
 * float32 operations in the same order as the SIMD kernel (per C element: acc = f32(acc + f32(a·b))
 * for k = 0, 1, …), so both produce identical bits. Rounding a double sum or product of two float32
 * values to float32 equals the correctly rounded float32 operation (53 ≥ 2·24 + 2 bits), which is
 * why Math.fround over doubles reproduces it.
 *
 * Structure: A packed in panels of 4 rows, B in panels of 4 columns (contiguous per k), a 4×4
 * register tile of accumulators, K split into blocks of at most KC_MAX for cache reuse.
 */

import { KC_MAX } from './gemm-wasm.ts';
import type { Gemm } from './gemm-signature.ts';

const fr = Math.fround;
let packedA: Float32Array = new Float32Array(0);
let packedB: Float32Array = new Float32Array(0);
const edgeTile = new Float32Array(16);

function grow(buf: Float32Array, n: number): Float32Array {
  return buf.length >= n ? buf : new Float32Array(Math.max(n, buf.length * 2));
}

/** C[M×N] (=|+=) op(A)·op(B) with op(A)[i,k] = A[i·sai + k·sak], op(B)[k,j] = B[k·sbk + j·sbj]. */
export const gemmJs: Gemm = (M, N, K, A, sai, sak, B, sbk, sbj, C, accumulate) => {
  if (K === 0) {
    if (!accumulate) C.fill(0, 0, M * N);
    return;
  }
  const mBlocks = Math.ceil(M / 4);
  const nBlocks = Math.ceil(N / 4);
  const kc = Math.ceil(K / Math.ceil(K / KC_MAX));
  packedA = grow(packedA, mBlocks * 4 * kc);
  packedB = grow(packedB, nBlocks * 4 * kc);
  const ap = packedA;
  const bp = packedB;
  for (let k0 = 0; k0 < K; k0 += kc) {
    const kb = Math.min(kc, K - k0);
    pack(A, sai, sak, M, k0, kb, ap, mBlocks);
    pack(B, sbj, sbk, N, k0, kb, bp, nBlocks);
    const first = k0 === 0 && !accumulate;
    for (let jb = 0; jb < nBlocks; jb++) {
      const j0 = jb * 4;
      const bBase = jb * 4 * kb;
      for (let ib = 0; ib < mBlocks; ib++) {
        const i0 = ib * 4;
        microKernel(ap, ib * 4 * kb, bp, bBase, kb, C, i0, j0, M, N, first);
      }
    }
  }
};

/** dst[blk][k][lane] = src[(blk·4 + lane)·so + (k0 + k)·sk], zero past `count`. */
function pack(
  src: Float32Array,
  so: number,
  sk: number,
  count: number,
  k0: number,
  kb: number,
  dst: Float32Array,
  blocks: number,
): void {
  for (let r = 0; r < blocks * 4; r++) {
    let d = (r >> 2) * 4 * kb + (r & 3);
    if (r < count) {
      let s = r * so + k0 * sk;
      for (let k = 0; k < kb; k++, s += sk, d += 4) dst[d] = src[s]!;
    } else {
      for (let k = 0; k < kb; k++, d += 4) dst[d] = 0;
    }
  }
}

function microKernel(
  ap: Float32Array,
  a: number,
  bp: Float32Array,
  b: number,
  kb: number,
  C: Float32Array,
  i0: number,
  j0: number,
  M: number,
  N: number,
  first: boolean,
): void {
  const full = i0 + 4 <= M && j0 + 4 <= N;
  let c00 = 0;
  let c01 = 0;
  let c02 = 0;
  let c03 = 0;
  let c10 = 0;
  let c11 = 0;
  let c12 = 0;
  let c13 = 0;
  let c20 = 0;
  let c21 = 0;
  let c22 = 0;
  let c23 = 0;
  let c30 = 0;
  let c31 = 0;
  let c32 = 0;
  let c33 = 0;
  if (!first) {
    // Edge tiles go through a zero-padded scratch so the loads below never leave C's bounds.
    const src = full ? C : tileLoad(C, i0, j0, M, N);
    const ld = full ? N : 4;
    let o = full ? i0 * N + j0 : 0;
    c00 = src[o]!;
    c01 = src[o + 1]!;
    c02 = src[o + 2]!;
    c03 = src[o + 3]!;
    o += ld;
    c10 = src[o]!;
    c11 = src[o + 1]!;
    c12 = src[o + 2]!;
    c13 = src[o + 3]!;
    o += ld;
    c20 = src[o]!;
    c21 = src[o + 1]!;
    c22 = src[o + 2]!;
    c23 = src[o + 3]!;
    o += ld;
    c30 = src[o]!;
    c31 = src[o + 1]!;
    c32 = src[o + 2]!;
    c33 = src[o + 3]!;
  }
  for (let k = 0; k < kb; k++, a += 4, b += 4) {
    const b0 = bp[b]!;
    const b1 = bp[b + 1]!;
    const b2 = bp[b + 2]!;
    const b3 = bp[b + 3]!;
    let x = ap[a]!;
    c00 = fr(c00 + fr(x * b0));
    c01 = fr(c01 + fr(x * b1));
    c02 = fr(c02 + fr(x * b2));
    c03 = fr(c03 + fr(x * b3));
    x = ap[a + 1]!;
    c10 = fr(c10 + fr(x * b0));
    c11 = fr(c11 + fr(x * b1));
    c12 = fr(c12 + fr(x * b2));
    c13 = fr(c13 + fr(x * b3));
    x = ap[a + 2]!;
    c20 = fr(c20 + fr(x * b0));
    c21 = fr(c21 + fr(x * b1));
    c22 = fr(c22 + fr(x * b2));
    c23 = fr(c23 + fr(x * b3));
    x = ap[a + 3]!;
    c30 = fr(c30 + fr(x * b0));
    c31 = fr(c31 + fr(x * b1));
    c32 = fr(c32 + fr(x * b2));
    c33 = fr(c33 + fr(x * b3));
  }
  if (full) {
    let o = i0 * N + j0;
    C[o] = c00;
    C[o + 1] = c01;
    C[o + 2] = c02;
    C[o + 3] = c03;
    o += N;
    C[o] = c10;
    C[o + 1] = c11;
    C[o + 2] = c12;
    C[o + 3] = c13;
    o += N;
    C[o] = c20;
    C[o + 1] = c21;
    C[o + 2] = c22;
    C[o + 3] = c23;
    o += N;
    C[o] = c30;
    C[o + 1] = c31;
    C[o + 2] = c32;
    C[o + 3] = c33;
    return;
  }
  const tile = edgeTile;
  tile[0] = c00;
  tile[1] = c01;
  tile[2] = c02;
  tile[3] = c03;
  tile[4] = c10;
  tile[5] = c11;
  tile[6] = c12;
  tile[7] = c13;
  tile[8] = c20;
  tile[9] = c21;
  tile[10] = c22;
  tile[11] = c23;
  tile[12] = c30;
  tile[13] = c31;
  tile[14] = c32;
  tile[15] = c33;
  for (let r = 0; r < 4 && i0 + r < M; r++) {
    for (let s = 0; s < 4 && j0 + s < N; s++) C[(i0 + r) * N + j0 + s] = tile[r * 4 + s]!;
  }
}

/** The current values of a partial tile of C, zeros outside (in a shared scratch). */
function tileLoad(C: Float32Array, i0: number, j0: number, M: number, N: number): Float32Array {
  const t = edgeTile.fill(0);
  for (let r = 0; r < 4 && i0 + r < M; r++) {
    for (let s = 0; s < 4 && j0 + s < N; s++) t[r * 4 + s] = C[(i0 + r) * N + j0 + s]!;
  }
  return t;
}
