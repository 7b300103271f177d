import { getPath, isPlainObject } from '../config/config-object.ts';

/**
 * Every key an imported run's config must spell out. An import gets no silent defaults: a config
 * missing `devices` would resolve to 8 devices, and a 4-device run would resume as another run
 * with other numbers. One list per object of the config, in the input form exports write
 * (`toConfigInput`); a test checks it against the keys a resolved config has, so a key added to
 * the schema fails that test until it is listed here (and, if older exports lack it, given the
 * value those exports were made with before this check runs).
 */
export const REQUIRED_CONFIG_KEYS = {
  '': [
    'seed',
    'dataset',
    'model',
    'devices',
    'gradientAveraging',
    'bnSync',
    'runningStats',
    'sharding',
    'optimizer',
    'schedule',
    'steps',
    'evalEvery',
    'evalMode',
    'preciseSamples',
    'evalBatch',
    'checksumEvery',
    'transport',
    'collectiveTimeoutMs',
    'telemetryEvery',
  ],
  dataset: ['name', 'train', 'test', 'downsample', 'noise', 'standardize', 'classes'],
  model: ['preset', 'hidden', 'activation', 'norm', 'channels', 'normOptions'],
  'model.normOptions': [
    'eps',
    'momentum',
    'affine',
    'trackRunningStats',
    'virtualBatch',
    'groups',
    'rmax',
    'dmax',
    'renormWarmup',
    'renormRamp',
  ],
  optimizer: ['name', 'lr', 'momentum', 'nesterov', 'weightDecay', 'beta1', 'beta2', 'eps'],
  schedule: ['name', 'warmupSteps', 'stepSize', 'gamma', 'minLr'],
} as const satisfies Record<string, readonly string[]>;

/**
 * Keys a config may leave out without a default standing in for a number: `workers` (chosen at
 * run time, never changes the numbers) and `dataset.featureScale` (absent: no scaling). Exactly
 * one of the batch keys is given.
 */
export const OPTIONAL_CONFIG_KEYS = { '': ['workers'], dataset: ['featureScale'] } as const;
export const BATCH_KEYS = ['perDeviceBatch', 'globalBatch'] as const;

/**
 * Keys added to the schema after exports without them were made, with the value those older
 * exports were trained with (not the new default), by dotted path; e.g. a key "gradientAveraging"
 * added with default "ddp" to a trainer that used to average globally would be listed here as
 * `gradientAveraging: 'global'` (and in REQUIRED_CONFIG_KEYS). A file from after the key existed
 * that lost it gets this value too; if that was not its value, the checkpoint's fingerprint no
 * longer matches and the file is refused.
 */
export const KEYS_OLDER_EXPORTS_LACK: Readonly<Record<string, unknown>> = {
  // Before the key existed every run averaged over the global batch (store migration v5 too).
  gradientAveraging: 'global',
};

/** `input` with the keys older exports lack filled in (a copy; `input` is not changed). */
export function withOlderExportKeys(
  input: Record<string, unknown>,
  lacking: Readonly<Record<string, unknown>> = KEYS_OLDER_EXPORTS_LACK,
): Record<string, unknown> {
  const copy = structuredClone(input);
  for (const [path, value] of Object.entries(lacking)) {
    const dot = path.lastIndexOf('.');
    const parent = getPath(copy, dot < 0 ? '' : path.slice(0, dot));
    const key = path.slice(dot + 1);
    if (isPlainObject(parent) && !(key in parent)) parent[key] = value;
  }
  return copy;
}

/** The required keys `input` lacks, as dotted paths ("devices", "model.normOptions.eps"). */
export function missingConfigKeys(input: Record<string, unknown>): string[] {
  const missing: string[] = [];
  for (const [section, keys] of Object.entries(REQUIRED_CONFIG_KEYS)) {
    const object = getPath(input, section);
    // A missing or malformed section is reported once, as its own key (or by the schema).
    if (!isPlainObject(object)) continue;
    for (const key of keys) {
      if (!(key in object)) missing.push(section ? `${section}.${key}` : key);
    }
  }
  if (!BATCH_KEYS.some((key) => key in input)) missing.push(BATCH_KEYS.join(' or '));
  return missing;
}
