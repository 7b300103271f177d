import type { Rng } from './rng.ts';

/**
 * Weight initialization schemes.
 * - 'torch': PyTorch's default for Linear/Conv2d, U(±1/√fan_in) for weight and bias.
 * - 'he': N(0, 2/fan_in), bias 0 (He et al. 2015, for ReLU nets).
 * - 'xavier': N(0, 2/(fan_in + fan_out)), bias 0 (Glorot & Bengio 2010).
 * - { normalStd }: N(0, normalStd²), bias 0 (Ioffe & Szegedy's small-Gaussian MLP).
 */
export type WeightInit = 'torch' | 'he' | 'xavier' | { readonly normalStd: number };

/**
 * Fills `weight` then `bias` from `rng`, in that order, so a layer's init is a pure function of
 * the generator state it is handed.
 */
export function initWeights(
  weight: Float32Array,
  bias: Float32Array | null,
  fanIn: number,
  fanOut: number,
  init: WeightInit,
  rng: Rng,
): void {
  if (fanIn <= 0) throw new Error(`initWeights: fan_in must be positive, got ${fanIn}`);
  if (init === 'torch') {
    const bound = 1 / Math.sqrt(fanIn);
    rng.fillUniform(weight, -bound, bound);
    if (bias) rng.fillUniform(bias, -bound, bound);
    return;
  }
  rng.fillNormal(weight, normalStd(init, fanIn, fanOut));
  bias?.fill(0);
}

function normalStd(init: Exclude<WeightInit, 'torch'>, fanIn: number, fanOut: number): number {
  if (init === 'he') return Math.sqrt(2 / fanIn);
  if (init === 'xavier') return Math.sqrt(2 / (fanIn + fanOut));
  if (!(init.normalStd >= 0)) throw new Error(`initWeights: bad normalStd ${init.normalStd}`);
  return init.normalStd;
}
