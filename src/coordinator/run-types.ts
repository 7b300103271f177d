import type { RunConfig } from '../config/schema.ts';
import type { Checkpoint } from '../workers/checkpoint.ts';
import type { PopulationStats } from './population.ts';
import type { RunWarning } from './run-warning.ts';
import type { Telemetry } from './telemetry.ts';

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
  /**
   * Per BN layer with running statistics: the population statistics of its input over the
   * training set (a fixed subset, weights frozen) next to the running ones the model tests with.
   * Absent in runs saved before it was recorded, and for models without such layers.
   */
  readonly population?: Readonly<Record<string, PopulationStats>>;
}

export interface RunResult {
  readonly config: RunConfig;
  readonly train: TrainRow[];
  readonly eval: EvalRow[];
  readonly final: { readonly testAcc: number; readonly testLoss: number };
  /** Per-device statistics, timings and communication counters. */
  readonly telemetry: Telemetry;
  readonly warnings: string[];
  /** 'stopped' when shouldStop ended the run early. */
  readonly status: 'completed' | 'stopped';
}

export interface RunProgress {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly acc: number;
  readonly elapsedMs: number;
}

export interface RunStartInfo {
  readonly transport: string;
  readonly workers: number;
  readonly devices: number;
  /** 0, or the checkpoint's step when resuming. */
  readonly fromStep: number;
  /** The run's telemetry columns, growing as steps are recorded (read, never write). */
  readonly telemetry: Telemetry;
}

export interface RunHooks {
  /** Once the devices are up, before the first step. */
  onStart?(info: RunStartInfo): void;
  onProgress?(progress: RunProgress): void;
  /** A warning: its English message (the CLI's) and the same as data (the app words it). */
  onWarning?(message: string, warning: RunWarning): void;
  /** Checked between steps; when it returns true the run stops cleanly after the current step. */
  shouldStop?(): boolean;
  /** Awaited before each step (a session pauses here). */
  beforeStep?(step: number): Promise<void> | void;
  onEval?(row: EvalRow): void;
  /** Called every `checkpointEvery` steps and after the last one, with the replicas' state. */
  onCheckpoint?(checkpoint: Checkpoint): Promise<void> | void;
  checkpointEvery?: number;
  /** Continue from this checkpoint: the result reaches the same numbers as an unbroken run. */
  resumeFrom?: Checkpoint;
}
