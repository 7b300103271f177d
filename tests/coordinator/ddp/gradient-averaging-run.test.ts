import { describe, expect, it } from 'vitest';
import { parseConfig, type RunConfigInput } from '../../../src/config/schema.ts';
import type { Checkpoint } from '../../../src/workers/checkpoint.ts';
import { InProcessHost } from '../../../src/coordinator/hosts/in-process.ts';
import type { RunHooks } from '../../../src/coordinator/run-types.ts';
import { train } from '../../../src/coordinator/trainer.ts';
import { loadData, maxAbsDiff, mnistConfig } from '../harness.ts';

/*
 * Both averaging modes through the whole training loop, with unequal shards (30 on 4 devices):
 * the step's loss is the one each mode minimizes, telemetry stays per device, every
 * running-statistics policy works, and a run resumed from a checkpoint reaches the same numbers.
 */
async function run(input: RunConfigInput, hooks: RunHooks = {}) {
  const config = parseConfig(input);
  const data = await loadData(config);
  const host = new InProcessHost(config, data);
  try {
    const result = await train(config, data, host, hooks);
    return { result, params: await host.copyParams(), buffers: await host.copyBuffers() };
  } finally {
    await host.close();
  }
}

const uneven = (overrides: Partial<RunConfigInput>): RunConfigInput =>
  mnistConfig({ devices: 4, globalBatch: 30, steps: 12, evalEvery: 6, ...overrides });

describe('gradientAveraging through training (30 samples on 4 devices: 8, 8, 7, 7)', () => {
  it('the step loss is the mean of the devices’ mean losses under "ddp", the global mean under "global"; telemetry stays per device', async () => {
    for (const mode of ['ddp', 'global'] as const) {
      const { result } = await run(uneven({ bnSync: 'sync', gradientAveraging: mode }));
      const t = result.telemetry;
      expect(t.deviceCount[0]).toEqual([8, 8, 7, 7]);
      const perDevice = t.deviceLoss[0]!; // each device's own mean loss (6 digits)
      const expected =
        mode === 'ddp'
          ? perDevice.reduce((s, l) => s + l, 0) / 4
          : perDevice.reduce((s, l, k) => s + l * t.deviceCount[0]![k]!, 0) / 30;
      expect(Math.abs(result.train[0]!.loss - expected)).toBeLessThan(1e-5);
    }
  });

  it('the modes train differently with unequal shards, identically with equal ones', async () => {
    const [ddp, global] = await Promise.all([
      run(uneven({ bnSync: 'sync', gradientAveraging: 'ddp' })),
      run(uneven({ bnSync: 'sync', gradientAveraging: 'global' })),
    ]);
    expect(maxAbsDiff(ddp.params, global.params)).toBeGreaterThan(1e-3);
    const [ddpEven, globalEven] = await Promise.all([
      run(uneven({ globalBatch: 32, bnSync: 'sync', gradientAveraging: 'ddp' })),
      run(uneven({ globalBatch: 32, bnSync: 'sync', gradientAveraging: 'global' })),
    ]);
    // Bit for bit: the per-device normalizer K·n_k equals N.
    expect(ddpEven.params).toEqual(globalEven.params);
    expect(ddpEven.result.train).toEqual(globalEven.result.train);
  });

  for (const mode of ['ddp', 'global'] as const) {
    for (const [bnSync, runningStats] of [
      ['local', 'rank0'],
      ['local', 'mean'],
      ['group:2', 'sync'],
    ] as const) {
      it(`"${mode}", ${bnSync} BN, running statistics "${runningStats}": resuming from a checkpoint reaches the same numbers`, async () => {
        const input = uneven({ bnSync, runningStats, gradientAveraging: mode });
        const checkpoints: Checkpoint[] = [];
        const unbroken = await run(input, {
          checkpointEvery: 6,
          onCheckpoint: (c) => {
            checkpoints.push(c);
          },
        });
        for (const r of unbroken.result.train) expect(Number.isFinite(r.loss)).toBe(true);
        const at6 = checkpoints.find((c) => c.step === 6)!;
        const resumed = await run(input, { resumeFrom: at6 });
        expect(resumed.result.train).toEqual(unbroken.result.train.slice(6));
        expect(resumed.result.final).toEqual(unbroken.result.final);
        expect(resumed.params).toEqual(unbroken.params);
        expect(resumed.buffers).toEqual(unbroken.buffers);
      });
    }
  }
});
