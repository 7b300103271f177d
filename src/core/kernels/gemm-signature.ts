/**
 * The one GEMM signature every backend implements (the checked entry in gemm.ts, the WebAssembly
 * SIMD kernel, the JS fallback): C[M×N] (=|+=) op(A)·op(B) with op(A)[i,k] = A[i·sai + k·sak] and
 * op(B)[k,j] = B[k·sbk + j·sbj]; C is overwritten, or added to with `accumulate`.
 */
export type Gemm = (
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
) => void;
