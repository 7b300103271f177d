import { LocalCollective } from '../../collectives/local.ts';
import type { RunConfig } from '../../config/schema.ts';
import type { Dataset } from '../../data/dataset.ts';
import { DeviceGroup } from '../../workers/device-group.ts';
import {
  callGroup,
  combineResults,
  forwardingBase,
  type HostOperations,
  type OperationArgs,
  type OperationName,
} from '../../workers/device-protocol.ts';
import type { DeviceHost } from './host.ts';

/**
 * Every device in this thread, in one group: the reference the worker hosts must match bit for
 * bit. Its operations are the device protocol's, each called on the one group (which holds all
 * devices in order, so per-device arguments pass unchanged) and combined as for one worker.
 */
export class InProcessHost extends forwardingBase<HostOperations>() implements DeviceHost {
  readonly workers = 1;
  readonly transport = 'local';
  readonly devices: number;
  private readonly group: DeviceGroup;

  constructor(config: RunConfig, data: { train: Dataset; test: Dataset }) {
    super();
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

  override async forward<K extends OperationName>(op: K, args: OperationArgs<K>): Promise<unknown> {
    return combineResults(op, [await callGroup(this.group, op, args)]);
  }

  async broadcastInitialParams(): Promise<void> {
    this.group.loadParams(this.group.copyParams());
  }

  async close(): Promise<void> {}
}
