import type { RunConfig } from '../config/schema.ts';
import type { Dataset } from '../data/dataset.ts';
import { EpochSampler } from '../data/sampler.ts';
import { makeSharder, shardSizes } from '../data/sharding.ts';

/**
 * The training batches PreciseBN recomputes the statistics from at an evaluation under
 * `evalMode: "precise"`: global batches from their own sampler (seed ^ 0x5eed, so the training
 * order is untouched), sharded by the run's policy, until `preciseSamples` are covered. The same
 * batches at every evaluation (a fresh sampler each time). `[batch][device]` → sample indices.
 * The trainer recomputes with them; the PyTorch export stores them (plan.npz precise_indices).
 */
export function preciseBatches(config: RunConfig, train: Dataset): Int32Array[][] {
  const sizes = shardSizes(config.globalBatch, config.devices);
  const sampler = new EpochSampler(train.count, config.globalBatch, config.seed ^ 0x5eed);
  const shard = makeSharder(config.sharding, {
    devices: config.devices,
    classes: train.classes,
    seed: config.seed,
  });
  const batches: Int32Array[][] = [];
  for (let seen = 0; seen < config.preciseSamples; seen += config.globalBatch) {
    batches.push(shard(sampler.next(), train.y, sizes));
  }
  return batches;
}
