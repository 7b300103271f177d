import type { RunConfig } from '../config/schema.ts';
import { ConfigError } from '../core/config-error.ts';

/** Runs longer than this are exported without per-step indices unless --exact is asked for. */
export const EXACT_DEFAULT_MAX_STEPS = 10_000;

/**
 * Whether a bundle carries every step's batch indices when nobody said: up to
 * EXACT_DEFAULT_MAX_STEPS steps (the data order identical; longer runs keep plan.npz small and
 * let train.py deal i.i.d. shards itself), and always for a non-i.i.d. sharding, which train.py's
 * own sampler cannot deal (its indices are the only way to reproduce it).
 */
export function exactByDefault(config: RunConfig): boolean {
  return config.steps <= EXACT_DEFAULT_MAX_STEPS || config.sharding !== 'iid';
}

/**
 * What the PyTorch export can express today, checked before anything is built or written. Each
 * problem is one line that names the config key, what it is and what the exporter supports, so
 * the user knows which field to change (the CLI exits 2 with these lines).
 */
export function torchExportProblems(config: RunConfig, exact: boolean): string[] {
  const problems: string[] = [];
  if (!exact && config.sharding !== 'iid') {
    problems.push(
      `sharding: ${JSON.stringify(config.sharding)} needs --exact (the script's own sampler deals i.i.d. shards only)`,
    );
  }
  return problems;
}

/** Throws a ConfigError (bad input, exit 2) with every problem when the config cannot be exported. */
export function checkTorchExportable(config: RunConfig, exact: boolean): void {
  const problems = torchExportProblems(config, exact);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
}
