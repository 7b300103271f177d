import { describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../../src/config/schema.ts';
import { mnistConfig, trainWith } from './harness.ts';

const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);

/**
 * Each worker runs its devices as one joined batch (`src/workers/batched-pass.ts`), but every
 * reduction over samples (weight gradients, BN sums) stays per device and is reduced in device
 * order: a worker that summed its own devices first (an order that depends on how devices are
 * spread over workers) would change the last bits between these runs.
 */
describe('K = 8 on W = 1, 2 and 4 workers', () => {
  const cases: [string, Partial<RunConfigInput>][] = [
    ['MLP, sync', { bnSync: 'sync' }],
    ['MLP, local, running mean', { bnSync: 'local', runningStats: 'mean' }],
    ['CNN, group:4', { bnSync: 'group:4', model: { preset: 'cnn', channels: [4, 8] } }],
  ];
  for (const [name, over] of cases) {
    it(`${name}: the same bits after 12 steps`, async () => {
      const config = mnistConfig({
        devices: 8,
        perDeviceBatch: 4,
        steps: 12,
        evalEvery: 12,
        ...over,
      });
      const [one, two, four] = [
        await trainWith(config, { workers: 1 }),
        await trainWith(config, { workers: 2 }),
        await trainWith(config, { workers: 4 }),
      ];
      expect(bits(two.params)).toEqual(bits(one.params));
      expect(bits(four.params)).toEqual(bits(one.params));
      expect(bits(two.buffers)).toEqual(bits(one.buffers));
      expect(bits(four.buffers)).toEqual(bits(one.buffers));
      expect(two.result.train).toEqual(one.result.train);
      expect(four.result.train).toEqual(one.result.train);
      expect(four.result.final).toEqual(one.result.final);
    }, 180_000);
  }
});
