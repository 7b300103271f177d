import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { parseConfig, type RunConfig, type RunConfigInput } from '../../src/config/schema.ts';
import type { Checkpoint } from '../../src/workers/checkpoint.ts';
import type { TrainRow } from '../../src/coordinator/run-types.ts';
import type { Telemetry } from '../../src/coordinator/telemetry.ts';
import { checkpointLayout } from '../../src/store/checkpoint-layout.ts';
import {
  openRunStore,
  type RunExport,
  type RunStore,
  type RunStoreOptions,
} from '../../src/store/index.ts';

/** Each test gets its own in-memory IndexedDB, so tests never see each other's data. */
export function freshIndexedDB(): IDBFactory {
  return new IDBFactory();
}

export function sampleConfig(overrides: Partial<RunConfigInput> = {}): RunConfig {
  return parseConfig({
    dataset: { name: 'spiral' },
    model: { preset: 'mlp' },
    devices: 2,
    steps: 100,
    ...overrides,
  });
}

/** A clock that moves 1 ms per reading: createdAt/updatedAt orders are deterministic. */
export function fakeClock(start = 1_700_000_000_000): () => number {
  let t = start;
  return () => t++;
}

export async function openTestStore(
  options: RunStoreOptions = {},
): Promise<{ store: RunStore; indexedDB: IDBFactory }> {
  const indexedDB = options.indexedDB ?? freshIndexedDB();
  const store = await openRunStore({
    indexedDB,
    locks: null,
    storage: null,
    now: fakeClock(),
    // Long enough that no background write happens unless a test asks for one.
    flushIntervalMs: 60_000,
    ...options,
  });
  return { store, indexedDB };
}

export function trainRows(from: number, to: number): TrainRow[] {
  const rows: TrainRow[] = [];
  for (let step = from; step <= to; step++)
    rows.push({ step, loss: 1 / step, acc: 1 - 1 / (step + 1) });
  return rows;
}

/** Telemetry columns for steps from..to, 2 devices, one BN layer with 2 tracked channels. */
export function telemetryFor(from: number, to: number): Telemetry {
  const step: number[] = [];
  for (let s = from; s <= to; s++) step.push(s);
  const perDevice = (k: number) => step.map((s) => [s * k, s * k + 0.5]);
  const perChannel = (k: number) => step.map((s) => [s / k, -s / k]);
  return {
    transport: 'shared-memory',
    devices: 2,
    workers: 2,
    step,
    deviceLoss: perDevice(0.1),
    deviceAcc: perDevice(0.01),
    deviceCount: step.map(() => [16, 16]),
    computeMs: perDevice(0.3),
    waitMs: perDevice(0.2),
    collectiveCalls: step.map(() => 4),
    bytes: step.map((s) => 1024 * s),
    bn: {
      bn1: {
        channels: [0, 1],
        step: [...step],
        deviceMean: step.map((s) => [
          [s, s + 1],
          [s + 2, s + 3],
        ]),
        deviceVar: step.map((s) => [
          [1 / s, 2 / s],
          [3 / s, 4 / s],
        ]),
        usedMean: step.map((s) => [
          [s + 0.5, s + 1.5],
          [s + 2.5, s + 3.5],
        ]),
        usedVar: step.map((s) => [
          [1.5 / s, 2.5 / s],
          [3.5 / s, 4.5 / s],
        ]),
        globalMean: perChannel(2),
        globalVar: perChannel(3),
        runningMean: perChannel(4),
        runningVar: perChannel(5),
        meanNoise: perDevice(0.05),
        varNoise: perDevice(0.07),
      },
    },
  };
}

export function sampleCheckpoint(step: number, size = 37): Checkpoint {
  const params = new Float32Array(size);
  const buffers = new Float32Array(5);
  for (let i = 0; i < size; i++) params[i] = Math.fround(Math.sin(i + step) * 1e3);
  for (let i = 0; i < buffers.length; i++) buffers[i] = i * step + 0.125;
  // Values JSON cannot spell, and float32 edge cases, must survive export and import.
  params[0] = Number.NaN;
  params[1] = -0;
  params[2] = Number.POSITIVE_INFINITY;
  params[3] = 1.401298464324817e-45;
  return {
    step,
    params,
    buffers,
    optimizer: {
      kind: 'sgd',
      step,
      buffers: {
        'fc1.weight.momentum': params.map((v) => v / 2),
        'fc1.bias.momentum': new Float32Array([step]),
      },
    },
  };
}

/**
 * A checkpoint laid out for the model and optimizer `config` builds (what import checks), with
 * values a run would not produce but an export must carry exactly (NaN, −0, ∞, denormals).
 */
export function checkpointFor(config: RunConfig, step: number): Checkpoint {
  const layout = checkpointLayout(config);
  const values = (n: number, k: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = Math.fround(Math.sin(i * k + step) * 1e3);
    return a;
  };
  const params = values(layout.params, 1);
  params[0] = Number.NaN;
  params[1] = -0;
  params[2] = Number.POSITIVE_INFINITY;
  params[3] = 1.401298464324817e-45;
  const buffers: Record<string, Float32Array> = {};
  let k = 2;
  for (const [name, n] of layout.optimizerBuffers) buffers[name] = values(n, k++);
  return {
    step,
    params,
    buffers: values(layout.buffers, 0.5),
    optimizer: { kind: layout.optimizerKind, step, buffers },
  };
}

/** An export of a run trained to `step` in another library (so importing it is no duplicate). */
export async function exportFromAnotherLibrary(step: number): Promise<RunExport> {
  const { store } = await openTestStore({ now: fakeClock(1_600_000_000_000) });
  const config = sampleConfig();
  const run = await store.createRun(config, 'from another library');
  store.appendMetrics(run.id, { train: trainRows(1, step) });
  await store.saveCheckpoint(run.id, checkpointFor(config, step));
  const file = await store.exportRun(run.id);
  await store.close();
  return file;
}
