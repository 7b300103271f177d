import type { RunConfig } from '../config/schema.ts';
import { firstNonFiniteParam, type NonFiniteParam } from '../core/non-finite.ts';
import { type Dataset, type SplitDataset, sampleSize } from '../data/dataset.ts';
import type { GroupStepReport } from '../workers/reports.ts';
import type { DeviceHost } from './hosts/host.ts';
import { namedParams } from './named-params.ts';

/*
 * What a non-finite loss or parameter is blamed on. Nothing here runs on a healthy step: the
 * trainer calls it once, after it saw a NaN or ±Infinity, so the full scans cost nothing in
 * benchmarks. The order is the order of causes: the data (a non-finite input poisons the forward
 * whatever the weights), then a parameter that an earlier update made non-finite (weight decay
 * that no step size can keep stable, or an overflowing update), then an overflow in the forward
 * with finite inputs and weights (the classic divergence: too large a learning rate).
 */

export interface NonFiniteInput {
  readonly device: number;
  /** Index into the training set. */
  readonly sample: number;
  /** Index of the feature (pixel) within the flattened sample. */
  readonly feature: number;
  readonly value: number;
}

/** The first non-finite input value in a step's shards, in device order, or null. */
export function firstNonFiniteInput(
  ds: Dataset,
  shards: readonly Int32Array[],
): NonFiniteInput | null {
  const size = sampleSize(ds);
  for (const [device, shard] of shards.entries()) {
    for (const sample of shard) {
      for (let f = 0; f < size; f++) {
        const value = ds.x[sample * size + f]!;
        if (!Number.isFinite(value)) return { device, sample, feature: f, value };
      }
    }
  }
  return null;
}

/** Training samples holding any NaN or ±Infinity. */
export function countNonFiniteSamples(ds: Dataset): number {
  const size = sampleSize(ds);
  let bad = 0;
  for (let s = 0; s < ds.count; s++) {
    for (let f = 0; f < size; f++) {
      if (!Number.isFinite(ds.x[s * size + f]!)) {
        bad++;
        break;
      }
    }
  }
  return bad;
}

/**
 * Weight decay alone makes the weights grow when lr × weightDecay is past the stability limit of
 * the update w ← w − lr·wd·w (plain SGD and AdamW's decoupled decay: 2; heavy-ball momentum μ:
 * 2(1 + μ); Nesterov: 2(1 + μ)/(1 + 2μ)). Adam folds the decay into a normalized step, which it
 * cannot blow up. Returns a sentence naming the keys, or null.
 */
export function unstableWeightDecay(optimizer: RunConfig['optimizer']): string | null {
  const { name, lr, weightDecay, momentum, nesterov } = optimizer;
  if (weightDecay === 0 || name === 'adam') return null;
  const limit =
    name === 'adamw'
      ? 2
      : nesterov
        ? (2 * (1 + momentum)) / (1 + 2 * momentum)
        : 2 * (1 + momentum);
  const product = lr * weightDecay;
  if (product < limit) return null;
  return `optimizer.weightDecay ${weightDecay} with optimizer.lr ${lr} makes the weights grow by themselves (the decay is stable only while lr × weightDecay < ${round(limit)}, here ${round(product)}); use optimizer.weightDecay below ${round(limit / lr)}`;
}

function round(v: number): string {
  return String(Number(v.toPrecision(3)));
}

function describeParam(p: NonFiniteParam): string {
  return `parameter ${p.name} (layer ${p.layer}) is ${p.value} at index ${p.index}`;
}

export interface NonFiniteLossContext {
  readonly step: number;
  readonly loss: number;
  /** Devices whose own loss was not finite, in device order. */
  readonly devices: readonly number[];
  readonly input: NonFiniteInput | null;
  /** How many training samples hold non-finite values (only counted when `input` was found). */
  readonly badSamples: number;
  readonly trainCount: number;
  /** The first non-finite parameter the step's forward used (before its update), if any. */
  readonly param: NonFiniteParam | null;
  readonly config: RunConfig;
}

/** The error message for a non-finite loss: the step, where, and the likely cause. */
export function explainNonFiniteLoss(c: NonFiniteLossContext): string {
  const where = c.devices.length
    ? ` (device${c.devices.length > 1 ? 's' : ''} ${c.devices.join(', ')})`
    : '';
  const head = `step ${c.step}: the loss is ${c.loss}${where}`;
  if (c.input) {
    const i = c.input;
    const scale = c.config.dataset.featureScale
      ? '; dataset.featureScale multiplies the features, and values past float32’s 3.4e38 become Infinity'
      : '';
    return `${head}: training sample ${i.sample} (on device ${i.device}) has a non-finite input, feature ${i.feature} is ${i.value}; ${c.badSamples} of the ${c.trainCount} training samples hold NaN or ±Infinity. The data, not the learning rate, is the cause: fix or drop those samples${scale}`;
  }
  if (c.param) {
    const cause =
      unstableWeightDecay(c.config.optimizer) ??
      'an update overflowed float32 (try a smaller optimizer.lr, or warm-up steps)';
    const when = c.step > 1 ? `after the update of step ${c.step - 1}` : 'before the first step';
    return `${head}: ${describeParam(c.param)} ${when}, with finite inputs. Likely cause: ${cause}`;
  }
  const decay = unstableWeightDecay(c.config.optimizer);
  if (decay) {
    return `${head} with finite inputs and parameters: the activations overflowed. Likely cause: ${decay}`;
  }
  return `${head} with finite inputs and parameters: the activations overflowed; training diverged (try a smaller optimizer.lr)`;
}

/** The error message for a parameter that the last update made non-finite (the loss never saw it). */
export function explainNonFiniteParam(
  step: number,
  param: NonFiniteParam,
  config: RunConfig,
): string {
  const cause =
    unstableWeightDecay(config.optimizer) ??
    'an update overflowed float32 (try a smaller optimizer.lr, or warm-up steps)';
  return `step ${step}: the update made a parameter non-finite: ${describeParam(param)}. Likely cause: ${cause}`;
}

/** Name what made a step's loss non-finite (runs once, when it happened). */
export function nonFiniteLossMessage(
  step: number,
  loss: number,
  reports: readonly GroupStepReport[],
  shards: readonly Int32Array[],
  data: SplitDataset,
  config: RunConfig,
): string {
  const input = firstNonFiniteInput(data.train, shards);
  return explainNonFiniteLoss({
    step,
    loss,
    devices: reports
      .flatMap((r) => r.devices)
      .filter((d) => !Number.isFinite(d.lossSum))
      .map((d) => d.rank)
      .sort((a, b) => a - b),
    input,
    badSamples: input ? countNonFiniteSamples(data.train) : 0,
    trainCount: data.train.count,
    param: reports.map((r) => r.nonFiniteParam ?? null).find((p) => p !== null) ?? null,
    config,
  });
}

/** Throw, naming the parameter, if the run's last update left a non-finite one. */
export async function checkFinalParams(
  host: DeviceHost,
  step: number,
  config: RunConfig,
  data: SplitDataset,
): Promise<void> {
  const flat = await host.copyParams();
  for (let i = 0; i < flat.length; i++) {
    if (!Number.isFinite(flat[i]!)) {
      const param = firstNonFiniteParam(namedParams(config, data.train, flat));
      if (param) throw new Error(explainNonFiniteParam(step, param, config));
    }
  }
}
