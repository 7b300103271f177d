import { msg } from '@lit/localize';
import type { RunConfigInput } from '../../config/schema.ts';

/**
 * The small data-parallel setting most experiments share: MNIST downsampled to 14×14, a ReLU
 * MLP 64-64 with the norm after each hidden Dense, SGD with momentum and a cosine schedule (so the
 * final test error is not the noise of a constant learning rate), 8 devices.
 */
export function mnistMlp(quick: boolean, over: Partial<RunConfigInput> = {}): RunConfigInput {
  return {
    seed: 1,
    dataset: {
      name: 'mnist',
      train: quick ? 2000 : 8000,
      test: quick ? 500 : 2000,
      downsample: true,
    },
    model: { preset: 'mlp', hidden: [64, 64], norm: 'batch' },
    devices: 8,
    perDeviceBatch: 32,
    bnSync: 'local',
    optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 },
    schedule: { name: 'cosine' },
    steps: 200,
    evalEvery: 1_000_000,
    // Telemetry and checksums are not what these runs are for; keep them sparse.
    telemetryEvery: 1_000_000,
    checksumEvery: 1_000_000,
    ...over,
  };
}

/** The normalizations compared across devices: how each is written in a run config. */
export const NORM_VARIANTS = {
  'local-bn': { norm: 'batch', bnSync: 'local' },
  'sync-bn': { norm: 'batch', bnSync: 'sync' },
  group: { norm: 'group', bnSync: 'local' },
  renorm: { norm: 'renorm', bnSync: 'local' },
  layer: { norm: 'layer', bnSync: 'local' },
  none: { norm: 'none', bnSync: 'local' },
} as const;
export type NormVariant = keyof typeof NORM_VARIANTS;

/**
 * A config for one norm variant. Batch Renorm's warm-up (plain BN) and ramp of rmax/dmax are
 * scaled to the run's length, a tenth and a quarter of the steps, as Ioffe (2017) warms up for
 * a small part of training; the defaults (100 + 400 steps) would leave short runs plain BN.
 */
export function withNorm(base: RunConfigInput, variant: NormVariant): RunConfigInput {
  const v = NORM_VARIANTS[variant];
  const steps = base.steps ?? 200;
  const model = base.model;
  return {
    ...base,
    bnSync: v.bnSync,
    model: {
      ...model,
      norm: v.norm,
      normOptions: {
        ...model.normOptions,
        ...(v.norm === 'renorm'
          ? { renormWarmup: Math.round(steps / 10), renormRamp: Math.round(steps / 4) }
          : {}),
      },
    },
  };
}

/**
 * A norm variant's name as figures and sentences show it: in English the variant's own name (as
 * the results files key it), in another language its translation.
 */
export function normVariantLabel(variant: NormVariant): string {
  switch (variant) {
    case 'local-bn':
      return msg('local-bn');
    case 'sync-bn':
      return msg('sync-bn');
    case 'group':
      return msg('group');
    case 'renorm':
      return msg('renorm');
    case 'layer':
      return msg('layer');
    case 'none':
      return msg('none');
  }
}
