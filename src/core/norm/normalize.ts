import { normalizeWasm } from '../kernels/channel-passes.ts';
import { activeWasmKernels } from '../kernels/gemm.ts';
import type { ChannelLayout } from './channel-layout.ts';
import type { Moments } from './moments.ts';

/**
 * Forward phase 3: per group and channel mean and 1/√(σ² + ε) of the merged moments, with the
 * biased variance σ² = M2/N the batch is normalized with. An empty group gets mean 0, invstd 0
 * (it normalizes nothing, and nothing divides by its count).
 */
export function normalizingStats(
  merged: Moments,
  eps: number,
  mean: Float64Array,
  invstd: Float64Array,
): void {
  const { groups, channels } = merged;
  for (let g = 0; g < groups; g++) {
    const n = merged.count[g]!;
    for (let i = g * channels; i < (g + 1) * channels; i++) {
      mean[i] = n > 0 ? merged.mean[i]! : 0;
      invstd[i] = n > 0 ? 1 / Math.sqrt(merged.m2[i]! / n + eps) : 0;
    }
  }
}

/**
 * PyTorch's rule, applied to the MERGED count (so one sample per device is fine under sync):
 * batch statistics of a single value are meaningless (variance 0, output = β). A merged count of 0
 * (every device empty) normalizes nothing and is allowed.
 */
export function assertEnoughValues(
  who: string,
  shape: readonly number[],
  merged: Moments,
  localGroups: number,
): void {
  for (let g = 0; g < localGroups; g++) {
    const n = merged.count[g]!;
    if (n !== 1) continue;
    const where =
      merged.groups > 1
        ? `virtual batch ${g} of the merged batch has ${n} value per channel`
        : `the merged batch has ${n} value per channel`;
    throw new Error(
      `${who}: Expected more than 1 value per channel when training, got input size [${shape.join(', ')}] (${where}); use a larger batch or sync BN across devices`,
    );
  }
}

/**
 * x̂ = (x − mean)·invstd per group/channel (kept for backward), y = scale·x̂ + shift per channel
 * (scale = γ, shift = β; Batch Renorm folds r and d in). null scale/shift mean 1 and 0.
 * WebAssembly SIMD when the GEMM runs there (the same operations, the same bits), else the loop.
 */
export function applyNormalization(
  x: Float32Array,
  layout: ChannelLayout,
  samplesPerGroup: number,
  mean: Float64Array,
  invstd: Float64Array,
  scale: Float64Array | null,
  shift: Float64Array | null,
  xhat: Float32Array,
  y: Float32Array,
): void {
  const { batch, channels, spatial } = layout;
  const wasm = activeWasmKernels();
  if (wasm && batch * channels * spatial > 0) {
    normalizeWasm(
      wasm,
      x,
      batch,
      channels,
      spatial,
      samplesPerGroup,
      mean,
      invstd,
      scale,
      shift,
      xhat,
      y,
    );
    return;
  }
  for (let n = 0; n < batch; n++) {
    const row = Math.floor(n / samplesPerGroup) * channels;
    for (let c = 0; c < channels; c++) {
      const mu = mean[row + c]!;
      const is = invstd[row + c]!;
      const a = scale ? scale[c]! : 1;
      const b = shift ? shift[c]! : 0;
      const base = (n * channels + c) * spatial;
      for (let s = base; s < base + spatial; s++) {
        const h = (x[s]! - mu) * is;
        xhat[s] = h;
        y[s] = a * h + b;
      }
    }
  }
}
