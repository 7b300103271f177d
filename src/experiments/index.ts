import { batchSize } from './batch-size.ts';
import { covariateShift } from './covariate-shift.ts';
import { errorSurface } from './error-surface.ts';
import { landscape } from './landscape.ts';
import { nonIid } from './non-iid.ts';
import { statNoise } from './stat-noise.ts';
import { testTime } from './test-time.ts';
import type { Experiment, ExperimentName, Finding } from './kit/types.ts';

/** Every named experiment, in the order of issue 5. */
export const EXPERIMENTS: Record<ExperimentName, Experiment<object, Finding>> = {
  'batch-size': batchSize,
  'stat-noise': statNoise,
  'error-surface': errorSurface,
  'covariate-shift': covariateShift,
  'test-time': testTime,
  landscape,
  'non-iid': nonIid,
};

export type { Check, Experiment, ExperimentName, ExperimentResult, Finding } from './kit/types.ts';
export { EXPERIMENT_NAMES } from './kit/types.ts';
