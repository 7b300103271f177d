import { describe, expect, it } from 'vitest';
import { LocalCollective } from '../../src/collectives/local.ts';
import { parseConfig, type RunConfigInput, shardSizes } from '../../src/config/schema.ts';
import { EpochSampler } from '../../src/data/sampler.ts';
import { makeSharder } from '../../src/data/sharding.ts';
import { DeviceGroup } from '../../src/workers/device-group.ts';
import type { GroupStepReport } from '../../src/workers/reports.ts';
import { loadData, mnistConfig } from '../coordinator/harness.ts';

/**
 * The devices of one worker run as one joined batch (`BatchedPass`): every number must be the one
 * each device's own pass gives, to the bit (per-sample layers do not depend on the rows around
 * them; parameter gradients and BN sums stay per device and are reduced in device order).
 */
async function trainGroup(input: RunConfigInput, joinDevices: boolean, steps = 6) {
  const config = parseConfig(input);
  const data = await loadData(config);
  const group = new DeviceGroup({
    config,
    ranks: Array.from({ length: config.devices }, (_, k) => k),
    devices: config.devices,
    train: data.train,
    test: data.test,
    collective: new LocalCollective(config.devices),
    joinDevices,
  });
  group.loadParams(group.copyParams());
  const sampler = new EpochSampler(data.train.count, config.globalBatch, config.seed);
  const shard = makeSharder(config.sharding, {
    devices: config.devices,
    classes: data.train.classes,
    seed: config.seed,
  });
  const sizes = shardSizes(config.globalBatch, config.devices);
  const reports: GroupStepReport[] = [];
  for (let step = 0; step < steps; step++) {
    const shards = shard(sampler.next(), data.train.y, sizes);
    reports.push(await group.trainStep(step, shards, config.globalBatch, 0.05, true));
  }
  const numbers = reports.map((r) => ({
    devices: r.devices.map(({ computeMs: _c, ...rest }) => rest),
    bnMoments: r.bnMoments,
    running: r.running,
  }));
  return {
    numbers,
    params: group.copyParams(),
    buffers: group.copyBuffers(),
    checksums: group.checksums(),
  };
}

const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);

describe('the devices of a worker as one batch', () => {
  const cases: [string, Partial<RunConfigInput>][] = [
    ['MLP, sync, K=8 × 4', { devices: 8, perDeviceBatch: 4, bnSync: 'sync' }],
    ['MLP, local (rank0), K=8 × 4', { devices: 8, perDeviceBatch: 4, bnSync: 'local' }],
    [
      'MLP, group:2, running mean, uneven shards, global averaging',
      {
        devices: 4,
        globalBatch: 30,
        bnSync: 'group:2',
        runningStats: 'mean',
        gradientAveraging: 'global',
      },
    ],
    ['MLP, sync, K=2 × 16', { devices: 2, perDeviceBatch: 16, bnSync: 'sync' }],
    [
      // Layers wider than one block of the summed weight gradient (FOLD_BLOCK / in rows): the
      // per-device products then read a few rows of dyᵀ out of every row through strides.
      'MLP 784-256-64-10, sync, K=16 × 2',
      {
        devices: 16,
        perDeviceBatch: 2,
        bnSync: 'sync',
        model: { preset: 'mlp', hidden: [256, 64], norm: 'batch' },
      },
    ],
    [
      'MLP, local, K=3 with shards 11, 11, 10, global averaging',
      { devices: 3, globalBatch: 32, bnSync: 'local', gradientAveraging: 'global' },
    ],
    [
      'MLP, ghost BN, Adam',
      {
        devices: 4,
        perDeviceBatch: 8,
        bnSync: 'local',
        model: { preset: 'mlp', hidden: [32, 32], norm: 'ghost', normOptions: { virtualBatch: 4 } },
        optimizer: { name: 'adam', lr: 0.003 },
      },
    ],
    [
      'CNN, sync, K=4 × 4',
      {
        devices: 4,
        perDeviceBatch: 4,
        bnSync: 'sync',
        model: { preset: 'cnn', channels: [4, 8], norm: 'batch' },
      },
    ],
  ];
  for (const [name, over] of cases) {
    it(`${name}: the same bits as each device's own pass`, async () => {
      const config = mnistConfig(over);
      const joined = await trainGroup(config, true);
      const alone = await trainGroup(config, false);
      expect(joined.numbers).toEqual(alone.numbers);
      expect(bits(joined.params)).toEqual(bits(alone.params));
      expect(bits(joined.buffers)).toEqual(bits(alone.buffers));
      // One replica per worker: every device of the group holds the same parameters.
      expect(new Set(joined.checksums).size).toBe(1);
      expect(joined.checksums).toEqual(alone.checksums);
    }, 60_000);
  }
});
