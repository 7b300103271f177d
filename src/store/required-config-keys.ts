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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The required keys `input` lacks, as dotted paths ("devices", "model.normOptions.eps"). */
export function missingConfigKeys(input: Record<string, unknown>): string[] {
  const missing: string[] = [];
  for (const [section, keys] of Object.entries(REQUIRED_CONFIG_KEYS)) {
    let object: unknown = input;
    for (const part of section ? section.split('.') : []) {
      object = isObject(object) ? object[part] : undefined;
    }
    // A missing or malformed section is reported once, as its own key (or by the schema).
    if (!isObject(object)) continue;
    for (const key of keys) {
      if (!(key in object)) missing.push(section ? `${section}.${key}` : key);
    }
  }
  if (!BATCH_KEYS.some((key) => key in input)) missing.push(BATCH_KEYS.join(' or '));
  return missing;
}
