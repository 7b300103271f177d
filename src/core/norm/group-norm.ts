import { PerSampleNorm } from './per-sample-norm.ts';

export interface GroupNormOptions {
  readonly name: string;
  readonly channels: number;
  /** G: number of channel groups; must divide channels. */
  readonly groups: number;
  readonly eps?: number;
  readonly affine?: boolean;
}

/**
 * Group Normalization (Wu & He 2018): per sample, statistics over each group of C/G channels
 * × H×W; affine γ/β per channel. G = 1 is LayerNorm over (C, H, W); G = C is InstanceNorm.
 */
export class GroupNorm extends PerSampleNorm {
  readonly kind = 'group-norm';

  constructor(options: GroupNormOptions) {
    super(
      options.name,
      options.channels,
      options.groups,
      options.eps ?? 1e-5,
      options.affine ?? true,
    );
  }
}
