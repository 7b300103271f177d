import type { RunConfig } from '../../config/schema.ts';
import type { Dataset } from '../../data/dataset.ts';
import type { PassStats } from '../../workers/device.ts';
import { DeviceGroup } from '../../workers/device-group.ts';
import type { GroupStepReport } from '../../workers/reports.ts';
import { LocalCollective } from '../../collectives/local.ts';
import type { Checkpoint } from '../../workers/checkpoint.ts';
import type { DeviceHost } from './host.ts';

/** Every device in this thread, in one group: the reference the worker hosts must match bit for bit. */
export class InProcessHost implements DeviceHost {
  readonly workers = 1;
  readonly transport = 'local';
  readonly devices: number;
  private readonly group: DeviceGroup;

  constructor(config: RunConfig, data: { train: Dataset; test: Dataset }) {
    this.devices = config.devices;
    this.group = new DeviceGroup({
      config,
      ranks: Array.from({ length: config.devices }, (_, k) => k),
      devices: config.devices,
      train: data.train,
      test: data.test,
      collective: new LocalCollective(config.devices),
    });
  }

  async broadcastInitialParams(): Promise<void> {
    this.group.loadParams(this.group.devices[0]!.copyParams());
  }

  async trainStep(
    step: number,
    shards: readonly Int32Array[],
    globalCount: number,
    lr: number,
    recordTelemetry: boolean,
  ): Promise<GroupStepReport[]> {
    return [await this.group.trainStep(step, shards, globalCount, lr, recordTelemetry)];
  }

  async evaluate(
    batches: readonly (readonly Int32Array[])[],
    mode: 'eval-running' | 'eval-batch',
  ): Promise<PassStats[]> {
    return this.group.evaluate(batches, mode);
  }

  async recomputePrecise(batches: readonly (readonly Int32Array[])[]): Promise<void> {
    await this.group.recomputePrecise(batches);
  }

  async checksums(): Promise<number[]> {
    return this.group.checksums();
  }

  async copyParams(): Promise<Float32Array> {
    return this.group.devices[0]!.copyParams();
  }

  async copyBuffers(): Promise<Float32Array> {
    return this.group.copyBuffers();
  }

  async loadBuffers(buffers: Float32Array): Promise<void> {
    this.group.loadBuffers(buffers);
  }

  async exportCheckpoint(step: number): Promise<Checkpoint> {
    return this.group.exportCheckpoint(step);
  }

  async importCheckpoint(checkpoint: Checkpoint): Promise<void> {
    this.group.importCheckpoint(checkpoint);
  }

  async close(): Promise<void> {}
}
