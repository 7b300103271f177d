/**
 * `npm run bench -- experiments`: wall time of each of the seven named experiments in --quick mode
 * (`npm run experiment -- <name> --quick --fresh`, run in this process, devices in this thread as
 * the CLI's default), one after another into a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperimentCli } from '../src/cli/experiment.ts';
import { EXPERIMENT_NAMES } from '../src/experiments/index.ts';

export async function benchExperiments(
  print: (line: string) => void,
): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  const out = mkdtempSync(join(tmpdir(), 'bench-experiments-'));
  const quiet = {
    stdout: async () => {},
    stderr: () => {},
    stderrIsTTY: false,
  };
  let total = 0;
  try {
    for (const name of EXPERIMENT_NAMES) {
      const t0 = performance.now();
      const code = await runExperimentCli(
        [name, '--quick', '--fresh', '--quiet', '--out', out],
        quiet,
      );
      const s = (performance.now() - t0) / 1000;
      if (code !== 0) throw new Error(`experiment ${name} exited with code ${code}`);
      figures[`experiment ${name} quick s`] = s;
      total += s;
      print(`  ${name.padEnd(16)} ${s.toFixed(1).padStart(6)} s`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  figures['experiments quick total s'] = total;
  print(`  ${'total'.padEnd(16)} ${total.toFixed(1).padStart(6)} s`);
  return figures;
}
