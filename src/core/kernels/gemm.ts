import { gemmJs } from './gemm-js.ts';
import { WasmKernels } from './gemm-wasm.ts';
import type { Gemm } from './gemm-signature.ts';

/**
 * Matrix products on row-major float32 matrices:
 *   matmul:   C[M×N] = A[M×K] · B[K×N]
 *   matmulTN: C[M×N] = Aᵀ · B with A stored [K×M]
 *   matmulNT: C[M×N] = A · Bᵀ with B stored [N×K]
 * C is overwritten, or added to with `accumulate` (C += …). Transposes are never materialized
 * (packing reads through strides). Each C element is a float32 sum in increasing k, starting from
 * 0 (or from C's value when accumulating), with every product and sum rounded to float32; the
 * WebAssembly SIMD kernel and the JS fallback give identical bits. Accumulating over a split of K
 * therefore gives the same bits as one product over the whole K.
 */

export type GemmBackend = 'wasm-simd' | 'js';

const wasm = WasmKernels.create();
let backend: GemmBackend = wasm ? 'wasm-simd' : 'js';

export function gemmBackend(): GemmBackend {
  return backend;
}

/** The WebAssembly kernels when they are the selected backend (for fused kernels like conv). */
export function activeWasmKernels(): WasmKernels | null {
  return backend === 'wasm-simd' ? wasm : null;
}

/** For tests and benchmarks; 'wasm-simd' throws where WebAssembly SIMD is unavailable. */
export function setGemmBackend(b: GemmBackend): void {
  if (b === 'wasm-simd' && !wasm) throw new Error('WebAssembly SIMD is not available here');
  backend = b;
}

const gemm: Gemm = (M, N, K, A, sai, sak, B, sbk, sbj, C, accumulate) => {
  if (M === 0 || N === 0) return;
  checkSize('C', C, M * N);
  checkSize('A', A, stridedExtent(M, sai, K, sak));
  checkSize('B', B, stridedExtent(K, sbk, N, sbj));
  if (K === 0) {
    if (!accumulate) C.fill(0, 0, M * N);
    return;
  }
  if (backend === 'wasm-simd' && wasm) wasm.gemm(M, N, K, A, sai, sak, B, sbk, sbj, C, accumulate);
  else gemmJs(M, N, K, A, sai, sak, B, sbk, sbj, C, accumulate);
};

/**
 * Values an operand read through strides spans: its last element's index + 1 (0 when K is 0).
 * For compact row-major or transposed operands this is rows × cols; for a block of a larger
 * matrix (a few rows of dyᵀ, say) it is more, and every backend must read exactly this span.
 */
function stridedExtent(rows: number, rowStride: number, cols: number, colStride: number) {
  if (rows === 0 || cols === 0) return 0;
  return (rows - 1) * rowStride + (cols - 1) * colStride + 1;
}

function checkSize(what: string, x: Float32Array, need: number): void {
  if (x.length < need) throw new Error(`gemm: ${what} has ${x.length} values, needs ${need}`);
}

/** The checked GEMM with explicit strides (see `Gemm`), for products over sub-blocks. */
export const gemmStrided: Gemm = (...args) => gemm(...args);

export function matmul(
  C: Float32Array,
  A: Float32Array,
  B: Float32Array,
  M: number,
  N: number,
  K: number,
  accumulate = false,
): void {
  gemm(M, N, K, A, K, 1, B, N, 1, C, accumulate);
}

export function matmulTN(
  C: Float32Array,
  A: Float32Array,
  B: Float32Array,
  M: number,
  N: number,
  K: number,
  accumulate = false,
): void {
  gemm(M, N, K, A, 1, M, B, N, 1, C, accumulate);
}

export function matmulNT(
  C: Float32Array,
  A: Float32Array,
  B: Float32Array,
  M: number,
  N: number,
  K: number,
  accumulate = false,
): void {
  gemm(M, N, K, A, K, 1, B, 1, K, C, accumulate);
}
