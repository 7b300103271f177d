import { parseConfig, type RunConfig, type RunConfigInput } from '../../config/schema.ts';
import type { RunHooks, RunResult } from '../../coordinator/run-types.ts';
import { StoppedError, type UnitContext } from './types.ts';
import { makeYielder } from './yield.ts';

/** Validate an experiment's config (a mistake here is a bug in the experiment, so it throws). */
export function config(input: RunConfigInput): RunConfig {
  return parseConfig(input);
}

/**
 * A data-parallel training run inside a unit: progress and stop requests are wired through, and
 * a stopped run throws StoppedError (a unit's rows are all or nothing).
 */
export async function trainRun(
  ctx: UnitContext,
  cfg: RunConfig,
  hooks: RunHooks = {},
): Promise<RunResult> {
  const pause = makeYielder();
  const result = await ctx.env.train(cfg, {
    ...hooks,
    beforeStep: async (step) => {
      await pause();
      await hooks.beforeStep?.(step);
    },
    onProgress: (p) => {
      ctx.progress(p.step / p.steps);
      hooks.onProgress?.(p);
    },
    shouldStop: () => ctx.shouldStop(),
  });
  if (result.status === 'stopped') throw new StoppedError();
  return result;
}
