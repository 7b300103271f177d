import type { RunConfig } from '../../config/schema.ts';
import type { EvalRow, TrainRow } from '../../coordinator/run-types.ts';
import type { RunOrigin } from '../../store/index.ts';

/** A saved run as the compare view shows it: its name, config and curves. */
export interface ComparedRun {
  readonly id: string;
  readonly label: string;
  readonly config: RunConfig;
  readonly train: readonly TrainRow[];
  readonly eval: readonly EvalRow[];
  /** Set for a run imported from PyTorch (train.py's metrics.json). */
  readonly origin?: RunOrigin;
}
