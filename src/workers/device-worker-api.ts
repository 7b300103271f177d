import { collectiveFor, type Exchange } from '../collectives/transport.ts';
import type { RunConfig } from '../config/schema.ts';
import { errorMessage } from '../core/error-message.ts';
import type { Dataset } from '../data/dataset.ts';
import { Device } from './device.ts';
import { DeviceGroup } from './device-group.ts';
import {
  callGroup,
  forwardingBase,
  type OperationArgs,
  type OperationName,
  type WorkerOperations,
} from './device-protocol.ts';

export type { Exchange };

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

/**
 * What a worker exposes through Comlink: `describe` and `start`, then every operation of the
 * device protocol (`device-protocol.ts`), forwarded by name to the worker's device group.
 * Failures abort the collective first, so the other workers stop waiting at once.
 */
export class DeviceWorkerApi extends forwardingBase<WorkerOperations>() {
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

  override async forward<K extends OperationName>(op: K, args: OperationArgs<K>): Promise<unknown> {
    const g = this.group;
    if (!g) throw new Error('device worker: start() was not called');
    try {
      return await callGroup(g, op, args);
    } catch (e) {
      g.abort(errorMessage(e));
      throw e;
    }
  }
}
