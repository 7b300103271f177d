import type { RunConfig } from '../../config/schema.ts';
import type { NormMode } from '../../core/layer.ts';
import { Sequential } from '../../core/model/sequential.ts';
import { runPass } from '../../core/model/sync.ts';
import { learningRate } from '../../core/optim/schedule.ts';
import type { Dataset, SplitDataset } from '../../data/dataset.ts';
import { EpochSampler } from '../../data/sampler.ts';
import { Device, type PassStats } from '../../workers/device.ts';

/**
 * One model trained on one device, driven directly (no coordinator): for the experiments that
 * look inside the model (a layer's pre-activations, the loss along the gradient) rather than at
 * data-parallel training. BN merges answer locally: the device's batch is the whole batch. The
 * model, init stream, sampler and optimizer are the ones a 1-device run of `config` would use.
 */
export class SingleDevice {
  readonly device: Device;
  private readonly sampler: EpochSampler;
  private steps = 0;

  constructor(
    readonly config: RunConfig,
    readonly data: SplitDataset,
  ) {
    this.device = new Device(0, config, {
      sampleShape: data.train.sampleShape,
      classes: data.train.classes,
    });
    this.sampler = new EpochSampler(data.train.count, config.globalBatch, config.seed);
  }

  get step(): number {
    return this.steps;
  }

  /** The next training batch's indices (the sampler a run of this config would draw). */
  nextBatch(): Int32Array {
    return this.sampler.next();
  }

  /** Forward and backward on `indices` of the training set, leaving the gradients in the params. */
  gradients(indices: Int32Array, step = this.steps): PassStats {
    const { x, y } = this.device.loadBatch(this.data.train, indices);
    return runPass(this.device.trainPass(x, y, indices.length, step));
  }

  /** One optimizer step on the next batch, with the config's schedule. */
  trainStep(): PassStats {
    const stats = this.gradients(this.nextBatch());
    const cfg = this.config;
    this.device.optimizer.step(learningRate(cfg.schedule, cfg.optimizer.lr, this.steps, cfg.steps));
    this.steps++;
    return stats;
  }

  /** Loss and accuracy on a dataset in chunks, with running statistics (or another eval mode). */
  evaluate(
    ds: Dataset = this.data.test,
    mode: 'eval-running' | 'eval-batch' = 'eval-running',
    chunk = 500,
  ): { loss: number; acc: number } {
    const chunks = function* (): Generator<Int32Array> {
      for (let start = 0; start < ds.count; start += chunk) {
        yield Int32Array.from({ length: Math.min(chunk, ds.count - start) }, (_, i) => start + i);
      }
    };
    const { lossSum, correct } = this.device.evaluate(ds, chunks(), mode, this.steps);
    return { loss: lossSum / ds.count, acc: correct / ds.count };
  }

  /**
   * The output of layer `name` for the samples at `indices` (eval mode: no statistics change),
   * copied. A prefix of the model's own layers computes it, so nothing is rebuilt.
   */
  layerOutput(
    name: string,
    ds: Dataset,
    indices: Int32Array,
    mode: NormMode = 'eval-running',
  ): Float32Array {
    const layers = this.device.model.layers;
    const end = layers.findIndex((l) => l.name === name);
    if (end < 0) throw new Error(`no layer "${name}" in ${layers.map((l) => l.name).join(', ')}`);
    const prefix = new Sequential(layers.slice(0, end + 1), this.device.model.inputShape);
    const { x } = this.device.loadBatch(ds, indices);
    return Float32Array.from(runPass(prefix.forward(x, { mode, step: this.steps })).data);
  }
}
