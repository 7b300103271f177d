/**
 * A warning of a run, as data: the CLI prints (and the metrics file keeps) its English message,
 * the app words the same facts in the page's language (src/ui/model/warning-text.ts).
 */
export type RunWarning =
  /** Stopped on request after `step` of its `steps` steps. */
  | { readonly code: 'stopped'; readonly step: number; readonly steps: number }
  /** Every device got 0 samples at `step` (a global batch smaller than the devices). */
  | { readonly code: 'empty-step'; readonly step: number };

/** The warning in the CLI's words. */
export function warningMessage(w: RunWarning): string {
  switch (w.code) {
    case 'stopped':
      return `stopped at step ${w.step} of ${w.steps}`;
    case 'empty-step':
      return `step ${w.step}: every device got 0 samples; the step was skipped`;
  }
}
