import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import type { DeviceHost } from '../../src/coordinator/hosts/host.ts';
import { InProcessHost } from '../../src/coordinator/hosts/in-process.ts';
import { WorkerPoolHost } from '../../src/coordinator/hosts/worker-pool.ts';
import { makeDataset } from '../../src/data/make-dataset.ts';
import { DeviceGroup } from '../../src/workers/device-group.ts';
import {
  argsForWorker,
  combineResults,
  type DeviceProtocol,
  deviceOperations,
  type HostOperations,
  type OperationName,
  operationLabel,
  operationNames,
  type WorkerOperations,
} from '../../src/workers/device-protocol.ts';
import { DeviceWorkerApi } from '../../src/workers/device-worker-api.ts';

// Compile-time: the table, the group, the worker API and both hosts speak exactly the protocol.
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T => true as T;
assertType<Equal<keyof typeof deviceOperations, OperationName>>();
assertType<Equal<keyof DeviceProtocol, OperationName>>();
assertType<DeviceGroup extends DeviceProtocol ? true : false>();
assertType<DeviceWorkerApi extends WorkerOperations ? true : false>();
assertType<InProcessHost extends HostOperations ? true : false>();
assertType<WorkerPoolHost extends HostOperations ? true : false>();
// What the coordinator gets back follows the table's `combine` column.
assertType<Equal<ReturnType<HostOperations['checksums']>, Promise<number[]>>>();
assertType<Equal<ReturnType<HostOperations['copyParams']>, Promise<Float32Array>>>();
assertType<Equal<ReturnType<HostOperations['loadBuffers']>, Promise<undefined>>>();

/** The protocol's operations a class offers, found on its prototype chain. */
function operationsOn(proto: object): string[] {
  const names = new Set<string>();
  for (let p: object | null = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) names.add(name);
  }
  return operationNames.filter((op) => names.has(op));
}

describe('the device protocol, declared once', () => {
  it('lists every operation of the interface once, with a row that says how it runs', () => {
    expect(new Set(operationNames).size).toBe(operationNames.length);
    expect(operationNames.length).toBe(11);
    for (const op of operationNames) {
      const spec = deviceOperations[op];
      expect(['first', 'all']).toContain(spec.workers);
      expect(['first', 'each', 'concat', 'void']).toContain(spec.combine);
    }
  });

  it('the group, the worker entry and both hosts offer exactly its operations', () => {
    for (const proto of [
      DeviceGroup.prototype,
      DeviceWorkerApi.prototype,
      InProcessHost.prototype,
      WorkerPoolHost.prototype,
    ]) {
      expect(operationsOn(proto)).toEqual(operationNames);
      for (const op of operationNames) expect(typeof Reflect.get(proto, op)).toBe('function');
    }
  });

  it('gives each worker its own devices of per-device arguments', () => {
    const shards = [0, 1, 2, 3, 4].map((k) => Int32Array.of(k));
    const args = argsForWorker('trainStep', [7, shards, 10, 0.1, false], [3, 4]);
    expect(args[1].map((s) => s[0])).toEqual([3, 4]);
    expect([args[0], args[2], args[3], args[4]]).toEqual([7, 10, 0.1, false]);
    const batches = [shards, shards.map((s) => Int32Array.of(s[0]! + 10))];
    const precise = argsForWorker('recomputePrecise', [batches], [0, 2]);
    expect(precise[0].map((b) => b.map((s) => s[0]))).toEqual([
      [0, 2],
      [10, 12],
    ]);
    const buffers = new Float32Array(2);
    expect(argsForWorker('loadBuffers', [buffers], [1])[0]).toBe(buffers);
  });

  it('combines the workers results as its table says', () => {
    expect(
      combineResults('checksums', [
        [1, 2],
        [3, 4],
      ]),
    ).toEqual([1, 2, 3, 4]);
    const a = new Float32Array(1);
    expect(combineResults('copyParams', [a])).toBe(a);
    expect(combineResults('loadBuffers', [undefined, undefined])).toBeUndefined();
    expect(operationLabel('trainStep', [2, [], 0, 0, false])).toBe('train step 3');
    expect(operationLabel('evaluate', [[], 'eval-running'])).toBe('evaluation');
  });

  it('the in-process host answers every operation through the one group', async () => {
    const config = parseConfig({
      dataset: { name: 'spiral' },
      model: { preset: 'mlp' },
      devices: 2,
      steps: 1,
    });
    const data = makeDataset(config.dataset, config.seed);
    const host: DeviceHost = new InProcessHost(config, data);
    const params = await host.copyParams();
    await host.loadParams(params);
    expect(await host.checksums()).toHaveLength(2);
    const shards = [Int32Array.of(0, 1, 2, 3), Int32Array.of(4, 5, 6, 7)];
    const reports = await host.trainStep(0, shards, 8, 0.1, false);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.devices.map((d) => d.rank)).toEqual([0, 1]);
    const stats = await host.evaluate(
      [[Int32Array.of(0, 1)], [Int32Array.of(2, 3)]],
      'eval-running',
    );
    expect(stats.map((s) => s.count)).toEqual([2, 2]);
    const checkpoint = await host.exportCheckpoint(1);
    await host.importCheckpoint(checkpoint);
    await host.loadBuffers(await host.copyBuffers());
    await host.recomputePrecise([shards]);
    await host.close();
  });
});
