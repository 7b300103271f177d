import type { RunConfig } from '../config/schema.ts';
import type { Collective } from '../collectives/collective.ts';
import { MessagePortCollective, type PeerPort } from '../collectives/message-port.ts';
import { SharedMemoryCollective, type SharedMemoryLayout } from '../collectives/shared-memory.ts';
import type { Checkpoint } from './checkpoint.ts';
import type { Dataset } from '../data/dataset.ts';
import { Device, type PassStats } from './device.ts';
import { DeviceGroup } from './device-group.ts';
import type { GroupStepReport } from './reports.ts';

export interface ModelLayout {
  readonly paramCount: number;
  readonly bufferCount: number;
  /** Channels of each batch-statistic norm, in model order. */
  readonly bnChannels: readonly number[];
}

export interface WorkerStart {
  readonly config: RunConfig;
  readonly worker: number;
  readonly ranks: readonly number[];
  readonly train: Dataset;
  readonly test: Dataset;
  readonly exchange: Exchange;
}

/** The transport a worker's collectives use, as the coordinator set it up. */
export type Exchange =
  | { readonly kind: 'shared-memory'; readonly layout: SharedMemoryLayout }
  | {
      readonly kind: 'message-port';
      /** ports[w] reaches worker w; null for the worker itself. */
      readonly ports: readonly (PeerPort | null)[];
      readonly ranksOf: readonly (readonly number[])[];
      readonly timeoutMs: number;
    };

function collectiveFor(exchange: Exchange, worker: number): Collective {
  return exchange.kind === 'shared-memory'
    ? new SharedMemoryCollective(exchange.layout, worker)
    : new MessagePortCollective(worker, exchange.ports, exchange.ranksOf, exchange.timeoutMs);
}

/**
 * What a worker exposes through Comlink: one device group and the calls the coordinator makes.
 * Failures abort the collective first, so the other workers stop waiting at once.
 */
export class DeviceWorkerApi {
  private group: DeviceGroup | null = null;

  /** Sizes the coordinator needs to lay out shared memory (built on a throwaway replica). */
  describe(config: RunConfig, data: { sampleShape: number[]; classes: number }): ModelLayout {
    const d = new Device(0, config, data);
    return {
      paramCount: d.paramCount,
      bufferCount: d.bufferCount,
      bnChannels: d.batchLayers.map((l) => l.channels),
    };
  }

  start(init: WorkerStart): void {
    this.group = new DeviceGroup({
      config: init.config,
      ranks: init.ranks,
      devices: init.config.devices,
      train: init.train,
      test: init.test,
      collective: collectiveFor(init.exchange, init.worker),
    });
  }

  trainStep(
    step: number,
    shards: Int32Array[],
    globalCount: number,
    lr: number,
    telemetry: boolean,
  ): Promise<GroupStepReport> {
    return this.guard((g) => g.trainStep(step, shards, globalCount, lr, telemetry));
  }

  evaluate(batches: Int32Array[][], mode: 'eval-running' | 'eval-batch'): Promise<PassStats[]> {
    return this.guard((g) => g.evaluate(batches, mode));
  }

  recomputePrecise(batches: Int32Array[][]): Promise<void> {
    return this.guard((g) => g.recomputePrecise(batches));
  }

  checksums(): Promise<number[]> {
    return this.guard(async (g) => g.checksums());
  }

  copyParams(): Promise<Float32Array> {
    return this.guard(async (g) => g.devices[0]!.copyParams());
  }

  loadParams(params: Float32Array): Promise<void> {
    return this.guard(async (g) => g.loadParams(params));
  }

  exportCheckpoint(step: number): Promise<Checkpoint> {
    return this.guard(async (g) => g.exportCheckpoint(step));
  }

  importCheckpoint(checkpoint: Checkpoint): Promise<void> {
    return this.guard(async (g) => g.importCheckpoint(checkpoint));
  }

  copyBuffers(): Promise<Float32Array> {
    return this.guard(async (g) => g.copyBuffers());
  }

  loadBuffers(buffers: Float32Array): Promise<void> {
    return this.guard(async (g) => g.loadBuffers(buffers));
  }

  private async guard<T>(f: (g: DeviceGroup) => Promise<T>): Promise<T> {
    const g = this.group;
    if (!g) throw new Error('device worker: start() was not called');
    try {
      return await f(g);
    } catch (e) {
      g.abort(e instanceof Error ? e.message : String(e));
      throw e;
    }
  }
}
