import type { GradSegments, Layer, Param, RunContext } from '../core/layer.ts';
import { softmaxCrossEntropy } from '../core/loss.ts';
import type { Sequential } from '../core/model/sequential.ts';
import { expectMoments, expectReductions, type SyncRequest } from '../core/model/sync.ts';
import { type BatchStatLayer, isBatchStatLayer } from '../core/norm/batch-stat-layer.ts';
import { type Tensor, TensorSlot } from '../core/tensor.ts';
import { SegmentFold } from '../core/layers/segment-fold.ts';
import { type Dataset, gatherBatch } from '../data/dataset.ts';
import type { Device, PassStats } from './device.ts';
import type { MergePoint } from './lockstep.ts';

const now = (): number => performance.now();

/**
 * The training pass of all the devices one worker hosts, run as ONE batch where the math allows.
 * Under DDP every replica holds the same parameters, so the layers that act on each sample alone
 * (dense, conv, activations, pooling, the loss) run once over the joined batch (the devices'
 * samples one after another, in device order); only batch-statistic norms split it, each device's
 * slice going through that device's own norm layer (its own statistics, merged over its span as
 * before, its own running statistics). Parameter gradients stay per device: each layer writes
 * device k's gradient, summed over device k's samples alone, straight into device k's gradient
 * vector (`GradSegments`), and the all-reduce sums those vectors in device order as before. Every
 * number is therefore the same, to the bit, as running each device's pass on its own (per-sample
 * results do not depend on the rows around them: every GEMM element is a float32 sum in increasing
 * k), whichever way the devices are spread over workers.
 *
 * The worker's devices share one replica: their parameter values are the first device's arrays
 * (`shareParameters`), so the optimizer runs once per worker and nothing is copied after it.
 */
export class BatchedPass {
  private readonly layers: readonly Layer[];
  /** For each batch-statistic layer (by index in the model), every device's instance of it. */
  private readonly norms = new Map<number, readonly BatchStatLayer[]>();
  private readonly forwardSlots = new Map<number, TensorSlot>();
  private readonly backwardSlots = new Map<number, TensorSlot>();
  private readonly lossSlots: TensorSlot[];
  private readonly lossGrad = new TensorSlot();
  private readonly input = new TensorSlot();
  private labels = new Int32Array(0);
  private indices = new Int32Array(0);
  private readonly offsets: number[];
  private readonly segments: GradSegments;
  /** Norm parameters (index in the model's params, offset in a gradient vector), copied per device. */
  private readonly normParams: { index: number; offset: number }[] = [];

  /** Whether every layer of `model` can run a joined batch (else devices run one by one). */
  static supports(model: Sequential): boolean {
    return model.layers.every(
      (l) => isBatchStatLayer(l) || l.params().length === 0 || l.segmentedGradients === true,
    );
  }

  /** Set when the gradients are summed here (`summed` targets), for the norms' γ/β. */
  private readonly fold: SegmentFold | null;

  constructor(
    private readonly devices: readonly Device[],
    /**
     * Where the gradients go, in model order: `devices[k]`'s own vector (`perDevice[k]`, which the
     * all-reduce sums in device order), or, when this worker hosts every device, the step's
     * gradient itself (`summed`: the devices' gradients added exactly as that all-reduce adds them).
     */
    private readonly target:
      | { readonly perDevice: readonly Float32Array[] }
      | { readonly summed: Float32Array },
  ) {
    const lead = devices[0]!;
    this.layers = lead.model.layers;
    this.layers.forEach((layer, i) => {
      if (isBatchStatLayer(layer)) {
        this.norms.set(
          i,
          devices.map((d) => d.model.layers[i] as BatchStatLayer),
        );
        this.forwardSlots.set(i, new TensorSlot());
        this.backwardSlots.set(i, new TensorSlot());
      }
    });
    this.lossSlots = devices.map(() => new TensorSlot());
    this.offsets = new Array<number>(devices.length + 1).fill(0);
    const normParamSet = new Set(this.layers.filter(isBatchStatLayer).flatMap((l) => l.params()));
    const vectors = 'summed' in target ? [target.summed] : target.perDevice;
    this.fold = 'summed' in target ? new SegmentFold() : null;
    const targets = new Map<Param, Float32Array[]>();
    let offset = 0;
    lead.params.forEach((p, index) => {
      const len = p.value.length;
      if (normParamSet.has(p)) this.normParams.push({ index, offset });
      else
        targets.set(
          p,
          vectors.map((v) => v.subarray(offset, offset + len)),
        );
      offset += len;
    });
    const summed = 'summed' in target;
    const offsets = this.offsets;
    this.segments = {
      offsets,
      summed,
      grads(param: Param): readonly Float32Array[] {
        const t = targets.get(param);
        if (!t) throw new Error(`BatchedPass: no per-device gradient for ${param.name}`);
        return t;
      },
    };
  }

  /** Make every device's parameters the first device's arrays: one replica per worker. */
  static shareParameters(devices: readonly Device[]): void {
    const lead = devices[0]!;
    for (const d of devices.slice(1)) {
      d.params.forEach((p, j) => {
        (p as { value: Float32Array }).value = lead.params[j]!.value;
      });
    }
  }

  /**
   * Forward, loss and backward of every device's shard (`shards[k]` is `devices[k]`'s), pausing at
   * each batch-statistic norm for `merges` with all devices' requests at once. `normalizers[k]`
   * divides device k's loss gradient (`gradient-averaging.ts`). Device k's parameter gradients
   * land in its gradient vector. Returns each device's loss statistics and the compute time (the
   * merges' time excluded).
   */
  async train(
    ds: Dataset,
    shards: readonly Int32Array[],
    normalizers: readonly number[],
    step: number,
    merges: MergePoint,
  ): Promise<{ stats: PassStats[]; computeMs: number }> {
    let t = now();
    let computeMs = 0;
    const pause = async (requests: SyncRequest[]) => {
      computeMs += now() - t;
      const replies = await merges.answer(requests, 'train');
      t = now();
      return replies;
    };
    const { x, y } = this.load(ds, shards);
    const offsets = this.offsets;
    const ctx: RunContext = { mode: 'training', step, segments: this.segments };
    const layers = this.layers;

    let h = x;
    for (let i = 0; i < layers.length; i++) {
      const norms = this.norms.get(i);
      if (!norms) {
        h = layers[i]!.forward(h, ctx);
        continue;
      }
      const parts = slices(h, offsets);
      const requests = norms.map(
        (bn, k): SyncRequest => ({
          phase: 'moments',
          layer: bn.name,
          moments: bn.localMoments(parts[k]!, ctx),
        }),
      );
      const replies = await pause(requests);
      const out = this.forwardSlots.get(i)!.get(h.shape);
      const per = rowSize(h);
      norms.forEach((bn, k) => {
        out.data.set(
          bn.normalize(expectMoments(replies[k]!, bn.name), ctx).data,
          offsets[k]! * per,
        );
      });
      h = out;
    }

    const dy = this.lossGrad.get(h.shape);
    const classes = rowSize(h);
    const logits = slices(h, offsets);
    const stats: PassStats[] = this.devices.map((_, k) => {
      const from = offsets[k]!;
      const to = offsets[k + 1]!;
      const loss = softmaxCrossEntropy(
        logits[k]!,
        y.subarray(from, to),
        normalizers[k]!,
        this.lossSlots[k],
      );
      dy.data.set(loss.grad.data, from * classes);
      return { lossSum: loss.lossSum, correct: loss.correct, count: to - from };
    });

    let g: Tensor = dy;
    for (let i = layers.length - 1; i >= 0; i--) {
      const norms = this.norms.get(i);
      if (!norms) {
        g = layers[i]!.backward(g, ctx);
        continue;
      }
      const parts = slices(g, offsets);
      const requests = norms.map(
        (bn, k): SyncRequest => ({
          phase: 'reductions',
          layer: bn.name,
          reductions: bn.localReductions(parts[k]!, ctx),
        }),
      );
      const replies = await pause(requests);
      const out = this.backwardSlots.get(i)!.get(g.shape);
      const per = rowSize(g);
      norms.forEach((bn, k) => {
        out.data.set(
          bn.inputGradient(expectReductions(replies[k]!, bn.name), ctx).data,
          offsets[k]! * per,
        );
      });
      g = out;
    }
    // The norms wrote their γ/β gradients into each device's own parameters: into its vector.
    const target = this.target;
    const fold = this.fold;
    for (const { index, offset } of this.normParams) {
      if ('summed' in target && fold) {
        const len = this.devices[0]!.params[index]!.grad.length;
        for (let k = 0; k < this.devices.length; k++) {
          fold.part(0, len).set(this.devices[k]!.params[index]!.grad);
          fold.add(k === 0, 1, len);
        }
        fold.writeTo(target.summed.subarray(offset, offset + len));
      } else if ('perDevice' in target) {
        this.devices.forEach((d, k) => {
          target.perDevice[k]!.set(d.params[index]!.grad, offset);
        });
      }
    }
    computeMs += now() - t;
    return { stats, computeMs };
  }

  /** Gather every device's shard, one after another, into the joined input and labels. */
  private load(ds: Dataset, shards: readonly Int32Array[]): { x: Tensor; y: Int32Array } {
    let n = 0;
    this.offsets[0] = 0;
    shards.forEach((s, k) => {
      n += s.length;
      this.offsets[k + 1] = n;
    });
    if (this.indices.length !== n) this.indices = new Int32Array(n);
    shards.forEach((s, k) => {
      this.indices.set(s, this.offsets[k]!);
    });
    const x = this.input.get([n, ...this.devices[0]!.data.sampleShape]);
    if (this.labels.length !== n) this.labels = new Int32Array(n);
    gatherBatch(ds, this.indices, x.data, this.labels);
    return { x, y: this.labels };
  }
}

/** Values per sample of a batch tensor. */
function rowSize(t: Tensor): number {
  let n = 1;
  for (let i = 1; i < t.shape.length; i++) n *= t.shape[i]!;
  return n;
}

/** Views of `t`'s samples [offsets[k], offsets[k + 1]) for each k (no copy). */
function slices(t: Tensor, offsets: readonly number[]): Tensor[] {
  const per = rowSize(t);
  const rest = t.shape.slice(1);
  const out: Tensor[] = [];
  for (let k = 0; k + 1 < offsets.length; k++) {
    const from = offsets[k]!;
    const to = offsets[k + 1]!;
    out.push({ shape: [to - from, ...rest], data: t.data.subarray(from * per, to * per) });
  }
  return out;
}
