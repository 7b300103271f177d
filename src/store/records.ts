import type { RunConfig } from '../config/schema.ts';
import type { EvalRow, TrainRow } from '../coordinator/run-types.ts';
import type { Telemetry } from '../coordinator/telemetry.ts';
import type { SavedTelemetry } from '../coordinator/telemetry-columns.ts';
import type { OptimizerState } from '../core/optim/optimizer.ts';
import type { ExperimentName, Finding } from '../experiments/kit/types.ts';

export const RUN_STATUSES = ['running', 'completed', 'stopped', 'failed', 'interrupted'] as const;
/** `interrupted`: the page went away while the run was `running` (set when a store opens). */
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunSummary {
  readonly stepsDone: number;
  readonly steps: number;
  /** null until the first step (or evaluation) is saved. */
  readonly lastLoss: number | null;
  readonly testAcc: number | null;
  readonly testLoss: number | null;
  readonly error?: string;
}

/**
 * Where a run's numbers come from when not from this simulator: a PyTorch run of an exported
 * bundle (train.py's metrics.json, imported), with what it ran on.
 */
export interface RunOrigin {
  readonly source: 'pytorch';
  /** torch.__version__. */
  readonly torch: string;
  /** "cpu" or the CUDA device's name (rank 0's). */
  readonly device: string;
  /** gloo or nccl. */
  readonly backend: string;
  readonly processes: number;
  /** Nodes of the cluster, when the file says (train.py since the app imports it). */
  readonly nodes?: number;
  /** The file's numbers hashed: the same file imported twice is refused. */
  readonly fingerprint: string;
}

export interface RunRecord {
  readonly id: string;
  readonly name: string;
  readonly config: RunConfig;
  readonly status: RunStatus;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly summary: RunSummary;
  /** Absent for the simulator's own runs (and every run saved before PyTorch imports existed). */
  readonly origin?: RunOrigin;
}

/** What a training session hands over while it runs (any part may be missing). */
export interface MetricsBatch {
  readonly train?: readonly TrainRow[];
  readonly eval?: readonly EvalRow[];
  /** Columns for some steps, as in a `steps` event. */
  readonly telemetry?: Telemetry;
}

/** A run's train and eval rows: what its curves need (no telemetry). */
export type LoadedCurves = Pick<LoadedMetrics, 'train' | 'eval'>;

export interface LoadedMetrics {
  readonly train: TrainRow[];
  readonly eval: EvalRow[];
  /** Every saved chunk's columns, concatenated; null when none was recorded. */
  readonly telemetry: Telemetry | null;
}

/** `metrics` store (schema ≥ v3): one chunk per flush, keyed [runId, seq]. */
export interface MetricsChunk {
  readonly runId: string;
  readonly seq: number;
  readonly train: TrainRow[];
  readonly eval: EvalRow[];
}

/** `telemetry` store (schema ≥ v3): kept apart so loss charts load without the bulky columns. */
export interface TelemetryChunk {
  readonly runId: string;
  readonly seq: number;
  /** As saved: chunks from before a column existed lack it (loadMetrics completes them). */
  readonly telemetry: SavedTelemetry;
}

/** `checkpoints` store, keyed [runId, step]. */
export interface CheckpointRecord {
  readonly runId: string;
  readonly step: number;
  readonly savedAt: number;
  readonly params: Float32Array;
  readonly buffers: Float32Array;
  readonly optimizer: OptimizerState;
}

/**
 * One session of a named experiment, persisted like a run: saved after every finished unit, so a
 * stopped or interrupted session keeps its rows (and can be resumed with runPlan's `previous`).
 */
export interface ExperimentRecord {
  readonly id: string;
  readonly name: ExperimentName;
  readonly quick: boolean;
  /** `running` in a record no page is computing means the page went away (shown as interrupted). */
  readonly status: RunStatus;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly seeds: readonly number[];
  readonly rows: readonly object[];
  readonly finding: Finding;
  /** Wall time spent computing the rows, summed over resumed sessions. */
  readonly elapsedMs: number;
  /** False while configurations are missing. */
  readonly complete: boolean;
  readonly error?: string;
}
