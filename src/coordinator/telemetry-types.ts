/**
 * The shape of a run's telemetry: per step, per device and per BN layer, as columns. Its own
 * file so that the recorder (telemetry.ts) and the column helpers (telemetry-columns.ts) can both
 * use it without importing each other.
 */

/** Channels of each BN layer whose per-device statistics are kept step by step. */
export { TRACKED_CHANNELS } from '../workers/reports.ts';

export interface BnLayerTelemetry {
  readonly channels: number[];
  readonly step: number[];
  /** [step][device][tracked channel] */
  readonly deviceMean: number[][][];
  readonly deviceVar: number[][][];
  /**
   * The statistics each device NORMALIZED with, [step][device][tracked channel]: its own batch's
   * under local BN, its group's under group:g, the global batch's under sync (the merge's answer,
   * as the device used it). Runs saved before this column have an empty row per step.
   */
  readonly usedMean: number[][][];
  readonly usedVar: number[][][];
  /** Statistics of the global batch (all devices merged), [step][tracked channel]. */
  readonly globalMean: number[][];
  readonly globalVar: number[][];
  /** Device 0's running statistics after the step, [step][tracked channel]. */
  readonly runningMean: number[][];
  readonly runningVar: number[][];
  /**
   * How far each device's batch statistics sit from the global batch's, over ALL channels:
   * RMS_c((μ_k − μ)/σ) and RMS_c(log(σ²_k/σ²)); [step][device]. Grows like 1/√(per-device batch).
   */
  readonly meanNoise: number[][];
  readonly varNoise: number[][];
}

export interface Telemetry {
  readonly transport: string;
  readonly devices: number;
  readonly workers: number;
  readonly step: number[];
  /** [step][device] */
  readonly deviceLoss: number[][];
  readonly deviceAcc: number[][];
  readonly deviceCount: number[][];
  readonly computeMs: number[][];
  /** Time the worker hosting the device waited in collectives, [step][device]. */
  readonly waitMs: number[][];
  readonly collectiveCalls: number[];
  readonly bytes: number[];
  readonly bn: Record<string, BnLayerTelemetry>;
}
