import { BN_ROW_PARAM_BYTES } from './channel-passes-wasm.ts';
import { align4, type WasmKernels } from './gemm-wasm.ts';

/**
 * Batch norm's passes on the WebAssembly kernels (channel-passes-wasm.ts), and the per-channel sums
 * of a convolution's bias gradient: the activations are copied
 * into the module's memory, one pass runs there, the results are copied out. Per-row parameters
 * (a row = one sample and channel) are computed here in JS with the expressions of the JS loops in
 * src/core/norm, so the kernels see the very float64 values those loops use.
 *
 * Shapes: `batch` samples of `channels` rows of `spatial` values (NCHW; spatial 1 for [N, C]);
 * sample n belongs to group ⌊n / samplesPerGroup⌋, whose statistics sit at group·channels + c.
 */

/** Floats of a row parameter table (four float64 per row). */
const PARAM_FLOATS = BN_ROW_PARAM_BYTES / 4;

function f64View(k: WasmKernels, atFloat: number, length: number): Float64Array {
  return new Float64Array(k.heap.buffer, atFloat * 4, length);
}

/** x̂ = f32((x − mean)·invstd), y = f32(scale·h + shift): normalize.ts applyNormalization. */
export function normalizeWasm(
  k: WasmKernels,
  x: Float32Array,
  batch: number,
  channels: number,
  spatial: number,
  samplesPerGroup: number,
  mean: Float64Array,
  invstd: Float64Array,
  scale: Float64Array | null,
  shift: Float64Array | null,
  xhat: Float32Array,
  y: Float32Array,
): void {
  const rows = batch * channels;
  const size = rows * spatial;
  const pOff = k.scratch;
  const xOff = pOff + rows * PARAM_FLOATS;
  const hOff = xOff + align4(size);
  const yOff = hOff + align4(size);
  const heap = k.reserve(yOff + size - pOff);
  const p = f64View(k, pOff, rows * 4);
  for (let n = 0, at = 0; n < batch; n++) {
    const row = Math.floor(n / samplesPerGroup) * channels;
    for (let c = 0; c < channels; c++, at += 4) {
      p[at] = mean[row + c]!;
      p[at + 1] = invstd[row + c]!;
      p[at + 2] = scale ? scale[c]! : 1;
      p[at + 3] = shift ? shift[c]! : 0;
    }
  }
  heap.set(x.length === size ? x : x.subarray(0, size), xOff);
  k.ex.bnNormalize(xOff * 4, hOff * 4, yOff * 4, pOff * 4, rows, spatial);
  xhat.set(heap.subarray(hOff, hOff + size));
  y.set(heap.subarray(yOff, yOff + size));
}

/**
 * out = f32(k·((dy − Σdy/N) − x̂·Σ(dy·x̂)/N)) with k = scale·invstd and N the group's merged count:
 * input-gradient.ts computeInputGradient.
 */
export function inputGradientWasm(
  k: WasmKernels,
  dy: Float32Array,
  xhat: Float32Array,
  batch: number,
  channels: number,
  spatial: number,
  samplesPerGroup: number,
  sumDy: Float64Array,
  sumDyXhat: Float64Array,
  mergedCount: Float64Array,
  invstd: Float64Array,
  scale: Float64Array | null,
  out: Float32Array,
): void {
  const rows = batch * channels;
  const size = rows * spatial;
  const pOff = k.scratch;
  const dyOff = pOff + rows * PARAM_FLOATS;
  const hOff = dyOff + align4(size);
  const oOff = hOff + align4(size);
  const heap = k.reserve(oOff + size - pOff);
  const p = f64View(k, pOff, rows * 4);
  for (let n = 0, at = 0; n < batch; n++) {
    const group = Math.floor(n / samplesPerGroup);
    const row = group * channels;
    const count = mergedCount[group]!;
    for (let c = 0; c < channels; c++, at += 4) {
      p[at] = (scale ? scale[c]! : 1) * invstd[row + c]!;
      p[at + 1] = sumDy[row + c]! / count;
      p[at + 2] = sumDyXhat[row + c]! / count;
    }
  }
  heap.set(dy.length === size ? dy : dy.subarray(0, size), dyOff);
  heap.set(xhat.length === size ? xhat : xhat.subarray(0, size), hOff);
  k.ex.bnInputGradient(dyOff * 4, hOff * 4, oOff * 4, pOff * 4, rows, spatial);
  out.set(heap.subarray(oOff, oOff + size));
}

/**
 * Per group with values and channel: two-pass float64 mean and M2 (local-moments.ts
 * computeLocalMoments), written to mean and m2 at group·channels + c. Groups without values are
 * left alone (the caller zeroes them).
 */
export function momentsWasm(
  k: WasmKernels,
  x: Float32Array,
  batch: number,
  channels: number,
  spatial: number,
  samplesPerGroup: number,
  groups: number,
  mean: Float64Array,
  m2: Float64Array,
): void {
  const size = batch * channels * spatial;
  const oOff = k.scratch;
  const xOff = oOff + 4 * channels;
  const heap = k.reserve(xOff + size - oOff);
  heap.set(x.length === size ? x : x.subarray(0, size), xOff);
  const o = f64View(k, oOff, 2 * channels);
  const m2At = channels;
  for (let g = 0; g < groups; g++) {
    const n0 = Math.min(batch, g * samplesPerGroup);
    const n1 = Math.min(batch, n0 + samplesPerGroup);
    if (n1 === n0 || spatial === 0) continue;
    k.ex.bnMoments(xOff * 4, channels, spatial, n0, n1, oOff * 4);
    for (let c = 0; c < channels; c++) {
      mean[g * channels + c] = o[c]!;
      m2[g * channels + c] = o[m2At + c]!;
    }
  }
}

/**
 * Σdy and Σdy·x̂ of every row (from 0, in value order), returned at [r] and [rows + r]: the
 * inner sums of local-reductions.ts computeLocalReductions.
 */
export function rowSumsWasm(
  k: WasmKernels,
  dy: Float32Array,
  xhat: Float32Array,
  rows: number,
  spatial: number,
): Float64Array {
  const size = rows * spatial;
  const oOff = k.scratch;
  const dyOff = oOff + 4 * rows;
  const hOff = dyOff + align4(size);
  const heap = k.reserve(hOff + size - oOff);
  heap.set(dy.length === size ? dy : dy.subarray(0, size), dyOff);
  heap.set(xhat.length === size ? xhat : xhat.subarray(0, size), hOff);
  k.ex.bnRowSums(dyOff * 4, hOff * 4, rows, spatial, oOff * 4);
  return f64View(k, oOff, 2 * rows);
}

/**
 * out[c] = f32(Σ_n Σ_s x) over samples [n0, n1) (n1 > n0), summed in float64 from 0 in n then s
 * order: a convolution's bias gradient (conv2d.ts backwardSamples), up to eight channels at once.
 */
export function channelSumsWasm(
  k: WasmKernels,
  x: Float32Array,
  channels: number,
  spatial: number,
  n0: number,
  n1: number,
  out: Float32Array,
): void {
  const sample = channels * spatial;
  const oOff = k.scratch;
  const xOff = oOff + 2 * align4(channels);
  const heap = k.reserve(xOff + (n1 - n0) * sample - oOff);
  heap.set(x.subarray(n0 * sample, n1 * sample), xOff);
  k.ex.channelSums(xOff * 4, channels, spatial, 0, n1 - n0, oOff * 4);
  const sums = f64View(k, oOff, channels);
  for (let c = 0; c < channels; c++) out[c] = sums[c]!;
}
