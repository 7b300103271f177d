import { activeWasmKernels } from './gemm.ts';

const fr = Math.fround;

/**
 * The weight gradient of a batch that joins several devices' samples, as DDP defines it:
 *
 *   out[o, j] = f32( Σ_k f64( Σ_{n ∈ segment k} dy[n, o]·x[n, j] ) )
 *
 * segment k being samples offsets[k] … offsets[k+1] − 1 (device k's). Each device's sum is the
 * float32 product its own GEMM computes (increasing n from +0, every product and sum rounded to
 * float32), and the devices' sums are added in float64 in device order and rounded once, as the
 * gradient all-reduce (`sumInOrder`) adds the devices' vectors. The result is therefore the same
 * bits whether a worker hosts every device (and calls this) or the devices are spread over workers
 * (each writing its own product, the all-reduce adding them).
 *
 * dy is [n, rows] and x [n, cols], row-major; out is [rows, cols]. WebAssembly SIMD when the GEMM
 * runs there (one pass, nothing per device written to memory), else the JS loop below, with the
 * same operations in the same order.
 */
export function segmentSums(
  rows: number,
  cols: number,
  dy: Float32Array,
  x: Float32Array,
  offsets: readonly number[],
  out: Float32Array,
): void {
  const n = offsets[offsets.length - 1]!;
  if (offsets[0] !== 0 || offsets.length < 2)
    throw new Error('segmentSums: offsets must start at 0');
  if (dy.length < n * rows || x.length < n * cols || out.length < rows * cols) {
    throw new Error(
      `segmentSums: ${n} samples need dy ≥ ${n * rows}, x ≥ ${n * cols}, out ≥ ${rows * cols} values (got ${dy.length}, ${x.length}, ${out.length})`,
    );
  }
  if (rows === 0 || cols === 0) return;
  const wasm = activeWasmKernels();
  if (wasm) wasm.segmentSums(rows, cols, dy, x, offsets, out);
  else segmentSumsJs(rows, cols, dy, x, offsets, out);
}

function segmentSumsJs(
  rows: number,
  cols: number,
  dy: Float32Array,
  x: Float32Array,
  offsets: readonly number[],
  out: Float32Array,
): void {
  const segs = offsets.length - 1;
  for (let o = 0; o < rows; o++) {
    for (let j = 0; j < cols; j++) {
      let acc = -0;
      for (let k = 0; k < segs; k++) {
        let p = 0;
        for (let i = offsets[k]!; i < offsets[k + 1]!; i++)
          p = fr(p + fr(dy[i * rows + o]! * x[i * cols + j]!));
        acc += p;
      }
      out[o * cols + j] = acc;
    }
  }
}
