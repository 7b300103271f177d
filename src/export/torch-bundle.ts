import type { RunConfig } from '../config/schema.ts';
import { toConfigInput } from '../config/config-input.ts';
import type { Layer } from '../core/layer.ts';
import { Activation } from '../core/layers/activations.ts';
import { Conv2d } from '../core/layers/conv2d.ts';
import { Dense } from '../core/layers/dense.ts';
import { Flatten } from '../core/layers/flatten.ts';
import { MaxPool2d } from '../core/layers/maxpool2d.ts';
import { buildModel } from '../core/model/build.ts';
import { BatchNorm } from '../core/norm/batch-norm.ts';
import { BatchRenorm } from '../core/norm/batch-renorm.ts';
import { GhostBatchNorm } from '../core/norm/ghost-batch-norm.ts';
import { GroupNorm } from '../core/norm/group-norm.ts';
import { InstanceNorm } from '../core/norm/instance-norm.ts';
import { LayerNorm } from '../core/norm/layer-norm.ts';
import { SpectralNorm } from '../core/norm/spectral-norm.ts';
import { WeightNorm } from '../core/norm/weight-norm.ts';
import { learningRate } from '../core/optim/schedule.ts';
import { Rng } from '../core/rng.ts';
import { preciseBatches } from '../coordinator/precise-batches.ts';
import type { Dataset, SplitDataset } from '../data/dataset.ts';
import { EpochSampler } from '../data/sampler.ts';
import { makeSharder, shardSizes } from '../data/sharding.ts';
import { bundleReadme } from './bundle-readme.ts';
import { encodeNpz, type NpyArray, type RawDeflate } from './npz.ts';
import { checkTorchExportable } from './torch-support.ts';
import type { TorchLayer, TorchPlan, TorchReparam } from './torch-plan.ts';
import { trainPy } from './train-py.ts';

export interface TorchBundleFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface TorchBundleOptions {
  /** Store every step's global batch indices (default: runs up to EXACT_DEFAULT_MAX_STEPS). */
  readonly exact: boolean;
  /** Raw DEFLATE for the .npz entries (Node's zlib.deflateRawSync); stored when absent. */
  readonly deflate?: RawDeflate;
}

/**
 * The files of a PyTorch bundle for `config` trained on `data` (the arrays the run used, as
 * makeDataset made them): train.py, init.npz (parameters and BN buffers as device 0 holds them
 * after the initial broadcast), data.npz (train and test arrays), plan.npz (each step's learning
 * rate and, when exact, each step's global batch indices in device order) and README.md.
 * Throws ConfigError naming the field when the config cannot be exported (torch-support.ts).
 */
export function buildTorchBundle(
  config: RunConfig,
  data: SplitDataset,
  options: TorchBundleOptions,
): TorchBundleFile[] {
  checkTorchExportable(config, options.exact);
  const model = buildModel(
    config.model,
    { sampleShape: data.train.sampleShape, classes: data.train.classes },
    // The stream every device builds its replica from; device 0's weights are broadcast.
    Rng.stream(config.seed, 'init'),
  );
  const plan: TorchPlan = {
    config,
    configInput: toConfigInput(config),
    layers: torchLayers(model.layers, data.train.sampleShape),
    decay: model
      .params()
      .filter((p) => p.decay)
      .map((p) => p.name),
    shardSizes: shardSizes(config.globalBatch, config.devices),
    exact: options.exact,
    evalBatch: config.evalBatch,
  };

  const init = new Map<string, NpyArray>();
  for (const p of model.params()) init.set(p.name, { dtype: 'f4', shape: p.shape, data: p.value });
  for (const b of model.buffers()) {
    // PyTorch keeps the batch counter as an int64 buffer; ours is a float.
    if (b.name.endsWith('.num_batches_tracked')) {
      init.set(b.name, { dtype: 'i8', shape: [], data: BigInt64Array.of(BigInt(b.value[0]!)) });
    } else {
      init.set(b.name, { dtype: 'f4', shape: b.shape, data: b.value });
    }
  }

  const arrays = new Map<string, NpyArray>([
    ...datasetArrays('train', data.train),
    ...datasetArrays('test', data.test),
  ]);

  const steps = new Map<string, NpyArray>();
  const lr = new Float64Array(config.steps);
  for (let s = 0; s < config.steps; s++) {
    lr[s] = learningRate(config.schedule, config.optimizer.lr, s, config.steps);
  }
  steps.set('lr', { dtype: 'f8', shape: [config.steps], data: lr });
  if (options.exact) {
    steps.set('batch_indices', {
      dtype: 'i4',
      shape: [config.steps, config.globalBatch],
      data: globalBatches(config, data.train),
    });
  }

  if (config.evalMode === 'precise') {
    // PreciseBN's batches, the same at every evaluation: [batch, globalBatch] in device order.
    const precise = preciseBatches(config, data.train);
    const rows = new Int32Array(precise.length * config.globalBatch);
    precise.forEach((shards, b) => {
      let at = b * config.globalBatch;
      for (const part of shards) {
        rows.set(part, at);
        at += part.length;
      }
    });
    steps.set('precise_indices', {
      dtype: 'i4',
      shape: [precise.length, config.globalBatch],
      data: rows,
    });
  }

  const npz = (m: Map<string, NpyArray>): Uint8Array => encodeNpz(m, options.deflate);
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  return [
    { name: 'train.py', bytes: text(trainPy(plan)) },
    { name: 'init.npz', bytes: npz(init) },
    { name: 'data.npz', bytes: npz(arrays) },
    { name: 'plan.npz', bytes: npz(steps) },
    { name: 'README.md', bytes: text(bundleReadme(plan)) },
  ];
}

/**
 * Every step's global batch as the trainer deals it: the epoch sampler's indices, sharded by the
 * run's policy, concatenated in device order (rank k's samples are row[offset_k : offset_k + n_k]).
 */
export function globalBatches(config: RunConfig, train: Dataset): Int32Array {
  const sizes = shardSizes(config.globalBatch, config.devices);
  const sampler = new EpochSampler(train.count, config.globalBatch, config.seed);
  const shard = makeSharder(config.sharding, {
    devices: config.devices,
    classes: train.classes,
    seed: config.seed,
  });
  const out = new Int32Array(config.steps * config.globalBatch);
  for (let s = 0; s < config.steps; s++) {
    let at = s * config.globalBatch;
    for (const part of shard(sampler.next(), train.y, sizes)) {
      out.set(part, at);
      at += part.length;
    }
  }
  return out;
}

function datasetArrays(split: 'train' | 'test', ds: Dataset): [string, NpyArray][] {
  return [
    [`x_${split}`, { dtype: 'f4', shape: [ds.count, ...ds.sampleShape], data: ds.x }],
    [
      `y_${split}`,
      { dtype: 'i8', shape: [ds.count], data: BigInt64Array.from(ds.y, (v) => BigInt(v)) },
    ],
  ];
}

/** The model's layers as train.py builds them; `sampleShape` tells BN after a conv from BN on features. */
function torchLayers(layers: readonly Layer[], sampleShape: readonly number[]): TorchLayer[] {
  let shape = [...sampleShape];
  return layers.map((layer) => {
    const out = torchLayer(layer, shape.length === 3);
    shape = layer.outputShape(shape);
    return out;
  });
}

function torchLayer(layer: Layer, spatial: boolean): TorchLayer {
  if (layer instanceof Flatten) return { kind: 'flatten', name: layer.name };
  if (layer instanceof WeightNorm) return weighted(layer.inner, 'weight');
  if (layer instanceof SpectralNorm) return weighted(layer.inner, 'spectral');
  if (layer instanceof Dense || layer instanceof Conv2d) return weighted(layer, null);
  if (layer instanceof MaxPool2d) {
    return { kind: 'maxpool', name: layer.name, kernel: layer.kernel, stride: layer.stride };
  }
  // Ghost BN and Batch Renorm extend BatchNorm: ask for them first.
  if (layer instanceof GhostBatchNorm) {
    return {
      kind: 'ghostbatchnorm',
      ...batchStat(layer, spatial),
      virtualBatch: layer.virtualBatch,
    };
  }
  if (layer instanceof BatchRenorm) {
    return {
      kind: 'batchrenorm',
      ...batchStat(layer, spatial),
      rmax: layer.rmax,
      dmax: layer.dmax,
      warmup: layer.warmup,
      ramp: layer.ramp,
    };
  }
  if (layer instanceof BatchNorm) return { kind: 'batchnorm', ...batchStat(layer, spatial) };
  if (layer instanceof InstanceNorm) {
    return {
      kind: 'instancenorm',
      name: layer.name,
      features: layer.channels,
      eps: layer.eps,
      affine: layer.affine,
    };
  }
  if (layer instanceof GroupNorm || layer instanceof LayerNorm) {
    return {
      kind: 'groupnorm',
      name: layer.name,
      features: layer.channels,
      groups: layer.groups,
      eps: layer.eps,
      affine: layer.affine,
    };
  }
  if (layer instanceof Activation) return { kind: 'activation', name: layer.name, fn: layer.fn };
  // Every layer buildModel makes is mapped above; a new kind of layer needs its mapping here.
  throw new Error(`torch export: layer ${layer.name} (${layer.kind}) has no PyTorch mapping yet`);
}

function batchStat(layer: BatchNorm, spatial: boolean) {
  return {
    name: layer.name,
    features: layer.channels,
    spatial,
    eps: layer.eps,
    momentum: layer.momentum,
    affine: layer.affine,
    trackRunningStats: layer.trackRunningStats,
  };
}

/** A Dense or Conv2d (the one a weight or spectral norm wraps, under the same name). */
function weighted(layer: Layer, reparam: TorchReparam): TorchLayer {
  if (layer instanceof Dense) {
    return {
      kind: 'linear',
      name: layer.name,
      in: layer.inFeatures,
      out: layer.outFeatures,
      bias: layer.bias !== null,
      reparam,
    };
  }
  if (layer instanceof Conv2d) {
    return {
      kind: 'conv',
      name: layer.name,
      in: layer.inChannels,
      out: layer.outChannels,
      kernel: layer.kernel,
      stride: layer.stride,
      padding: layer.padding,
      bias: layer.bias !== null,
      reparam,
    };
  }
  throw new Error(
    `torch export: ${reparam} norm around ${layer.name} (${layer.kind}) has no PyTorch mapping`,
  );
}
