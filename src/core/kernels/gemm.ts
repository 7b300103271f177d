import { gemmJs } from './gemm-js.ts';
import { WasmGemm } from './gemm-wasm.ts';

/**
 * Matrix products on row-major float32 matrices, C always overwritten:
 *   matmul:   C[M×N] = A[M×K] · B[K×N]
 *   matmulTN: C[M×N] = Aᵀ · B with A stored [K×M]
 *   matmulNT: C[M×N] = A · Bᵀ with B stored [N×K]
 * Transposes are never materialized (packing reads through strides). Each C element is a float32
 * sum in increasing k; the WebAssembly SIMD kernel and the JS fallback give identical bits.
 */

export type GemmBackend = 'wasm-simd' | 'js';

const wasm = WasmGemm.create();
let backend: GemmBackend = wasm ? 'wasm-simd' : 'js';

export function gemmBackend(): GemmBackend {
  return backend;
}

/** For tests and benchmarks; 'wasm-simd' throws where WebAssembly SIMD is unavailable. */
export function setGemmBackend(b: GemmBackend): void {
  if (b === 'wasm-simd' && !wasm) throw new Error('WebAssembly SIMD is not available here');
  backend = b;
}

function gemm(
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
): void {
  checkSize('C', C, M * N);
  checkSize('A', A, M * K);
  checkSize('B', B, K * N);
  if (M === 0 || N === 0) return;
  if (K === 0) {
    C.fill(0, 0, M * N);
    return;
  }
  if (backend === 'wasm-simd' && wasm) wasm.run(M, N, K, A, sai, sak, B, sbk, sbj, C);
  else gemmJs(M, N, K, A, sai, sak, B, sbk, sbj, C);
}

function checkSize(what: string, x: Float32Array, need: number): void {
  if (x.length < need) throw new Error(`gemm: ${what} has ${x.length} values, needs ${need}`);
}

export function matmul(
  C: Float32Array,
  A: Float32Array,
  B: Float32Array,
  M: number,
  N: number,
  K: number,
): void {
  gemm(M, N, K, A, K, 1, B, N, 1, C);
}

export function matmulTN(
  C: Float32Array,
  A: Float32Array,
  B: Float32Array,
  M: number,
  N: number,
  K: number,
): void {
  gemm(M, N, K, A, 1, M, B, N, 1, C);
}

export function matmulNT(
  C: Float32Array,
  A: Float32Array,
  B: Float32Array,
  M: number,
  N: number,
  K: number,
): void {
  gemm(M, N, K, A, K, 1, B, 1, K, C);
}
