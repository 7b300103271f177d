import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** True when `python3 -c "import torch"` fails: the tests that need PyTorch skip, saying why. */
export const torchMissing =
  spawnSync('python3', ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0;

const run = promisify(execFile);
const RUNNER = join(import.meta.dirname, '..', 'export', 'fixtures', 'run_bundles.py');

/**
 * Runs the jobs in `jobsFile` (exported bundles, whole or step by step: see run_bundles.py) in
 * ONE torchrun launch of 4 processes on CPU (gloo); resolves with the launch's seconds.
 */
export async function launchBundles(jobsFile: string): Promise<number> {
  const started = performance.now();
  await run(
    'python3',
    ['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=4', RUNNER, jobsFile],
    { env: { ...process.env, OMP_NUM_THREADS: '1' }, timeout: 900_000 },
  );
  return (performance.now() - started) / 1000;
}
