import { msg, str } from '@lit/localize';
import { html } from 'lit';

/** Where a Learn step's background training stands. */
export type TrainingStatus = 'training' | 'done' | 'failed';

/**
 * The line under a step's controls while its widget trains in a worker: a progress bar and a
 * polite live region, or the failure as an alert. `fraction` is 0–1 (full once done).
 */
export function trainingStatus(status: TrainingStatus, fraction: number, error: string) {
  if (status === 'failed') {
    return html`<p role="alert" data-testid="train-status" data-state="failed">
      ${msg(str`Training failed: ${error}`)}
    </p>`;
  }
  return html`<p class="check" data-testid="train-status" data-state=${status}>
    <progress
      max="1"
      .value=${status === 'done' ? 1 : fraction}
      aria-label=${msg('Training progress')}
    ></progress>
    <span aria-live="polite">
      ${status === 'done' ? msg('Trained.') : msg('Training in a background worker…')}
    </span>
  </p>`;
}
