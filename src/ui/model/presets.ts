import { msg } from '@lit/localize';
import type { ConfigObject } from '../../config/config-object.ts';
import type { Study } from './study.ts';

/**
 * Named studies. Each finishes in well under a minute on two cores (MNIST, 2,000 training
 * digits, a 64-64 MLP, 300 steps: about 2 s per variant headless, a few seconds in a browser;
 * the runs of a study train at the same time).
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

/**
 * The clearest lesson, and what the app opens with: local BN and SyncBN side by side on 8 devices
 * with 2 examples each, training at the same time. Measured headless (`npm run sim`, 2 shared
 * cores, about 2.5 s a run): test accuracy 33.0% vs 89.4% (seeds 2 and 3: 41.8/87.8, 42.6/88.6);
 * at 4 per device the gap is 87.4% vs 91.6%, at 4 devices × 2 23.6% vs 86.0% (fewer devices
 * to watch), at 16 × 2 44.4% vs 91.6% (twice the work).
 */
const LOCAL_VS_SYNC_2: Study = {
  config: mnistMlp({ perDeviceBatch: 2 }),
  compare: { field: 'bnSync', values: ['local', 'sync'] },
};

/** What the app opens with: the first preset's study (the form shows that preset picked). */
export const DEFAULT_STUDY: Study = LOCAL_VS_SYNC_2;

export const PRESETS: readonly Preset[] = [
  {
    id: 'syncbn-vs-local-2',
    get title() {
      return msg('Local BN vs SyncBN, 2 per device (default)');
    },
    get description() {
      return msg(
        'Eight devices with two digits each, trained side by side. Local BN normalizes every pair by itself; SyncBN normalizes with all 16 digits of the step.',
      );
    },
    get lookAt() {
      return msg(
        'Look at the accuracy curves as they grow: SyncBN learns, local BN hardly does. With two examples a device’s normalized values are always −1 and +1 whatever the inputs, so almost no gradient gets back through local BN; the per-device noise chart shows how far each pair’s statistics sit from the global batch’s.',
      );
    },
    study: LOCAL_VS_SYNC_2,
  },
  {
    id: 'small-batch-instability',
    get title() {
      return msg('Small-batch instability');
    },
    get description() {
      return msg(
        'Local BN with 2, 4 and 16 examples per device. The smaller the slice, the noisier each device’s mean and variance, and the further training and test behaviour drift apart.',
      );
    },
    get lookAt() {
      return msg(
        'Look at how the per-device noise grows as the slice shrinks (about 1/√batch) and how the test accuracy falls with it: the noise each step trains on is the cost of small per-device batches under local BN.',
      );
    },
    study: {
      config: mnistMlp({ optimizer: { name: 'sgd', lr: 0.2, momentum: 0.9 } }),
      compare: { field: 'perDeviceBatch', values: ['2', '4', '16'] },
    },
  },
  {
    id: 'non-iid',
    get title() {
      return msg('Non-IID shards');
    },
    get description() {
      return msg(
        'Each device gets examples of only one or two classes (label-sorted shards). Local BN statistics then describe one class, not the data; SyncBN sees the whole batch.',
      );
    },
    get lookAt() {
      return msg(
        'Look at the per-device statistics chart: with one class per device the device means split apart, so local BN trains on statistics no test batch has; SyncBN normalizes with the mix of all classes.',
      );
    },
    study: {
      config: mnistMlp({ sharding: 'label-sorted' }),
      compare: { field: 'bnSync', values: ['local', 'sync'] },
    },
  },
  {
    id: 'groupnorm',
    get title() {
      return msg('GroupNorm');
    },
    get description() {
      return msg(
        'GroupNorm normalizes each example over groups of channels, so it needs no batch statistics and no synchronization. Compared with local BN at two examples per device.',
      );
    },
    get lookAt() {
      return msg(
        'Look at whether GroupNorm closes the gap: it has no batch statistics, so no per-device noise and no train/test mismatch, at the price of not normalizing across examples.',
      );
    },
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
    get title() {
      return msg('No normalization');
    },
    get description() {
      return msg(
        'The same network without any normalization, next to local BN. Without BN the learning rate that BN tolerates may be too high.',
      );
    },
    get lookAt() {
      return msg(
        'Look at whether the plain network beats local BN: at four examples per device local BN’s statistics can be so noisy that they hurt more than normalization helps, and the test then uses running statistics that never matched any training batch.',
      );
    },
    study: {
      config: mnistMlp(),
      compare: { field: 'model.norm', values: ['none', 'batch'] },
    },
  },
];
