import type { BnLayerTelemetry, Telemetry } from '../../src/coordinator/telemetry-types.ts';
import type { TakeawayRun } from '../../src/ui/model/takeaway.ts';

/**
 * The runs a takeaway is computed from, built from a few numbers (the English and the Chinese
 * takeaway tests use the same ones).
 */

/** One BN layer over 4 steps, 2 devices, 1 tracked channel: global mean 0, global var 1. */
export function takeawayLayer(noise: number, runningMean: number): BnLayerTelemetry {
  const steps = [1, 2, 3, 4];
  return {
    channels: [0],
    step: steps,
    deviceMean: steps.map(() => [[noise], [-noise]]),
    deviceVar: steps.map(() => [[1], [1]]),
    usedMean: steps.map(() => [[noise], [-noise]]),
    usedVar: steps.map(() => [[1], [1]]),
    globalMean: steps.map(() => [0]),
    globalVar: steps.map(() => [1]),
    runningMean: steps.map(() => [runningMean]),
    runningVar: steps.map(() => [1]),
    meanNoise: steps.map(() => [noise, noise]),
    varNoise: steps.map(() => [0.1, 0.1]),
  };
}

/** Telemetry whose first BN layer has this noise and running mean; `more` adds layers after it. */
export function takeawayTelemetry(
  noise: number,
  runningMean: number,
  more: Record<string, BnLayerTelemetry> = {},
): Telemetry {
  return {
    transport: 'shared-memory',
    devices: 2,
    workers: 1,
    step: [1, 2, 3, 4],
    deviceLoss: [],
    deviceAcc: [],
    deviceCount: [],
    computeMs: [],
    waitMs: [],
    collectiveCalls: [],
    bytes: [],
    bn: { bn1: takeawayLayer(noise, runningMean), ...more },
  };
}

export interface RunNumbers {
  readonly bnSync?: string;
  readonly norm?: string;
  readonly acc: number;
  /** Undefined: `telemetry()` of the test; null: no telemetry. */
  readonly t?: Telemetry | null;
  readonly perDeviceBatch?: number;
  /** Training accuracy of the last tenth of the 300 steps (absent: no train rows). */
  readonly trainAcc?: number;
}

/** A finished run of 8 devices × `perDeviceBatch` (default 4), 300 steps. */
export function takeawayRun(
  label: string,
  over: RunNumbers,
  defaults: { readonly telemetry: () => Telemetry; readonly testLoss: number },
): TakeawayRun {
  const perDeviceBatch = over.perDeviceBatch ?? 4;
  return {
    label,
    ...(over.trainAcc !== undefined
      ? {
          // 300 rows: early ones at chance, the last tenth at trainAcc.
          train: Array.from({ length: 300 }, (_, i) => ({ acc: i < 270 ? 0.1 : over.trainAcc! })),
        }
      : {}),
    config: {
      bnSync: over.bnSync ?? 'local',
      perDeviceBatch,
      globalBatch: perDeviceBatch * 8,
      devices: 8,
      steps: 300,
      model: { norm: over.norm ?? 'batch' },
    },
    final: { testAcc: over.acc, testLoss: defaults.testLoss },
    telemetry: over.t === undefined ? defaults.telemetry() : over.t,
  };
}
