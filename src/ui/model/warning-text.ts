import { msg, str } from '@lit/localize';
import type { RunWarning } from '../../coordinator/run-warning.ts';

/**
 * A run's warning in the page's language, worded when shown (so a language switch rewords it).
 * The English is the CLI's message (warningMessage) word for word.
 */
export function warningText(w: RunWarning): string {
  switch (w.code) {
    case 'stopped':
      return msg(str`stopped at step ${w.step} of ${w.steps}`);
    case 'empty-step':
      return msg(str`step ${w.step}: every device got 0 samples; the step was skipped`);
  }
}
