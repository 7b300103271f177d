import type { EvalRow, TrainRow } from '../coordinator/run-types.ts';
import type { Telemetry } from '../coordinator/telemetry.ts';
import type { MetricsBatch } from './records.ts';
import { appendRows, appendTelemetry, cloneTelemetry, telemetryRows } from './series.ts';

export interface PendingMetrics {
  readonly train: TrainRow[];
  readonly eval: EvalRow[];
  telemetry: Telemetry | null;
}

const rowCount = (p: PendingMetrics): number =>
  p.train.length + p.eval.length + (p.telemetry ? telemetryRows(p.telemetry) : 0);

const asBatch = (p: PendingMetrics): MetricsBatch => ({
  train: p.train,
  eval: p.eval,
  telemetry: p.telemetry ?? undefined,
});

/** Metrics not yet written, per run, in arrival order. Pure memory: no IndexedDB here. */
export class MetricsBuffer {
  private pending = new Map<string, PendingMetrics>();
  private count = 0;

  /** Rows waiting (train + eval + telemetry steps, over all runs). */
  get rows(): number {
    return this.count;
  }

  add(runId: string, batch: MetricsBatch): void {
    const p = this.entry(runId);
    const before = rowCount(p);
    if (batch.train) appendRows(p.train, batch.train);
    if (batch.eval) appendRows(p.eval, batch.eval);
    if (batch.telemetry && telemetryRows(batch.telemetry) > 0) {
      p.telemetry = p.telemetry
        ? appendTelemetry(p.telemetry, batch.telemetry)
        : cloneTelemetry(batch.telemetry);
    }
    this.count += rowCount(p) - before;
  }

  /** What is waiting for one run (read-only view), if anything. */
  peek(runId: string): PendingMetrics | undefined {
    return this.pending.get(runId);
  }

  /** Hand everything over for writing; the buffer is empty afterwards. */
  take(): Map<string, PendingMetrics> {
    const taken = this.pending;
    this.pending = new Map();
    this.count = 0;
    return taken;
  }

  /** A write failed: put its rows back, ahead of whatever arrived meanwhile. */
  restore(taken: Map<string, PendingMetrics>): void {
    const newer = this.pending;
    this.pending = new Map();
    this.count = 0;
    for (const [runId, p] of taken) this.add(runId, asBatch(p));
    for (const [runId, p] of newer) this.add(runId, asBatch(p));
  }

  drop(runId: string): void {
    const p = this.pending.get(runId);
    if (!p) return;
    this.count -= rowCount(p);
    this.pending.delete(runId);
  }

  private entry(runId: string): PendingMetrics {
    let p = this.pending.get(runId);
    if (!p) {
      p = { train: [], eval: [], telemetry: null };
      this.pending.set(runId, p);
    }
    return p;
  }
}
