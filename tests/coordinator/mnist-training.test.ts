import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import { runExperimentNode } from '../../src/platform/node/platform.ts';

const config = parseConfig({
  seed: 1,
  dataset: { name: 'mnist', train: 4000, test: 1000 },
  model: { preset: 'mlp', hidden: [64, 64], norm: 'batch' },
  devices: 1,
  perDeviceBatch: 32,
  optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 },
  steps: 300,
  evalEvery: 100,
});

describe('training works', () => {
  it('MLP + BN on MNIST (4,000 / 1,000, 300 steps) exceeds 90% test accuracy', async () => {
    const r = await runExperimentNode(config, {}, { host: 'in-process' });
    expect(r.train).toHaveLength(300);
    expect(r.eval.map((e) => e.step)).toEqual([100, 200, 300]);
    expect(r.final.testAcc).toBeGreaterThan(0.9);
    // Loss falls: the last 50 steps average well below the first 50.
    const mean = (rows: { loss: number }[]) => rows.reduce((s, r) => s + r.loss, 0) / rows.length;
    expect(mean(r.train.slice(-50))).toBeLessThan(0.5 * mean(r.train.slice(0, 50)));
  });

  it("the runner's output is identical for the same config twice (on real workers)", async () => {
    const short = {
      ...config,
      steps: 40,
      evalEvery: 20,
      devices: 2,
      perDeviceBatch: 16,
      workers: 2,
    };
    const a = await runExperimentNode(short);
    const b = await runExperimentNode(short);
    const numbers = (r: typeof a) => ({ train: r.train, eval: r.eval, final: r.final });
    expect(numbers(a)).toEqual(numbers(b));
  });

  for (const norm of ['ghost', 'renorm', 'group', 'layer', 'weight', 'spectral', 'none'] as const) {
    it(`the MLP trains with norm "${norm}" (loss falls, no NaN)`, async () => {
      const r = await runExperimentNode(
        {
          ...config,
          model: { ...config.model, norm },
          steps: 60,
          evalEvery: 60,
          dataset: { ...config.dataset, train: 1000, test: 200 },
        },
        {},
        { host: 'in-process' },
      );
      for (const row of r.train) expect(Number.isFinite(row.loss)).toBe(true);
      expect(r.final.testAcc).toBeGreaterThan(0.6);
    });
  }

  for (const evalMode of ['batch', 'precise'] as const) {
    it(`evaluates with evalMode "${evalMode}" and leaves training untouched`, async () => {
      const base = {
        ...config,
        steps: 40,
        evalEvery: 20,
        dataset: { ...config.dataset, train: 1000, test: 200 },
      };
      const running = await runExperimentNode(base, {}, { host: 'in-process' });
      const other = await runExperimentNode({ ...base, evalMode }, {}, { host: 'in-process' });
      expect(other.train).toEqual(running.train);
      expect(other.final.testAcc).toBeGreaterThan(0.6);
      expect(other.final.testLoss).not.toEqual(running.final.testLoss);
    });
  }
});
