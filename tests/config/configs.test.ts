import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromText } from '../../src/config/config-text.ts';
import { checkModelBuilds } from '../../src/config/preflight.ts';
import { modelInputOf } from '../../src/data/model-input.ts';

const CONFIGS = join(import.meta.dirname, '..', '..', 'configs');
const files = readdirSync(CONFIGS).filter((f) => f.endsWith('.json'));

describe('example configs', () => {
  it.each(files)('%s is valid and its model builds', (name) => {
    const config = configFromText(readFileSync(join(CONFIGS, name), 'utf8'), name);
    expect(() => checkModelBuilds(config)).not.toThrow();
  });

  it('mnist-mlp-bn.json is the issue example', () => {
    const c = configFromText(readFileSync(join(CONFIGS, 'mnist-mlp-bn.json'), 'utf8'), 'x');
    expect(c.seed).toBe(1);
    expect(c.dataset).toMatchObject({ name: 'mnist', train: 2000, test: 500 });
    expect(c.model).toMatchObject({ preset: 'mlp', hidden: [64, 64], norm: 'batch' });
    expect([c.devices, c.perDeviceBatch, c.steps, c.evalEvery, c.evalMode]).toEqual([
      1,
      32,
      200,
      50,
      'running',
    ]);
    expect(c.optimizer).toMatchObject({ name: 'sgd', lr: 0.1, momentum: 0.9 });
  });

  it('modelInputOf knows the shapes the data loaders produce', () => {
    const mnist = {
      name: 'mnist',
      train: 1,
      test: 1,
      downsample: false,
      noise: 0,
      standardize: false,
      classes: 3,
    } as const;
    expect(modelInputOf(mnist)).toEqual({ sampleShape: [1, 28, 28], classes: 10 });
    expect(modelInputOf({ ...mnist, downsample: true }).sampleShape).toEqual([1, 14, 14]);
    expect(modelInputOf({ ...mnist, name: 'moons' })).toEqual({ sampleShape: [2], classes: 2 });
    expect(modelInputOf({ ...mnist, name: 'blobs', classes: 5 })).toEqual({
      sampleShape: [2],
      classes: 5,
    });
  });
});
