import type { RunConfig } from '../config/schema.ts';
import type { EvalRow, TrainRow } from '../coordinator/run-types.ts';
import type { Telemetry } from '../coordinator/telemetry.ts';
import { toReadableJsonAt } from './json-out.ts';

/** How the run ended, and what it has by then. */
export interface MetricsEnd {
  readonly eval: readonly EvalRow[];
  /** Null when the run failed before its final evaluation. */
  readonly final: { readonly testAcc: number; readonly testLoss: number } | null;
  readonly telemetry?: Telemetry;
  readonly warnings: readonly string[];
  readonly status: 'completed' | 'stopped' | 'failed';
  /** What went wrong, for a failed run. */
  readonly error?: string;
}

/** Train rows held before they are written out together (a few tens of KB). */
const ROWS_PER_WRITE = 512;

/**
 * The metrics JSON written as the run goes, so memory does not grow with the steps and a run that
 * fails or is stopped still leaves a complete file: the config first, then every train row as it
 * comes, and at the end the eval rows, final result, telemetry, warnings, status and error. The
 * layout is toReadableJson's (one row per line).
 */
export class MetricsWriter {
  private rows: string[] = [];
  private wroteRows = false;
  private ended = false;
  private pending: Promise<void> = Promise.resolve();

  /**
   * `sink` writes in call order. A synchronous sink (a file) writes at once, so `endNow` can
   * finish the document in a process about to exit; an asynchronous one (stdout) is chained.
   */
  constructor(
    private readonly sink:
      | { readonly sync: true; write(text: string): void }
      | { readonly sync: false; write(text: string): Promise<void> },
  ) {}

  begin(config: RunConfig): void {
    this.send(`{\n  "config": ${toReadableJsonAt(config, '  ')},\n  "train": [`);
  }

  row(row: TrainRow): void {
    if (this.ended) return;
    this.rows.push(toReadableJsonAt({ step: row.step, loss: row.loss, acc: row.acc }, '    '));
    if (this.rows.length >= ROWS_PER_WRITE) this.flushRows();
  }

  /** Write the rest of the document and wait until everything is written. */
  async end(end: MetricsEnd): Promise<void> {
    this.finish(end);
    await this.pending;
  }

  /** The same, without waiting: for a process about to exit (its sink must be synchronous). */
  endNow(end: MetricsEnd): void {
    this.finish(end);
  }

  private finish(end: MetricsEnd): void {
    if (this.ended) return;
    this.flushRows();
    this.ended = true;
    const rest: Record<string, unknown> = {
      eval: end.eval,
      final: end.final,
      telemetry: end.telemetry,
      warnings: end.warnings,
      status: end.status,
      error: end.error,
    };
    const body = Object.entries(rest)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `  ${JSON.stringify(k)}: ${toReadableJsonAt(v, '  ')}`);
    this.send(`${this.wroteRows ? '\n  ]' : ']'},\n${body.join(',\n')}\n}\n`);
  }

  private flushRows(): void {
    if (!this.rows.length) return;
    this.send(`${this.wroteRows ? ',' : ''}\n${this.rows.join(',\n')}`);
    this.wroteRows = true;
    this.rows = [];
  }

  private send(text: string): void {
    const sink = this.sink;
    if (sink.sync) sink.write(text);
    else this.pending = this.pending.then(() => sink.write(text));
  }
}
