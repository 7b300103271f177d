import { msg } from '@lit/localize';

/**
 * The path's steps, in order. A step is one file under steps/ that defines its element; adding
 * one is that file plus its line here. Each step's code loads only when the reader opens it, so
 * the first screen does not carry the path.
 */
export interface LearnStep {
  /** The custom element the step's file defines. */
  readonly tag: string;
  /** Its title, in the page's language (called at render time). */
  readonly title: () => string;
  /** Loads the step's file (which registers `tag`). */
  readonly load: () => Promise<unknown>;
}

export const LEARN_STEPS: readonly LearnStep[] = [
  {
    tag: 'sbl-learn-feature-scaling',
    title: () => msg('Feature normalization'),
    load: () => import('./steps/step-1-feature-scaling.ts'),
  },
  {
    tag: 'sbl-learn-z-score',
    title: () => msg('Z-score normalization'),
    load: () => import('./steps/step-2-z-score.ts'),
  },
  {
    tag: 'sbl-learn-batch-norm',
    title: () => msg('Batch normalization over a batch'),
    load: () => import('./steps/step-3-batch-norm.ts'),
  },
  {
    tag: 'sbl-learn-bn-test-time',
    title: () => msg('BN at test time'),
    load: () => import('./steps/step-4-bn-test-time.ts'),
  },
  {
    tag: 'sbl-learn-covariate-shift',
    title: () => msg('Internal covariate shift'),
    load: () => import('./steps/step-5-covariate-shift.ts'),
  },
  {
    tag: 'sbl-learn-other-norms',
    title: () => msg('Other normalizations'),
    load: () => import('./steps/step-6-other-norms.ts'),
  },
  {
    tag: 'sbl-learn-sync-bn',
    title: () => msg('Many devices → SyncBN'),
    load: () => import('./steps/step-7-sync-bn.ts'),
  },
];
