import type { Checkpoint } from './checkpoint.ts';
import type { PassStats } from './device.ts';
import type { GroupStepReport, PopulationReport } from './reports.ts';

/**
 * THE device protocol: every operation a host can ask of a device group, declared once. The
 * device group implements it (`device-group.ts`); the worker entry's API, the in-process host and
 * the worker pool are derived from this interface and the table below, so adding an operation is
 * a change to two files: a line here (and its row in `deviceOperations`) and its method in
 * `DeviceGroup`.
 *
 * Arguments indexed by device hold the entries of the group's own devices, in its rank order.
 */
export interface DeviceProtocol {
  /** One data-parallel step; `shards[i]` holds the sample indices of the group's i-th device. */
  trainStep(
    step: number,
    shards: readonly Int32Array[],
    globalCount: number,
    lr: number,
    recordTelemetry: boolean,
  ): Promise<GroupStepReport>;
  /** `batches[i]` are the test-set batches the group's i-th device evaluates; one result per device. */
  evaluate(
    batches: readonly (readonly Int32Array[])[],
    mode: 'eval-running' | 'eval-batch',
  ): Promise<PassStats[]>;
  /** PreciseBN: `batches[b][i]` is batch b's shard for the group's i-th device, merged as in training. */
  recomputePrecise(batches: readonly (readonly Int32Array[])[]): Promise<void>;
  /**
   * `batches[i]` are the training-set chunks the group's i-th device runs in eval mode, weights
   * frozen; one report per device: each BN layer's input moments (and device 0's running stats).
   */
  populationStats(batches: readonly (readonly Int32Array[])[]): Promise<PopulationReport[]>;
  checksums(): number[];
  /** Device 0's parameters, flattened in model order. */
  copyParams(): Float32Array;
  /** Every replica takes `params` (DDP's initial broadcast). */
  loadParams(params: Float32Array): void;
  copyBuffers(): Float32Array;
  loadBuffers(buffers: Float32Array): void;
  /** The replicas' state after `step` steps (device 0's; the replicas are identical). */
  exportCheckpoint(step: number): Checkpoint;
  /** Every replica takes the checkpoint's parameters, buffers and optimizer state. */
  importCheckpoint(checkpoint: Checkpoint): void;
}

export type OperationName = keyof DeviceProtocol;
export type OperationArgs<K extends OperationName> = Parameters<DeviceProtocol[K]>;
type GroupResult<K extends OperationName> = Awaited<ReturnType<DeviceProtocol[K]>>;

/** How one operation runs over several workers. */
export interface OperationSpec {
  /** 'first': worker 0 only (its replica stands for all); 'all': every worker. */
  readonly workers: 'first' | 'all';
  /**
   * Which argument is indexed by device, and how: 'device' (`arg[k]` belongs to device k) or
   * 'batch-device' (`arg[b][k]`); each worker gets its own devices' entries. null: every worker
   * gets the same arguments.
   */
  readonly split: { readonly arg: number; readonly by: 'device' | 'batch-device' } | null;
  /**
   * The host's result from the workers' results (in worker order): 'first' worker 0's, 'each'
   * one per worker, 'concat' the per-device arrays joined in device order, 'void' nothing.
   */
  readonly combine: 'first' | 'each' | 'concat' | 'void';
  /** What the operation is called in error messages ("… did not answer <label> within …"). */
  readonly label: string | ((...args: never[]) => string);
}

/** For each operation: which workers run it, how its arguments are split, how results combine. */
export const deviceOperations = {
  trainStep: {
    workers: 'all',
    split: { arg: 1, by: 'device' },
    combine: 'each',
    label: (step: number) => `train step ${step + 1}`,
  },
  evaluate: {
    workers: 'all',
    split: { arg: 0, by: 'device' },
    combine: 'concat',
    label: 'evaluation',
  },
  recomputePrecise: {
    workers: 'all',
    split: { arg: 0, by: 'batch-device' },
    combine: 'void',
    label: 'PreciseBN statistics',
  },
  populationStats: {
    workers: 'all',
    split: { arg: 0, by: 'device' },
    combine: 'concat',
    label: 'population statistics',
  },
  checksums: { workers: 'all', split: null, combine: 'concat', label: 'checksums' },
  copyParams: { workers: 'first', split: null, combine: 'first', label: 'copyParams' },
  loadParams: { workers: 'all', split: null, combine: 'void', label: 'loadParams' },
  copyBuffers: { workers: 'first', split: null, combine: 'first', label: 'copyBuffers' },
  loadBuffers: { workers: 'all', split: null, combine: 'void', label: 'loadBuffers' },
  exportCheckpoint: { workers: 'first', split: null, combine: 'first', label: 'checkpoint' },
  importCheckpoint: { workers: 'all', split: null, combine: 'void', label: 'importCheckpoint' },
} as const satisfies { readonly [K in OperationName]: OperationSpec };

export const operationNames = Object.keys(deviceOperations) as OperationName[];

type Combined<C, R> = C extends 'first'
  ? R
  : C extends 'each'
    ? R[]
    : C extends 'concat'
      ? R
      : undefined;

/** What a host answers for operation K, once the workers' results are combined. */
export type HostResult<K extends OperationName> = Combined<
  (typeof deviceOperations)[K]['combine'],
  GroupResult<K>
>;

/** The protocol as a host offers it to the coordinator: per-device arguments span all K devices. */
export type HostOperations = {
  [K in OperationName]: (...args: OperationArgs<K>) => Promise<HostResult<K>>;
};

/** The protocol as a worker entry exposes it: every answer is a promise. */
export type WorkerOperations = {
  [K in OperationName]: (...args: OperationArgs<K>) => Promise<GroupResult<K>>;
};

/** Call operation `op` of a device group by name (the one place its arguments are spread). */
export function callGroup<K extends OperationName>(
  group: DeviceProtocol,
  op: K,
  args: OperationArgs<K>,
): GroupResult<K> | Promise<GroupResult<K>> {
  const method = group[op] as (...a: OperationArgs<K>) => GroupResult<K> | Promise<GroupResult<K>>;
  return method.apply(group, args);
}

/** A worker's arguments for `op`: its own devices' entries of any per-device argument. */
export function argsForWorker<K extends OperationName>(
  op: K,
  args: OperationArgs<K>,
  ranks: readonly number[],
): OperationArgs<K> {
  const split: OperationSpec['split'] = deviceOperations[op].split;
  if (!split) return args;
  const mine = <T>(perDevice: readonly T[]): T[] => ranks.map((k) => perDevice[k]!);
  const out = [...args] as unknown[];
  const whole = out[split.arg] as readonly unknown[];
  out[split.arg] =
    split.by === 'device' ? mine(whole) : (whole as readonly (readonly unknown[])[]).map(mine);
  return out as OperationArgs<K>;
}

/** Combine the workers' results for `op` (in worker order) into the host's answer. */
export function combineResults<K extends OperationName>(
  op: K,
  results: readonly GroupResult<K>[],
): HostResult<K> {
  const combine: OperationSpec['combine'] = deviceOperations[op].combine;
  switch (combine) {
    case 'first':
      return results[0] as HostResult<K>;
    case 'each':
      return results as HostResult<K>;
    case 'concat':
      return (results as readonly unknown[][]).flat() as HostResult<K>;
    case 'void':
      return undefined as HostResult<K>;
  }
}

/** The label of `op` in error messages, given its arguments. */
export function operationLabel<K extends OperationName>(op: K, args: OperationArgs<K>): string {
  const label: OperationSpec['label'] = deviceOperations[op].label;
  return typeof label === 'string' ? label : (label as (...a: unknown[]) => string)(...args);
}

/**
 * A base class with one method per protocol operation, each forwarding to `forward(op, args)`:
 * the worker entry and the hosts extend it, so none writes the operations out again (a subclass
 * may still override one, as the tests' misbehaving workers do).
 */
export function forwardingBase<
  Api extends { [K in OperationName]: unknown },
>(): abstract new () => Api & {
  forward<K extends OperationName>(op: K, args: OperationArgs<K>): Promise<unknown>;
} {
  abstract class Forwarding {
    abstract forward(op: OperationName, args: readonly unknown[]): Promise<unknown>;
  }
  for (const op of operationNames) {
    Object.defineProperty(Forwarding.prototype, op, {
      value(this: Forwarding, ...args: unknown[]) {
        return this.forward(op, args);
      },
      writable: true,
      configurable: true,
    });
  }
  return Forwarding as unknown as abstract new () => Api & {
    forward<K extends OperationName>(op: K, args: OperationArgs<K>): Promise<unknown>;
  };
}
