import type { ConfigObject } from '../../config/config-object.ts';
import type { Study } from './study.ts';

/**
 * Named studies. Each finishes in well under a minute on two cores (MNIST, 2,000 training
 * digits, a 64-64 MLP, 300 steps: about 2 s per variant headless, a few seconds in a browser).
 */
export interface Preset {
  readonly id: string;
  readonly title: string;
  /** What to look at, in a sentence or two. */
  readonly description: string;
  /** What to look at when it has run, and why: shown when the preset is picked. */
  readonly lookAt: string;
  readonly study: Study;
}

const mnistMlp = (over: ConfigObject = {}): ConfigObject => ({
  seed: 1,
  dataset: { name: 'mnist', train: 2000, test: 500 },
  model: { preset: 'mlp', hidden: [64, 64], norm: 'batch' },
  devices: 8,
  perDeviceBatch: 4,
  bnSync: 'local',
  optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 },
  steps: 300,
  evalEvery: 25,
  evalMode: 'running',
  ...over,
});

/** What the app opens with: local BN and SyncBN side by side, 8 devices × 4. */
export const DEFAULT_STUDY: Study = {
  config: mnistMlp(),
  compare: { field: 'bnSync', values: ['local', 'sync'] },
};

export const PRESETS: readonly Preset[] = [
  {
    id: 'syncbn-vs-local-2',
    title: 'SyncBN vs local BN at per-device batch 2',
    description:
      'Eight devices with two digits each. Local BN normalizes every pair by itself; SyncBN uses all 16. ' +
      'Watch the test accuracy and the per-device noise.',
    lookAt:
      'Look at the final test accuracy and the per-device noise chart: at two examples per device local BN’s batch means sit far from the global batch’s, and its running statistics end far from the population’s; SyncBN’s do not.',
    study: {
      config: mnistMlp({ perDeviceBatch: 2 }),
      compare: { field: 'bnSync', values: ['local', 'sync'] },
    },
  },
  {
    id: 'small-batch-instability',
    title: 'Small-batch instability',
    description:
      'Local BN with 2, 4 and 16 examples per device. The smaller the slice, the noisier each device’s ' +
      'mean and variance, and the further training and test behaviour drift apart.',
    lookAt:
      'Look at how the per-device noise grows as the slice shrinks (about 1/√batch) and how the test accuracy falls with it: the noise each step trains on is the cost of small per-device batches under local BN.',
    study: {
      config: mnistMlp({ optimizer: { name: 'sgd', lr: 0.2, momentum: 0.9 } }),
      compare: { field: 'perDeviceBatch', values: ['2', '4', '16'] },
    },
  },
  {
    id: 'non-iid',
    title: 'Non-IID shards',
    description:
      'Each device gets examples of only one or two classes (label-sorted shards). Local BN statistics then ' +
      'describe one class, not the data; SyncBN sees the whole batch.',
    lookAt:
      'Look at the per-device statistics chart: with one class per device the device means split apart, so local BN trains on statistics no test batch has; SyncBN normalizes with the mix of all classes.',
    study: {
      config: mnistMlp({ sharding: 'label-sorted' }),
      compare: { field: 'bnSync', values: ['local', 'sync'] },
    },
  },
  {
    id: 'groupnorm',
    title: 'GroupNorm',
    description:
      'GroupNorm normalizes each example over groups of channels, so it needs no batch statistics and no ' +
      'synchronization. Compared with local BN at two examples per device.',
    lookAt:
      'Look at whether GroupNorm closes the gap: it has no batch statistics, so no per-device noise and no train/test mismatch, at the price of not normalizing across examples.',
    study: {
      config: mnistMlp({
        perDeviceBatch: 2,
        model: { preset: 'mlp', hidden: [64, 64], norm: 'batch', normOptions: { groups: 8 } },
      }),
      compare: { field: 'model.norm', values: ['batch', 'group'] },
    },
  },
  {
    id: 'no-norm',
    title: 'No normalization',
    description:
      'The same network without any normalization, next to local BN. Without BN the learning rate that BN tolerates may be too high.',
    lookAt:
      'Look at whether the plain network beats local BN: at four examples per device local BN’s statistics can be so noisy that they hurt more than normalization helps, and the test then uses running statistics that never matched any training batch.',
    study: {
      config: mnistMlp(),
      compare: { field: 'model.norm', values: ['none', 'batch'] },
    },
  },
];
