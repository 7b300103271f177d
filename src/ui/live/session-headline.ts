import { msg, str } from '@lit/localize';
import { isSettled, type LiveRun, type LiveStatus } from '../session/live-run.ts';

/** A run's status in the live view's words (in the language shown: read at render time). */
export function statusText(status: LiveStatus): string {
  switch (status) {
    case 'queued':
      return msg('waiting');
    case 'starting':
      return msg('starting workers…');
    case 'running':
      return msg('training');
    case 'paused':
      return msg('paused');
    case 'completed':
      return msg('done');
    case 'stopped':
      return msg('stopped');
    case 'failed':
      return msg('failed');
    case 'cancelled':
      return msg('not started');
  }
}

/** The list separator of the language shown (", " in English). */
function listSeparator(): string {
  return msg(', ', { id: 'live-list-separator', desc: 'Separates runs listed in one line' });
}

function runStatusStep(r: LiveRun): string {
  const status = statusText(r.status);
  return msg(str`${r.label} — ${status}, step ${r.step} of ${r.steps}`);
}

/**
 * The line above the progress bar. One run: its status and step ("done" once its record is saved,
 * like several runs' "done"). Several: they train together, so
 * each one's step while any is busy ("done" only once all have settled, which tests and screen
 * readers wait for), then each one's outcome.
 */
export function sessionHeadline(runs: readonly LiveRun[], busy: boolean, paused: boolean): string {
  const only = runs.length === 1 ? runs[0] : undefined;
  if (runs.length === 0) return msg('Nothing has trained yet. Press Run to start the study.');
  // Trained but its last writes still landing: "done" would invite closing the tab, which
  // leaves the saved run marked interrupted.
  if (only && busy && isSettled(only.status)) {
    return msg(str`${only.label} — saving to the run library, step ${only.step} of ${only.steps}`);
  }
  if (only) return runStatusStep(only);
  if (busy) {
    const each = runs
      .map((r) => {
        if (r.status === 'queued' || r.status === 'starting' || r.status === 'failed') {
          const status = statusText(r.status);
          return msg(str`${r.label} ${status}`, { desc: 'A run and its status, e.g. "A waiting"' });
        }
        return msg(str`${r.label} at step ${r.step} of ${r.steps}`);
      })
      .join(listSeparator());
    return paused
      ? msg(str`Paused: ${each}`)
      : msg(str`Training ${runs.length} runs side by side: ${each}`);
  }
  if (runs.every((r) => r.status === 'completed')) {
    const labels = runs.map((r) => r.label).join(listSeparator());
    const steps = runs[0]!.steps;
    return msg(str`All ${runs.length} runs done: ${labels}, ${steps} steps each`);
  }
  return runs
    .map(runStatusStep)
    .join(msg('; ', { id: 'live-run-separator', desc: 'Separates runs' }));
}
