import { inputGradientWasm } from '../kernels/channel-passes.ts';
import { activeWasmKernels } from '../kernels/gemm.ts';
import type { ChannelLayout } from './channel-layout.ts';
import type { Reductions } from './moments.ts';

/**
 * Backward phase 3, per group and channel with N the MERGED count of values (all devices):
 *   ∂L/∂x = scale·invstd·(dy − Σdy/N − x̂·Σ(dy·x̂)/N)
 * where the sums come from every device of the merge (the mean and variance depend on all of
 * them). scale is γ (or γ·r for Batch Renorm; null means 1). Passing zero reductions gives the
 * gradient through fixed statistics (eval with running statistics). WebAssembly SIMD when the GEMM
 * runs there (the same operations, the same bits), else the loop below.
 */
export function computeInputGradient(
  dy: Float32Array,
  xhat: Float32Array,
  layout: ChannelLayout,
  samplesPerGroup: number,
  summed: Reductions,
  mergedCount: Float64Array,
  invstd: Float64Array,
  scale: Float64Array | null,
  out: Float32Array,
): void {
  const { batch, channels, spatial } = layout;
  const wasm = activeWasmKernels();
  if (wasm && batch * channels * spatial > 0) {
    inputGradientWasm(
      wasm,
      dy,
      xhat,
      batch,
      channels,
      spatial,
      samplesPerGroup,
      summed.sumDy,
      summed.sumDyXhat,
      mergedCount,
      invstd,
      scale,
      out,
    );
    return;
  }
  for (let n = 0; n < batch; n++) {
    const group = Math.floor(n / samplesPerGroup);
    const row = group * channels;
    const count = mergedCount[group]!;
    for (let c = 0; c < channels; c++) {
      const k = (scale ? scale[c]! : 1) * invstd[row + c]!;
      const meanDy = summed.sumDy[row + c]! / count;
      const meanDyXhat = summed.sumDyXhat[row + c]! / count;
      const base = (n * channels + c) * spatial;
      for (let s = base; s < base + spatial; s++) {
        out[s] = k * (dy[s]! - meanDy - xhat[s]! * meanDyXhat);
      }
    }
  }
}
