import type { ScheduleOptions } from './options.ts';

/**
 * The learning rate for optimizer step `step` (0-based: the index of the step about to be taken)
 * of a run of `totalSteps` steps.
 *
 * Warm-up: the first W = warmupSteps steps use baseLr·(step+1)/(W+1), a line from 0 that would
 * reach baseLr at step W; so no step is wasted at lr 0, and step W is the first at full rate.
 * The schedule proper starts when warm-up ends, on its own clock t = step − W over the
 * remaining T = totalSteps − W steps:
 * - constant: baseLr.
 * - step:     baseLr·gamma^⌊t/stepSize⌋.
 * - cosine:   minLr + (baseLr − minLr)·(1 + cos(π·t/(T−1)))/2, so the last step (t = T−1) runs at
 *             minLr; with T ≤ 1 there is no room to decay and the step runs at baseLr. Steps past
 *             the end stay at minLr.
 */
export function learningRate(
  cfg: ScheduleOptions,
  baseLr: number,
  step: number,
  totalSteps: number,
): number {
  const warmup = cfg.warmupSteps;
  if (step < warmup) return (baseLr * (step + 1)) / (warmup + 1);
  const t = step - warmup;
  switch (cfg.name) {
    case 'constant':
      return baseLr;
    case 'step':
      return baseLr * cfg.gamma ** Math.floor(t / cfg.stepSize);
    case 'cosine': {
      const span = totalSteps - warmup - 1;
      if (span <= 0) return t === 0 ? baseLr : cfg.minLr;
      const progress = Math.min(1, t / span);
      return cfg.minLr + ((baseLr - cfg.minLr) * (1 + Math.cos(Math.PI * progress))) / 2;
    }
  }
}
