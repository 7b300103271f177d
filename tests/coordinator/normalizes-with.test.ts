import { describe, expect, it } from 'vitest';
import { parseConfig, type RunConfigInput, shardSizes } from '../../src/config/schema.ts';
import { POPULATION_SAMPLES, populationChunks } from '../../src/coordinator/population.ts';
import type { BnLayerTelemetry } from '../../src/coordinator/telemetry.ts';
import { tensor } from '../../src/core/tensor.ts';
import { isBatchStatLayer } from '../../src/core/norm/batch-stat-layer.ts';
import { gatherBatch } from '../../src/data/dataset.ts';
import { EpochSampler } from '../../src/data/sampler.ts';
import { makeSharder } from '../../src/data/sharding.ts';
import { Device } from '../../src/workers/device.ts';
import { loadData, mnistConfig, trainWith } from './harness.ts';

/**
 * What each device normalizes with, and the running statistics against the population ones,
 * checked on real worker_threads against computations that share no code with the engine's
 * telemetry: plain per-channel sums over the samples themselves.
 */

const base = {
  devices: 4,
  perDeviceBatch: 8,
  sharding: 'label-sorted',
  telemetryEvery: 1,
  steps: 6,
  evalEvery: 3,
} as const satisfies Partial<RunConfigInput>;

/** Plain mean and biased variance of column c of rows (float64, two passes). */
function columnStats(rows: readonly Float32Array[], c: number): { mean: number; variance: number } {
  let sum = 0;
  for (const r of rows) sum += r[c]!;
  const mean = sum / rows.length;
  let sq = 0;
  for (const r of rows) sq += (r[c]! - mean) ** 2;
  return { mean, variance: sq / rows.length };
}

/**
 * The first BN layer's input at step 1, one row per sample of each device's shard: the initial
 * weights (every replica draws them from the same stream) applied to the step's batch, drawn and
 * sharded as the coordinator draws it.
 */
async function firstStepInputs(input: RunConfigInput): Promise<Float32Array[][]> {
  const config = parseConfig(input);
  const data = await loadData(config);
  const sampler = new EpochSampler(data.train.count, config.globalBatch, config.seed);
  const shard = makeSharder(config.sharding, {
    devices: config.devices,
    classes: data.train.classes,
    seed: config.seed,
  });
  const shards = shard(
    sampler.next(),
    data.train.y,
    shardSizes(config.globalBatch, config.devices),
  );
  const device = new Device(0, config, {
    sampleShape: data.train.sampleShape,
    classes: data.train.classes,
  });
  return shards.map((indices) => {
    const { x } = device.loadBatch(data.train, indices);
    let h = x;
    for (const layer of device.model.layers) {
      if (isBatchStatLayer(layer)) break;
      h = layer.forward(h, { mode: 'training', step: 0 });
    }
    const C = h.shape[1]!;
    return Array.from({ length: indices.length }, (_, n) => h.data.slice(n * C, (n + 1) * C));
  });
}

function firstLayer(t: { bn: Record<string, BnLayerTelemetry> }): BnLayerTelemetry {
  const layer = t.bn['bn1'] ?? Object.values(t.bn)[0];
  if (!layer) throw new Error('no BN telemetry');
  return layer;
}

const close = (a: number, b: number): void => {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(b)));
};

describe('what each device normalizes with (telemetry usedMean/usedVar, real workers)', () => {
  for (const bnSync of ['local', 'sync', 'group:2'] as const) {
    it(`${bnSync}: step 1's used statistic is that of ${bnSync === 'local' ? "the device's own batch" : bnSync === 'sync' ? 'the joined global batch' : "the device's pair"}`, async () => {
      const input = mnistConfig({ ...base, bnSync });
      const trained = await trainWith(input, { workers: 2 });
      const layer = firstLayer(trained.result.telemetry);
      const inputs = await firstStepInputs(input);
      const spanOf = (k: number): number[] =>
        bnSync === 'local'
          ? [k]
          : bnSync === 'sync'
            ? [0, 1, 2, 3]
            : [k - (k % 2), k - (k % 2) + 1];
      expect(layer.step[0]).toBe(1);
      for (let k = 0; k < 4; k++) {
        const own = inputs[k]!;
        const joined = spanOf(k).flatMap((j) => inputs[j]!);
        layer.channels.forEach((c, i) => {
          const mine = columnStats(own, c);
          const used = columnStats(joined, c);
          close(layer.deviceMean[0]![k]![i]!, mine.mean);
          close(layer.deviceVar[0]![k]![i]!, mine.variance);
          close(layer.usedMean[0]![k]![i]!, used.mean);
          close(layer.usedVar[0]![k]![i]!, used.variance);
        });
      }
      // Every later step and every BN layer: the used statistic is the merge of the span's own.
      for (const l of Object.values(trained.result.telemetry.bn)) {
        const counts = trained.result.telemetry.deviceCount;
        for (let s = 0; s < l.step.length; s++) {
          const row = trained.result.telemetry.step.indexOf(l.step[s]!);
          for (let k = 0; k < 4; k++) {
            l.channels.forEach((_c, i) => {
              const span = spanOf(k);
              const n = span.map((j) => counts[row]![j]!);
              const N = n.reduce((a, b) => a + b, 0);
              const mu = span.reduce((a, j, q) => a + n[q]! * l.deviceMean[s]![j]![i]!, 0) / N;
              const v =
                span.reduce(
                  (a, j, q) =>
                    a + n[q]! * (l.deviceVar[s]![j]![i]! + (l.deviceMean[s]![j]![i]! - mu) ** 2),
                  0,
                ) / N;
              expect(Math.abs(l.usedMean[s]![k]![i]! - mu)).toBeLessThan(1e-4 * (1 + Math.abs(mu)));
              expect(Math.abs(l.usedVar[s]![k]![i]! - v)).toBeLessThan(1e-4 * (1 + v));
            });
          }
        }
      }
    }, 120_000);
  }

  it('under sync every device used the same (global) statistic; under local each its own', async () => {
    const sync = firstLayer(
      (await trainWith(mnistConfig({ ...base, bnSync: 'sync' }), { workers: 2 })).result.telemetry,
    );
    const local = firstLayer(
      (await trainWith(mnistConfig({ ...base, bnSync: 'local' }), { workers: 2 })).result.telemetry,
    );
    for (let s = 0; s < sync.step.length; s++) {
      for (const row of sync.usedMean[s]!) expect(row).toEqual(sync.globalMean[s]);
      expect(local.usedMean[s]).toEqual(local.deviceMean[s]);
      expect(local.usedVar[s]).toEqual(local.deviceVar[s]);
    }
  }, 120_000);
});

describe('population statistics at each evaluation (real workers)', () => {
  it('equal a plain pass of the frozen model over the training subset, beside the running ones', async () => {
    const input = mnistConfig({
      ...base,
      bnSync: 'local',
      dataset: { name: 'mnist', train: 5000, test: 128, downsample: true },
    });
    const trained = await trainWith(input, { workers: 2 });
    const config = trained.config;
    const last = trained.result.eval.at(-1)!;
    expect(last.step).toBe(config.steps);
    expect(trained.result.eval.every((r) => r.population !== undefined)).toBe(true);

    // The frozen model: the run's final parameters and buffers, run in eval mode layer by layer.
    const data = await loadData(config);
    const device = new Device(0, config, {
      sampleShape: data.train.sampleShape,
      classes: data.train.classes,
    });
    device.loadParams(trained.params);
    device.loadBuffers(trained.buffers);
    const indices = populationChunks(data.train.count, 1).flat();
    const subset = Int32Array.from(indices.flatMap((c) => [...c]));
    expect(subset.length).toBe(Math.min(POPULATION_SAMPLES, data.train.count));
    const x = tensor([subset.length, ...data.train.sampleShape]);
    gatherBatch(data.train, subset, x.data, new Int32Array(subset.length));
    let h = x;
    for (const layer of device.model.layers) {
      if (isBatchStatLayer(layer)) {
        const stats = last.population![layer.name]!;
        expect(stats.samples).toBe(subset.length);
        const C = layer.channels;
        const rows = Array.from({ length: subset.length }, (_, n) =>
          h.data.slice(n * C, (n + 1) * C),
        );
        stats.channels.forEach((c, i) => {
          const ref = columnStats(rows, c);
          expect(Math.abs(stats.mean[i]! - ref.mean)).toBeLessThan(1e-4 * (1 + Math.abs(ref.mean)));
          expect(Math.abs(stats.variance[i]! - ref.variance)).toBeLessThan(
            1e-4 * (1 + ref.variance),
          );
        });
        const buffers = new Map(layer.buffers().map((b) => [b.name, b.value]));
        stats.channels.forEach((c, i) => {
          close(stats.runningMean[i]!, buffers.get(`${layer.name}.running_mean`)![c]!);
          close(stats.runningVar[i]!, buffers.get(`${layer.name}.running_var`)![c]!);
        });
      }
      h = layer.forward(h, { mode: 'eval-running', step: config.steps });
    }
  }, 120_000);

  it('the train/test mismatch is small under SyncBN and large under local BN at a per-device batch of 2', async () => {
    const small = {
      devices: 8,
      perDeviceBatch: 2,
      steps: 100,
      evalEvery: 50,
      telemetryEvery: 10,
      dataset: { name: 'mnist', train: 4096, test: 128, downsample: true },
    } as const;
    // Per BN layer, the running variance's distance from the population's, averaged over evals:
    // batches of 2 make each device's variance estimate wild, and local BN's running statistics
    // (device 0's, DDP's broadcast_buffers) inherit it; SyncBN's come from the 16-sample batch.
    const varGaps = async (bnSync: 'local' | 'sync'): Promise<Map<string, number>> => {
      const t = await trainWith(mnistConfig({ ...small, bnSync }), { workers: 2 });
      const out = new Map<string, number>();
      for (const row of t.result.eval) {
        for (const [layer, p] of Object.entries(row.population!)) {
          out.set(layer, (out.get(layer) ?? 0) + p.varGap / t.result.eval.length);
        }
      }
      return out;
    };
    const local = await varGaps('local');
    const sync = await varGaps('sync');
    expect([...local.keys()]).toEqual(['bn1', 'bn2']);
    for (const [layer, gap] of local) expect(gap).toBeGreaterThan(2 * sync.get(layer)!);
  }, 180_000);
});
