export { Adam, type AdamOptions } from './adam.ts';
export { AdamW } from './adamw.ts';
export { makeOptimizer } from './make-optimizer.ts';
export type { Optimizer, OptimizerState } from './optimizer.ts';
export { learningRate } from './schedule.ts';
export { Sgd, type SgdOptions } from './sgd.ts';
