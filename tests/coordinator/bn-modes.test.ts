import type { RunConfigInput } from '../../src/config/schema.ts';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, mnistConfig, trainWith } from './harness.ts';

const losses = (t: { result: { train: { loss: number }[] } }): number[] =>
  t.result.train.map((r) => r.loss);

describe('what local, sync and group:g mean', () => {
  it('local with K=1 equals sync with K=1 (bit for bit)', async () => {
    const local = await trainWith(
      mnistConfig({ devices: 1, perDeviceBatch: 16, bnSync: 'local' }),
      'in-process',
    );
    const sync = await trainWith(
      mnistConfig({ devices: 1, perDeviceBatch: 16, bnSync: 'sync' }),
      'in-process',
    );
    expect(losses(local)).toEqual(losses(sync));
    expect(local.params).toEqual(sync.params);
  });

  it('local with K>1 differs from sync when shard means differ (label-sorted shards)', async () => {
    const base = { devices: 4, perDeviceBatch: 8, sharding: 'label-sorted' } as const;
    const local = await trainWith(mnistConfig({ ...base, bnSync: 'local' }), 'in-process');
    const sync = await trainWith(mnistConfig({ ...base, bnSync: 'sync' }), 'in-process');
    expect(maxAbsDiff(losses(local), losses(sync))).toBeGreaterThan(1e-3);
    // Local BN's devices see different statistics from each other; sync's telemetry shows the spread.
    const noise = (local.result.telemetry as { bn: Record<string, { meanNoise: number[][] }> }).bn;
    const firstLayer = Object.values(noise)[0]!;
    expect(Math.max(...firstLayer.meanNoise[0]!)).toBeGreaterThan(0.1);
  });

  it('group:K equals sync and group:1 equals local (bit for bit)', async () => {
    const base = { devices: 4, perDeviceBatch: 8, runningStats: 'sync' } as const;
    const groupK = await trainWith(mnistConfig({ ...base, bnSync: 'group:4' }), 'in-process');
    const sync = await trainWith(mnistConfig({ ...base, bnSync: 'sync' }), 'in-process');
    expect(losses(groupK)).toEqual(losses(sync));
    expect(groupK.params).toEqual(sync.params);
    const group1 = await trainWith(mnistConfig({ ...base, bnSync: 'group:1' }), 'in-process');
    const local = await trainWith(mnistConfig({ ...base, bnSync: 'local' }), 'in-process');
    expect(losses(group1)).toEqual(losses(local));
    expect(group1.params).toEqual(local.params);
  });

  it('group:2 on 4 devices sits between local and sync', async () => {
    const base = { devices: 4, perDeviceBatch: 8, sharding: 'label-sorted' } as const;
    const local = await trainWith(mnistConfig({ ...base, bnSync: 'local' }), 'in-process');
    const group2 = await trainWith(mnistConfig({ ...base, bnSync: 'group:2' }), 'in-process');
    const sync = await trainWith(mnistConfig({ ...base, bnSync: 'sync' }), 'in-process');
    expect(maxAbsDiff(losses(group2), losses(local))).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(losses(group2), losses(sync))).toBeGreaterThan(1e-4);
  });

  it('running-statistics policies: rank0 and mean differ, replicas stay identical', async () => {
    const base = {
      devices: 4,
      perDeviceBatch: 8,
      bnSync: 'local',
      sharding: 'label-sorted',
    } as const;
    const rank0 = await trainWith(mnistConfig({ ...base, runningStats: 'rank0' }), { workers: 2 });
    const mean = await trainWith(mnistConfig({ ...base, runningStats: 'mean' }), { workers: 2 });
    const synced = await trainWith(mnistConfig({ ...base, runningStats: 'sync' }), { workers: 2 });
    // Same training (local normalization), different buffers.
    expect(losses(rank0)).toEqual(losses(mean));
    expect(losses(rank0)).toEqual(losses(synced));
    expect(maxAbsDiff(rank0.buffers, mean.buffers)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(mean.buffers, synced.buffers)).toBeGreaterThan(1e-6);
  });
});

describe('Ghost BN and Batch Renormalization combine with local and sync', () => {
  for (const norm of ['ghost', 'renorm'] as const) {
    it(`${norm}: local and sync both train, differ from each other, and agree at K=1`, async () => {
      const model: RunConfigInput['model'] = {
        preset: 'mlp',
        hidden: [32, 32],
        norm,
        normOptions: { virtualBatch: 4, renormWarmup: 5, renormRamp: 5 },
      };
      const base = { model, devices: 4, perDeviceBatch: 8, sharding: 'label-sorted' } as const;
      const local = await trainWith(mnistConfig({ ...base, bnSync: 'local' }), { workers: 2 });
      const sync = await trainWith(mnistConfig({ ...base, bnSync: 'sync' }), { workers: 2 });
      for (const r of [...local.result.train, ...sync.result.train])
        expect(Number.isFinite(r.loss)).toBe(true);
      expect(maxAbsDiff(losses(local), losses(sync))).toBeGreaterThan(1e-4);
      const one = { ...base, devices: 1 };
      const oneLocal = await trainWith(mnistConfig({ ...one, bnSync: 'local' }), 'in-process');
      const oneSync = await trainWith(mnistConfig({ ...one, bnSync: 'sync' }), 'in-process');
      expect(losses(oneLocal)).toEqual(losses(oneSync));
    });
  }

  it('ghost under sync with uneven shards (30 over 4 devices: 2 virtual batches on some, fewer samples in the last)', async () => {
    const model: RunConfigInput['model'] = {
      preset: 'mlp',
      hidden: [32, 32],
      norm: 'ghost',
      normOptions: { virtualBatch: 4 },
    };
    const r = await trainWith(mnistConfig({ model, devices: 4, globalBatch: 30, bnSync: 'sync' }), {
      workers: 2,
    });
    for (const row of r.result.train) expect(Number.isFinite(row.loss)).toBe(true);
  });
});
