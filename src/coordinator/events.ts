import type { RunConfig } from '../config/schema.ts';
import type { Checkpoint } from '../workers/checkpoint.ts';
import type { EvalRow, TrainRow } from './run-types.ts';
import type { RunWarning } from './run-warning.ts';
import type { Telemetry } from './telemetry.ts';

/**
 * Typed events a training session sends back to whoever started it (the app's session
 * controller). Step rows are batched: one `steps` event carries every row since the last one, so
 * the receiver renders at most a few times a second however fast steps are.
 */
export type RunEvent =
  | {
      readonly type: 'started';
      readonly config: RunConfig;
      readonly transport: string;
      readonly workers: number;
      readonly devices: number;
      /** The step the run starts after (0, or a checkpoint's step when resuming). */
      readonly fromStep: number;
    }
  | {
      readonly type: 'steps';
      readonly rows: TrainRow[];
      /** The telemetry columns for these steps (same shape as the run result's, only these steps). */
      readonly telemetry: Telemetry;
      readonly step: number;
      readonly steps: number;
      readonly stepsPerSec: number;
      readonly etaMs: number;
    }
  | { readonly type: 'eval'; readonly row: EvalRow }
  | { readonly type: 'checkpoint'; readonly checkpoint: Checkpoint }
  | {
      readonly type: 'warning';
      /** In English (the CLI's words); the app shows `warning` in the page's language. */
      readonly message: string;
      readonly warning: RunWarning;
    }
  | { readonly type: 'paused' | 'resumed'; readonly step: number }
  | {
      readonly type: 'finished';
      readonly status: 'completed' | 'stopped';
      readonly final: { readonly testAcc: number; readonly testLoss: number };
    }
  | { readonly type: 'failed'; readonly message: string };
