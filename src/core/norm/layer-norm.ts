import { PerSampleNorm } from './per-sample-norm.ts';

export interface LayerNormOptions {
  readonly name: string;
  /** Size of dimension 1: features of [N, F], channels of [N, C, H, W]. */
  readonly channels: number;
  readonly eps?: number;
  readonly affine?: boolean;
}

/**
 * Layer Normalization (Ba et al. 2016): per sample, statistics over ALL its features ([N, F]:
 * the F features; [N, C, H, W]: all C·H·W values).
 *
 * Affine choice: γ/β per feature for [N, F] (as PyTorch's LayerNorm(F)), and per CHANNEL for
 * [N, C, H, W] — i.e. GroupNorm with G = 1, the "LN" of Wu & He's comparison — not per element as
 * PyTorch's LayerNorm([C, H, W]) would. Per-channel affine keeps the parameter count independent
 * of the image size and matches the other norms' γ/β, so the norms compare like for like.
 */
export class LayerNorm extends PerSampleNorm {
  readonly kind = 'layer-norm';

  constructor(options: LayerNormOptions) {
    super(options.name, options.channels, 1, options.eps ?? 1e-5, options.affine ?? true);
  }
}
