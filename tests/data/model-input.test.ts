import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import { makeDataset } from '../../src/data/make-dataset.ts';
import { loadMnistNode } from '../../src/platform/node/mnist.ts';
import { modelInputOf } from '../../src/data/model-input.ts';
import { SYNTHETIC_NAMES } from '../../src/data/synthetic.ts';

describe('modelInputOf (the model input a config gives, without the data)', () => {
  it('is the sample shape and class count of the sets makeDataset makes', async () => {
    const mnist = await loadMnistNode();
    const datasets = [
      ...SYNTHETIC_NAMES.map((name) => ({ name, classes: 5, train: 40, test: 10 })),
      { name: 'mnist' as const, downsample: true, train: 40, test: 10 },
      { name: 'mnist' as const, downsample: false, train: 40, test: 10 },
    ];
    for (const dataset of datasets) {
      const config = parseConfig({
        dataset,
        model: { preset: 'mlp' },
        devices: 2,
        perDeviceBatch: 4,
      });
      const { train } = makeDataset(config.dataset, config.seed, mnist);
      expect(modelInputOf(config.dataset), dataset.name).toEqual({
        sampleShape: train.sampleShape,
        classes: train.classes,
      });
    }
  });
});
