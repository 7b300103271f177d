import { describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../../src/config/schema.ts';
import { maxAbsDiff, mnistConfig, trainWith } from './harness.ts';

/*
 * SyncBN over K devices must equal plain BN over the concatenated batch (PyTorch's own
 * DDP+SyncBN equivalence test). BN moments are merged in float64, so the statistics agree to
 * ~1e-12; what differs is float32 summation order inside the GEMMs (weight gradients are K partial
 * sums instead of one), about 1e-7 relative per step. Over 20 SGD steps with momentum this stays
 * far below 1e-4 absolute on parameters of size ~0.1 and 1e-5 on the loss; a real bug (a missing
 * merge, a count off by a device) moves them by 1e-2 or more.
 */
const PARAM_TOL = 1e-4;
const LOSS_TOL = 1e-5;

const models: Record<string, RunConfigInput['model']> = {
  mlp: { preset: 'mlp', hidden: [32, 32], norm: 'batch' },
  cnn: { preset: 'cnn', channels: [4, 8], norm: 'batch' },
};

describe('SyncBN over K devices equals BN over the whole batch', () => {
  for (const [name, model] of Object.entries(models)) {
    it(`${name}: K=4 × 8 in sync equals K=1 × 32 (loss every step, parameters after 20 steps)`, async () => {
      const single = await trainWith(
        mnistConfig({ model, devices: 1, perDeviceBatch: 32 }),
        'in-process',
      );
      const synced = await trainWith(
        // Equal shards: 'ddp' (the default) and 'global' are the same numbers.
        mnistConfig({
          model,
          devices: 4,
          perDeviceBatch: 8,
          bnSync: 'sync',
          gradientAveraging: 'ddp',
        }),
        {
          workers: 2,
        },
      );
      const lossDiff = maxAbsDiff(
        single.result.train.map((r) => r.loss),
        synced.result.train.map((r) => r.loss),
      );
      expect(lossDiff).toBeLessThan(LOSS_TOL);
      expect(maxAbsDiff(single.params, synced.params)).toBeLessThan(PARAM_TOL);
      expect(maxAbsDiff(single.buffers, synced.buffers)).toBeLessThan(PARAM_TOL);
    });
  }

  // With unequal shards only gradientAveraging "global" is one big device; "ddp" (each device's
  // own mean loss, gradients averaged over K) is checked against PyTorch in ddp-reference.test.ts.
  it('uneven shards: global batch 30 on 4 devices (8, 8, 7, 7) with gradientAveraging "global" equals one device with 30', async () => {
    const single = await trainWith(mnistConfig({ devices: 1, globalBatch: 30 }), 'in-process');
    const synced = await trainWith(
      mnistConfig({ devices: 4, globalBatch: 30, bnSync: 'sync', gradientAveraging: 'global' }),
      { workers: 2 },
    );
    expect(synced.result.telemetry).toMatchObject({
      deviceCount: expect.arrayContaining([[8, 8, 7, 7]]),
    });
    expect(
      maxAbsDiff(
        single.result.train.map((r) => r.loss),
        synced.result.train.map((r) => r.loss),
      ),
    ).toBeLessThan(LOSS_TOL);
    expect(maxAbsDiff(single.params, synced.params)).toBeLessThan(PARAM_TOL);
    // Running statistics merged with the TOTAL count (PyTorch issue 22192): the unbiased variance
    // of the joined 30 samples, momentum-weighted, equals the single-device buffers.
    expect(maxAbsDiff(single.buffers, synced.buffers)).toBeLessThan(PARAM_TOL);
  });

  it('devices with one and with zero samples take part without error or NaN (gradientAveraging "global")', async () => {
    // Global batch 6 on 8 devices: six devices get one sample, two get none. A device with no
    // samples has no mean loss, so only "global" averaging allows this (config-rules test).
    const single = await trainWith(mnistConfig({ devices: 1, globalBatch: 6 }), 'in-process');
    const synced = await trainWith(
      mnistConfig({ devices: 8, globalBatch: 6, bnSync: 'sync', gradientAveraging: 'global' }),
      { workers: 2 },
    );
    expect(synced.result.telemetry).toMatchObject({
      deviceCount: expect.arrayContaining([[1, 1, 1, 1, 1, 1, 0, 0]]),
    });
    for (const r of synced.result.train) expect(Number.isFinite(r.loss)).toBe(true);
    expect(maxAbsDiff(single.params, synced.params)).toBeLessThan(PARAM_TOL);
    expect(maxAbsDiff(single.buffers, synced.buffers)).toBeLessThan(PARAM_TOL);
  });
});
