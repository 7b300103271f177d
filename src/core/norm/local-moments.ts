import { momentsWasm } from '../kernels/channel-passes.ts';
import { activeWasmKernels } from '../kernels/gemm.ts';
import type { ChannelLayout } from './channel-layout.ts';
import type { Moments } from './moments.ts';

/**
 * Forward phase 1: this device's (count, mean, M2) per group and channel, two-pass in float64
 * (mean first, then Σ(x − mean)²), never E[x²] − E[x]². Group g holds samples
 * [g·samplesPerGroup, (g+1)·samplesPerGroup) ∩ [0, N); plain BN uses one group of all samples.
 * `out` must have groupCount(N, samplesPerGroup) groups; an empty batch gives count 0 everywhere.
 * With the WebAssembly kernels active, up to eight channels' sums run side by side there, each in
 * this order (the same bits).
 */
export function computeLocalMoments(
  x: Float32Array,
  layout: ChannelLayout,
  samplesPerGroup: number,
  out: Moments,
): Moments {
  const { batch, channels, spatial } = layout;
  out.count.fill(0);
  out.mean.fill(0);
  out.m2.fill(0);
  const wasm = activeWasmKernels();
  if (wasm && batch * channels * spatial > 0) {
    for (let g = 0; g < out.groups; g++) {
      const n0 = Math.min(batch, g * samplesPerGroup);
      out.count[g] = (Math.min(batch, n0 + samplesPerGroup) - n0) * spatial;
    }
    momentsWasm(wasm, x, batch, channels, spatial, samplesPerGroup, out.groups, out.mean, out.m2);
    return out;
  }
  for (let g = 0; g < out.groups; g++) {
    const n0 = Math.min(batch, g * samplesPerGroup);
    const n1 = Math.min(batch, n0 + samplesPerGroup);
    const count = (n1 - n0) * spatial;
    out.count[g] = count;
    if (count === 0) continue;
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let n = n0; n < n1; n++) {
        const base = (n * channels + c) * spatial;
        for (let s = base; s < base + spatial; s++) sum += x[s]!;
      }
      const mean = sum / count;
      let m2 = 0;
      for (let n = n0; n < n1; n++) {
        const base = (n * channels + c) * spatial;
        for (let s = base; s < base + spatial; s++) {
          const d = x[s]! - mean;
          m2 += d * d;
        }
      }
      out.mean[g * channels + c] = mean;
      out.m2[g * channels + c] = m2;
    }
  }
  return out;
}
