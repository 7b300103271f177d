import { RunNotFoundError, type StoreError, toStoreError } from './errors.ts';
import { MetricsBuffer, type PendingMetrics } from './metrics-buffer.ts';
import type { MetricsBatch } from './records.ts';

export interface FlushPolicy {
  /** A buffered row waits at most this long before a write starts. */
  readonly intervalMs: number;
  /** This many buffered rows start a write at once. */
  readonly maxRows: number;
}

export const DEFAULT_FLUSH_POLICY: FlushPolicy = { intervalMs: 500, maxRows: 1000 };

/** Writes everything taken from the buffer (plus `extra`, if given) in ONE transaction. */
export type BufferWriter<Extra> = (
  taken: Map<string, PendingMetrics>,
  extra: Extra | undefined,
) => Promise<void>;

/**
 * When buffered metrics get written. Writes run one after another, so chunks land in arrival
 * order even when one fails and its rows go back into the buffer. After a failed write (a full
 * disk, say) nothing is written in the background until an explicit flush() succeeds: rows keep
 * accumulating in memory instead of failing every half second.
 */
export class MetricsFlusher<Extra> {
  readonly buffer = new MetricsBuffer();
  private queue: Promise<void> = Promise.resolve();
  private jobs = 0;
  private queuedFlush: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private suspended = false;
  private stopped = false;

  constructor(
    private readonly policy: FlushPolicy,
    private readonly write: BufferWriter<Extra>,
    private readonly onBackgroundError: (error: StoreError) => void,
  ) {}

  append(runId: string, batch: MetricsBatch): void {
    this.buffer.add(runId, batch);
    if (this.suspended || this.stopped) return;
    if (this.buffer.rows >= this.policy.maxRows) this.background();
    else this.timer ??= setTimeout(() => this.background(), this.policy.intervalMs);
  }

  /** Write what is buffered now; joins a flush that is queued but not started yet. */
  flush(): Promise<void> {
    this.clearTimer();
    if (!this.queuedFlush) {
      this.queuedFlush = this.enqueue(undefined, () => {
        this.queuedFlush = null;
      });
    }
    return this.queuedFlush;
  }

  /** Write what is buffered together with `extra`, after every earlier write. */
  writeWith(extra: Extra): Promise<void> {
    return this.enqueue(extra);
  }

  /**
   * Start writing the buffer synchronously if no write is under way (another tab is waiting for
   * this connection to close: a transaction started before close() still commits). Best effort.
   */
  flushIfIdle(): void {
    if (this.jobs > 0 || this.buffer.rows === 0) return;
    const taken = this.buffer.take();
    this.write(taken, undefined).catch(() => this.buffer.restore(taken));
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  private background(): void {
    this.clearTimer();
    this.flush().catch((error: unknown) => this.onBackgroundError(toStoreError(error)));
  }

  private enqueue(extra: Extra | undefined, onStart?: () => void): Promise<void> {
    this.jobs++;
    const job = async (): Promise<void> => {
      onStart?.();
      const taken = this.buffer.take();
      if (taken.size === 0 && extra === undefined) return;
      try {
        await this.write(taken, extra);
      } catch (error) {
        this.buffer.restore(taken);
        // A caller's mistake (no such run) says nothing about the storage; anything else does.
        if (!(error instanceof RunNotFoundError)) this.suspended = true;
        throw toStoreError(error);
      }
      this.suspended = false;
    };
    const result = this.queue.then(job).finally(() => {
      this.jobs--;
      if (this.buffer.rows > 0 && !this.suspended && !this.stopped) {
        this.timer ??= setTimeout(() => this.background(), this.policy.intervalMs);
      }
    });
    this.queue = result.catch(() => {});
    return result;
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
