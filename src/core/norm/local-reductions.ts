import { rowSumsWasm } from '../kernels/channel-passes.ts';
import { activeWasmKernels } from '../kernels/gemm.ts';
import type { ChannelLayout } from './channel-layout.ts';
import type { Reductions } from './moments.ts';

/**
 * Backward phase 1: Σdy and Σdy·x̂ per group and channel on this device, in float64. With γ and β
 * per channel, these are also this device's gradients: ∂L/∂β_c = Σ_g Σdy, ∂L/∂γ_c = Σ_g Σdy·x̂.
 * `out` must have as many groups as the forward used; an empty device gives zeros. With the
 * WebAssembly kernels active, the per-row sums run there, up to eight rows side by side (the same
 * bits).
 */
export function computeLocalReductions(
  dy: Float32Array,
  xhat: Float32Array,
  layout: ChannelLayout,
  samplesPerGroup: number,
  out: Reductions,
): Reductions {
  const { batch, channels, spatial } = layout;
  out.sumDy.fill(0);
  out.sumDyXhat.fill(0);
  const wasm = activeWasmKernels();
  if (wasm && batch * channels * spatial > 0) {
    const sums = rowSumsWasm(wasm, dy, xhat, batch * channels, spatial);
    const dyXhatAt = batch * channels;
    for (let n = 0, r = 0; n < batch; n++) {
      const row = Math.floor(n / samplesPerGroup) * channels;
      for (let c = 0; c < channels; c++, r++) {
        out.sumDy[row + c] = out.sumDy[row + c]! + sums[r]!;
        out.sumDyXhat[row + c] = out.sumDyXhat[row + c]! + sums[dyXhatAt + r]!;
      }
    }
    return out;
  }
  for (let n = 0; n < batch; n++) {
    const row = Math.floor(n / samplesPerGroup) * channels;
    for (let c = 0; c < channels; c++) {
      let sDy = 0;
      let sDyXhat = 0;
      const base = (n * channels + c) * spatial;
      for (let s = base; s < base + spatial; s++) {
        const d = dy[s]!;
        sDy += d;
        sDyXhat += d * xhat[s]!;
      }
      out.sumDy[row + c] = out.sumDy[row + c]! + sDy;
      out.sumDyXhat[row + c] = out.sumDyXhat[row + c]! + sDyXhat;
    }
  }
  return out;
}

/** γ/β gradients of this device from its own reductions (summed over groups). */
export function affineGradients(
  local: Reductions,
  gradGamma: Float32Array | null,
  gradBeta: Float32Array | null,
): void {
  const { groups, channels } = local;
  for (let c = 0; c < channels; c++) {
    let gG = 0;
    let gB = 0;
    for (let g = 0; g < groups; g++) {
      gG += local.sumDyXhat[g * channels + c]!;
      gB += local.sumDy[g * channels + c]!;
    }
    if (gradGamma) gradGamma[c] = gG;
    if (gradBeta) gradBeta[c] = gB;
  }
}
