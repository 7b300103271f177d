import type { Collective } from '../collectives/collective.ts';
import type { RunConfig } from '../config/schema.ts';
import { beginPreciseCollection } from '../core/model/recompute-precise.ts';
import { firstNonFiniteParam } from '../core/non-finite.ts';
import type { Dataset } from '../data/dataset.ts';
import { ParamArena } from '../core/optim/param-arena.ts';
import { BatchedPass } from './batched-pass.ts';
import { BnMerge } from './bn-merge.ts';
import { bnSpans } from './bn-span.ts';
import { type Checkpoint, checkpointOf, restoreCheckpoint } from './checkpoint.ts';
import { Device, type PassStats } from './device.ts';
import type { DeviceProtocol } from './device-protocol.ts';
import { lossNormalizer } from './gradient-averaging.ts';
import { GradientStep } from './gradient-step.ts';
import { driveLockstep } from './lockstep.ts';
import type { GroupStepReport, PopulationReport } from './reports.ts';
import { RunningStatsPolicy } from './running-stats-policy.ts';
import { StepCollective } from './step-collective.ts';
import { MomentsTelemetry, runningStatsOf } from './step-telemetry.ts';

export interface DeviceGroupOptions {
  readonly config: RunConfig;
  /** The devices this group hosts (consecutive or not), out of `devices` in the run. */
  readonly ranks: readonly number[];
  readonly devices: number;
  readonly train: Dataset;
  readonly test: Dataset;
  readonly collective: Collective;
  /**
   * Run the devices' training passes as one joined batch where every layer allows it (default
   * true; `BatchedPass`). false runs each device's pass on its own, the reference the joined
   * batch must match bit for bit (tests).
   */
  readonly joinDevices?: boolean;
}

const now = (): number => performance.now();

/**
 * The devices one worker hosts, as the device protocol asks for them. It composes the parts of a
 * step: the passes run in lockstep (`lockstep.ts`) with the BN merges at every pause
 * (`bn-merge.ts`), then the gradient all-reduce and optimizer step (`gradient-step.ts`) and the
 * running-statistics policy (`running-stats-policy.ts`); every collective call goes through
 * `step-collective.ts`, telemetry through `step-telemetry.ts`. Pure logic: the same class runs in a
 * browser Web Worker, a Node worker_thread and in-process.
 */
export class DeviceGroup implements DeviceProtocol {
  readonly devices: Device[];
  private readonly stepCollective: StepCollective;
  private readonly telemetry = new MomentsTelemetry();
  private readonly merges: BnMerge;
  private readonly gradients: GradientStep;
  private readonly runningStats: RunningStatsPolicy;
  /** The devices' training passes as one batch (null: a layer needs them run one by one). */
  private readonly batched: BatchedPass | null;

  constructor(private readonly options: DeviceGroupOptions) {
    const { config, ranks, train } = options;
    const spans = bnSpans(config.bnSync, options.devices);
    const data = { sampleShape: train.sampleShape, classes: train.classes };
    this.devices = ranks.map((rank) => new Device(rank, config, data));
    const first = this.devices[0];
    if (!first) throw new Error('DeviceGroup: a group hosts at least one device');
    this.stepCollective = new StepCollective(options.collective, first.batchLayers);
    this.merges = new BnMerge(
      this.devices,
      spans,
      config.runningStats,
      this.stepCollective,
      this.telemetry,
    );
    const batched = (options.joinDevices ?? true) && BatchedPass.supports(first.model);
    // A group hosting every device sums the devices' gradients itself as the pass runs.
    const summed = batched && ranks.length === options.devices;
    // Workers that can share memory share one replica, each updating its shard (ZeRO-1).
    const shard =
      batched && !summed
        ? this.stepCollective.shard(first.paramCount, first.optimizer.stateVectors)
        : null;
    if (shard) {
      first.moveParams(shard.params);
      first.optimizer.moveState(shard.state);
    }
    // Otherwise the worker's one replica in a WebAssembly memory of its own: the update runs in
    // place, on the very vector the step's gradient is summed into.
    const arena =
      batched && !shard ? ParamArena.create(first.paramCount, first.optimizer.stateVectors) : null;
    if (arena) {
      first.moveParams(arena.params);
      first.moveGradients(arena.grads);
      first.optimizer.moveState(arena.state);
    }
    if (batched) BatchedPass.shareParameters(this.devices);
    this.gradients = new GradientStep(
      this.devices,
      this.stepCollective,
      batched,
      summed,
      shard,
      arena?.grads ?? null,
    );
    this.batched = batched
      ? new BatchedPass(
          this.devices,
          summed
            ? { summed: this.gradients.summed }
            : { perDevice: this.devices.map((d) => this.gradients.vectorOf(d.rank)) },
        )
      : null;
    this.runningStats = new RunningStatsPolicy(
      this.devices,
      config.runningStats,
      spans,
      options.devices,
      this.stepCollective,
    );
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
    return checkpointOf(this.devices[0]!, step);
  }

  importCheckpoint(checkpoint: Checkpoint): void {
    restoreCheckpoint(this.devices, checkpoint);
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
    const { config, train, devices: deviceCount, collective } = this.options;
    this.stepCollective.beginStep(step);
    this.telemetry.beginStep(recordTelemetry);
    const callsBefore = collective.stats.calls;
    const bytesBefore = collective.stats.bytes;
    const normalizers = this.devices.map((_, i) =>
      lossNormalizer(config.gradientAveraging, shards[i]!.length, globalCount, deviceCount),
    );
    const results = this.batched
      ? await this.batchedTrain(shards, normalizers, step)
      : await driveLockstep(
          this.devices,
          this.devices.map((d, i) => {
            const { x, y } = d.loadBatch(train, shards[i]!);
            return d.trainPass(x, y, normalizers[i]!, step);
          }),
          'train',
          step,
          this.merges,
        );
    // A non-finite loss: look (once, before the update overwrites them) for a non-finite
    // parameter the forward used, so the coordinator can name what went wrong.
    const nonFiniteParam = results.some((r) => !Number.isFinite(r.stats.lossSum))
      ? firstNonFiniteParam(this.devices[0]!.params)
      : undefined;

    const t0 = now();
    await this.gradients.allReduce();
    await this.gradients.update(lr);
    await this.runningStats.apply();
    const updateMs = now() - t0;

    return {
      devices: results.map((r, i) => ({
        ...r.stats,
        rank: this.devices[i]!.rank,
        computeMs: r.computeMs + updateMs / this.devices.length,
      })),
      waitMs: this.stepCollective.waitMs,
      collectiveCalls: collective.stats.calls - callsBefore,
      bytes: collective.stats.bytes - bytesBefore,
      bnMoments: this.telemetry.captured(),
      running:
        recordTelemetry && this.devices[0]!.rank === 0 ? runningStatsOf(this.devices[0]!) : [],
      transport: collective.transport,
      ...(nonFiniteParam === undefined ? {} : { nonFiniteParam }),
    };
  }

  /** The batched pass, its compute time shared out evenly among the devices it ran. */
  private async batchedTrain(
    shards: readonly Int32Array[],
    normalizers: readonly number[],
    step: number,
  ): Promise<{ stats: PassStats; computeMs: number }[]> {
    const { stats, computeMs } = await this.batched!.train(
      this.options.train,
      shards,
      normalizers,
      step,
      this.merges,
    );
    return stats.map((s) => ({ stats: s, computeMs: computeMs / stats.length }));
  }

  /** Evaluate this group's share of the test set (`Device.evaluate`: no merges). */
  async evaluate(
    batches: readonly (readonly Int32Array[])[],
    mode: 'eval-running' | 'eval-batch',
  ): Promise<PassStats[]> {
    return this.devices.map((d, i) =>
      d.evaluate(this.options.test, batches[i] ?? [], mode, this.stepCollective.step),
    );
  }

  /**
   * PreciseBN: with weights frozen, recompute population statistics over training batches that
   * are sharded and merged exactly as in training; `batches[b][i]` is batch b's shard for ranks[i].
   */
  async recomputePrecise(batches: readonly (readonly Int32Array[])[]): Promise<void> {
    const step = this.stepCollective.step;
    const endPrecise = beginPreciseCollection(this.devices.flatMap((d) => d.batchLayers));
    for (const shards of batches) {
      const passes = this.devices.map((d, i) => {
        const { x, y } = d.loadBatch(this.options.train, shards[i]!);
        return d.evalPass(x, y, 'precise-collect', step);
      });
      await driveLockstep(this.devices, passes, 'precise', step, this.merges);
    }
    endPrecise();
    await this.runningStats.apply();
  }

  /**
   * The population statistics of each BN layer's input over this group's chunks of the training
   * set, weights and running statistics frozen (eval mode); `batches[i]` are ranks[i]'s chunks.
   * No messages: the coordinator merges the devices' moments in device order.
   */
  async populationStats(batches: readonly (readonly Int32Array[])[]): Promise<PopulationReport[]> {
    const step = this.stepCollective.step;
    if (this.devices[0]!.batchLayers.length === 0) {
      return this.devices.map((d) => ({ rank: d.rank, layers: [], running: [] }));
    }
    return this.devices.map((d, i) => {
      const moments = d.inputMoments(this.options.train, batches[i] ?? [], step);
      return {
        rank: d.rank,
        layers: [...moments].map(([layer, m]) => ({ layer, moments: m })),
        running: d.rank === 0 ? runningStatsOf(d) : [],
      };
    });
  }

  copyBuffers(): Float32Array {
    return this.devices[0]!.copyBuffers();
  }

  abort(reason: string): void {
    this.options.collective.abort(reason);
  }
}
