import type { LiveRun, LiveStatus } from '../session/live-run.ts';

/** A run's status in the live view's words. */
export const STATUS_TEXT: Record<LiveStatus, string> = {
  queued: 'waiting',
  starting: 'starting workers…',
  running: 'training',
  paused: 'paused',
  completed: 'done',
  stopped: 'stopped',
  failed: 'failed',
  cancelled: 'not started',
};

/**
 * The line above the progress bar. One run: its status and step. Several: they train together, so
 * each one's step while any is busy ("done" only once all have settled, which tests and screen
 * readers wait for), then each one's outcome.
 */
export function sessionHeadline(runs: readonly LiveRun[], busy: boolean, paused: boolean): string {
  const only = runs.length === 1 ? runs[0] : undefined;
  if (runs.length === 0) return 'Nothing has trained yet. Press Run to start the study.';
  if (only)
    return `${only.label} — ${STATUS_TEXT[only.status]}, step ${only.step} of ${only.steps}`;
  if (busy) {
    const each = runs.map((r) =>
      r.status === 'queued' || r.status === 'starting' || r.status === 'failed'
        ? `${r.label} ${STATUS_TEXT[r.status]}`
        : `${r.label} at step ${r.step} of ${r.steps}`,
    );
    return `${paused ? 'Paused' : `Training ${runs.length} runs side by side`}: ${each.join(', ')}`;
  }
  if (runs.every((r) => r.status === 'completed'))
    return `All ${runs.length} runs done: ${runs.map((r) => r.label).join(', ')}, ${runs[0]!.steps} steps each`;
  return runs
    .map((r) => `${r.label} — ${STATUS_TEXT[r.status]}, step ${r.step} of ${r.steps}`)
    .join('; ');
}
