import type { RunConfig } from '../../config/schema.ts';
import type { EvalRow, TrainRow } from '../../coordinator/run-types.ts';
import type { Telemetry } from '../../coordinator/telemetry.ts';
import { errorMessage } from '../../core/error-message.ts';
import type { RunStore, RunSummary } from '../../store/index.ts';
import type { Checkpoint } from '../../workers/checkpoint.ts';

/** The part of the run store a recorder writes through (a fake in tests). */
export type RecorderStore = Pick<
  RunStore,
  'createRun' | 'updateRun' | 'appendMetrics' | 'flush' | 'saveCheckpoint'
>;

export type SaveProblem =
  | { readonly kind: 'quota'; readonly message: string }
  | { readonly kind: 'other'; readonly message: string };

export type FinalStatus = 'completed' | 'stopped' | 'failed';

/**
 * Saves one run to the library while it trains: the record when it starts, metrics as they come,
 * checkpoints, and the final status. Every write goes through one chain, so nothing is written
 * for a run whose record does not exist yet, and writes land in the order events arrived. A
 * failed write is reported once (full storage: 'quota', the caller stops the run); later writes
 * of this run are skipped, so the library keeps a consistent prefix of the run.
 */
export class RunRecorder {
  private chain: Promise<void>;
  private store: RecorderStore | null = null;
  private id: string | null = null;
  private broken = false;
  /** Step of the last checkpoint written (everything up to it is saved with it). */
  savedCheckpointStep: number | null = null;

  /**
   * `store` may still be opening (a Run pressed before the library finished opening): every
   * write waits for it, so such a run is saved from its first step, not lost. Null: not saved.
   */
  constructor(
    store: RecorderStore | null | PromiseLike<RecorderStore | null>,
    private readonly onProblem: (problem: SaveProblem) => void,
  ) {
    this.chain = Promise.resolve(store).then(
      (opened) => {
        this.store = opened;
      },
      () => {
        this.store = null; // the library could not open: the page says so; the run trains unsaved
      },
    );
  }

  get runId(): string | null {
    return this.id;
  }

  /** Create the record (or, resuming, mark the existing one running again). */
  begin(config: RunConfig, name: string, existingId: string | null = null): Promise<string | null> {
    return new Promise((resolve) => {
      this.enqueue(async (store) => {
        if (existingId) {
          await store.updateRun(existingId, { status: 'running' });
          this.id = existingId;
        } else {
          this.id = (await store.createRun(config, name)).id;
        }
      }).then(() => resolve(this.id));
    });
  }

  steps(rows: readonly TrainRow[], telemetry: Telemetry | undefined): void {
    this.enqueue(async (store, id) => {
      store.appendMetrics(id, { train: rows, ...(telemetry ? { telemetry } : {}) });
    });
  }

  evaluation(row: EvalRow): void {
    this.enqueue(async (store, id) => {
      store.appendMetrics(id, { eval: [row] });
    });
  }

  checkpoint(ck: Checkpoint): void {
    this.enqueue(async (store, id) => {
      await store.saveCheckpoint(id, ck);
      this.savedCheckpointStep = ck.step;
    });
  }

  /**
   * Write what is buffered, then the final status and summary. After a failed write the status
   * is still attempted (a tiny write that often fits), so the library does not claim "running".
   */
  finish(status: FinalStatus, summary: Partial<RunSummary>): Promise<void> {
    this.chain = this.chain.then(async () => {
      const store = this.store;
      const id = this.id;
      if (!store || !id) return;
      if (!this.broken) {
        try {
          await store.flush();
        } catch (error) {
          this.report(error);
        }
      }
      try {
        await store.updateRun(id, { status, summary });
      } catch (error) {
        this.report(error);
      }
    });
    return this.chain;
  }

  /** A background write failed (the store reports those globally); stop writing this run. */
  fail(error: unknown): void {
    this.report(error);
  }

  /** Resolves once every queued write has finished (or been skipped). */
  settled(): Promise<void> {
    return this.chain;
  }

  private enqueue(op: (store: RecorderStore, id: string) => Promise<void>): Promise<void> {
    this.chain = this.chain.then(async () => {
      const store = this.store;
      if (!store || this.broken) return;
      try {
        // begin() runs first and sets the id; later ops need it.
        await op(store, this.id ?? '');
      } catch (error) {
        this.report(error);
      }
    });
    return this.chain;
  }

  private report(error: unknown): void {
    if (this.broken) return;
    this.broken = true;
    const message = errorMessage(error);
    const quota = error instanceof Error && error.name === 'StoreQuotaError';
    this.onProblem({ kind: quota ? 'quota' : 'other', message });
  }
}
