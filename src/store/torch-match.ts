import { toConfigInput } from '../config/config-input.ts';
import type { RunConfig } from '../config/schema.ts';
import { canonicalJson } from './fingerprint.ts';
import type { RunRecord } from './records.ts';

/**
 * Which simulated run a PyTorch run reproduces. The bundle carries the run's resolved config, and
 * train.py writes it back (with `steps` cut to `--steps N` when asked), so the match is by config:
 * every setting that changes the numbers equal, in the input form the library fingerprints runs
 * by, except `steps`, which may be fewer in PyTorch. Among several (the same config trained twice) the one with the same
 * steps, then a completed one, then the most recently updated.
 */
export function simulatedSourceOf(
  torch: Pick<RunRecord, 'config'>,
  runs: readonly RunRecord[],
): RunRecord | null {
  const key = configKey(torch.config);
  const candidates = runs.filter(
    (r) =>
      r.origin === undefined && r.config.steps >= torch.config.steps && configKey(r.config) === key,
  );
  const rank = (r: RunRecord): number[] => [
    r.config.steps === torch.config.steps ? 1 : 0,
    r.status === 'completed' ? 1 : 0,
    r.updatedAt,
  ];
  candidates.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
    return 0;
  });
  return candidates[0] ?? null;
}

/**
 * Settings that never change a run's numbers (how many workers host the devices, the transport,
 * timeouts, checksum and telemetry intervals): a bundle exported from a CLI config run with 4
 * workers is still the app's run on 1.
 */
const NOT_NUMERIC = [
  'workers',
  'transport',
  'collectiveTimeoutMs',
  'checksumEvery',
  'telemetryEvery',
];

/** The config as a PyTorch run is matched by (input form, canonical), `steps` and NOT_NUMERIC left out. */
export function configKey(config: RunConfig): string {
  const input: Record<string, unknown> = { ...toConfigInput(config) };
  for (const key of ['steps', ...NOT_NUMERIC]) delete input[key];
  return canonicalJson(input);
}
