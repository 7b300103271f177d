import type { RunConfig } from '../config/schema.ts';
import type { Buffer, NormMode, Param, RunContext } from '../core/layer.ts';
import { softmaxCrossEntropy } from '../core/loss.ts';
import { buildModel } from '../core/model/build.ts';
import type { Sequential } from '../core/model/sequential.ts';
import { accumulateInputMoments } from '../core/model/population-moments.ts';
import { answerLocally, runPass, type SyncGen } from '../core/model/sync.ts';
import { type BatchStatLayer, isBatchStatLayer } from '../core/norm/batch-stat-layer.ts';
import type { Moments } from '../core/norm/moments.ts';
import { makeOptimizer } from '../core/optim/make-optimizer.ts';
import type { Optimizer } from '../core/optim/optimizer.ts';
import { Rng } from '../core/rng.ts';
import { type Tensor, TensorSlot } from '../core/tensor.ts';
import { type Dataset, gatherBatch } from '../data/dataset.ts';

export interface PassStats {
  /** Σ of per-sample losses (not yet divided by the global count). */
  lossSum: number;
  correct: number;
  count: number;
}

/**
 * One simulated device: a model replica with its own optimizer, like one DDP rank. It knows
 * nothing of workers or of the other devices; its passes pause at every BN merge and whoever
 * drives it decides which devices the merge spans.
 */
export class Device {
  readonly model: Sequential;
  readonly optimizer: Optimizer;
  readonly params: readonly Param[];
  readonly buffers: readonly Buffer[];
  readonly batchLayers: readonly BatchStatLayer[];
  /** Total parameter values: the length of the gradient vector DDP all-reduces. */
  readonly paramCount: number;
  readonly bufferCount: number;
  private readonly input = new TensorSlot();
  private labels = new Int32Array(0);
  private readonly lossGrad = new TensorSlot();

  constructor(
    readonly rank: number,
    config: RunConfig,
    readonly data: { sampleShape: readonly number[]; classes: number },
  ) {
    // Every replica draws the same initial weights from the run's 'init' stream; the coordinator
    // then broadcasts device 0's parameters anyway, as DDP does, and checks the replicas agree.
    this.model = buildModel(
      config.model,
      { sampleShape: [...data.sampleShape], classes: data.classes },
      Rng.stream(config.seed, 'init'),
    );
    this.params = this.model.params();
    this.buffers = this.model.buffers();
    this.batchLayers = this.model.layers.filter(isBatchStatLayer);
    this.optimizer = makeOptimizer(config.optimizer, this.params);
    this.paramCount = this.params.reduce((n, p) => n + p.value.length, 0);
    this.bufferCount = this.buffers.reduce((n, b) => n + b.value.length, 0);
  }

  /** Gather the samples at `indices` into this device's reusable input tensor. */
  loadBatch(ds: Dataset, indices: Int32Array): { x: Tensor; y: Int32Array } {
    const x = this.input.get([indices.length, ...this.data.sampleShape]);
    if (this.labels.length !== indices.length) this.labels = new Int32Array(indices.length);
    gatherBatch(ds, indices, x.data, this.labels);
    return { x, y: this.labels };
  }

  /**
   * Forward, loss and backward on this device's shard. The loss gradient is divided by
   * `normalizer`, chosen (gradient-averaging.ts) so that the devices' gradients SUM to the step's
   * gradient: K·n_k under DDP's averaging, the global batch size under 'global'.
   */
  *trainPass(x: Tensor, y: Int32Array, normalizer: number, step: number): SyncGen<PassStats> {
    const ctx: RunContext = { mode: 'training', step };
    const logits = yield* this.model.forward(x, ctx);
    const loss = softmaxCrossEntropy(logits, y, normalizer, this.lossGrad);
    yield* this.model.backward(loss.grad, ctx);
    return { lossSum: loss.lossSum, correct: loss.correct, count: y.length };
  }

  /** Forward only, for evaluation or PreciseBN collection. */
  *evalPass(x: Tensor, y: Int32Array, mode: NormMode, step: number): SyncGen<PassStats> {
    const logits = yield* this.model.forward(x, { mode, step });
    const loss = softmaxCrossEntropy(logits, y, 1, this.lossGrad);
    return { lossSum: loss.lossSum, correct: loss.correct, count: y.length };
  }

  /**
   * Loss and accuracy summed over `batches` of `ds` (index lists, in order), with the running
   * statistics or each batch's own: the one evaluation loop (a device group's share of the test
   * set, a single-device experiment's whole set). It never talks to other devices: the running
   * statistics are identical on every replica and test batches are normalized on their own.
   */
  evaluate(
    ds: Dataset,
    batches: Iterable<Int32Array>,
    mode: 'eval-running' | 'eval-batch',
    step: number,
  ): PassStats {
    const total: PassStats = { lossSum: 0, correct: 0, count: 0 };
    for (const indices of batches) {
      if (indices.length === 0) continue;
      const { x, y } = this.loadBatch(ds, indices);
      const r = runPass(this.evalPass(x, y, mode, step), (req) => answerLocally(req, false));
      total.lossSum += r.lossSum;
      total.correct += r.correct;
      total.count += r.count;
    }
    return total;
  }

  /**
   * Each batch-statistic norm's input moments over `batches` of `ds` in 'eval-running' mode (the
   * weights and running statistics frozen): the population statistics the running ones stand for.
   */
  inputMoments(ds: Dataset, batches: Iterable<Int32Array>, step: number): Map<string, Moments> {
    const out = new Map<string, Moments>();
    for (const indices of batches) {
      if (indices.length === 0) continue;
      const { x } = this.loadBatch(ds, indices);
      accumulateInputMoments(this.model, x, step, out);
    }
    return out;
  }

  copyGradients(out: Float32Array): Float32Array {
    return flatten(
      this.params.map((p) => p.grad),
      out,
    );
  }

  loadGradients(from: Float32Array): void {
    unflatten(
      from,
      this.params.map((p) => p.grad),
    );
  }

  /**
   * Keep this replica's parameters in `flat` (every parameter end to end, in model order) from
   * now on: the current values are copied in and each Param's value becomes a view of it.
   */
  moveParams(flat: Float32Array): void {
    moveInto(this.params, 'value', flat);
  }

  /** The same for the gradients: each Param's grad becomes a view of `flat`. */
  moveGradients(flat: Float32Array): void {
    moveInto(this.params, 'grad', flat);
  }

  copyParams(out: Float32Array = new Float32Array(this.paramCount)): Float32Array {
    return flatten(
      this.params.map((p) => p.value),
      out,
    );
  }

  loadParams(from: Float32Array): void {
    unflatten(
      from,
      this.params.map((p) => p.value),
    );
  }

  copyBuffers(out: Float32Array = new Float32Array(this.bufferCount)): Float32Array {
    return flatten(
      this.buffers.map((b) => b.value),
      out,
    );
  }

  loadBuffers(from: Float32Array): void {
    unflatten(
      from,
      this.buffers.map((b) => b.value),
    );
  }

  /** A hash of every parameter and buffer bit: replicas that agree have equal checksums. */
  checksum(): number {
    let h = 0x811c9dc5;
    const mix = (arr: Float32Array): void => {
      const words = new Uint32Array(arr.buffer, arr.byteOffset, arr.length);
      for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
    };
    for (const p of this.params) mix(p.value);
    for (const b of this.buffers) mix(b.value);
    return h >>> 0;
  }
}

/** The arrays one after another in `out` (model order): parameters, gradients or buffers. */
function flatten(parts: readonly Float32Array[], out: Float32Array): Float32Array {
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The inverse of flatten: each array takes its slice of `from`, in order. */
function moveInto(params: readonly Param[], field: 'value' | 'grad', flat: Float32Array): void {
  let at = 0;
  for (const p of params) {
    const view = flat.subarray(at, at + p[field].length);
    view.set(p[field]);
    (p as Record<typeof field, Float32Array>)[field] = view;
    at += view.length;
  }
}

function unflatten(from: Float32Array, parts: readonly Float32Array[]): void {
  let at = 0;
  for (const part of parts) {
    part.set(from.subarray(at, at + part.length));
    at += part.length;
  }
}
