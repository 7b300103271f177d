import type { CallTag, Collective } from '../collectives/collective.ts';
import type { RunConfig } from '../config/schema.ts';
import { beginPreciseCollection } from '../core/model/recompute-precise.ts';
import type { SyncGen, SyncReply, SyncRequest } from '../core/model/sync.ts';
import { firstNonFiniteParam } from '../core/non-finite.ts';
import { mergeMoments, sumReductions } from '../core/norm/merge.ts';
import type { Moments, Reductions } from '../core/norm/moments.ts';
import type { Dataset } from '../data/dataset.ts';
import { type BnSpans, bnSpans } from './bn-span.ts';
import type { Checkpoint } from './checkpoint.ts';
import { Device, type PassStats } from './device.ts';
import type { DeviceProtocol } from './device-protocol.ts';
import { lossNormalizer } from './gradient-averaging.ts';
import type { BnMomentsReport, GroupStepReport, PassKind, RunningStatsReport } from './reports.ts';
import { packMoments, packReductions, unpackMoments, unpackReductions } from './sync-payload.ts';

export interface DeviceGroupOptions {
  readonly config: RunConfig;
  /** The devices this group hosts (consecutive or not), out of `devices` in the run. */
  readonly ranks: readonly number[];
  readonly devices: number;
  readonly train: Dataset;
  readonly test: Dataset;
  readonly collective: Collective;
}

const now = (): number => performance.now();

/**
 * The devices one worker hosts, driven in lockstep: their passes advance together to the next BN
 * merge, the group checks they all reached the same one, exchanges statistics through the
 * collective and resumes them. Pure logic: the same class runs in a browser Web Worker, a Node
 * worker_thread and in-process.
 */
export class DeviceGroup implements DeviceProtocol {
  readonly devices: Device[];
  private readonly spans: BnSpans;
  private readonly collective: Collective;
  private readonly config: RunConfig;
  private readonly gradOut: Float32Array;
  private readonly paramScratch: Float32Array;
  private readonly gradLocal: Map<number, Float32Array>;
  private readonly layerIndex: Map<string, number>;
  private step = 0;
  private waitMs = 0;
  private telemetry: BnMomentsReport[] | null = null;

  constructor(private readonly options: DeviceGroupOptions) {
    const { config, ranks, train } = options;
    this.config = config;
    this.collective = options.collective;
    this.spans = bnSpans(config.bnSync, options.devices);
    const data = { sampleShape: train.sampleShape, classes: train.classes };
    this.devices = ranks.map((rank) => new Device(rank, config, data));
    const first = this.devices[0];
    if (!first) throw new Error('DeviceGroup: a group hosts at least one device');
    this.gradOut = new Float32Array(first.paramCount);
    this.paramScratch = new Float32Array(first.paramCount);
    this.gradLocal = new Map(this.devices.map((d) => [d.rank, new Float32Array(first.paramCount)]));
    this.layerIndex = new Map(first.batchLayers.map((l, i) => [l.name, i]));
  }

  get paramCount(): number {
    return this.devices[0]!.paramCount;
  }

  /** Device 0's parameters (the replicas are identical), flattened in model order. */
  copyParams(): Float32Array {
    return this.devices[0]!.copyParams();
  }

  /** DDP's initial broadcast: every replica takes `params` (device 0's). */
  loadParams(params: Float32Array): void {
    for (const d of this.devices) d.loadParams(params);
  }

  /** Buffers (running statistics…) are replaced wholesale, e.g. when restoring a checkpoint. */
  loadBuffers(buffers: Float32Array): void {
    for (const d of this.devices) d.loadBuffers(buffers);
  }

  exportCheckpoint(step: number): Checkpoint {
    const d = this.devices[0]!;
    return {
      step,
      params: d.copyParams(),
      buffers: d.copyBuffers(),
      optimizer: d.optimizer.state(),
    };
  }

  importCheckpoint(checkpoint: Checkpoint): void {
    for (const d of this.devices) {
      if (
        checkpoint.params.length !== d.paramCount ||
        checkpoint.buffers.length !== d.bufferCount
      ) {
        throw new Error(
          `the checkpoint holds ${checkpoint.params.length} parameters and ${checkpoint.buffers.length} buffer values, but this model has ${d.paramCount} and ${d.bufferCount}: it was saved from a different model`,
        );
      }
      d.loadParams(checkpoint.params);
      d.loadBuffers(checkpoint.buffers);
      d.optimizer.loadState(checkpoint.optimizer);
    }
  }

  checksums(): number[] {
    return this.devices.map((d) => d.checksum());
  }

  /**
   * One data-parallel SGD step: forward/backward on every shard with BN merges over the configured
   * spans, gradient all-reduce in device order, the same optimizer step on every replica, then the
   * running-statistics policy. `shards[i]` holds the sample indices of `ranks[i]`.
   */
  async trainStep(
    step: number,
    shards: readonly Int32Array[],
    globalCount: number,
    lr: number,
    recordTelemetry: boolean,
  ): Promise<GroupStepReport> {
    this.step = step;
    this.waitMs = 0;
    this.telemetry = recordTelemetry ? [] : null;
    const callsBefore = this.collective.stats.calls;
    const bytesBefore = this.collective.stats.bytes;
    const passes = this.devices.map((d, i) => {
      const shard = shards[i]!;
      const { x, y } = d.loadBatch(this.options.train, shard);
      const normalizer = lossNormalizer(
        this.config.gradientAveraging,
        shard.length,
        globalCount,
        this.options.devices,
      );
      return d.trainPass(x, y, normalizer, step);
    });
    const results = await this.driveLockstep(passes, 'train');
    // A non-finite loss: look (once, before the update overwrites them) for a non-finite
    // parameter the forward used, so the coordinator can name what went wrong.
    const nonFiniteParam = results.some((r) => !Number.isFinite(r.stats.lossSum))
      ? firstNonFiniteParam(this.devices[0]!.params)
      : undefined;

    // Each device's gradient is already divided by its normalizer (gradientAveraging), so the
    // sum over devices is the step's gradient: every replica applies it.
    const t0 = now();
    for (const d of this.devices) d.copyGradients(this.gradLocal.get(d.rank)!);
    await this.timed(() =>
      this.collective.allReduceSum(this.tag('gradients'), this.gradLocal, this.gradOut),
    );
    // Replicas are identical, so the devices of one worker share one update: the first applies
    // the optimizer step, the others take its parameters (each worker still updates its own
    // replica, as every DDP rank does; the checksums compare workers' replicas).
    const [lead, ...rest] = this.devices;
    lead!.loadGradients(this.gradOut);
    lead!.optimizer.step(lr);
    if (rest.length) {
      const params = lead!.copyParams(this.paramScratch);
      for (const d of rest) d.loadParams(params);
    }
    await this.applyRunningStatsPolicy();
    const updateMs = now() - t0;

    return {
      devices: results.map((r, i) => ({
        ...r.stats,
        rank: this.devices[i]!.rank,
        computeMs: r.computeMs + updateMs / this.devices.length,
      })),
      waitMs: this.waitMs,
      collectiveCalls: this.collective.stats.calls - callsBefore,
      bytes: this.collective.stats.bytes - bytesBefore,
      bnMoments: this.telemetry ?? [],
      running:
        recordTelemetry && this.devices[0]!.rank === 0 ? runningStatsOf(this.devices[0]!) : [],
      transport: this.collective.transport,
      ...(nonFiniteParam === undefined ? {} : { nonFiniteParam }),
    };
  }

  /** Evaluate this group's share of the test set (`Device.evaluate`: no merges). */
  async evaluate(
    batches: readonly (readonly Int32Array[])[],
    mode: 'eval-running' | 'eval-batch',
  ): Promise<PassStats[]> {
    return this.devices.map((d, i) =>
      d.evaluate(this.options.test, batches[i] ?? [], mode, this.step),
    );
  }

  /**
   * PreciseBN: with weights frozen, recompute population statistics over training batches that
   * are sharded and merged exactly as in training; `batches[b][i]` is batch b's shard for ranks[i].
   */
  async recomputePrecise(batches: readonly (readonly Int32Array[])[]): Promise<void> {
    const endPrecise = beginPreciseCollection(this.devices.flatMap((d) => d.batchLayers));
    for (const shards of batches) {
      const passes = this.devices.map((d, i) => {
        const { x, y } = d.loadBatch(this.options.train, shards[i]!);
        return d.evalPass(x, y, 'precise-collect', this.step);
      });
      await this.driveLockstep(passes, 'precise');
    }
    endPrecise();
    await this.applyRunningStatsPolicy();
  }

  copyBuffers(): Float32Array {
    return this.devices[0]!.copyBuffers();
  }

  abort(reason: string): void {
    this.collective.abort(reason);
  }

  /** Advance every device's pass to its next merge point, together, until all finish. */
  private async driveLockstep(
    passes: SyncGen<PassStats>[],
    kind: PassKind,
  ): Promise<{ stats: PassStats; computeMs: number }[]> {
    const computeMs = passes.map(() => 0);
    const advance = (i: number, reply?: SyncReply) => {
      const t = now();
      const r = reply === undefined ? passes[i]!.next() : passes[i]!.next(reply);
      computeMs[i] = computeMs[i]! + (now() - t);
      return r;
    };
    let states = passes.map((_, i) => advance(i));
    for (;;) {
      const finished = states.filter((s) => s.done).length;
      if (finished === states.length) break;
      if (finished > 0) {
        const waiting = states.findIndex((s) => !s.done);
        const req = states[waiting]!.value as SyncRequest;
        throw new Error(
          `device ${this.devices[waiting]!.rank} is waiting for ${req.phase} of layer ${req.layer} at step ${this.step}, but device ${this.devices[states.findIndex((s) => s.done)]!.rank} finished its pass`,
        );
      }
      const requests = states.map((s) => s.value as SyncRequest);
      const replies = await this.answer(requests, kind);
      states = passes.map((_, i) => advance(i, replies[i]));
    }
    return states.map((s, i) => ({ stats: s.value as PassStats, computeMs: computeMs[i]! }));
  }

  /** Merge each device's statistics over its span, in device order. */
  private async answer(requests: readonly SyncRequest[], kind: PassKind): Promise<SyncReply[]> {
    const first = requests[0]!;
    for (let i = 1; i < requests.length; i++) {
      const r = requests[i]!;
      if (r.phase !== first.phase || r.layer !== first.layer) {
        throw new Error(
          `device ${this.devices[i]!.rank} reached ${r.phase} of layer ${r.layer} while device ${this.devices[0]!.rank} reached ${first.phase} of layer ${first.layer} at step ${this.step}`,
        );
      }
    }
    if (first.phase === 'moments') {
      const moments = requests.map(
        (r) => (r as Extract<SyncRequest, { phase: 'moments' }>).moments,
      );
      if (kind === 'train' && this.telemetry) {
        for (let i = 0; i < moments.length; i++) {
          this.telemetry.push({
            layer: first.layer,
            rank: this.devices[i]!.rank,
            moments: moments[i]!,
          });
        }
      }
      return this.answerMoments(first.layer, moments);
    }
    const reductions = requests.map(
      (r) => (r as Extract<SyncRequest, { phase: 'reductions' }>).reductions,
    );
    return this.answerReductions(first.layer, reductions);
  }

  private async answerMoments(layer: string, local: readonly Moments[]): Promise<SyncReply[]> {
    // Under the 'sync' policy the running (and PreciseBN) statistics come from all devices.
    const syncRunning = this.config.runningStats === 'sync';
    if (!this.spans.communicates && !syncRunning) {
      return local.map((m) => ({ phase: 'moments', merged: { normalize: m, running: m } }));
    }
    const payloads = new Map(this.devices.map((d, i) => [d.rank, packMoments(local[i]!)]));
    const all = (
      await this.timed(() => this.collective.allGather(this.tag('moments', layer), payloads))
    ).map(unpackMoments);
    const global = syncRunning ? mergeMoments(all) : null;
    const bySpan = new Map<readonly number[], Moments>();
    return this.devices.map((d) => {
      const span = this.spans.spanOf[d.rank]!;
      let merged = bySpan.get(span);
      if (!merged) {
        merged = mergeMoments(span.map((k) => all[k]!));
        bySpan.set(span, merged);
      }
      return { phase: 'moments', merged: { normalize: merged, running: global ?? merged } };
    });
  }

  private async answerReductions(
    layer: string,
    local: readonly Reductions[],
  ): Promise<SyncReply[]> {
    if (!this.spans.communicates) return local.map((r) => ({ phase: 'reductions', summed: r }));
    const payloads = new Map(this.devices.map((d, i) => [d.rank, packReductions(local[i]!)]));
    const all = (
      await this.timed(() => this.collective.allGather(this.tag('reductions', layer), payloads))
    ).map(unpackReductions);
    const bySpan = new Map<readonly number[], Reductions>();
    return this.devices.map((d) => {
      const span = this.spans.spanOf[d.rank]!;
      let summed = bySpan.get(span);
      if (!summed) {
        summed = sumReductions(span.map((k) => all[k]!));
        bySpan.set(span, summed);
      }
      return { phase: 'reductions', summed };
    });
  }

  /**
   * Running statistics: 'sync' replicas already agree (updated from the global moments); 'rank0'
   * copies device 0's buffers to everyone, as DDP's broadcast_buffers does; 'mean' averages them.
   */
  private async applyRunningStatsPolicy(): Promise<void> {
    const policy = this.config.runningStats;
    const first = this.devices[0]!;
    const everyoneAgrees = this.spans.spanOf[0]!.length === this.options.devices;
    if (first.bufferCount === 0 || policy === 'sync' || everyoneAgrees) return;
    const local = new Map(this.devices.map((d) => [d.rank, d.copyBuffers()]));
    const out = new Float32Array(first.bufferCount);
    if (policy === 'mean') {
      await this.timed(() => this.collective.allReduceSum(this.tag('buffers'), local, out));
      const k = this.options.devices;
      for (let i = 0; i < out.length; i++) out[i] = out[i]! / k;
    } else {
      const payloads = new Map([...local].map(([rank, b]) => [rank, Float64Array.from(b)]));
      const all = await this.timed(() => this.collective.allGather(this.tag('buffers'), payloads));
      out.set(all[0]!.subarray(0, out.length));
    }
    for (const d of this.devices) d.loadBuffers(out);
  }

  private tag(kind: CallTag['kind'], layer = ''): CallTag {
    return {
      step: this.step,
      kind,
      layer,
      layerIndex: layer ? (this.layerIndex.get(layer) ?? -1) : -1,
    };
  }

  private async timed<T>(f: () => Promise<T>): Promise<T> {
    const t = now();
    try {
      return await f();
    } finally {
      this.waitMs += now() - t;
    }
  }
}

/** Device 0's running mean and variance per BN layer (Batch Renorm keeps a std: squared here). */
function runningStatsOf(device: Device): RunningStatsReport[] {
  const byName = new Map(device.buffers.map((b) => [b.name, b.value]));
  const out: RunningStatsReport[] = [];
  for (const layer of device.batchLayers) {
    const mean = byName.get(`${layer.name}.running_mean`);
    const variance = byName.get(`${layer.name}.running_var`);
    const std = byName.get(`${layer.name}.running_std`);
    if (!mean) continue;
    if (variance) out.push({ layer: layer.name, mean: mean.slice(), variance: variance.slice() });
    else if (std)
      out.push({ layer: layer.name, mean: mean.slice(), variance: std.map((s) => s * s) });
  }
  return out;
}
