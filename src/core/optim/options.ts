/**
 * The options makeOptimizer and learningRate take, in core's own terms. The run config's
 * `optimizer` and `schedule` sections (src/config/schema.ts) have exactly these shapes, so the
 * config layer hands them over as they are; the type checker keeps the two in step.
 */
export const OPTIMIZERS = ['sgd', 'adam', 'adamw'] as const;
export const SCHEDULES = ['constant', 'step', 'cosine'] as const;

export interface OptimizerOptions {
  readonly name: (typeof OPTIMIZERS)[number];
  readonly lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

export interface ScheduleOptions {
  readonly name: (typeof SCHEDULES)[number];
  /** Linear warm-up from 0 to lr over this many steps (0: none). */
  readonly warmupSteps: number;
  /** step: multiply lr by gamma every stepSize steps. */
  readonly stepSize: number;
  readonly gamma: number;
  /** cosine: the lr reached at the last step. */
  readonly minLr: number;
}
