import { configKey } from '../../store/torch-match.ts';
import type { ComparedRun } from './compared-run.ts';

/**
 * The PyTorch run among compared runs (the first one) and the simulated run it reproduces among
 * the others (same config, `steps` aside; the first such), either null when absent.
 */
export function torchPairOf(runs: readonly ComparedRun[]): {
  readonly pytorch: ComparedRun | null;
  readonly simulated: ComparedRun | null;
} {
  const pytorch = runs.find((r) => r.origin !== undefined) ?? null;
  if (!pytorch) return { pytorch: null, simulated: null };
  const key = configKey(pytorch.config);
  const simulated =
    runs.find(
      (r) =>
        r.origin === undefined &&
        r.config.steps >= pytorch.config.steps &&
        configKey(r.config) === key,
    ) ?? null;
  return { pytorch, simulated };
}
