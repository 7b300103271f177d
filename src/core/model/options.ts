import type { ActivationFn } from '../layers/activations.ts';

/**
 * The options buildModel takes, in core's own terms. The run config's `model` section
 * (src/config/schema.ts, which takes its name lists from here) has exactly this shape, so the
 * config layer hands it over as it is; the type checker keeps the two in step.
 */
export const PRESETS = ['mlp', 'cnn', 'bn-paper-mlp'] as const;
export const NORMS = [
  'batch',
  'ghost',
  'renorm',
  'group',
  'layer',
  'instance',
  'weight',
  'spectral',
  'none',
] as const;
export const ACTIVATIONS = ['relu', 'sigmoid', 'tanh'] as const satisfies readonly ActivationFn[];

export type Preset = (typeof PRESETS)[number];
export type NormKind = (typeof NORMS)[number];

export interface NormOptions {
  readonly eps: number;
  /** PyTorch convention: running = (1 − m)·running + m·batch; null = cumulative average. */
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  /** ghost: virtual batch size within each device's batch. */
  readonly virtualBatch: number;
  /** group: number of channel groups. */
  readonly groups: number;
  /** renorm: final clipping bounds and the warm-up schedule (Ioffe 2017). */
  readonly rmax: number;
  readonly dmax: number;
  readonly renormWarmup: number;
  readonly renormRamp: number;
}

export interface ModelOptions {
  readonly preset: Preset;
  /** mlp: hidden widths. */
  readonly hidden: readonly number[];
  readonly activation: ActivationFn;
  readonly norm: NormKind;
  /** cnn: output channels of the two conv blocks. */
  readonly channels: readonly [number, number];
  readonly normOptions: NormOptions;
}
