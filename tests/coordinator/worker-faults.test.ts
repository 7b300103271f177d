import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import { WorkerPoolHost } from '../../src/coordinator/hosts/worker-pool.ts';
import { train } from '../../src/coordinator/trainer.ts';
import {
  type NodeWorkerHandle,
  spawnNodeDeviceWorker,
} from '../../src/platform/node/worker-host.ts';
import { loadData, mnistConfig, trainResolved, trainWith } from './harness.ts';

describe('failures are named, never a hang', () => {
  it('a worker killed mid-run is reported with its devices, within the timeout', async () => {
    const config = parseConfig(
      mnistConfig({ devices: 4, perDeviceBatch: 8, bnSync: 'sync', collectiveTimeoutMs: 2000 }),
    );
    const data = await loadData(config);
    const handles: NodeWorkerHandle[] = [];
    const host = await WorkerPoolHost.start(
      config,
      data,
      (i) => {
        const h = spawnNodeDeviceWorker(i);
        handles.push(h);
        return h;
      },
      2,
    );
    let killedAt = 0;
    const run = train(config, data, host, {
      onProgress: ({ step }) => {
        if (step === 3) {
          killedAt = performance.now();
          setTimeout(() => void handles[1]!.thread.terminate(), 1);
        }
      },
    });
    try {
      await expect(run).rejects.toThrow(
        /devices 2–3 stopped answering: worker 1 stopped unexpectedly/,
      );
      expect(performance.now() - killedAt).toBeLessThan(config.collectiveTimeoutMs);
    } finally {
      await host.close();
    }
  });

  it('local BN with one sample per device is the clear "more than 1 value per channel" error', async () => {
    // The schema rejects it before the first step (tests/cli/config-rules.test.ts); the engine's
    // own check stays, for a config that did not go through the schema.
    const input = mnistConfig({ devices: 4, perDeviceBatch: 1, bnSync: 'local' });
    expect(() => parseConfig(input)).toThrow(/^perDeviceBatch: device 0 gets a batch of 1 sample/);
    const config = {
      ...parseConfig({ ...input, perDeviceBatch: 2 }),
      perDeviceBatch: 1,
      globalBatch: 4,
    };
    const run = trainResolved(config, { workers: 2 });
    await expect(run).rejects.toThrow(/Expected more than 1 value per channel when training/);
  });

  it('one sample per device is fine in sync (the merged count is 4)', async () => {
    const r = await trainWith(
      mnistConfig({ devices: 4, perDeviceBatch: 1, bnSync: 'sync', steps: 3 }),
      { workers: 2 },
    );
    for (const row of r.result.train) expect(Number.isFinite(row.loss)).toBe(true);
  });

  it('group:2 with one sample per device is fine too (each group merges 2 values)', async () => {
    const r = await trainWith(
      mnistConfig({ devices: 4, perDeviceBatch: 1, bnSync: 'group:2', steps: 3 }),
      'in-process',
    );
    for (const row of r.result.train) expect(Number.isFinite(row.loss)).toBe(true);
  });
});

describe('replicas are checked to stay identical', () => {
  it('a replica that drifts is an error naming the step and the device', async () => {
    const { InProcessHost } = await import('../../src/coordinator/hosts/in-process.ts');
    const config = parseConfig(
      mnistConfig({ devices: 4, perDeviceBatch: 8, bnSync: 'sync', checksumEvery: 5 }),
    );
    const data = await loadData(config);
    const host = new InProcessHost(config, data);
    // Reach into the host only to simulate a silent fault on device 2: a flipped running
    // statistic (parameters are re-shared every step within a worker, buffers are not).
    const group = (
      host as unknown as { group: { devices: { buffers: { value: Float32Array }[] }[] } }
    ).group;
    const run = train(config, data, host, {
      onProgress: ({ step }) => {
        if (step === 7) group.devices[2]!.buffers[0]!.value[0]! += 1e-3;
      },
    });
    await expect(run).rejects.toThrow(
      /replicas diverged at step 10: device 2's parameters or buffers differ from device 0's/,
    );
  });
});
