import { describe, expect, it } from 'vitest';
import { parseConfig, type RunConfigInput, shardSizes } from '../../src/config/schema.ts';
import { unstableWeightDecay } from '../../src/coordinator/diagnose-non-finite.ts';
import { InProcessHost } from '../../src/coordinator/hosts/in-process.ts';
import { train } from '../../src/coordinator/trainer.ts';
import type { SplitDataset } from '../../src/data/dataset.ts';
import { EpochSampler } from '../../src/data/sampler.ts';
import { createNodeWorkerHost } from '../../src/platform/node/worker-host.ts';
import { loadData } from './harness.ts';

/*
 * A NaN names its cause: the data (which sample, which feature), a parameter an update made
 * non-finite (which one, which layer, and whether weight decay alone explains it), or an
 * overflow with finite inputs and weights (then, and only then, a smaller learning rate).
 */
const spiral = (overrides: Partial<RunConfigInput>): RunConfigInput => ({
  seed: 5,
  dataset: { name: 'spiral', train: 200, test: 50 },
  model: { preset: 'mlp', hidden: [16, 16] },
  devices: 2,
  perDeviceBatch: 8,
  steps: 6,
  evalEvery: 3,
  ...overrides,
});

async function failure(
  input: RunConfigInput,
  poison?: (data: SplitDataset) => void,
  where: 'in-process' | { workers: number } = 'in-process',
): Promise<string> {
  const config = parseConfig(input);
  const data = await loadData(config);
  poison?.(data);
  const host =
    where === 'in-process'
      ? new InProcessHost(config, data)
      : await createNodeWorkerHost(config, data, where.workers);
  try {
    await train(config, data, host);
  } catch (error) {
    return (error as Error).message;
  } finally {
    await host.close();
  }
  throw new Error('training did not fail');
}

describe('a non-finite loss or parameter names its cause', () => {
  it('a NaN in the data: the step, the device, the training sample and the feature; not the learning rate', async () => {
    const input = spiral({ bnSync: 'local' });
    const config = parseConfig(input);
    // Step 3's batch, device 1's shard: its second sample gets a NaN in feature 1, and one
    // sample that is not in the batch gets an Infinity (counted, not blamed).
    const sampler = new EpochSampler(config.dataset.train, config.globalBatch, config.seed);
    sampler.next();
    sampler.next();
    const batch = sampler.next();
    const [first] = shardSizes(config.globalBatch, config.devices);
    const victim = batch[first! + 1]!;
    const other = [...Array(200).keys()].find((i) => !batch.includes(i))!;
    for (const where of ['in-process', { workers: 2 }] as const) {
      const message = await failure(
        input,
        (data) => {
          data.train.x[victim * 2 + 1] = Number.NaN;
          data.train.x[other * 2] = Number.POSITIVE_INFINITY;
        },
        where,
      );
      expect(message).toBe(
        `step 3: the loss is NaN (device 1): training sample ${victim} (on device 1) has a non-finite input, feature 1 is NaN; 2 of the 200 training samples hold NaN or ±Infinity. The data, not the learning rate, is the cause: fix or drop those samples`,
      );
    }
  });

  it('weight decay that blows the weights up names optimizer.weightDecay and the first non-finite parameter', async () => {
    // lr × weightDecay = 1e40: the first update sends every decayed weight to ±Infinity.
    const optimizer = { name: 'sgd' as const, lr: 100, weightDecay: 1e38 };
    const message = await failure(spiral({ optimizer }));
    expect(message).toMatch(
      /^step 2: the loss is NaN \(devices 0, 1\): parameter fc1\.weight \(layer fc1\) is -?Infinity at index 0 after the update of step 1, with finite inputs\. Likely cause: optimizer\.weightDecay 1e\+38 with optimizer\.lr 100 makes the weights grow by themselves/,
    );
    expect(message).not.toMatch(/smaller optimizer\.lr/);
    // The last update is checked too, although no loss sees it.
    const last = await failure(spiral({ optimizer, steps: 1, evalEvery: 1 }));
    expect(last).toMatch(
      /^step 1: the update made a parameter non-finite: parameter fc1\.weight \(layer fc1\) is -?Infinity at index 0\. Likely cause: optimizer\.weightDecay 1e\+38/,
    );
  });

  it('an overflow with finite data and a stable weight decay blames the learning rate', async () => {
    const message = await failure(
      spiral({
        model: { preset: 'mlp', hidden: [16, 16], norm: 'none' },
        optimizer: { name: 'sgd', lr: 1e30 },
        steps: 20,
      }),
    );
    expect(message).toMatch(/^step \d+: the loss is (NaN|Infinity)/);
    expect(message).toMatch(/optimizer\.lr/);
    expect(message).not.toMatch(/weightDecay|non-finite input/);
  });

  it('the weight-decay stability limit follows the optimizer', () => {
    const sgd = { name: 'sgd', lr: 1, momentum: 0, nesterov: false, weightDecay: 1.9 } as const;
    const base = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };
    expect(unstableWeightDecay({ ...base, ...sgd })).toBeNull();
    expect(unstableWeightDecay({ ...base, ...sgd, weightDecay: 2.1 })).toMatch(/below 2$/);
    // Heavy-ball momentum 0.9 is stable up to 2(1 + μ) = 3.8; Nesterov up to 3.8 / 2.8.
    expect(unstableWeightDecay({ ...base, ...sgd, momentum: 0.9, weightDecay: 3.7 })).toBeNull();
    expect(
      unstableWeightDecay({ ...base, ...sgd, momentum: 0.9, nesterov: true, weightDecay: 1.4 }),
    ).toMatch(/< 1\.36/);
    expect(unstableWeightDecay({ ...base, ...sgd, name: 'adamw', weightDecay: 2.5 })).toMatch(
      /< 2,/,
    );
    expect(unstableWeightDecay({ ...base, ...sgd, name: 'adam', weightDecay: 1e6 })).toBeNull();
  });
});
