import { describe, expect, it } from 'vitest';
import type { Collective, ParameterShard } from '../../src/collectives/collective.ts';
import { newStats } from '../../src/collectives/collective.ts';
import { parseConfig, type RunConfigInput } from '../../src/config/schema.ts';
import { train } from '../../src/coordinator/trainer.ts';
import { createNodeWorkerHost } from '../../src/platform/node/worker-host.ts';
import { BatchedPass } from '../../src/workers/batched-pass.ts';
import { Device } from '../../src/workers/device.ts';
import { GradientStep } from '../../src/workers/gradient-step.ts';
import { StepCollective } from '../../src/workers/step-collective.ts';
import { loadData, mnistConfig } from '../coordinator/harness.ts';

const bits = (a: Float32Array): number[] => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

/**
 * ZeRO-1 through shared memory: workers that share memory share ONE replica (parameters and
 * optimizer state), and each worker's optimizer updates only its shard of it, the slice of the
 * gradient it summed in the all-reduce. Every optimizer rule is elementwise, so the result must
 * be the bits of one worker updating everything, and a checkpoint read from worker 0 must hold
 * the whole optimizer state although worker 0 updated only part of it.
 */
describe('the optimizer once, sharded over workers (ZeRO-1)', () => {
  it('updates only its shard of the shared replica, then waits for the other shards', async () => {
    const config = parseConfig(
      mnistConfig({ devices: 4, optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 } }),
    );
    const device = new Device(0, config, { sampleShape: [196], classes: 10 });
    const n = device.paramCount;
    const shard: ParameterShard = {
      from: Math.floor(n / 3),
      to: Math.floor((2 * n) / 3),
      params: new Float32Array(n),
      state: [new Float32Array(n)],
      gradients: new Float32Array(n),
    };
    const barriers: string[] = [];
    const exchange: Collective = {
      transport: 'shared-memory',
      stats: newStats(),
      allGather: async () => [],
      allReduceSum: async () => {
        throw new Error('a shard needs only its part of the sum (reduceScatterSum)');
      },
      reduceScatterSum: async (_tag, local) => {
        shard.gradients.set([...local.values()][0]!);
      },
      shard: () => shard,
      barrier: async (tag) => {
        barriers.push(tag.kind);
      },
      abort: () => {},
    };
    device.moveParams(shard.params);
    device.optimizer.moveState(shard.state);
    BatchedPass.shareParameters([device]);
    const step = new GradientStep([device], new StepCollective(exchange, []), true, false, shard);
    step.vectorOf(0).fill(1);
    const before = shard.params.slice();
    await step.allReduce();
    await step.update(0.1);
    const changed = [...shard.params.keys()].filter((i) => shard.params[i] !== before[i]);
    expect(changed.length).toBeGreaterThan(0);
    expect(Math.min(...changed)).toBeGreaterThanOrEqual(shard.from);
    expect(Math.max(...changed)).toBeLessThan(shard.to);
    const momentum = [...shard.state[0]!.keys()].filter((i) => shard.state[0]![i] !== 0);
    expect(momentum).toEqual([...Array(shard.to - shard.from).keys()].map((i) => i + shard.from));
    // The device's parameters ARE the shared vector (no copy to make after the barrier).
    expect(device.params[0]!.value.buffer).toBe(shard.params.buffer);
    expect(barriers).toEqual(['params']);
  });

  async function checkpointAfter(input: RunConfigInput, workers: number, steps: number) {
    const config = parseConfig(input);
    const data = await loadData(config);
    const host = await createNodeWorkerHost(config, data, workers);
    try {
      await train(config, data, host);
      return { transport: host.transport, checkpoint: await host.exportCheckpoint(steps) };
    } finally {
      await host.close();
    }
  }

  const optimizers: [string, RunConfigInput['optimizer']][] = [
    ['SGD with momentum', { name: 'sgd', lr: 0.1, momentum: 0.9 }],
    [
      'SGD, Nesterov and weight decay',
      { name: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
    ],
    ['Adam', { name: 'adam', lr: 0.003 }],
    ['AdamW', { name: 'adamw', lr: 0.003, weightDecay: 0.01 }],
  ];
  for (const [name, optimizer] of optimizers) {
    it(`${name}: W = 2 and 3 give W = 1's parameters and whole optimizer state, bit for bit`, async () => {
      const input = mnistConfig({
        devices: 6,
        perDeviceBatch: 4,
        steps: 8,
        evalEvery: 8,
        optimizer,
      });
      const one = await checkpointAfter(input, 1, 8);
      for (const workers of [2, 3]) {
        const many = await checkpointAfter(input, workers, 8);
        expect(many.transport).toBe('shared-memory');
        expect(bits(many.checkpoint.params)).toEqual(bits(one.checkpoint.params));
        expect(bits(many.checkpoint.buffers)).toEqual(bits(one.checkpoint.buffers));
        expect(many.checkpoint.optimizer.step).toBe(8);
        const keys = Object.keys(one.checkpoint.optimizer.buffers);
        expect(Object.keys(many.checkpoint.optimizer.buffers)).toEqual(keys);
        for (const k of keys) {
          expect(bits(many.checkpoint.optimizer.buffers[k]!), k).toEqual(
            bits(one.checkpoint.optimizer.buffers[k]!),
          );
        }
      }
    }, 120_000);
  }
});
