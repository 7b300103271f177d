import { parseConfig, type RunConfig } from '../../../config/schema.ts';

/**
 * Step 6's live comparison: the same small MNIST MLP on 8 devices with 2 digits each (local
 * statistics, as DDP without SyncBN), once per normalization. The norms' options are the config's
 * defaults (GroupNorm 4 groups, Batch Renorm rmax 3, dmax 5 after 100 + 400 steps). Headless on 2
 * shared cores about 2 s a run (`npm run sim`, seed 1: BN 40.6%, GroupNorm 81.4%, LayerNorm 85.4%,
 * Batch Renorm 49.0% test accuracy).
 */
export const COMPARED_NORMS = ['batch', 'group', 'layer', 'renorm'] as const;
export type ComparedNorm = (typeof COMPARED_NORMS)[number];

export const COMPARISON_DEVICES = 8;
export const COMPARISON_PER_DEVICE = 2;
export const COMPARISON_STEPS = 200;

export function comparisonConfig(norm: ComparedNorm): RunConfig {
  return parseConfig({
    seed: 1,
    dataset: { name: 'mnist', train: 2000, test: 500 },
    model: { preset: 'mlp', hidden: [64, 64], norm },
    devices: COMPARISON_DEVICES,
    perDeviceBatch: COMPARISON_PER_DEVICE,
    bnSync: 'local',
    optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 },
    steps: COMPARISON_STEPS,
    evalEvery: COMPARISON_STEPS,
    evalMode: 'running',
  });
}
