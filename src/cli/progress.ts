import type { RunProgress } from '../coordinator/run-types.ts';

export interface ProgressSink {
  write(text: string): void;
  readonly isTTY: boolean;
  /** Terminal width in columns (TTY only). */
  readonly columns?: number;
}

/**
 * Progress on a terminal: one line redrawn in place (at most every `redrawMs`) with a bar,
 * step/steps, loss, accuracy, steps/s and ETA. Elsewhere (a log file, CI): one line at each 10%
 * of the steps, so a log stays short whatever the run length.
 */
export class ProgressReporter {
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lastDecile = 0;
  private drawn = false;

  constructor(
    private readonly sink: ProgressSink,
    private readonly now: () => number = () => performance.now(),
    private readonly redrawMs = 100,
  ) {}

  update(p: RunProgress): void {
    if (this.sink.isTTY) {
      const t = this.now();
      if (p.step < p.steps && t - this.lastDraw < this.redrawMs) return;
      this.lastDraw = t;
      const line = truncate(`${bar(p.step / p.steps, 20)} ${summary(p)}`, this.sink.columns);
      this.sink.write(`\r${line}\x1b[K`);
      this.drawn = true;
      return;
    }
    const decile = Math.floor((10 * p.step) / p.steps);
    if (decile <= this.lastDecile) return;
    this.lastDecile = decile;
    this.sink.write(`${summary(p)}\n`);
  }

  /** Print a message without tearing the progress line (warnings during a run). */
  message(text: string): void {
    if (this.sink.isTTY && this.drawn) this.sink.write('\r\x1b[K');
    this.sink.write(`${text}\n`);
    this.lastDraw = Number.NEGATIVE_INFINITY;
  }

  /** End the progress line so that whatever follows starts on a fresh line. */
  finish(): void {
    if (this.sink.isTTY && this.drawn) this.sink.write('\n');
    this.drawn = false;
  }
}

export function summary(p: RunProgress): string {
  const width = String(p.steps).length;
  const rate = p.elapsedMs > 0 ? (1000 * p.step) / p.elapsedMs : 0;
  const eta = rate > 0 ? (p.steps - p.step) / rate : Number.NaN;
  const pct = Math.floor((100 * p.step) / p.steps);
  return [
    `step ${String(p.step).padStart(width)}/${p.steps} (${String(pct).padStart(3)}%)`,
    `loss ${formatLoss(p.loss)}`,
    `acc ${(100 * p.acc).toFixed(1)}%`,
    `${rate >= 100 ? rate.toFixed(0) : rate.toFixed(1)} steps/s`,
    p.step >= p.steps ? `took ${formatDuration(p.elapsedMs / 1000)}` : `ETA ${formatDuration(eta)}`,
  ].join('  ');
}

function formatLoss(loss: number): string {
  if (!Number.isFinite(loss)) return String(loss);
  return Math.abs(loss) >= 1000 ? loss.toExponential(2) : loss.toFixed(4);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function bar(fraction: number, width: number): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

function truncate(line: string, columns: number | undefined): string {
  return columns && columns > 1 && line.length >= columns ? line.slice(0, columns - 1) : line;
}
