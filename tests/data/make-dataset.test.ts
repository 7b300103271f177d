import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import { makeDataset } from '../../src/data/make-dataset.ts';
import { mnistFromDigitJson } from '../../src/data/mnist-json.ts';
import { makeSynthetic } from '../../src/data/synthetic.ts';

describe('makeDataset', () => {
  it('builds the synthetic set a config describes, seeded by the run seed', () => {
    const cfg = parseConfig({
      seed: 5,
      dataset: { name: 'spiral', train: 120, test: 30, featureScale: [1, 100], standardize: true },
      model: { preset: 'mlp' },
      devices: 1,
      perDeviceBatch: 4,
    });
    const got = makeDataset(cfg.dataset, cfg.seed);
    const want = makeSynthetic({ ...cfg.dataset, name: 'spiral', seed: 5 });
    expect(got.train.x).toEqual(want.train.x);
    expect(got.test.y).toEqual(want.test.y);
    expect(got.standardization).toBeDefined();
  });

  it('needs the raw digits for MNIST and standardizes them on request', () => {
    const cfg = parseConfig({
      dataset: { name: 'mnist', train: 30, test: 10, downsample: true, standardize: true },
      model: { preset: 'mlp' },
      devices: 1,
      perDeviceBatch: 4,
    });
    expect(() => makeDataset(cfg.dataset, 1)).toThrow(/load MNIST first/);
    // A miniature package: 3 images per digit.
    const texts = Array.from({ length: 10 }, (_, d) =>
      JSON.stringify({ data: Array.from({ length: 3 * 784 }, (_, i) => ((i + d) % 7) / 6) }),
    );
    const raw = mnistFromDigitJson(texts);
    expect(raw.count).toBe(30);
    const small = parseConfig({
      dataset: { name: 'mnist', train: 24, test: 6, downsample: true, standardize: true },
      model: { preset: 'mlp' },
      devices: 1,
      perDeviceBatch: 4,
    });
    const ds = makeDataset(small.dataset, 1, raw);
    expect(ds.train.sampleShape).toEqual([1, 14, 14]);
    expect(ds.standardization?.mean.length).toBe(196);
    expect(ds.test.count).toBe(6);
  });
});
