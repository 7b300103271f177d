import type { RunConfig } from '../config/schema.ts';
import { errorMessage } from '../core/error-message.ts';
import type { Checkpoint } from '../workers/checkpoint.ts';
import type { RunEvent } from './events.ts';
import { type Platform, runExperiment } from './run.ts';
import type { TrainRow } from './run-types.ts';
import type { Telemetry } from './telemetry.ts';
import { telemetryAfterStep } from './telemetry-columns.ts';

export interface SessionOptions {
  readonly checkpointEvery?: number;
  readonly resumeFrom?: Checkpoint;
  /** Step rows are sent at most this often (the receiver renders on each event). */
  readonly emitEveryMs?: number;
}

/**
 * One training run as the app sees it: started with a config, paused, resumed or stopped, and
 * reporting typed events. It lives wherever the coordinator lives (a dedicated worker in the
 * browser, so the page never sits on the path of a step; the test process in Node).
 */
export class TrainingSession {
  private stopRequested = false;
  private pausedAt: { resume: () => void } | null = null;
  private pauseRequested = false;

  constructor(
    private readonly platform: Platform,
    private readonly emit: (event: RunEvent) => void,
  ) {}

  async run(config: RunConfig, options: SessionOptions = {}): Promise<void> {
    const emitEveryMs = options.emitEveryMs ?? 100;
    let pending: TrainRow[] = [];
    let telemetry: Telemetry | null = null;
    // The last step whose telemetry was sent (the recorder thins its columns, so not an index).
    let sentTelemetryTo = 0;
    let lastEmit = 0;
    let started = 0;
    let startStep = options.resumeFrom?.step ?? 0;
    const flush = (step: number): void => {
      if (!telemetry) return;
      // A step's telemetry may arrive after its row (the trainer records it while the workers
      // compute the next step): a flush with no new rows still sends it.
      const newTelemetry = (telemetry.step[telemetry.step.length - 1] ?? 0) > sentTelemetryTo;
      if (!pending.length && !newTelemetry) return;
      const elapsed = performance.now() - started;
      const done = step - startStep;
      const stepsPerSec = done > 0 ? (1000 * done) / elapsed : 0;
      this.emit({
        type: 'steps',
        rows: pending,
        telemetry: telemetryAfterStep(telemetry, sentTelemetryTo),
        step,
        steps: config.steps,
        stepsPerSec,
        etaMs: stepsPerSec > 0 ? ((config.steps - step) / stepsPerSec) * 1000 : 0,
      });
      sentTelemetryTo = telemetry.step[telemetry.step.length - 1] ?? sentTelemetryTo;
      pending = [];
      lastEmit = performance.now();
    };
    let step = startStep;
    try {
      const result = await runExperiment(
        config,
        {
          resumeFrom: options.resumeFrom,
          checkpointEvery: options.checkpointEvery,
          onStart: (info) => {
            started = performance.now();
            startStep = info.fromStep;
            telemetry = info.telemetry;
            const { transport, workers, devices, fromStep } = info;
            this.emit({ type: 'started', config, transport, workers, devices, fromStep });
          },
          beforeStep: (s) => this.waitIfPaused(s),
          shouldStop: () => this.stopRequested,
          onProgress: (p) => {
            step = p.step;
            pending.push({ step: p.step, loss: p.loss, acc: p.acc });
            if (performance.now() - lastEmit >= emitEveryMs) flush(p.step);
          },
          onEval: (row) => {
            flush(step);
            this.emit({ type: 'eval', row });
          },
          onCheckpoint: (checkpoint) => {
            flush(step);
            this.emit({ type: 'checkpoint', checkpoint });
          },
          onWarning: (message, warning) => this.emit({ type: 'warning', message, warning }),
        },
        this.platform,
      );
      flush(step);
      this.emit({ type: 'finished', status: result.status, final: result.final });
    } catch (e) {
      flush(step);
      this.emit({ type: 'failed', message: errorMessage(e) });
    }
  }

  pause(): void {
    this.pauseRequested = true;
  }

  resume(): void {
    this.pauseRequested = false;
    this.pausedAt?.resume();
  }

  stop(): void {
    this.stopRequested = true;
    this.resume();
  }

  private async waitIfPaused(step: number): Promise<void> {
    if (!this.pauseRequested || this.stopRequested) return;
    this.emit({ type: 'paused', step: step - 1 });
    await new Promise<void>((resolve) => {
      this.pausedAt = { resume: resolve };
    });
    this.pausedAt = null;
    if (!this.stopRequested) this.emit({ type: 'resumed', step: step - 1 });
  }
}
