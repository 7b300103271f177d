import type { RunConfig } from '../../config/schema.ts';
import type { RunEvent } from '../../coordinator/events.ts';
import type { EvalRow, TrainRow } from '../../coordinator/run-types.ts';
import type { RunWarning } from '../../coordinator/run-warning.ts';
import type { Telemetry } from '../../coordinator/telemetry.ts';
import { appendTelemetry, telemetryUpTo } from '../model/append-telemetry.ts';
import { type Explanation, explainFailure } from '../model/explain-failure.ts';

export type LiveStatus =
  | 'queued'
  | 'starting'
  | 'running'
  | 'paused'
  | 'completed'
  | 'stopped'
  | 'failed'
  | 'cancelled';

/** One run as the live view shows it: everything its events said so far. Immutable. */
export interface LiveRun {
  /** Unique within the page (the library id may not exist yet, or ever). */
  readonly key: string;
  readonly label: string;
  readonly config: RunConfig;
  readonly storeId: string | null;
  readonly status: LiveStatus;
  readonly train: readonly TrainRow[];
  readonly eval: readonly EvalRow[];
  readonly telemetry: Telemetry | null;
  readonly step: number;
  readonly steps: number;
  /** The step this session started after (a checkpoint's when resuming). */
  readonly fromStep: number;
  readonly stepsPerSec: number;
  readonly etaMs: number;
  readonly transport: string | null;
  readonly workers: number | null;
  readonly checkpointStep: number | null;
  readonly final: { readonly testAcc: number; readonly testLoss: number } | null;
  readonly failure: Explanation | null;
  /** Worded when shown (warningText), in the page's language. */
  readonly warnings: readonly RunWarning[];
}

export interface LiveRunHistory {
  readonly train: readonly TrainRow[];
  readonly eval: readonly EvalRow[];
  readonly telemetry: Telemetry | null;
  readonly fromStep: number;
}

export function newLiveRun(
  key: string,
  label: string,
  config: RunConfig,
  history?: LiveRunHistory,
): LiveRun {
  return {
    key,
    label,
    config,
    storeId: null,
    status: 'queued',
    train: history?.train ?? [],
    eval: history?.eval ?? [],
    telemetry: history?.telemetry ?? null,
    step: history?.fromStep ?? 0,
    steps: config.steps,
    fromStep: history?.fromStep ?? 0,
    stepsPerSec: 0,
    etaMs: 0,
    transport: null,
    workers: null,
    checkpointStep: history?.fromStep || null,
    final: null,
    failure: null,
    warnings: [],
  };
}

/**
 * Rows in step order. Rows that restart at or before the last one (a run resumed from a
 * checkpoint re-sends the steps after it) replace the old ones from that step on.
 */
export function appendRows<Row extends { readonly step: number }>(
  into: readonly Row[],
  rows: readonly Row[],
): Row[] {
  const first = rows[0];
  if (!first) return into.slice();
  let keep = into.length;
  while (keep > 0 && into[keep - 1]!.step >= first.step) keep--;
  return into.slice(0, keep).concat(rows);
}

function appendTelemetrySteps(into: Telemetry | null, slice: Telemetry): Telemetry {
  const first = slice.step[0];
  const last = into?.step[into.step.length - 1];
  if (into && first !== undefined && last !== undefined && first <= last) {
    return appendTelemetry(telemetryUpTo(into, first - 1), slice);
  }
  return appendTelemetry(into, slice);
}

/** The run after one event (pure: the same events always give the same state). */
export function applyEvent(run: LiveRun, event: RunEvent): LiveRun {
  switch (event.type) {
    case 'started':
      return {
        ...run,
        status: 'running',
        transport: event.transport,
        workers: event.workers,
        fromStep: event.fromStep,
        step: event.fromStep,
      };
    case 'steps':
      return {
        ...run,
        train: appendRows(run.train, event.rows),
        telemetry: appendTelemetrySteps(run.telemetry, event.telemetry),
        step: event.step,
        steps: event.steps,
        stepsPerSec: event.stepsPerSec,
        etaMs: event.etaMs,
        transport: event.telemetry.transport || run.transport,
      };
    case 'eval':
      return { ...run, eval: appendRows(run.eval, [event.row]) };
    case 'checkpoint':
      return { ...run, checkpointStep: event.checkpoint.step };
    case 'warning':
      return { ...run, warnings: [...run.warnings, event.warning] };
    case 'paused':
      return { ...run, status: 'paused' };
    case 'resumed':
      return { ...run, status: 'running' };
    case 'finished':
      return {
        ...run,
        status: event.status,
        final: event.final,
        etaMs: 0,
        step: event.status === 'completed' ? run.steps : run.step,
      };
    case 'failed':
      return {
        ...run,
        status: 'failed',
        etaMs: 0,
        failure: explainFailure(event.message, run.config),
      };
  }
}

/** True once the run can no longer change. */
export function isSettled(status: LiveStatus): boolean {
  return (
    status === 'completed' || status === 'stopped' || status === 'failed' || status === 'cancelled'
  );
}
