import type { RunConfig } from '../config/schema.ts';

/** One row per optimizer step: the global batch's mean loss and accuracy. */
export interface TrainRow {
  readonly step: number;
  readonly loss: number;
  readonly acc: number;
}

/** One row per evaluation on the test set (evalMode decides which BN statistics). */
export interface EvalRow {
  readonly step: number;
  readonly loss: number;
  readonly acc: number;
}

export interface RunResult {
  readonly config: RunConfig;
  readonly train: TrainRow[];
  readonly eval: EvalRow[];
  readonly final: { readonly testAcc: number; readonly testLoss: number };
  /** Per-device statistics, timings and communication counters (see the coordinator's telemetry). */
  readonly telemetry?: unknown;
  readonly warnings: string[];
}

export interface RunProgress {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly acc: number;
  readonly elapsedMs: number;
}

export interface RunHooks {
  onProgress?(progress: RunProgress): void;
  onWarning?(message: string): void;
  /** Checked between steps; when it returns true the run stops cleanly after the current step. */
  shouldStop?(): boolean;
}
