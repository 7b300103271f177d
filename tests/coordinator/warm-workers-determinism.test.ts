import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig, type RunConfigInput } from '../../src/config/schema.ts';
import { WarmWorkerPool } from '../../src/coordinator/hosts/warm-worker-pool.ts';
import { WorkerPoolHost } from '../../src/coordinator/hosts/worker-pool.ts';
import { train } from '../../src/coordinator/trainer.ts';
import { spawnNodeDeviceWorker } from '../../src/platform/node/worker-host.ts';
import { loadData, mnistConfig, trainWith } from './harness.ts';

/*
 * The browser keeps device workers between runs (WarmWorkerPool). A reused worker must give the
 * numbers a fresh one gives: nothing of the previous run (another model, other shapes, another
 * norm) may leak into the next.
 */
let spawned = 0;
const pool = new WarmWorkerPool((i) => {
  spawned++;
  return spawnNodeDeviceWorker(i);
}, 2);

afterAll(() => {
  for (let i = pool.idleCount; i > 0; i--) pool.take(0).terminate();
});

async function trainPooled(input: RunConfigInput) {
  const config = parseConfig(input);
  const data = await loadData(config);
  const host = await WorkerPoolHost.start(config, data, (i) => pool.take(i), 2);
  let clean = false;
  try {
    const result = await train(config, data, host);
    const params = await host.copyParams();
    clean = true;
    return { result, params };
  } finally {
    await host.close(clean);
  }
}

describe('device workers reused between runs', () => {
  it('give the same numbers as fresh workers, after a run of another model', async () => {
    const first = mnistConfig({
      devices: 4,
      perDeviceBatch: 8,
      bnSync: 'local',
      model: { preset: 'mlp', hidden: [48, 16], norm: 'group', normOptions: { groups: 4 } },
      optimizer: { name: 'adam', lr: 0.01 },
      steps: 8,
    });
    const second = mnistConfig({ devices: 4, perDeviceBatch: 8, bnSync: 'sync' });
    await trainPooled(first);
    expect(pool.idleCount).toBe(2); // the clean run's workers came back
    const reused = await trainPooled(second);
    expect(spawned).toBe(2); // both runs on the same two threads
    const fresh = await trainWith(second, { workers: 2 });
    expect(reused.result.train).toEqual(fresh.result.train);
    expect(reused.result.eval).toEqual(fresh.result.eval);
    expect(reused.params).toEqual(fresh.params);
  });
});
